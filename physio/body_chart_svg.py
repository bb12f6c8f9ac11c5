"""The body chart drawn as SVG: a front and a back outline made for this project, with the
regions of physio/clinical/body_chart.py as shapes that can be tapped (form) or filled (view,
review, GP letter). One drawing for every place it is shown.

Front view on the left, back view on the right. On the front view the patient's left is on the
viewer's right; on the back view it is on the viewer's left (as when standing behind them).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from markupsafe import Markup, escape

from physio.clinical.body_chart import REGIONS, REGIONS_BY_CODE, SYMPTOMS, marks_from

WIDTH, HEIGHT = 420, 470
FRONT_X, BACK_X = 105, 315
TOP = 12

# Half-widths of the trunk at a few heights, and of each leg (outer and inner edge, measured
# from the body's midline); linear in between.
_TRUNK = ((62, 30), (72, 62), (140, 46), (185, 47), (215, 54))
_LEG_OUTER = ((215, 54), (300, 33), (395, 25), (415, 30), (440, 34))
_LEG_INNER = ((228, 3), (300, 9), (395, 11), (415, 9), (440, 7))

SYMPTOM_FILL = {"pain": "#d92d20", "pins_needles": "url(#bc-hatch)", "numbness": "url(#bc-dots)"}
SYMPTOM_SWATCH = {"pain": "#d92d20", "pins_needles": "#dc6803", "numbness": "#1570ef"}


def _at(table, y: float) -> float:
    for (y0, v0), (y1, v1) in itertools.pairwise(table):
        if y0 <= y <= y1:
            return v0 + (v1 - v0) * (y - y0) / (y1 - y0)
    return table[0][1] if y < table[0][0] else table[-1][1]


def _steps(y0: float, y1: float, n: int = 6) -> list[float]:
    return [y0 + (y1 - y0) * i / n for i in range(n + 1)]


def _pts(points) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _trunk_band(cx, y0, y1, x_from, x_to):
    """A band of the trunk between two heights, between two fractions of its half-width
    (-1 = the viewer's left edge, 1 = the right edge)."""
    ys = _steps(y0, y1)
    right = [(cx + x_to * _at(_TRUNK, y), y) for y in ys]
    left = [(cx + x_from * _at(_TRUNK, y), y) for y in reversed(ys)]
    return right + left


def _leg_band(cx, side, y0, y1):
    """One leg (side -1 = viewer's left, 1 = viewer's right) between two heights."""
    ys = _steps(y0, y1)
    outer = [(cx + side * _at(_LEG_OUTER, y), y) for y in ys]
    inner = [(cx + side * _at(_LEG_INNER, y), y) for y in reversed(ys)]
    return outer + inner


def _side(view: str, patient_side: str) -> int:
    """Viewer's side (-1 left, 1 right) of the patient's left or right on a view."""
    left = 1 if view == "front" else -1
    return left if patient_side == "left" else -left


# Region code → (view, shape builder); heights in the figure's own coordinates.
def _region_points(code: str):
    region = REGIONS_BY_CODE[code]
    cx = FRONT_X if region.view == "front" else BACK_X
    side_name = "left" if code.endswith("_left") else "right" if code.endswith("_right") else ""
    side = _side(region.view, side_name) if side_name else 0
    if code == "thoracic":
        return _trunk_band(cx, 80, 138, -0.8, 0.8)
    if code == "central_lumbar":
        return _trunk_band(cx, 140, 186, -0.28, 0.28)
    if code.startswith("lumbar_"):
        return _trunk_band(cx, 140, 186, *((0.3, 0.95) if side > 0 else (-0.95, -0.3)))
    if code.startswith(("buttock_", "groin_")):
        return _trunk_band(cx, 188, 214, *((0.04, 1.0) if side > 0 else (-1.0, -0.04)))
    spans = {
        "thigh_back": (217, 292),
        "calf": (306, 392),
        "heel": (396, 438),
        "thigh_front": (217, 288),
        "knee": (290, 314),
        "shin": (316, 392),
        "foot": (396, 438),
    }
    y0, y1 = spans[code.rsplit("_", 1)[0]]
    return _leg_band(cx, side, y0, y1)


def _outline(cx: int) -> str:
    """Head, neck, trunk, arms and legs of one figure (not tappable)."""
    trunk = _trunk_band(cx, 62, 215, -1, 1)
    legs = [_leg_band(cx, s, 214, 440) for s in (-1, 1)]
    arms = []
    for s in (-1, 1):
        arms.append(
            [
                (cx + s * 58, 66),
                (cx + s * 72, 76),
                (cx + s * 86, 150),
                (cx + s * 92, 214),
                (cx + s * 80, 216),
                (cx + s * 70, 152),
                (cx + s * 56, 100),
            ]
        )
    parts = [f'<circle cx="{cx}" cy="{TOP + 22}" r="20"/>']
    parts.append(f'<rect x="{cx - 9}" y="{TOP + 40}" width="18" height="14" rx="4"/>')
    parts += [f'<polygon points="{_pts(p)}"/>' for p in [trunk, *arms, *legs]]
    return "".join(parts)


def _centre(points) -> tuple[float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (sum(xs) / len(xs), sum(ys) / len(ys))


@lru_cache(maxsize=1)
def _static() -> tuple[str, dict[str, str], dict[str, tuple[float, float]]]:
    defs = (
        "<defs>"
        '<pattern id="bc-hatch" width="7" height="7" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="7" height="7" fill="#fedf89"/>'
        '<line x1="0" y1="0" x2="0" y2="7" stroke="#b54708" stroke-width="3.5"/></pattern>'
        '<pattern id="bc-dots" width="7" height="7" patternUnits="userSpaceOnUse">'
        '<rect width="7" height="7" fill="#d1e9ff"/>'
        '<circle cx="3.5" cy="3.5" r="1.8" fill="#1570ef"/></pattern>'
        "</defs>"
    )
    outline = (
        '<g class="bc-outline" fill="#f2f4f7" stroke="#667085" stroke-width="1.5" '
        f'stroke-linejoin="round">{_outline(FRONT_X)}{_outline(BACK_X)}</g>'
    )
    labels = (
        '<g class="bc-labels" font-family="DejaVu Sans, sans-serif" font-size="13" '
        'fill="#344054" text-anchor="middle">'
        f'<text x="{FRONT_X}" y="{HEIGHT - 8}">Front</text>'
        f'<text x="{BACK_X}" y="{HEIGHT - 8}">Back</text>'
        f'<text x="{FRONT_X - 82}" y="{TOP + 30}">R</text>'
        f'<text x="{FRONT_X + 82}" y="{TOP + 30}">L</text>'
        f'<text x="{BACK_X - 82}" y="{TOP + 30}">L</text>'
        f'<text x="{BACK_X + 82}" y="{TOP + 30}">R</text>'
        "</g>"
    )
    shapes = {r.code: _pts(_region_points(r.code)) for r in REGIONS}
    centres = {r.code: _centre(_region_points(r.code)) for r in REGIONS}
    return defs + outline + labels, shapes, centres


def body_chart_svg(marks=(), *, interactive: bool = False, title: str = "Body chart") -> str:
    """The chart with `marks` filled in. Interactive: every region is a button for the form's
    script (physio/static/js/body-chart.js)."""
    static, shapes, centres = _static()
    by_region: dict[str, list] = {}
    for mark in marks_from(marks):
        by_region.setdefault(mark.region, []).append(mark)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="body-chart-svg" role="{"group" if interactive else "img"}" '
        f'aria-label="{escape(title)}">',
        static,
    ]
    for region in REGIONS:
        points = shapes[region.code]
        found = by_region.get(region.code, [])
        words = "; ".join(
            SYMPTOMS[m.symptom].lower() + (f" {m.intensity}/10" if m.intensity is not None else "")
            for m in found
        )
        label = f"{region.label}: {words}" if words else region.label
        attrs = f'data-region="{region.code}" class="bc-region"'
        if interactive:
            attrs += f' tabindex="0" role="button" aria-label="{escape(label)}"'
            attrs += f' data-location="{region.location or ""}" data-label="{escape(region.label)}"'
        out.append(f"<g {attrs}>")
        out.append(
            f'<polygon points="{points}" fill="#ffffff" fill-opacity="0.01" '
            'stroke="#98a2b3" stroke-width="0.8" stroke-dasharray="3 2"/>'
        )
        for mark in found:
            opacity = 0.35 + 0.065 * mark.intensity if mark.intensity is not None else 0.7
            out.append(
                f'<polygon class="bc-mark bc-{mark.symptom}" points="{points}" '
                f'fill="{SYMPTOM_FILL[mark.symptom]}" fill-opacity="{min(opacity, 1):.2f}" '
                'stroke="#344054" stroke-width="1"/>'
            )
        levels = [str(m.intensity) for m in found if m.intensity is not None]
        if levels:
            x, y = centres[region.code]
            out.append(
                f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="11" font-weight="bold" '
                'font-family="DejaVu Sans, sans-serif" text-anchor="middle" fill="#101828" '
                f'stroke="#ffffff" stroke-width="2.5" paint-order="stroke">'
                f"{'/'.join(levels)}</text>"
            )
        if not interactive:
            out.append(f"<title>{escape(label)}</title>")
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def body_chart_markup(marks=(), **kwargs) -> Markup:
    # Our own SVG: every text in it is escaped above.
    return Markup(body_chart_svg(marks, **kwargs))
