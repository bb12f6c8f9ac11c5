"""Patients: create, validate, search, edit, consent and clinic scoping."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from physio.extensions import db
from physio.models import AuditEvent, Patient
from tests.helpers import count, login

VALID = {
    "first_name": "Jane",
    "last_name": "Runner",
    "date_of_birth": "1988-04-12",
    "sex": "female",
    "email": "jane@example.org",
    "phone": "07700 900123",
    "reference": "RR-1",
    "consent_treatment": "y",
}


def test_create_patient_redirects_to_patient_page(app, physio_client, physio):
    response = physio_client.post("/patients/new", data=VALID)
    assert response.status_code == 302
    page = physio_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Jane Runner" in page and "RR-1" in page
    with app.app_context():
        patient = db.session.execute(select(Patient)).scalar_one()
        assert patient.clinic_id == physio.clinic_id
        assert patient.created_by_id == physio.id
        assert patient.consent_treatment is True
        assert patient.consent_treatment_by_id == physio.id
        assert patient.consent_treatment_at is not None
        assert patient.consent_data_sharing is False
        assert patient.consent_data_sharing_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "This field is required."),
        ("last_name", "x" * 101, "Field cannot be longer than 100 characters."),
        ("date_of_birth", "", "Enter the date of birth."),
        ("date_of_birth", "12/04/1988x", "Not a valid date value."),
        ("date_of_birth", (date.today() + timedelta(days=2)).isoformat(), "in the future"),
        ("date_of_birth", "1890-01-01", "older than 120"),
        ("sex", "", "Choose one"),
        ("sex", "robot", "Not a valid choice"),
        ("email", "not-an-email", "Invalid email address."),
        ("phone", "call me", "Use digits, spaces and + ( ) - only."),
    ],
)
def test_invalid_patient_input_shows_message_keeps_values_writes_nothing(
    app, physio_client, field, value, message
):
    data = {**VALID, field: value}
    response = physio_client.post("/patients/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Nothing was saved" in page
    for kept in ("first_name", "last_name", "email", "phone", "reference"):
        if kept != field and data[kept]:
            assert f'value="{data[kept]}"' in page, kept
    assert count(app, Patient) == 0
    assert count(app, AuditEvent) == 1  # the login only


def test_duplicate_reference_within_clinic_is_refused(app, physio_client, make, physio):
    make.patient(physio, reference="RR-1")
    response = physio_client.post("/patients/new", data=VALID)
    assert response.status_code == 422
    assert "Another patient of this clinic has this reference." in response.get_data(as_text=True)
    assert count(app, Patient) == 1


def test_same_reference_in_another_clinic_is_fine(app, physio_client, make):
    other = make.user(make.clinic())
    make.patient(other, reference="RR-1")
    assert physio_client.post("/patients/new", data=VALID).status_code == 302


def test_search_by_name_prefix_reference_and_date_of_birth(physio_client, make, physio):
    make.patient(physio, first_name="Jane", last_name="Runner", reference="A-1")
    make.patient(
        physio, first_name="Tom", last_name="Hill", reference="A-2", date_of_birth=date(1975, 9, 3)
    )
    make.patient(physio, first_name="Lena", last_name="Müller", reference="A-3")

    def names(q):
        return physio_client.get("/patients/", query_string={"q": q}).get_data(as_text=True)

    assert "Runner, Jane" in names("run") and "Hill" not in names("run")
    assert "Hill, Tom" in names("tom")
    assert "Hill, Tom" in names("Tom Hill") and "Runner" not in names("Tom Hill")
    assert "Hill, Tom" in names("A-2") and "Runner" not in names("A-2")
    assert "Hill, Tom" in names("1975-09-03") and "Runner" not in names("1975-09-03")
    assert "Hill, Tom" in names("03/09/1975")
    assert "Müller, Lena" in names("mull")
    assert "No patient matches" in names("zzz")
    assert "Runner" not in names("%")  # LIKE wildcards are literal


def test_patient_list_is_paginated(app, physio_client, make, physio):
    app.config["PATIENTS_PER_PAGE"] = 5
    for i in range(12):
        make.patient(physio, last_name=f"Person{i:02d}")
    first = physio_client.get("/patients/").get_data(as_text=True)
    assert "Page 1 of 3" in first and "Person00" in first and "Person05" not in first
    third = physio_client.get("/patients/?page=3").get_data(as_text=True)
    assert "Person10" in third and "Person11" in third


def test_edit_patient_updates_and_audits(app, physio_client, make, physio):
    patient = make.patient(physio)
    data = {**VALID, "first_name": "Janet", "consent_data_sharing": "y"}
    assert physio_client.post(f"/patients/{patient.id}/edit", data=data).status_code == 302
    with app.app_context():
        stored = db.session.get(Patient, patient.id)
        assert stored.first_name == "Janet"
        assert stored.first_name_key == "janet"
        assert stored.consent_data_sharing_by_id == physio.id
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "update")
        ).scalar_one()
        # The field, not its old and new values (issue 11, finding 6: erasure).
        assert "first_name" in event.detail["fields"] and "Jane" not in str(event.detail)


def test_invalid_edit_changes_nothing(app, physio_client, make, physio):
    patient = make.patient(physio, first_name="Jane")
    data = {**VALID, "first_name": "Janet", "date_of_birth": "2999-01-01"}
    response = physio_client.post(f"/patients/{patient.id}/edit", data=data)
    assert response.status_code == 422
    assert 'value="Janet"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Patient, patient.id).first_name == "Jane"


@pytest.mark.parametrize("method,suffix", [("get", ""), ("get", "/edit"), ("post", "/edit")])
def test_other_clinics_patient_is_404_on_every_patient_url(client, make, physio, method, suffix):
    other_clinic_physio = make.user(make.clinic())
    theirs = make.patient(other_clinic_physio)
    login(client, physio)
    response = getattr(client, method)(f"/patients/{theirs.id}{suffix}", data=VALID)
    assert response.status_code == 404
    assert getattr(client, method)(f"/patients/999999{suffix}", data=VALID).status_code == 404


def test_other_clinics_patients_are_not_listed_or_found(client, make, physio):
    make.patient(make.user(make.clinic()), last_name="Elsewhere", reference="X-9")
    login(client, physio)
    assert "Elsewhere" not in client.get("/patients/?q=X-9").get_data(as_text=True)
    assert "Elsewhere" not in client.get("/patients/").get_data(as_text=True)


def test_hostile_search_queries_are_harmless(physio_client):
    for q in ("\x00", "%", "_", "\\", "' OR 1=1 --", "x" * 500, "1988-02-30", "🏃"):
        assert physio_client.get("/patients/", query_string={"q": q}).status_code == 200
