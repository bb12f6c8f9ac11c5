"""What one export of a plan prints (:class:`PlanDocument`), and the small wording helpers the
plan sheet and the letter share (dates, numbers, the page-margin lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from physio.clinical import format_number
from physio.pdf.engine import css_string
from physio.plan.model import TreatmentPlan

#: The page margins of the plan sheet (top, right, bottom, left), in mm: plan.css prints them and
#: bench/handout_pages.py measures how full each page's text area is.
PAGE_MARGINS_MM = (20.0, 15.0, 17.0, 15.0)


@dataclass
class PlanDocument:
    """Everything one export of a plan prints: the plan, who it is for, who wrote it, and when."""

    plan: TreatmentPlan
    patient_name: str
    patient_first_name: str
    clinic_name: str
    clinic_phone: str | None
    physio_name: str
    physio_registration: str | None
    assessment_id: int
    assessment_version: int
    seen_on: date
    export_version: int
    exported_at: datetime
    #: physio.clinical MeasureChange rows (review visits); empty on a first visit.
    progress: list = field(default_factory=list)
    #: measure key -> [(date, value)], for physio.charts.progress_chart_svg; may be empty.
    series: dict = field(default_factory=dict)
    #: A few of the runner's own figures: weekly_km_w1..weekly_km_w4 (w1 = the last 7 days),
    #: runs_per_week. May be empty.
    runner: dict = field(default_factory=dict)
    #: The body chart's marks (physio/clinical/body_chart.py); shown in the letter. May be empty.
    body_chart: list = field(default_factory=list)
    #: For the referral letter: who the patient is, and the record's facts
    #: (physio.plan.referral_letter.LetterFacts; None when there is no referral).
    patient_dob: date | None = None
    patient_reference: str | None = None
    letter: Any = None
    #: Not from a signed record: every page carries a DRAFT mark (issue 13).
    draft: bool = False
    #: Rendered for a look (the ``render-plan`` CLI, bench/handout_pages.py), not stored: the
    #: footer says "Preview" instead of a plan version that does not exist.
    preview: bool = False


def long_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"


def weekday_date(day: date | None) -> str:
    if day is None:
        return ""
    return f"{day:%A} {day.day} {day:%B %Y}"


def number(value: float | None) -> str:
    return format_number(value, missing="–")


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def page_css_values(doc: PlanDocument) -> dict[str, str]:
    """The header and footer lines (as escaped CSS strings) of the plan and the letter."""
    reg = f" · Reg. {doc.physio_registration}" if doc.physio_registration else ""
    return {
        "css_clinic": css_string(doc.clinic_name),
        "css_physio": css_string(f"{doc.physio_name}, physiotherapist{reg}"),
        "css_trace": css_string(f"{trace_label(doc)} · {visit_label(doc)}"),
    }


def visit_label(doc: PlanDocument) -> str:
    """The footer's date: the visit's, labelled ("Visit 26 Nov 2026"), never the render date
    unlabelled (issue 10, round 2)."""
    if doc.seen_on is not None:
        return f"Visit {doc.seen_on.day} {doc.seen_on:%b %Y}"
    return f"Printed {long_date(doc.exported_at)}"


def trace_label(doc: PlanDocument) -> str:
    """What the footer calls this copy: a stored version, or a preview (never a version number
    that is not stored), marked DRAFT when the record is not signed."""
    if doc.preview:
        label = f"Preview, not a stored plan · Assessment #{doc.assessment_id}"
    else:
        label = f"Plan version {doc.export_version} · Assessment #{doc.assessment_id}"
    return f"DRAFT, not signed · {label}" if doc.draft else label
