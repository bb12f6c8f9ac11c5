"""Small record builders shared by the plan tests (a helper module: it holds no tests).

``record(**sections)`` starts from an unremarkable runner, for whom only the "always" rules fire
(plus PAIN-MONITOR, as they are running), and updates the named sections, e.g.
``record(footwear={"shoe_km": 950})``. A value of ``DROP`` removes a key.
"""

from __future__ import annotations

import copy
from datetime import date, datetime

from physio.clinical import derive
from physio.plan import PlanContext, build_plan

SEEN = datetime(2025, 3, 3, 10, 30)
FEMALE = {"date_of_birth": date(1990, 5, 1), "sex": "female"}
MALE = {"date_of_birth": date(1990, 5, 1), "sex": "male"}
CONTEXT = PlanContext(
    today=date(2025, 3, 3),
    physio_name="Sam Okafor",
    physio_registration="PH123456",
    clinic_name="City Physiotherapy",
    clinic_phone="020 7946 0000",
)
DROP = object()

RED_FLAG_FIELDS = (
    "ces_bladder",
    "ces_saddle",
    "ces_bowel",
    "ces_sexual",
    "bilateral_leg_symptoms",
    "progressive_weakness_or_gait_change",
    "fever_or_systemically_unwell",
    "cancer_history",
    "unexplained_weight_loss",
    "immunosuppression",
    "major_trauma",
    "minor_trauma_with_osteoporosis_or_steroids",
    "new_structural_deformity",
    "bone_stress_risk",
    "major_motor_loss",
    "non_mechanical_night_pain",
    "recent_infection_or_iv_drug_use",
    "thoracic_pain",
    "failure_to_improve_after_4_weeks",
    "inflammatory_pattern",
)

BASE = {
    "kind": "initial",
    "seen_at": SEEN,
    "history": {
        "presenting_complaint": "Low back pain on longer runs",
        "onset_date": date(2025, 2, 1),
        "onset_mode": "gradual",
        "previous_episodes": 2,
        "past_history": [],
        "long_term_steroids": False,
    },
    "pain": {
        "nprs_now": 3,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 4,
        "nprs_during_run": 3,
        "nprs_next_morning": 2,
        "location": ["central_lumbar"],
        "pattern_24h": ["intermittent"],
        "aggravating": ["running_long"],
        "easing": ["movement"],
        "onset_in_run": "during_run",
        "irritability": "low",
    },
    "outcomes": {"psfs": [{"activity": "Running 10 km", "score": 6}]},
    "training": {
        "experience_years": 6,
        "runner_level": "regular",
        "weekly_km_w1": 20,
        "weekly_km_w2": 20,
        "weekly_km_w3": 20,
        "weekly_km_w4": 20,
        "runs_per_week": 3,
        "longest_run_km": 10,
        "recent_changes": [],
        "surface": ["road", "trail"],
        "terrain": "flat",
        "cross_training": [],
        "strength_sessions_per_week": 1,
    },
    "running_form": {
        "cadence_spm": 172,
        "speed_kmh": 11,
        "overstriding": "none",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "rearfoot",
        "arm_swing": "normal",
    },
    "footwear": {
        "shoe_category": "neutral",
        "shoe_km": 200,
        "shoe_age_months": 3,
        "heel_drop_mm": 10,
        "wear_pattern": "even",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "none",
    },
    "physical": {
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 75,
        "slr_right_deg": 75,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 130,
        "side_plank_left_s": 60,
        "side_plank_right_s": 60,
        "sorensen_s": 190,
        "flexor_endurance_s": 150,
        "single_leg_bridge_left_reps": 20,
        "single_leg_bridge_right_reps": 20,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "hip_abductor_left_nmkg": 2.0,
        "hip_abductor_right_nmkg": 2.0,
        "lumbar_flexion_restricted": False,
        "lumbar_extension_painful": False,
        "neuro_deficit": "none",
    },
    "red_flags": dict.fromkeys(RED_FLAG_FIELDS, "no"),
    "yellow_flags": {"present": []},
    "impression": {"working_diagnosis": "non_specific_lbp", "review_in_weeks": 4},
}

#: Rules that fire for the BASE record.
BASE_RULES = ["SAFETY", "EDU-CORE", "PAIN-MONITOR", "MOBILITY", "WARM-UP", "LIFESTYLE", "REVIEW"]
#: Every physical test at a level that triggers CORE-ENDURANCE, HIP-CONTROL, HIP-FLEXOR and
#: HAMSTRING.
WEAK_EVERYWHERE = {
    "side_plank_left_s": 25,
    "side_plank_right_s": 48,
    "thomas_right": "hip_flexor_short",
    "slr_left_deg": 45,
    "single_leg_squat_left": 1,
}


def record(**sections) -> dict:
    rec = copy.deepcopy(BASE)
    for name, values in sections.items():
        if not isinstance(values, dict):
            rec[name] = values
            continue
        target = rec.setdefault(name, {})
        for key, value in values.items():
            if value is DROP:
                target.pop(key, None)
            else:
                target[key] = value
    return rec


def weeks(w1, w2, w3, w4, **training) -> dict:
    """The training section's four weekly km figures (w1 = the last 7 days), and any more."""
    return {
        "weekly_km_w1": w1,
        "weekly_km_w2": w2,
        "weekly_km_w3": w3,
        "weekly_km_w4": w4,
        **training,
    }


def review(**sections) -> dict:
    """A review visit's record (record() with kind "review")."""
    rec = record(**sections)
    rec["kind"] = "review"
    return rec


def red_flags(**answers) -> dict:
    """The red_flags section of a record with these answers (the others "no")."""
    return {"red_flags": {**BASE["red_flags"], **answers}}


def plan_for(
    rec: dict,
    patient: dict | None = None,
    context: PlanContext = CONTEXT,
    history: list[dict] | None = None,
):
    """The plan of ``rec``; ``history``: the patient's earlier records, oldest first (reviews)."""
    patient = FEMALE if patient is None else patient
    if history is None:
        return build_plan(rec, patient, derive(rec, patient), context)
    return build_plan(rec, patient, derive(rec, patient), context, history)


def codes(plan, kind: str | None = None) -> list[str]:
    return [i.code for i in plan.items if kind is None or i.kind == kind]
