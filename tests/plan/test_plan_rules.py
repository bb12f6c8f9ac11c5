"""One test per rule of docs/plan-rules.md: its content is there with the trigger, absent
without."""

from __future__ import annotations

from datetime import date

import pytest

from physio.clinical.red_flags import RED_FLAG_RULES
from physio.plan import RULES
from physio.plan.rules import RULES_BY_ID, Facts
from tests.plan.builders import (
    BASE_RULES,
    DROP,
    MALE,
    SEEN,
    codes,
    plan_for,
    record,
    red_flags,
)

PLAIN = {rule.field: rule.plain for rule in RED_FLAG_RULES}
PROGRAMME = {"exercise", "running", "load", "cross_training"}


def test_plan_rules_table_is_complete_and_in_order():
    assert [rule.id for rule in RULES] == [
        "RED-E",
        "RED-U",
        "SAFETY",
        "CES-INFO",
        "EDU-CORE",
        "EDU-PSYCH",
        "LOAD-SPIKE",
        "RUN-PAIN",
        "PAIN-MONITOR",
        "XTRAIN",
        "CORE-ENDURANCE",
        "HIP-CONTROL",
        "HIP-FLEXOR",
        "HAMSTRING",
        "NEURAL-CARE",
        "MOBILITY",
        "CADENCE",
        "POSTURE",
        "SHOE-REPLACE",
        "SHOE-CHECK",
        "SHOE-DROP",
        "NO-ORTHOTICS",
        "WARM-UP",
        "SURFACE",
        "LIFESTYLE",
        "REVIEW",
    ]
    assert all(rule.trigger for rule in RULES)


def test_plan_base_record_fires_only_the_always_rules():
    assert plan_for(record()).rules_fired == BASE_RULES


# --- red flags ------------------------------------------------------------------------------------


def test_rule_RED_E_makes_an_emergency_sheet_without_a_programme():
    rec = record(
        **red_flags(ces_bladder="yes"),
        running_form={"overstriding": "marked"},
        footwear={"shoe_km": 950},
        physical={"side_plank_left_s": 20},
    )
    plan = plan_for(rec)
    assert plan.emergency and plan.tier == "E"
    assert plan.items[0].code == "referral_emergency" and plan.items[0].rule_ids == ["RED-E"]
    assert not {i.kind for i in plan.items} & PROGRAMME
    assert {i.kind for i in plan.items} <= {"referral", "safety"}
    assert PLAIN["ces_bladder"] in plan.items[0].reason
    ref = plan.referral
    assert ref.urgency == "today, emergency department"
    assert PLAIN["ces_bladder"] in ref.findings
    assert any("cauda equina" in line for line in ref.what_to_tell)
    assert ref.physio_name == "Sam Okafor" and ref.physio_registration == "PH123456"
    assert ref.clinic_phone == "020 7946 0000"
    assert "emergency department" in plan.headline
    assert "ces_card" in codes(plan)  # a CES flag prints the card even without leg symptoms
    assert "EDU-CORE" not in plan.rules_fired and "MOBILITY" not in plan.rules_fired

    calm = plan_for(record())
    assert not calm.emergency and calm.referral is None
    assert "referral_emergency" not in codes(calm)


def test_rule_RED_E_follows_the_physios_raised_tier_and_decision():
    rec = record(
        **red_flags(
            tier_override="E",
            override_reason="Looks unwell",
            decision="referred_emergency",
            referred_to="St Mary's ED",
        )
    )
    plan = plan_for(rec)
    assert plan.emergency
    assert "St Mary's ED" in plan.referral.physio_decision
    assert not {i.kind for i in plan.items} & PROGRAMME


def test_rule_RED_U_puts_the_referral_first_and_keeps_the_programme_gentle():
    rec = record(
        **red_flags(major_trauma="yes", decision="referred_urgent", referred_to="Dr Patel"),
        running_form={"overstriding": "mild", "cadence_spm": 160},
        training={"weekly_km_w1": 40, "weekly_km_w3": 20},
    )
    plan = plan_for(rec)
    assert plan.tier == "U" and not plan.emergency
    assert plan.items[0].code == "referral_urgent" and plan.items[0].kind == "referral"
    assert "within 14 days" in plan.items[0].title
    assert PLAIN["major_trauma"] in plan.items[0].reason
    assert plan.referral.urgency == "within 14 days" and plan.referral.within_days <= 14
    assert "Dr Patel" in plan.referral.physio_decision
    assert plan.gentle_until_seen and plan.programme_heading == "Gentle, until you have been seen"
    assert "cadence" not in codes(plan)  # no new running changes until seen
    # Round 2: until seen, only comfort movement and walking; no running advice, no load plan.
    assert "load_reset" not in codes(plan) and "run_pause" in codes(plan)
    assert set(codes(plan, "exercise")) <= {"walking", "cat_cow", "childs_pose", "knee_to_chest"}
    assert "walking" in codes(plan, "exercise")

    calm = plan_for(record(running_form={"overstriding": "mild", "cadence_spm": 160}))
    assert not calm.gentle_until_seen and calm.programme_heading is None
    assert "referral_urgent" not in codes(calm) and "cadence" in codes(calm)


def test_rule_RED_U_with_suspected_bone_stress_pauses_running():
    plan = plan_for(
        record(
            **red_flags(bone_stress_risk="yes"),
            pain={"nprs_during_run": 7},
            training={"recent_changes": ["volume_up"]},
        )
    )
    assert plan.items[0].code == "referral_urgent"
    assert "run_pause" in codes(plan)
    paused = {"walk_run", "pain_monitoring", "cross_training", "warm_up", "load_reset"}
    assert not paused & set(codes(plan))
    # Any U tier runner pauses running until seen (round 2: walking and comfort movement only).
    assert "run_pause" in codes(plan_for(record(**red_flags(major_trauma="yes"))))


# --- always-on and education ----------------------------------------------------------------------


def test_rule_SAFETY_is_in_every_plan_including_emergencies():
    assert {"safety_net", "flare_up"} <= set(codes(plan_for(record())))
    emergency = plan_for(record(**red_flags(fever_or_systemically_unwell="yes")))
    assert "safety_net" in codes(emergency) and "SAFETY" in emergency.rules_fired


@pytest.mark.parametrize(
    "change",
    [
        {"pain": {"location": ["central_lumbar", "below_knee_left"]}},
        {"pain": {"location": ["thigh_right"]}},
        {"physical": {"slr_neural_right": True}},
        {"impression": {"working_diagnosis": "radicular_pain"}},
    ],
)
def test_rule_CES_INFO_prints_the_card_for_any_leg_symptom(change):
    plan = plan_for(record(**change))
    card = plan.item("ces_card")
    assert card and card.kind == "safety" and card.rule_ids == ["CES-INFO"]
    assert "ces_card" not in codes(plan_for(record()))


def test_rule_EDU_CORE_always_unless_emergency():
    assert "edu_core" in codes(plan_for(record()))
    assert "edu_core" not in codes(plan_for(record(**red_flags(ces_saddle="yes"))))


SBST_HIGH = {f"sbst_{i}": True for i in range(1, 9)} | {"sbst_9": "extremely"}


def test_rule_EDU_PSYCH_on_high_start_back_caps_exercises_and_reviews_sooner():
    rec = record(
        outcomes={"psfs": [], **SBST_HIGH},
        physical={
            "side_plank_left_s": 25,
            "thomas_right": "hip_flexor_short",
            "single_leg_squat_left": 1,
        },
    )
    plan = plan_for(rec)
    item = plan.item("edu_psych")
    assert item and "9 out of 9" in item.reason
    assert len(codes(plan, "exercise")) == 4
    assert plan.review_date == date(2025, 3, 17)  # two weeks, not the four asked for

    yellow = plan_for(record(yellow_flags={"present": ["fear_avoidance", "poor_sleep"]}))
    assert "worry that activity will harm your back" in yellow.item("edu_psych").reason

    one_flag = plan_for(record(yellow_flags={"present": ["poor_sleep"]}))
    assert "edu_psych" not in codes(one_flag) and one_flag.review_date == date(2025, 3, 31)


# --- running and load -----------------------------------------------------------------------------


def test_rule_LOAD_SPIKE_quotes_km_and_drops_to_the_lowest_earlier_week():
    weeks = {"weekly_km_w1": 40, "weekly_km_w2": 30, "weekly_km_w3": 22, "weekly_km_w4": 20}
    plan = plan_for(record(training=weeks))
    load = plan.item("load_reset")
    assert load.kind == "load" and load.rule_ids == ["LOAD-SPIKE"]
    for km in ("40 km", "30 km", "22 km", "20 km"):
        assert km in load.reason
    assert "82%" in load.reason  # 22 → 40 km in two weeks
    assert load.target == "20 km a week"

    race = plan_for(record(training={"recent_changes": ["race_build_up"], "weekly_km_w4": 15}))
    assert "a race build-up" in race.item("load_reset").reason
    assert race.item("load_reset").target == "15 km a week"

    steady = plan_for(record(training={"recent_changes": ["return_after_break"]}))
    assert (
        "Keep to about 20 km a week, the level your back handled well"
        in steady.item("load_reset").reason
    )

    exactly_30 = plan_for(record(training={"weekly_km_w1": 26, "weekly_km_w3": 20}))
    assert "load_reset" not in codes(exactly_30)
    assert "load_reset" not in codes(plan_for(record()))


@pytest.mark.parametrize(
    "pain, stage, label",
    [
        ({"nprs_during_run": 7}, 3, "4 × (walk 4 min / jog 1 min)"),
        ({"irritability": "high"}, 1, "4 × (walk 4 min 30 s / jog 30 s)"),
        ({"onset_in_run": "from_start"}, 3, "4 × (walk 4 min / jog 1 min)"),
        ({"nprs_during_run": 9}, 1, "4 × (walk 4 min 30 s / jog 30 s)"),
    ],
)
def test_rule_RUN_PAIN_starts_the_walk_run_ladder(pain, stage, label):
    plan = plan_for(record(pain=pain))
    walk_run = plan.item("walk_run")
    assert walk_run.kind == "running" and walk_run.target == f"Stage {stage}: {label}"
    assert "3/10" in walk_run.reason
    assert "pain_monitoring" not in codes(plan)
    assert "cross_training" in codes(plan)
    assert "walk_run" not in codes(plan_for(record(pain={"nprs_during_run": 5})))


def test_rule_PAIN_MONITOR_for_runners_without_run_pain():
    item = plan_for(record()).item("pain_monitoring")
    assert "20 km" in item.reason and "3/10" in item.reason and "2/10" in item.reason
    stopped = {f"weekly_km_w{i}": 0 for i in range(1, 5)} | {"runs_per_week": 0}
    assert "pain_monitoring" not in codes(plan_for(record(training=stopped)))
    not_running = record(pain={"onset_in_run": "not_running"})
    assert "pain_monitoring" not in codes(plan_for(not_running))
    assert "pain_monitoring" not in codes(plan_for(record(pain={"nprs_during_run": 8})))
    runs_only = record(training={f"weekly_km_w{i}": DROP for i in range(1, 5)})
    assert "pain_monitoring" in codes(plan_for(runs_only))


def test_rule_XTRAIN_prefers_what_the_runner_already_does():
    plan = plan_for(
        record(
            pain={"irritability": "high"}, training={"cross_training": ["swimming", "yoga_pilates"]}
        )
    )
    item = plan.item("cross_training")
    assert item.kind == "cross_training" and item.target == "Swimming"
    assert "You already do swimming" in item.reason
    spike = plan_for(record(training={"recent_changes": ["volume_up"]}))
    assert spike.item("cross_training").target == "Cycling, swimming or the cross-trainer"
    assert "cross_training" not in codes(plan_for(record()))


# --- exercises ------------------------------------------------------------------------------------


def test_rule_CORE_ENDURANCE_doses_from_the_side_plank_and_names_the_weaker_side():
    plan = plan_for(record(physical={"side_plank_left_s": 25, "side_plank_right_s": 48}))
    side = plan.item("side_plank")
    assert side.reason.startswith(
        "Your side plank hold was 25 s on the left and 48 s on the right."
    )
    assert side.side == "left" and "left side" in side.target and "extra set" in side.target
    assert side.hold_s == 13  # half of 25 s
    assert 4 <= side.reps <= 6
    assert codes(plan, "exercise")[:4] == ["side_plank", "plank", "bird_dog", "curl_up"]
    assert plan.item("plank").hold_s == 30  # half of 130 s, capped at 30
    assert "side_plank" not in codes(plan_for(record()))


@pytest.mark.parametrize(
    "physical, patient, quoted",
    [
        (
            {"plank_s": 15},
            {"date_of_birth": date(2004, 1, 1), "sex": "female"},
            "In a study of women aged 18 to 25, the average was about 83 s",
        ),
        (
            {"plank_s": 40},
            {"date_of_birth": date(2004, 1, 1), "sex": "male"},
            "In a study of men aged 18 to 25, the average was about 124 s",
        ),
        (
            {
                "sorensen_s": 150,
                "side_plank_left_s": 50,
                "side_plank_right_s": 50,
                "flexor_endurance_s": 100,
            },
            MALE,
            "under 176 s",
        ),
        (
            {"sorensen_s": 70, "flexor_endurance_s": 60},
            None,
            "compared with your side plank (60 s on the left",
        ),
        (
            {
                "sorensen_s": 100,
                "flexor_endurance_s": 110,
                "side_plank_left_s": 50,
                "side_plank_right_s": 50,
            },
            None,
            "shorter than your front-trunk hold (110 s)",
        ),
    ],
)
def test_rule_CORE_ENDURANCE_each_trigger_quotes_its_figures(physical, patient, quoted):
    plan = plan_for(record(physical=physical), patient)
    assert "CORE-ENDURANCE" in plan.rules_fired
    assert any(
        quoted in plan.item(c).reason for c in ("plank", "side_plank", "bird_dog", "curl_up")
    )
    for item in (plan.item(c) for c in ("plank", "side_plank", "bird_dog", "curl_up")):
        assert item.hold_s is not None and 3 <= item.reps <= 6


def test_rule_CORE_ENDURANCE_holds_are_clamped_to_10_to_30_s():
    plan = plan_for(record(physical={"plank_s": 14, "side_plank_left_s": 600}))
    assert plan.item("plank").hold_s == 10 and plan.item("plank").reps == 5
    assert plan.item("side_plank").hold_s == 30 and plan.item("side_plank").reps == 3
    female_sorensen = plan_for(
        record(
            physical={
                "sorensen_s": 150,
                "flexor_endurance_s": 100,
                "side_plank_left_s": 50,
                "side_plank_right_s": 50,
            }
        )
    )
    assert "CORE-ENDURANCE" not in female_sorensen.rules_fired  # the cut-off is for men only


@pytest.mark.parametrize(
    "form, physical, side, quoted",
    [
        ({"pelvic_drop_right": "mild"}, {}, "right", "on your right leg (mild)"),
        ({}, {"trendelenburg_left": True}, "left", "stood on your left leg"),
        ({}, {"single_leg_squat_right": 2}, "right", "scored 2 out of 3"),
        (
            {},
            {"hip_abductor_left_nmkg": 1.0},
            "left",
            "about 70% of the average for your age and sex in a large study of new runners",
        ),
        (
            {},
            {"single_leg_bridge_left_reps": 8, "single_leg_bridge_right_reps": 15},
            "left",
            "8 single-leg bridges on the left and 15 on the right",
        ),
    ],
)
def test_rule_HIP_CONTROL_names_the_weaker_side(form, physical, side, quoted):
    plan = plan_for(record(running_form=form, physical=physical))
    assert "HIP-CONTROL" in plan.rules_fired
    clamshell = plan.item("clamshell")
    assert clamshell.side == side and quoted in clamshell.reason
    assert f"your {side} hip" in clamshell.reason
    assert "single_leg_balance" in codes(plan)
    assert {"glute_bridge", "single_leg_bridge"} & set(codes(plan))


def test_rule_HIP_CONTROL_absent_without_findings_and_1_sd_margin():
    assert "clamshell" not in codes(plan_for(record()))
    # norm at 34 y, female: 1.430; 1 SD below = 1.076. 1.2 is below the norm but within 1 SD.
    within_sd = plan_for(record(physical={"hip_abductor_left_nmkg": 1.2}))
    assert "HIP-CONTROL" not in within_sd.rules_fired


def test_rule_HIP_FLEXOR_stretches_only_the_short_side():
    plan = plan_for(record(physical={"thomas_right": "hip_flexor_short"}))
    stretch = plan.item("hip_flexor_stretch")
    assert stretch.side == "right" and "right" in stretch.reason and "left" not in stretch.reason
    assert "cat_cow" in codes(plan)
    both = plan_for(
        record(physical={"thomas_right": "both_short", "thomas_left": "rectus_femoris_short"})
    )
    assert both.item("hip_flexor_stretch").side == "both"
    assert "hip_flexor_stretch" not in codes(plan_for(record()))
    blank = plan_for(record(physical={"thomas_left": None, "thomas_right": DROP}))
    assert "hip_flexor_stretch" not in codes(blank)


def test_rule_HAMSTRING_stretches_the_short_side_daily():
    plan = plan_for(record(physical={"slr_left_deg": 45}))
    stretch = plan.item("hamstring_stretch")
    assert stretch.side == "left" and "45° on the left" in stretch.reason
    assert (stretch.hold_s, stretch.reps, stretch.days_per_week) == (30, 2, 7)
    neural = plan_for(record(physical={"slr_left_deg": 45, "slr_neural_left": True}))
    assert "hamstring_stretch" not in codes(neural)
    assert "hamstring_stretch" not in codes(plan_for(record()))


def test_rule_NEURAL_CARE_when_the_slr_reproduces_leg_symptoms():
    plan = plan_for(
        record(physical={"slr_neural_right": True, "slr_right_deg": 40, "slr_left_deg": 50})
    )
    care = plan.item("neural_care")
    assert care.side == "right" and "on the right" in care.reason
    assert plan.item("hamstring_stretch").side == "left"  # never the neural side
    assert "a check of the nerves in your legs" in plan.review_measures
    assert "neural_care" not in codes(plan_for(record()))


def test_rule_MOBILITY_comfort_options_unless_emergency():
    assert {"cat_cow", "childs_pose", "knee_to_chest"} <= set(codes(plan_for(record())))
    emergency = plan_for(record(**red_flags(bilateral_leg_symptoms="yes")))
    assert not {"cat_cow", "childs_pose", "knee_to_chest"} & set(codes(emergency))


# --- running form ---------------------------------------------------------------------------------


def test_rule_CADENCE_target_is_five_percent_more():
    plan = plan_for(record(running_form={"cadence_spm": 160, "overstriding": "mild"}))
    item = plan.item("cadence")
    assert item.target == "168 steps/min" and "160 steps/min" in item.reason
    assert "may reduce" in item.reason
    half = plan_for(record(running_form={"cadence_spm": 170, "overstriding": "marked"}))
    assert half.item("cadence").target == "179 steps/min"  # 178.5 rounds up
    unmeasured = plan_for(record(running_form={"cadence_spm": None, "overstriding": "mild"}))
    assert unmeasured.item("cadence").target is None
    assert unmeasured.item("cadence").title == "Measure your step rate first"
    assert "cadence" not in codes(plan_for(record(running_form={"cadence_spm": 160})))


@pytest.mark.parametrize(
    "form, words",
    [
        ({"trunk_lean": "forward_marked"}, "you leaned well forward"),
        ({"trunk_lean": "backward"}, "you leaned back"),
        ({"thoracic_posture": "hunched"}, "your upper back was hunched"),
    ],
)
def test_rule_POSTURE_adds_run_tall_cues_and_trunk_endurance(form, words):
    plan = plan_for(record(running_form=form))
    assert words in plan.item("run_tall").reason
    assert plan.item("plank").rule_ids == ["POSTURE"]
    assert "run_tall" not in codes(plan_for(record()))


# --- footwear -------------------------------------------------------------------------------------


def test_rule_SHOE_REPLACE_quotes_km():
    plan = plan_for(record(footwear={"shoe_km": 950}))
    item = plan.item("shoe_replace")
    assert item.kind == "footwear" and "950 km" in item.reason and "now" in item.title
    assert "shoe_check" not in codes(plan)
    assert "shoe_replace" in codes(plan_for(record(footwear={"shoe_km": 800})))
    creased = plan_for(record(footwear={"shoe_km": 300, "midsole_creased": True}))
    assert "creased" in creased.item("shoe_replace").reason
    uneven = plan_for(record(footwear={"wear_pattern": "asymmetric"}))
    assert "shoe_replace" in codes(uneven)
    assert "shoe_replace" not in codes(plan_for(record(footwear={"shoe_km": 799})))


def test_rule_SHOE_CHECK_between_500_and_800_km():
    item = plan_for(record(footwear={"shoe_km": 620})).item("shoe_check")
    assert "620 km" in item.reason
    assert "shoe_check" in codes(plan_for(record(footwear={"shoe_km": 500})))
    assert "shoe_check" not in codes(plan_for(record(footwear={"shoe_km": 499})))
    assert "shoe_check" not in codes(plan_for(record(footwear={"shoe_km": 800})))


def test_rule_SHOE_DROP_for_regular_runners_only():
    change = {"recent_drop_change": True, "heel_drop_mm": 0}
    item = plan_for(record(footwear=change)).item("shoe_drop")
    assert "now 0 mm" in item.reason
    competitive = record(footwear=change, training={"runner_level": "competitive"})
    assert "shoe_drop" in codes(plan_for(competitive))
    novice = record(footwear=change, training={"runner_level": "novice"})
    assert "shoe_drop" not in codes(plan_for(novice))
    assert "shoe_drop" not in codes(plan_for(record()))


@pytest.mark.parametrize("orthotics", ["custom", "off_the_shelf"])
def test_rule_NO_ORTHOTICS_says_insoles_are_not_a_back_treatment(orthotics):
    item = plan_for(record(footwear={"orthotics": orthotics})).item("no_orthotics")
    assert "not a treatment for back pain" in item.reason
    assert "no_orthotics" not in codes(plan_for(record()))


# --- general advice -------------------------------------------------------------------------------


def test_rule_WARM_UP_unless_emergency():
    assert plan_for(record()).item("warm_up").kind == "running"
    assert "warm_up" not in codes(plan_for(record(**red_flags(ces_bowel="yes"))))


def test_rule_SURFACE_for_road_only_or_painful_downhills():
    road = plan_for(record(training={"surface": ["road"]})).item("surface")
    assert "only on roads" in road.reason and "cause" not in road.reason
    hills = record(training={"terrain": "hilly"}, pain={"aggravating": ["running_downhill"]})
    assert "downhill" in plan_for(hills).item("surface").reason
    flat_downhill = record(pain={"aggravating": ["running_downhill"]})
    assert "surface" not in codes(plan_for(flat_downhill))
    assert "surface" not in codes(plan_for(record()))


def test_rule_LIFESTYLE_unless_emergency():
    assert "lifestyle" in codes(plan_for(record()))
    sleep = plan_for(record(yellow_flags={"present": ["poor_sleep"]}))
    assert "sleep has been poor" in sleep.item("lifestyle").reason
    assert "lifestyle" not in codes(plan_for(record(**red_flags(ces_sexual="yes"))))


def test_rule_REVIEW_date_and_measures():
    plan = plan_for(record(impression={"review_in_weeks": 6}))
    assert plan.review_date == date(2025, 4, 14) and "REVIEW" in plan.rules_fired
    assert "how long you can hold a plank" in plan.review_measures
    assert "how far you run each week" in plan.review_measures
    assert "your scores for the activities you chose" in plan.review_measures
    default = plan_for(record(impression={"review_in_weeks": None}))
    assert default.review_date == date(2025, 3, 31)  # 4 weeks when not given
    untested = plan_for(record(physical={"plank_s": None}))
    assert "how long you can hold a plank" not in untested.review_measures


def test_plan_rule_functions_see_missing_sections_as_no_trigger():
    facts = Facts({"seen_at": SEEN}, {}, None, None)
    for rule_id in (
        "CES-INFO",
        "EDU-PSYCH",
        "LOAD-SPIKE",
        "RUN-PAIN",
        "PAIN-MONITOR",
        "XTRAIN",
        "CORE-ENDURANCE",
        "HIP-CONTROL",
        "HIP-FLEXOR",
        "HAMSTRING",
        "NEURAL-CARE",
        "CADENCE",
        "POSTURE",
        "SHOE-REPLACE",
        "SHOE-CHECK",
        "SHOE-DROP",
        "NO-ORTHOTICS",
        "SURFACE",
        "RED-E",
        "RED-U",
    ):
        assert RULES_BY_ID[rule_id].fire(facts) is None, rule_id
