"""Patient search, creation and updates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, func, or_, select

from physio.extensions import db
from physio.models import Patient, Sex, User
from physio.models.base import utcnow
from physio.models.patient import search_key
from physio.services import audit
from physio.services.audit import Actor
from physio.services.paging import Page, paginate

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


# --- view data: what the patient pages show, as plain values (no live rows in templates) ---


@dataclass(frozen=True)
class PatientRow:
    id: int
    name: str  # "Last, First"
    date_of_birth: date
    reference: str | None


@dataclass(frozen=True)
class Consent:
    given: bool
    at: datetime | None
    by: str | None  # who recorded it


@dataclass(frozen=True)
class PatientDetails:
    id: int
    full_name: str
    archived: bool
    date_of_birth: date
    age: int
    sex: str
    reference: str | None
    email: str | None
    phone: str | None
    consent_treatment: Consent
    consent_data_sharing: Consent
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class VisitRow:
    assessment_id: int
    seen_at: datetime
    kind: str
    signed: bool
    versions: int  # how many versions the visit has (amendments)
    by: str  # the signer, else who started it


@dataclass(frozen=True)
class PatientPage:
    patient: PatientDetails
    visits: list[VisitRow]  # newest first, the version that counts per visit
    first_signed: datetime | None
    last_signed: datetime | None
    progress: list  # physio.clinical.MeasureChange, first to latest signed visit
    series: dict  # measure -> [(seen_at, value)] for the chart


def _row(patient: Patient) -> PatientRow:
    return PatientRow(
        patient.id,
        f"{patient.last_name}, {patient.first_name}",
        patient.date_of_birth,
        patient.reference,
    )


def search(query: str, *, page: int, per_page: int) -> Page[PatientRow]:
    """One page of the clinic's active patients matching `query` (see search_statement)."""
    return paginate(search_statement(query), page=page, per_page=per_page, row=_row)


def details(patient: Patient, today: date) -> PatientDetails:
    def consent(given: bool, at: datetime | None, by: User | None) -> Consent:
        return Consent(given, at, by.name if by else None)

    return PatientDetails(
        id=patient.id,
        full_name=patient.full_name,
        archived=patient.archived_at is not None,
        date_of_birth=patient.date_of_birth,
        age=patient.age_on(today),
        sex=Sex(patient.sex).value,
        reference=patient.reference,
        email=patient.email,
        phone=patient.phone,
        consent_treatment=consent(
            patient.consent_treatment,
            patient.consent_treatment_at,
            patient.consent_treatment_by,
        ),
        consent_data_sharing=consent(
            patient.consent_data_sharing,
            patient.consent_data_sharing_at,
            patient.consent_data_sharing_by,
        ),
        created_at=patient.created_at,
        created_by=patient.created_by.name,
    )


def patient_page(patient: Patient, actor: Actor, today: date) -> PatientPage:
    """Everything the patient page shows; the view is audited and committed."""
    from physio.services import assessments as assessment_service

    timeline = assessment_service.timeline_context(patient)
    visits = [
        VisitRow(
            assessment_id=a.id,
            seen_at=a.seen_at,
            kind=a.kind.value,
            signed=a.is_signed,
            versions=timeline["versions_count"][a.chain_root_id],
            by=(a.signed_by or a.created_by).name,
        )
        for a in timeline["visits"]
    ]
    signed = timeline["signed_visits"]
    page = PatientPage(
        patient=details(patient, today),
        visits=visits,
        first_signed=signed[0].seen_at if signed else None,
        last_signed=signed[-1].seen_at if signed else None,
        progress=timeline["progress"],
        series=timeline["series"],
    )
    audit.record_by(actor, "view", patient)
    db.session.commit()
    return page


def add_patient(data: dict, user: User, actor: Actor) -> int:
    """Create a patient (audited, committed); returns the new id. DuplicateReference if the
    clinic already has the reference (nothing written)."""
    patient = create_patient(data, user)
    audit.record_by(actor, "create", patient)
    db.session.commit()
    return patient.id


def edit_patient(patient: Patient, data: dict, user: User, actor: Actor) -> None:
    """Save an edit (the changed fields audited), committed. DuplicateReference: nothing saved."""
    try:
        changes = update_patient(patient, data, user)
    except DuplicateReference:
        db.session.rollback()
        raise
    if changes:
        # Which fields changed, not their values: the audit log outlives an erasure.
        audit.record_by(actor, "update", patient, fields=sorted(changes))
    db.session.commit()
