"""What a review visit takes from the last signed visit, and how (pure, no Flask).

A review must never present last visit's measurements as today's. So each field of the record
has one of these policies:

- **carry**: stable facts (history, goals, shoe model, running background) are copied;
- **shift**: the four weeks of running are relative to the visit, so they move by the whole
  weeks between the visits: 14 days later last visit's "last 7 days" is "3 weeks ago". The weeks
  since the last visit stay empty (they must be asked);
- **estimate**: the shoe distance is *offered* as last value + an estimate of the km run since,
  marked as an estimate; never filled in by itself;
- **remeasure** (everything else): starts empty, with "last visit: 25 s (14 Oct)" beside it.

"Same as last visit" (`SAME_AS_LAST_SECTIONS`) is an explicit per-section tap that fills the
section's empty re-measured fields with last visit's values and records that it was confirmed
today. Red flags are asked again at every visit (no copy, no confirmation), questionnaires are
answered again (hints only), and the weeks since the last visit can only be typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ._util import as_date, num
from .load import WEEK_FIELDS, training_load

CARRY: dict[str, frozenset[str] | None] = {
    # section → fields copied (None = the whole section)
    "history": None,
    "training": frozenset(
        {
            "experience_years",
            "runner_level",
            "surface",
            "terrain",
            "target_event",
            "target_event_date",
            "cross_training",
        }
    ),
    "footwear": frozenset(
        {"shoe_model", "shoe_category", "heel_drop_mm", "orthotics", "recent_drop_change"}
    ),
}
SHIFT_SECTION = "training"
ESTIMATE_FIELD = ("footwear", "shoe_km")
NEVER_CARRIED = frozenset({"red_flags"})
# Sections with a "same as last visit" tap (questionnaires and red flags are asked again).
SAME_AS_LAST_SECTIONS = (
    "pain",
    "training",
    "running_form",
    "footwear",
    "physical",
    "yellow_flags",
    "impression",
)


def policy(section: str, name: str) -> str:
    """ "carry" | "shift" | "estimate" | "never" | "remeasure" for one field."""
    if section in NEVER_CARRIED:
        return "never"
    if section == SHIFT_SECTION and name in WEEK_FIELDS:
        return "shift"
    if (section, name) == ESTIMATE_FIELD:
        return "estimate"
    carried = CARRY.get(section, frozenset())
    if section in CARRY and (carried is None or name in carried):
        return "carry"
    return "remeasure"


def whole_weeks_between(earlier: date | None, later: date | None) -> int | None:
    if earlier is None or later is None or later < earlier:
        return None
    return (later - earlier).days // 7


def shifted_weeks(previous_training: Mapping[str, Any], weeks: int | None) -> dict[str, Any]:
    """The weekly km known from the last visit, moved by `weeks` whole weeks.

    {"weekly_km_w3": 30, ...}: only the weeks that are still inside the last four."""
    if weeks is None:
        return {}
    shifted = {}
    for i, name in enumerate(WEEK_FIELDS, start=1):
        source = i - weeks
        if 1 <= source <= len(WEEK_FIELDS):
            value = previous_training.get(WEEK_FIELDS[source - 1])
            if value is not None:
                shifted[name] = value
    return shifted


@dataclass(frozen=True)
class ShoeEstimate:
    value: int
    basis: str  # plain words: how the estimate was made


def shoe_km_estimate(
    previous: Mapping[str, Any], previous_on: date | None, today: date | None
) -> ShoeEstimate | None:
    """Last visit's shoe km plus the km probably run since (its 4-week average a week)."""
    last_km = num((previous.get("footwear") or {}).get("shoe_km"))
    if last_km is None or previous_on is None or today is None or today < previous_on:
        return None
    days = (today - previous_on).days
    average = training_load(previous.get("training") or {}).four_week_avg_km
    if average is None:
        return None
    since = round(average * days / 7)
    basis = (
        f"{int(last_km)} km on {previous_on:%d %b} + about {since} km run since "
        f"({days} days at last visit's {average:.0f} km a week)"
    )
    return ShoeEstimate(int(last_km) + since, basis)


@dataclass
class ReviewStart:
    """A review draft's starting values and where they came from."""

    record: dict  # the sections' values to apply to the new draft
    shifted: dict[str, str] = field(default_factory=dict)  # posted name → source posted name


def review_start(previous: Mapping[str, Any], today: date | None, psfs_entries: int) -> ReviewStart:
    """The values a review starts with (carried and shifted only; see the module doc)."""
    record: dict[str, Any] = {}
    for section_name, values in previous.items():
        if not isinstance(values, Mapping):
            continue
        kept = {}
        for name, value in values.items():
            if name in ("psfs", "body_chart"):
                continue
            if policy(section_name, name) == "carry":
                kept[name] = value
        record[section_name] = kept
    # The same PSFS activities are re-rated (identity kept, score asked again).
    psfs = (previous.get("outcomes") or {}).get("psfs") or []
    record.setdefault("outcomes", {})["psfs"] = [
        {"activity": p.get("activity"), "score": None} for p in psfs if p.get("activity")
    ][:psfs_entries]
    previous_on = as_date(previous.get("seen_at"))
    weeks = whole_weeks_between(previous_on, today)
    moved = shifted_weeks(previous.get("training") or {}, weeks)
    record.setdefault("training", {}).update(moved)
    shifted = {}
    for name in moved:
        source = WEEK_FIELDS[WEEK_FIELDS.index(name) - (weeks or 0)]
        shifted[f"training-{name}"] = f"training-{source}"
    return ReviewStart(record, shifted)


def has_value(value: Any) -> bool:
    return value not in (None, "", []) and value is not False


def same_as_last_values(previous: Mapping[str, Any], section_name: str) -> dict[str, Any]:
    """What "same as last visit" fills in a section: last visit's values of its re-measured
    fields (never the weeks of running, which are new weeks, nor carried facts)."""
    values = previous.get(section_name) or {}
    return {
        name: value
        for name, value in values.items()
        if name not in ("psfs", "body_chart")
        and policy(section_name, name) in ("remeasure", "estimate")
        if (section_name, name) != ESTIMATE_FIELD and value is not None
    }


def plain_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
