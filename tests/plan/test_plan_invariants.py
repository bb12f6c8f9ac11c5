"""The whole-plan invariants (physio/plan/invariants.py): each named check catches the plan it is
about, and a property-based sweep builds thousands of plans from generated, valid records (every
tier, ages 16–90, both sexes, initial and review visits, every clinic country, signed or draft)
with no violation at all."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from physio.clinical import derive
from physio.clinical.scoring import RMDQ_FIELDS
from physio.plan import PlanContext, PlanInvariantError, apply_edits, build_plan, check_plan
from physio.plan import invariants as inv
from physio.plan.model import PlanItem
from tests.plan.builders import BASE, MALE, RED_FLAG_FIELDS, plan_for, record, red_flags

COUNTRIES = ("GB", "IE", "AU", "NZ", "US", "CA", "EU", "DE")
SEEN = datetime(2026, 11, 26, 10, 0)


def names(violations) -> set[str]:
    return {v.invariant for v in violations}


# --- each named check catches its own kind of plan ---------------------------------------------
def test_invariant_cross_reference_catches_a_flare_up_step_without_its_item():
    plan = plan_for(record())
    assert check_plan(plan) == []
    for code in ("cat_cow", "childs_pose", "knee_to_chest"):
        plan.item(code).included = False
    plan.items.append(
        PlanItem(code="edu_core", kind="education", title="x", reason="Use the knee-to-chest.")
    )
    assert "cross-reference" in names(check_plan(plan))


def test_invariant_no_running_advice_when_paused_or_urgent():
    plan = plan_for(record(**red_flags(bone_stress_risk="yes")))
    assert check_plan(plan) == []
    edited, errors = apply_edits(plan, [{"code": "warm_up"}])
    assert errors == []
    found = check_plan(edited)
    assert "no-running-advice" in names(found)
    assert any(v.item_code == "warm_up" for v in found)


def test_invariant_presumed_facts_running_and_the_warning_sign_check():
    rec = record(
        training={"weekly_km_w1": 0, "weekly_km_w2": 0, "weekly_km_w3": 0, "weekly_km_w4": 0},
        pain={"onset_in_run": "not_running"},
    )
    plan = plan_for(rec)
    assert check_plan(plan) == []
    edited, _ = apply_edits(plan, [{"code": "pain_monitoring"}])
    assert "presumed-fact" in names(check_plan(edited))
    # A claim of the warning-sign check on an unsigned draft.
    draft = plan_for(record())
    draft.headline = "We have checked you for warning signs."
    assert "presumed-fact" in names(check_plan(draft))


def test_invariant_doses_within_the_library_bounds():
    plan = plan_for(record(physical={"side_plank_left_s": 25}))
    plan.item("plank").hold_s = 60
    found = check_plan(plan)
    assert "dose-bounds" in names(found) and any(v.item_code == "plank" for v in found)


def test_invariant_one_change_at_a_time():
    rec = record(training={"weekly_km_w1": 40, "weekly_km_w3": 20})
    plan = plan_for(rec)
    edited, _ = apply_edits(plan, [{"code": "cadence", "target": "170 steps/min"}])
    assert "one-change-at-a-time" in names(check_plan(edited))


def test_invariant_emergency_sheet_agrees_with_the_decision():
    rec = record(
        **red_flags(ces_saddle="yes", decision="referred_emergency", referred_to="St Mary's")
    )
    plan = plan_for(rec)
    assert check_plan(plan) == []
    plan.facts.referred_to = None  # as if nobody had been told: the sheet must say "nearest"
    assert check_plan(plan) == []
    plan.referral.written_on = date(2030, 1, 1)
    assert "emergency-sheet" in names(check_plan(plan))


def test_invariant_urgent_sheet_comfort_only_and_no_loaded_retests():
    plan = plan_for(record(**red_flags(major_trauma="yes", decision="referred_urgent")))
    assert check_plan(plan) == []
    edited, errors = apply_edits(plan, [{"code": "plank"}])
    assert errors == []
    assert "urgent-sheet" in names(check_plan(edited))
    plan.review_measures.append("how long you can hold a plank")
    assert "urgent-sheet" in names(check_plan(plan))


@pytest.mark.parametrize(("country", "wrong"), [("GB", "112"), ("AU", "999"), ("US", "000")])
def test_invariant_country_numbers(country, wrong):
    ctx = PlanContext(today=date(2025, 3, 3), country=country)
    plan = plan_for(record(), context=ctx)
    assert check_plan(plan) == []
    plan.headline = f"In an emergency call {wrong}."
    assert "country-numbers" in names(check_plan(plan))


def test_invariant_gb_111_is_never_an_emergency_number():
    plan = plan_for(record())
    plan.headline = "Go to the emergency department, or call 111."
    assert "country-numbers" in names(check_plan(plan))


@pytest.mark.parametrize("word", ["Thomas test", "Sørensen", "PSFS", "Roland-Morris", "Nm/kg"])
def test_invariant_plain_words(word):
    plan = plan_for(record())
    plan.headline = f"Your {word} result."
    assert "plain-words" in names(check_plan(plan))


def test_invariant_no_doubled_phrases():
    assert inv.doubled_phrase(
        "possible cauda equina syndrome and possible cauda equina syndrome or spinal cord "
        "compression"
    )
    assert not inv.doubled_phrase("25 s on the left and 48 s on the right")
    plan = plan_for(record())
    plan.headline = "Keep moving gently and keep moving gently."
    assert "doubled-phrase" in names(check_plan(plan))


def test_engine_raises_under_tests_and_drops_the_item_in_production(monkeypatch):
    rec = record(**red_flags(bone_stress_risk="yes"))
    patient = MALE

    def bad_warm_up(f):
        return [PlanItem(code="warm_up", kind="running", title="Warm-up", reason="Before runs.")]

    import physio.plan.rules as rules

    monkeypatch.setattr(
        rules,
        "RULES",
        (
            *rules.RULES,
            rules.Rule("BAD", "test", ("warm_up",), bad_warm_up, in_urgent=True),
        ),
    )
    import physio.plan.engine as engine

    monkeypatch.setattr(engine, "RULES", rules.RULES)
    with pytest.raises(PlanInvariantError, match="no-running-advice"):
        build_plan(rec, patient, derive(rec, patient), strict=True)
    plan = build_plan(rec, patient, derive(rec, patient), strict=False)
    assert plan.item("warm_up") is None and plan.item("referral_urgent") is not None


# --- the sweep -----------------------------------------------------------------------------------
def _subset(values):
    return st.lists(st.sampled_from(values), max_size=len(values), unique=True)


def _maybe(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def records(draw):
    rec = copy.deepcopy(BASE)
    rec["kind"] = draw(st.sampled_from(["initial", "review"]))
    rec["seen_at"] = SEEN
    km = [draw(st.integers(0, 120)) for _ in range(4)]
    rec["training"].update(
        {
            **{f"weekly_km_w{i + 1}": km[i] for i in range(4)},
            "runs_per_week": draw(st.integers(0, 7)),
            "recent_changes": draw(
                _subset(["volume_up", "race_build_up", "return_after_break", "new_shoes"])
            ),
            "cross_training": draw(_subset(["cycling", "swimming", "elliptical", "gym"])),
            "surface": draw(_subset(["road", "trail", "grass", "track", "treadmill"])),
            "terrain": draw(st.sampled_from(["flat", "rolling", "hilly"])),
            "runner_level": draw(st.sampled_from(["novice", "regular", "competitive"])),
            "longest_run_km": draw(_maybe(st.integers(1, 45))),
            # A race before, during and after the 3-week taper window (running.TAPER_DAYS).
            "target_event_date": draw(
                _maybe(st.integers(-5, 60).map(lambda d: SEEN.date() + timedelta(days=d)))
            ),
        }
    )
    rec["pain"].update(
        {
            "nprs_during_run": draw(_maybe(st.integers(0, 10))),
            "nprs_next_morning": draw(_maybe(st.integers(0, 10))),
            "onset_in_run": draw(
                st.sampled_from(
                    ["from_start", "during_run", "after_run", "next_day", "not_running"]
                )
            ),
            "irritability": draw(st.sampled_from(["low", "moderate", "high"])),
            "location": draw(
                _subset(
                    [
                        "central_lumbar",
                        "lumbar_left",
                        "thigh_left",
                        "thigh_right",
                        "below_knee_left",
                        "below_knee_right",
                    ]
                )
            ),
            "aggravating": draw(_subset(["running_downhill", "sitting", "extension"])),
        }
    )
    side = st.sampled_from(["none", "mild", "marked"])
    rec["running_form"].update(
        {
            "overstriding": draw(side),
            "cadence_spm": draw(_maybe(st.integers(140, 200))),
            "trunk_lean": draw(
                st.sampled_from(["upright", "forward_mild", "forward_marked", "backward"])
            ),
            "thoracic_posture": draw(st.sampled_from(["neutral", "hunched"])),
            "pelvic_drop_left": draw(side),
            "pelvic_drop_right": draw(side),
        }
    )
    rec["footwear"].update(
        {
            "shoe_km": draw(_maybe(st.integers(0, 1500))),
            "midsole_creased": draw(st.booleans()),
            "wear_pattern": draw(st.sampled_from(["even", "medial", "asymmetric"])),
            "orthotics": draw(st.sampled_from(["none", "off_the_shelf", "custom"])),
            "recent_drop_change": draw(st.booleans()),
        }
    )
    thomas = st.sampled_from(["negative", "hip_flexor_short", "rectus_femoris_short", "both_short"])
    rec["physical"].update(
        {
            "plank_s": draw(_maybe(st.integers(0, 300))),
            "side_plank_left_s": draw(_maybe(st.integers(0, 200))),
            "side_plank_right_s": draw(_maybe(st.integers(0, 200))),
            "sorensen_s": draw(_maybe(st.integers(0, 300))),
            "flexor_endurance_s": draw(_maybe(st.integers(0, 300))),
            "single_leg_bridge_left_reps": draw(_maybe(st.integers(0, 50))),
            "single_leg_bridge_right_reps": draw(_maybe(st.integers(0, 50))),
            "single_leg_squat_left": draw(_maybe(st.integers(1, 3))),
            "single_leg_squat_right": draw(_maybe(st.integers(1, 3))),
            "hip_abductor_left_nmkg": draw(_maybe(st.floats(0.5, 3.0))),
            "hip_abductor_right_nmkg": draw(_maybe(st.floats(0.5, 3.0))),
            "trendelenburg_left": draw(st.booleans()),
            "thomas_left": draw(thomas),
            "thomas_right": draw(thomas),
            "slr_left_deg": draw(_maybe(st.integers(20, 110))),
            "slr_right_deg": draw(_maybe(st.integers(20, 110))),
            "slr_neural_left": draw(st.booleans()),
            "slr_neural_right": draw(st.booleans()),
            "lumbar_extension_painful": draw(st.booleans()),
            "neuro_deficit": draw(
                st.sampled_from(["none", "sensory", "motor_minor", "motor_major"])
            ),
        }
    )
    positives = draw(st.lists(st.sampled_from(RED_FLAG_FIELDS), max_size=3, unique=True))
    unanswered = draw(st.lists(st.sampled_from(RED_FLAG_FIELDS), max_size=2, unique=True))
    flags = dict.fromkeys(RED_FLAG_FIELDS, "no")
    flags.update(dict.fromkeys(unanswered))
    flags.update(dict.fromkeys(positives, "yes"))
    flags["decision"] = draw(
        _maybe(
            st.sampled_from(
                ["referred_emergency", "referred_urgent", "gp_informed", "discussed_not_referred"]
            )
        )
    )
    flags["referred_to"] = draw(_maybe(st.sampled_from(["Dr Patel", "City Hospital ED"])))
    flags["decision_reason"] = draw(_maybe(st.sampled_from(["Needs an MRI.", "Bloods first."])))
    flags["tier_override"] = draw(_maybe(st.sampled_from(["E", "U", "R"])))
    rec["red_flags"] = flags
    rec["yellow_flags"] = {
        "present": draw(
            _subset(["fear_avoidance", "catastrophising", "low_mood", "poor_sleep", "anxiety"])
        )
    }
    rec["impression"] = {
        "working_diagnosis": draw(
            st.sampled_from(
                ["non_specific_lbp", "radicular_pain", "suspected_bone_stress", "other"]
            )
        ),
        "review_in_weeks": draw(st.integers(1, 12)),
    }
    rmdq = draw(st.booleans())
    rec["outcomes"] = {
        "psfs": draw(st.sampled_from([[], [{"activity": "Running 10 km", "score": 4}]])),
        **({name: draw(st.booleans()) for name in RMDQ_FIELDS[:6]} if rmdq else {}),
    }
    return rec


@st.composite
def patients(draw):
    age = draw(st.integers(16, 90))
    born = date(SEEN.year - age, draw(st.integers(1, 12)), draw(st.integers(1, 28)))
    if born > SEEN.date() - timedelta(days=365 * 16):
        born = born.replace(year=born.year - 1)
    return {"date_of_birth": born, "sex": draw(st.sampled_from(["male", "female"]))}


contexts = st.builds(
    PlanContext,
    today=st.just(date(2026, 12, 2)),
    physio_name=st.just("Sam Patel"),
    clinic_name=st.just("Riverside"),
    country=st.sampled_from(COUNTRIES),
    signed=st.booleans(),
)

SWEEP = settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)


@SWEEP
@given(rec=records(), patient=patients(), ctx=contexts)
def test_plan_invariants_hold_on_2000_generated_records(rec, patient, ctx):
    plan = build_plan(rec, patient, derive(rec, patient), ctx, strict=True)
    assert check_plan(plan) == []
    # The physio re-saving the plan as it is keeps it valid (the edit page's check).
    edits = [{"code": i.code, "included": i.included} for i in plan.items]
    edited, errors = apply_edits(plan, edits)
    assert errors == [] and check_plan(edited) == []
