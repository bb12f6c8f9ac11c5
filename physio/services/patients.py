"""Patient search, creation and updates."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import Select, and_, func, or_, select

from physio.extensions import db
from physio.models import Patient, User
from physio.models.base import utcnow
from physio.models.patient import search_key

PATIENT_FIELDS = ("first_name", "last_name", "date_of_birth", "sex", "email", "phone", "reference")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


class DuplicateReference(ValueError):
    """Another patient of the clinic already has this reference."""


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _like_prefix(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text) + "%"


def search_statement(query: str | None) -> Select:
    """Patients matching a name prefix, a reference or a date of birth (clinic-scoped by the
    session hook), in name order. Every branch can use an index (see Patient.__table_args__)."""
    stmt = select(Patient).where(Patient.archived_at.is_(None))
    query = (query or "").strip()
    if query:
        day = _parse_date(query)
        if day is not None:
            stmt = stmt.where(Patient.date_of_birth == day)
        else:
            words = [search_key(w) for w in query.split()][:3]
            if len(words) == 1:
                prefix = _like_prefix(words[0])
                stmt = stmt.where(
                    or_(
                        Patient.last_name_key.like(prefix, escape="\\"),
                        Patient.first_name_key.like(prefix, escape="\\"),
                        Patient.reference == query,
                    )
                )
            else:
                first, last = _like_prefix(words[0]), _like_prefix(words[-1])
                stmt = stmt.where(
                    or_(
                        and_(
                            Patient.first_name_key.like(first, escape="\\"),
                            Patient.last_name_key.like(last, escape="\\"),
                        ),
                        and_(
                            Patient.last_name_key.like(first, escape="\\"),
                            Patient.first_name_key.like(last, escape="\\"),
                        ),
                        Patient.reference == query,
                    )
                )
    return stmt.order_by(Patient.last_name_key, Patient.first_name_key, Patient.id)


def reference_taken(clinic_id: int, reference: str | None, exclude_id: int | None = None) -> bool:
    if not reference:
        return False
    stmt = (
        select(func.count())
        .select_from(Patient)
        .where(Patient.clinic_id == clinic_id, Patient.reference == reference)
    )
    if exclude_id is not None:
        stmt = stmt.where(Patient.id != exclude_id)
    return db.session.execute(stmt.execution_options(skip_clinic_scope=True)).scalar_one() > 0


def _apply(patient: Patient, data: dict, user: User) -> None:
    for name in PATIENT_FIELDS:
        value = data.get(name)
        setattr(patient, name, value if value != "" else None)
    now = utcnow()
    patient.record_consent("treatment", bool(data.get("consent_treatment")), user, now)
    patient.record_consent("data_sharing", bool(data.get("consent_data_sharing")), user, now)


def create_patient(data: dict, user: User) -> Patient:
    if reference_taken(user.clinic_id, data.get("reference")):
        raise DuplicateReference(data["reference"])
    patient = Patient(clinic_id=user.clinic_id, created_by=user)
    _apply(patient, data, user)
    db.session.add(patient)
    db.session.flush()
    return patient


def update_patient(patient: Patient, data: dict, user: User) -> dict:
    """Apply the edit; return {field: (old, new)} of what changed (for the audit log)."""
    if reference_taken(patient.clinic_id, data.get("reference"), exclude_id=patient.id):
        raise DuplicateReference(data["reference"])
    before = {
        n: getattr(patient, n)
        for n in (*PATIENT_FIELDS, "consent_treatment", "consent_data_sharing")
    }
    _apply(patient, data, user)
    return {
        n: (str(old), str(getattr(patient, n)))
        for n, old in before.items()
        if old != getattr(patient, n)
    }
