"""build_plan never raises on random partial records, and its invariants hold on all of them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from physio.clinical import derive
from physio.plan import INTERVENTIONS, PlanContext, TreatmentPlan, apply_edits, build_plan
from tests.plan.builders import BASE, RED_FLAG_FIELDS

CONTEXT = PlanContext(
    today=date(2025, 3, 3), physio_name="Sam", physio_registration="PH1", clinic_name="Clinic"
)
PROGRAMME = {"exercise", "running", "load", "cross_training"}

numbers = st.one_of(
    st.none(),
    st.integers(min_value=-5, max_value=1000),
    st.floats(min_value=-5, max_value=1000, allow_nan=False),
    st.decimals(min_value=-5, max_value=1000, allow_nan=False, places=2),
)
anything = st.one_of(
    numbers,
    st.booleans(),
    st.text(max_size=12),
    st.just(""),
    st.lists(st.text(max_size=10), max_size=3),
    st.dates(),
    st.just(float("nan")),
    st.just(Decimal("NaN")),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)

ENUMS = {
    "running_form": {
        "overstriding": ["none", "mild", "marked"],
        "trunk_lean": ["upright", "forward_mild", "forward_marked", "backward"],
        "thoracic_posture": ["neutral", "hunched"],
        "pelvic_drop_left": ["none", "mild", "marked"],
        "pelvic_drop_right": ["none", "mild", "marked"],
    },
    "pain": {
        "onset_in_run": ["from_start", "during_run", "after_run", "next_day", "not_running"],
        "irritability": ["low", "moderate", "high"],
    },
    "physical": {
        "thomas_left": ["negative", "hip_flexor_short", "rectus_femoris_short", "both_short"],
        "thomas_right": ["negative", "hip_flexor_short", "rectus_femoris_short", "both_short"],
        "neuro_deficit": ["none", "sensory", "motor_minor", "motor_major"],
    },
    "footwear": {
        "orthotics": ["none", "off_the_shelf", "custom"],
        "wear_pattern": ["even", "lateral_heel", "medial", "forefoot", "asymmetric"],
    },
    "training": {
        "runner_level": ["novice", "regular", "competitive"],
        "terrain": ["flat", "rolling", "hilly"],
    },
    "red_flags": {name: ["yes", "no", "not_asked"] for name in RED_FLAG_FIELDS}
    | {
        "tier_override": ["E", "U", "R"],
        "decision": [
            "referred_emergency",
            "referred_urgent",
            "gp_informed",
            "discussed_not_referred",
        ],
    },
    "impression": {
        "working_diagnosis": [
            "non_specific_lbp",
            "radicular_pain",
            "suspected_bone_stress",
            "serious_pathology_suspected",
            "other",
        ]
    },
}
MULTIS = {
    "pain": {
        "location": ["central_lumbar", "thigh_left", "below_knee_right", "buttock_left"],
        "aggravating": ["running_downhill", "sitting"],
    },
    "training": {
        "recent_changes": ["volume_up", "race_build_up", "new_shoes", "return_after_break"],
        "surface": ["road", "trail", "grass"],
        "cross_training": ["cycling", "swimming", "gym"],
    },
    "yellow_flags": {"present": ["fear_avoidance", "catastrophising", "low_mood", "poor_sleep"]},
}


def _value(section: str, key: str):
    if key in ENUMS.get(section, {}):
        return st.one_of(st.none(), st.sampled_from(ENUMS[section][key]), anything)
    if key in MULTIS.get(section, {}):
        return st.one_of(
            st.none(), st.lists(st.sampled_from(MULTIS[section][key]), max_size=3), anything
        )
    if isinstance(BASE.get(section, {}).get(key), bool):
        return st.one_of(st.none(), st.booleans(), anything)
    return st.one_of(numbers, anything)


def _section(name: str):
    keys = set(BASE.get(name, {})) | set(ENUMS.get(name, {})) | set(MULTIS.get(name, {}))
    return st.one_of(
        st.none(),
        anything,
        st.fixed_dictionaries({}, optional={k: _value(name, k) for k in sorted(keys)}),
    )


SECTIONS = (
    "history",
    "pain",
    "outcomes",
    "training",
    "running_form",
    "footwear",
    "physical",
    "red_flags",
    "yellow_flags",
    "impression",
)
records = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.sampled_from(["initial", "review"]),
        "seen_at": st.one_of(
            st.none(),
            st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
            anything,
        ),
        **{name: _section(name) for name in SECTIONS},
    },
)
patients = st.fixed_dictionaries(
    {},
    optional={
        "date_of_birth": st.one_of(
            st.none(), st.dates(min_value=date(1905, 1, 1), max_value=date(2024, 1, 1))
        ),
        "sex": st.one_of(st.none(), st.sampled_from(["female", "male", "other"]), anything),
    },
)

SETTINGS = settings(
    max_examples=300, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow]
)


def _check(plan: TreatmentPlan) -> None:
    assert isinstance(plan, TreatmentPlan)
    assert TreatmentPlan.from_dict(plan.to_dict()) == plan
    exercises = [i for i in plan.items if i.kind == "exercise"]
    assert len(exercises) <= plan.exercise_cap
    assert len({i.code for i in plan.items}) == len(plan.items)
    assert all(i.code in INTERVENTIONS and i.reason for i in plan.items)
    if plan.emergency:
        assert not [i for i in plan.items if i.kind in PROGRAMME]
    if plan.referral is not None:
        assert plan.items[0].kind == "referral"
    assert plan.headline


@SETTINGS
@given(record=records, patient=patients)
def test_plan_build_never_raises_on_random_partial_records(record, patient):
    derived = derive(record, patient)
    plan = build_plan(record, patient, derived, CONTEXT)
    _check(plan)
    # Re-applying the plan's own values is always accepted.
    edits = [
        {
            "code": i.code,
            "included": i.included,
            "sets": i.sets,
            "reps": i.reps,
            "hold_s": i.hold_s,
            "days_per_week": i.days_per_week,
            "target": i.target,
        }
        for i in plan.items
        if i.kind in ("exercise", "running", "load", "cross_training")
    ]
    _, errors = apply_edits(plan, edits)
    assert errors == []  # the rules never dose outside what the review form accepts


@SETTINGS
@given(
    record=records,
    derived=st.one_of(
        st.builds(SimpleNamespace),
        st.builds(
            SimpleNamespace,
            red_flags=st.builds(
                SimpleNamespace,
                tier=st.sampled_from(["E", "U", None]),
                positives=st.lists(
                    st.tuples(st.sampled_from(RED_FLAG_FIELDS), st.just("U")), max_size=2
                ),
            ),
        ),
        st.builds(SimpleNamespace, load=anything, physical=anything, sbst=anything, age=anything),
    ),
)
def test_plan_build_tolerates_partial_derived_figures(record, derived):
    _check(build_plan(record, {}, derived, CONTEXT))
