"""Issue 12 over HTTP and through storage: safe reviews, the emergency fast path, named sign
refusals, the body chart, the plan's cap swap and added items, and the small fixes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from physio.extensions import db
from physio.models import Assessment, PlanEdits, Status
from physio.models.base import utcnow
from physio.services import assessments as service
from tests.helpers import PASSWORD, minimal_signable, new_assessment, sign, signed_visit


@pytest.fixture
def patient(make, physio):
    return make.patient(physio, first_name="Aoife", last_name="Kelly")


def stored(app, aid):
    with app.app_context():
        a = db.session.get(Assessment, aid)
        return service.record_of(a), a.status


def backdate(app, aid, days):
    with app.app_context():
        a = db.session.get(Assessment, aid)
        a.seen_at = utcnow() - timedelta(days=days)
        db.session.commit()


def seen_days_ago(days: int) -> str:
    from zoneinfo import ZoneInfo

    from config import TestingConfig

    with_tz = (utcnow() - timedelta(days=days)).astimezone(ZoneInfo(TestingConfig.TIMEZONE))
    return with_tz.strftime("%Y-%m-%dT%H:%M")


LAST_VISIT = {
    "pain-nprs_now": "3",
    "training-runs_per_week": "3",
    "training-weekly_km_w1": "30",
    "training-weekly_km_w2": "25",
    "training-weekly_km_w3": "20",
    "training-weekly_km_w4": "20",
    "footwear-shoe_km": "950",
    "footwear-shoe_model": "Pegasus 40",
    "physical-plank_s": "90",
    "running_form-cadence_spm": "160",
}


def test_review_starts_without_last_measurements_and_records_what_was_confirmed(
    app, physio_client, patient
):
    signed_visit(physio_client, patient, seen_at=seen_days_ago(14), **LAST_VISIT)
    rid = new_assessment(physio_client, patient, kind="review")
    record, _ = stored(app, rid)
    assert record["pain"]["nprs_now"] is None
    assert record["running_form"]["cadence_spm"] is None
    assert record["physical"]["plank_s"] is None
    assert record["footwear"]["shoe_km"] is None
    assert record["footwear"]["shoe_model"] == "Pegasus 40"
    assert record["training"]["weekly_km_w1"] is None
    assert record["training"]["weekly_km_w3"] == 30  # last visit's "last 7 days", 2 weeks on
    page = physio_client.get(f"/assessments/{rid}/edit").get_data(as_text=True)
    assert "last visit: 90 s (" in page and "last visit: 160 steps/min (" in page
    estimate = re.search(r'data-use-estimate="footwear-shoe_km" data-value="&#34;(\d+)&#34;"', page)
    assert estimate and "Estimate 998 km" in page

    lock = int(re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1))
    data = {
        "seen_at": seen_days_ago(0),
        "lock_version": str(lock),
        "training-weekly_km_w3": "30",
        "training-weekly_km_w4": "25",
        "footwear-shoe_model": "Pegasus 40",
        "footwear-shoe_km": estimate.group(1),
        "physical-plank_s": "90",
        "confirmed_sections": ["physical"],
    }
    body = physio_client.post(f"/assessments/{rid}/autosave", data=data).get_json()
    assert body["saved"] is True
    record, _ = stored(app, rid)
    marks = record["copy_forward"]
    assert list(marks["confirmed"]) == ["physical"]
    assert marks["estimated"]["footwear-shoe_km"]["value"] == 998
    assert set(marks["shifted"]) == {"training-weekly_km_w3", "training-weekly_km_w4"}
    # a changed shifted week loses its "carried" mark; an unticked section its confirmation
    data.update(
        {"lock_version": str(body["lock_version"]), "training-weekly_km_w4": "26"},
        confirmed_sections=[],
    )
    physio_client.post(f"/assessments/{rid}/autosave", data=data)
    marks = stored(app, rid)[0]["copy_forward"]
    assert marks["confirmed"] == {} and set(marks["shifted"]) == {"training-weekly_km_w3"}
    view = physio_client.get(f"/assessments/{rid}").get_data(as_text=True)
    assert "(carried from" in view and "(estimate: 950 km on" in view


def test_a_review_needs_a_signed_visit(app, physio_client, patient):
    response = physio_client.post(
        f"/patients/{patient.id}/assessments/new", data={"kind": "review"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/patients/{patient.id}")
    page = physio_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A review needs a signed visit to review" in page
    with app.app_context():
        assert db.session.execute(select(Assessment)).first() is None


def emergency_answers(lock_version: int, **extra) -> dict:
    data = {
        key: value
        for key, value in minimal_signable(lock_version=lock_version).items()
        if key.startswith("red_flags-") or key in ("seen_at", "lock_version")
    }
    data.update(
        {
            "red_flags-ces_bladder": "yes",
            "red_flags-decision": "referred_emergency",
            "red_flags-referred_to": "St Vincent's emergency department",
            "red_flags-safety_net_given": "y",
            "history-presenting_complaint": "New difficulty passing urine",
        }
    )
    data.update(extra)
    return data


def test_emergency_fast_path_signs_without_the_other_sections_and_says_so(
    app, physio_client, patient
):
    aid = new_assessment(physio_client, patient)
    no_complaint = emergency_answers(1, **{"history-presenting_complaint": ""})
    assert physio_client.post(f"/assessments/{aid}/edit", data=no_complaint).status_code == 302
    refused = sign(physio_client, aid)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "History · Presenting complaint: required to sign." in page
    assert "Pain now" not in page.split('id="sign-problems"')[1].split("</div>")[0]

    data = emergency_answers(2)
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    assert sign(physio_client, aid).status_code == 302
    record, status = stored(app, aid)
    assert status == Status.SIGNED
    assert "pain" in record["not_assessed"] and "impression" in record["not_assessed"]
    assert "history" not in record["not_assessed"]
    view = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Not assessed: Pain" in view and "data-export-referral" in view
    exported = physio_client.post(f"/assessments/{aid}/plan/export", data={"kind": "referral"})
    assert exported.status_code == 302
    for url in (f"/assessments/{aid}/plan.pdf", f"/assessments/{aid}/letter.pdf"):
        response = physio_client.get(url)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_an_urgent_tier_still_needs_every_required_field(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = emergency_answers(1, **{"red_flags-ces_bladder": "no", "red_flags-major_trauma": "yes"})
    data["red_flags-decision"] = "referred_urgent"
    physio_client.post(f"/assessments/{aid}/edit", data=data)
    page = sign(physio_client, aid).get_data(as_text=True)
    assert "Pain · Pain now (0–10): required to sign." in page
    assert stored(app, aid)[1] == Status.DRAFT


def test_sign_refusal_names_every_unanswered_red_flag_with_a_link(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = minimal_signable(lock_version=1)
    for name in ("red_flags-ces_saddle", "red_flags-thoracic_pain"):
        data.pop(name)
    physio_client.post(f"/assessments/{aid}/edit", data=data)
    page = sign(physio_client, aid).get_data(as_text=True)
    problems = page.split('id="sign-problems"')[1].split("</div>")[0]
    assert (
        '<a href="#red_flags-ces_saddle">Red flag not answered: Saddle, perianal or genital '
        "numbness, or altered feeling when wiping.</a>" in problems
    )
    assert (
        '<a href="#red_flags-thoracic_pain">Red flag not answered: Thoracic pain.</a>' in problems
    )
    assert problems.count("Red flag not answered") == 2


def test_records_signed_before_the_new_parts_keep_their_content_hash(app, physio_client, patient):
    aid = signed_visit(physio_client, patient)
    with app.app_context():
        a = db.session.get(Assessment, aid)
        content = service.canonical_content(a)
        assert a.content_hash == service.content_hash(a)
    for key in ("body_chart", "copy_forward", "not_assessed"):
        assert f'"{key}"' not in content


def test_body_chart_is_stored_structured_and_ticks_the_pain_location(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {
        **minimal_signable(lock_version=1),
        "pain-body_chart": ["calf_right:pain:6", "foot_right:pins_needles:3"],
    }
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    record, _ = stored(app, aid)
    assert record["pain"]["body_chart"] == [
        {"region": "calf_right", "symptom": "pain", "intensity": 6},
        {"region": "foot_right", "symptom": "pins_needles", "intensity": 3},
    ]
    assert record["pain"]["location"] == ["central_lumbar", "below_knee_right"]
    data.update({"lock_version": "2", "pain-body_chart": ["calf_right:pain:12"]})
    response = physio_client.post(f"/assessments/{aid}/edit", data=data)
    assert response.status_code == 422
    assert "Intensity must be a whole number from 0 to 10." in response.get_data(as_text=True)
    assert stored(app, aid)[0]["pain"]["body_chart"][0]["intensity"] == 6  # nothing written


def test_letter_shows_the_body_chart(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = emergency_answers(1, **{"pain-body_chart": ["calf_left:numbness:5"]})
    physio_client.post(f"/assessments/{aid}/edit", data=data)
    assert sign(physio_client, aid).status_code == 302
    physio_client.post(f"/assessments/{aid}/plan/export", data={"kind": "letter"})
    import io

    from pypdf import PdfReader

    pdf = physio_client.get(f"/assessments/{aid}/letter.pdf").data
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(p.extract_text() for p in pages)
    assert "Body chart" in text and "Calf, left: numbness 5/10" in text
    assert len(pages) <= 2  # round 2: the letter also carries the timeline and neuro findings


HEAVY = {
    "physical-side_plank_left_s": "25",
    "physical-side_plank_right_s": "48",
    "physical-thomas_right": "hip_flexor_short",
    "physical-slr_left_deg": "45",
    "physical-single_leg_squat_left": "1",
    "physical-plank_s": "40",
    "physical-sorensen_s": "100",
    "physical-flexor_endurance_s": "90",
    "physical-single_leg_bridge_left_reps": "8",
    "physical-single_leg_bridge_right_reps": "20",
    "physical-trendelenburg_left": "y",
}


def plan_post(page: str) -> dict:
    data = {}
    for tag in re.findall(r"<input[^>]*>|<textarea[^>]*>[^<]*</textarea>", page):
        name = re.search(r'name="(items-\d+-[a-z_]+|csrf_token)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name.group(1)] = "y"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    return data


def test_adding_an_exercise_at_the_cap_keeps_every_other_edit(app, physio_client, patient):
    aid = signed_visit(physio_client, patient, **HEAVY)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert 'id="exercise-cap"' in page and 'data-left-out="hip_flexor_stretch"' in page
    codes = re.findall(r'data-code="([^"]+)"', page)
    data = plan_post(page)
    plank = codes.index("plank")
    data[f"items-{plank}-physio_note"] = "Knees down for now"
    data.update(
        {
            "add_code": "step_down",
            "add_side": "",
            "add_reason": "Your left knee drifted in on the step test.",
        }
    )
    response = physio_client.post(f"/assessments/{aid}/plan", data=data)
    assert response.status_code == 302  # not a 422 for the whole plan (issue 12, finding 3)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert "Knees down for now" in page
    assert "was added but not ticked" in page
    assert re.search(r'<tr class="[^"]*excluded[^"]*" data-code="step_down"', page)
    assert "Your left knee drifted in on the step test." in page


def test_one_tap_swaps_a_left_out_exercise_in_with_its_reason_and_side(app, physio_client, patient):
    aid = signed_visit(physio_client, patient, **HEAVY)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    data = {**plan_post(page), "swap": "hip_flexor_stretch:clamshell"}
    assert physio_client.post(f"/assessments/{aid}/plan", data=data).status_code == 302
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    row = page[page.index('data-code="hip_flexor_stretch"') :].split("</tr>", 1)[0]
    assert "length of the front of your hips" in row and '<span class="badge">right</span>' in row
    assert re.search(r'<tr class="[^"]*excluded[^"]*" data-code="clamshell"', page)
    with app.app_context():
        edits = db.session.execute(select(PlanEdits)).scalar_one().edits
    assert {"code": "clamshell", "included": False} in [
        {k: e[k] for k in ("code", "included") if k in e} for e in edits
    ]


def test_plan_saves_in_place_for_the_page_script(app, physio_client, patient):
    aid = signed_visit(physio_client, patient, **HEAVY)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    data = plan_post(page)
    data["items-0-physio_note"] = "Read this first"
    response = physio_client.post(
        f"/assessments/{aid}/plan", data=data, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200 and response.get_json() == {"ok": True}
    first = re.findall(r'data-code="([^"]+)"', page)[0]
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert "Read this first" in page and re.findall(r'data-code="([^"]+)"', page)[0] == first
    data["items-1-sets"] = "99"
    response = physio_client.post(
        f"/assessments/{aid}/plan", data=data, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 422 and "between" in response.get_json()["errors"][0]


def test_small_fixes(app, physio_client, patient):
    icon = physio_client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an .ico
    icon.close()
    aid = new_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    assert "Biering-Sørensen (s)" in page
    patient_page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Archive…" in patient_page and "Yes, archive" in patient_page
    assert 'aria-describedby="review-why" disabled' in patient_page or (
        "disabled" in patient_page and "review-why" in patient_page
    )
    assert PASSWORD
