"""Issue 12, the cold review's findings over HTTP: the RMDQ is "not asked" until answered, red
flags are never set to a false "no", the plan cap never refuses the whole save, an expired
session keeps the typing, and the small fixes."""

from __future__ import annotations

import re

import pytest

from physio.clinical import derive
from physio.clinical.progress import compare_visits
from physio.extensions import db
from physio.models import Assessment, Status
from physio.services import assessments as service
from tests.helpers import minimal_signable, new_assessment, sign, signed_visit


@pytest.fixture
def patient(make, physio):
    return make.patient(physio, first_name="Aoife", last_name="Kelly")


def stored(app, aid):
    with app.app_context():
        a = db.session.get(Assessment, aid)
        return service.record_of(a), a.status


def live_panel(page: str) -> str:
    return page.split('id="live-panel"', 1)[1].split('id="tier-banner"', 1)[1].split("</dl>", 1)[0]


# --- 1. the RMDQ is not asked until answered ---------------------------------------------------


def test_rmdq_not_asked_scores_nothing_and_shows_a_dash(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    assert "RMDQ</dt><dd>—" in live_panel(page)
    assert 'name="outcomes-rmdq_none"' in page

    record, _ = stored(app, aid)
    assert derive(record, {}).rmdq is None
    first = signed_visit(physio_client, patient, **{"outcomes-rmdq_3": "y", "outcomes-rmdq_7": "y"})
    later = signed_visit(physio_client, patient)  # RMDQ not asked at all
    earlier_rec, _ = stored(app, first)
    later_rec, _ = stored(app, later)
    rows = compare_visits(earlier_rec, derive(earlier_rec, {}), later_rec, derive(later_rec, {}))
    rmdq = next(row for row in rows if row.measure == "rmdq")
    assert rmdq.earlier == 2 and rmdq.later is None
    assert rmdq.verdict is None and not rmdq.recovered
    progress = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "(recovered)" not in progress


def test_rmdq_none_of_these_records_an_asked_zero(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {**minimal_signable(lock_version=1), "outcomes-rmdq_none": "y"}
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    record, _ = stored(app, aid)
    assert record["outcomes"]["rmdq_none"] is True
    assert derive(record, {}).rmdq == 0
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    assert "RMDQ</dt><dd>0/24" in live_panel(page)
    view = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "None of these statements apply" in view


def test_records_without_the_rmdq_none_field_keep_their_hash(app, physio_client, patient):
    aid = signed_visit(physio_client, patient)
    with app.app_context():
        a = db.session.get(Assessment, aid)
        assert service.verify_signed(a) is None
        a.outcomes_rmdq_none = None  # as the migration leaves every existing row
        # Neither hash version sees the new field on such a row: old content hashes unchanged.
        assert '"rmdq_none"' not in service.canonical_content(a, 1)
        assert '"rmdq_none"' not in service.canonical_content(a, 2)
        db.session.rollback()


def test_rmdq_from_the_patient_questionnaire_with_nothing_ticked_is_asked():
    from physio.services.questionnaires import _fill_blanks

    record = {"pain": {}, "outcomes": {}}
    reported = {"pain": {}, "outcomes": {f"rmdq_{i}": False for i in range(1, 25)}}
    filled = _fill_blanks(record, reported)
    assert filled["outcomes"]["rmdq_none"] is True


# --- 2. red flags: never a false "no" --------------------------------------------------------


def test_tier_e_signs_with_unanswered_flags_recorded_as_not_asked(app, physio_client, patient):
    from tests.test_consultation_http import emergency_answers

    aid = new_assessment(physio_client, patient)
    data = emergency_answers(1)
    for name in ("red_flags-ces_saddle", "red_flags-thoracic_pain", "red_flags-fever"):
        data.pop(name, None)
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    response = sign(physio_client, aid)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    record, status = stored(app, aid)
    assert status == Status.SIGNED
    assert record["red_flags"]["ces_saddle"] == "not_asked"
    assert record["red_flags"]["thoracic_pain"] == "not_asked"
    assert record["red_flags"]["ces_bladder"] == "yes"
    with app.app_context():
        assert service.verify_signed(db.session.get(Assessment, aid)) is None
    view = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Not asked" in view


def test_below_tier_e_unanswered_flags_still_refuse_the_signature(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = minimal_signable(lock_version=1)
    data.pop("red_flags-ces_saddle")
    physio_client.post(f"/assessments/{aid}/edit", data=data)
    assert sign(physio_client, aid).status_code == 422
    assert stored(app, aid)[0]["red_flags"]["ces_saddle"] is None


# --- 3. the exercise cap never refuses the whole plan ------------------------------------------


def _plan_at_cap_with_added_step_down(physio_client, patient):
    from tests.test_consultation_http import HEAVY, plan_post

    aid = signed_visit(physio_client, patient, **HEAVY)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    data = {**plan_post(page), "add_code": "step_down", "add_side": "", "add_reason": "Knee in."}
    assert physio_client.post(f"/assessments/{aid}/plan", data=data).status_code == 302
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    return aid, page


def test_ticking_a_seventh_exercise_saves_the_other_edits_and_names_the_six(
    app, physio_client, patient
):
    from tests.test_consultation_http import plan_post

    aid, page = _plan_at_cap_with_added_step_down(physio_client, patient)
    codes = re.findall(r'data-code="([^"]+)"', page)
    data = plan_post(page)
    data[f"items-{codes.index('step_down')}-included"] = "y"  # the 7th exercise
    data[f"items-{codes.index('plank')}-physio_note"] = "Knees down for now"
    response = physio_client.post(
        f"/assessments/{aid}/plan", data=data, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = response.get_json()
    assert answer["ok"] is True and answer["unticked"] == ["step_down"]
    assert "Step-down" in answer["notes"][0] and "Forearm plank" in answer["notes"][0]
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert "Knees down for now" in page
    assert re.search(r'<tr class="[^"]*excluded[^"]*" data-code="step_down"', page)

    # The ordinary POST (no script) does the same and says so.
    data[f"items-{codes.index('plank')}-physio_note"] = "Knees down, 3 weeks"
    response = physio_client.post(f"/assessments/{aid}/plan", data=data, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Knees down, 3 weeks" in page and "was not ticked" in page


def test_a_library_item_added_at_the_cap_is_offered_in_the_cap_box(app, physio_client, patient):
    aid, page = _plan_at_cap_with_added_step_down(physio_client, patient)
    box = page.split('id="exercise-cap"', 1)[1].split("</section>", 1)[0]
    assert 'data-left-out="step_down"' in box
    swap = re.search(r'name="swap" value="step_down:([a-z_]+)"', box)
    assert swap
    from tests.test_consultation_http import plan_post

    data = {**plan_post(page), "swap": f"step_down:{swap.group(1)}"}
    assert physio_client.post(f"/assessments/{aid}/plan", data=data).status_code == 302
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert not re.search(r'<tr class="[^"]*excluded[^"]*" data-code="step_down"', page)
    assert re.search(rf'<tr class="[^"]*excluded[^"]*" data-code="{swap.group(1)}"', page)


def test_the_one_tap_swap_never_replaces_a_physio_added_exercise(app, physio_client, patient):
    from tests.test_consultation_http import HEAVY, plan_post

    aid = signed_visit(physio_client, patient, **HEAVY)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    codes = re.findall(r'data-code="([^"]+)"', page)
    data = plan_post(page)
    # Make room, add a library exercise (ticked, at the end of the list), back at the cap.
    first_ex = codes.index("plank")
    data.pop(f"items-{first_ex}-included", None)
    data.update({"add_code": "step_down", "add_side": "", "add_reason": "Knee in."})
    assert physio_client.post(f"/assessments/{aid}/plan", data=data).status_code == 302
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    box = page.split('id="exercise-cap"', 1)[1].split("</section>", 1)[0]
    one_tap = re.search(r'value="[a-z_]+:([a-z_]+)" data-swap', box)
    assert one_tap and one_tap.group(1) != "step_down"


# --- 4. an ended session: Save draft doesn't end on a bare 400 ---------------------------------


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    if found is None:
        found = re.search(r'type="hidden" name="csrf_token" value="([^"]+)"', page)
    return found.group(1)


def test_save_draft_after_the_session_ended_sends_to_sign_in_and_back_to_the_draft(fresh_app):
    from tests.helpers import PASSWORD, Factory

    app = fresh_app(WTF_CSRF_ENABLED=True)
    factory = Factory(app)
    physio = factory.user(factory.clinic())
    patient = factory.patient(physio)
    client = app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": physio.email, "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    response = client.post(
        f"/patients/{patient.id}/assessments/new",
        data={"kind": "initial", "csrf_token": _token(page)},
    )
    edit_url = response.headers["Location"]
    page = client.get(edit_url).get_data(as_text=True)
    token = _token(page)

    client.delete_cookie("session")  # the idle timeout ends the session
    posted = {"csrf_token": token, "history-presenting_complaint": "Stiff after parkrun"}
    response = client.post(edit_url, data=posted)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "security token expired" not in text
    assert "Your session has ended" in text and "kept in this browser tab" in text
    link = re.search(r'href="(/login\?next=[^"]+)"', text)
    assert link and "assessments" in link.group(1)
    login_page = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    response = client.post(
        link.group(1).replace("&amp;", "&"),
        data={"email": physio.email, "password": PASSWORD, "csrf_token": _token(login_page)},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        edit_url.split("localhost")[-1]
    )


# --- 5. the small ones ---------------------------------------------------------------------------


def test_signed_record_does_not_ask_to_record_the_decision_before_signing(
    app, physio_client, patient
):
    from tests.test_consultation_http import emergency_answers

    aid = new_assessment(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/edit", data=emergency_answers(1))
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    assert "Record the decision below before signing." in page  # the draft still asks
    assert sign(physio_client, aid).status_code == 302
    view = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Red flags: E" in view and "before signing" not in view


def test_exports_list_names_an_emergency_letter_an_ed_letter(app, physio_client, patient):
    from tests.test_consultation_http import emergency_answers

    aid = new_assessment(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/edit", data=emergency_answers(1))
    assert sign(physio_client, aid).status_code == 302
    physio_client.post(f"/assessments/{aid}/plan/export", data={"kind": "referral"})
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    exports = page.split('id="exports"', 1)[1].split("</section>", 1)[0]
    assert "ED letter v1" in exports and "GP letter" not in exports


def test_a_whole_decimal_is_shown_without_a_trailing_zero(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {
        **minimal_signable(lock_version=1),
        "training-experience_years": "9",
        "training-weekly_km_w1": "30.5",
    }
    assert physio_client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    box = page.split('name="training-experience_years"', 1)[1].split(">", 1)[0]
    assert 'value="9"' in box
    box = page.split('name="training-weekly_km_w1"', 1)[1].split(">", 1)[0]
    assert 'value="30.5"' in box


def test_revoke_column_has_a_hidden_header(app, physio_client, patient):
    aid = signed_visit(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/plan/export", data={"kind": "plan"})
    physio_client.post(f"/assessments/{aid}/share", data={})
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert '<th scope="col"></th>' not in page
    assert '<span class="visually-hidden">Actions</span>' in page


def test_a_kept_aside_invalid_value_is_named_in_the_bar_at_once(app, physio_client, patient):
    aid = new_assessment(physio_client, patient)
    data = {**minimal_signable(lock_version=1), "running_form-cadence_spm": "1700"}
    response = physio_client.post(f"/assessments/{aid}/autosave", data=data)
    assert response.status_code == 200 and response.get_json()["saved"] is False
    page = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    bar = page.split('id="invalid-list"', 1)[1].split("</span>", 1)[0]
    assert "hidden" not in bar.split(">", 1)[0]
    assert 'href="#running_form-cadence_spm"' in bar and "Cadence" in bar


def test_a_copied_presenting_complaint_is_marked_from_last_visit(app, physio_client, patient):
    signed_visit(physio_client, patient)
    rid = new_assessment(physio_client, patient, kind="review")
    page = physio_client.get(f"/assessments/{rid}/edit").get_data(as_text=True)
    box = page.split('data-field="history-presenting_complaint"', 1)[1].split("</div>", 2)
    assert "Low back pain after long runs" in "".join(box)
    assert "from last visit (" in "".join(box)


def test_a_review_after_a_visit_without_the_rmdq_says_it_was_not_asked(app, physio_client, patient):
    signed_visit(physio_client, patient)  # RMDQ not asked
    rid = new_assessment(physio_client, patient, kind="review")
    page = physio_client.get(f"/assessments/{rid}/edit").get_data(as_text=True)
    assert "last visit: not asked (" in page and "last visit: 0/24" not in page
