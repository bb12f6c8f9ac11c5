"""Issue 10, the safety half: each finding of the senior physio's read of the demo plans is a test
here, named after the finding. They read the plan as the patient does (the sheet's HTML, rendered
by the same templates as the PDF, without the PDF layout) and the letter as the doctor does."""

from __future__ import annotations

import copy
import dataclasses
import html
import re
from datetime import UTC, date, datetime

import pytest
from flask import render_template

from config import TestingConfig
from physio.app import create_app
from physio.clinical import derive
from physio.demo_records import AOIFE_1, KWAME_1
from physio.pdf import PlanDocument
from physio.pdf.plan_sheet import render_plan_html
from physio.plan import PlanContext, build_plan
from tests.plan.builders import MALE, plan_for, record, red_flags

SEEN = datetime(2026, 11, 26, 10, 0)
AOIFE = {"date_of_birth": date(2007, 6, 15), "sex": "female"}
KWAME = {"date_of_birth": date(1986, 5, 5), "sex": "male"}
JARGON = ("Thomas test", "Sørensen", "PSFS", "Roland-Morris", "Nm/kg")


def context(**changes) -> PlanContext:
    values = {
        "today": date(2026, 12, 2),  # the render date: never printed on an emergency sheet
        "physio_name": "Sam Patel",
        "physio_registration": "PH000001",
        "clinic_name": "Riverside Physiotherapy",
        "clinic_phone": "020 7946 0000",
        "signed": True,
    }
    values.update(changes)
    # Only the fields this PlanContext has (so that the test also runs, and fails for the finding
    # itself, on the commit before the fix).
    names = {f.name for f in dataclasses.fields(PlanContext)}
    return PlanContext(**{k: v for k, v in values.items() if k in names})


def demo(rec: dict) -> dict:
    rec = copy.deepcopy(rec)
    rec["seen_at"] = SEEN
    return rec


def build(rec: dict, patient: dict, **ctx):
    return build_plan(rec, patient, derive(rec, patient), context(**ctx))


def document(plan, rec: dict, patient: dict) -> PlanDocument:
    values = {
        "plan": plan,
        "patient_name": "Kwame Mensah" if patient is KWAME else "Aoife Byrne",
        "patient_first_name": "Kwame" if patient is KWAME else "Aoife",
        "clinic_name": "Riverside Physiotherapy",
        "clinic_phone": "020 7946 0000",
        "physio_name": "Sam Patel",
        "physio_registration": "PH000001",
        "assessment_id": 10,
        "assessment_version": 1,
        "seen_on": SEEN.date(),
        "export_version": 1,
        "exported_at": datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
        "runner": {k: rec["training"].get(k) for k in ("weekly_km_w1", "runs_per_week")},
    }
    try:  # round 2: the letter's record facts
        from physio.plan.referral_letter import letter_facts

        values |= {
            "patient_dob": patient["date_of_birth"],
            "patient_reference": "RR-0010" if patient is KWAME else "RR-0005",
            "letter": letter_facts(rec, derive(rec, patient), plan),
        }
    except ImportError:
        pass
    return PlanDocument(**values)


def visible(markup: str) -> str:
    """The text a reader sees: tags, the stylesheet and the head dropped, entities decoded."""
    markup = re.sub(r"(?s)<head>.*?</head>", " ", markup)
    markup = re.sub(r"(?s)<style.*?</style>", " ", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture(scope="module")
def app_ctx():
    app = create_app(TestingConfig)
    with app.app_context():
        yield app


def sheet(plan, rec, patient) -> str:
    markup, _ = render_plan_html(document(plan, rec, patient))
    return visible(markup)


def letter(plan, rec, patient) -> str:
    from physio.pdf.letter import letter_context

    ctx = letter_context(document(plan, rec, patient))
    return visible(render_template("pdf/letter.html", stylesheet="", **ctx))


@pytest.fixture(scope="module")
def kwame():
    rec = demo(KWAME_1)
    return build(rec, KWAME), rec


@pytest.fixture(scope="module")
def aoife():
    rec = demo(AOIFE_1)
    return build(rec, AOIFE), rec


# --- emergency wording and numbers ----------------------------------------------------------------
def test_finding_emergency_wording_says_999_and_never_111_for_an_emergency(app_ctx):
    rec = record(pain={"location": ["central_lumbar", "thigh_left"]})
    text = sheet(plan_for(rec, context=context()), rec, MALE)
    assert "999" in text and "call 999" in text and "A&E" in text
    # NHS 111 is the urgent-advice line: never the instruction for cauda equina signs.
    assert "or 111" not in text and "call 111" not in text
    assert text.count("111") == text.count("or NHS 111 if you can't reach them")


@pytest.mark.parametrize(
    ("country", "emergency", "absent"),
    [
        ("GB", "999", ("112", "000", "911")),
        ("IE", "112 or 999", ("000", "911", "111")),
        ("AU", "000", ("999", "112", "911", "111")),
        ("NZ", "111", ("999", "112", "000", "911")),
        ("US", "911", ("999", "112", "000", "111")),
        ("CA", "911", ("999", "112", "000", "111")),
        ("EU", "112", ("999", "000", "911", "111")),
    ],
)
def test_finding_emergency_number_is_the_clinic_countrys(app_ctx, country, emergency, absent):
    rec = record(pain={"location": ["central_lumbar", "thigh_left"]})
    text = sheet(plan_for(rec, context=context(country=country)), rec, MALE)
    assert f"call {emergency}" in text
    for number in absent:
        assert not re.search(rf"(?<!\d){number}(?!\d)", text), number


def test_finding_warning_signs_are_for_anyone_to_know_not_everyone_gets_them(app_ctx):
    rec = record()
    text = sheet(plan_for(rec, context=context()), rec, MALE)
    assert "Everyone with back pain gets these warning signs" not in text
    assert "Anyone with back pain should know these warning signs" in text


# --- urgent (U): Aoife, suspected bone stress -----------------------------------------------------
def test_finding_urgent_programme_has_no_strength_holds_or_progressions(aoife):
    plan, _ = aoife
    exercises = {i.code for i in plan.items if i.kind == "exercise" and i.included}
    assert not exercises & {"plank", "side_plank", "bird_dog", "curl_up"}
    assert "walking" in exercises
    assert not any(i.hold_s for i in plan.items if i.kind == "exercise" and i.included)
    # No cat–cow "let your back sag" for an extension-sensitive back (no extension loading).
    assert "cat_cow" not in exercises


def test_finding_urgent_sheet_gives_no_running_advice_after_stop_running(app_ctx, aoife):
    plan, rec = aoife
    text = sheet(plan, rec, AOIFE)
    assert "Pause running until you have been seen" in text
    for advice in ("Cut down on downhill running", "go back a stage in your running", "warm-up"):
        assert advice.lower() not in text.lower(), advice
    assert "let your back sag" not in text


def test_finding_urgent_retest_list_has_no_loaded_tests(aoife):
    plan, _ = aoife
    joined = " ".join(plan.review_measures).lower()
    for loaded in ("sørensen", "back-muscle hold", "plank", "single-leg", "step rate", "km"):
        assert loaded not in joined, loaded


def test_finding_urgent_referred_patient_is_not_told_to_book_an_appointment(app_ctx, aoife):
    plan, rec = aoife
    text = sheet(plan, rec, AOIFE)
    assert "Book an appointment with your doctor" not in text
    assert "already referred you" in text
    assert "Sport and Exercise Medicine clinic" in text
    # The physio's own recorded reason is printed.
    assert "Needs MRI and a RED-S assessment" in text


# --- emergency (E): Kwame, suspected cauda equina -------------------------------------------------
def test_finding_emergency_sheet_sends_a_referred_patient_to_that_hospital(app_ctx, kwame):
    plan, rec = kwame
    text = sheet(plan, rec, KWAME)
    assert "Riverside General Hospital" in text
    assert "Go to the nearest emergency department now" not in text
    assert "Go to the hospital you have been referred to, now" in text


def test_finding_emergency_sheet_says_do_not_drive_yourself(app_ctx, kwame):
    plan, rec = kwame
    assert "Do not drive yourself" in sheet(plan, rec, KWAME)


def test_finding_emergency_sheet_has_one_date_the_visits(app_ctx, kwame):
    plan, rec = kwame
    markup, _ = render_plan_html(document(plan, rec, KWAME))
    text = visible(markup) + " " + markup[markup.find("@page") :]  # the page margins too
    assert "26 November 2026" in text
    assert "2 December 2026" not in text


def test_finding_emergency_concern_is_not_doubled_on_the_sheet_or_letter(app_ctx, kwame):
    plan, rec = kwame
    doubled = "possible cauda equina syndrome and possible cauda equina syndrome"
    assert doubled not in sheet(plan, rec, KWAME)
    assert doubled not in letter(plan, rec, KWAME)
    assert "cauda equina syndrome or spinal cord compression" in letter(plan, rec, KWAME)


def test_finding_emergency_sheet_has_no_exercise_run_or_load_items(kwame):
    plan, _ = kwame
    assert {i.kind for i in plan.items} <= {"referral", "safety"}


# --- letters an ED or GP can act on ---------------------------------------------------------------
def test_finding_letter_has_dob_reference_timeline_neuro_medicines_and_reason(app_ctx, kwame):
    plan, rec = kwame
    text = letter(plan, rec, KWAME)
    assert "born 5 May 1986" in text and "RR-0010" in text
    assert "Back pain began:" in text and "Over the last 36 hours" in text  # the timeline
    assert "Saddle sensation: altered" in text
    assert "Straight-leg raise: left 30° (reproduces leg symptoms), right 45°" in text
    assert "EHL 4/5" in text  # the physio's recorded summary
    # Medicines in the patient's words (the schema has no medicines field but long-term steroids).
    assert "naproxen" in text
    assert "Needs same-day MRI" in text
    assert "What the patient was told" in text and "not to drive themselves" in text


# --- safety net -----------------------------------------------------------------------------------
def test_finding_safety_net_covers_same_day_doctor_signs_and_same_day_numbness(app_ctx):
    rec = record()
    text = sheet(plan_for(rec, context=context()), rec, MALE).lower()
    assert "weight loss you can't explain" in text
    assert "worse at night" in text and "ever had cancer" in text
    assert "fall" in text and "fever" in text
    assert "numbness or weakness that is getting worse: contact us the same day" in text


# --- generic text that is false for this patient --------------------------------------------------
NOT_RUNNING = {
    "training": {
        "weekly_km_w1": 0,
        "weekly_km_w2": 0,
        "weekly_km_w3": 0,
        "weekly_km_w4": 0,
        "runs_per_week": 0,
    },
    "pain": {"onset_in_run": "not_running", "nprs_during_run": None},
}


def test_finding_no_keep_running_or_warm_up_for_someone_running_0_km(app_ctx):
    rec = record(**NOT_RUNNING, physical={"single_leg_squat_left": 1})
    plan = plan_for(rec, context=context())
    assert "keep running" not in plan.headline
    assert "warm_up" not in {i.code for i in plan.items}
    assert "before each run" not in sheet(plan, rec, MALE)


def test_finding_headline_names_hip_strength_only_with_a_hip_exercise():
    # EDU-PSYCH caps the list at 4: the core set fills it, so no hip exercise is left.
    rec = record(
        physical={"side_plank_left_s": 25, "single_leg_squat_left": 1},
        yellow_flags={"present": ["fear_avoidance", "catastrophising"]},
    )
    plan = plan_for(rec, context=context())
    hip = {"glute_bridge", "single_leg_bridge", "clamshell", "single_leg_balance", "step_down"}
    held = {i.code for i in plan.items if i.included}
    assert ("hip strength" in plan.headline) == bool(held & hip)


def test_finding_no_rest_day_from_running_while_running_is_paused(app_ctx, aoife):
    plan, rec = aoife
    assert "keep at least one day a week with no running" not in sheet(plan, rec, AOIFE)


def test_finding_flare_up_box_points_only_to_items_in_the_plan(app_ctx):
    rec = record()
    plan = plan_for(rec, context=context())
    plan.item("knee_to_chest").included = False
    text = sheet(plan, rec, MALE)
    flare = text[text.index("If your pain flares up") :]
    assert "go back a stage in your running" not in flare  # no walk–run plan here
    assert "knee-to-chest" not in flare


def test_finding_no_cadence_change_beside_a_volume_reset_or_walk_run():
    rec = record(
        running_form={"overstriding": "mild", "cadence_spm": 160},
        training={"weekly_km_w1": 40, "weekly_km_w3": 20},
    )
    plan = plan_for(rec, context=context())
    assert plan.item("load_reset") is not None
    cadence = plan.item("cadence")
    assert cadence is None or not cadence.target


# --- plain words and honest claims ----------------------------------------------------------------
def test_finding_unsigned_draft_does_not_claim_the_warning_sign_check(app_ctx):
    rec = record(red_flags={"ces_bladder": None, "ces_saddle": None, "major_trauma": None})
    draft = plan_for(rec, context=context(signed=False))
    assert "checked you for warning signs" not in sheet(draft, rec, MALE)


def test_finding_patient_text_has_no_test_names_acronyms_or_units(app_ctx):
    rec = record(
        physical={
            "thomas_right": "hip_flexor_short",
            "sorensen_s": 100,
            "hip_abductor_left_nmkg": 1.0,
        },
        outcomes={"psfs": [{"activity": "Running 10 km", "score": 6}], "rmdq_1": True},
    )
    plan = plan_for(rec, MALE, context=context())
    text = sheet(plan, rec, MALE)
    for word in JARGON:
        assert word not in text, word


def test_finding_retest_list_names_only_what_this_patient_had_measured():
    rec = record(physical={"plank_s": None, "sorensen_s": None}, outcomes={"psfs": []})
    measures = " ".join(plan_for(rec, context=context()).review_measures).lower()
    assert "hold a plank" not in measures and "back muscles" not in measures
    # No back questionnaire was answered: none to re-check (and never by its name).
    assert "questions about how your back affects your day" not in measures
    assert "roland" not in measures and "questionnaire" not in measures
    assert "activities you chose" not in measures


def test_finding_red_u_keeps_all_referral_wording_consistent_with_gp_informed():
    rec = record(**red_flags(major_trauma="yes", decision="gp_informed"))
    plan = plan_for(rec, context=context())
    from physio.plan import texts

    steps = " ".join(texts.referral_steps(plan))
    assert "already told your GP" in steps
