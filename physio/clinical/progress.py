"""Progress between visits (docs/plan-rules.md "Progress at review visits").

Each measure says how to read it and what counts as a meaningful change. The table is data so the
web page, the PDF and the charts list the same measures, in the same order, with the same units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from ._util import num, section, text
from .derive import Derived
from .physical import SORENSEN_MDC_LBP_S
from .scoring import (
    ODI_MIC_POINTS,
    PSFS_MDC_ACTIVITY,
    PSFS_MDC_MEAN,
    RMDQ_MIC_PCT,
    RMDQ_MIC_POINTS,
    RMDQ_RECOVERED_MAX,
)

Verdict = Literal["improved", "no meaningful change", "worse"]
IMPROVED: Verdict = "improved"
NO_CHANGE: Verdict = "no meaningful change"
WORSE: Verdict = "worse"

NPRS_MIC_POINTS = 2.0  # pain: ≥ 2 points … [S10]
NPRS_MIC_PCT = 30.0  # … or ≥ 30 % of baseline [S10]
# Physical tests without a published change threshold: we call a ≥ 10 % change meaningful
# (INFERRED, a deliberate clinical convention; clinician-editable in spirit, not a sourced MDC).
PHYSICAL_CHANGE_PCT = 10.0
# Weekly km is information for a runner returning to running (more is better here), read at
# ≥ 10 % of the earlier week (INFERRED; the "10 % rule" is NOT a proven law [S18]).
KM_CHANGE_PCT = 10.0
_EPS = 1e-9  # float tolerance so that a change exactly on a threshold counts


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    source: tuple[str, str]  # (record section, field) or ("derived", attribute)
    higher_is_better: bool
    min_points: float | None = None  # meaningful if |change| ≥ this …
    min_pct: float | None = None  # … or |change| ≥ this % of the earlier value
    zero_baseline_counts: bool = False  # from 0 any change counts (the % is undefined)
    threshold: str = ""  # the rule in words, for display
    informational: bool = False  # shown as information, not as a clinical outcome


def _nprs(key: str, field: str, label: str) -> Measure:
    return Measure(
        key,
        label,
        "/10",
        ("pain", field),
        False,
        NPRS_MIC_POINTS,
        NPRS_MIC_PCT,
        threshold="≥2 points or ≥30% [S10]",
    )


def _test(key: str, label: str, unit: str, min_pct: float = PHYSICAL_CHANGE_PCT) -> Measure:
    return Measure(
        key,
        label,
        unit,
        ("physical", key),
        True,
        None,
        min_pct,
        zero_baseline_counts=True,
        threshold=f"≥{min_pct:g}% (INFERRED)",
    )


MEASURES: tuple[Measure, ...] = (
    _nprs("nprs_now", "nprs_now", "Pain now (NPRS)"),
    _nprs("nprs_worst_24h", "nprs_worst_24h", "Worst pain, last 24 h (NPRS)"),
    Measure(
        "rmdq",
        "Roland-Morris disability (RMDQ)",
        "/24",
        ("derived", "rmdq"),
        False,
        RMDQ_MIC_POINTS,
        RMDQ_MIC_PCT,
        threshold="≥5 points or ≥30%; ≤2 = recovered [S10][S11]",
    ),
    Measure(
        "psfs_mean",
        "Patient-Specific Functional Scale (mean)",
        "/10",
        ("derived", "psfs_mean"),
        True,
        PSFS_MDC_MEAN,
        threshold="≥2 points [S9]",
    ),
    Measure(
        "odi_percent",
        "Oswestry Disability Index",
        "%",
        ("derived", "odi_percent"),
        False,
        ODI_MIC_POINTS,
        threshold="≥10 points [S6b][S10]",
    ),
    Measure(
        "weekly_km_w1",
        "Running, last 7 days",
        "km",
        ("training", "weekly_km_w1"),
        True,
        None,
        KM_CHANGE_PCT,
        zero_baseline_counts=True,
        threshold="≥10% (information only)",
        informational=True,
    ),
    _test("plank_s", "Prone plank", "s"),
    _test("side_plank_left_s", "Side plank, left", "s"),
    _test("side_plank_right_s", "Side plank, right", "s"),
    Measure(
        "sorensen_s",
        "Biering-Sørensen (back extensors)",
        "s",
        ("physical", "sorensen_s"),
        True,
        SORENSEN_MDC_LBP_S,
        threshold="≥32 s (MDC in current LBP) [S27b][S27c]",
    ),
    _test("flexor_endurance_s", "Trunk flexor endurance (McGill)", "s"),
    _test("slr_left_deg", "Straight-leg raise, left", "°"),
    _test("slr_right_deg", "Straight-leg raise, right", "°"),
    _test("single_leg_bridge_left_reps", "Single-leg bridge, left", "reps"),
    _test("single_leg_bridge_right_reps", "Single-leg bridge, right", "reps"),
    Measure(
        "single_leg_squat_left",
        "Single-leg squat, left",
        "/3",
        ("physical", "single_leg_squat_left"),
        True,
        1,
        threshold="one grade on the 3-point scale [S32a]",
    ),
    Measure(
        "single_leg_squat_right",
        "Single-leg squat, right",
        "/3",
        ("physical", "single_leg_squat_right"),
        True,
        1,
        threshold="one grade on the 3-point scale [S32a]",
    ),
    _test("hip_abductor_left_nmkg", "Hip abductor strength, left", "Nm/kg"),
    _test("hip_abductor_right_nmkg", "Hip abductor strength, right", "Nm/kg"),
)
MEASURES_BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}


@dataclass(frozen=True)
class MeasureChange:
    measure: str  # Measure.key (or "psfs:<activity>" for a single PSFS activity)
    label: str
    unit: str
    earlier: float | None
    later: float | None
    change: float | None  # later − earlier
    verdict: Verdict | None  # None when either visit lacks the value
    higher_is_better: bool
    recovered: bool | None = None  # RMDQ only: later ≤ 2 [S11]
    threshold: str = ""
    informational: bool = False  # e.g. weekly km: "more"/"less", not "improved"/"worse"

    @property
    def direction(self) -> str | None:
        """Neutral words for informational measures (less running can be the plan)."""
        if self.change is None:
            return None
        if self.verdict == NO_CHANGE:
            return "about the same"
        return "more" if self.change > 0 else "less"


def measure_value(
    measure: Measure, record: Mapping[str, Any] | None, derived: Derived | None
) -> float | None:
    """The value of one measure at one visit."""
    where, name = measure.source
    if where == "derived":
        return num(getattr(derived, name, None)) if derived is not None else None
    return num(section(record, where).get(name))


def is_meaningful(measure: Measure, earlier: float, later: float) -> bool:
    change = abs(later - earlier)
    if change == 0:
        return False
    if measure.min_points is not None and change >= measure.min_points - _EPS:
        return True
    if measure.min_pct is not None:
        if earlier == 0:
            return measure.zero_baseline_counts
        return change / abs(earlier) * 100 >= measure.min_pct - _EPS
    return False


def verdict(measure: Measure, earlier: float | None, later: float | None) -> Verdict | None:
    if earlier is None or later is None:
        return None
    if not is_meaningful(measure, earlier, later):
        return NO_CHANGE
    return IMPROVED if (later > earlier) == measure.higher_is_better else WORSE


def change_for(measure: Measure, earlier: float | None, later: float | None) -> MeasureChange:
    recovered = None
    if (
        measure.key == "rmdq" and earlier is not None and later is not None
    ):  # a change, not a baseline
        recovered = later <= RMDQ_RECOVERED_MAX
    return MeasureChange(
        measure=measure.key,
        label=measure.label,
        unit=measure.unit,
        earlier=earlier,
        later=later,
        change=later - earlier if earlier is not None and later is not None else None,
        verdict=verdict(measure, earlier, later),
        higher_is_better=measure.higher_is_better,
        recovered=recovered,
        threshold=measure.threshold,
        informational=measure.informational,
    )


def compare_visits(
    earlier_record: Mapping[str, Any] | None,
    earlier_derived: Derived | None,
    later_record: Mapping[str, Any] | None,
    later_derived: Derived | None,
    *,
    skip_missing: bool = False,
) -> list[MeasureChange]:
    """One row per MEASURES entry, in order; ``skip_missing`` drops rows blank at both visits."""
    rows = [
        change_for(
            m,
            measure_value(m, earlier_record, earlier_derived),
            measure_value(m, later_record, later_derived),
        )
        for m in MEASURES
    ]
    if skip_missing:
        rows = [row for row in rows if row.earlier is not None or row.later is not None]
    return rows


def _psfs_by_activity(outcomes: Mapping[str, Any] | None) -> dict[str, tuple[str, float]]:
    rows = outcomes.get("psfs") if isinstance(outcomes, Mapping) else None
    found: dict[str, tuple[str, float]] = {}
    for row in rows if isinstance(rows, (list, tuple)) else []:
        if not isinstance(row, Mapping):
            continue
        activity, score = text(row.get("activity")), num(row.get("score"))
        if activity is not None and score is not None:
            found.setdefault(" ".join(activity.casefold().split()), (activity, score))
    return found


PSFS_ACTIVITY = Measure(
    "psfs_activity",
    "PSFS activity",
    "/10",
    ("outcomes", "psfs"),
    True,
    PSFS_MDC_ACTIVITY,
    threshold="≥3 points for one activity [S9]",
)


def psfs_activity_changes(
    earlier_outcomes: Mapping[str, Any] | None, later_outcomes: Mapping[str, Any] | None
) -> list[MeasureChange]:
    """Per-activity PSFS change for activities re-rated at both visits (matched by their text)."""
    before, after = _psfs_by_activity(earlier_outcomes), _psfs_by_activity(later_outcomes)
    rows = []
    for key, (activity, later) in after.items():
        if key in before:
            row = change_for(PSFS_ACTIVITY, before[key][1], later)
            rows.append(replace(row, measure=f"psfs:{key}", label=activity))
    return rows


def _sort_key(moment: date) -> datetime:
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time.min)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def series(
    visits: Iterable[tuple[Mapping[str, Any], Derived | None]],
) -> dict[str, list[tuple[date, float]]]:
    """measure key → [(seen_at, value), …] oldest first, for charts; blanks are left out.

    ``visits`` are (record, derived) pairs; records without ``seen_at`` are skipped.
    """
    dated = [(r.get("seen_at"), r, d) for r, d in visits if isinstance(r, Mapping)]
    dated = [item for item in dated if isinstance(item[0], date)]
    dated.sort(key=lambda item: _sort_key(item[0]))
    result: dict[str, list[tuple[date, float]]] = {m.key: [] for m in MEASURES}
    for seen_at, record, derived in dated:
        for m in MEASURES:
            value = measure_value(m, record, derived)
            if value is not None:
                result[m.key].append((seen_at, value))
    return result
