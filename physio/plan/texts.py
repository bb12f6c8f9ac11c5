"""The patient texts of one plan that depend on the plan as a whole (docs/clinical-rules.md,
"Safety"): the safety-net boxes and cauda equina card with the clinic country's numbers, the
flare-up box (which names only what this plan holds), the referral steps (which say what the
physio already did), and each item's steps adapted to the tier and the record.

The PDF (physio/pdf/plan_sheet.py) prints these, and the whole-plan invariants
(physio/plan/invariants.py) read the same texts, so what is checked is what is printed.
"""

from __future__ import annotations

from physio.clinical.emergency_numbers import EmergencyNumbers, for_country

from .library import INTERVENTIONS, TextBox
from .model import PlanItem, TreatmentPlan
from .rules import URGENT_WITHIN_DAYS

#: Exercises offered as comfort options (MOBILITY), in the order they are named.
COMFORT_CODES = ("cat_cow", "childs_pose", "knee_to_chest")
_COMFORT_NAMES = {
    "cat_cow": "cat–cow",
    "childs_pose": "child's pose",
    "knee_to_chest": "knee-to-chest",
}
#: Exercises that train hip strength and control (HIP-CONTROL).
HIP_CODES = ("glute_bridge", "single_leg_bridge", "clamshell", "single_leg_balance", "step_down")

_CES_POINTS = (
    "numbness or tingling between your legs, around your back passage or buttocks, or a change "
    "in feeling when you wipe",
    "new trouble passing or controlling urine, leaking, or not knowing when your bladder is full",
    "loss of bowel control or feeling",
    "new problems with erection, ejaculation or feeling in your genitals",
    "weakness in both legs, or a change in the way you walk",
)

CES_CARD_POINTS = (
    "numbness or pins and needles between your inner thighs or genitals, or around your back "
    "passage or buttocks",
    "a change in feeling when you wipe",
    "trouble starting, controlling or stopping the flow of urine",
    "loss of feeling when you pass urine",
    "leaking urine, or a new need for pads",
    "not knowing if your bladder is full or empty",
    "not being able to stop or control a bowel movement",
    "loss of feeling when you open your bowels",
    "a change in being able to get an erection or ejaculate",
    "loss of feeling in your genitals during sex",
)


def numbers(plan: TreatmentPlan) -> EmergencyNumbers:
    return for_country(plan.country)


def no_running_advice(plan: TreatmentPlan) -> bool:
    """Running is paused, or the tier is U or E: no running, cadence, surface or warm-up advice."""
    return plan.tier in ("E", "U") or plan.facts.running_paused


def can_claim_check(plan: TreatmentPlan) -> bool:
    """ "We have checked you for warning signs": only on a signed record with every red-flag
    question answered, and none found that needs a doctor."""
    facts = plan.facts
    return facts.signed and facts.flags_all_answered and plan.tier not in ("E", "U")


def emergency_call(plan: TreatmentPlan) -> str:
    n = numbers(plan)
    return f"call {n.emergency}"


def safety_boxes(plan: TreatmentPlan) -> tuple[TextBox, ...]:
    """The three safety-net boxes of evidence §3.8 (corrected), with this clinic's numbers."""
    n = numbers(plan)
    emergency = TextBox(
        title="Seek emergency help now",
        intro=f"If any of these start or get worse before you are seen, call {n.emergency}:"
        if plan.emergency
        else f"Go to the nearest {n.department} now, or call {n.emergency}, if you get:",
        points=_CES_POINTS,
    )
    advice = f", or {n.urgent_advice} if you can't reach them" if n.urgent_advice else ""
    doctor = TextBox(
        title="Contact your doctor the same day",
        intro=f"Call your doctor today{advice}, if you have:",
        points=(
            "back pain with a fever or chills, or you feel generally unwell",
            "new back pain that is constant, worse at night or getting steadily worse, if you "
            "have ever had cancer",
            "weight loss you can't explain",
            "back pain after a bad fall or an accident, such as a fall from a height or a road "
            "accident",
        ),
    )
    physio_points: list[str] = []
    if plan.facts.running and not no_running_advice(plan):
        physio_points.append(
            "pain during a run goes above 5/10, or is worse the next morning after two runs in "
            "a row"
        )
    elif plan.tier == "U":
        physio_points.append("your pain gets steadily worse before you have been seen")
    physio_points += [
        # "spread further" presumes leg symptoms: only when the record holds them.
        "your leg symptoms spread further down your leg"
        if plan.facts.leg_symptoms
        else "you get new pain, pins and needles or numbness in a leg",
        "you get new numbness or weakness in a leg, or numbness or weakness that is getting "
        "worse: contact us the same day",
    ]
    physio = TextBox(
        title="Contact your physiotherapist",
        intro="Get in touch with us if:",
        points=tuple(physio_points),
    )
    if plan.emergency:
        return (emergency,)
    return (emergency, doctor, physio)


def ces_card(plan: TreatmentPlan) -> TextBox:
    n = numbers(plan)
    intro = (
        f"If any of these start or get worse before you are seen, call {n.emergency}:"
        if plan.emergency
        else f"Go to the nearest {n.department} straight away, or call {n.emergency}, if you "
        "notice any of these:"
    )
    return TextBox(
        title="Cauda equina warning card",
        intro=intro,
        points=CES_CARD_POINTS,
    )


def _included(plan: TreatmentPlan, code: str) -> bool:
    found = plan.item(code)
    return bool(found and found.included)


def comfort_names(plan: TreatmentPlan) -> list[str]:
    return [_COMFORT_NAMES[c] for c in COMFORT_CODES if _included(plan, c)]


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


#: Said instead of "a flare-up does not mean new damage" while a doctor has still to see the
#: patient (tier U or E): the reassurance presumes what the referral is there to find out.
WORSE_BEFORE_SEEN = "if your pain gets worse before you are seen, contact us or your doctor"


def flare_up_box(plan: TreatmentPlan) -> TextBox:
    """What to do in a flare-up, naming only what this plan holds."""
    if plan.tier in ("U", "E"):
        comfort = comfort_names(plan)
        return TextBox(
            title="If your pain gets worse",
            intro="Until you have been seen:",
            points=(
                "rest from whatever stirs it up, and keep walking as far as is comfortable",
                f"use your comfort exercises ({_join(comfort)}), only as far as is free of pain"
                if comfort
                else "keep moving gently, within what is free of pain",
                WORSE_BEFORE_SEEN,
                "if you notice any of the warning signs in this plan, act on it at once",
            ),
        )
    points = []
    if no_running_advice(plan):
        points.append(
            "rest from whatever stirs it up for a day or two, and keep walking as far as is "
            "comfortable"
        )
    elif _included(plan, "walk_run"):
        points.append(
            "cut back for a few days: go back a stage in your walk–run plan, or swap runs for walks"
        )
    elif plan.facts.running:
        points.append("cut back for a few days: run less, or swap runs for walks")
    else:
        points.append("cut back for a few days on whatever stirs it up, and keep walking")
    comfort = comfort_names(plan)
    if comfort:
        points.append(f"keep moving gently, and use your comfort exercises ({_join(comfort)})")
    else:
        points.append("keep moving gently, within what is comfortable")
    points += [
        "use what usually eases your pain, such as heat or a change of position",
        "build back up once the pain settles by the next morning",
        "contact us if it has not settled within a week, or at once if you notice any warning sign",
    ]
    return TextBox(
        title="If your pain flares up",
        intro="Flare-ups are common while you recover. They do not mean new damage. If one "
        "happens:",
        points=tuple(points),
    )


def referral_steps(plan: TreatmentPlan) -> list[str]:
    """What to do now, agreeing with what the physio recorded (decision, referred to)."""
    facts, n = plan.facts, numbers(plan)
    if plan.emergency:
        if facts.decision == "referred_emergency" and facts.referred_to:
            go = (
                "Go there now: your physiotherapist has referred you and told them about you. "
                "Do not wait to see if it gets better."
            )
        else:
            go = f"Go to the nearest {n.department} now. Do not wait to see if it gets better."
        return [
            go,
            "Do not drive yourself. Ask someone to take you, or call "
            f"{n.emergency} for an ambulance if you can't get there safely.",
            "Take this sheet with you and show it to the staff.",
            "Tell them what is written under 'What to tell them'.",
        ]
    if plan.tier == "U":
        days = URGENT_WITHIN_DAYS
        steps: list[str]
        if facts.decision in ("referred_urgent", "referred_emergency"):
            steps = [
                "Your physiotherapist has already referred you. You do not need to book this "
                "yourself: they will contact you with an appointment.",
                f"If you have not heard from them within {days // 2} days, call us.",
            ]
        elif facts.decision == "gp_informed":
            steps = [
                "Your physiotherapist has already told your GP about these findings.",
                f"Book an appointment with your GP to be seen within {days} days, and mention "
                "this plan.",
            ]
        else:
            steps = [f"Book an appointment with your doctor within {days} days."]
        return [
            *steps,
            "Take this plan with you and show it to the doctor.",
            "Until you have been seen, keep to the gentle programme in this plan.",
        ]
    return []


def item_steps(plan: TreatmentPlan, item: PlanItem) -> list[str]:
    """An item's plain steps as printed: the library's, adapted to this plan."""
    entry = INTERVENTIONS.get(item.code)
    if entry is None:
        return []
    if item.kind == "referral":
        return referral_steps(plan)
    steps = list(entry.gentle_steps) if plan.gentle_until_seen and entry.gentle_steps else None
    steps = steps or list(entry.steps)
    if item.code == "edu_core":
        claim = "We have checked you for warning signs."
        out = []
        for step in steps:
            if claim in step and not can_claim_check(plan):
                step = step.replace(claim, "").replace("  ", " ").strip()
            if step.startswith("Pain in a run") and (
                not plan.facts.running or no_running_advice(plan)
            ):
                continue
            out.append(step)
        steps = out
    if item.code == "edu_core" and plan.tier in ("U", "E"):
        # No "usually not serious" or "it does not mean you are damaged" before a doctor has seen
        # the patient (docs/clinical-rules.md, "Safety").
        steps = [_UNTIL_SEEN_STEPS.get(step, step) for step in steps]
    if item.code == "cat_cow" and plan.facts.extension_sensitive:
        # Arching hurts: round up, then back to level, never "let your back sag".
        steps = list(entry.gentle_steps or steps)
    if item.code == "load_reset" and not plan.facts.novice_runner:
        # The 30 % study was of new runners [S18]: quoted only to a new runner.
        steps = [
            "Avoid big jumps in your weekly running." if "study of new runners" in step else step
            for step in steps
        ]
    if item.code == "lifestyle" and (not plan.facts.running or no_running_advice(plan)):
        steps = [_NOT_RUNNING_STEPS.get(step, step) for step in steps]
    return steps


def item_progression(plan: TreatmentPlan, item: PlanItem) -> str:
    """The "when it gets easy" line as printed: none on a gentle programme, none that presumes
    what the record doesn't hold."""
    entry = INTERVENTIONS.get(item.code)
    if entry is None or not entry.progression or plan.gentle_until_seen:
        return ""
    if item.code == "warm_up" and (not plan.facts.harder_sessions or _included(plan, "walk_run")):
        return ""  # strides "before harder runs": only when the record shows harder runs
    if item.code == "hip_flexor_stretch" and plan.facts.extension_sensitive:
        return ""  # the arm overhead arches the back
    return entry.progression


#: The education steps that presume nothing serious, for a patient still to be seen (U/E).
_UNTIL_SEEN_STEPS = {
    "Back pain is common in runners and is usually not serious.": (
        "Back pain is common in runners. Some of what we found needs a doctor to check it."
    ),
    "Pain often comes from muscles, joints and discs that are sensitive and tired. It does "
    "not mean you are damaged.": (
        "Until you have been seen, keep to the gentle programme in this plan. "
        + WORSE_BEFORE_SEEN[0].upper()
        + WORSE_BEFORE_SEEN[1:]
        + "."
    ),
}

#: The lifestyle steps that speak of running, for someone not running now (or paused).
_NOT_RUNNING_STEPS = {
    "Busy or stressful weeks can make pain feel worse. Plan easier runs in those weeks.": (
        "Busy or stressful weeks can make pain feel worse. Take those weeks more gently."
    ),
    "Eat enough to fuel your running, and drink when you are thirsty.": (
        "Eat regular meals, enough for all that you do, and drink when you are thirsty."
    ),
}
