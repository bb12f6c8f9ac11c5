"""The intervention library: complete, plain, honest, free of treatments NICE advises against."""

from __future__ import annotations

import dataclasses
import re

import pytest

from physio.plan import INTERVENTIONS, PAIN_RULES, RULES, WALK_RUN_STAGES
from physio.plan import texts as plan_texts
from physio.plan.illustrations import ILLUSTRATIONS as DRAWN
from physio.plan.illustrations import VARIANTS
from physio.plan.library import EXERCISE_CODES, TextBox
from physio.plan.model import KINDS

#: The illustration codes drawn by physio/plan/illustrations.py (pinned in test_illustrations).
ILLUSTRATIONS = set(DRAWN)
BANNED = re.compile(
    r"\bTENS\b|\bbelts?\b|corset|10 ?% rule|ten per ?cent rule|ultrasound|traction|acupuncture|"
    r"interferential|rocker|will fix|will cure|\bcures?\b|dehydrat|hard surfaces? cause",
    re.IGNORECASE,
)
REQUIRED_CODES = {
    "walk_run",
    "pain_monitoring",
    "cadence",
    "warm_up",
    "run_tall",
    "surface",
    "load_reset",
    "cross_training",
    "shoe_replace",
    "shoe_check",
    "shoe_drop",
    "no_orthotics",
    "edu_core",
    "edu_psych",
    "lifestyle",
    "safety_net",
    "ces_card",
    "flare_up",
}
# Items where the word itself is needed to say that insoles do NOT treat back pain.
ORTHOTICS_OK = {"no_orthotics"}


def _texts(entry) -> list[str]:
    return [
        entry.title,
        entry.purpose,
        *entry.steps,
        entry.progression,
        entry.regression,
        entry.cautions,
    ]


def _box_texts(box: TextBox) -> list[str]:
    return [box.title, box.intro, *box.points]


def _syllables(word: str) -> int:
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups) - (
        1 if word.endswith("e") and not word.endswith(("le", "ee")) and len(groups) > 1 else 0
    )
    return max(1, count)


def reading_grade(text: str) -> float:
    """Flesch–Kincaid grade level (a rough syllable count is enough for a ceiling check)."""
    sentences = max(1, len(re.findall(r"[.!?](\s|$)", text)))
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text)
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


def test_plan_library_has_every_exercise_of_the_evidence_with_its_illustration():
    exercise_illustrations = {
        INTERVENTIONS[c].illustration for c in EXERCISE_CODES if c != "walking"
    }
    # drawings only of an easier or harder version the text names (issue 13)
    variants_only = {d for versions in VARIANTS.values() for _, d, _ in versions} - {
        e.illustration for e in INTERVENTIONS.values()
    }
    others = {"walk_run", "warm_up_drills", "cadence"}
    assert exercise_illustrations == ILLUSTRATIONS - others - variants_only
    used = {e.illustration for e in INTERVENTIONS.values() if e.illustration}
    assert used == ILLUSTRATIONS - variants_only
    assert set(INTERVENTIONS) >= REQUIRED_CODES


@pytest.mark.parametrize("code", [c for c in EXERCISE_CODES if c != "walking"])
def test_plan_library_exercise_cards_are_complete(code):
    card = INTERVENTIONS[code]
    assert card.kind == "exercise" and card.code == code
    assert card.illustration == code
    assert 3 <= len(card.steps) <= 5
    assert card.reps or card.hold_s, "a dose"
    assert card.days_per_week and 1 <= card.days_per_week <= 7
    assert card.purpose and card.progression and card.regression
    assert card.evidence


@pytest.mark.parametrize("code", sorted(INTERVENTIONS))
def test_plan_library_entries_are_plain_and_honest(code):
    entry = INTERVENTIONS[code]
    assert entry.kind in KINDS
    assert 3 <= len(entry.steps) <= 5
    for text in _texts(entry):
        assert not BANNED.search(text), text
        if code not in ORTHOTICS_OK:
            assert not re.search(r"orthotic|insole", text, re.IGNORECASE), text
    assert reading_grade(" ".join(entry.steps)) <= 8, entry.steps


def test_plan_library_safety_texts():
    from tests.plan.builders import plan_for, record

    plan = plan_for(record())
    SAFETY_NET = plan_texts.safety_boxes(plan)
    CES_CARD = plan_texts.ces_card(plan)
    FLARE_UP = plan_texts.flare_up_box(plan)
    assert [box.title for box in SAFETY_NET] == [
        "Seek emergency help now",
        "Contact your doctor the same day",
        "Contact your physiotherapist",
    ]
    emergency, same_day, physio = SAFETY_NET
    assert any("both legs" in p for p in emergency.points)
    assert any("fever" in p for p in same_day.points) and any(
        "cancer" in p for p in same_day.points
    )
    assert any("above 5/10" in p and "two runs in a row" in p for p in physio.points)
    assert any("numbness or weakness" in p for p in physio.points)
    assert len(CES_CARD.points) == 10 and "emergency department" in CES_CARD.intro
    for box in (*SAFETY_NET, CES_CARD, FLARE_UP, PAIN_RULES):
        for text in _box_texts(box):
            assert not BANNED.search(text), text
        assert reading_grade(". ".join(box.points) + ".") <= 8, box.title


def test_plan_library_walk_run_ladder():
    assert len(WALK_RUN_STAGES) == 19
    first, third, last = WALK_RUN_STAGES[0], WALK_RUN_STAGES[2], WALK_RUN_STAGES[-1]
    assert (first.walk_s, first.jog_s) == (270, 30)
    assert (third.walk_s, third.jog_s) == (240, 60)
    assert (last.walk_s, last.jog_s) == (0, 300)
    assert last.label == "Stage 19: jog 20 min without a break"
    assert all(s.walk_s + s.jog_s == 300 and s.blocks == 4 for s in WALK_RUN_STAGES)
    assert INTERVENTIONS["walk_run"].stages == WALK_RUN_STAGES


def test_plan_library_every_rule_adds_library_items():
    for rule in RULES:
        assert set(rule.adds) <= set(INTERVENTIONS), rule.id
    assert all(e.addable for e in INTERVENTIONS.values() if e.kind != "referral")
    assert not any(e.addable for e in INTERVENTIONS.values() if e.kind == "referral")


def test_plan_library_is_read_only_data():
    with pytest.raises(dataclasses.FrozenInstanceError):
        INTERVENTIONS["plank"].hold_s = 99  # type: ignore[misc]
    assert INTERVENTIONS["plank"].dose == {
        "sets": 1,
        "reps": 4,
        "hold_s": 15,
        "days_per_week": 5,
        "rest_s": 30,
    }
