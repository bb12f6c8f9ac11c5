"""Archiving and erasure after the retention period.

Nothing in the app deletes clinical data in normal use: a patient is archived (hidden from
search, kept whole). Only after the retention period since the last contact (default 8 years,
UK Records Management Code; docs/evidence.md §5) may a clinic admin erase a patient's records; the
audit log keeps the fact of the erasure (without personal details).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from physio.extensions import db
from physio.models import (
    Assessment,
    Patient,
    PatientLink,
    PlanEdits,
    PlanExport,
    PsfsItem,
)
from physio.models.base import utcnow


class NotYetErasable(Exception):
    pass


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


def archive(patient: Patient) -> None:
    patient.archived_at = utcnow()


def unarchive(patient: Patient) -> None:
    patient.archived_at = None


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
