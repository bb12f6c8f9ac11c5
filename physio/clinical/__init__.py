"""Pure-Python clinical core: scores, load, physical norms, red flags and progress.

No Flask, SQLAlchemy or WTForms here: everything takes plain dicts (the record as in
docs/assessment.md) and returns frozen dataclasses, so it is testable on its own.
"""

from ._util import format_number
from .derive import Derived, derive
from .load import LoadFigures, training_load
from .physical import PhysicalFigures, physical_figures
from .progress import (
    MEASURES,
    Measure,
    MeasureChange,
    compare_visits,
    psfs_activity_changes,
    series,
)
from .red_flags import (
    DECISIONS,
    RED_FLAG_RULES,
    TIERS,
    RedFlagResult,
    RedFlagRule,
    decision_issues,
    decision_problems,
    screen_red_flags,
)
from .scoring import SbstResult, odi_percent, psfs_mean, rmdq_score, sbst

__all__ = [
    "DECISIONS",
    "MEASURES",
    "RED_FLAG_RULES",
    "TIERS",
    "Derived",
    "LoadFigures",
    "Measure",
    "MeasureChange",
    "PhysicalFigures",
    "RedFlagResult",
    "RedFlagRule",
    "SbstResult",
    "compare_visits",
    "decision_issues",
    "decision_problems",
    "derive",
    "format_number",
    "odi_percent",
    "physical_figures",
    "psfs_activity_changes",
    "psfs_mean",
    "rmdq_score",
    "sbst",
    "screen_red_flags",
    "series",
    "training_load",
]
