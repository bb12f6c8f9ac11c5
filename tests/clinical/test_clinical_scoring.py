"""Questionnaire scores against hand-computed examples (docs/evidence.md §1.3)."""

from decimal import Decimal

import pytest

from physio.clinical.scoring import (
    RMDQ_ITEMS,
    SBST_COPYRIGHT,
    SBST_ITEM9_OPTIONS,
    SBST_ITEMS,
    SbstResult,
    odi_percent,
    psfs_mean,
    rmdq_score,
    sbst,
)


def rmdq(*ticked: int) -> dict:
    answers = {f"rmdq_{i}": False for i in range(1, 25)}
    answers.update({f"rmdq_{i}": True for i in ticked})
    answers["rmdq_none"] = not ticked  # asked: nothing ticked is an answer only with this box
    return answers


def sbst_answers(agree: set[int], item9: str | None = "not_at_all") -> dict:
    answers: dict = {f"sbst_{i}": i in agree for i in range(1, 9)}
    answers["sbst_9"] = item9
    return answers


# --- RMDQ ----------------------------------------------------------------------------------


def test_rmdq_items_are_the_24_original_sentences():
    assert len(RMDQ_ITEMS) == 24
    assert RMDQ_ITEMS[0] == "I stay at home most of the time because of my back."
    assert RMDQ_ITEMS[15] == (
        "I have trouble putting on my socks (or stockings) because of the pain in my back."
    )
    assert RMDQ_ITEMS[23] == "I stay in bed most of the time because of my back."


def test_rmdq_score_counts_ticked_items():
    assert rmdq_score(rmdq(1, 5, 24)) == 3


def test_rmdq_score_all_ticked_is_24_and_none_ticked_is_0():
    assert rmdq_score(rmdq(*range(1, 25))) == 24
    assert rmdq_score(rmdq()) == 0


def test_rmdq_score_treats_missing_and_blank_items_as_not_ticked():
    assert rmdq_score({"rmdq_2": True, "rmdq_3": None}) == 1
    # Nothing ticked and "none of these apply" not ticked: not asked, no score (issue 12 review).
    assert rmdq_score({}) is None
    assert rmdq_score(None) is None
    assert rmdq_score({f"rmdq_{i}": False for i in range(1, 25)}) is None
    assert rmdq_score({"rmdq_none": True}) == 0


def test_rmdq_score_does_not_count_truthy_strings():
    assert rmdq_score({"rmdq_1": "no", "rmdq_2": True}) == 1


# --- PSFS ----------------------------------------------------------------------------------


def test_psfs_mean_of_rated_activities():
    outcomes = {
        "psfs": [
            {"activity": "run 5 km", "score": 4},
            {"activity": "sit 1 h", "score": 7},
            {"activity": "run downhill", "score": None},  # not rated: ignored
            {"activity": None, "score": None},
        ]
    }
    assert psfs_mean(outcomes) == pytest.approx(5.5)


def test_psfs_mean_keeps_full_precision():
    outcomes = {
        "psfs": [
            {"activity": "a", "score": 1},
            {"activity": "b", "score": 2},
            {"activity": "c", "score": 2},
        ]
    }
    assert psfs_mean(outcomes) == pytest.approx(5 / 3)


def test_psfs_mean_accepts_decimal_and_zero():
    assert psfs_mean(
        {"psfs": [{"activity": "a", "score": Decimal("0")}, {"activity": "b", "score": 3}]}
    ) == pytest.approx(1.5)


@pytest.mark.parametrize(
    "outcomes",
    [{}, None, {"psfs": []}, {"psfs": None}, {"psfs": [{"activity": "run", "score": None}]}],
)
def test_psfs_mean_without_ratings_is_none(outcomes):
    assert psfs_mean(outcomes) is None


# --- ODI -----------------------------------------------------------------------------------


def odi(*scores: int | None) -> dict:
    return {f"odi_{i}": s for i, s in enumerate(scores, start=1)}


def test_odi_with_seven_answered_is_none():
    assert odi_percent(odi(1, 2, 3, 4, 5, 0, 1, None, None, None)) is None


def test_odi_with_eight_answered_uses_denominator_40():
    # 1+2+3+4+5+0+1+2 = 18; 18 / (5 × 8) × 100 = 45.0
    assert odi_percent(odi(1, 2, 3, 4, 5, 0, 1, 2, None, None)) == 45.0


def test_odi_with_nine_answered_rounds_to_one_decimal():
    # 16 / 45 × 100 = 35.555… → 35.6 (docs/evidence.md's worked example truncates to 35.5)
    assert odi_percent(odi(2, 2, 2, 2, 2, 2, 2, 2, None, 0)) == 35.6


def test_odi_all_ten_answered_doubles_the_sum():
    assert odi_percent(odi(3, 3, 2, 2, 2, 2, 2, 2, 2, 1)) == 42.0
    assert odi_percent(odi(*[5] * 10)) == 100.0
    assert odi_percent(odi(*[0] * 10)) == 0.0


def test_odi_empty_is_none():
    assert odi_percent({}) is None
    assert odi_percent(None) is None


# --- STarT Back ----------------------------------------------------------------------------


def test_sbst_item_texts_and_attribution():
    assert len(SBST_ITEMS) == 9
    assert (
        SBST_ITEMS[0] == "My back pain has spread down my leg(s) at some time in the last 2 weeks"
    )
    assert SBST_ITEMS[8] == "Overall, how bothersome has your back pain been in the last 2 weeks?"
    assert "Keele University" in SBST_COPYRIGHT
    assert [value for value, _ in SBST_ITEM9_OPTIONS] == [
        "not_at_all",
        "slightly",
        "moderately",
        "very_much",
        "extremely",
    ]


@pytest.mark.parametrize("missing", [f"sbst_{i}" for i in range(1, 10)])
def test_sbst_any_unanswered_item_gives_none(missing):
    answers = sbst_answers({1, 2})
    answers[missing] = None
    assert sbst(answers) is None


def test_sbst_unknown_item9_value_counts_as_unanswered():
    assert sbst(sbst_answers(set(), "quite_a_lot")) is None


def test_sbst_total_3_is_low_risk():
    assert sbst(sbst_answers({1, 2, 3})) == SbstResult(total=3, psychosocial=0, risk="low")


def test_sbst_total_4_with_subscale_0_is_medium_risk():
    assert sbst(sbst_answers({1, 2, 3, 4})) == SbstResult(total=4, psychosocial=0, risk="medium")


def test_sbst_subscale_3_total_3_is_low_risk():
    assert sbst(sbst_answers({5, 6, 7})) == SbstResult(total=3, psychosocial=3, risk="low")


def test_sbst_subscale_3_total_4_is_medium_risk():
    assert sbst(sbst_answers({1, 5, 6, 7})) == SbstResult(total=4, psychosocial=3, risk="medium")


def test_sbst_subscale_4_is_high_risk():
    assert sbst(sbst_answers({5, 6, 7, 8})) == SbstResult(total=4, psychosocial=4, risk="high")


def test_sbst_subscale_5_all_items_is_high_risk():
    assert sbst(sbst_answers(set(range(1, 9)), "extremely")) == SbstResult(9, 5, "high")


@pytest.mark.parametrize(
    "item9, point",
    [("not_at_all", 0), ("slightly", 0), ("moderately", 0), ("very_much", 1), ("extremely", 1)],
)
def test_sbst_item9_scores_only_very_much_or_extremely(item9, point):
    result = sbst(sbst_answers({5, 6, 7}, item9))
    assert result is not None
    assert (result.total, result.psychosocial) == (3 + point, 3 + point)
    assert result.risk == ("high" if point else "low")


def test_sbst_item9_bothersome_lifts_subscale_to_high():
    # items 5, 6, 7 + very bothersome = subscale 4 → high, even with total only 4
    assert sbst(sbst_answers({5, 6, 7}, "very_much")).risk == "high"
