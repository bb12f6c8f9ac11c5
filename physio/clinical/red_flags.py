"""Red-flag screen (docs/assessment.md "red_flags", docs/evidence.md §2).

The software *suggests* a tier; the physio decides, may only raise it, and records a decision
and safety-netting for E and U [§2.5]. Single flags are weak evidence; combinations matter
[S1c][S37].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from ._util import as_list, is_true, num, section, text

Tier = Literal["E", "U", "R", "C"]

TIERS: tuple[Tier, ...] = ("E", "U", "R", "C")  # most to least severe [§2.2]
TIER_RANK: dict[str, int] = {tier: len(TIERS) - i for i, tier in enumerate(TIERS)}  # E=4 … C=1
TIER_NAMES: dict[str, str] = {"E": "emergency", "U": "urgent", "R": "routine", "C": "context"}
TIER_ACTIONS: dict[str, str] = {
    "E": "same day, hospital emergency department",
    "U": "doctor within days (no later than 2 weeks)",
    "R": "inform the GP and continue care with safety-netting",
    "C": "raises suspicion only in combination with other flags",
}  # [§2.2], aligned with UK pathway wording [S37]
OVERRIDE_TIERS: tuple[str, ...] = ("E", "U", "R")

DECISIONS: tuple[str, ...] = (
    "referred_emergency",
    "referred_urgent",
    "gp_informed",
    "discussed_not_referred",
)
DECISION_LABELS: dict[str, str] = {
    "referred_emergency": "Referred to the emergency department",
    "referred_urgent": "Referred urgently (doctor within days)",
    "gp_informed": "GP informed",
    "discussed_not_referred": "Discussed, not referred",
}
REFERRAL_DECISIONS = frozenset({"referred_emergency", "referred_urgent"})
DECISION_TIERS = frozenset(
    {"E", "U"}
)  # these need a recorded decision before signing/export [§2.5]

CONTEXT_FLAGS_FOR_URGENT = 2  # ≥ 2 context flags → U (INFERRED heuristic, overridable) [§2.5]
# First-ever episode with onset age < 20 or > 55 is a malignancy/other context flag [S37][S38].
FIRST_EPISODE_AGE_BELOW = 20
FIRST_EPISODE_AGE_ABOVE = 55


@dataclass(frozen=True)
class RedFlagRule:
    field: str  # key in the red_flags section
    label: str  # clinician wording
    plain: str  # patient wording (plain language)
    suggests: str  # pathology it points to
    tier: Tier
    source: str = ""


RED_FLAG_RULES: tuple[RedFlagRule, ...] = (
    RedFlagRule(
        "ces_bladder",
        "New bladder dysfunction (retention, hesitancy, loss of sensation, incontinence)",
        "new problems passing or controlling urine, or not feeling when you pass urine",
        "cauda equina syndrome",
        "E",
        "[S36a][S36b][S36c]",
    ),
    RedFlagRule(
        "ces_saddle",
        "Saddle, perianal or genital numbness, or altered feeling when wiping",
        "numbness between your legs, around your bottom or genitals, "
        "or a different feeling when you wipe",
        "cauda equina syndrome",
        "E",
        "[S36b][S36c]",
    ),
    RedFlagRule(
        "ces_bowel",
        "New bowel incontinence or loss of sensation passing a bowel motion",
        "new trouble controlling your bowels, or not feeling a bowel movement",
        "cauda equina syndrome",
        "E",
        "[S36c]",
    ),
    RedFlagRule(
        "ces_sexual",
        "New sexual dysfunction",
        "new changes in sexual function or in feeling in your genitals",
        "cauda equina syndrome",
        "E",
        "[S36b][S36c]",
    ),
    RedFlagRule(
        "bilateral_leg_symptoms",
        "Bilateral leg pain, radicular symptoms or weakness",
        "pain, numbness or weakness in both legs",
        "cauda equina syndrome / spinal cord compression",
        "E",
        "[S36a][S36b][S37]",
    ),
    RedFlagRule(
        "progressive_weakness_or_gait_change",
        "Progressive leg weakness or gait disturbance",
        "leg weakness that is getting worse, or a change in the way you walk",
        "spinal cord compression / cauda equina syndrome",
        "E",
        "[S37]",
    ),
    RedFlagRule(
        "fever_or_systemically_unwell",
        "Fever, chills or systemically unwell with spinal pain",
        "a fever, shivering or feeling generally unwell together with your back pain",
        "spinal infection",
        "E",
        "[S37][S38]",
    ),
    RedFlagRule(
        "cancer_history",
        "Past history of cancer",
        "a past history of cancer",
        "spinal malignancy",
        "U",
        "[S35][S37][S40a]",
    ),
    RedFlagRule(
        "unexplained_weight_loss",
        "Recent unexplained weight loss",
        "losing weight without trying",
        "malignancy / infection",
        "U",
        "[S37][S38]",
    ),
    RedFlagRule(
        "immunosuppression",
        "Immunosuppression (e.g. chemotherapy, long-term steroids, transplant, HIV)",
        "a weakened immune system, for example from medicines or illness",
        "spinal infection",
        "U",
        "[S37][S39]",
    ),
    RedFlagRule(
        "major_trauma",
        "Major trauma (e.g. fall from height, road traffic collision)",
        "a major injury such as a fall from a height or a road accident",
        "spinal fracture",
        "U",
        "[S38][S39]",
    ),
    RedFlagRule(
        "minor_trauma_with_osteoporosis_or_steroids",
        "Minor trauma or strenuous lifting with osteoporosis or prolonged corticosteroids",
        "a minor fall or lift when you have weak bones or take long-term steroid medicine",
        "osteoporotic fracture",
        "U",
        "[S37][S38][S39]",
    ),
    RedFlagRule(
        "new_structural_deformity",
        "New structural spinal deformity",
        "a new change in the shape of your spine",
        "fracture / malignancy",
        "U",
        "[S38]",
    ),
    RedFlagRule(
        "bone_stress_risk",
        "Bone-stress risk (low energy availability, prior bone-stress injury, "
        "extension pain in a young athlete)",
        "signs that the bones in your back may be under stress, such as a previous stress fracture "
        "or not eating enough for your training",
        "bone stress injury / pars stress fracture",
        "U",
        "(INFERRED)",
    ),
    RedFlagRule(
        "major_motor_loss",
        "Major motor loss (< 3/5 MRC)",
        "marked weakness in the muscles of a leg",
        "serious radiculopathy",
        "U",
        "[S37]",
    ),
    RedFlagRule(
        "non_mechanical_night_pain",
        "Night pain unrelieved by changing position",
        "pain at night that does not ease when you change position",
        "spinal malignancy",
        "C",
        "[S38]",
    ),
    RedFlagRule(
        "recent_infection_or_iv_drug_use",
        "Recent bacterial infection (e.g. UTI) or IV drug use",
        "a recent infection, such as a urine infection, or injecting drugs",
        "spinal infection",
        "C",
        "[S38][S39][S1d]",
    ),
    RedFlagRule(
        "thoracic_pain",
        "Thoracic pain",
        "pain in your mid or upper back",
        "malignancy / other serious pathology",
        "C",
        "[S37][S38]",
    ),
    RedFlagRule(
        "failure_to_improve_after_4_weeks",
        "No improvement after 4 weeks of care",
        "no improvement after four weeks of treatment",
        "other serious pathology",
        "C",
        "[S38]",
    ),
    RedFlagRule(
        "inflammatory_pattern",
        "Inflammatory pattern (morning stiffness > 30 min, better with exercise, onset < 40)",
        "long morning stiffness that eases with exercise, which started before age 40",
        "axial spondyloarthritis",
        "R",
        "(INFERRED) [S38b]",
    ),
)
RULES_BY_FIELD: dict[str, RedFlagRule] = {rule.field: rule for rule in RED_FLAG_RULES}


@dataclass(frozen=True)
class RedFlagGroup:
    key: str
    title: str
    fields: tuple[str, ...]


# The form asks the flags in these groups, each with a "none of these" answer (every field once).
RED_FLAG_GROUPS: tuple[RedFlagGroup, ...] = (
    RedFlagGroup(
        "neuro",
        "Cauda equina, cord and nerve loss",
        (
            "ces_bladder",
            "ces_saddle",
            "ces_bowel",
            "ces_sexual",
            "bilateral_leg_symptoms",
            "progressive_weakness_or_gait_change",
            "major_motor_loss",
        ),
    ),
    RedFlagGroup(
        "infection_cancer",
        "Infection and cancer",
        (
            "fever_or_systemically_unwell",
            "cancer_history",
            "unexplained_weight_loss",
            "immunosuppression",
            "recent_infection_or_iv_drug_use",
            "non_mechanical_night_pain",
            "thoracic_pain",
        ),
    ),
    RedFlagGroup(
        "fracture",
        "Fracture and bone stress",
        (
            "major_trauma",
            "minor_trauma_with_osteoporosis_or_steroids",
            "new_structural_deformity",
            "bone_stress_risk",
        ),
    ),
    RedFlagGroup(
        "other",
        "Course and inflammatory pattern",
        ("failure_to_improve_after_4_weeks", "inflammatory_pattern"),
    ),
)

# Cancer history + a neurological sign → metastatic spinal cord compression: an oncological
# emergency [S35]. Each entry: (section, field, values that count, description).
NEURO_SIGNS: tuple[tuple[str, str, frozenset[str] | None, str], ...] = (
    (
        "physical",
        "neuro_deficit",
        frozenset({"sensory", "motor_minor", "motor_major"}),
        "a neurological deficit",
    ),
    ("pain", "location", frozenset({"below_knee_left"}), "leg pain below the knee (left)"),
    ("pain", "location", frozenset({"below_knee_right"}), "leg pain below the knee (right)"),
    ("physical", "slr_neural_left", None, "a straight-leg raise reproducing leg symptoms (left)"),
    ("physical", "slr_neural_right", None, "a straight-leg raise reproducing leg symptoms (right)"),
    ("red_flags", "major_motor_loss", frozenset({"yes"}), "major motor loss"),
)


@dataclass(frozen=True)
class RedFlagResult:
    suggested_tier: Tier | None  # computed from the answers
    tier: Tier | None  # final: suggested, raised by tier_override (never lowered)
    positives: list[tuple[str, Tier]]  # (field, tier it contributes) for each "yes"
    context_count: int  # C flags incl. the first-episode age context
    reasons: list[str]  # clinician sentences explaining the tier
    unanswered: list[str]  # red-flag fields with no answer
    first_episode_age_context: bool = False
    neuro_signs: list[str] = field(default_factory=list)
    overridden: bool = False  # True when the override raised the tier

    @property
    def needs_decision(self) -> bool:
        return self.tier in DECISION_TIERS


def highest(tiers: list[str]) -> Tier | None:
    """The most severe tier in ``tiers`` (unknown values ignored)."""
    known = [t for t in tiers if t in TIER_RANK]
    return cast(Tier, max(known, key=TIER_RANK.__getitem__)) if known else None


def neuro_signs(record: Mapping[str, Any] | None) -> list[str]:
    """Neurological signs recorded anywhere in the assessment, in words."""
    found: list[str] = []
    for sec, name, values, words in NEURO_SIGNS:
        raw = section(record, sec).get(name)
        if values is None:
            hit = is_true(raw)
        elif isinstance(raw, str):
            hit = raw in values
        else:
            hit = any(v in values for v in as_list(raw))
        if hit:
            found.append(words)
    return found


def first_episode_age_context(record: Mapping[str, Any] | None, age_at_onset: int | None) -> bool:
    """A first-ever episode with onset age < 20 or > 55 adds one context flag [S37][S38]."""
    if age_at_onset is None or num(section(record, "history").get("previous_episodes")) != 0:
        return False
    return age_at_onset < FIRST_EPISODE_AGE_BELOW or age_at_onset > FIRST_EPISODE_AGE_ABOVE


def _answer(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _rule_positive(rule: RedFlagRule, signs: list[str]) -> tuple[Tier, str]:
    """The tier a "yes" contributes and the sentence that explains it."""
    if rule.field == "cancer_history" and signs:
        return "E", (
            f"History of cancer with {', '.join(signs)}: suspected metastatic spinal cord "
            "compression, an oncological emergency (E) [S35]."
        )
    return (
        rule.tier,
        f"{rule.label}: suggests {rule.suggests} ({rule.tier}, {TIER_NAMES[rule.tier]}).",
    )


def _apply_override(
    suggested: Tier | None, override: Any, reason: str | None
) -> tuple[Tier | None, str | None]:
    """Raise the tier to a valid, more severe override; never lower it."""
    if override not in OVERRIDE_TIERS:
        return suggested, None
    if suggested is not None and TIER_RANK[override] <= TIER_RANK[suggested]:
        if override == suggested:
            return suggested, None
        return suggested, (
            f"The override to {override} was ignored: an override can only raise the "
            f"suggested tier ({suggested}), never lower it."
        )
    why = f": {reason}" if reason else "."
    return override, f"The physio raised the tier from {suggested or 'none'} to {override}{why}"


def screen_red_flags(record: Mapping[str, Any] | None, age_at_onset: int | None) -> RedFlagResult:
    answers = section(record, "red_flags")
    signs = neuro_signs(record)
    positives: list[tuple[str, Tier]] = []
    reasons: list[str] = []
    for rule in RED_FLAG_RULES:
        if _answer(answers.get(rule.field)) == "yes":
            tier, reason = _rule_positive(rule, signs)
            positives.append((rule.field, tier))
            reasons.append(reason)
    age_context = first_episode_age_context(record, age_at_onset)
    if age_context:
        side = (
            f"under {FIRST_EPISODE_AGE_BELOW}"
            if (age_at_onset or 0) < FIRST_EPISODE_AGE_BELOW
            else f"over {FIRST_EPISODE_AGE_ABOVE}"
        )
        reasons.append(
            f"First episode of back pain starting at age {age_at_onset} ({side}) "
            "adds one context flag [S37][S38]."
        )
    context_count = sum(1 for _, tier in positives if tier == "C") + int(age_context)
    tiers: list[str] = [tier for _, tier in positives] + (["C"] if age_context else [])
    if context_count >= CONTEXT_FLAGS_FOR_URGENT:
        tiers.append("U")
        reasons.append(f"{context_count} context flags together make at least urgent (U) [§2.5].")
    suggested = highest(tiers)
    tier, override_reason = _apply_override(
        suggested, answers.get("tier_override"), text(answers.get("override_reason"))
    )
    if override_reason:
        reasons.append(override_reason)
    return RedFlagResult(
        suggested_tier=suggested,
        tier=tier,
        positives=positives,
        context_count=context_count,
        reasons=reasons,
        unanswered=[
            rule.field for rule in RED_FLAG_RULES if _answer(answers.get(rule.field)) is None
        ],
        first_episode_age_context=age_context,
        neuro_signs=signs,
        overridden=tier != suggested,
    )


def decision_issues(
    record: Mapping[str, Any] | None, result: RedFlagResult
) -> list[tuple[str, str]]:
    """(field, message) for each decision item missing before an E/U assessment is signed [§2.5]."""
    if result.tier not in DECISION_TIERS:
        return []
    answers = section(record, "red_flags")
    tier_words = f"{TIER_NAMES[result.tier]} ({result.tier})"
    decision = answers.get("decision")
    issues: list[tuple[str, str]] = []
    if decision not in DECISIONS:
        issues.append(("decision", f"Record the decision for this {tier_words} red-flag tier."))
    elif decision == "discussed_not_referred" and not text(answers.get("decision_reason")):
        issues.append(("decision_reason", "Give the reason for not referring."))
    elif decision in REFERRAL_DECISIONS and not text(answers.get("referred_to")):
        issues.append(("referred_to", "Record where the patient was referred to."))
    if answers.get("safety_net_given") is not True:
        issues.append(
            ("safety_net_given", f"Confirm that safety-net advice was given ({tier_words} tier).")
        )
    return issues


def client_rules() -> dict:
    """The red-flag table as plain data for the form's script, so the tier shows at the flag
    the moment it is tapped. This module stays the one source: the script only reads this
    table, and the server's own screen (``screen_red_flags``) replaces its answer on autosave."""
    return {
        "tiers": {rule.field: rule.tier for rule in RED_FLAG_RULES},
        "rank": TIER_RANK,
        "names": TIER_NAMES,
        "context_for_urgent": CONTEXT_FLAGS_FOR_URGENT,
        "neuro_signs": [
            [sec, name, sorted(values) if values is not None else None]
            for sec, name, values, _ in NEURO_SIGNS
        ],
        "neuro_raises": {"cancer_history": "E"},
        "decision_tiers": sorted(DECISION_TIERS),
        "override_tiers": list(OVERRIDE_TIERS),
    }


def decision_problems(record: Mapping[str, Any] | None, result: RedFlagResult) -> list[str]:
    """Plain sentences listing what is missing in the red-flag decision (empty when complete)."""
    return [message for _, message in decision_issues(record, result)]
