"""What a GP or emergency department needs in a referral letter, from the structured record
(docs/clinical-rules.md, "Safety: referral letters"): the timeline as recorded, the red flags
found, the neurological findings, medicines, the physio's decision and reason, and what the
patient was told. Pure Python; every line comes from a field, none from re-voicing a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from physio.clinical._util import as_date, is_true, num, section, text
from physio.clinical.red_flags import RULES_BY_FIELD
from physio.clinical.schema import SECTIONS_BY_NAME

from . import texts
from .model import TreatmentPlan
from .rules import dig, fmt

_DECISIONS = {
    "referred_emergency": "Referred to the emergency department today",
    "referred_urgent": "Referred urgently, to be seen within 14 days",
    "gp_informed": "GP informed",
    "discussed_not_referred": "Discussed with the patient; not referred",
}


@dataclass
class LetterFacts:
    onset: str = ""
    presenting_complaint: str = ""
    red_flags: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    neuro: list[str] = field(default_factory=list)
    medicines: str = ""
    summary: str = ""
    decision: str = ""
    decision_reason: str = ""
    referred_to: str = ""
    told: list[str] = field(default_factory=list)


def _choice(section_name: str, field_name: str, value: Any) -> str | None:
    value = text(value)
    if value is None:
        return None
    try:
        choices = dict(SECTIONS_BY_NAME[section_name].field(field_name).choices)
    except (KeyError, StopIteration):
        return value.replace("_", " ")
    return choices.get(value, value.replace("_", " "))


def onset_words(record: Mapping[str, Any], seen_on: date | None) -> str:
    history = section(record, "history")
    onset = as_date(history.get("onset_date"))
    mode = _choice("history", "onset_mode", history.get("onset_mode"))
    parts = []
    if onset:
        parts.append(f"{onset.day} {onset:%B %Y}")
        if seen_on and seen_on >= onset:
            days = (seen_on - onset).days
            parts[-1] += f" ({days} days before this visit)"
    if mode:
        parts.append(mode.lower())
    return ", ".join(parts)


def neuro_findings(record: Mapping[str, Any], positives: list[str]) -> list[str]:
    physical, flags = section(record, "physical"), section(record, "red_flags")
    found = []
    if "ces_saddle" in positives or text(flags.get("ces_saddle")) == "yes":
        found.append("Saddle sensation: altered (saddle, perianal or genital numbness reported)")
    if "ces_bladder" in positives:
        found.append(
            "Bladder: new dysfunction reported (retention, hesitancy or loss of sensation)"
        )
    if "ces_bowel" in positives:
        found.append("Bowel: new incontinence or loss of sensation reported")
    deficit = _choice("physical", "neuro_deficit", physical.get("neuro_deficit"))
    if deficit:
        found.append(f"Neurological deficit: {deficit.lower()}")
    slr = []
    for side in ("left", "right"):
        angle = num(physical.get(f"slr_{side}_deg"))
        neural = is_true(physical.get(f"slr_neural_{side}"))
        if angle is None and not neural:
            continue
        words = f"{side} {fmt(angle, 0)}°" if angle is not None else side
        if neural:
            words += " (reproduces leg symptoms)"
        slr.append(words)
    if slr:
        found.append("Straight-leg raise: " + ", ".join(slr))
    return found


def told_lines(plan: TreatmentPlan) -> list[str]:
    """What the patient was told, for the doctor (from the plan's facts, in the letter's voice)."""
    facts, n = plan.facts, texts.numbers(plan)
    told = []
    if plan.emergency:
        where = (
            f"to go to {facts.referred_to} now"
            if facts.decision == "referred_emergency" and facts.referred_to
            else f"to go to the nearest {n.department} now"
        )
        told.append(
            f"{where[:1].upper()}{where[1:]}, and not to drive themselves (to call {n.emergency} "
            "if they cannot get there safely)."
        )
        told.append("Given a written emergency referral sheet to show the staff.")
    elif plan.tier == "U":
        if facts.decision in ("referred_urgent", "referred_emergency"):
            told.append(
                "That they have been referred"
                + (f" to {facts.referred_to}" if facts.referred_to else "")
                + f", to be seen within {texts.URGENT_WITHIN_DAYS} days."
            )
        else:
            told.append(f"To see their GP within {texts.URGENT_WITHIN_DAYS} days.")
        told.append("Until seen: comfort movement in a pain-free range and walking only.")
    if plan.item("run_pause"):
        told.append("Running paused until seen.")
    if plan.item("safety_net"):
        told.append(f"Written safety-net advice, with the emergency number {n.emergency}.")
    if plan.item("ces_card"):
        told.append("Written cauda equina warning card.")
    return told


def letter_facts(
    record: Mapping[str, Any] | None, derived: Any, plan: TreatmentPlan
) -> LetterFacts:
    record = record if isinstance(record, Mapping) else {}
    history = section(record, "history")
    flags, impression = section(record, "red_flags"), section(record, "impression")
    positives = []
    for entry in dig(derived, "red_flags", "positives") or []:
        name = entry[0] if isinstance(entry, (tuple, list)) and entry else dig(entry, "field")
        if isinstance(name, str):
            positives.append(name)
    red = [RULES_BY_FIELD[n].label if n in RULES_BY_FIELD else n for n in positives]
    concerns: list[str] = []
    for n in positives:
        rule = RULES_BY_FIELD.get(n)
        if rule and rule.tier in ("E", "U"):
            concerns += [p.strip() for p in rule.suggests.split("/") if p.strip()]
    # Medicines only from a real medicines field (docs/assessment.md has one: long-term
    # steroids); "medication eases it" under what eases the pain says nothing a doctor can use.
    medicines = (
        "Long-term or systemic corticosteroids."
        if is_true(history.get("long_term_steroids"))
        else ""
    )
    told = told_lines(plan)
    return LetterFacts(
        onset=onset_words(record, plan.facts.seen_on),
        presenting_complaint=text(history.get("presenting_complaint")) or "",
        red_flags=list(dict.fromkeys(red)),
        concerns=list(dict.fromkeys(concerns)),
        neuro=neuro_findings(record, positives),
        medicines=medicines,
        summary=text(impression.get("summary")) or "",
        decision=_DECISIONS.get(text(flags.get("decision")) or "", "No decision recorded"),
        decision_reason=text(flags.get("decision_reason")) or "",
        referred_to=text(flags.get("referred_to")) or "",
        told=told,
    )
