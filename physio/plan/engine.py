"""Build a :class:`TreatmentPlan` from an assessment record by applying the rules in table order."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from physio.clinical._util import text
from physio.clinical.emergency_numbers import normalise_country
from physio.clinical.red_flags import RULES_BY_FIELD

from .invariants import enforce
from .model import (
    EXERCISE_CAP,
    EXERCISE_CAP_PSYCH,
    PlanContext,
    PlanFacts,
    PlanItem,
    Referral,
    TreatmentPlan,
)
from .rules import (
    RULES,
    URGENT_WITHIN_DAYS,
    Facts,
    dig,
    finding_words,
    join_words,
    review_date,
    review_measures,
)

#: What each rule's part of the plan is about, for the headline (first three that fired).
_FOCUS = {
    "LOAD-SPIKE": "easing your weekly running back to a level your back handles well",
    "RUN-PAIN": "a walk–run plan for now",
    "CORE-ENDURANCE": "building trunk endurance",
    "HIP-CONTROL": "hip strength and control",
    "HIP-FLEXOR": "stretching the front of your hip",
    "HAMSTRING": "hamstring length",
    "CADENCE": "a slightly quicker step rate",
    "SHOE-REPLACE": "new running shoes",
}

_DECISION_WORDS = {
    "referred_emergency": "Your physiotherapist has referred you to the emergency department{to}.",
    "referred_urgent": "Your physiotherapist has referred you{to} to be seen within {days} days.",
    "gp_informed": "Your physiotherapist has told your GP about these findings.",
    "discussed_not_referred": "Your physiotherapist discussed these findings with you and decided "
    "not to refer you now{why}.",
}


def build_plan(
    record: Mapping[str, Any] | None,
    patient: Mapping[str, Any] | None = None,
    derived: Any = None,
    context: PlanContext | None = None,
    history: Any = None,
    *,
    strict: bool | None = None,
) -> TreatmentPlan:
    """The plan the rules derive from ``record``; ``derived`` is computed when not given.

    An E tier makes the plan an emergency referral sheet (referral and safety items only); a U tier
    puts the referral first and keeps the programme gentle until the patient has been seen.
    ``history``: the patient's earlier signed records, oldest first (reviews).

    Every built plan is checked as a whole (physio/plan/invariants.py): with ``strict`` (the
    default under tests: PHYSIO_PLAN_STRICT=1) a violation raises PlanInvariantError; otherwise it
    is logged and the offending item dropped.
    """
    facts = Facts(record, patient, derived, context, history)
    if context is None:
        facts.context = PlanContext(today=facts.seen_on or date.today())
    fired: list[str] = []
    items: list[PlanItem] = []
    for rule in RULES:
        if facts.emergency and not rule.in_emergency:
            continue
        if facts.urgent and not rule.in_urgent:
            continue
        added = rule.fire(facts)
        if added is None:
            continue
        fired.append(rule.id)
        items.extend(added)
    items = merge_items(items)
    cap = EXERCISE_CAP_PSYCH if "EDU-PSYCH" in fired else EXERCISE_CAP
    items, left_out_items = cap_exercises(items, cap)
    plan = TreatmentPlan(
        tier=facts.tier,
        emergency=facts.emergency,
        items=items,
        rules_fired=fired,
        review_date=review_date(facts),
        review_measures=review_measures(facts),
        headline=headline(facts, items),
        gentle_until_seen=facts.gentle,
        referral=build_referral(facts),
        left_out=[i.code for i in left_out_items],
        left_out_items=left_out_items,
        running_week=facts.running_week if any(i.code == "running_week" for i in items) else None,
        country=normalise_country(facts.context.country if facts.context else None),
        facts=plan_facts(facts),
    )
    return enforce(plan, strict=strict)


def plan_facts(facts: Facts) -> PlanFacts:
    """What the record holds that the plan's texts may presume (kept for the invariants)."""
    flags = facts.sec("red_flags")
    return PlanFacts(
        # a runner (km in the last 4 weeks), or running this week (a walk–run ladder counts)
        running=facts.running or facts.runs_this_week,
        running_paused=facts.no_running_advice,
        signed=bool(facts.context and facts.context.signed),
        flags_all_answered=facts.flags_all_answered,
        seen_on=facts.seen_on,
        decision=text(flags.get("decision")),
        referred_to=text(flags.get("referred_to")),
        decision_reason=text(flags.get("decision_reason")),
        leg_symptoms=bool(facts.leg_symptoms),
        harder_sessions=facts.harder_sessions,
        extension_sensitive=facts.extension_sensitive,
        novice_runner=facts.novice_runner,
    )


def merge_items(items: list[PlanItem]) -> list[PlanItem]:
    """One item per code, where its first rule put it, with the later rules' reasons and ids."""
    merged: dict[str, PlanItem] = {}
    for new in items:
        old = merged.get(new.code)
        if old is None:
            merged[new.code] = new
            continue
        if new.reason and new.reason not in old.reason:
            # Sentence by sentence, so a shared sentence (a dose) is said once.
            fresh = [x for x in _sentences(new.reason) if x not in old.reason]
            old.reason = " ".join([old.reason, *fresh]).strip()
        old.rule_ids += [r for r in new.rule_ids if r not in old.rule_ids]
        if new.side and new.side != old.side:
            old.side = new.side if old.side is None else "both"
    return list(merged.values())


def _sentences(text: str) -> list[str]:
    """A reason's sentences (split after . ! ? followed by a space)."""
    return [x for x in re.split(r"(?<=[.!?])\s+", text.strip()) if x]


def cap_exercises(items: list[PlanItem], cap: int) -> tuple[list[PlanItem], list[PlanItem]]:
    """Keep the first ``cap`` exercises (rule order = highest value first); return the rest."""
    kept: list[PlanItem] = []
    left_out: list[PlanItem] = []
    count = 0
    for i in items:
        if i.kind == "exercise":
            count += 1
            if count > cap:
                left_out.append(i)
                continue
        kept.append(i)
    return kept, left_out


def headline(facts: Facts, items: list[PlanItem]) -> str:
    """One line on what the plan is about: only what the plan holds (after the exercise cap), and
    "keep running" only for someone who runs."""
    if facts.emergency:
        flags = facts.sec("red_flags")
        referred = text(flags.get("decision")) == "referred_emergency" and text(
            flags.get("referred_to")
        )
        where = "the hospital you have been referred to" if referred else "the emergency department"
        return f"Go to {where} now: some of your signs need a doctor to check you today."
    if facts.urgent:
        decision = text(facts.sec("red_flags").get("decision"))
        if decision in ("referred_urgent", "referred_emergency"):
            return (
                f"You have been referred to be seen within {URGENT_WITHIN_DAYS} days; until then, "
                "keep to the gentle programme in this plan."
            )
        return (
            f"Please see a doctor within {URGENT_WITHIN_DAYS} days; until then, keep to the gentle "
            "programme in this plan."
        )
    # A step-rate change put off until the running is steady is not a focus of this plan.
    deferred = {"CADENCE"} if any(i.code == "cadence_later" for i in items) else set()
    held = [r for i in items if i.included for r in i.rule_ids if r not in deferred]
    focus = list(dict.fromkeys(_focus(facts, r) for r in held if r in _FOCUS))[:3]
    # Only a runner who runs this week is helped to "keep running" (docs/clinical-rules.md).
    if facts.runs_this_week and facts.running:
        goal = "keep running while your back settles"
    elif facts.running or facts.runs_this_week or facts.enum("training", "runner_level"):
        goal = "get back to running as your back settles"
    else:
        goal = "recover as your back settles"
    if not focus:
        return f"This plan helps you stay active and {goal}."
    return f"This plan focuses on {join_words(focus)}, to help you {goal}."


def _focus(facts: Facts, rule_id: str) -> str:
    week = facts.running_week
    if rule_id == "LOAD-SPIKE" and week is not None and week.decision == "reset":
        return f"easing your weekly running back to about {week.level_km:g} km a week"
    if rule_id == "LOAD-SPIKE" and week is not None:
        return {
            "build": "building your running back up step by step",
            "step_back": "stepping your running back a little until the pain settles",
            "taper": "tapering your running before your race",
        }.get(week.decision, "keeping your weekly running steady")
    return _FOCUS[rule_id]


def build_referral(facts: Facts) -> Referral | None:
    if not (facts.emergency or facts.urgent):
        return None
    ctx = facts.context
    flags = facts.sec("red_flags")
    referred_to = text(flags.get("referred_to"))
    findings = finding_words(facts)
    if facts.emergency:
        urgency, days, go_to = "today, emergency department", 0, "the emergency department"
    else:
        urgency, days = f"within {URGENT_WITHIN_DAYS} days", URGENT_WITHIN_DAYS
        go_to = referred_to or "your GP or doctor"
    recorded, concerns = recorded_and_concerns(facts, plain=True)
    who = ctx.physio_name or "my physiotherapist"
    reg = f" (registration {ctx.physio_registration})" if ctx.physio_registration else ""
    seen = facts.seen_on or ctx.today
    recorded += [w for w in findings if w.startswith("a first episode")]
    tell = [f"I have low back pain. My physiotherapist found {'; '.join(recorded or findings)}."]
    if concerns:
        tell.append(f"My physiotherapist wants a doctor to check for {join_words(concerns, 'or')}.")
    else:
        tell.append("My physiotherapist would like a doctor to review these findings together.")
    tell.append(
        f"I was assessed by {who}{reg} at {ctx.clinic_name or 'the clinic'} on {seen:%d %B %Y}."
    )
    if ctx.clinic_phone:
        tell.append(f"You can call the clinic on {ctx.clinic_phone}.")
    return Referral(
        tier=facts.tier or "",
        urgency=urgency,
        within_days=days,
        go_to=go_to,
        findings=findings,
        what_to_tell=tell,
        physio_decision=decision_words(flags),
        referred_to=referred_to,
        physio_name=ctx.physio_name,
        physio_registration=ctx.physio_registration,
        clinic_name=ctx.clinic_name,
        clinic_phone=ctx.clinic_phone,
        # One date on the sheet: the visit's (the render date goes only in the export record).
        written_on=seen,
    )


#: What the patient says to the staff (issue 10, round 2: plain words, the clinical term in
#: brackets at most): each suspected condition of the red-flag rules.
PLAIN_CONCERNS = {
    "cauda equina syndrome": "pressure on the nerves at the base of the spine (cauda equina "
    "syndrome)",
    "spinal cord compression": "pressure on the spinal cord (spinal cord compression)",
    "spinal infection": "an infection in the spine",
    "spinal malignancy": "a growth in the spine (spinal malignancy)",
    "malignancy": "a growth (malignancy)",
    "infection": "an infection",
    "spinal fracture": "a broken bone in the spine (spinal fracture)",
    "osteoporotic fracture": "a broken bone in the spine from weak bones (osteoporotic fracture)",
    "fracture": "a broken bone in the spine",
    "bone stress injury": "a stress injury to a bone in the back (bone stress injury)",
    "pars stress fracture": "a stress injury to a bone in the back (bone stress injury)",
    "serious radiculopathy": "a badly pinched nerve",
    "other serious pathology": "another serious cause of back pain",
}


_FIRST_PERSON = {"you": "I", "your": "my", "yourself": "myself"}


def first_person(words: str) -> str:
    """A red flag's plain wording (ours, addressed to the patient) as the patient says it to the
    staff: "when you pass urine" → "when I pass urine"."""
    return re.sub(r"\b(you|your|yourself)\b", lambda m: _FIRST_PERSON[m.group(1)], words)


def recorded_and_concerns(facts: Facts, plain: bool = False) -> tuple[list[str], list[str]]:
    """For the staff who see the patient: each finding, and each suspected condition once
    ("cauda equina syndrome or spinal cord compression", not "possible cauda equina syndrome and
    possible cauda equina syndrome or ..."). ``plain``: in the patient's words (the "what to tell
    them" lines), else the clinician's."""
    recorded, concerns = [], []
    for name in facts.positives:
        rule = RULES_BY_FIELD.get(name)
        said = (first_person(rule.plain) if plain else rule.label) if rule else None
        recorded.append(said or name.replace("_", " "))
        if rule is None or rule.tier not in ("E", "U"):
            continue
        if (
            name == "cancer_history"
            and facts.emergency
            and dig(facts.derived, "red_flags", "neuro_signs")
        ):
            concerns.append(
                "pressure on the spinal cord from a growth (spinal cord compression), as you "
                "have had cancer and have nerve signs"
                if plain
                else "metastatic spinal cord compression (past cancer with nerve signs)"
            )
            continue
        parts = [part.strip() for part in rule.suggests.split("/") if part.strip()]
        concerns += [PLAIN_CONCERNS.get(p, p) for p in parts] if plain else parts
    return list(dict.fromkeys(recorded)), list(dict.fromkeys(concerns))


def decision_words(flags: Mapping[str, Any]) -> str:
    decision = text(flags.get("decision"))
    if decision not in _DECISION_WORDS:
        reason = text(flags.get("decision_reason"))
        return "Your physiotherapist has not recorded a decision yet." + (
            f" Their reason: {reason}" if reason else ""
        )
    referred_to = text(flags.get("referred_to"))
    reason = text(flags.get("decision_reason"))
    words = _DECISION_WORDS[decision].format(
        to=f" ({referred_to})"
        if decision == "referred_emergency" and referred_to
        else f" to {referred_to}"
        if referred_to
        else "",
        days=URGENT_WITHIN_DAYS,
        why=f": {reason}" if reason else "",
    )
    if reason and decision != "discussed_not_referred":
        # The physio's own recorded reason, as written (RED-U/RED-E, round 2).
        words += f" Their reason: {reason}"
    return words
