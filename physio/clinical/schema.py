"""The assessment record's fields, declared once (docs/assessment.md).

This one declaration drives the web form (physio/forms/assessment.py), validation, the database
columns (physio/models/assessment.py), the read-only view and the signing checks. Field names are
a contract: the form posts `<section>-<field>` (e.g. `footwear-shoe_km`).

`required` means required **to sign**: a draft can be saved incomplete at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .red_flags import RED_FLAG_RULES
from .scoring import (
    ODI_FIELDS,
    RMDQ_FIELDS,
    RMDQ_ITEMS,
    RMDQ_NONE_FIELD,
    RMDQ_NONE_LABEL,
    SBST_AGREE_FIELDS,
    SBST_ITEM9_OPTIONS,
    SBST_ITEMS,
)

Choices = tuple[tuple[str, str], ...]

# The ODI's section headings (the statements themselves are licensed and not shipped).
ODI_SECTION_NAMES = (
    "Pain intensity",
    "Personal care",
    "Lifting",
    "Walking",
    "Sitting",
    "Standing",
    "Sleeping",
    "Sex life",
    "Social life",
    "Travelling",
)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # int | decimal | bool | text | longtext | date | enum | multi | tri
    label: str
    min: int | Decimal | None = None
    max: int | Decimal | None = None
    places: int = 1  # decimals only
    choices: Choices = ()
    max_length: int | None = None
    required: bool = False
    help: str | None = None
    unit: str | None = None
    option: str | None = None  # clinic option that must be on to show it: "odi" | "sbst"

    def column(self, section: str) -> str:
        return f"{section}_{self.name}"


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    fields: tuple[Field, ...]
    intro: str | None = None
    option: str | None = None

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _c(*values: str, **labels: str) -> Choices:
    """Choices from values; a label defaults to the value in words."""
    return tuple((v, labels.get(v, v.replace("_", " ").capitalize())) for v in values)


def _int(name, label, lo, hi, **kw) -> Field:
    return Field(name, "int", label, min=lo, max=hi, **kw)


def _dec(name, label, lo, hi, places=1, **kw) -> Field:
    return Field(name, "decimal", label, min=Decimal(lo), max=Decimal(hi), places=places, **kw)


SIDE = _c("none", "mild", "marked")
THOMAS = _c(
    "negative",
    "hip_flexor_short",
    "rectus_femoris_short",
    "both_short",
    hip_flexor_short="Hip flexor (iliopsoas) short",
    rectus_femoris_short="Rectus femoris short",
    both_short="Both short",
)
TRI = _c("yes", "no", "not_asked", not_asked="Not asked")
PSFS_ENTRIES = 5

HISTORY = Section(
    "history",
    "History",
    (
        Field(
            "presenting_complaint",
            "longtext",
            "Presenting complaint",
            max_length=2000,
            required=True,
        ),
        Field(
            "onset_date",
            "date",
            "Onset of this episode",
            help="Gives the duration: under 6 weeks acute, 6–12 subacute, over 12 persistent.",
        ),
        Field(
            "onset_mode",
            "enum",
            "How it started",
            choices=_c(
                "gradual",
                "sudden_no_trauma",
                "sudden_trauma",
                "insidious",
                sudden_no_trauma="Sudden, no trauma",
                sudden_trauma="Sudden, with trauma",
            ),
        ),
        _int(
            "previous_episodes",
            "Previous episodes of back pain",
            0,
            100,
            help="0 = this is the first episode.",
        ),
        Field(
            "past_history",
            "multi",
            "Past medical history",
            choices=_c(
                "cancer",
                "osteoporosis",
                "inflammatory_arthritis",
                "diabetes",
                "immunosuppression",
                "recent_infection",
                "iv_drug_use",
                "bone_stress_injury",
                iv_drug_use="IV drug use",
                bone_stress_injury="Bone stress injury",
            ),
        ),
        Field("long_term_steroids", "bool", "Long-term or systemic corticosteroids"),
        Field("occupation", "text", "Occupation", max_length=200),
        Field(
            "patient_goals",
            "longtext",
            "Patient's goals",
            max_length=2000,
            help="In their words, e.g. “run 10 km pain-free by June”.",
        ),
    ),
)

PAIN = Section(
    "pain",
    "Pain",
    (
        _int("nprs_now", "Pain now (0–10)", 0, 10, required=True),
        _int("nprs_best_24h", "Best in the last 24 h (0–10)", 0, 10, required=True),
        _int("nprs_worst_24h", "Worst in the last 24 h (0–10)", 0, 10, required=True),
        _int("nprs_during_run", "During a run (0–10)", 0, 10, help="Leave blank if not running."),
        _int("nprs_next_morning", "The morning after a run (0–10)", 0, 10),
        Field(
            "location",
            "multi",
            "Where is the pain?",
            required=True,
            choices=_c(
                "central_lumbar",
                "lumbar_left",
                "lumbar_right",
                "buttock_left",
                "buttock_right",
                "thigh_left",
                "thigh_right",
                "below_knee_left",
                "below_knee_right",
                "thoracic",
                central_lumbar="Central lumbar",
                lumbar_left="Lumbar L",
                lumbar_right="Lumbar R",
                buttock_left="Buttock L",
                buttock_right="Buttock R",
                thigh_left="Thigh L",
                thigh_right="Thigh R",
                below_knee_left="Below knee L",
                below_knee_right="Below knee R",
            ),
        ),
        Field(
            "pattern_24h",
            "multi",
            "24-hour pattern",
            choices=_c(
                "morning_stiffness_over_30min",
                "worse_end_of_day",
                "night_pain",
                "constant",
                "intermittent",
                morning_stiffness_over_30min="Morning stiffness > 30 min",
            ),
        ),
        Field(
            "night_pain_unrelieved_by_position",
            "bool",
            "Night pain not relieved by changing position",
        ),
        Field(
            "aggravating",
            "multi",
            "Aggravating",
            choices=_c(
                "running_uphill",
                "running_downhill",
                "running_long",
                "running_fast",
                "sitting",
                "standing",
                "bending",
                "lifting",
                "extension",
                "coughing_sneezing",
                coughing_sneezing="Coughing / sneezing",
            ),
        ),
        Field(
            "easing",
            "multi",
            "Easing",
            choices=_c("movement", "rest", "lying", "flexion", "extension", "heat", "medication"),
        ),
        Field(
            "onset_in_run",
            "enum",
            "When does pain start in relation to running?",
            choices=_c(
                "from_start",
                "during_run",
                "after_run",
                "next_day",
                "not_running",
                from_start="From the start",
                not_running="Not running",
            ),
        ),
        Field("irritability", "enum", "Irritability", choices=_c("low", "moderate", "high")),
    ),
)

OUTCOMES = Section(
    "outcomes",
    "Questionnaires",
    (
        *(Field(name, "bool", text) for name, text in zip(RMDQ_FIELDS, RMDQ_ITEMS, strict=True)),
        Field(
            RMDQ_NONE_FIELD,
            "bool",
            RMDQ_NONE_LABEL,
            help="Tick when the RMDQ was asked and no sentence applies; "
            "with nothing ticked the RMDQ is recorded as not asked.",
        ),
        *(
            _int(name, f"{i}. {title}", 0, 5, option="odi")
            for i, (name, title) in enumerate(zip(ODI_FIELDS, ODI_SECTION_NAMES, strict=True), 1)
        ),
        *(
            Field(name, "bool", text, option="sbst")
            for name, text in zip(SBST_AGREE_FIELDS, SBST_ITEMS[:8], strict=True)
        ),
        Field("sbst_9", "enum", SBST_ITEMS[8], choices=tuple(SBST_ITEM9_OPTIONS), option="sbst"),
    ),
    intro="Roland-Morris (RMDQ-24): tick each sentence that describes the patient today.",
)
# PSFS is a repeated group (outcomes-psfs-N-activity / -score), declared apart from the scalars.
PSFS_ACTIVITY = Field("activity", "text", "Activity", max_length=200)
PSFS_SCORE = _int("score", "Score (0 = unable, 10 = as before)", 0, 10)

TRAINING = Section(
    "training",
    "Training and load",
    (
        _dec("experience_years", "Years of running", 0, 80, unit="years"),
        Field(
            "runner_level",
            "enum",
            "Runner level",
            choices=_c("novice", "regular", "competitive"),
            help="Novice: under 6 months of regular running in the last year.",
        ),
        _dec("weekly_km_w1", "Last 7 days", 0, 400, unit="km", help="Required when running."),
        _dec("weekly_km_w2", "2 weeks ago", 0, 400, unit="km"),
        _dec("weekly_km_w3", "3 weeks ago", 0, 400, unit="km"),
        _dec("weekly_km_w4", "4 weeks ago", 0, 400, unit="km"),
        _int("runs_per_week", "Runs per week", 0, 21),
        _dec("longest_run_km", "Longest recent run", 0, 350, unit="km"),
        Field(
            "recent_changes",
            "multi",
            "Recent changes",
            choices=_c(
                "volume_up",
                "intensity_up",
                "hills_up",
                "new_surface",
                "new_shoes",
                "race_build_up",
                "return_after_break",
                volume_up="More volume",
                intensity_up="More intensity",
                hills_up="More hills",
                race_build_up="Race build-up",
                return_after_break="Return after a break",
            ),
        ),
        Field(
            "surface",
            "multi",
            "Surfaces",
            choices=_c("road", "track", "treadmill", "trail", "grass"),
        ),
        Field("terrain", "enum", "Terrain", choices=_c("flat", "rolling", "hilly")),
        Field("target_event", "text", "Target event", max_length=200),
        Field("target_event_date", "date", "Event date"),
        Field(
            "cross_training",
            "multi",
            "Cross-training",
            choices=_c(
                "cycling",
                "swimming",
                "elliptical",
                "gym",
                "yoga_pilates",
                yoga_pilates="Yoga / Pilates",
            ),
        ),
        _int("strength_sessions_per_week", "Strength sessions per week", 0, 14),
    ),
)

RUNNING_FORM = Section(
    "running_form",
    "Running form (easy pace)",
    (
        _int("cadence_spm", "Cadence", 120, 230, unit="steps/min"),
        _dec("speed_kmh", "Speed", 3, 30, unit="km/h"),
        Field("overstriding", "enum", "Overstriding", choices=SIDE),
        Field(
            "trunk_lean",
            "enum",
            "Trunk lean",
            choices=_c(
                "upright",
                "forward_mild",
                "forward_marked",
                "backward",
                forward_mild="Forward, mild",
                forward_marked="Forward, marked",
            ),
        ),
        Field("thoracic_posture", "enum", "Thoracic posture", choices=_c("neutral", "hunched")),
        Field("pelvic_drop_left", "enum", "Pelvic drop, standing on left", choices=SIDE),
        Field("pelvic_drop_right", "enum", "Pelvic drop, standing on right", choices=SIDE),
        Field("foot_strike", "enum", "Foot strike", choices=_c("rearfoot", "midfoot", "forefoot")),
        Field(
            "arm_swing",
            "enum",
            "Arm swing",
            choices=_c("normal", "crossing_midline", "reduced", "asymmetric"),
        ),
        Field("notes", "longtext", "Notes", max_length=2000),
    ),
)

FOOTWEAR = Section(
    "footwear",
    "Footwear",
    (
        Field("shoe_model", "text", "Shoe model", max_length=200),
        Field(
            "shoe_category",
            "enum",
            "Category",
            choices=_c(
                "neutral", "stability", "minimalist", "maximalist", "carbon_plated", "trail"
            ),
        ),
        _int("shoe_km", "Distance on the main pair", 0, 5000, unit="km"),
        _int("shoe_age_months", "Age of the main pair", 0, 240, unit="months"),
        _int("heel_drop_mm", "Heel-to-toe drop", 0, 20, unit="mm"),
        Field(
            "wear_pattern",
            "enum",
            "Wear pattern",
            choices=_c("even", "lateral_heel", "medial", "forefoot", "asymmetric"),
        ),
        Field("midsole_creased", "bool", "Midsole visibly creased"),
        Field("recent_drop_change", "bool", "Recently changed to a different heel drop"),
        Field(
            "orthotics",
            "enum",
            "Insoles / orthotics",
            choices=_c("none", "off_the_shelf", "custom", off_the_shelf="Off the shelf"),
        ),
        _int("comfort", "Comfort (0–10)", 0, 10),
    ),
)

PHYSICAL = Section(
    "physical",
    "Physical tests",
    (
        Field("thomas_left", "enum", "Thomas test, left", choices=THOMAS),
        Field("thomas_right", "enum", "Thomas test, right", choices=THOMAS),
        _int("slr_left_deg", "Passive SLR, left", 0, 120, unit="°"),
        _int("slr_right_deg", "Passive SLR, right", 0, 120, unit="°"),
        Field("slr_neural_left", "bool", "SLR reproduces leg symptoms, left"),
        Field("slr_neural_right", "bool", "SLR reproduces leg symptoms, right"),
        _int("plank_s", "Prone plank", 0, 600, unit="s"),
        _int("side_plank_left_s", "Side plank, left", 0, 600, unit="s"),
        _int("side_plank_right_s", "Side plank, right", 0, 600, unit="s"),
        _int("sorensen_s", "Biering-Sørensen", 0, 300, unit="s"),
        _int("flexor_endurance_s", "Flexor endurance (McGill)", 0, 600, unit="s"),
        _int("single_leg_bridge_left_reps", "Single-leg bridge, left", 0, 100, unit="reps"),
        _int("single_leg_bridge_right_reps", "Single-leg bridge, right", 0, 100, unit="reps"),
        Field("trendelenburg_left", "bool", "Trendelenburg positive, left"),
        Field("trendelenburg_right", "bool", "Trendelenburg positive, right"),
        _int(
            "single_leg_squat_left",
            "Single-leg squat, left (1–3)",
            1,
            3,
            help="3 = aligned at 60°; 1 = alignment or balance lost.",
        ),
        _int("single_leg_squat_right", "Single-leg squat, right (1–3)", 1, 3),
        _dec("hip_abductor_left_nmkg", "Hip abductors, left", 0, 5, places=2, unit="Nm/kg"),
        _dec("hip_abductor_right_nmkg", "Hip abductors, right", 0, 5, places=2, unit="Nm/kg"),
        Field("lumbar_flexion_restricted", "bool", "Lumbar flexion restricted"),
        Field("lumbar_extension_painful", "bool", "Lumbar extension painful"),
        Field(
            "neuro_deficit",
            "enum",
            "Neurological deficit",
            choices=_c(
                "none",
                "sensory",
                "motor_minor",
                "motor_major",
                motor_minor="Motor, minor",
                motor_major="Motor, major (< 3/5 MRC)",
            ),
        ),
    ),
)

_OVERRIDE = _c("E", "U", "R", E="E — emergency", U="U — urgent", R="R — routine")
_DECISION = _c(
    "referred_emergency",
    "referred_urgent",
    "gp_informed",
    "discussed_not_referred",
    referred_emergency="Referred: emergency department",
    referred_urgent="Referred: doctor within days",
    gp_informed="GP informed",
    discussed_not_referred="Discussed, not referred",
)

RED_FLAGS = Section(
    "red_flags",
    "Red flags",
    (
        *(Field(rule.field, "tri", rule.label, choices=TRI) for rule in RED_FLAG_RULES),
        Field(
            "tier_override",
            "enum",
            "Raise the tier to",
            choices=_OVERRIDE,
            help="You can raise the suggested tier, never lower it.",
        ),
        Field("override_reason", "longtext", "Why the tier was raised", max_length=1000),
        Field("decision", "enum", "Decision", choices=_DECISION),
        Field(
            "decision_reason", "longtext", "Reason (required when not referred)", max_length=1000
        ),
        Field("referred_to", "text", "Referred to (required with a referral)", max_length=200),
        Field("safety_net_given", "bool", "Safety-net advice given to the patient"),
    ),
    intro="Answer every item: yes, no or not asked. The suggested tier updates as you answer.",
)

YELLOW_FLAGS = Section(
    "yellow_flags",
    "Yellow flags",
    (
        Field(
            "present",
            "multi",
            "Present",
            choices=_c(
                "fear_avoidance",
                "catastrophising",
                "low_mood",
                "anxiety",
                "poor_sleep",
                "passive_coping",
                "work_issues",
                "compensation_claim",
                "social_withdrawal",
                "running_identity_loss",
                "race_pressure",
                fear_avoidance="Fear-avoidance",
                running_identity_loss="Running identity loss",
            ),
        ),
        Field("notes", "longtext", "Notes", max_length=2000),
    ),
)

IMPRESSION = Section(
    "impression",
    "Impression",
    (
        Field(
            "working_diagnosis",
            "enum",
            "Working diagnosis",
            required=True,
            choices=_c(
                "non_specific_lbp",
                "radicular_pain",
                "suspected_bone_stress",
                "serious_pathology_suspected",
                "other",
                non_specific_lbp="Non-specific low back pain",
            ),
        ),
        Field("summary", "longtext", "Summary", max_length=4000),
        _int("review_in_weeks", "Review in", 1, 26, unit="weeks", required=True),
    ),
)

SECTIONS: tuple[Section, ...] = (
    HISTORY,
    PAIN,
    OUTCOMES,
    TRAINING,
    RUNNING_FORM,
    FOOTWEAR,
    PHYSICAL,
    RED_FLAGS,
    YELLOW_FLAGS,
    IMPRESSION,
)
SECTIONS_BY_NAME = {s.name: s for s in SECTIONS}

# What "all normal" answers for a section's observations not answered yet: each is a finding
# the physio states with that one tap (never a default filled in by itself). Boxes left
# unticked already mean "no".
NORMAL_FINDINGS: dict[str, dict[str, str]] = {
    "running_form": {
        "overstriding": "none",
        "trunk_lean": "upright",
        "thoracic_posture": "neutral",
        "pelvic_drop_left": "none",
        "pelvic_drop_right": "none",
        "arm_swing": "normal",
    },
    "footwear": {"wear_pattern": "even", "orthotics": "none"},
    "physical": {"thomas_left": "negative", "thomas_right": "negative", "neuro_deficit": "none"},
}
KINDS: Choices = _c("initial", "review", initial="Initial assessment", review="Review")


def all_fields():
    """(section, field) for every scalar and multi field, in form order."""
    for section in SECTIONS:
        for f in section.fields:
            yield section, f


def field_names() -> list[str]:
    """Every posted field name, as in fields.txt."""
    names = ["kind", "seen_at"]
    for section, f in all_fields():
        names.append(f"{section.name}-{f.name}")
    for i in range(PSFS_ENTRIES):
        names += [f"outcomes-psfs-{i}-activity", f"outcomes-psfs-{i}-score"]
    return names


def empty_record() -> dict:
    record: dict = {"kind": None, "seen_at": None}
    for section in SECTIONS:
        record[section.name] = {f.name: ([] if f.kind == "multi" else None) for f in section.fields}
    record["outcomes"]["psfs"] = []
    # Declared apart from the scalar fields, like PSFS (physio/clinical/body_chart.py).
    record["pain"]["body_chart"] = []
    # Where a review's values came from, and sections recorded as not assessed.
    record["copy_forward"] = {}
    record["not_assessed"] = []
    return record
