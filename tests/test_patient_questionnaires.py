"""Questionnaires sent to a patient before a visit, over HTTP as the physio and the patient use
them: the link, the date-of-birth lock, the pages, completion, and the answers in the next draft
with who reported them (docs/interface.md round 2, issue 14)."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from config import TestingConfig
from physio.app import create_app
from physio.extensions import db
from physio.models import (
    Assessment,
    AuditEvent,
    Clinic,
    Questionnaire,
    ReportedField,
)
from physio.models.base import utcnow
from physio.services import assessments as assessment_service
from tests.helpers import (
    PASSWORD,
    Factory,
    answer_every_page,
    answers_for,
    login,
    new_assessment,
    send_questionnaire,
    signed_visit,
)

DOB = "1988-04-12"  # Factory.patient's default date of birth


@pytest.fixture
def patient(make, physio):
    return make.patient(physio, first_name="Jane", last_name="Runner")


def questionnaire_row(app, **where) -> Questionnaire:
    with app.app_context():
        row = db.session.execute(
            select(Questionnaire).filter_by(**where).order_by(Questionnaire.id.desc()).limit(1)
        ).scalar_one()
        db.session.expunge(row)
        return row


def test_link_is_random_hashed_and_names_nobody(app, physio_client, patient):
    path = send_questionnaire(physio_client, patient)
    token = path.removeprefix("/q/")
    assert len(token) >= 43  # 32 random bytes, URL-safe: 256 bits (≥ 128 asked)
    assert patient.last_name.lower() not in path.lower() and str(patient.id) not in token[:3]
    row = questionnaire_row(app, patient_id=patient.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with app.app_context():  # the token itself is stored nowhere, the audit log included
        details = db.session.execute(select(AuditEvent.detail)).scalars().all()
        assert token not in repr(details)
    # the page that made it shows it once; the next view of the patient page does not
    again = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert token not in again and "Sent, not opened yet" in again


def test_wrong_dates_of_birth_lock_the_link_in_the_database(app, physio_client, patient):
    path = send_questionnaire(physio_client, patient)
    anonymous = app.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200 and 'name="date_of_birth"' in page.get_data(as_text=True)
    for tries_left in (4, 3, 2, 1):
        wrong = anonymous.post(path, data={"date_of_birth": "1990-01-01"})
        assert wrong.status_code == 422
        assert f"try {tries_left} more time" in wrong.get_data(as_text=True)
    # malformed input is not a try
    assert anonymous.post(path, data={"date_of_birth": "12/04/1988"}).status_code == 422
    assert questionnaire_row(app).dob_failures == 4
    fifth = app.test_client().post(path, data={"date_of_birth": "1988-04-13"})  # another browser
    assert fifth.status_code == 403 and "locked" in fifth.get_data(as_text=True)
    row = questionnaire_row(app)
    assert row.dob_failures == 5 and row.locked_at is not None
    # the right date no longer opens it, from any browser
    for client in (anonymous, app.test_client()):
        right = client.post(path, data={"date_of_birth": DOB})
        assert right.status_code == 403
        assert client.get(path).status_code == 403
    assert questionnaire_row(app).opened_at is None
    assert "Locked: 5 wrong dates of birth" in physio_client.get(
        f"/patients/{patient.id}"
    ).get_data(as_text=True)


def test_from_link_to_completed_every_page_posting_contract_names(app, physio_client, patient):
    path = send_questionnaire(physio_client, patient, ("nprs", "rmdq", "psfs"))
    anonymous = app.test_client()
    for _ in range(4):  # wrong tries below the limit do not stop the right one
        anonymous.post(path, data={"date_of_birth": "2001-01-01"})
    pages = answer_every_page(anonymous, path, DOB)
    assert pages == [
        "pain-now",
        "pain-24h",
        "pain-running",
        "rmdq-1",
        "rmdq-2",
        "rmdq-3",
        "rmdq-4",
        "psfs",
    ]
    row = questionnaire_row(app)
    assert row.completed_at is not None and row.opened_at is not None
    answers = row.answers
    assert answers["pain-nprs_now"] == 5 and answers["pain-nprs_best_24h"] == 2
    assert [n for n in range(1, 25) if answers[f"outcomes-rmdq_{n}"]] == [
        3,
        6,
        9,
        12,
        15,
        18,
        21,
        24,
    ]
    assert answers["outcomes-psfs-0-activity"] == "Running 10 km"
    assert answers["outcomes-psfs-0-score"] == 3
    # every name stored is a posted name of the contract (docs/assessment.md, fields.txt)
    contract = set((Path(__file__).parent / "data" / "fields.txt").read_text().split())
    assert set(answers) <= contract
    thanks = anonymous.get(path)
    assert thanks.status_code == 200 and "Thank you" in thanks.get_data(as_text=True)
    assert "Running 10 km" in thanks.get_data(as_text=True)  # read-only summary, same browser
    stranger = app.test_client().get(path).get_data(as_text=True)
    assert "Thank you" in stranger and "Running 10 km" not in stranger  # no answers without DOB
    refused = anonymous.post(path, data={"page": "pain-now", "pain-nprs_now": "9"})
    assert refused.status_code == 409 and "already sent" in refused.get_data(as_text=True)
    assert questionnaire_row(app).answers["pain-nprs_now"] == 5
    patient_page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Completed" in patient_page and "goes into the next draft" in patient_page


def test_answers_are_kept_page_by_page_and_resumed(app, physio_client, patient):
    path = send_questionnaire(physio_client, patient, ("nprs",))
    first = app.test_client()
    first.post(path, data={"date_of_birth": DOB})
    first.post(path, data=answers_for("pain-now", ["pain-nprs_now"]))
    # a new browser (another day): after the date of birth it carries on at the next page
    later = app.test_client()
    later.post(path, data={"date_of_birth": DOB})
    page = later.get(path).get_data(as_text=True)
    assert 'name="page" value="pain-24h"' in page and "Page 2 of 3" in page
    assert questionnaire_row(app).pages_done == ["pain-now"]
    # going back shows the answer given
    back = later.get(path + "?page=pain-now").get_data(as_text=True)
    assert 'value="5" checked' in back
    # sending before every page is answered leads to the missing page
    early = later.post(path, data={"page": "check"})
    assert early.status_code == 302 and "page=pain-24h" in early.headers["Location"]
    assert questionnaire_row(app).completed_at is None


def test_a_page_with_a_wrong_answer_comes_back_with_a_message_and_keeps_only_the_valid_ones(
    app, physio_client, patient
):
    path = send_questionnaire(physio_client, patient, ("nprs",))
    client = app.test_client()
    client.post(path, data={"date_of_birth": DOB})
    response = client.post(
        path,
        data={"page": "pain-24h", "pain-nprs_best_24h": "8", "pain-nprs_worst_24h": "3"},
    )
    assert response.status_code == 422
    assert "can&#39;t be higher than at its worst" in response.get_data(as_text=True)
    row = questionnaire_row(app)  # the worst score is kept; the page is not done
    assert row.answers == {"pain-nprs_worst_24h": 3} and "pain-24h" not in (row.pages_done or [])
    required = client.post(path, data={"page": "pain-now"})
    assert required.status_code == 422 and "Please answer" in required.get_data(as_text=True)


def test_expired_revoked_and_unknown_links_get_clear_pages(app, physio_client, patient):
    expired_path = send_questionnaire(physio_client, patient)
    with app.app_context():
        row = db.session.execute(select(Questionnaire)).scalar_one()
        row.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    expired = app.test_client().get(expired_path)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)

    revoked_path = send_questionnaire(physio_client, patient)
    qid = questionnaire_row(app, revoked_at=None).id
    physio_client.post(f"/patients/{patient.id}/questionnaires/{qid}/revoke")
    for method in ("get", "post"):
        revoked = getattr(app.test_client(), method)(revoked_path)
        assert revoked.status_code == 410 and "withdrawn" in revoked.get_data(as_text=True)
    assert "Revoked" in physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)

    for bad in ("/q/" + "x" * 43, "/q/short", "/q/" + "%00" * 30):
        assert app.test_client().get(bad).status_code == 404


def test_a_completed_link_that_expired_still_says_thank_you(app, physio_client, patient):
    path = send_questionnaire(physio_client, patient, ("nprs",))
    answer_every_page(app.test_client(), path, DOB)
    with app.app_context():
        row = db.session.execute(select(Questionnaire)).scalar_one()
        row.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)


# --- licensed instruments ------------------------------------------------------------------------


def test_start_back_and_odi_are_absent_unless_the_clinic_has_them(
    app, physio_client, patient, admin
):
    page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert 'value="sbst"' not in page and 'value="odi"' not in page
    assert "STarT Back is off" in page
    refused = physio_client.post(
        f"/patients/{patient.id}/questionnaires",
        data={"instruments": ["nprs", "sbst", "odi"]},
        follow_redirects=True,
    )
    assert "Not sent" in refused.get_data(as_text=True)
    assert app.test_client().get("/q/" + "a" * 43).status_code == 404
    with app.app_context():
        assert db.session.execute(select(func.count(Questionnaire.id))).scalar_one() == 0

    path = send_questionnaire(physio_client, patient, ("nprs", "rmdq", "psfs"))
    client = app.test_client()
    client.post(path, data={"date_of_birth": DOB})
    keys = []
    for key in ("pain-now", "rmdq-1", "psfs", "check"):
        html = client.get(f"{path}?page={key}").get_data(as_text=True)
        keys.append(key)
        assert "sbst" not in html and "odi" not in html and "Oswestry" not in html

    with app.app_context():  # switched on: STarT Back can be sent; ODI needs its wording too
        clinic = db.session.get(Clinic, patient.clinic_id)
        clinic.sbst_enabled = clinic.odi_enabled = True
        db.session.commit()
    page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert 'value="sbst"' in page and 'value="odi"' not in page
    assert "its licensed wording is not loaded yet" in page
    sbst_path = send_questionnaire(physio_client, patient, ("sbst",))
    client = app.test_client()
    client.post(sbst_path, data={"date_of_birth": DOB})
    first = client.get(sbst_path).get_data(as_text=True)
    assert 'name="outcomes-sbst_1"' in first and "© Keele University" in first


def odi_wording() -> str:
    return "\n\n".join(
        "\n".join([f"Section {s} heading", *(f"Statement {s}.{n}" for n in range(6))])
        for s in range(1, 11)
    )


def test_odi_goes_to_patients_only_with_the_wording_the_admin_loaded(app, make, clinic, patient):
    admin = make.user(clinic, "admin")
    admin_client = app.test_client()
    login(admin_client, admin)
    bad = admin_client.post(
        "/admin/clinic",
        data={"name": clinic.name, "odi_enabled": "y", "odi_wording": "Pain\nonly one line"},
    )
    assert bad.status_code == 422 and "Found 1 sections" in bad.get_data(as_text=True)
    ok = admin_client.post(
        "/admin/clinic",
        data={"name": clinic.name, "odi_enabled": "y", "odi_wording": odi_wording()},
    )
    assert ok.status_code == 302
    path = send_questionnaire(admin_client, patient, ("odi",))
    client = app.test_client()
    client.post(path, data={"date_of_birth": DOB})
    page = client.get(path).get_data(as_text=True)
    assert "Section 1 heading (1 of 10)" in page and "Statement 1.5" in page
    assert 'name="outcomes-odi_1" value="5"' in page and "does not apply to me" in page
    for n in range(1, 11):
        value = "na" if n == 8 else "2"
        assert (
            client.post(path, data={"page": f"odi-{n}", f"outcomes-odi_{n}": value}).status_code
            == 302
        )
    assert client.post(path, data={"page": "check"}).status_code == 302
    answers = questionnaire_row(app).answers
    assert answers["outcomes-odi_1"] == 2 and answers["outcomes-odi_8"] is None


# --- into the record -----------------------------------------------------------------------------


def draft_record(app, aid: int) -> dict:
    with app.app_context():
        return assessment_service.record_of(db.session.get(Assessment, aid))


def test_answers_prefill_the_next_draft_marked_as_reported_by_the_patient(
    app, physio_client, patient, physio
):
    path = send_questionnaire(physio_client, patient, ("nprs", "rmdq", "psfs"))
    answer_every_page(app.test_client(), path, DOB)
    aid = new_assessment(physio_client, patient)  # the next draft created
    form = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    record = draft_record(app, aid)
    assert record["pain"]["nprs_now"] == 5 and record["pain"]["nprs_worst_24h"] == 7
    assert record["outcomes"]["rmdq_3"] is True and record["outcomes"]["rmdq_1"] is False
    assert record["outcomes"]["psfs"] == [{"activity": "Running 10 km", "score": 3}]
    day = utcnow().strftime("%-d %b %Y")
    assert f"Reported by the patient on {day}" in form
    assert re.search(r'name="pain-nprs_now"[^>]*value="5"', form)
    assert "Answers reported by the patient" in form
    with app.app_context():
        rows = {r.field: r for r in db.session.execute(select(ReportedField)).scalars()}
        assert (
            rows["pain-nprs_now"].value == 5 and rows["pain-nprs_now"].imported_by_id == physio.id
        )
        assert "outcomes-psfs" in rows and rows["outcomes-rmdq_3"].value is True
        assert db.session.execute(select(Questionnaire.imported_into_id)).scalar_one() == aid
    # the physio corrects one value: who entered what is kept
    data = {
        "seen_at": "2026-11-20T10:30",
        "lock_version": re.search(r'name="lock_version"[^>]*value="(\d+)"', form).group(1),
        "pain-nprs_now": "6",
        "pain-nprs_best_24h": "2",
        "pain-nprs_worst_24h": "7",
        "pain-nprs_during_run": "5",
        "pain-nprs_next_morning": "5",
        "outcomes-psfs-0-activity": "Running 10 km",
        "outcomes-psfs-0-score": "3",
        **{f"outcomes-rmdq_{n}": "y" for n in (3, 6, 9, 12, 15, 18, 21, 24)},
    }
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    with app.app_context():
        row = db.session.execute(
            select(ReportedField).where(ReportedField.field == "pain-nprs_now")
        ).scalar_one()
        assert row.value == 5 and row.corrected_value == 6 and row.corrected_by_id == physio.id
        untouched = db.session.execute(
            select(ReportedField).where(ReportedField.field == "pain-nprs_worst_24h")
        ).scalar_one()
        assert untouched.corrected_at is None
    form = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    assert "(5); changed by Sam Patel on" in form
    # signed, the read-only record still says who entered what
    physio_client.post(f"/assessments/{aid}/sign", data={"password": PASSWORD})
    shown = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Answers reported by the patient" in shown and "changed by Sam Patel" in shown


def test_an_open_draft_gets_the_answers_but_keeps_what_the_physio_entered(
    app, physio_client, patient
):
    aid = new_assessment(physio_client, patient)
    form = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', form).group(1)
    physio_client.post(
        f"/assessments/{aid}/edit",
        data={"seen_at": "2026-11-20T10:30", "lock_version": lock, "pain-nprs_now": "8"},
    )
    path = send_questionnaire(physio_client, patient, ("nprs",))
    answer_every_page(app.test_client(), path, DOB)
    physio_client.get(f"/assessments/{aid}/edit")
    record = draft_record(app, aid)
    assert record["pain"]["nprs_now"] == 8  # the physio's value stays
    assert record["pain"]["nprs_best_24h"] == 2 and record["pain"]["nprs_worst_24h"] == 7
    # imported once: a later draft does not get the same answers again
    signed_visit(physio_client, patient)
    later = new_assessment(physio_client, patient, "review")
    physio_client.get(f"/assessments/{later}/edit")
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count(ReportedField.id)).where(ReportedField.assessment_id == later)
            ).scalar_one()
            == 0
        )


def test_a_review_takes_todays_answers_over_values_copied_from_last_visit(
    app, physio_client, patient
):
    signed_visit(
        physio_client,
        patient,
        **{"outcomes-psfs-0-activity": "Long run", "outcomes-psfs-0-score": "2"},
    )
    path = send_questionnaire(physio_client, patient, ("nprs", "psfs"))
    answer_every_page(app.test_client(), path, DOB)
    aid = new_assessment(physio_client, patient, "review")
    physio_client.get(f"/assessments/{aid}/edit")
    record = draft_record(app, aid)
    assert record["pain"]["nprs_now"] == 5  # not the 3 copied from the signed visit
    # the previous activity was re-rated (same name), and a new one added
    assert record["outcomes"]["psfs"] == [
        {"activity": "Long run", "score": 4},
        {"activity": "Running 10 km", "score": 3},
    ]


# --- stored, not per process: concurrent wrong tries against a live server -------------------


def test_parallel_wrong_dates_of_birth_count_five_and_no_more(tmp_path, restore_limiter):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'race.sqlite'}")
    with app.app_context():
        db.create_all()
    make = Factory(app)
    clinic = make.clinic()
    physio = make.user(clinic)
    patient = make.patient(physio)
    client = app.test_client()
    login(client, physio)
    path = send_questionnaire(client, patient, ("nprs",))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    import urllib.error
    import urllib.parse
    import urllib.request

    statuses: list[int] = []

    def wrong_try():
        body = urllib.parse.urlencode({"date_of_birth": "1999-09-09"}).encode()
        url = f"http://127.0.0.1:{server.server_port}{path}"
        try:
            with urllib.request.urlopen(url, data=body, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    try:
        threads = [threading.Thread(target=wrong_try) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    with app.app_context():
        row = db.session.execute(select(Questionnaire)).scalar_one()
        assert row.dob_failures == 5 and row.locked_at is not None
        db.session.remove()
        db.engine.dispose()
    assert sorted(set(statuses)) <= [403, 422, 429]
    assert statuses.count(422) == 4  # tries 1–4 say how many are left; the 5th locks


def test_questionnaire_links_are_rate_limited_per_address(app, physio_client, patient):
    path = send_questionnaire(physio_client, patient, ("nprs",))
    client = app.test_client()
    statuses = [client.get(path).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
