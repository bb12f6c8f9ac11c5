"""Small, clean SVG line charts of measures over visits, for the patient page and the PDF.

Pure Python (no Flask): `progress_chart_svg(series)` returns a standalone <svg> string. Each
measure gets its own small panel with its own scale (pain 0–10, RMDQ 0–24, …), so no panel
distorts another; points are labelled with their values so the chart reads without axes.
"""

from __future__ import annotations

from datetime import date
from html import escape

from physio.clinical import format_number

# (measure key, panel title, y-axis maximum or None to fit, lower is better)
DEFAULT_PANELS: tuple[tuple[str, str, float | None, bool], ...] = (
    ("nprs_now", "Pain now (0–10)", 10, True),
    ("rmdq", "Disability, RMDQ (0–24)", 24, True),
    ("psfs_mean", "Activities, PSFS (0–10)", 10, False),
    ("weekly_km_w1", "Running km per week", None, False),
)

#: The same panels in the patient's words (their PDF and phone page): no test names,
#: questionnaire acronyms or units (issue 10, round 2).
PATIENT_PANELS: tuple[tuple[str, str, float | None, bool], ...] = (
    ("nprs_now", "Pain now (0–10)", 10, True),
    ("rmdq", "Back pain and daily life (0–24)", 24, True),
    ("psfs_mean", "Your chosen activities (0–10)", 10, False),
    ("weekly_km_w1", "Running km per week", None, False),
)

ACCENT = "#0f766e"
GRID = "#d0d5dd"
INK = "#344054"


def _panel(
    x0: float,
    y0: float,
    title: str,
    points: list[tuple[date, float]],
    y_max: float | None,
    lower_is_better: bool,
    w: float,
    h: float,
    note_line: bool = False,
) -> str:
    """One measure's panel. `note_line`: "lower is better" on its own line under the title
    (a long title, or a top value at the right edge, would run into it beside the title).
    Without it, the hint goes beside the title when both fit on the line (rough widths of bold
    11 and plain 8.5 units), else on a line of its own above the plot."""
    pad_l, pad_r, pad_t, pad_b = 24, 24, (42 if note_line else 30), 24
    hint_beside = 8 + len(title) * 11 * 0.62 + 12 + 15 * 8.5 * 0.56 <= w - pad_r
    if lower_is_better and not note_line and not hint_beside:
        pad_t = 44
    inner_w, inner_h = w - pad_l - pad_r, h - pad_t - pad_b
    top = y_max if y_max is not None else max(v for _, v in points) * 1.25 or 1
    n = len(points)

    def px(i: int) -> float:
        return x0 + pad_l + (inner_w / 2 if n == 1 else inner_w * i / (n - 1))

    def py(v: float) -> float:
        return y0 + pad_t + inner_h * (1 - min(v, top) / top)

    parts = [
        f'<text x="{x0 + 8}" y="{y0 + 14}" font-size="11" font-weight="700" '
        f'fill="{INK}">{escape(title)}</text>',
        f'<line x1="{x0 + pad_l}" y1="{y0 + pad_t + inner_h}" x2="{x0 + w - pad_r}" '
        f'y2="{y0 + pad_t + inner_h}" stroke="{GRID}" stroke-width="1"/>',
        f'<line x1="{x0 + pad_l}" y1="{y0 + pad_t}" x2="{x0 + w - pad_r}" y2="{y0 + pad_t}" '
        f'stroke="{GRID}" stroke-width="0.6" stroke-dasharray="3 3"/>',
    ]
    if lower_is_better and note_line:
        parts.append(
            f'<text x="{x0 + 8}" y="{y0 + 26}" font-size="8.5" '
            f'fill="#667085">lower is better</text>'
        )
    elif lower_is_better:
        parts.append(
            f'<text x="{x0 + w - pad_r}" y="{y0 + (14 if hint_beside else 26)}" '
            f'font-size="8.5" text-anchor="end" fill="#667085">lower is better</text>'
        )
    coords = [(px(i), py(v)) for i, (_, v) in enumerate(points)]
    if n > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{ACCENT}" '
            f'stroke-width="2.2" stroke-linejoin="round"/>'
        )
    for (x, y), (day, value) in zip(coords, points, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.6" fill="{ACCENT}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 7:.1f}" font-size="10" text-anchor="middle" '
            f'font-weight="700" fill="{INK}">{format_number(value)}</text>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y0 + h - 8}" font-size="8.5" '
            f'text-anchor="middle" fill="#667085">{day:%d %b}</text>'
        )
    return "\n".join(parts)


def progress_chart_svg(
    series: dict[str, list[tuple[date, float]]],
    panels=DEFAULT_PANELS,
    *,
    panel_width: float = 260,
    height: float = 130,
    columns: int = 2,
    title: str = "Progress over visits",
    note_line: bool = False,
) -> str:
    """Small line charts in a grid (`columns` per row), one per measure with a value."""
    shown = [(key, title, y_max, lower) for key, title, y_max, lower in panels if series.get(key)]
    if not shown:
        return ""
    columns = min(columns, len(shown))
    rows = -(-len(shown) // columns)
    width, total_height = panel_width * columns, height * rows
    body = [
        _panel(
            (i % columns) * panel_width,
            (i // columns) * height,
            title,
            series[key],
            y_max,
            lower,
            panel_width,
            height,
            note_line,
        )
        for i, (key, title, y_max, lower) in enumerate(shown)
    ]
    names = ", ".join(title for _, title, _, _ in shown)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {total_height:.0f}" '
        f'class="chart" role="img" font-family="DejaVu Sans, sans-serif">'
        f"<title>{escape(title)}: {escape(names)}</title>\n" + "\n".join(body) + "</svg>"
    )


PAIN_LOG_PANELS: tuple[tuple[str, str, float | None, bool], ...] = (
    ("during", "Pain during runs (0–10)", 10, True),
    ("next_morning", "Pain the morning after (0–10)", 10, True),
)


def pain_log_chart_svg(runs: list[tuple[date, int | None, int | None]]) -> str:
    """The patient's logged runs: pain during and the next morning, by day (home log)."""
    series: dict[str, list[tuple[date, float]]] = {
        "during": [(day, during) for day, during, _ in runs if during is not None],
        "next_morning": [(day, morning) for day, _, morning in runs if morning is not None],
    }
    return progress_chart_svg(
        series, PAIN_LOG_PANELS, title="Pain logged after runs", height=142, note_line=True
    )
