"""Demo data for `flask --app physio seed-demo`: a clinic, its staff, and varied patients."""

from __future__ import annotations

from datetime import UTC, date

from sqlalchemy import select

from physio.extensions import db
from physio.models import Clinic, Patient, Role, User
from physio.services import users as user_service
from physio.services.patients import create_patient

DEMO_PASSWORD = "run-easy-2026"
DEMO_CLINIC = "Riverside Running Physio"

STAFF = [
    ("Alex Morgan", "admin@physio.example", Role.ADMIN, None),
    ("Sam Patel", "sam@physio.example", Role.PHYSIO, "PH123456"),
    ("Jo Lindqvist", "jo@physio.example", Role.PHYSIO, "PH654321"),
]

# first, last, date of birth, sex, email, phone, reference
PATIENTS = [
    (
        "Jane",
        "Runner",
        date(1988, 4, 12),
        "female",
        "jane.runner@example.org",
        "07700 900123",
        "RR-0001",
    ),
    ("Tom", "Hill", date(1975, 9, 3), "male", None, "07700 900456", "RR-0002"),
    ("Priya", "Shah", date(1996, 1, 22), "female", "priya@example.org", None, "RR-0003"),
    ("Marek", "Nowak", date(1969, 11, 30), "male", None, None, "RR-0004"),
    ("Aoife", "Byrne", date(2007, 6, 15), "female", None, "07700 900789", "RR-0005"),
    ("Daniel", "Okafor", date(1991, 2, 8), "male", "dan.okafor@example.org", None, "RR-0006"),
    ("Lena", "Müller", date(1983, 7, 19), "female", None, None, "RR-0007"),
    ("Chris", "Evans", date(1958, 3, 27), "male", None, "07700 900321", "RR-0008"),
    ("Sofia", "Rossi", date(1999, 12, 1), "female", "sofia.r@example.org", None, "RR-0009"),
    ("Kwame", "Mensah", date(1986, 5, 5), "male", None, None, "RR-0010"),
    ("Robin", "Ørsted", date(1979, 8, 14), "other", None, None, "RR-0011"),
    (
        "Hannah",
        "Cole",
        date(1993, 10, 9),
        "female",
        "hannah.cole@example.org",
        "07700 900654",
        "RR-0012",
    ),
]


def _staff(clinic: Clinic) -> list[User]:
    staff = []
    for name, email, role, registration in STAFF:
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = user_service.create_user(
                clinic=clinic,
                name=name,
                email=email,
                password=DEMO_PASSWORD,
                role=role,
                registration=registration,
            )
        staff.append(user)
    return staff


def seed_demo() -> list[tuple[str, str]]:
    """Create (or reuse) the demo clinic and staff, and add the demo patients.

    Returns the demo logins as (email, role)."""
    clinic = user_service.get_or_create_clinic(DEMO_CLINIC)
    clinic.phone = clinic.phone or "020 7946 0000"
    admin, sam, jo = _staff(clinic)
    patients = []
    for i, (first, last, dob, sex, email, phone, ref) in enumerate(PATIENTS):
        existing = db.session.execute(
            select(Patient).where(Patient.clinic_id == clinic.id, Patient.reference == ref)
        ).scalar_one_or_none()
        if existing is not None:
            patients.append(existing)
            continue
        author = sam if i % 2 == 0 else jo
        patients.append(
            create_patient(
                {
                    "first_name": first,
                    "last_name": last,
                    "date_of_birth": dob,
                    "sex": sex,
                    "email": email,
                    "phone": phone,
                    "reference": ref,
                    "consent_treatment": True,
                    "consent_data_sharing": i % 3 != 0,
                },
                author,
            )
        )
    seed_clinical_demo(clinic, (sam, jo), patients)
    return [(u.email, u.role.value) for u in (admin, sam, jo)]


def seed_clinical_demo(
    clinic: Clinic, physios: tuple[User, User], patients: list[Patient], *, export_pdfs: bool = True
) -> None:
    """Initial and review assessments covering every plan rule (physio/demo_records.py), signed
    as their stories say, with the latest plan of each patient exported as a PDF."""
    from datetime import timedelta

    from physio.demo_records import records_for_seed
    from physio.models import Assessment, Kind, Status
    from physio.services import assessments as assessment_service
    from physio.services import audit
    from physio.services import plans as plan_service

    # The demo clinic holds the licences, so the demo shows the ODI and STarT Back too.
    clinic.odi_enabled = clinic.sbst_enabled = True
    by_reference = {p.reference: p for p in patients}
    by_name = {"sam": physios[0], "jo": physios[1]}
    latest: dict[int, Assessment] = {}
    for visit, record in records_for_seed(date.today()):
        patient = by_reference[visit.patient_reference]
        physio = by_name[visit.physio]
        seen_at = record["seen_at"].astimezone(UTC)
        a = Assessment(
            clinic_id=clinic.id,
            patient=patient,
            kind=Kind(visit.kind),
            seen_at=seen_at,
            status=Status.DRAFT,
            created_by=physio,
            updated_by=physio,
            created_at=seen_at,
            updated_at=seen_at,
        )
        assessment_service.apply_record(a, record)
        db.session.add(a)
        db.session.flush()
        audit.record("create", user_id=physio.id, clinic_id=clinic.id, obj=a, via="seed-demo")
        if visit.sign:
            assessment_service.sign(a, physio, signed_at=seen_at + timedelta(minutes=25))
            audit.record(
                "sign",
                user_id=physio.id,
                clinic_id=clinic.id,
                obj=a,
                via="seed-demo",
                content_hash=a.content_hash,
                version=a.version,
                patient_id=a.patient_id,
            )
            latest[patient.id] = a
    db.session.flush()
    if export_pdfs:
        for a in latest.values():
            row = plan_service.export(a, a.signed_by)
            audit.record(
                "export",
                user_id=a.signed_by_id,
                clinic_id=clinic.id,
                obj=a,
                via="seed-demo",
                version=row.version,
                sha256=row.sha256,
            )
