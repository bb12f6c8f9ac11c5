"""The patient's plan sheet (docs/plan-rules.md, "The PDF a patient takes home").

HTML and CSS come from Jinja templates in ``templates/pdf/`` (rendered with
:func:`flask.render_template`, so call these functions inside an app context), then the engine
(physio/pdf/engine.py) lays them out::

    with app.app_context():
        pdf_bytes = render_plan_pdf(PlanDocument(plan=plan, patient_name="Jane Runner", ...))

Everything the templates show is prepared here as plain values (dose in words, the weekly table,
pictures as embedded SVG), so the templates stay simple and the wording can be tested. Which
sections print, in which order, and which items each holds comes from the library
(physio/plan/library.py: ``HANDOUT_SECTIONS``, ``LIBRARY_ORDER``, ``Intervention.per_side``).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import render_template
from markupsafe import Markup

from physio.charts import PATIENT_PANELS, progress_chart_svg
from physio.clinical.progress import MEASURES_BY_KEY
from physio.pdf.document import (
    PlanDocument,
    long_date,
    number,
    page_css_values,
    plural,
    visit_label,
    weekday_date,
)
from physio.pdf.engine import css_string, html_to_pdf, style_element, svg_data_url, svg_image
from physio.plan import texts as plan_texts
from physio.plan.illustrations import (
    ILLUSTRATIONS,
    VARIANTS,
    illustration_svg,
    level_cat_cow_svg,
    thumbnail_svg,
)
from physio.plan.library import (
    DOSE_RULES,
    FOOTER,
    HANDOUT_SECTIONS,
    INTERVENTIONS,
    LIBRARY_ORDER,
    NEXT_WEEK_RULE,
    PAIN_RULES,
    RACE_WEEK_NEXT_RULE,
    TAPER_NEXT_WEEK_RULE,
    WALK_RUN_STAGES,
    pyramid_reps,
)
from physio.plan.model import TreatmentPlan
from physio.plan.running import RunningWeek

ACCENT = "#0f766e"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- small text helpers -----------------------------------------------------------------------
def days_words(days_per_week: int | None) -> str:
    if not days_per_week:
        return ""
    if days_per_week >= 7:
        return "every day"
    return f"{plural(days_per_week, 'day')} a week"


def per_side(code: str) -> bool:
    """Done on each side in turn (library data: ``Intervention.per_side``)."""
    entry = INTERVENTIONS.get(code)
    return bool(entry and entry.per_side)


def named_side_only(code: str) -> bool:
    """A stretch done on the named side only (library data: ``Intervention.named_side_only``)."""
    entry = INTERVENTIONS.get(code)
    return bool(entry and entry.named_side_only)


def is_pyramid(item) -> bool:
    """Dosed as a descending pyramid of short holds (library data: ``DOSE_RULES``)."""
    rule = DOSE_RULES.get(item.code)
    return bool(rule and rule.kind == "pyramid" and item.hold_s and item.reps)


def dose_words(item) -> str:
    """The dose as a patient reads it: "4 × 15-second holds, 5 days a week"."""
    sets, reps, hold = item.sets or 0, item.reps or 0, item.hold_s or 0
    if is_pyramid(item):
        rounds = pyramid_reps(reps, sets)
        counts = ", then ".join(str(r) for r in rounds)
        parts = [
            f"{hold}-second holds: {counts}"
            + (" (a short rest between rounds)" if len(rounds) > 1 else "")
        ]
    elif hold:
        count = reps or sets or 1
        holds = f"{count} × {hold}-second hold{'s' if count != 1 else ''}"
        if reps and sets > 1:
            holds = f"{sets} rounds of {holds}"
        parts = [holds]
    elif reps:
        parts = [f"{sets} sets of {reps}" if sets > 1 else f"{reps} times"]
    else:
        parts = []
    where = side_words(item)
    if where and parts:
        parts[0] += f" {where}"
    days = days_words(item.days_per_week)
    if days:
        parts.append(days)
    return ", ".join(parts)


def side_words(item) -> str:
    side = item.side if item.side in ("left", "right") else None
    if named_side_only(item.code) and side:
        return f"on your {side} side only"
    if per_side(item.code):
        return "on each side"
    return ""


def side_label(item) -> str | None:
    """A short label naming the side, for the card heading."""
    if item.side not in ("left", "right"):
        return "Both sides" if item.side == "both" and per_side(item.code) else None
    if named_side_only(item.code):
        return f"{item.side.capitalize()} side only"
    return f"{item.side.capitalize()} side first"


def illustration(code: str | None, side: str | None = None) -> Markup | None:
    """The exercise's picture, or None when there is no picture for it (yet)."""
    if not code:
        return None
    try:
        svg = illustration_svg(code, side)
    except (KeyError, ValueError):
        try:
            svg = illustration_svg(code) if side else None
        except (KeyError, ValueError):
            svg = None
    return _illustration_image(svg) if svg else None


@functools.lru_cache(maxsize=256)
def _illustration_image(svg: str) -> Markup:
    # The same few dozen drawings recur in every plan: encode each once per process.
    return svg_image(svg, "illustration")


# --- what each section shows ------------------------------------------------------------------
def exercise_view(item, gentle: bool, plan: TreatmentPlan | None = None) -> dict:
    entry = INTERVENTIONS.get(item.code)
    steps = plan_texts.item_steps(plan, item) if plan else list(entry.steps) if entry else []
    return {
        "code": item.code,
        "title": item.title,
        "side": side_label(item),
        "dose": dose_words(item),
        "rest": f"Rest about {entry.rest_s} seconds between each."
        if entry and entry.rest_s and (item.reps or item.sets)
        else "",
        "target": item.target,
        "steps": steps[:5],
        "purpose": entry.purpose if entry else "",
        "reason": item.reason,
        "note": item.physio_note,
        "cautions": entry.cautions if entry else "",
        "progression": plan_texts.item_progression(plan, item)
        if plan
        else ""
        if gentle or not entry
        else entry.progression,
        "regression": entry.regression if entry else "",
        "svg": _illustration_image(level_cat_cow_svg())
        if item.code == "cat_cow" and plan is not None and plan.facts.extension_sensitive
        else illustration(entry.illustration if entry else item.code, item.side),
        "variants": variant_views(item.code, gentle, entry),
    }


_VARIANT_WORDS = {"regression": "If it is too hard", "progression": "When it gets easy"}


def variant_views(code: str, gentle: bool, entry) -> list[dict]:
    """The easier or harder version the card's text names, drawn (physio.plan.illustrations
    ``VARIANTS``); no harder version on a gentle programme."""
    views = []
    for which, drawing, name in VARIANTS.get(code, ()):
        if entry is None or not getattr(entry, which) or (gentle and which == "progression"):
            continue
        caption = f"{_VARIANT_WORDS[which]}: {name}"
        views.append({"caption": caption, "svg": _variant_image(drawing, caption), "which": which})
    return views


@functools.lru_cache(maxsize=64)
def _variant_image(drawing: str, caption: str) -> Markup:
    svg = thumbnail_svg(drawing)
    ill = ILLUSTRATIONS[drawing]
    return svg_image(svg, "illustration variant-img", alt=f"{caption}. {ill.description}")


def advice_view(item, gentle: bool = False, plan: TreatmentPlan | None = None) -> dict:
    """A running, load, footwear or education item: title, why, target, and plain steps."""
    entry = INTERVENTIONS.get(item.code)
    steps = plan_texts.item_steps(plan, item) if plan else list(entry.steps) if entry else []
    if item.code == "load_reset":
        # The level is the item's own target ("40 km a week"), never "the level set for you".
        level = f"about {item.target}" if item.target else "the level your physio sets with you"
        steps = [step.replace("{level}", level) for step in steps]
    return {
        "code": item.code,
        "title": item.title,
        "purpose": entry.purpose if entry else "",
        "reason": item.reason,
        "target": item.target,
        "dose": days_words(item.days_per_week),
        "steps": steps,
        "note": item.physio_note,
        "cautions": entry.cautions if entry else "",
        "progression": plan_texts.item_progression(plan, item)
        if plan
        else ""
        if gentle or not entry
        else entry.progression,
    }


#: Which days of the week a dose falls on (0 = Monday), by kind of item and days a week. One way
#: to fit the plan in: runs and cross-training on different days, with Monday and Friday free of
#: both; strength every other day.
_EXERCISE_DAYS = {
    7: (0, 1, 2, 3, 4, 5, 6),
    6: (0, 1, 2, 3, 4, 5),
    5: (0, 1, 3, 4, 5),
    4: (0, 1, 3, 5),
    3: (0, 2, 4),
    2: (1, 4),
    1: (2,),
}
_RUN_DAYS = {1: (5,), 2: (1, 5), 3: (1, 3, 5), 4: (1, 3, 5, 6), 5: (1, 2, 3, 5, 6)}
_XTRAIN_DAYS = {1: (2,), 2: (2, 6), 3: (0, 2, 6)}


def week_days(item) -> list[bool]:
    n = max(0, min(7, item.days_per_week or 0))
    if item.kind == "running":
        chosen = _RUN_DAYS.get(n, _EXERCISE_DAYS.get(n, ()))
    elif item.kind == "cross_training":
        chosen = _XTRAIN_DAYS.get(n, _EXERCISE_DAYS.get(n, ()))
    else:
        chosen = _EXERCISE_DAYS.get(n, ())
    return [d in chosen for d in range(7)]


def short_dose(item) -> str:
    if item.kind == "exercise":
        sets, reps, hold = item.sets or 0, item.reps or 0, item.hold_s or 0
        if is_pyramid(item):
            text = f"{hold} s × " + "-".join(str(r) for r in pyramid_reps(reps, sets))
        elif hold:
            text = f"{reps or sets or 1} × {hold} s"
            if reps and sets > 1:
                text = f"{sets} rounds of {text}"
        elif reps:
            text = f"{sets} × {reps}" if sets > 1 else f"{reps} times"
        else:
            text = ""
        if per_side(item.code):
            only = named_side_only(item.code) and item.side in ("left", "right")
            text += f", {item.side} only" if only else ", each side"
        return text.strip(", ")
    if item.code == "walk_run" and item.target:
        return re.sub(r"^Stage \d+: ", "", item.target)
    return item.target or ""


def km_words(km: float) -> str:
    return f"{number(km)} km"


def running_week_of(plan: TreatmentPlan) -> RunningWeek | None:
    """The plan's running week, when its item is in the plan (the physio may leave it out)."""
    item = plan.item("running_week")
    if item is None or not item.included or plan.running_week is None:
        return None
    return plan.running_week


#: How each kind of run is named on the sheet and the phone page.
RUN_KIND_WORDS = {
    "easy": "Easy run",
    "long": "Long run, easy pace",
    "session": "Your usual session (keep it steady if your back is sore)",
    "walk_jog": "Walk–jog",
}


def running_week_view(item, week: RunningWeek) -> dict:
    """The runs of the week (day, easy/long, km), the total and next week's rule."""
    view = advice_view(item)
    view["dose"] = ""  # the runs say which days
    view["runs"] = [
        {
            "day": DAY_NAMES[run.day],
            "what": RUN_KIND_WORDS.get(run.kind, "Easy run"),
            "km": km_words(run.km),
        }
        for run in week.runs
    ]
    view["total"] = km_words(week.total_km)
    figures = {
        "next": km_words(week.next_week_km),
        "total": km_words(week.total_km),
        "back": km_words(week.step_back_km),
    }
    rule = NEXT_WEEK_RULE
    if week.decision == "taper":
        race_week = week.days_to_race is not None and week.days_to_race <= 7
        rule = RACE_WEEK_NEXT_RULE if race_week else TAPER_NEXT_WEEK_RULE
    view["next_week"] = {
        "title": rule.title,
        "intro": rule.intro,
        "points": [point.format(**figures) for point in rule.points],
    }
    return view


#: Days for cross-training beside a running week: not on a run day, mid-week first; at least
#: one day a week stays free of both.
_XTRAIN_PREFERENCE = (2, 4, 5, 1, 3, 0, 6)


def glance_rows(plan: TreatmentPlan) -> list[dict]:
    rows = []
    week = running_week_of(plan)
    run_days = {run.day: run for run in week.runs} if week else {}
    for item in plan.items_of("exercise", "running", "cross_training"):
        if item.code == "running_week":
            if week is None:
                continue
            # The runs themselves: the km of each run on its day.
            cells: list[bool | dict] = [
                {"km": km_words(run_days[d].km), "long": run_days[d].kind == "long"}
                if d in run_days
                else False
                for d in range(7)
            ]
            rows.append(
                {
                    "code": item.code,
                    "title": "Run",
                    "dose": f"{km_words(week.total_km)} in all",
                    "days": cells,
                }
            )
            continue
        if not item.days_per_week:
            continue
        title = item.title
        if item.code == "cadence" and item.target:
            title = "Quicker steps on easy runs"
        days: list[bool | dict] = list(week_days(item))
        if item.code == "cadence" and run_days:
            # "on easy runs": the days of this week's easy runs, not days picked on their own
            days = [d in run_days and run_days[d].kind == "easy" for d in range(7)]
        if item.kind == "cross_training" and run_days:
            # on days without a run, as many as the card says (a day with neither is not kept
            # back: the card's number and the table agree)
            free = [d for d in _XTRAIN_PREFERENCE if d not in run_days]
            chosen = set(free[: max(0, min(item.days_per_week, len(free)))])
            days = [d in chosen for d in range(7)]
        rows.append({"code": item.code, "title": title, "dose": short_dose(item), "days": days})
    return rows


def weekly_km(runner: dict) -> list[tuple[str, float]]:
    """[(label, km)] oldest first, for the weeks the runner told us about."""
    labels = {4: "4 weeks ago", 3: "3 weeks ago", 2: "2 weeks ago", 1: "Last 7 days"}
    weeks = []
    for n in (4, 3, 2, 1):
        value = runner.get(f"weekly_km_w{n}") if runner else None
        try:
            km = float(value) if value is not None else None
        except (TypeError, ValueError):
            km = None
        if km is not None and km >= 0:
            weeks.append((labels[n], km))
    return weeks


def km_chart_svg(weeks: list[tuple[str, float]], target_km: float | None) -> Markup | None:
    """A small bar chart of the runner's weekly km, with the target as a dashed line."""
    if not weeks or not any(km for _, km in weeks):
        return None  # no bars to show (no running in those weeks)
    # 280 units across the 92 mm cell: the 10-unit labels print at 9.3 pt and fit their slots
    width, height, top, bottom = 280.0, 120.0, 18.0, 22.0
    tallest = max([km for _, km in weeks] + [target_km or 0]) or 1.0
    inner = height - top - bottom
    slot = width / len(weeks)
    bar = min(44.0, slot * 0.55)

    def y(km: float) -> float:
        return top + inner * (1 - km / tallest)

    parts = [
        f'<line x1="0" y1="{top + inner:.1f}" x2="{width:.0f}" y2="{top + inner:.1f}" '
        'stroke="#98a2b3" stroke-width="1"/>'
    ]
    for i, (label, km) in enumerate(weeks):
        cx = slot * i + slot / 2
        last = i == len(weeks) - 1
        fill = ACCENT if last else "#99c9c3"
        parts.append(
            f'<rect x="{cx - bar / 2:.1f}" y="{y(km):.1f}" width="{bar:.1f}" '
            f'height="{top + inner - y(km):.1f}" fill="{fill}" rx="2"/>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{y(km) - 4:.1f}" font-size="11" font-weight="bold" '
            f'text-anchor="middle" fill="#1d2939">{number(km)} km</text>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{height - 5:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#475467">{label}</text>'
        )
    if target_km:
        ty = y(target_km)
        parts.append(
            f'<line x1="0" y1="{ty:.1f}" x2="{width:.0f}" y2="{ty:.1f}" stroke="#b54708" '
            'stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
    title = "Your weekly running, last 4 weeks: " + ", ".join(
        f"{label.lower()} {number(km)} km" for label, km in weeks
    )
    if target_km:
        title += f"; dashed line: your weekly amount for now, about {number(target_km)} km"
    return svg_image(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="DejaVu Sans, sans-serif">'
        f"<title>{title}</title>" + "".join(parts) + "</svg>",
        "km-chart",
    )


def _km_of(target: str | None) -> float | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*km", target or "")
    return float(match.group(1)) if match else None


def walk_run_stages(item) -> list[dict]:
    """The start stage and the next few, then the last one."""
    start = next((s for s in WALK_RUN_STAGES if s.label == item.target), None)
    if start is None:
        match = re.match(r"Stage (\d+)", item.target or "")
        number_ = int(match.group(1)) if match else 1
        start = WALK_RUN_STAGES[max(1, min(len(WALK_RUN_STAGES), number_)) - 1]
    shown = [s for s in WALK_RUN_STAGES if start.number <= s.number < start.number + 5]
    rows = [
        {
            "number": s.number,
            "text": re.sub(r"^Stage \d+: ", "", s.label),
            "start": s.number == start.number,
        }
        for s in shown
    ]
    last = WALK_RUN_STAGES[-1]
    if shown[-1].number < last.number:
        rows.append({"number": None, "text": "…one stage at a time, up to…", "start": False})
        rows.append(
            {"number": last.number, "text": re.sub(r"^Stage \d+: ", "", last.label), "start": False}
        )
    return rows


#: Plain names for the measures of physio.clinical.progress.
MEASURE_WORDS = {
    "nprs_now": "Pain now",
    "nprs_worst_24h": "Worst pain in the last 24 hours",
    "rmdq": "Questions on how your back affects your day (out of 24)",
    "psfs_mean": "Your activity scores (average)",
    "odi_percent": "Questions on what your back stops you doing (%)",
    "weekly_km_w1": "Running in the last 7 days",
    "plank_s": "Plank hold",
    "side_plank_left_s": "Side plank, left",
    "side_plank_right_s": "Side plank, right",
    "sorensen_s": "Back-muscle hold",
    "flexor_endurance_s": "Front-trunk hold",
    "slr_left_deg": "How far your straight leg lifts, left",
    "slr_right_deg": "How far your straight leg lifts, right",
    "single_leg_bridge_left_reps": "Single-leg bridges, left",
    "single_leg_bridge_right_reps": "Single-leg bridges, right",
    "single_leg_squat_left": "Single-leg squat, left",
    "single_leg_squat_right": "Single-leg squat, right",
    "hip_abductor_left_nmkg": "Hip-side strength, left",
    "hip_abductor_right_nmkg": "Hip-side strength, right",
    "sbst_total": "Short questionnaire on how your back pain affects you",
}
_BETTER = {True: "higher is better", False: "lower is better"}


def with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "Nm/kg":
        return number(value)  # the row's label says what it is; no unit jargon
    if unit.startswith("/") or unit in ("%", "°"):
        return f"{number(value)}{unit}"
    return f"{number(value)} {unit}"


def progress_rows(progress: list) -> list[dict]:
    rows = []
    for change in progress:
        if change.earlier is None and change.later is None:
            continue
        key = change.measure
        measure = MEASURES_BY_KEY.get(key)
        informational = bool(measure and measure.informational)
        if key.startswith("psfs:"):
            label = f"“{change.label}” (your activity score)"
        else:
            label = MEASURE_WORDS.get(key, change.label)
        verdict = change.verdict
        if verdict is None:
            # Only one of the two visits has it: nothing to compare, so it goes in a sentence
            # under the table instead of a row of dashes (see plan.html).
            rows.append(
                {
                    "label": label,
                    "kind": "new" if change.later is not None else "not_today",
                    "earlier": with_unit(change.earlier, change.unit),
                    "later": with_unit(change.later, change.unit),
                }
            )
            continue
        if informational:
            words = "more running" if (change.change or 0) > 0 else "less running"
            verdict_text = "about the same" if verdict == "no meaningful change" else words
            verdict_class = "info"
        else:
            verdict_text = verdict
            verdict_class = {"improved": "better", "worse": "worse"}.get(verdict, "same")
        rows.append(
            {
                "label": label,
                "kind": "compared",
                "hint": "" if informational else _BETTER[bool(change.higher_is_better)],
                "earlier": with_unit(change.earlier, change.unit),
                "later": with_unit(change.later, change.unit),
                "verdict": verdict_text,
                "verdict_class": verdict_class,
                "recovered": change.recovered,
            }
        )
    return rows


def section_items(plan: TreatmentPlan) -> dict[str, list]:
    """The plan's included items by handout section (library data: ``HANDOUT_SECTIONS``)."""
    found = {}
    for section in HANDOUT_SECTIONS:
        chosen = [
            item
            for item in plan.items
            if item.included and (item.kind in section.kinds or item.code in section.codes)
        ]
        if not section.keep_plan_order:
            chosen.sort(key=lambda item: LIBRARY_ORDER.get(item.code, len(LIBRARY_ORDER)))
        found[section.key] = chosen
    return found


def diary_items(plan: TreatmentPlan) -> list:
    """What the diary lists: every exercise, then what else is done on set days (runs,
    cross-training), in the plan's order."""
    return [
        item
        for item in plan.items
        if item.included
        and (
            item.kind == "exercise"
            or (item.kind in ("running", "cross_training") and item.days_per_week)
        )
    ]


def diary_view(plan: TreatmentPlan) -> dict | None:
    """The two-week tick-box diary: one row per item with its planned days (twice: week 1 and
    week 2), then the run rows to fill in by hand. None for the emergency sheet."""
    if plan.emergency:
        return None
    items = diary_items(plan)
    if not items:
        return None
    # The same days as the week at a glance: a patient ticks what the table told them to do.
    glance = {row["code"]: [bool(on) for on in row["days"]] for row in glance_rows(plan)}
    rows = []
    for item in items:
        title = "Quicker steps on easy runs" if item.code == "cadence" else item.title
        days = glance.get(item.code) or (week_days(item) if item.days_per_week else [True] * 7)
        rows.append({"code": item.code, "title": title, "how": short_dose(item), "days": days})
    running = {i.code for i in items if i.kind == "running"}
    run_rows = [r["days"] for r in rows if r["code"] in running]
    run_days = [any(days[d] for days in run_rows) for d in range(7)] if run_rows else None
    walk_run = next((i for i in items if i.code == "walk_run"), None)
    load = next((i for i in plan.items if i.included and i.code == "load_reset"), None)
    planned = ""
    if walk_run is not None:
        planned = short_dose(walk_run)
    elif load is not None and load.target:
        planned = load.target
    return {"rows": rows, "run_days": run_days, "planned_run": planned}


#: The DRAFT mark printed across every page of a render that is not from a signed record: a pale
#: page background (under the text, which keeps its contrast), as an SVG data: URL.
DRAFT_MARK_COLOUR = "#f9d6d2"
_DRAFT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
    '<g transform="rotate(-52 105 148.5)" font-family="DejaVu Sans, sans-serif" '
    'font-weight="bold" text-anchor="middle" fill="' + DRAFT_MARK_COLOUR + '">'
    '<text x="105" y="160" font-size="52">DRAFT</text>'
    '<text x="105" y="184" font-size="13">not signed · not for the patient</text></g></svg>'
)


def plan_context(doc: PlanDocument) -> dict[str, Any]:
    """Everything plan.html and plan.css print, as plain values."""
    plan = doc.plan
    gentle = bool(plan.gentle_until_seen)
    emergency = bool(plan.emergency)
    included = {i.code: i for i in plan.items if i.included}
    referral_items = plan.items_of("referral")
    items = {} if emergency else section_items(plan)
    exercises = [exercise_view(i, gentle, plan) for i in items.get("exercises", [])]

    running_views = []
    week = running_week_of(plan)
    for item in items.get("running", []):
        view = (
            running_week_view(item, week)
            if item.code == "running_week" and week is not None
            else advice_view(item, gentle, plan)
        )
        if item.code == "walk_run":
            view["stages"] = walk_run_stages(item)
        if item.code == "pain_monitoring":
            view["pain_rules"] = PAIN_RULES
        entry = INTERVENTIONS.get(item.code)
        if entry and entry.illustration:
            view["svg"] = illustration(entry.illustration)
        running_views.append(view)
    weeks = weekly_km(doc.runner) if not emergency else []
    load = included.get("load_reset")
    target_km = _km_of(load.target) if load and not emergency else None
    km_chart = km_chart_svg(weeks, target_km) if weeks and running_views else None
    for view in running_views:
        if view["code"] == "load_reset" and km_chart:
            # The runner's own weeks, with the level to drop back to, inside the load advice.
            view["chart"], view["target_km"], km_chart = km_chart, target_km, None

    footwear = [advice_view(i, plan=plan) for i in items.get("footwear", [])]
    education = [advice_view(i, plan=plan) for i in items.get("education", [])]
    safety = included.get("safety_net")
    ces = included.get("ces_card")
    flare = included.get("flare_up") if not emergency else None
    # The emergency sheet keeps only the emergency signs (physio/plan/texts.py): the patient is on
    # the way to hospital. The numbers are the clinic country's.
    safety_boxes = list(plan_texts.safety_boxes(plan)) if safety else []
    if emergency and ces:
        safety_boxes = []  # the cauda equina card already lists the emergency signs

    progress = [] if emergency else progress_rows(doc.progress)
    chart = None
    if progress and doc.series:
        # narrower panels than the web page's, so the chart's smallest text (8.5 units) prints
        # at 9.5 pt or more across the page's 176 mm
        svg = progress_chart_svg(doc.series, PATIENT_PANELS, panel_width=215, height=105)
        chart = svg_image(svg, "chart") if svg else None

    reg = f" (registration {doc.physio_registration})" if doc.physio_registration else ""
    closing = FOOTER.format(
        physio_name=doc.physio_name,
        registration=f"registration {doc.physio_registration}"
        if doc.physio_registration
        else "physiotherapist",
        date=long_date(doc.seen_on),
    )
    page_values = page_css_values(doc)
    if emergency:
        closing = closing.replace("This plan was", "This sheet was", 1)
        # One date on an emergency sheet: the visit's (not the export's).
        page_values["css_trace"] = css_string(
            f"Plan version {doc.export_version} · Assessment #{doc.assessment_id} · "
            f"{visit_label(doc)}"
        )
    return {
        "doc": doc,
        "plan": plan,
        "first_name": doc.patient_first_name or doc.patient_name,
        "emergency": emergency,
        "gentle": gentle,
        "programme_heading": plan.programme_heading,
        "referral": plan.referral,
        "referral_item": referral_items[0] if referral_items else None,
        "referral_entry": INTERVENTIONS.get(referral_items[0].code) if referral_items else None,
        "referral_steps": plan_texts.referral_steps(plan),
        "referred_already": plan.facts.decision in ("referred_urgent", "referred_emergency")
        and bool(plan.facts.referred_to),
        "numbers": plan_texts.numbers(plan),
        "glance": [] if emergency else glance_rows(plan),
        # "Keep one day a week with no running" only when this plan has runs this week.
        "runs_this_week": not emergency and (week is not None or bool(included.get("walk_run"))),
        "days": DAYS,
        "exercises": exercises,
        "running": running_views,
        "km_chart": km_chart,
        "runner": doc.runner or {},
        "footwear": footwear,
        "flare": plan_texts.flare_up_box(plan) if flare else None,
        "education": education,
        "safety": safety,
        "safety_boxes": safety_boxes,
        "ces": plan_texts.ces_card(plan) if ces else None,
        "ces_reason": ces.reason if ces else "",
        "progress": progress,
        **{
            f"progress_{kind}": [row for row in progress if row["kind"] == kind]
            for kind in ("compared", "new", "not_today")
        },
        "progress_chart": chart,
        "review_date": None if emergency else plan.review_date,
        "review_measures": [] if emergency else plan.review_measures,
        "seen_on": long_date(doc.seen_on),
        "review_on": weekday_date(plan.review_date),
        "physio_with_reg": f"{doc.physio_name}{reg}",
        "closing": closing,
        "accent": ACCENT,
        "diary": diary_view(plan),
        "draft": doc.draft,
        "draft_mark": svg_data_url(_DRAFT_SVG) if doc.draft else "",
        "sections": [section.key for section in HANDOUT_SECTIONS],
        "headings": {section.key: section.heading for section in HANDOUT_SECTIONS},
        **page_values,
    }


# --- public API -------------------------------------------------------------------------------
def render_plan_html(doc: PlanDocument) -> tuple[str, str]:
    """(html, css) of the patient's plan (the html already holds the css): for debugging."""
    context = plan_context(doc)
    css = render_template("pdf/plan.css", **context)
    return render_template("pdf/plan.html", stylesheet=style_element(css), **context), css


def render_plan_pdf(doc: PlanDocument) -> bytes:
    """The patient's take-home plan as PDF bytes (call inside a Flask app context)."""
    html, _css = render_plan_html(doc)
    return html_to_pdf(html)
