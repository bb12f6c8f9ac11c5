"""Demo assessments for `flask --app physio seed-demo`: realistic runner stories, as plain data.

Pure data and a few small helpers (no Flask, no database): the seeder in ``physio/demo.py`` turns
each :class:`DemoVisit` into an assessment of the demo patient with the same clinic reference
(``physio.demo.PATIENTS``), saves its record, signs it when ``sign`` is true, and so fills the demo
clinic with initial assessments, reviews that show progress, one emergency (E) and one urgent (U)
red-flag case, and one unsigned draft. Together the signed visits fire every rule of
``docs/plan-rules.md`` (tests/test_demo_records.py checks it).

Records use the field names and choice values of ``physio/clinical/schema.py`` exactly. Dates
inside the records (onset, target event) are written as if today were ``DEMO_TODAY``;
:func:`records_for_seed` moves them, with the visits, to the real day of seeding.

Who covers what (signed visits):

- RR-0001 Jane Runner: marathon build-up, two-week load spike 40 → 58 km (+45%), cadence 160 with
  marked overstriding; two reviews (pain, RMDQ and PSFS improve, plank 70 → 118 s).
  LOAD-SPIKE, XTRAIN, PAIN-MONITOR, CADENCE, CORE-ENDURANCE, SHOE-CHECK (reviews).
- RR-0002 Tom Hill: run-commuter, shoes at 950 km with a creased midsole, 6/10 from the start of
  every run, road only, backpack lean; ODI; one review. SHOE-REPLACE, RUN-PAIN, XTRAIN, SURFACE,
  POSTURE, CADENCE, CORE-ENDURANCE.
- RR-0003 Priya Shah: right hip-control deficit (pelvic drop, Trendelenburg, weak abductors), shoes
  at 620 km; one review. HIP-CONTROL, CORE-ENDURANCE, SHOE-CHECK.
- RR-0004 Marek Nowak: left L5 radicular pain, neural SLR, below-knee symptoms; ODI; one review
  (return to running after a break). CES-INFO, NEURAL-CARE, LOAD-SPIKE (review).
- RR-0005 Aoife Byrne: suspected lumbar bone stress (RED-S, prior stress fracture, extension pain)
  in a 19-year-old: tier U, referred_urgent. RED-U.
- RR-0006 Daniel Okafor: desk worker, Thomas test positive on the right only, forward lean and
  hunched upper back; one review. HIP-FLEXOR, POSTURE, CORE-ENDURANCE.
- RR-0007 Lena Müller: persistent pain, STarT Back high, five yellow flags, ODI; two reviews
  (STarT Back high → medium → low, walk–run back to running). EDU-PSYCH, CADENCE (2nd review).
- RR-0008 Chris Evans: 68-year-old masters runner, short hamstrings, low trunk endurance, hilly
  routes with downhill pain. HAMSTRING, CORE-ENDURANCE, POSTURE, SURFACE, SHOE-CHECK.
- RR-0009 Sofia Rossi: abrupt switch to zero-drop shoes in a regular runner. SHOE-DROP,
  LOAD-SPIKE.
- RR-0010 Kwame Mensah: suspected cauda equina syndrome (saddle numbness, new urinary hesitancy,
  bilateral sciatica): tier E, referred_emergency. RED-E, CES-INFO.
- RR-0011 Robin Ørsted: fell runner with custom orthotics, downhill pain on hilly terrain,
  overstriding on descents. NO-ORTHOTICS, SURFACE, HIP-CONTROL, CADENCE.
- RR-0012 Hannah Cole: postpartum return to running; an initial assessment started today and not
  finished (unsigned draft).

Every non-emergency plan also gets SAFETY, EDU-CORE, MOBILITY, WARM-UP, LIFESTYLE and REVIEW.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from physio.clinical.red_flags import RED_FLAG_RULES
from physio.clinical.schema import PSFS_ENTRIES, SECTIONS_BY_NAME, empty_record
from physio.clinical.scoring import ODI_FIELDS, RMDQ_FIELDS, SBST_AGREE_FIELDS

#: The stories' dates are written as if today were this day.
DEMO_TODAY = date(2026, 11, 26)
CLINIC_TZ = ZoneInfo("Europe/London")

#: Fields holding calendar dates that move with the visits in :func:`records_for_seed`.
DATE_FIELDS = (("history", "onset_date"), ("training", "target_event_date"))

RED_FLAG_FIELDS: tuple[str, ...] = tuple(rule.field for rule in RED_FLAG_RULES)


@dataclass(frozen=True)
class DemoVisit:
    """One demo assessment: who, what kind, when, by whom, signed or not, and its record."""

    patient_reference: str  # RR-0001 … RR-0012, as in physio.demo.PATIENTS
    kind: str  # "initial" | "review"
    days_ago: int  # seen_at = the day of seeding − days_ago …
    sign: bool  # sign it (False: leave it as a draft)
    physio: str  # "sam" | "jo": the demo physio who saw (and signs) it
    record: dict  # the record, as in docs/assessment.md (seen_at is filled by records_for_seed)
    at: time = time(9, 0)  # … at this clinic time (Europe/London)


# --- small helpers --------------------------------------------------------------------------------
def _ago(days: int) -> date:
    """A date ``days`` before DEMO_TODAY (negative: after it)."""
    return DEMO_TODAY - timedelta(days=days)


def _fill(record: dict, sections: dict[str, dict]) -> dict:
    """Update ``record`` section by section, refusing any name the schema doesn't declare."""
    for name, values in sections.items():
        target = record[name]  # KeyError: not a section
        for key, value in values.items():
            if key not in target:
                raise KeyError(f"{name}-{key} is not a field of the record")
            target[key] = value
    return record


def _record(kind: str, **sections: dict) -> dict:
    """A complete record: every field of the schema, blank unless given."""
    record = empty_record()
    record["kind"] = kind
    return _fill(record, sections)


def _follow_up(previous: dict, **sections: dict) -> dict:
    """A review record started from the previous visit, as the app pre-fills it.

    Findings carry over; questionnaires and red flags are answered afresh; the PSFS keeps its
    activities to be re-rated (pass ``outcomes={"psfs": _rerate(previous, …)}``)."""
    record = copy.deepcopy(previous)
    record["kind"] = "review"
    outcomes = record["outcomes"]
    for key in outcomes:
        if key.startswith(("rmdq_", "odi_", "sbst_")):
            outcomes[key] = None
    outcomes["psfs"] = [{"activity": row["activity"], "score": None} for row in outcomes["psfs"]]
    record["red_flags"] = empty_record()["red_flags"]
    return _fill(record, sections)


def _rmdq(*ticked: int) -> dict:
    """Roland-Morris items 1–24: the numbers given are ticked, the rest answered "no" (asked:
    with none ticked, "none of these statements apply" is)."""
    return {name: i in ticked for i, name in enumerate(RMDQ_FIELDS, start=1)} | {
        "rmdq_none": not ticked
    }


def _odi(*sections: int | None) -> dict:
    """ODI section scores 1–10 (None = not applicable)."""
    return dict(zip(ODI_FIELDS, sections, strict=True))


def _sbst(agree: tuple[int, ...], bothersome: str) -> dict:
    """STarT Back: items 1–8 agree (listed) or disagree; item 9 as given."""
    return {
        **{name: i in agree for i, name in enumerate(SBST_AGREE_FIELDS, start=1)},
        "sbst_9": bothersome,
    }


def _psfs(*rows: tuple[str, int]) -> list[dict]:
    assert len(rows) <= PSFS_ENTRIES
    return [{"activity": activity, "score": score} for activity, score in rows]


def _rerate(previous: dict, *scores: int) -> list[dict]:
    """The same PSFS activities as at the previous visit, with new scores."""
    activities = [row["activity"] for row in previous["outcomes"]["psfs"]]
    assert len(activities) == len(scores)
    return [{"activity": a, "score": s} for a, s in zip(activities, scores, strict=True)]


def _flags(*yes: str, not_asked: tuple[str, ...] = (), **decision) -> dict:
    """Every red flag answered: "yes" for those named, "not_asked" for those listed, else "no".

    Keyword arguments set the decision fields (decision, referred_to, decision_reason,
    safety_net_given, tier_override, override_reason)."""
    for name in (*yes, *not_asked):
        if name not in RED_FLAG_FIELDS:
            raise KeyError(name)
    answers = {
        name: "yes" if name in yes else "not_asked" if name in not_asked else "no"
        for name in RED_FLAG_FIELDS
    }
    return {"safety_net_given": True, **answers, **decision}


# ==================================================================================================
# RR-0001 Jane Runner (38, F): marathon build-up, two-week load spike, cadence 160 + overstriding
# ==================================================================================================
JANE_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Central and right-sided low back ache for 3½ weeks, building through her marathon "
            "block. First noticed the day after her first 28 km long run; now comes on from about "
            "12 km into long runs and lingers for the rest of the day. Stiff getting out of the "
            "car after the 40-minute drive to school. Cut Sunday's planned 30 km short at 18 km. "
            "No leg pain, pins and needles or numbness."
        ),
        "onset_date": _ago(73),
        "onset_mode": "gradual",
        "previous_episodes": 1,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Secondary school teacher (PE and geography)",
        "patient_goals": (
            "Run the Riverside Marathon in under 3:45 without my back stopping me, and keep "
            "running 4–5 times a week afterwards."
        ),
    },
    pain={
        "nprs_now": 3,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 5,
        "nprs_during_run": 4,
        "nprs_next_morning": 4,
        "location": ["central_lumbar", "lumbar_right"],
        "pattern_24h": ["worse_end_of_day", "intermittent"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["running_long", "sitting", "bending"],
        "easing": ["movement", "heat", "lying"],
        "onset_in_run": "during_run",
        "irritability": "moderate",
    },
    outcomes={
        **_rmdq(2, 9, 11, 16, 21),
        "psfs": _psfs(
            ("Long run over 25 km", 3),
            ("Driving 40 minutes to work", 5),
            ("Tempo run at marathon pace", 4),
        ),
    },
    training={
        "experience_years": 9,
        "runner_level": "regular",
        "weekly_km_w1": 58,
        "weekly_km_w2": 50,
        "weekly_km_w3": 40,
        "weekly_km_w4": 42,
        "runs_per_week": 5,
        "longest_run_km": 28,
        "recent_changes": ["volume_up", "race_build_up"],
        "surface": ["road", "grass"],
        "terrain": "rolling",
        "target_event": "Riverside Marathon",
        "target_event_date": _ago(-10),
        "cross_training": ["yoga_pilates"],
        "strength_sessions_per_week": 0,
    },
    running_form={
        "cadence_spm": 160,
        "speed_kmh": 11.0,
        "overstriding": "marked",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "rearfoot",
        "arm_swing": "normal",
        "notes": (
            "Treadmill, 11 km/h (easy pace), filmed side-on: heel lands well ahead of the knee "
            "with an audible heel strike and a long ground contact. Upright trunk, no pelvic drop."
        ),
    },
    footwear={
        "shoe_model": "Brooks Ghost 15",
        "shoe_category": "neutral",
        "shoe_km": 420,
        "shoe_age_months": 5,
        "heel_drop_mm": 12,
        "wear_pattern": "lateral_heel",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "none",
        "comfort": 8,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 75,
        "slr_right_deg": 78,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 70,
        "side_plank_left_s": 45,
        "side_plank_right_s": 52,
        "sorensen_s": 110,
        "flexor_endurance_s": 95,
        "single_leg_bridge_left_reps": 18,
        "single_leg_bridge_right_reps": 20,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "hip_abductor_left_nmkg": 1.38,
        "hip_abductor_right_nmkg": 1.42,
        "lumbar_flexion_restricted": False,
        "lumbar_extension_painful": False,
        "neuro_deficit": "none",
    },
    red_flags=_flags(),
    yellow_flags={
        "present": ["race_pressure"],
        "notes": "Has raised £1,200 for charity for the marathon and is anxious about missing it. "
        "Otherwise upbeat and keen to keep running.",
    },
    impression={
        "working_diagnosis": "non_specific_lbp",
        "summary": (
            "Acute non-specific LBP in a regular marathon runner, closely linked to a 45% rise in "
            "weekly distance over two weeks (40 → 58 km) in her race build-up. Marked overstriding "
            "at 160 steps/min; trunk endurance below norm (plank 70 s, side plank L 45 s / R 52 "
            "s). No red flags, neuro screen clear. Plan: hold volume around 40–42 km with "
            "pain-monitored running, cadence +5% in short segments, trunk endurance twice a week. "
            "Reassured that the marathon is still realistic."
        ),
        "review_in_weeks": 3,
    },
)

JANE_2 = _follow_up(
    JANE_1,
    history={
        "presenting_complaint": (
            "Review at 3 weeks. Much better: held 40–44 km a week as agreed, long run back to "
            "24 km at 2/10, settled by the next morning. Using a metronome app for cadence on two "
            "runs a week. Still a little stiff after the school drive."
        ),
    },
    pain={
        "nprs_now": 1,
        "nprs_best_24h": 0,
        "nprs_worst_24h": 3,
        "nprs_during_run": 2,
        "nprs_next_morning": 1,
        "irritability": "low",
        "aggravating": ["running_long", "sitting"],
    },
    outcomes={**_rmdq(2, 11), "psfs": _rerate(JANE_1, 6, 7, 6)},
    training={
        "weekly_km_w1": 44,
        "weekly_km_w2": 42,
        "weekly_km_w3": 40,
        "weekly_km_w4": 41,
        "longest_run_km": 24,
        "recent_changes": ["race_build_up"],
    },
    running_form={
        "cadence_spm": 166,
        "overstriding": "mild",
        "notes": "Treadmill, 11 km/h: foot now lands closer under the hips; still a "
        "slight reach at the end of the session as she tires.",
    },
    footwear={"shoe_km": 560, "shoe_age_months": 6},
    physical={
        "plank_s": 95,
        "side_plank_left_s": 55,
        "side_plank_right_s": 58,
        "sorensen_s": 125,
        "flexor_endurance_s": 100,
    },
    red_flags=_flags(),
    yellow_flags={
        "present": ["race_pressure"],
        "notes": "Less worried now the long runs are going well.",
    },
    impression={
        "summary": (
            "Improving: pain now 3 → 1/10, RMDQ 5 → 2, PSFS mean 4.0 → 6.3. Volume held at "
            "40–44 km with pain ≤2/10 in runs; cadence 166 steps/min, overstriding now mild; "
            "plank 70 → 95 s. Plan: rebuild the long run by about 2 km a week, one change at a "
            "time, keep the trunk programme; taper plan discussed. Shoes at 560 km: plan a new "
            "pair and wear it in before race day."
        ),
        "review_in_weeks": 3,
    },
)

JANE_3 = _follow_up(
    JANE_2,
    history={
        "presenting_complaint": (
            "Review at 6 weeks, 10 days before the marathon. Completed a 30 km long run at 1–2/10, "
            "gone by the next morning; now tapering. No stiffness driving. New race shoes bought "
            "and worn on three runs."
        ),
    },
    pain={
        "nprs_now": 0,
        "nprs_best_24h": 0,
        "nprs_worst_24h": 2,
        "nprs_during_run": 1,
        "nprs_next_morning": 0,
        "pattern_24h": ["intermittent"],
        "aggravating": ["running_long"],
    },
    outcomes={**_rmdq(), "psfs": _rerate(JANE_1, 8, 9, 8)},
    training={
        "weekly_km_w1": 40,
        "weekly_km_w2": 52,
        "weekly_km_w3": 48,
        "weekly_km_w4": 46,
        "longest_run_km": 30,
    },
    running_form={
        "cadence_spm": 168,
        "overstriding": "none",
        "notes": "Treadmill, 11 km/h: no overstride now, quieter landing.",
    },
    footwear={"shoe_km": 690, "shoe_age_months": 7},
    physical={
        "plank_s": 118,
        "side_plank_left_s": 62,
        "side_plank_right_s": 64,
        "sorensen_s": 140,
        "flexor_endurance_s": 105,
    },
    red_flags=_flags(),
    yellow_flags={"present": [], "notes": "Confident and looking forward to the race."},
    impression={
        "summary": (
            "Recovered (RMDQ 0, pain 0/10 now, PSFS mean 8.3). Long run back to 30 km without "
            "symptoms; tapering. Cadence 168 steps/min without overstriding; plank 118 s. Race "
            "plan: even pacing, same shoes she has trained in. Review after the marathon to plan "
            "recovery weeks."
        ),
        "review_in_weeks": 4,
    },
)

# ==================================================================================================
# RR-0002 Tom Hill (51, M): run-commuter, shoes at 950 km, pain from the start of runs
# ==================================================================================================
TOM_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Right-sided low back pain for about 6 weeks, worse since he started run-commuting (8 "
            "km each way on roads with a 6 kg backpack, three days a week). Pain comes on in the "
            "first few minutes of a run (6/10) and leaves an ache for the evening. Sitting through "
            "long meetings aggravates; morning stiffness settles in 10–15 minutes. No leg "
            "symptoms. Has had similar episodes since his thirties, each settling in a few weeks."
        ),
        "onset_date": _ago(79),
        "onset_mode": "gradual",
        "previous_episodes": 4,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Quantity surveyor (office-based, occasional site visits)",
        "patient_goals": "Run-commute three days a week again without pain; parkrun under 25 "
        "minutes by the summer.",
    },
    pain={
        "nprs_now": 4,
        "nprs_best_24h": 2,
        "nprs_worst_24h": 6,
        "nprs_during_run": 6,
        "nprs_next_morning": 5,
        "location": ["lumbar_right", "buttock_right"],
        "pattern_24h": ["worse_end_of_day", "intermittent"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["sitting", "bending", "lifting", "running_fast"],
        "easing": ["movement", "heat", "medication"],
        "onset_in_run": "from_start",
        "irritability": "moderate",
    },
    outcomes={
        **_rmdq(2, 9, 11, 16, 18, 20, 21),
        **_odi(2, 1, 2, 0, 3, 1, 1, 0, 1, 2),
        "psfs": _psfs(
            ("Run-commuting 8 km", 2),
            ("Sitting through a 2-hour meeting", 4),
            ("Lifting the bikes onto the car rack", 5),
        ),
    },
    training={
        "experience_years": 6,
        "runner_level": "regular",
        "weekly_km_w1": 32,
        "weekly_km_w2": 30,
        "weekly_km_w3": 28,
        "weekly_km_w4": 30,
        "runs_per_week": 4,
        "longest_run_km": 10,
        "recent_changes": ["intensity_up"],
        "surface": ["road"],
        "terrain": "flat",
        "target_event": None,
        "target_event_date": None,
        "cross_training": ["cycling"],
        "strength_sessions_per_week": 0,
    },
    running_form={
        "cadence_spm": 168,
        "speed_kmh": 10.5,
        "overstriding": "mild",
        "trunk_lean": "forward_mild",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "rearfoot",
        "arm_swing": "reduced",
        "notes": "Observed with his commuting backpack on (about 6 kg): mild forward lean from the "
        "hips and reduced arm swing. Without the pack the trunk is upright.",
    },
    footwear={
        "shoe_model": "ASICS Gel-Nimbus 23",
        "shoe_category": "neutral",
        "shoe_km": 950,
        "shoe_age_months": 20,
        "heel_drop_mm": 8,
        "wear_pattern": "lateral_heel",
        "midsole_creased": True,
        "recent_drop_change": False,
        "orthotics": "none",
        "comfort": 5,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 65,
        "slr_right_deg": 62,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 60,
        "side_plank_left_s": 40,
        "side_plank_right_s": 38,
        "sorensen_s": 95,
        "flexor_endurance_s": 70,
        "single_leg_bridge_left_reps": 15,
        "single_leg_bridge_right_reps": 14,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "hip_abductor_left_nmkg": 1.55,
        "hip_abductor_right_nmkg": 1.50,
        "lumbar_flexion_restricted": True,
        "lumbar_extension_painful": False,
        "neuro_deficit": "none",
    },
    red_flags=_flags(),
    yellow_flags={
        "present": ["work_issues"],
        "notes": "Project deadline at work; long days at the desk. Not fearful of "
        "running — wants to keep moving.",
    },
    impression={
        "working_diagnosis": "non_specific_lbp",
        "summary": (
            "Subacute, recurrent, mechanical right-sided LBP aggravated by run-commuting with a "
            "backpack in worn-out shoes (950 km, creased midsole). Pain 6/10 from the start of "
            "runs: pause continuous running, walk–run instead and keep cycling to work on the "
            "other days. Trunk endurance well below norm (plank 60 s, Sørensen 95 s). Road only. "
            "Advised a running vest instead of the backpack."
        ),
        "review_in_weeks": 3,
    },
)

TOM_2 = _follow_up(
    TOM_1,
    history={
        "presenting_complaint": (
            "Review at 3 weeks. New shoes from week 1; walk–run progressed to 20 minutes "
            "continuous jogging, twice on the canal towpath. Run-commuting twice a week with a "
            "running vest. Pain 2–3/10 during runs, gone by the evening."
        ),
    },
    pain={
        "nprs_now": 1,
        "nprs_best_24h": 0,
        "nprs_worst_24h": 3,
        "nprs_during_run": 3,
        "nprs_next_morning": 1,
        "onset_in_run": "during_run",
        "irritability": "low",
        "aggravating": ["sitting", "lifting"],
    },
    outcomes={
        **_rmdq(2, 11, 21),
        **_odi(1, 0, 1, 0, 1, 0, 0, 0, 0, 1),
        "psfs": _rerate(TOM_1, 6, 7, 8),
    },
    training={
        "weekly_km_w1": 20,
        "weekly_km_w2": 18,
        "weekly_km_w3": 16,
        "weekly_km_w4": 14,
        "runs_per_week": 4,
        "longest_run_km": 8,
        "recent_changes": [],
        "surface": ["road", "grass"],
    },
    running_form={
        "cadence_spm": 174,
        "overstriding": "none",
        "trunk_lean": "upright",
        "arm_swing": "normal",
        "notes": "With the running vest: upright trunk, normal arm swing.",
    },
    footwear={
        "shoe_model": "ASICS Gel-Nimbus 25",
        "shoe_km": 60,
        "shoe_age_months": 1,
        "wear_pattern": "even",
        "midsole_creased": False,
        "comfort": 9,
    },
    physical={
        "plank_s": 95,
        "side_plank_left_s": 55,
        "side_plank_right_s": 52,
        "sorensen_s": 130,
        "flexor_endurance_s": 85,
        "lumbar_flexion_restricted": False,
    },
    red_flags=_flags(),
    yellow_flags={"present": [], "notes": "Deadline passed; sleeping better."},
    impression={
        "summary": (
            "Improving: pain 4 → 1/10, RMDQ 7 → 3, ODI 26% → 8%, PSFS mean 3.7 → 7.0. Back to "
            "continuous running at 2–3/10. Sørensen 95 → 130 s, still below the 176 s reference: "
            "continue trunk endurance. Keep one change at a time: next, a third run-commute day."
        ),
        "review_in_weeks": 4,
    },
)

# ==================================================================================================
# RR-0003 Priya Shah (30, F): right hip-control deficit, shoes at 620 km
# ==================================================================================================
PRIYA_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Right low back and right buttock ache for 5 weeks, since adding a second weekly "
            "track session with her club. Aches towards the end of runs over 8 km and on cambered "
            "roads; fine at rest. Some stiffness after long shifts standing at work. No leg "
            "symptoms."
        ),
        "onset_date": _ago(65),
        "onset_mode": "gradual",
        "previous_episodes": 0,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Community pharmacist (on her feet most of the day)",
        "patient_goals": "Back to two club sessions a week and a 10 km PB (under 50 minutes) at "
        "the Spring 10K.",
    },
    pain={
        "nprs_now": 2,
        "nprs_best_24h": 0,
        "nprs_worst_24h": 4,
        "nprs_during_run": 4,
        "nprs_next_morning": 2,
        "location": ["lumbar_right", "buttock_right"],
        "pattern_24h": ["intermittent", "worse_end_of_day"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["running_long", "running_fast", "standing"],
        "easing": ["rest", "movement", "heat"],
        "onset_in_run": "during_run",
        "irritability": "low",
    },
    outcomes={
        **_rmdq(2, 10, 21),
        "psfs": _psfs(
            ("Track intervals (6 × 800 m)", 3),
            ("Standing through a 9-hour shift", 5),
            ("Running 10 km", 4),
        ),
    },
    training={
        "experience_years": 4,
        "runner_level": "regular",
        "weekly_km_w1": 30,
        "weekly_km_w2": 32,
        "weekly_km_w3": 28,
        "weekly_km_w4": 26,
        "runs_per_week": 4,
        "longest_run_km": 12,
        "recent_changes": ["intensity_up"],
        "surface": ["road", "track"],
        "terrain": "flat",
        "target_event": "Spring 10K",
        "target_event_date": _ago(-120),
        "cross_training": ["yoga_pilates"],
        "strength_sessions_per_week": 1,
    },
    running_form={
        "cadence_spm": 176,
        "speed_kmh": 12.0,
        "overstriding": "none",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "marked",
        "foot_strike": "midfoot",
        "arm_swing": "crossing_midline",
        "notes": "Marked contralateral pelvic drop in right stance with right knee valgus at "
        "mid-stance; arms cross the midline. Left side unremarkable.",
    },
    footwear={
        "shoe_model": "Saucony Kinvara 13",
        "shoe_category": "neutral",
        "shoe_km": 620,
        "shoe_age_months": 10,
        "heel_drop_mm": 4,
        "wear_pattern": "medial",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "none",
        "comfort": 7,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 85,
        "slr_right_deg": 88,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 90,
        "side_plank_left_s": 48,
        "side_plank_right_s": 38,
        "sorensen_s": 120,
        "flexor_endurance_s": 80,
        "single_leg_bridge_left_reps": 20,
        "single_leg_bridge_right_reps": 12,
        "trendelenburg_left": False,
        "trendelenburg_right": True,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 1,
        "hip_abductor_left_nmkg": 1.30,
        "hip_abductor_right_nmkg": 0.98,
        "lumbar_flexion_restricted": False,
        "lumbar_extension_painful": False,
        "neuro_deficit": "none",
    },
    red_flags=_flags(),
    yellow_flags={"present": [], "notes": "Motivated, understands the plan; no concerns."},
    impression={
        "working_diagnosis": "non_specific_lbp",
        "summary": (
            "Non-specific right-sided LBP with a clear right hip-control deficit: marked pelvic "
            "drop in right stance, positive right Trendelenburg, single-leg squat 1/3 on the "
            "right, hip abductors 0.98 Nm/kg on the right (below norm; left 1.30), single-leg "
            "bridge 12 vs 20. Right side plank 38 s vs 48 s. Symptoms track with the added track "
            "session. Plan: hip strength with right emphasis, side plank, keep running with pain "
            "monitoring, one track session for now. Shoes at 620 km: plan a replacement."
        ),
        "review_in_weeks": 3,
    },
)

PRIYA_2 = _follow_up(
    PRIYA_1,
    history={
        "presenting_complaint": (
            "Review at 3 weeks. Doing the hip programme 4 days a week. One track session a week, "
            "10 km runs at 0–1/10. Replaced her shoes (same model, 4 mm). Only aware of the back "
            "after 9-hour shifts."
        ),
    },
    pain={
        "nprs_now": 0,
        "nprs_best_24h": 0,
        "nprs_worst_24h": 2,
        "nprs_during_run": 1,
        "nprs_next_morning": 0,
        "aggravating": ["standing"],
    },
    outcomes={**_rmdq(), "psfs": _rerate(PRIYA_1, 7, 8, 8)},
    training={
        "weekly_km_w1": 34,
        "weekly_km_w2": 32,
        "weekly_km_w3": 30,
        "weekly_km_w4": 30,
        "longest_run_km": 14,
        "recent_changes": [],
    },
    running_form={
        "pelvic_drop_right": "mild",
        "arm_swing": "normal",
        "notes": "Pelvic drop in right stance now mild, knee valgus reduced.",
    },
    footwear={
        "shoe_model": "Saucony Kinvara 14",
        "shoe_km": 45,
        "shoe_age_months": 1,
        "wear_pattern": "even",
        "comfort": 9,
    },
    physical={
        "plank_s": 100,
        "side_plank_left_s": 52,
        "side_plank_right_s": 47,
        "single_leg_bridge_left_reps": 22,
        "single_leg_bridge_right_reps": 18,
        "trendelenburg_right": False,
        "single_leg_squat_right": 2,
        "hip_abductor_left_nmkg": 1.32,
        "hip_abductor_right_nmkg": 1.18,
    },
    red_flags=_flags(),
    yellow_flags={"present": [], "notes": "Very engaged with the programme."},
    impression={
        "summary": (
            "Improving: pain worst 4 → 2/10, RMDQ 3 → 0, PSFS mean 4.0 → 7.7. Right hip "
            "abductors 0.98 → 1.18 Nm/kg, Trendelenburg now negative, single-leg squat R 1 → 2, "
            "bridge asymmetry 40% → 18%. Still mild pelvic drop in right stance: progress to "
            "step-downs. Add back the second track session in 2 weeks if pain stays ≤3/10."
        ),
        "review_in_weeks": 4,
    },
)

# ==================================================================================================
# RR-0004 Marek Nowak (56, M): left L5 radicular pain after a hilly trail race
# ==================================================================================================
MAREK_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Left-sided low back pain with pain down the back of the left thigh into the outer "
            "calf and top of the foot for 3 weeks, starting the morning after a 50 km hilly trail "
            "race. Leg pain worse than back pain. Pins and needles over the top of the left foot. "
            "Worse sitting (drives a bus) and with coughing; easier walking. Stopped running. "
            "Taking naproxen prescribed by his GP."
        ),
        "onset_date": _ago(61),
        "onset_mode": "sudden_no_trauma",
        "previous_episodes": 2,
        "past_history": ["diabetes"],
        "long_term_steroids": False,
        "occupation": "Bus driver (8–9 hour shifts)",
        "patient_goals": "Get rid of the leg pain so I can drive a full shift; back to trail "
        "running and the Lakeland 50 again next summer.",
    },
    pain={
        "nprs_now": 5,
        "nprs_best_24h": 3,
        "nprs_worst_24h": 7,
        "nprs_during_run": None,
        "nprs_next_morning": None,
        "location": ["lumbar_left", "buttock_left", "thigh_left", "below_knee_left"],
        "pattern_24h": ["worse_end_of_day", "intermittent"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["sitting", "bending", "coughing_sneezing"],
        "easing": ["movement", "lying", "medication"],
        "onset_in_run": "not_running",
        "irritability": "moderate",
    },
    outcomes={
        **_rmdq(2, 3, 9, 11, 14, 16, 17, 18, 21, 23),
        **_odi(3, 1, 2, 1, 4, 2, 2, None, 2, 3),
        "psfs": _psfs(
            ("Sitting through a 4-hour driving shift", 2),
            ("Walking the dog for 45 minutes", 5),
            ("Jogging 5 km on the flat", 0),
        ),
    },
    training={
        "experience_years": 15,
        "runner_level": "regular",
        "weekly_km_w1": 0,
        "weekly_km_w2": 0,
        "weekly_km_w3": 5,
        "weekly_km_w4": 45,
        "runs_per_week": 0,
        "longest_run_km": 50,
        "recent_changes": ["hills_up"],
        "surface": ["trail", "road"],
        "terrain": "hilly",
        "target_event": "Lakeland 50",
        "target_event_date": _ago(-240),
        "cross_training": ["swimming"],
        "strength_sessions_per_week": 0,
    },
    running_form={
        "notes": "Not assessed: not running at present because of leg pain. Walking gait normal, "
        "no foot drop; heel and toe walking normal.",
    },
    footwear={
        "shoe_model": "Hoka Speedgoat 5",
        "shoe_category": "trail",
        "shoe_km": 480,
        "shoe_age_months": 8,
        "heel_drop_mm": 4,
        "wear_pattern": "even",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "none",
        "comfort": 8,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 40,
        "slr_right_deg": 70,
        "slr_neural_left": True,
        "slr_neural_right": False,
        "plank_s": 80,
        "side_plank_left_s": None,
        "side_plank_right_s": None,
        "sorensen_s": None,
        "flexor_endurance_s": None,
        "single_leg_bridge_left_reps": None,
        "single_leg_bridge_right_reps": None,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": None,
        "single_leg_squat_right": None,
        "hip_abductor_left_nmkg": None,
        "hip_abductor_right_nmkg": None,
        "lumbar_flexion_restricted": True,
        "lumbar_extension_painful": False,
        "neuro_deficit": "sensory",
    },
    red_flags=_flags(),
    yellow_flags={
        "present": ["work_issues"],
        "notes": "Worried about losing shifts if he can't sit to drive; on reduced "
        "hours this week. Understands leg pain like this usually settles.",
    },
    impression={
        "working_diagnosis": "radicular_pain",
        "summary": (
            "Left L5 radicular pain: dermatomal leg pain below the knee worse than back pain, SLR "
            "left 40° reproducing calf pain (right 70°, clear), reduced light touch over the "
            "dorsum of the left foot; power and reflexes intact. Cauda equina symptoms asked "
            "about explicitly and absent; CES card given and explained, including what to do out "
            "of hours. Side plank, Sørensen and hip tests deferred (irritability). Plan: "
            "symptom-guided walking, swimming, no hard hamstring stretching on the left, review 3 "
            "weeks; GP/spinal pathway if not improving by 6–8 weeks or any motor loss."
        ),
        "review_in_weeks": 3,
    },
)

MAREK_2 = _follow_up(
    MAREK_1,
    history={
        "presenting_complaint": (
            "Review at 3 weeks. Leg pain has retreated to the back of the left thigh; no pins and "
            "needles for 10 days. Driving full shifts with a break every 2 hours. Started "
            "walk–jog twice this week (6 km in all), ache after at 2/10, fine next morning. Off "
            "naproxen."
        ),
    },
    pain={
        "nprs_now": 2,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 4,
        "nprs_during_run": 2,
        "nprs_next_morning": 2,
        "location": ["lumbar_left", "buttock_left", "thigh_left"],
        "aggravating": ["sitting", "bending"],
        "easing": ["movement", "lying"],
        "onset_in_run": "after_run",
        "irritability": "low",
    },
    outcomes={
        **_rmdq(2, 11, 21),
        **_odi(1, 0, 1, 0, 2, 1, 0, None, 1, 1),
        "psfs": _rerate(MAREK_1, 6, 8, 4),
    },
    training={
        "weekly_km_w1": 6,
        "weekly_km_w2": 0,
        "weekly_km_w3": 0,
        "weekly_km_w4": 0,
        "runs_per_week": 2,
        "longest_run_km": 3,
        "recent_changes": ["return_after_break"],
        "surface": ["road", "grass"],
    },
    running_form={
        "cadence_spm": 170,
        "speed_kmh": 9.5,
        "overstriding": "none",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "rearfoot",
        "arm_swing": "normal",
        "notes": "Easy jog on the treadmill at 9.5 km/h: symmetrical, no limp.",
    },
    physical={
        "slr_left_deg": 62,
        "slr_right_deg": 72,
        "slr_neural_left": False,
        "plank_s": 95,
        "side_plank_left_s": 50,
        "side_plank_right_s": 55,
        "sorensen_s": 150,
        "flexor_endurance_s": 90,
        "single_leg_bridge_left_reps": 16,
        "single_leg_bridge_right_reps": 18,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "neuro_deficit": "none",
    },
    red_flags=_flags(),
    yellow_flags={"present": [], "notes": "Back on full shifts; much less worried."},
    impression={
        "summary": (
            "Improving radicular pain, now proximal only (thigh): SLR left 40° → 62° without "
            "reproducing leg symptoms, sensation normal. RMDQ 10 → 3, ODI 44.4% → 15.6%, PSFS "
            "mean 2.3 → 6.0. Returning to running after a 5-week break: keep to 2–3 short runs a "
            "week, build slowly on the flat before hills. Trunk endurance now testable: Sørensen "
            "150 s, plank 95 s — start a trunk endurance programme."
        ),
        "review_in_weeks": 4,
    },
)

# ==================================================================================================
# RR-0005 Aoife Byrne (19, F): suspected lumbar bone stress injury — URGENT (U)
# ==================================================================================================
AOIFE_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Right-sided low back pain for 4 weeks in a 19-year-old university cross-country and "
            "1500 m runner. Sharp with arching backwards (reaching up, downhill running, "
            "fast running); aches afterwards. Weekly distance has risen from about 35 km to 65 km "
            "since joining the university club in September. Periods irregular for 8 months "
            "(last period 4 months ago). Stress fracture of the left 2nd metatarsal 18 months ago. "
            "Vegetarian; says she often skips lunch on double-session days."
        ),
        "onset_date": _ago(27),
        "onset_mode": "gradual",
        "previous_episodes": 0,
        "past_history": ["bone_stress_injury"],
        "long_term_steroids": False,
        "occupation": "Student (sport and exercise science, 2nd year)",
        "patient_goals": "Run the national cross-country championships with the club in the new "
        "year; get back to full training.",
    },
    pain={
        "nprs_now": 3,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 6,
        "nprs_during_run": 6,
        "nprs_next_morning": 5,
        "location": ["central_lumbar", "lumbar_right"],
        "pattern_24h": ["intermittent"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["running_downhill", "running_fast", "extension", "standing"],
        "easing": ["rest", "flexion", "lying"],
        "onset_in_run": "during_run",
        "irritability": "moderate",
    },
    outcomes={
        **_rmdq(2, 10, 21),
        "psfs": _psfs(
            ("Running 10 km at easy pace", 3),
            ("Hill reps and downhill running", 1),
            ("Standing through a 3-hour lab session", 5),
        ),
    },
    training={
        "experience_years": 6,
        "runner_level": "competitive",
        "weekly_km_w1": 50,
        "weekly_km_w2": 65,
        "weekly_km_w3": 60,
        "weekly_km_w4": 55,
        "runs_per_week": 6,
        "longest_run_km": 16,
        "recent_changes": ["volume_up", "intensity_up", "hills_up"],
        "surface": ["trail", "grass", "track"],
        "terrain": "hilly",
        "target_event": "National cross-country championships",
        "target_event_date": _ago(-70),
        "cross_training": ["gym"],
        "strength_sessions_per_week": 2,
    },
    running_form={
        "cadence_spm": 182,
        "speed_kmh": 14.0,
        "overstriding": "none",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "forefoot",
        "arm_swing": "normal",
        "notes": "Efficient gait; increased lumbar extension in late swing at faster pace. "
        "Observed briefly only (2 minutes) as running reproduced the pain.",
    },
    footwear={
        "shoe_model": "Nike Pegasus 40",
        "shoe_category": "neutral",
        "shoe_km": 380,
        "shoe_age_months": 5,
        "heel_drop_mm": 10,
        "wear_pattern": "even",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "none",
        "comfort": 8,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 90,
        "slr_right_deg": 90,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 75,
        "side_plank_left_s": 50,
        "side_plank_right_s": 52,
        "sorensen_s": 140,
        "flexor_endurance_s": 110,
        "single_leg_bridge_left_reps": 25,
        "single_leg_bridge_right_reps": 24,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "hip_abductor_left_nmkg": 1.40,
        "hip_abductor_right_nmkg": 1.38,
        "lumbar_flexion_restricted": False,
        "lumbar_extension_painful": True,
        "neuro_deficit": "none",
    },
    red_flags=_flags(
        "bone_stress_risk",
        decision="referred_urgent",
        referred_to="the Sport and Exercise Medicine clinic at the university health centre "
        "(Dr R. Kelly), GP copied in",
        decision_reason=(
            "Suspected pars interarticularis bone stress injury (right L5?): extension pain in a "
            "young endurance athlete, a previous metatarsal stress fracture and signs of low "
            "energy availability (oligomenorrhoea). Needs MRI and a RED-S assessment."
        ),
        safety_net_given=True,
    ),
    yellow_flags={
        "present": ["race_pressure"],
        "notes": "Anxious about losing her team place. Discussed that fuelling is part "
        "of her treatment, not a punishment; happy to see a sports dietitian.",
    },
    impression={
        "working_diagnosis": "suspected_bone_stress",
        "summary": (
            "Suspected lumbar bone stress injury (pars interarticularis, right L5?) in a "
            "19-year-old female endurance runner: unilateral extension-related pain, single-leg "
            "extension test positive on the right, weekly distance up from 35 to 65 km this term, "
            "previous metatarsal stress fracture, oligomenorrhoea (RED-S screen positive). First "
            "episode of back pain. Running paused today; urgent referral to sport and exercise "
            "medicine for MRI and RED-S work-up (bloods, consider DEXA, dietitian). Gentle, "
            "pain-free programme only until seen; no running, jumping or extension loading."
        ),
        "review_in_weeks": 2,
    },
)

# ==================================================================================================
# RR-0006 Daniel Okafor (35, M): desk worker, Thomas positive on the right only, forward lean
# ==================================================================================================
DANIEL_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Central and right low back ache for 10 weeks. Software developer working from home "
            "at the kitchen table 9–10 hours a day. Aches after 30–40 minutes sitting and when "
            "standing up straight afterwards; the first 2 km of runs are stiff, then it eases. "
            "Training for a half marathon, 3 runs a week. No leg symptoms."
        ),
        "onset_date": _ago(94),
        "onset_mode": "gradual",
        "previous_episodes": 1,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Software developer (home-based)",
        "patient_goals": "Sit through a working day without aching; run the Riverside Half in "
        "under 1:40.",
    },
    pain={
        "nprs_now": 3,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 5,
        "nprs_during_run": 3,
        "nprs_next_morning": 2,
        "location": ["central_lumbar", "lumbar_right"],
        "pattern_24h": ["worse_end_of_day", "intermittent"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["sitting", "standing", "extension"],
        "easing": ["movement", "flexion", "heat"],
        "onset_in_run": "during_run",
        "irritability": "low",
    },
    outcomes={
        **_rmdq(2, 12, 18),
        "psfs": _psfs(
            ("Sitting at my desk for 2 hours", 4),
            ("Running 15 km", 5),
            ("Standing at a gig for an evening", 5),
        ),
    },
    training={
        "experience_years": 3,
        "runner_level": "regular",
        "weekly_km_w1": 30,
        "weekly_km_w2": 28,
        "weekly_km_w3": 30,
        "weekly_km_w4": 25,
        "runs_per_week": 3,
        "longest_run_km": 14,
        "recent_changes": ["intensity_up"],
        "surface": ["road", "treadmill"],
        "terrain": "rolling",
        "target_event": "Riverside Half Marathon",
        "target_event_date": _ago(-110),
        "cross_training": ["gym"],
        "strength_sessions_per_week": 1,
    },
    running_form={
        "cadence_spm": 172,
        "speed_kmh": 11.5,
        "overstriding": "none",
        "trunk_lean": "forward_mild",
        "thoracic_posture": "hunched",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "midfoot",
        "arm_swing": "reduced",
        "notes": "Runs flexed at the hips with a mild forward lean and a rounded upper back; "
        "shorter stride on the right with little hip extension at toe-off.",
    },
    footwear={
        "shoe_model": "New Balance 880 v13",
        "shoe_category": "neutral",
        "shoe_km": 310,
        "shoe_age_months": 6,
        "heel_drop_mm": 10,
        "wear_pattern": "even",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "none",
        "comfort": 8,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "hip_flexor_short",
        "slr_left_deg": 68,
        "slr_right_deg": 70,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 110,
        "side_plank_left_s": 60,
        "side_plank_right_s": 62,
        "sorensen_s": 150,
        "flexor_endurance_s": 140,
        "single_leg_bridge_left_reps": 20,
        "single_leg_bridge_right_reps": 17,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "hip_abductor_left_nmkg": 1.60,
        "hip_abductor_right_nmkg": 1.55,
        "lumbar_flexion_restricted": False,
        "lumbar_extension_painful": True,
        "neuro_deficit": "none",
    },
    red_flags=_flags(),
    yellow_flags={
        "present": ["poor_sleep"],
        "notes": "Sleeps about 6 hours; late evenings on a release. No worries about "
        "the back itself.",
    },
    impression={
        "working_diagnosis": "non_specific_lbp",
        "summary": (
            "Subacute non-specific LBP, extension-sensitive, in a desk-bound recreational "
            "runner. Thomas test: right hip flexor short, left negative, matching the reduced "
            "right hip extension in gait. Forward lean and hunched upper back when running. "
            "Trunk endurance below norm (plank 110 s, Sørensen 150 s). Plan: right hip flexor "
            "stretch, trunk endurance, run-tall cues; desk set-up and a movement break every "
            "30–40 minutes."
        ),
        "review_in_weeks": 3,
    },
)

DANIEL_2 = _follow_up(
    DANIEL_1,
    history={
        "presenting_complaint": (
            "Review at 3 weeks. Bought a desk and a proper chair; sets a 30-minute timer. Ache "
            "only after very long days. Runs comfortable from the first kilometre; long run up to "
            "16 km."
        ),
    },
    pain={
        "nprs_now": 1,
        "nprs_best_24h": 0,
        "nprs_worst_24h": 2,
        "nprs_during_run": 1,
        "nprs_next_morning": 0,
        "location": ["central_lumbar"],
        "aggravating": ["sitting"],
    },
    outcomes={**_rmdq(2), "psfs": _rerate(DANIEL_1, 7, 7, 8)},
    training={
        "weekly_km_w1": 34,
        "weekly_km_w2": 32,
        "weekly_km_w3": 30,
        "weekly_km_w4": 30,
        "longest_run_km": 16,
        "recent_changes": [],
    },
    running_form={
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "arm_swing": "normal",
        "notes": "Runs tall now; right stride length close to the left.",
    },
    footwear={"shoe_km": 400, "shoe_age_months": 7},
    physical={
        "thomas_right": "negative",
        "plank_s": 140,
        "side_plank_left_s": 70,
        "side_plank_right_s": 72,
        "sorensen_s": 185,
        "flexor_endurance_s": 150,
        "single_leg_bridge_left_reps": 22,
        "single_leg_bridge_right_reps": 21,
        "lumbar_extension_painful": False,
    },
    red_flags=_flags(),
    yellow_flags={"present": [], "notes": "Sleeping 7 hours since the release shipped."},
    impression={
        "summary": (
            "Improving: worst pain 5 → 2/10, RMDQ 3 → 1, PSFS mean 4.7 → 7.3. Thomas test now "
            "negative on the right; plank 110 → 140 s, Sørensen 150 → 185 s; running tall. "
            "Continue strength twice a week; build towards the half marathon."
        ),
        "review_in_weeks": 6,
    },
)

# ==================================================================================================
# RR-0007 Lena Müller (43, F): persistent LBP, STarT Back high, fear-avoidance
# ==================================================================================================
LENA_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Low back pain across both sides for 5 months, since lifting a heavy suitcase into "
            "the loft. Pain most days, 'catches' when she bends; worse by the evening. Stopped "
            "running completely (had run 3 × 5–8 km a week for 6 years, half marathon last year). "
            "Sleeping poorly. Believes she has 'slipped a disc' and that running will wear out her "
            "spine. Six sessions of massage and manipulation elsewhere without lasting change. "
            "Two weeks off work last month. No leg symptoms."
        ),
        "onset_date": _ago(206),
        "onset_mode": "sudden_no_trauma",
        "previous_episodes": 2,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Primary school teaching assistant",
        "patient_goals": "Sleep through the night; pick up my nephew without being scared; jog "
        "again with my club's beginner group.",
    },
    pain={
        "nprs_now": 6,
        "nprs_best_24h": 4,
        "nprs_worst_24h": 8,
        "nprs_during_run": None,
        "nprs_next_morning": None,
        "location": ["central_lumbar", "lumbar_left", "lumbar_right"],
        "pattern_24h": ["constant", "worse_end_of_day", "night_pain"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["bending", "lifting", "sitting", "standing"],
        "easing": ["lying", "heat", "medication"],
        "onset_in_run": "not_running",
        "irritability": "moderate",
    },
    outcomes={
        **_rmdq(2, 3, 4, 6, 9, 11, 13, 14, 16, 18, 21, 22),
        **_odi(3, 1, 3, 1, 2, 2, 3, 2, 3, 2),
        **_sbst((2, 3, 4, 5, 6, 7), "very_much"),
        "psfs": _psfs(
            ("Jogging 5 km with the club", 0),
            ("Lifting my nephew (14 kg)", 2),
            ("Sleeping through the night", 3),
        ),
    },
    training={
        "experience_years": 6,
        "runner_level": "regular",
        "weekly_km_w1": 0,
        "weekly_km_w2": 0,
        "weekly_km_w3": 0,
        "weekly_km_w4": 0,
        "runs_per_week": 0,
        "longest_run_km": 0,
        "recent_changes": [],
        "surface": ["road", "grass"],
        "terrain": "flat",
        "target_event": None,
        "target_event_date": None,
        "cross_training": [],
        "strength_sessions_per_week": 0,
    },
    running_form={
        "notes": "Not assessed (not running). Walks with a guarded, stiff trunk and reduced arm "
        "swing.",
    },
    footwear={
        "shoe_model": "ASICS GT-2000 10",
        "shoe_category": "stability",
        "shoe_km": 650,
        "shoe_age_months": 30,
        "heel_drop_mm": 8,
        "wear_pattern": "medial",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "none",
        "comfort": 7,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 70,
        "slr_right_deg": 68,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 25,
        "side_plank_left_s": 15,
        "side_plank_right_s": 20,
        "sorensen_s": 30,
        "flexor_endurance_s": 35,
        "single_leg_bridge_left_reps": 8,
        "single_leg_bridge_right_reps": 9,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": 2,
        "single_leg_squat_right": 2,
        "hip_abductor_left_nmkg": None,
        "hip_abductor_right_nmkg": None,
        "lumbar_flexion_restricted": True,
        "lumbar_extension_painful": True,
        "neuro_deficit": "none",
    },
    red_flags=_flags("failure_to_improve_after_4_weeks"),
    yellow_flags={
        "present": [
            "fear_avoidance",
            "catastrophising",
            "poor_sleep",
            "low_mood",
            "running_identity_loss",
        ],
        "notes": (
            "Believes her disc has 'slipped' and that bending or running will damage it; avoids "
            "lifting altogether. Sleep 4–5 hours, broken. Mood low since stopping running "
            "('running was my headspace'). Asked directly: no thoughts of self-harm. Husband "
            "supportive. Agreed to a GP letter about sleep and mood."
        ),
    },
    impression={
        "working_diagnosis": "non_specific_lbp",
        "summary": (
            "Persistent (5 months) non-specific LBP with high psychosocial risk: STarT Back 7/9, "
            "psychosocial 4/5 (high); fear-avoidant beliefs about bending and running, poor "
            "sleep, low mood, loss of running identity. RMDQ 12, ODI 44%. No improvement with "
            "6 sessions of passive care (context flag only); no other red flags, neuro intact. "
            "Very low trunk endurance (plank 25 s, Sørensen 30 s) and guarded movement. Plan: "
            "explain pain and reassure about the disc fears, graded activity with daily walking, "
            "4 exercises only, walk–run once she walks 30 minutes comfortably. Review 2 weeks. "
            "GP letter re sleep and mood."
        ),
        "review_in_weeks": 2,
    },
)

LENA_2 = _follow_up(
    LENA_1,
    history={
        "presenting_complaint": (
            "Review at 2 weeks. Walking 30 minutes most days, which she was surprised felt fine. "
            "Still wary of bending; lifted a laundry basket once without a flare. Sleeping a "
            "little better (GP started amitriptyline at night). Has read the pain booklet twice."
        ),
    },
    pain={
        "nprs_now": 5,
        "nprs_best_24h": 3,
        "nprs_worst_24h": 7,
        "pattern_24h": ["worse_end_of_day", "intermittent"],
        "easing": ["movement", "lying", "heat"],
    },
    outcomes={
        **_rmdq(2, 3, 6, 9, 11, 13, 16, 18, 21, 22),
        **_odi(3, 1, 3, 1, 2, 2, 2, 2, 2, 2),
        **_sbst((2, 3, 5, 6), "moderately"),
        "psfs": _rerate(LENA_1, 1, 3, 4),
    },
    physical={
        "plank_s": 35,
        "side_plank_left_s": 20,
        "side_plank_right_s": 22,
        "sorensen_s": 45,
        "flexor_endurance_s": 40,
        "single_leg_bridge_left_reps": 10,
        "single_leg_bridge_right_reps": 10,
    },
    red_flags=_flags(),
    yellow_flags={
        "present": ["fear_avoidance", "poor_sleep"],
        "notes": "Less catastrophic language ('it's sore, not damaged'); mood "
        "brighter. Still avoids lifting her nephew.",
    },
    impression={
        "summary": (
            "Early change: STarT Back 7 → 4 (psychosocial 4 → 2, now medium), PSFS mean 1.7 → "
            "2.7, pain 6 → 5/10; RMDQ 12 → 10 and ODI 44% → 40% not yet meaningful. Walking "
            "30 minutes daily. Plan: graded exposure to bending and lifting (laundry, then her "
            "nephew), start walk–run stage 1 three times a week, keep the 4 exercises. Review 2 "
            "weeks, then spread out."
        ),
        "review_in_weeks": 2,
    },
)

LENA_3 = _follow_up(
    LENA_2,
    history={
        "presenting_complaint": (
            "Review at 6 weeks. Back running: walk–run for 3 weeks, now jogging 15–20 minutes "
            "three times a week, 1–2/10, settles by the next morning. Picked up her nephew this "
            "weekend. Sleeping 6–7 hours most nights."
        ),
    },
    pain={
        "nprs_now": 2,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 4,
        "nprs_during_run": 2,
        "nprs_next_morning": 1,
        "pattern_24h": ["intermittent"],
        "aggravating": ["lifting", "sitting"],
        "easing": ["movement", "heat"],
        "onset_in_run": "after_run",
        "irritability": "low",
    },
    outcomes={
        **_rmdq(2, 11, 16, 21),
        **_odi(1, 0, 2, 0, 1, 1, 1, 1, 1, 1),
        **_sbst((2,), "slightly"),
        "psfs": _rerate(LENA_1, 5, 6, 7),
    },
    training={
        "weekly_km_w1": 9,
        "weekly_km_w2": 8,
        "weekly_km_w3": 7.5,
        "weekly_km_w4": 6,
        "runs_per_week": 3,
        "longest_run_km": 3.5,
    },
    running_form={
        "cadence_spm": 164,
        "speed_kmh": 8.5,
        "overstriding": "mild",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "rearfoot",
        "arm_swing": "reduced",
        "notes": "Easy jog at 8.5 km/h: mild overstride, still a little stiff through the trunk "
        "with reduced arm swing.",
    },
    physical={
        "plank_s": 60,
        "side_plank_left_s": 35,
        "side_plank_right_s": 38,
        "sorensen_s": 80,
        "flexor_endurance_s": 55,
        "single_leg_bridge_left_reps": 14,
        "single_leg_bridge_right_reps": 15,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "lumbar_flexion_restricted": False,
    },
    red_flags=_flags(),
    yellow_flags={
        "present": ["fear_avoidance"],
        "notes": "Some residual caution with heavy lifting; otherwise confident. "
        "Running with the beginner group again.",
    },
    impression={
        "summary": (
            "Meaningful improvement: pain 6 → 2/10, RMDQ 12 → 4, ODI 44% → 18%, PSFS mean 1.7 → "
            "6.0, STarT Back now low (1/9). Running 3 × 15–20 minutes. Trunk endurance rising "
            "(plank 25 → 60 s, Sørensen 30 → 80 s). Plan: pain-monitored running, cadence +5%, "
            "progress strength; review 4 weeks."
        ),
        "review_in_weeks": 4,
    },
)

# ==================================================================================================
# RR-0008 Chris Evans (68, M): masters runner, short hamstrings, low trunk endurance, hills
# ==================================================================================================
CHRIS_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Stiff, aching low back for 8 weeks, worse after long runs and steep descents and "
            "the next morning (stiff for about 20 minutes). Veteran road and fell runner, 40 years "
            "running, 45–50 km a week, parkrun every Saturday. 'Tight hamstrings for ever.' "
            "Similar episodes every few years since his forties. No leg pain, weight steady, "
            "well in himself."
        ),
        "onset_date": _ago(76),
        "onset_mode": "gradual",
        "previous_episodes": 5,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Retired civil engineer",
        "patient_goals": "Keep running parkrun every week and race the county masters 10K in the "
        "spring.",
    },
    pain={
        "nprs_now": 2,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 4,
        "nprs_during_run": 3,
        "nprs_next_morning": 4,
        "location": ["central_lumbar", "lumbar_left", "lumbar_right"],
        "pattern_24h": ["worse_end_of_day", "intermittent"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["running_long", "running_downhill", "bending", "standing"],
        "easing": ["movement", "heat", "flexion"],
        "onset_in_run": "after_run",
        "irritability": "low",
    },
    outcomes={
        **_rmdq(2, 11, 16),
        "psfs": _psfs(
            ("Running 10 km at race pace", 5),
            ("An hour of digging in the garden", 4),
            ("Putting on socks and shoes in the morning", 6),
        ),
    },
    training={
        "experience_years": 40,
        "runner_level": "competitive",
        "weekly_km_w1": 45,
        "weekly_km_w2": 48,
        "weekly_km_w3": 44,
        "weekly_km_w4": 46,
        "runs_per_week": 5,
        "longest_run_km": 16,
        "recent_changes": [],
        "surface": ["road", "trail"],
        "terrain": "hilly",
        "target_event": "County masters 10K",
        "target_event_date": _ago(-150),
        "cross_training": ["cycling"],
        "strength_sessions_per_week": 0,
    },
    running_form={
        "cadence_spm": 166,
        "speed_kmh": 10.0,
        "overstriding": "none",
        "trunk_lean": "forward_mild",
        "thoracic_posture": "hunched",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "midfoot",
        "arm_swing": "normal",
        "notes": "Longstanding mild thoracic kyphosis; slight forward lean from the hips and a "
        "short stride.",
    },
    footwear={
        "shoe_model": "Hoka Clifton 9",
        "shoe_category": "maximalist",
        "shoe_km": 540,
        "shoe_age_months": 7,
        "heel_drop_mm": 5,
        "wear_pattern": "lateral_heel",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "none",
        "comfort": 9,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 52,
        "slr_right_deg": 55,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 70,
        "side_plank_left_s": 40,
        "side_plank_right_s": 42,
        "sorensen_s": 80,
        "flexor_endurance_s": 60,
        "single_leg_bridge_left_reps": 14,
        "single_leg_bridge_right_reps": 15,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "hip_abductor_left_nmkg": 1.35,
        "hip_abductor_right_nmkg": 1.38,
        "lumbar_flexion_restricted": True,
        "lumbar_extension_painful": False,
        "neuro_deficit": "none",
    },
    red_flags=_flags(),
    yellow_flags={"present": [], "notes": "Pragmatic; happy to adjust his routes for a while."},
    impression={
        "working_diagnosis": "non_specific_lbp",
        "summary": (
            "Recurrent non-specific mechanical LBP in a 68-year-old competitive masters runner. "
            "Red flags screened and negative (no weight loss, non-mechanical night pain or "
            "systemic features; similar previous episodes). Short hamstrings (SLR 52°/55°, no "
            "neural signs), Thomas test negative, low trunk extensor endurance (Sørensen 80 s) "
            "and plank 70 s; mild forward lean with a longstanding kyphosis; descents aggravate "
            "on hilly routes. Plan: daily hamstring stretching, trunk endurance, run-tall cues, "
            "flatter routes for now, keep running with pain monitoring."
        ),
        "review_in_weeks": 4,
    },
)

# ==================================================================================================
# RR-0009 Sofia Rossi (26, F): abrupt switch to zero-drop shoes
# ==================================================================================================
SOFIA_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Right low back and buttock ache for 3 weeks, since switching from her usual 10 mm "
            "drop trainers to zero-drop shoes for all her runs, at the same time as adding a "
            "fourth weekly run. Aches after runs and is worse the next morning; calves tight too. "
            "No leg symptoms."
        ),
        "onset_date": _ago(33),
        "onset_mode": "gradual",
        "previous_episodes": 0,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Junior doctor (emergency department rota)",
        "patient_goals": "Run 4 times a week around my shifts and do the Riverside Half in the "
        "spring.",
    },
    pain={
        "nprs_now": 2,
        "nprs_best_24h": 0,
        "nprs_worst_24h": 4,
        "nprs_during_run": 3,
        "nprs_next_morning": 4,
        "location": ["lumbar_right", "buttock_right"],
        "pattern_24h": ["intermittent"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["running_long", "running_uphill", "standing"],
        "easing": ["movement", "rest"],
        "onset_in_run": "after_run",
        "irritability": "low",
    },
    outcomes={
        **_rmdq(2, 21),
        "psfs": _psfs(
            ("Running 12 km", 4), ("Standing through a 12-hour shift", 6), ("Running uphill", 5)
        ),
    },
    training={
        "experience_years": 5,
        "runner_level": "regular",
        "weekly_km_w1": 35,
        "weekly_km_w2": 32,
        "weekly_km_w3": 30,
        "weekly_km_w4": 28,
        "runs_per_week": 4,
        "longest_run_km": 14,
        "recent_changes": ["new_shoes", "volume_up"],
        "surface": ["road", "grass", "trail"],
        "terrain": "rolling",
        "target_event": "Riverside Half Marathon",
        "target_event_date": _ago(-110),
        "cross_training": ["swimming"],
        "strength_sessions_per_week": 1,
    },
    running_form={
        "cadence_spm": 178,
        "speed_kmh": 11.5,
        "overstriding": "none",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "foot_strike": "forefoot",
        "arm_swing": "normal",
        "notes": "Landing on the forefoot since the new shoes, heel barely touching; high calf "
        "load. Otherwise tidy.",
    },
    footwear={
        "shoe_model": "Altra Escalante 3",
        "shoe_category": "minimalist",
        "shoe_km": 180,
        "shoe_age_months": 2,
        "heel_drop_mm": 0,
        "wear_pattern": "forefoot",
        "midsole_creased": False,
        "recent_drop_change": True,
        "orthotics": "none",
        "comfort": 6,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 80,
        "slr_right_deg": 82,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 95,
        "side_plank_left_s": 55,
        "side_plank_right_s": 56,
        "sorensen_s": 120,
        "flexor_endurance_s": 90,
        "single_leg_bridge_left_reps": 20,
        "single_leg_bridge_right_reps": 19,
        "trendelenburg_left": False,
        "trendelenburg_right": False,
        "single_leg_squat_left": 3,
        "single_leg_squat_right": 3,
        "hip_abductor_left_nmkg": 1.45,
        "hip_abductor_right_nmkg": 1.42,
        "lumbar_flexion_restricted": False,
        "lumbar_extension_painful": False,
        "neuro_deficit": "none",
    },
    red_flags=_flags(),
    yellow_flags={"present": [], "notes": "Shift work limits sleep some weeks; coping well."},
    impression={
        "working_diagnosis": "non_specific_lbp",
        "summary": (
            "Acute non-specific LBP after two changes at once: an abrupt switch from 10 mm to "
            "zero-drop shoes and a fourth weekly run. Strength and endurance tests within norms. "
            "Plan: go back to the 10 mm shoes for most runs and bring the zero-drop pair in "
            "gradually (one short run a week), hold volume at 30 km, one change at a time."
        ),
        "review_in_weeks": 3,
    },
)

# ==================================================================================================
# RR-0010 Kwame Mensah (40, M): suspected cauda equina syndrome — EMERGENCY (E)
# ==================================================================================================
KWAME_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Known L4/5 disc-related left sciatica for 5 weeks (GP-managed, naproxen), after "
            "deadlifting. Over the last 36 hours pain has spread down both legs; he noticed "
            "numbness 'around my bottom and the inside of my thighs' when wiping, and this morning "
            "had difficulty starting to pass urine with a feeling of not emptying. No change in "
            "bowels. Came to his booked appointment rather than going to A&E."
        ),
        "onset_date": _ago(45),
        "onset_mode": "sudden_no_trauma",
        "previous_episodes": 3,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Warehouse supervisor",
        "patient_goals": "For now: get the leg pain settled. Later: back to work and running.",
    },
    pain={
        "nprs_now": 7,
        "nprs_best_24h": 5,
        "nprs_worst_24h": 9,
        "nprs_during_run": None,
        "nprs_next_morning": None,
        "location": [
            "lumbar_left",
            "buttock_left",
            "buttock_right",
            "thigh_left",
            "thigh_right",
            "below_knee_left",
            "below_knee_right",
        ],
        "pattern_24h": ["constant"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["sitting", "bending", "coughing_sneezing"],
        "easing": ["lying", "medication"],
        "onset_in_run": "not_running",
        "irritability": "high",
    },
    outcomes={
        **_rmdq(1, 2, 3, 6, 9, 10, 11, 12, 14, 16, 17, 18, 21, 23),
        "psfs": _psfs(("Walking for 20 minutes", 2), ("Sitting to drive", 1), ("Running 5 km", 0)),
    },
    training={
        "experience_years": 10,
        "runner_level": "regular",
        "weekly_km_w1": 0,
        "weekly_km_w2": 0,
        "weekly_km_w3": 0,
        "weekly_km_w4": 0,
        "runs_per_week": 0,
        "longest_run_km": None,
        "recent_changes": [],
        "surface": ["road", "treadmill"],
        "terrain": "flat",
        "target_event": None,
        "target_event_date": None,
        "cross_training": ["gym"],
        "strength_sessions_per_week": 3,
    },
    running_form={"notes": "Not assessed: emergency referral."},
    footwear={},
    physical={
        "slr_left_deg": 30,
        "slr_right_deg": 45,
        "slr_neural_left": True,
        "slr_neural_right": True,
        "lumbar_flexion_restricted": True,
        "lumbar_extension_painful": False,
        "neuro_deficit": "motor_minor",
    },
    red_flags=_flags(
        "ces_bladder",
        "ces_saddle",
        "bilateral_leg_symptoms",
        decision="referred_emergency",
        referred_to="Riverside General Hospital, on-call spinal registrar phoned ahead",
        decision_reason=(
            "Suspected cauda equina syndrome: bilateral sciatica, saddle numbness and new urinary "
            "hesitancy with incomplete emptying. Needs same-day MRI."
        ),
        safety_net_given=True,
    ),
    yellow_flags={
        "present": [],
        "notes": "Frightened but understood the urgency. Partner drove him straight to "
        "the emergency department from clinic; told not to drive himself.",
    },
    impression={
        "working_diagnosis": "serious_pathology_suspected",
        "summary": (
            "Suspected cauda equina syndrome (incomplete) on a background of left L4/5 "
            "radiculopathy: new bilateral leg pain, reduced light touch in the saddle area "
            "bilaterally, urinary hesitancy and incomplete emptying since this morning; left EHL "
            "4/5, both SLRs positive. Sent to the emergency department today with a referral "
            "letter; on-call spinal registrar phoned. Cauda equina card given. Will phone him "
            "tomorrow to follow up."
        ),
        "review_in_weeks": 1,
    },
)

# ==================================================================================================
# RR-0011 Robin Ørsted (47, other): fell runner, custom orthotics, downhill pain
# ==================================================================================================
ROBIN_1 = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Left-sided low back pain for 7 weeks, brought on by long steep descents on fell runs "
            "(5/10 by the bottom of a long descent) and achy the next day. Added more hill "
            "sessions this autumn. Wears custom orthotics from a podiatrist (3 years ago, for "
            "plantar heel pain that has since resolved) and asks whether new insoles would help "
            "the back. No leg symptoms."
        ),
        "onset_date": _ago(65),
        "onset_mode": "gradual",
        "previous_episodes": 1,
        "past_history": [],
        "long_term_steroids": False,
        "occupation": "Bookshop owner (lifting boxes of stock)",
        "patient_goals": "Long fell runs at weekends again and the spring fell race (25 km) in "
        "April.",
    },
    pain={
        "nprs_now": 2,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 5,
        "nprs_during_run": 5,
        "nprs_next_morning": 4,
        "location": ["lumbar_left", "buttock_left"],
        "pattern_24h": ["intermittent", "worse_end_of_day"],
        "night_pain_unrelieved_by_position": False,
        "aggravating": ["running_downhill", "running_long", "lifting"],
        "easing": ["movement", "rest", "heat"],
        "onset_in_run": "during_run",
        "irritability": "moderate",
    },
    outcomes={
        **_rmdq(2, 11, 21),
        "psfs": _psfs(
            ("Descending a steep trail for 20 minutes", 3),
            ("A 3-hour fell run", 2),
            ("Lifting boxes of books (15 kg)", 5),
        ),
    },
    training={
        "experience_years": 12,
        "runner_level": "competitive",
        "weekly_km_w1": 40,
        "weekly_km_w2": 42,
        "weekly_km_w3": 38,
        "weekly_km_w4": 44,
        "runs_per_week": 4,
        "longest_run_km": 28,
        "recent_changes": ["hills_up"],
        "surface": ["trail", "grass"],
        "terrain": "hilly",
        "target_event": "Spring fell race (25 km)",
        "target_event_date": _ago(-140),
        "cross_training": ["cycling", "yoga_pilates"],
        "strength_sessions_per_week": 1,
    },
    running_form={
        "cadence_spm": 170,
        "speed_kmh": 9.0,
        "overstriding": "mild",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "mild",
        "pelvic_drop_right": "none",
        "foot_strike": "midfoot",
        "arm_swing": "asymmetric",
        "notes": "Treadmill at 9 km/h flat and on a 5% decline: on the decline lands on the heel "
        "with a mild overstride; mild pelvic drop in left stance.",
    },
    footwear={
        "shoe_model": "Inov-8 Trailfly",
        "shoe_category": "trail",
        "shoe_km": 420,
        "shoe_age_months": 6,
        "heel_drop_mm": 6,
        "wear_pattern": "lateral_heel",
        "midsole_creased": False,
        "recent_drop_change": False,
        "orthotics": "custom",
        "comfort": 8,
    },
    physical={
        "thomas_left": "negative",
        "thomas_right": "negative",
        "slr_left_deg": 75,
        "slr_right_deg": 78,
        "slr_neural_left": False,
        "slr_neural_right": False,
        "plank_s": 90,
        "side_plank_left_s": 38,
        "side_plank_right_s": 50,
        "sorensen_s": 140,
        "flexor_endurance_s": 120,
        "single_leg_bridge_left_reps": 14,
        "single_leg_bridge_right_reps": 18,
        "trendelenburg_left": True,
        "trendelenburg_right": False,
        "single_leg_squat_left": 2,
        "single_leg_squat_right": 3,
        "hip_abductor_left_nmkg": 1.10,
        "hip_abductor_right_nmkg": 1.30,
        "lumbar_flexion_restricted": False,
        "lumbar_extension_painful": False,
        "neuro_deficit": "none",
    },
    red_flags=_flags(),
    yellow_flags={
        "present": ["race_pressure"],
        "notes": "Keen to keep the April race; accepts a few weeks of flatter routes.",
    },
    impression={
        "working_diagnosis": "non_specific_lbp",
        "summary": (
            "Non-specific left-sided LBP provoked by long descents after an increase in hill "
            "work. Left hip weaker (Trendelenburg positive on the left, single-leg squat 2/3, "
            "bridge 14 vs 18, abductors 1.10 vs 1.30 Nm/kg) and left side plank 38 s vs 50 s. "
            "Overstride on descents. Explained that insoles are not a treatment for back pain; "
            "keep the orthotics only if they help the feet. Plan: hip and trunk strength, shorter "
            "quicker steps downhill, fewer long descents for 3–4 weeks."
        ),
        "review_in_weeks": 3,
    },
)

# ==================================================================================================
# RR-0012 Hannah Cole (33, F): postpartum return to running — started today, not finished (draft)
# ==================================================================================================
HANNAH_DRAFT = _record(
    "initial",
    history={
        "presenting_complaint": (
            "Low back and left buttock ache for 3 weeks since returning to running, 7 months "
            "after the birth of her second child (vaginal delivery). Had pelvic girdle pain in "
            "this pregnancy. Aches after runs and when lifting the car seat."
        ),
        "onset_date": _ago(20),
        "onset_mode": "gradual",
        "previous_episodes": 1,
        "occupation": "Marketing manager (on maternity leave)",
    },
    pain={
        "nprs_now": 3,
        "nprs_best_24h": 1,
        "nprs_worst_24h": 5,
        "location": ["lumbar_left", "lumbar_right", "buttock_left"],
        "aggravating": ["lifting", "running_long"],
    },
    training={
        "runner_level": "novice",
        "weekly_km_w1": 12,
        "weekly_km_w2": 8,
        "runs_per_week": 3,
        "recent_changes": ["return_after_break"],
    },
    red_flags={
        "ces_bladder": "no",
        "ces_saddle": "no",
        "ces_bowel": "no",
        "ces_sexual": "no",
        "bilateral_leg_symptoms": "no",
        "progressive_weakness_or_gait_change": "no",
        "fever_or_systemically_unwell": "no",
    },
)


DEMO_VISITS: list[DemoVisit] = [
    DemoVisit("RR-0001", "initial", 49, True, "sam", JANE_1, time(9, 15)),
    DemoVisit("RR-0001", "review", 28, True, "sam", JANE_2, time(16, 30)),
    DemoVisit("RR-0001", "review", 7, True, "sam", JANE_3, time(8, 45)),
    DemoVisit("RR-0002", "initial", 35, True, "jo", TOM_1, time(17, 40)),
    DemoVisit("RR-0002", "review", 14, True, "jo", TOM_2, time(18, 10)),
    DemoVisit("RR-0003", "initial", 30, True, "sam", PRIYA_1, time(12, 30)),
    DemoVisit("RR-0003", "review", 9, True, "sam", PRIYA_2, time(13, 0)),
    DemoVisit("RR-0004", "initial", 40, True, "jo", MAREK_1, time(10, 0)),
    DemoVisit("RR-0004", "review", 19, True, "jo", MAREK_2, time(10, 30)),
    DemoVisit("RR-0005", "initial", 6, True, "sam", AOIFE_1, time(16, 15)),
    DemoVisit("RR-0006", "initial", 24, True, "jo", DANIEL_1, time(18, 0)),
    DemoVisit("RR-0006", "review", 3, True, "jo", DANIEL_2, time(18, 30)),
    DemoVisit("RR-0007", "initial", 56, True, "sam", LENA_1, time(11, 0)),
    DemoVisit("RR-0007", "review", 42, True, "sam", LENA_2, time(11, 15)),
    DemoVisit("RR-0007", "review", 14, True, "sam", LENA_3, time(10, 45)),
    DemoVisit("RR-0008", "initial", 20, True, "jo", CHRIS_1, time(9, 45)),
    DemoVisit("RR-0009", "initial", 12, True, "sam", SOFIA_1, time(13, 30)),
    DemoVisit("RR-0010", "initial", 10, True, "jo", KWAME_1, time(8, 50)),
    DemoVisit("RR-0011", "initial", 16, True, "sam", ROBIN_1, time(15, 0)),
    DemoVisit("RR-0012", "initial", 0, False, "jo", HANNAH_DRAFT, time(9, 0)),
]


def seen_at_for(visit: DemoVisit, today: date, now: datetime | None = None) -> datetime:
    """When the visit took place: ``today − days_ago`` at its clinic time, Europe/London.

    A visit on the day of seeding whose clinic time has not come yet (seeding before 9 am) is
    placed at the current minute instead, so that no visit is in the future."""
    day = today - timedelta(days=visit.days_ago)
    seen = datetime.combine(day, visit.at, tzinfo=CLINIC_TZ)
    now = (now or datetime.now(CLINIC_TZ)).astimezone(CLINIC_TZ)
    if seen > now and day <= now.date():
        start_of_day = datetime.combine(day, time(0, 0), tzinfo=CLINIC_TZ)
        seen = max(start_of_day, now.replace(second=0, microsecond=0))
    return seen


def records_for_seed(today: date, now: datetime | None = None) -> list[tuple[DemoVisit, dict]]:
    """Every demo visit with a fresh copy of its record, ready to save, oldest visit first.

    The record carries ``kind`` and ``seen_at`` (an aware datetime, Europe/London); its dates
    (onset, target event) move with the visits so that they keep their distance from seen_at."""
    shift = today - DEMO_TODAY
    out = []
    for visit in DEMO_VISITS:
        record = copy.deepcopy(visit.record)
        record["kind"] = visit.kind
        record["seen_at"] = seen_at_for(visit, today, now)
        for section, name in DATE_FIELDS:
            value = record[section].get(name)
            if isinstance(value, date):
                record[section][name] = value + shift
        out.append((visit, record))
    out.sort(key=lambda pair: pair[1]["seen_at"])
    return out


__all__ = [
    "DEMO_TODAY",
    "DEMO_VISITS",
    "DemoVisit",
    "records_for_seed",
    "seen_at_for",
]

# Keep the module honest: every section name used above exists (checked at import by _fill), and
# no record lost a section.
assert all(set(v.record) >= set(SECTIONS_BY_NAME) for v in DEMO_VISITS)
