"""Archiving and erasure after the retention period.

Nothing in the app deletes clinical data in normal use: a patient is archived (hidden from
search, kept whole). Only after the retention period since the last contact (default 8 years,
UK Records Management Code; docs/evidence.md §5) may a clinic admin erase a patient's records; the
audit log keeps the fact of the erasure (without personal details).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, delete, func, select, update

from physio.extensions import db
from physio.models import (
    Assessment,
    Patient,
    PatientLink,
    PlanEdits,
    PlanExport,
    PsfsItem,
    Questionnaire,
    ReportedField,
)
from physio.models.base import utcnow
from physio.models.plan_log import PlanLogRun, PlanLogTick
from physio.services import audit
from physio.services.audit import Actor


class NotYetErasable(Exception):
    pass


class ConfirmationMismatch(Exception):
    """The typed confirmation is not the patient's reference (or last name)."""


@dataclass(frozen=True)
class ArchivedRow:
    """One archived patient on the retention page."""

    patient_id: int
    name: str  # "Last, First"
    reference: str | None
    archived_at: datetime
    retention_ends: datetime
    erasable: bool
    confirm_word: str  # what the admin types to confirm erasure


def last_contact(patient: Patient) -> datetime:
    latest_visit = db.session.execute(
        select(func.max(Assessment.seen_at)).where(Assessment.patient_id == patient.id)
    ).scalar_one()
    if latest_visit is not None and latest_visit.tzinfo is None:  # SQLite aggregate: naive UTC
        from datetime import UTC

        latest_visit = latest_visit.replace(tzinfo=UTC)
    return max(filter(None, [latest_visit, patient.created_at]))


def retention_ends(patient: Patient, years: int) -> datetime:
    contact = last_contact(patient)
    try:
        return contact.replace(year=contact.year + years)
    except ValueError:  # 29 February
        return contact.replace(year=contact.year + years, day=28)


def erasable(patient: Patient, years: int, now: datetime | None = None) -> bool:
    return patient.archived_at is not None and retention_ends(patient, years) <= (now or utcnow())


def confirm_word(patient: Patient) -> str:
    return patient.reference or patient.last_name


def archived(years: int) -> list[ArchivedRow]:
    """The clinic's archived patients (clinic-scoped), by name, with the end of their
    retention period."""
    patients = db.session.execute(
        select(Patient).where(Patient.archived_at.is_not(None)).order_by(Patient.last_name_key)
    ).scalars()
    return [
        ArchivedRow(
            patient_id=p.id,
            name=f"{p.last_name}, {p.first_name}",
            reference=p.reference,
            archived_at=p.archived_at,
            retention_ends=retention_ends(p, years),
            erasable=erasable(p, years),
            confirm_word=confirm_word(p),
        )
        for p in patients
        if p.archived_at is not None
    ]


def archive(patient: Patient) -> None:
    patient.archived_at = utcnow()


def unarchive(patient: Patient) -> None:
    patient.archived_at = None


def set_archived(patient: Patient, archived: bool, actor: Actor) -> None:
    """Archive (hide from search, keep whole) or restore a patient; audited and committed."""
    if archived:
        archive(patient)
    else:
        unarchive(patient)
    audit.record_by(actor, "archive" if archived else "unarchive", patient)
    db.session.commit()


def erase_confirmed(patient: Patient, years: int, typed: str, actor: Actor) -> dict:
    """Erase after the admin typed the patient's reference (or last name): the records go, the
    audit log keeps the fact (no personal details). Committed; returns the deleted counts."""
    if typed.strip() != confirm_word(patient):
        raise ConfirmationMismatch(patient.id)
    patient_id = patient.id
    ends = retention_ends(patient, years)
    about = _audited_objects(patient)
    erased_assessments = dict(about)["assessment"]
    counts = erase(patient, years)
    # Entries about the patient keep what happened, not who: names, contact details, free
    # text and changed values go from the log (re-sealed with the audit key).
    counts["audit_entries_redacted"] = audit.redact_entries(about)
    audit.record_by(
        actor,
        "erase",
        object_type="patient",
        object_id=patient_id,
        retention_years=years,
        retention_ended=ends.isoformat(),
        deleted=counts,
        # ids, no personal data: `records verify` knows these signed versions went lawfully
        assessment_ids=erased_assessments,
    )
    db.session.commit()
    return counts


def _audited_objects(patient: Patient) -> list[tuple[str, list[int]]]:
    """The audit log's (object_type, ids) for everything of this patient's."""
    assessments = list(
        db.session.execute(
            select(Assessment.id).where(Assessment.patient_id == patient.id)
        ).scalars()
    )
    questionnaires = list(
        db.session.execute(
            select(Questionnaire.id).where(Questionnaire.patient_id == patient.id)
        ).scalars()
    )
    return [
        ("patient", [patient.id]),
        ("assessment", assessments),
        ("questionnaire", questionnaires),
    ]


def erase(patient: Patient, years: int) -> dict:
    """Delete an archived patient's records after retention. Returns counts for the audit."""
    if not erasable(patient, years):
        raise NotYetErasable(patient.id)
    ids = list(
        db.session.execute(
            select(Assessment.id).where(Assessment.patient_id == patient.id)
        ).scalars()
    )
    counts = {"assessments": len(ids)}
    questionnaires = select(Questionnaire.id).where(Questionnaire.patient_id == patient.id)
    db.session.execute(
        delete(ReportedField).where(
            ReportedField.assessment_id.in_(ids)
            | ReportedField.questionnaire_id.in_(questionnaires)
        )
    )
    if ids:
        exports = select(PlanExport.id).where(PlanExport.assessment_id.in_(ids))
        for log_model in (PlanLogTick, PlanLogRun):
            db.session.execute(delete(log_model).where(log_model.export_id.in_(exports)))
    removed = db.session.execute(
        delete(Questionnaire).where(Questionnaire.patient_id == patient.id)
    )
    counts["questionnaires"] = cast(CursorResult, removed).rowcount
    if ids:
        for model in (PsfsItem, PlanEdits, PlanExport, PatientLink):
            result = db.session.execute(delete(model).where(model.assessment_id.in_(ids)))
            counts[model.__tablename__] = result.rowcount
        # versions point at each other (root/amends): unlink before deleting
        db.session.execute(
            update(Assessment).where(Assessment.id.in_(ids)).values(root_id=None, amends_id=None)
        )
        db.session.execute(delete(Assessment).where(Assessment.id.in_(ids)))
    db.session.delete(patient)
    db.session.flush()
    return counts
