"""Everything computed from one assessment record, in one frozen value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ._util import as_date, section, years_between
from .load import LoadFigures, training_load
from .physical import PhysicalFigures, physical_figures
from .red_flags import RedFlagResult, screen_red_flags
from .scoring import SbstResult, odi_percent, psfs_mean, rmdq_score, sbst

Duration = Literal["acute", "subacute", "persistent"]

# Standard episode categories (INFERRED; NICE covers all LBP in over-16s [S34]), in completed weeks:
# < 6 acute, 6–12 subacute, > 12 persistent.
ACUTE_BELOW_WEEKS = 6
PERSISTENT_ABOVE_WEEKS = 12


@dataclass(frozen=True)
class Derived:
    age: int | None  # completed years at seen_at
    age_at_onset: int | None  # at history.onset_date, else at seen_at
    duration_category: Duration | None
    rmdq: int | None  # None: not asked
    psfs_mean: float | None
    odi_percent: float | None
    sbst: SbstResult | None
    load: LoadFigures
    physical: PhysicalFigures
    red_flags: RedFlagResult
    weeks_since_onset: int | None = None  # completed weeks from onset_date to seen_at


def duration_category(weeks: int | None) -> Duration | None:
    if weeks is None:
        return None
    if weeks < ACUTE_BELOW_WEEKS:
        return "acute"
    if weeks <= PERSISTENT_ABOVE_WEEKS:
        return "subacute"
    return "persistent"


def weeks_since(onset: date | None, seen: date | None) -> int | None:
    """Completed weeks; ``None`` if a date is missing or onset is after the visit."""
    if onset is None or seen is None or onset > seen:
        return None
    return (seen - onset).days // 7


def _age_on(born: date | None, on: date | None) -> int | None:
    return years_between(born, on) if born is not None and on is not None else None


def derive(record: Mapping[str, Any] | None, patient: Mapping[str, Any] | None) -> Derived:
    """Compute every score and flag; never raises on a partial draft."""
    record = record if isinstance(record, Mapping) else {}
    patient = patient if isinstance(patient, Mapping) else {}
    seen = as_date(record.get("seen_at"))
    onset = as_date(section(record, "history").get("onset_date"))
    born = as_date(patient.get("date_of_birth"))
    sex = patient.get("sex") if isinstance(patient.get("sex"), str) else None
    age = _age_on(born, seen)
    age_at_onset = _age_on(born, onset or seen)
    weeks = weeks_since(onset, seen)
    outcomes = section(record, "outcomes")
    return Derived(
        age=age,
        age_at_onset=age_at_onset,
        duration_category=duration_category(weeks),
        rmdq=rmdq_score(outcomes),
        psfs_mean=psfs_mean(outcomes),
        odi_percent=odi_percent(outcomes),
        sbst=sbst(outcomes),
        load=training_load(section(record, "training")),
        physical=physical_figures(section(record, "physical"), age, sex),
        red_flags=screen_red_flags(record, age_at_onset),
        weeks_since_onset=weeks,
    )
