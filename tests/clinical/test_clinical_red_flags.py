"""Red-flag screen: every flag alone, the combination rules, the override, the decision."""

import pytest

from physio.clinical.red_flags import (
    DECISIONS,
    RED_FLAG_RULES,
    TIERS,
    decision_issues,
    decision_problems,
    screen_red_flags,
)

FIELDS_AND_TIERS = {  # docs/assessment.md red_flags table, in order
    "ces_bladder": "E",
    "ces_saddle": "E",
    "ces_bowel": "E",
    "ces_sexual": "E",
    "bilateral_leg_symptoms": "E",
    "progressive_weakness_or_gait_change": "E",
    "fever_or_systemically_unwell": "E",
    "cancer_history": "U",
    "unexplained_weight_loss": "U",
    "immunosuppression": "U",
    "major_trauma": "U",
    "minor_trauma_with_osteoporosis_or_steroids": "U",
    "new_structural_deformity": "U",
    "bone_stress_risk": "U",
    "major_motor_loss": "U",
    "non_mechanical_night_pain": "C",
    "recent_infection_or_iv_drug_use": "C",
    "thoracic_pain": "C",
    "failure_to_improve_after_4_weeks": "C",
    "inflammatory_pattern": "R",
}


def record(yes=(), *, previous_episodes=3, red_flags=None, physical=None, pain=None) -> dict:
    """All 20 flags answered "no" except ``yes``; not a first episode unless asked."""
    answers = {rule.field: "no" for rule in RED_FLAG_RULES}
    answers.update(dict.fromkeys(yes, "yes"))
    answers.update(red_flags or {})
    return {
        "kind": "initial",
        "history": {"previous_episodes": previous_episodes},
        "pain": pain or {"location": ["central_lumbar"]},
        "physical": physical
        or {"neuro_deficit": "none", "slr_neural_left": False, "slr_neural_right": False},
        "red_flags": answers,
    }


def test_red_flag_rules_cover_the_20_items_with_their_tiers_in_order():
    assert [(r.field, r.tier) for r in RED_FLAG_RULES] == list(FIELDS_AND_TIERS.items())
    assert all(r.label and r.plain and r.suggests for r in RED_FLAG_RULES)
    assert TIERS == ("E", "U", "R", "C")


@pytest.mark.parametrize("rule", RED_FLAG_RULES, ids=lambda r: r.field)
def test_red_flag_alone_suggests_its_own_tier(rule):
    result = screen_red_flags(record([rule.field]), age_at_onset=35)
    assert result.suggested_tier == rule.tier == FIELDS_AND_TIERS[rule.field]
    assert result.tier == rule.tier
    assert result.positives == [(rule.field, rule.tier)]
    assert result.context_count == (1 if rule.tier == "C" else 0)
    assert result.unanswered == []
    assert len(result.reasons) == 1


def test_red_flag_all_no_suggests_no_tier():
    result = screen_red_flags(record(), 35)
    assert (result.suggested_tier, result.tier, result.positives, result.reasons) == (
        None,
        None,
        [],
        [],
    )


def test_red_flag_not_asked_is_answered_but_not_positive():
    result = screen_red_flags(record(red_flags={"ces_bladder": "not_asked"}), 35)
    assert result.suggested_tier is None
    assert result.unanswered == []


def test_red_flag_unanswered_items_are_listed():
    result = screen_red_flags(record(red_flags={"ces_saddle": None, "thoracic_pain": ""}), 35)
    assert result.unanswered == ["ces_saddle", "thoracic_pain"]
    empty = screen_red_flags({}, None)
    assert empty.unanswered == list(FIELDS_AND_TIERS)
    assert empty.suggested_tier is None


def test_red_flag_suggested_tier_is_the_highest_present():
    result = screen_red_flags(record(["thoracic_pain", "inflammatory_pattern", "major_trauma"]), 35)
    assert result.suggested_tier == "U"
    result = screen_red_flags(record(["inflammatory_pattern", "ces_bowel", "cancer_history"]), 35)
    assert result.suggested_tier == "E"


def test_red_flag_routine_with_one_context_flag_stays_routine():
    result = screen_red_flags(record(["inflammatory_pattern", "thoracic_pain"]), 35)
    assert result.suggested_tier == "R"
    assert result.context_count == 1


def test_red_flag_two_context_flags_make_urgent():
    result = screen_red_flags(record(["thoracic_pain", "non_mechanical_night_pain"]), 35)
    assert result.suggested_tier == "U"
    assert result.context_count == 2
    assert result.positives == [("non_mechanical_night_pain", "C"), ("thoracic_pain", "C")]
    assert any("2 context flags" in reason for reason in result.reasons)


def test_red_flag_four_context_flags_make_urgent_not_emergency():
    fields = [f for f, t in FIELDS_AND_TIERS.items() if t == "C"]
    result = screen_red_flags(record(fields), 35)
    assert (result.suggested_tier, result.context_count) == ("U", 4)


def test_red_flag_cancer_history_alone_is_urgent():
    result = screen_red_flags(record(["cancer_history"]), 35)
    assert result.suggested_tier == "U"
    assert result.neuro_signs == []


NEURO_SIGNS = {
    "neuro_deficit_sensory": {"physical": {"neuro_deficit": "sensory"}},
    "neuro_deficit_motor_minor": {"physical": {"neuro_deficit": "motor_minor"}},
    "neuro_deficit_motor_major": {"physical": {"neuro_deficit": "motor_major"}},
    "below_knee_left": {"pain": {"location": ["lumbar_left", "below_knee_left"]}},
    "below_knee_right": {"pain": {"location": ["below_knee_right"]}},
    "slr_neural_left": {"physical": {"neuro_deficit": "none", "slr_neural_left": True}},
    "slr_neural_right": {"physical": {"neuro_deficit": "none", "slr_neural_right": True}},
}


@pytest.mark.parametrize("sign", NEURO_SIGNS.values(), ids=NEURO_SIGNS.keys())
def test_red_flag_cancer_history_with_neuro_sign_is_emergency(sign):
    result = screen_red_flags(record(["cancer_history"], **sign), 35)
    assert result.suggested_tier == "E"
    assert result.positives == [("cancer_history", "E")]
    assert len(result.neuro_signs) == 1
    assert "[S35]" in result.reasons[0]


def test_red_flag_cancer_history_with_major_motor_loss_is_emergency():
    result = screen_red_flags(record(["cancer_history", "major_motor_loss"]), 35)
    assert result.suggested_tier == "E"
    assert result.positives == [("cancer_history", "E"), ("major_motor_loss", "U")]


def test_red_flag_neuro_sign_without_cancer_history_adds_nothing():
    result = screen_red_flags(record(**NEURO_SIGNS["below_knee_left"]), 35)
    assert result.suggested_tier is None


def test_red_flag_cancer_history_with_thigh_pain_only_stays_urgent():
    result = screen_red_flags(record(["cancer_history"], pain={"location": ["thigh_left"]}), 35)
    assert result.suggested_tier == "U"


def test_red_flag_first_episode_age_over_55_adds_context():
    result = screen_red_flags(record(previous_episodes=0), age_at_onset=56)
    assert result.first_episode_age_context is True
    assert (result.suggested_tier, result.context_count, result.positives) == ("C", 1, [])
    assert any("over 55" in reason for reason in result.reasons)


def test_red_flag_first_episode_age_under_20_adds_context():
    result = screen_red_flags(record(previous_episodes=0), age_at_onset=19)
    assert (result.suggested_tier, result.context_count) == ("C", 1)
    assert any("under 20" in reason for reason in result.reasons)


@pytest.mark.parametrize("age", [20, 35, 55])
def test_red_flag_first_episode_age_20_to_55_adds_nothing(age):
    result = screen_red_flags(record(previous_episodes=0), age_at_onset=age)
    assert (result.suggested_tier, result.context_count) == (None, 0)


@pytest.mark.parametrize("episodes", [1, None])
def test_red_flag_first_episode_rule_needs_zero_previous_episodes(episodes):
    result = screen_red_flags(record(previous_episodes=episodes), age_at_onset=70)
    assert result.context_count == 0


def test_red_flag_first_episode_rule_needs_an_age():
    assert screen_red_flags(record(previous_episodes=0), age_at_onset=None).context_count == 0


def test_red_flag_first_episode_age_plus_one_context_flag_make_urgent():
    result = screen_red_flags(record(["thoracic_pain"], previous_episodes=0), age_at_onset=60)
    assert (result.suggested_tier, result.context_count) == ("U", 2)


def test_red_flag_override_raises_the_tier():
    result = screen_red_flags(
        record(
            ["thoracic_pain"], red_flags={"tier_override": "U", "override_reason": "Looks unwell"}
        ),
        35,
    )
    assert (result.suggested_tier, result.tier, result.overridden) == ("C", "U", True)
    assert any("Looks unwell" in reason for reason in result.reasons)


def test_red_flag_override_raises_from_no_flags():
    result = screen_red_flags(record(red_flags={"tier_override": "R"}), 35)
    assert (result.suggested_tier, result.tier) == (None, "R")


@pytest.mark.parametrize("override", ["U", "R"])
def test_red_flag_override_never_lowers_the_tier(override):
    result = screen_red_flags(record(["ces_saddle"], red_flags={"tier_override": override}), 35)
    assert (result.suggested_tier, result.tier, result.overridden) == ("E", "E", False)
    assert any("only raise" in reason for reason in result.reasons)


def test_red_flag_override_equal_to_suggested_changes_nothing():
    result = screen_red_flags(record(["major_trauma"], red_flags={"tier_override": "U"}), 35)
    assert (result.tier, result.overridden) == ("U", False)


@pytest.mark.parametrize("override", ["C", "X", "", None])
def test_red_flag_override_invalid_values_are_ignored(override):
    result = screen_red_flags(record(["thoracic_pain"], red_flags={"tier_override": override}), 35)
    assert result.tier == "C"


# --- decision before signing -------------------------------------------------------------


def decided(yes, **decision) -> tuple[dict, object]:
    rec = record(yes, red_flags=decision)
    return rec, screen_red_flags(rec, 35)


def test_red_flag_decisions_are_the_four_choices():
    assert DECISIONS == (
        "referred_emergency",
        "referred_urgent",
        "gp_informed",
        "discussed_not_referred",
    )


@pytest.mark.parametrize("yes", [[], ["inflammatory_pattern"], ["thoracic_pain"]])
def test_red_flag_decision_not_needed_below_urgent(yes):
    rec, result = decided(yes)
    assert decision_problems(rec, result) == []
    assert result.needs_decision is False


@pytest.mark.parametrize("yes", [["ces_bladder"], ["major_trauma"]])
def test_red_flag_decision_missing_for_e_or_u(yes):
    rec, result = decided(yes)
    assert [f for f, _ in decision_issues(rec, result)] == ["decision", "safety_net_given"]
    assert len(decision_problems(rec, result)) == 2


def test_red_flag_decision_invalid_value_is_missing():
    rec, result = decided(["major_trauma"], decision="phoned_a_friend", safety_net_given=True)
    assert [f for f, _ in decision_issues(rec, result)] == ["decision"]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_red_flag_decision_discussed_not_referred_needs_a_reason(reason):
    rec, result = decided(
        ["major_trauma"],
        decision="discussed_not_referred",
        decision_reason=reason,
        safety_net_given=True,
    )
    assert [f for f, _ in decision_issues(rec, result)] == ["decision_reason"]


@pytest.mark.parametrize("decision", ["referred_emergency", "referred_urgent"])
def test_red_flag_decision_referral_needs_referred_to(decision):
    rec, result = decided(["ces_bowel"], decision=decision, referred_to=" ", safety_net_given=True)
    assert [f for f, _ in decision_issues(rec, result)] == ["referred_to"]


@pytest.mark.parametrize("given", [None, False])
def test_red_flag_decision_safety_net_must_be_true(given):
    rec, result = decided(
        ["ces_bowel"], decision="referred_emergency", referred_to="ED", safety_net_given=given
    )
    assert [f for f, _ in decision_issues(rec, result)] == ["safety_net_given"]


@pytest.mark.parametrize(
    "decision, extra",
    [
        ("referred_emergency", {"referred_to": "Royal Infirmary ED"}),
        ("referred_urgent", {"referred_to": "GP, Dr Shah"}),
        ("gp_informed", {}),
        (
            "discussed_not_referred",
            {"decision_reason": "Known stable metastasis, oncologist aware"},
        ),
    ],
)
def test_red_flag_decision_complete_has_no_problems(decision, extra):
    rec, result = decided(["cancer_history"], decision=decision, safety_net_given=True, **extra)
    assert decision_problems(rec, result) == []


def test_red_flag_decision_needed_when_override_raises_to_urgent():
    rec, result = decided([], tier_override="U")
    assert result.needs_decision is True
    assert [f for f, _ in decision_issues(rec, result)] == ["decision", "safety_net_given"]


def test_red_flag_decision_needed_when_two_context_flags_make_urgent():
    rec, result = decided(["thoracic_pain", "failure_to_improve_after_4_weeks"])
    assert result.tier == "U"
    assert len(decision_problems(rec, result)) == 2
