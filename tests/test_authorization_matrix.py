"""Who may do what, for every route the app has — generated from the URL map, so a new route
without an entry here fails this test.

Roles: anonymous, physio of clinic A (owner of the records), physio of clinic B, admin of A.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from config import TestingConfig
from physio.app import create_app
from physio.extensions import db
from physio.models import Assessment, PatientLink, PlanExport, Questionnaire, Status
from physio.services.patient_links import new_token
from tests.helpers import Factory, login

# endpoint -> access rule
PUBLIC = "public"  # no login needed
ANY_USER = "any user"  # any logged-in user; nothing clinic-specific in the URL
CLINIC = "clinic record"  # logged-in users of the owning clinic; others get 404
ADMIN = "admin"  # admins of the clinic only (physios 403)
ADMIN_CLINIC = "admin, clinic record"  # admins of the owning clinic; physios 403
CLINICIAN = "clinician, clinic record"  # physios of the owning clinic; admins 403

EXPECTATIONS = {
    "auth.login": PUBLIC,
    "favicon": PUBLIC,
    "auth.logout": ANY_USER,
    "auth.change_password": ANY_USER,
    "public.patient_plan": PUBLIC,
    "public.patient_plan_pdf": PUBLIC,
    "public.patient_log": PUBLIC,
    "patient_questionnaire.questionnaire": PUBLIC,
    "patient_links.send": CLINIC,
    "patient_links.revoke": CLINIC,
    "patient_links.response": CLINIC,
    "patients.home": ANY_USER,
    "patients.index": ANY_USER,
    "patients.drafts": ANY_USER,
    "patients.new": ANY_USER,
    "patients.show": CLINIC,
    "patients.edit": CLINIC,
    "assessments.new": CLINIC,
    "assessments.edit": CLINIC,
    "assessments.autosave": CLINIC,
    "assessments.sign": CLINICIAN,
    "assessments.show": CLINIC,
    "assessments.amend": CLINIC,
    "plans.plan": CLINIC,
    "plans.export": CLINIC,
    "plans.plan_pdf": CLINIC,
    "plans.letter_pdf": CLINIC,
    "plans.share": CLINIC,
    "plans.revoke": CLINIC,
    "retention.archive": CLINIC,
    "retention.index": ADMIN,
    "retention.erase": ADMIN_CLINIC,
    "admin.users": ADMIN,
    "admin.deactivate": ADMIN_CLINIC,
    "admin.activate": ADMIN_CLINIC,
    "admin.reset_password": ADMIN_CLINIC,
    "admin.clinic": ADMIN,
    "audit_log.index": ADMIN,
}

ROLES = ("anonymous", "physio_a", "physio_b", "admin_a")

_url_map_app = create_app(TestingConfig)
ROUTES = sorted(
    (rule.endpoint, method, rule.rule)
    for rule in _url_map_app.url_map.iter_rules()
    if rule.endpoint != "static"
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
)


def test_every_route_has_an_expectation():
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    assert endpoints - EXPECTATIONS.keys() == set(), "add the new routes to EXPECTATIONS"
    assert EXPECTATIONS.keys() - endpoints == set(), "remove routes that no longer exist"


@pytest.fixture
def world(app):
    """Clinic A with its records, clinic B with a physio, and the ids every URL needs."""
    make = Factory(app)
    clinic_a, clinic_b = make.clinic("A"), make.clinic("B")
    users = {
        "physio_a": make.user(clinic_a, "physio"),
        "admin_a": make.user(clinic_a, "admin"),
        "physio_b": make.user(clinic_b, "physio"),
    }
    colleague = make.user(clinic_a, "physio")
    patient = make.patient(users["physio_a"], reference="A-1")
    with app.app_context():
        now = datetime.now(UTC)
        a = Assessment(
            clinic_id=clinic_a.id,
            patient_id=patient.id,
            kind="initial",
            seen_at=now - timedelta(days=1),
            status=Status.SIGNED,
            created_by_id=users["physio_a"].id,
            updated_by_id=users["physio_a"].id,
            signed_by_id=users["physio_a"].id,
            signed_at=now,
            content_hash="0" * 64,
        )
        db.session.add(a)
        db.session.flush()
        for kind in ("plan", "letter"):
            db.session.add(
                PlanExport(
                    clinic_id=clinic_a.id,
                    assessment_id=a.id,
                    kind=kind,
                    version=1,
                    pdf=b"%PDF-1.7 stored",
                    sha256=hashlib.sha256(b"%PDF-1.7 stored").hexdigest(),  # served if it matches
                    size=15,
                    pages=1,
                    plan={},
                    created_by_id=users["physio_a"].id,
                )
            )
        plan_token, plan_hash = new_token()
        link = PatientLink(
            clinic_id=clinic_a.id,
            assessment_id=a.id,
            token_hash=plan_hash,
            created_by_id=users["physio_a"].id,
            expires_at=now + timedelta(days=9),
        )
        questionnaire_token, questionnaire_hash = new_token()
        questionnaire = Questionnaire(
            clinic_id=clinic_a.id,
            patient_id=patient.id,
            token_hash=questionnaire_hash,
            instruments=["nprs"],
            created_by_id=users["physio_a"].id,
            expires_at=now + timedelta(days=9),
        )
        db.session.add_all([link, questionnaire])
        db.session.commit()
        ids = {
            "patient_id": patient.id,
            "assessment_id": a.id,
            "link_id": link.id,
            "questionnaire_id": questionnaire.id,
            "user_id": colleague.id,
            "token": plan_token,
            "questionnaire_token": questionnaire_token,
        }
    return users, ids


def _url(rule: str, ids: dict) -> str:
    if rule.startswith("/q/"):  # a questionnaire link has its own token
        ids = {**ids, "token": ids["questionnaire_token"]}
    url = rule
    for name, value in ids.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    assert "<" not in url, f"no test value for a parameter of {rule}"
    return url


def expected(access: str, role: str) -> str:
    if access == PUBLIC:
        return "allowed"
    if role == "anonymous":
        return "login"
    if access == ANY_USER:
        return "allowed"
    if access == CLINIC:
        return "not found" if role == "physio_b" else "allowed"
    if access == ADMIN:
        return "allowed" if role == "admin_a" else "forbidden"
    if access == ADMIN_CLINIC:
        return "allowed" if role == "admin_a" else "forbidden"
    if access == CLINICIAN:
        return {"physio_a": "allowed", "physio_b": "not found"}.get(role, "forbidden")
    raise AssertionError(access)


def outcome(response) -> str:
    # Flask-Login sends anonymous users to /login?next=…; logout itself redirects to /login.
    if response.status_code == 302 and "/login?next=" in response.headers.get("Location", ""):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 404:
        return "not found"
    if response.status_code >= 500:
        return "server error"
    return "allowed"


FORM = {
    "kind": "review",
    "reason": "matrix check",
    "password": "wrong",
    "confirm": "nope",
    "first_name": "A",
    "last_name": "B",
    "date_of_birth": "1990-01-01",
    "sex": "male",
    "name": "Clinic A",
    "email": "x@example.org",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method", "rule"), ROUTES)
def test_route_access(app, world, endpoint, method, rule, role):
    users, ids = world
    client = app.test_client()
    if role != "anonymous":
        login(client, users[role])
    response = client.open(_url(rule, ids), method=method, data=FORM if method == "POST" else None)
    assert outcome(response) == expected(EXPECTATIONS[endpoint], role), (
        f"{method} {rule} as {role}: {response.status_code} {response.headers.get('Location')}"
    )
