"""apply_edits: the physio re-doses, drops, adds and reorders; the checks keep the plan safe."""

from __future__ import annotations

import pytest

from physio.plan import apply_edits
from tests.plan.builders import WEAK_EVERYWHERE, codes, plan_for, record, red_flags


@pytest.fixture
def plan():
    # Side planks 25 s / 48 s: an asymmetry, so the trunk endurance set is in the plan.
    physical = {"plank_s": 40, "side_plank_left_s": 25, "side_plank_right_s": 48}
    return plan_for(record(physical=physical, footwear={"shoe_km": 950}))


def test_plan_edits_redose_note_and_exclude(plan):
    new, errors = apply_edits(
        plan,
        [
            {
                "code": "plank",
                "sets": "2",
                "reps": 5,
                "hold_s": 25,
                "days_per_week": 4,
                "physio_note": "  Knees down for the first week  ",
            },
            {"code": "childs_pose", "included": False},
            {"code": "shoe_replace", "target": "Before 1 April"},
        ],
    )
    assert errors == []
    plank = new.item("plank")
    assert (plank.sets, plank.reps, plank.hold_s, plank.days_per_week) == (2, 5, 25, 4)
    assert plank.physio_note == "Knees down for the first week"
    assert new.item("childs_pose").included is False
    assert new.item("shoe_replace").target == "Before 1 April"
    assert plan.item("plank").sets == 1 and plan.item("childs_pose").included  # input untouched


def test_plan_edits_blank_clears_a_value(plan):
    new, errors = apply_edits(plan, [{"code": "plank", "hold_s": "", "physio_note": None}])
    assert errors == [] and new.item("plank").hold_s is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("sets", 0),
        ("sets", 11),
        ("reps", 0),
        ("reps", 51),
        ("hold_s", 4),
        ("hold_s", 121),
        ("days_per_week", 0),
        ("days_per_week", 8),
        ("reps", "ten"),
        ("hold_s", 2.5),
        ("sets", True),
    ],
)
def test_plan_edits_refuse_insane_doses(plan, field, value):
    new, errors = apply_edits(plan, [{"code": "plank", field: value}])
    assert len(errors) == 1 and "Forearm plank" in errors[0]
    assert new == plan  # nothing applied


@pytest.mark.parametrize(
    "field, low, high",
    [("sets", 1, 10), ("reps", 1, 50), ("hold_s", 5, 120), ("days_per_week", 1, 7)],
)
def test_plan_edits_accept_the_dose_limits(plan, field, low, high):
    for value in (low, high):
        new, errors = apply_edits(plan, [{"code": "plank", field: value}])
        assert errors == [] and getattr(new.item("plank"), field) == value


def test_plan_edits_refuse_unknown_codes(plan):
    new, errors = apply_edits(plan, [{"code": "tens_machine"}])
    assert errors and "Unknown item code 'tens_machine'" in errors[0]
    assert new == plan


def test_plan_edits_add_items_from_the_library(plan):
    new, errors = apply_edits(
        plan,
        [
            {"code": "childs_pose", "included": False},
            {"code": "surface", "physio_note": "Try the park loop"},
        ],
    )
    assert errors == []
    surface = new.item("surface")
    assert surface.added_by_physio and surface.rule_ids == [] and surface.physio_note
    assert "childs_pose" in codes(new)


def test_plan_edits_cannot_add_a_referral_by_hand(plan):
    _, errors = apply_edits(plan, [{"code": "referral_urgent"}])
    assert errors and "can't be added" in errors[0]


def test_plan_edits_emergency_plan_cannot_gain_programme_items():
    plan = plan_for(record(**red_flags(ces_bladder="yes")))
    for code in ("plank", "walk_run", "load_reset", "cross_training"):
        new, errors = apply_edits(plan, [{"code": code}])
        assert errors and "emergency" in errors[0], code
        assert new == plan
    new, errors = apply_edits(plan, [{"code": "edu_core"}])
    assert errors == [] and "edu_core" in codes(new)


@pytest.mark.parametrize("code", ["referral_emergency", "safety_net", "ces_card"])
def test_plan_edits_cannot_leave_out_referral_or_safety_items(code):
    plan = plan_for(record(**red_flags(ces_bladder="yes")))
    new, errors = apply_edits(plan, [{"code": code, "included": False}])
    assert errors and "can't be left out" in errors[0]
    assert new.item(code).included


def test_plan_edits_keep_the_exercise_cap():
    plan = plan_for(record(physical=WEAK_EVERYWHERE))
    assert len(codes(plan, "exercise")) == 6
    _, errors = apply_edits(plan, [{"code": "hamstring_stretch"}])
    assert errors == ["At most 6 exercises can be included; 7 are ticked. Untick 1 to continue."]
    new, errors = apply_edits(
        plan,
        [{"code": "curl_up", "included": "off"}, {"code": "hamstring_stretch", "included": "on"}],
    )
    assert errors == [] and new.item("hamstring_stretch").included
    assert "hamstring_stretch" not in new.left_out


def test_plan_edits_keep_the_lower_cap_when_worry_is_high():
    rec = record(physical=WEAK_EVERYWHERE, yellow_flags={"present": ["anxiety", "low_mood"]})
    plan = plan_for(rec)
    _, errors = apply_edits(plan, [{"code": "cat_cow"}])
    assert errors and "At most 4 exercises" in errors[0] and "worry" in errors[0]


def test_plan_edits_reorder_but_keep_the_referral_first():
    plan = plan_for(record(**red_flags(major_trauma="yes")))
    assert plan.items[0].code == "referral_urgent"
    new, errors = apply_edits(
        plan,
        [{"code": "knee_to_chest", "position": 0}, {"code": "referral_urgent", "position": 99}],
    )
    assert errors == []
    assert [i.code for i in new.items[:2]] == ["referral_urgent", "knee_to_chest"]
    assert sorted(codes(new)) == sorted(codes(plan))


def test_plan_edits_report_every_problem_at_once(plan):
    new, errors = apply_edits(
        plan,
        [
            {"code": "plank", "sets": 99},
            {"code": "nope"},
            {"code": "safety_net", "included": False},
            {"code": "plank", "reps": 5},
            {"hold_s": 5},
            "junk",
        ],
    )
    assert len(errors) == 6
    assert new == plan


def test_plan_edits_no_dose_on_advice_items(plan):
    _, errors = apply_edits(plan, [{"code": "edu_core", "sets": 3}])
    assert errors and "no dose" in errors[0]
