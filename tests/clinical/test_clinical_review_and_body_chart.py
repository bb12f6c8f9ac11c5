"""Pure rules of issue 12: what a review takes from the last visit (physio/clinical/review.py)
and the body chart's marks and their pain locations (physio/clinical/body_chart.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from physio.clinical.body_chart import (
    REGIONS,
    BadMark,
    describe,
    locations_from_chart,
    marks_from,
    parse_mark,
)
from physio.clinical.red_flags import RED_FLAG_GROUPS, RED_FLAG_RULES, client_rules
from physio.clinical.review import (
    SAME_AS_LAST_SECTIONS,
    policy,
    review_start,
    same_as_last_values,
    shifted_weeks,
    shoe_km_estimate,
)
from physio.clinical.schema import PAIN
from tests.plan.builders import record

LAST = record(
    training={"weekly_km_w1": 30, "weekly_km_w2": 25, "weekly_km_w3": 20, "weekly_km_w4": 20},
    footwear={"shoe_km": 950, "shoe_model": "Pegasus 40"},
)
LAST["seen_at"] = datetime(2026, 10, 14, 10, 0)


def test_review_policy_carries_stable_facts_and_remeasures_measurements():
    assert policy("history", "presenting_complaint") == "carry"
    assert policy("history", "patient_goals") == "carry"
    assert policy("footwear", "shoe_model") == "carry"
    assert policy("footwear", "shoe_km") == "estimate"
    assert policy("training", "weekly_km_w1") == "shift"
    for section, name in (
        ("pain", "nprs_now"),
        ("running_form", "cadence_spm"),
        ("physical", "side_plank_left_s"),
        ("outcomes", "rmdq_3"),
    ):
        assert policy(section, name) == "remeasure", name
    assert policy("red_flags", "ces_bladder") == "never"


def test_review_start_copies_no_measurement_and_shifts_weeks_by_the_dates():
    start = review_start(LAST, date(2026, 10, 28), psfs_entries=5)  # two weeks later
    assert start.record["history"]["presenting_complaint"] == "Low back pain on longer runs"
    assert start.record["footwear"] == {
        "shoe_model": "Pegasus 40",
        "shoe_category": "neutral",
        "heel_drop_mm": 10,
        "recent_drop_change": False,
        "orthotics": "none",
    }
    assert "pain" not in start.record or "nprs_now" not in start.record["pain"]
    assert "physical" not in start.record or start.record["physical"] == {}
    # last visit's "last 7 days" is now "3 weeks ago"; the two new weeks must be asked
    assert start.record["training"]["weekly_km_w3"] == 30
    assert start.record["training"]["weekly_km_w4"] == 25
    assert "weekly_km_w1" not in start.record["training"]
    assert start.shifted == {
        "training-weekly_km_w3": "training-weekly_km_w1",
        "training-weekly_km_w4": "training-weekly_km_w2",
    }
    assert start.record["outcomes"]["psfs"] == [{"activity": "Running 10 km", "score": None}]


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (0, {"weekly_km_w1": 30, "weekly_km_w2": 25, "weekly_km_w3": 20, "weekly_km_w4": 20}),
        (1, {"weekly_km_w2": 30, "weekly_km_w3": 25, "weekly_km_w4": 20}),
        (3, {"weekly_km_w4": 30}),
        (4, {}),
        (None, {}),
    ],
)
def test_weeks_shift_by_whole_weeks(weeks, expected):
    assert shifted_weeks(LAST["training"], weeks) == expected


def test_shoe_km_is_offered_as_last_value_plus_the_km_run_since():
    estimate = shoe_km_estimate(LAST, date(2026, 10, 14), date(2026, 10, 28))
    # 4-week average 23.75 km × 14 days / 7 = 47.5 → 48
    assert estimate.value == 998
    assert "950 km on 14 Oct" in estimate.basis and "about 48 km" in estimate.basis
    assert shoe_km_estimate(LAST, date(2026, 10, 28), date(2026, 10, 14)) is None


def test_same_as_last_fills_only_remeasured_values_never_new_weeks():
    values = same_as_last_values(LAST, "training")
    assert values["runs_per_week"] == 3
    assert not any(name.startswith("weekly_km") for name in values)
    assert "experience_years" not in values  # carried already
    assert same_as_last_values(LAST, "physical")["side_plank_left_s"] == 60
    assert "shoe_km" not in same_as_last_values(LAST, "footwear")  # offered as an estimate
    assert "outcomes" not in SAME_AS_LAST_SECTIONS and "red_flags" not in SAME_AS_LAST_SECTIONS


def test_body_chart_regions_cover_every_pain_location_code_and_reach_the_foot():
    codes = {value for value, _ in PAIN.field("location").choices}
    assert {r.location for r in REGIONS if r.location} == codes
    assert {"foot_left", "foot_right", "heel_left", "heel_right"} <= {r.code for r in REGIONS}


def test_body_chart_marks_parse_and_give_pain_locations_only_for_pain():
    marks = marks_from(
        [
            "calf_right:pins_needles:4",
            "calf_right:pain:6",
            "thigh_back_left:pain",
            "foot_left:numbness",
        ]
    )
    assert [m.posted() for m in marks] == [
        "thigh_back_left:pain",
        "calf_right:pain:6",
        "calf_right:pins_needles:4",
        "foot_left:numbness",
    ]
    assert locations_from_chart(marks) == ["thigh_left", "below_knee_right"]
    assert describe(marks)[1] == "Calf, right: pain 6/10"


@pytest.mark.parametrize(
    "bad", ["calf_right", "elbow_left:pain", "calf_right:itch", "calf_right:pain:11", "x:pain:a"]
)
def test_body_chart_refuses_unknown_regions_symptoms_and_intensities(bad):
    with pytest.raises(BadMark):
        parse_mark(bad)


def test_red_flag_groups_ask_every_flag_once_and_the_client_table_is_the_rules_table():
    grouped = [name for group in RED_FLAG_GROUPS for name in group.fields]
    assert sorted(grouped) == sorted(rule.field for rule in RED_FLAG_RULES)
    table = client_rules()
    assert table["tiers"] == {rule.field: rule.tier for rule in RED_FLAG_RULES}
    assert table["decision_tiers"] == ["E", "U"]
    assert ["pain", "location", ["below_knee_left"]] in table["neuro_signs"]
