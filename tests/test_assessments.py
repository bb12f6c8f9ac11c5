"""The structured assessment: round trip, validation, no partial writes, signing, amendments,
review pre-fill, conflicts, licensed instruments and clinic scoping."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from physio.extensions import db
from physio.models import Assessment, AuditEvent, Clinic, Status
from physio.services import assessments as service
from tests.helpers import (
    PASSWORD,
    count,
    full_payload,
    login,
    minimal_signable,
    new_assessment,
    sign,
    stored_value,
)


@pytest.fixture
def patient(make, physio):
    return make.patient(
        physio, first_name="Jane", last_name="Runner", date_of_birth=date(1988, 4, 12)
    )


@pytest.fixture
def licensed(app, clinic):
    with app.app_context():
        c = db.session.get(Clinic, clinic.id)
        c.odi_enabled = c.sbst_enabled = True
        db.session.commit()


def stored(app, assessment_id):
    with app.app_context():
        a = db.session.get(Assessment, assessment_id)
        return service.record_of(a), a.lock_version, a.status


def test_every_field_round_trips_to_database_and_read_only_view(
    app, physio_client, patient, licensed
):
    aid = new_assessment(physio_client, patient)
    data, expected = full_payload()
    response = physio_client.post(f"/assessments/{aid}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    record, lock_version, _ = stored(app, aid)
    assert lock_version == 2
    for name, value in expected.items():
        assert stored_value(record, name) == value, name
    assert [p["activity"] for p in record["outcomes"]["psfs"]] == [
        f"Activity {i}" for i in range(5)
    ]
    assert [p["score"] for p in record["outcomes"]["psfs"]] == [0, 2, 4, 6, 8]
    assert record["seen_at"].isoformat().startswith("2026-11-20T10:30")

    page = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    for name in expected:
        assert f'data-field="{name}"' in page, name
    assert "presenting_complaint note" in page and "Activity 4" in page
    # the edit form shows every posted name again, with the saved values
    form = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    for name in data:
        assert f'name="{name}"' in form, name


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("pain-nprs_now", "11", "Enter a whole number from 0 to 10"),
        ("pain-nprs_now", "-1", "Enter a whole number from 0 to 10"),
        ("pain-nprs_now", "four", "Enter a whole number from 0 to 10"),
        ("footwear-shoe_km", "5001", "Enter a whole number from 0 to 5000 km"),
        ("training-weekly_km_w1", "400.5", "Enter a number from 0 to 400 km"),
        ("training-weekly_km_w1", "12,5km", "Enter a number from 0 to 400 km"),
        ("physical-hip_abductor_left_nmkg", "5.5", "Enter a number from 0 to 5 Nm/kg"),
        ("running_form-cadence_spm", "100", "Enter a whole number from 120 to 230"),
        ("physical-single_leg_squat_left", "0", "Enter a whole number from 1 to 3"),
        ("footwear-shoe_category", "sandals", "Not a valid choice"),
        ("red_flags-ces_bladder", "maybe", "Not a valid choice"),
        ("pain-location", ["central_lumbar", "knee"], "Not a valid choice: knee"),
        ("history-onset_date", "2026-13-40", "Not a valid date value"),
        ("history-presenting_complaint", "x" * 2001, "cannot be longer than 2000"),
        ("pain-nprs_best_24h", "9", "Best pain (9) can"),
        ("history-onset_date", "2026-12-01", "Onset can"),
        ("seen_at", "2999-01-01T10:00", "can&#39;t be in the future"),
        ("seen_at", "", "Enter when the patient was seen."),
        ("outcomes-psfs-0-score", "11", "Enter a whole number from 0 to 10"),
        ("red_flags-override_reason", "", "Say why you raised the tier."),
    ],
)
def test_invalid_value_shows_message_at_field_keeps_typing_and_writes_nothing(
    app, physio_client, patient, name, value, message
):
    aid = new_assessment(physio_client, patient)
    before, lock_before, _ = stored(app, aid)
    audits_before = count(app, AuditEvent)
    data, _ = full_payload(odi=False, sbst=False)
    data[name] = value
    response = physio_client.post(f"/assessments/{aid}/edit", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # the message sits inside the field's own box
    box = re.search(
        rf'<div class="field[^"]*has-error[^"]*" data-field="{re.escape(name)}">'
        rf'(.*?)</div>\s*(?=<div class="field|</div>|<h3|</section)',
        page,
        re.S,
    )
    if name != "seen_at":
        assert box is not None, name
        assert message in box.group(1)
    else:
        assert message in page
    assert "Not saved from this page" in page
    # everything else typed is still there
    assert 'value="presenting_complaint note"' not in page  # it's a textarea:
    assert "presenting_complaint note</textarea>" in page or name == "history-presenting_complaint"
    assert 'value="occupation note"' in page
    assert (
        'name="footwear-shoe_model" type="text" value="shoe_model note"' in page
        or 'value="shoe_model note"' in page
    )
    after, lock_after, _ = stored(app, aid)
    assert after == before and lock_after == lock_before
    assert count(app, AuditEvent) == audits_before


def test_invalid_value_in_one_section_writes_no_other_section(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {
        "seen_at": "2026-11-20T10:30",
        "lock_version": "1",
        "history-presenting_complaint": "Back pain",
        "footwear-shoe_km": "950",
        "physical-plank_s": "9999",
    }
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 422
    record, _, _ = stored(app, aid)
    assert record["history"]["presenting_complaint"] is None
    assert record["footwear"]["shoe_km"] is None


def test_draft_saves_incomplete(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {"seen_at": "2026-11-20T10:30", "lock_version": "1", "footwear-shoe_km": "950"}
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    record, _, status = stored(app, aid)
    assert record["footwear"]["shoe_km"] == 950 and status == Status.DRAFT


def test_sign_refuses_with_list_of_whats_missing(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    response = sign(physio_client, aid)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not signed. Still needed:" in page
    for needed in (
        "Presenting complaint: required to sign",
        "Pain now (0–10): required to sign",
        "Where is the pain?: required to sign",
        "Working diagnosis: required to sign",
        "Red flag not answered",
    ):
        assert needed in page, needed
    assert page.count("Red flag not answered") >= 20
    assert stored(app, aid)[2] == Status.DRAFT


def test_sign_refuses_a_wrong_password(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/edit", data=minimal_signable(lock_version=1))
    response = sign(physio_client, aid, password="not-my-password")
    assert response.status_code == 422
    assert "Your password is not right." in response.get_data(as_text=True)
    assert stored(app, aid)[2] == Status.DRAFT


def test_weekly_km_required_to_sign_when_running(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {
        **minimal_signable(lock_version=1),
        "training-runs_per_week": "3",
        "training-weekly_km_w1": "20",
    }
    physio_client.post(f"/assessments/{aid}/edit", data=data)
    page = sign(physio_client, aid).get_data(as_text=True)
    # listed at the top and again at each of the three blank weeks
    assert page.count("required when running") == 6
    for week in (2, 3, 4):
        assert re.search(
            rf'data-field="training-weekly_km_w{week}">.*?required when running', page, re.S
        )


def test_emergency_tier_needs_decision_before_signing(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {**minimal_signable(lock_version=1), "red_flags-ces_saddle": "yes"}
    physio_client.post(f"/assessments/{aid}/edit", data=data)
    refused = sign(physio_client, aid)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "tier-E" in page
    # The refusal names the missing decision at the decision field (the form itself always
    # shows a "Decision" field, so finding the word proves nothing).
    assert re.search(
        r'data-field="red_flags-decision">.*?Record the decision for this emergency \(E\)',
        page,
        re.S,
    )
    assert stored(app, aid)[2] == Status.DRAFT
    data.update(
        {
            "lock_version": "2",
            "red_flags-decision": "referred_emergency",
            "red_flags-referred_to": "Royal Infirmary ED",
            "red_flags-safety_net_given": "y",
        }
    )
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    assert sign(physio_client, aid).status_code == 302


def test_signing_stores_signer_time_and_sha256_of_canonical_content(
    app, physio_client, patient, physio
):
    aid = new_assessment(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/edit", data=minimal_signable(lock_version=1))
    assert sign(physio_client, aid).status_code == 302
    with app.app_context():
        a = db.session.get(Assessment, aid)
        assert a.status == Status.SIGNED and a.signed_by_id == physio.id and a.signed_at
        assert a.content_hash == hashlib.sha256(service.canonical_content(a).encode()).hexdigest()
        assert (
            '"presenting_complaint":"Low back pain after long runs"' in service.canonical_content(a)
        )
    page = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Signed" in page and "Sam Patel" in page


def test_signed_assessment_refuses_every_write_path(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/edit", data=minimal_signable(lock_version=1))
    sign(physio_client, aid)
    before = stored(app, aid)
    data = {**minimal_signable(lock_version=3), "history-presenting_complaint": "Changed"}
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 409
    assert physio_client.post(f"/assessments/{aid}/autosave", data=data).status_code == 409
    assert sign(physio_client, aid).status_code == 409
    assert physio_client.get(f"/assessments/{aid}/edit").status_code == 302  # to the view
    assert stored(app, aid) == before
    with app.app_context():
        a = db.session.get(Assessment, aid)
        with pytest.raises(service.ReadOnly):
            service.save_draft(a, {"history": {"presenting_complaint": "x"}}, a.signed_by, None)
        with pytest.raises(service.ReadOnly):
            service.sign(a, a.signed_by)


def test_amendment_keeps_original_and_shows_history_and_changes(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/edit", data=minimal_signable(lock_version=1))
    sign(physio_client, aid)
    original_record, _, _ = stored(app, aid)
    with app.app_context():
        original_hash = db.session.get(Assessment, aid).content_hash

    no_reason = physio_client.post(f"/assessments/{aid}/amend", data={"reason": " "})
    assert no_reason.status_code == 302
    assert count(app, Assessment) == 1

    response = physio_client.post(
        f"/assessments/{aid}/amend", data={"reason": "Pain score typed wrongly"}
    )
    new_id = int(re.search(r"/assessments/(\d+)/edit", response.headers["Location"]).group(1))
    assert new_id != aid
    data = {**minimal_signable(lock_version=1), "pain-nprs_now": "2"}
    assert physio_client.post(f"/assessments/{new_id}/edit", data=data).status_code == 302
    assert sign(physio_client, new_id).status_code == 302

    with app.app_context():
        original = db.session.get(Assessment, aid)
        assert original.content_hash == original_hash == service.content_hash(original)
        amended = db.session.get(Assessment, new_id)
        assert (amended.version, amended.amends_id, amended.root_id) == (2, aid, aid)
        assert amended.amendment_reason == "Pain score typed wrongly"
    assert stored(app, aid)[0] == original_record
    page = physio_client.get(f"/assessments/{new_id}").get_data(as_text=True)
    assert "Version 1" in page and "Version 2" in page and "superseded" in page
    assert "Pain score typed wrongly" in page
    changes = page[page.index("Changed in this version") :]
    assert "pain-nprs_now" in changes
    old_page = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Version 2" in old_page  # the original links to its amendment


def test_review_copies_stable_facts_but_not_measurements_or_red_flags(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {
        **minimal_signable(lock_version=1),
        "footwear-shoe_km": "950",
        "outcomes-rmdq_3": "y",
        "outcomes-psfs-0-activity": "Run 10 km",
        "outcomes-psfs-0-score": "3",
    }
    physio_client.post(f"/assessments/{aid}/edit", data=data)
    sign(physio_client, aid)
    review_id = new_assessment(physio_client, patient, kind="review")
    record, _, status = stored(app, review_id)
    assert status == Status.DRAFT
    assert record["kind"] == "review"
    # Measurements are not copied as if new (issue 12): shoe km is offered as an estimate only.
    assert record["footwear"]["shoe_km"] is None
    assert record["pain"]["nprs_now"] is None
    assert record["history"]["presenting_complaint"] == "Low back pain after long runs"
    assert record["red_flags"]["ces_bladder"] is None
    assert record["outcomes"]["rmdq_3"] is None
    assert record["outcomes"]["psfs"] == [{"activity": "Run 10 km", "score": None}]


def test_second_save_on_a_stale_version_gets_a_conflict_and_keeps_its_input(
    app, make, clinic, patient, physio
):
    other = make.user(clinic, name="Jo")
    first, second = app.test_client(), app.test_client()
    login(first, physio)
    login(second, other)
    aid = new_assessment(first, patient)
    data = {"seen_at": "2026-11-20T10:30", "lock_version": "1"}
    assert (
        first.post(
            f"/assessments/{aid}/edit", data={**data, "footwear-shoe_model": "Pegasus"}
        ).status_code
        == 302
    )
    response = second.post(
        f"/assessments/{aid}/edit", data={**data, "footwear-shoe_model": "Clifton"}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this draft" in page and 'value="Clifton"' in page
    assert stored(app, aid)[0]["footwear"]["shoe_model"] == "Pegasus"


def test_autosave_saves_every_valid_value_and_keeps_invalid_typing_aside(
    app, physio_client, patient
):
    aid = new_assessment(physio_client, patient)
    data = {
        "seen_at": "2026-11-20T10:30",
        "lock_version": "1",
        "footwear-shoe_model": "Pegasus",
        "footwear-shoe_km": "99999",
    }
    response = physio_client.post(f"/assessments/{aid}/autosave", data=data)
    assert response.status_code == 200
    body = response.get_json()
    assert body["saved"] is False and "footwear-shoe_km" in body["errors"]
    # The bar can name and link the invalid field.
    assert body["invalid"] == [
        {
            "field": "footwear-shoe_km",
            "label": "Footwear · Distance on the main pair (km)",
            "message": "Enter a whole number from 0 to 5000 km.",
        }
    ]
    record, lock_version, _ = stored(app, aid)
    # One bad value does not hold back the others (issue 12): the valid one is in the record,
    # the invalid one is not (it is kept aside, raw, until corrected).
    assert record["footwear"]["shoe_model"] == "Pegasus"
    assert record["footwear"]["shoe_km"] is None
    assert body["lock_version"] == lock_version
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    assert "Restored your unsaved typing" in page
    assert 'value="Pegasus"' in page and 'value="99999"' in page
    assert f'name="lock_version" type="hidden" value="{lock_version}"' in page
    data.update({"footwear-shoe_km": "950", "lock_version": str(lock_version)})
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    record, _, _ = stored(app, aid)
    assert record["footwear"]["shoe_km"] == 950 and record["footwear"]["shoe_model"] == "Pegasus"


def test_autosave_saves_valid_draft_and_returns_live_tier(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {"seen_at": "2026-11-20T10:30", "lock_version": "1", "red_flags-ces_bowel": "yes"}
    body = physio_client.post(f"/assessments/{aid}/autosave", data=data).get_json()
    assert body["saved"] is True and body["lock_version"] == 2
    assert "tier-E" in body["panel"]
    assert stored(app, aid)[0]["red_flags"]["ces_bowel"] == "yes"


def test_licensed_questionnaires_appear_only_when_switched_on(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    assert 'name="outcomes-odi_1"' not in page and 'name="outcomes-sbst_1"' not in page
    assert 'name="outcomes-rmdq_24"' in page and 'name="outcomes-psfs-4-score"' in page
    data = {"seen_at": "2026-11-20T10:30", "lock_version": "1", "outcomes-odi_1": "3"}
    physio_client.post(f"/assessments/{aid}/edit", data=data)
    assert stored(app, aid)[0]["outcomes"]["odi_1"] is None


def test_licensed_questionnaires_shown_when_on(app, physio_client, patient, licensed):
    aid = new_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    assert 'name="outcomes-odi_10"' in page and 'name="outcomes-sbst_9"' in page


def test_patient_page_shows_progress_verdicts_across_signed_visits(app, physio_client, patient):
    first = new_assessment(physio_client, patient)
    physio_client.post(
        f"/assessments/{first}/edit",
        data={
            **minimal_signable(lock_version=1),
            "pain-nprs_now": "7",
            "pain-nprs_worst_24h": "8",
            "seen_at": "2026-10-01T10:00",
        },
    )
    sign(physio_client, first)
    review = new_assessment(physio_client, patient, kind="review")
    physio_client.post(
        f"/assessments/{review}/edit",
        data={
            **minimal_signable(lock_version=1),
            "pain-nprs_now": "2",
            "pain-nprs_worst_24h": "3",
            "seen_at": "2026-11-01T10:00",
        },
    )
    sign(physio_client, review)
    page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    progress = page[page.index('id="progress"') :]
    row = re.search(r"Pain now \(NPRS\)</td>(.*?)</tr>", progress, re.S).group(1)
    assert ">7" in row and ">2" in row and "improved" in row
    assert "<svg" in progress


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/patients/{pid}/assessments/new"),
        ("get", "/assessments/{aid}/edit"),
        ("post", "/assessments/{aid}/edit"),
        ("post", "/assessments/{aid}/autosave"),
        ("post", "/assessments/{aid}/sign"),
        ("get", "/assessments/{aid}"),
        ("post", "/assessments/{aid}/amend"),
    ],
)
def test_other_clinics_assessment_is_404_on_every_url(app, client, make, physio, method, url):
    stranger = make.user(make.clinic())
    their_patient = make.patient(stranger)
    login(client, stranger)
    aid = new_assessment(client, their_patient)
    client.post("/logout")
    login(client, physio)
    response = getattr(client, method)(
        url.format(pid=their_patient.id, aid=aid),
        data={"kind": "initial", "reason": "x", "password": PASSWORD},
    )
    assert response.status_code == 404
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count())
                .select_from(Assessment)
                .execution_options(skip_clinic_scope=True)
            ).scalar_one()
            == 1
        )


def test_unsigned_drafts_older_than_a_day_are_listed_for_the_clinic(
    app, physio_client, make, patient
):
    from datetime import timedelta

    from physio.models.base import utcnow

    old = new_assessment(physio_client, patient)
    fresh = new_assessment(physio_client, patient)
    stranger = make.user(make.clinic())
    with app.app_context():
        db.session.get(Assessment, old).created_at = utcnow() - timedelta(hours=30)
        theirs = Assessment(
            clinic_id=stranger.clinic_id,
            patient_id=make.patient(stranger).id,
            kind="initial",
            seen_at=utcnow(),
            created_by_id=stranger.id,
            updated_by_id=stranger.id,
            created_at=utcnow() - timedelta(days=3),
        )
        db.session.add(theirs)
        db.session.commit()
        theirs_id = theirs.id
    page = physio_client.get("/drafts").get_data(as_text=True)
    assert f"/assessments/{old}/edit" in page
    assert f"/assessments/{fresh}/edit" not in page
    assert f"/assessments/{theirs_id}/edit" not in page


def test_signing_from_the_form_saves_what_is_on_screen_first(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {
        **minimal_signable(lock_version=1),
        "history-presenting_complaint": "Typed a second before signing",
        "password": PASSWORD,
    }
    assert physio_client.post(f"/assessments/{aid}/sign", data=data).status_code == 302
    record, _, status = stored(app, aid)
    assert status == Status.SIGNED
    assert record["history"]["presenting_complaint"] == "Typed a second before signing"


def test_signing_from_the_form_with_an_invalid_value_signs_nothing(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {**minimal_signable(lock_version=1), "pain-nprs_now": "12", "password": PASSWORD}
    response = physio_client.post(f"/assessments/{aid}/sign", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # The refusal names the invalid field and links to it.
    assert 'href="#pain-nprs_now"' in page
    assert "Pain · Pain now (0–10): Enter a whole number from 0 to 10." in page
    record, _, status = stored(app, aid)
    assert status == Status.DRAFT and record["pain"]["nprs_now"] is None
