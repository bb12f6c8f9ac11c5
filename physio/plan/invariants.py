"""Whole-plan invariants (docs/clinical-rules.md, "Safety: whole-plan invariants").

Each rule of physio/plan/rules.py is right on its own; these checks read the plan *as a whole*,
as printed (the texts of physio/plan/texts.py and the library), against the facts of the record
kept with the plan (``TreatmentPlan.facts``). They run on every built plan (physio/plan/engine.py:
raise under tests, log and drop the offending item in production) and after every physio edit
(the plan page shows them next to the item; an export is refused while any remains).

Pure Python: no Flask, no database; fast enough to run thousands of times per test run.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from physio.clinical.emergency_numbers import ALL_SHORT_NUMBERS, for_country

from . import texts
from .library import INTERVENTIONS, PAIN_RULES
from .model import PROGRAMME_KINDS, PlanItem, TreatmentPlan

log = logging.getLogger(__name__)

STRICT_ENV = "PHYSIO_PLAN_STRICT"

#: Hard bounds on any dose (the review form's limits, physio/plan/edits.py DOSE_LIMITS).
DOSE_LIMITS: dict[str, tuple[int, int]] = {
    "sets": (1, 10),
    "reps": (1, 50),
    "hold_s": (5, 120),
    "days_per_week": (1, 7),
}
#: Per-exercise hold bounds from the library's evidence (docs/evidence.md §3.3). Plank and side
#: plank: about half the tested time, 10–30 s (revised round 2). Bird dog and curl-up: McGill's
#: short holds (library DOSE_RULES: 8 and 10 s in a descending pyramid), with room for a
#: physio's small adjustment but never the long holds of a plank.
HOLD_BOUNDS_S: dict[str, tuple[int, int]] = {
    "plank": (10, 30),
    "side_plank": (10, 30),
    "bird_dog": (5, 15),
    "curl_up": (5, 15),
    "single_leg_balance": (10, 60),
    "childs_pose": (10, 60),
    "knee_to_chest": (10, 60),
    "hip_flexor_stretch": (10, 60),
    "hamstring_stretch": (10, 60),
}

#: Items that are running advice: none of them while running is paused or at tier U/E
#: (run_pause is the instruction to pause, and is allowed).
RUNNING_ADVICE_CODES = frozenset(
    {
        "walk_run",
        "running_week",
        "cadence_later",
        "pain_monitoring",
        "cadence",
        "warm_up",
        "warm_up_walk",
        "run_tall",
        "surface",
        "load_reset",
        "cross_training",
        "shoe_replace",
        "shoe_check",
        "shoe_drop",
    }
)
#: Exercises allowed at tier U until seen: comfort movement in a pain-free range and walking.
URGENT_EXERCISES = frozenset({"walking", *texts.COMFORT_CODES})
#: Re-test words that load the back or are done running (none at tier U).
LOADED_MEASURE_WORDS = (
    "plank",
    "hold your back muscles",
    "hold your stomach muscles",
    "bridges",
    "squat",
    "strength",
    "step rate",
    "run",
)

#: Patient text that refers to another part of the plan: (pattern, codes of which at least one
#: must be included).
CROSS_REFERENCES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"go back (a|one) stage", re.I), frozenset({"walk_run"})),
    (re.compile(r"walk[–-]run plan", re.I), frozenset({"walk_run"})),
    (re.compile(r"knee-to-chest", re.I), frozenset({"knee_to_chest"})),
    (re.compile(r"child's pose", re.I), frozenset({"childs_pose"})),
    (re.compile(r"cat–cow", re.I), frozenset({"cat_cow"})),
    (re.compile(r"comfort exercises", re.I), frozenset(texts.COMFORT_CODES)),
    (re.compile(r"hip strength", re.I), frozenset(texts.HIP_CODES)),
    (
        re.compile(r"trunk endurance", re.I),
        frozenset({"plank", "side_plank", "bird_dog", "curl_up"}),
    ),
    (re.compile(r"cross-training day", re.I), frozenset({"cross_training", "load_reset"})),
)

#: Running, cadence, surface and warm-up advice, in any item's text.
RUNNING_WORDS = re.compile(
    r"\b(cadence|step rate|steps/min|downhill running|surfaces?\b|warm-up|before (each|you) run|"
    r"go back a stage|walk–run|km a week|weekly running|no running|keep running|your runs?\b|"
    r"easy runs?|easier runs|fuel your running|runs? in a row)",
    re.I,
)
#: Statements that presume the patient runs now.
RUNNER_PRESUMED = re.compile(
    r"(keep running|you ran \d|still running|before each run|your weekly running|"
    r"km a week|runs? in a row|easier runs|fuel your running)",
    re.I,
)
CHECK_CLAIM = re.compile(r"checked you for warning signs", re.I)
#: Test names, questionnaire names and acronyms, units: never in patient text.
JARGON = re.compile(
    r"thomas test|s[øo]rensen|psfs|roland[- ]morris|rmdq|nm/kg|start back|oswestry|"
    r"straight-leg raise|"
    r"\b(?:odi|nprs|slr|ehl|mrc)\b"
)
EMERGENCY_CONTEXT = re.compile(r"(emergency|ambulance|straight away|A&E)", re.I)
#: A three-digit number that is not a measurement (km, seconds, steps, degrees, a score).
SHORT_NUMBER = re.compile(
    r"(?<![\d.])(\d{3})(?!\d|\.\d|\s*(?:km|kilomet|s\b|sec|min|steps|%|°|/|out of|times|reps))"
)
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Violation:
    """One broken invariant: its name, the item it is about (None: the plan as a whole), why."""

    invariant: str
    item_code: str | None
    message: str

    def __str__(self) -> str:
        where = f" [{self.item_code}]" if self.item_code else ""
        return f"{self.invariant}{where}: {self.message}"


class PlanInvariantError(ValueError):
    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__("; ".join(str(v) for v in violations))


# --- what the patient reads ----------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    """One piece of patient text and where it prints (item code, or None for the plan's own)."""

    code: str | None
    where: str
    text: str


def patient_texts(plan: TreatmentPlan) -> Iterator[Text]:
    """Every text the patient reads in this plan, as physio/pdf/plan_sheet.py prints it (the
    physio's own notes are left out: they are the physio's words)."""
    yield Text(None, "headline", plan.headline)
    for measure in plan.review_measures:
        yield Text(None, "review", measure)
    if plan.referral is not None:
        ref = plan.referral
        for finding in ref.findings:
            yield Text(None, "referral finding", finding)
        for line in ref.what_to_tell:
            yield Text(None, "what to tell them", line)
        yield Text(None, "referral decision", ref.physio_decision)
    for item in plan.items:
        if not item.included:
            continue
        yield from item_texts(plan, item)
    for box in texts.safety_boxes(plan) if _included(plan, "safety_net") else ():
        yield from _box(box, "safety_net")
    if _included(plan, "ces_card"):
        yield from _box(texts.ces_card(plan), "ces_card")
    if _included(plan, "flare_up") and not plan.emergency:
        yield from _box(texts.flare_up_box(plan), "flare_up")
    if _included(plan, "pain_monitoring"):
        yield from _box(PAIN_RULES, "pain_monitoring")


def item_texts(plan: TreatmentPlan, item: PlanItem) -> Iterator[Text]:
    entry = INTERVENTIONS.get(item.code)
    yield Text(item.code, "title", item.title)
    if item.reason:
        yield Text(item.code, "reason", item.reason)
    if item.target:
        yield Text(item.code, "target", item.target)
    if entry is None:
        return
    yield Text(item.code, "purpose", entry.purpose)
    if item.code in ("flare_up", "safety_net", "ces_card"):
        return  # printed as their boxes
    for step in texts.item_steps(plan, item):
        yield Text(item.code, "step", step)
    if entry.cautions:
        yield Text(item.code, "cautions", entry.cautions)
    if entry.regression and item.kind == "exercise":
        yield Text(item.code, "regression", entry.regression)
    progression = texts.item_progression(plan, item)
    if progression:
        yield Text(item.code, "progression", progression)


def _box(box, code: str) -> Iterator[Text]:
    yield Text(code, "box", box.intro)
    for point in box.points:
        yield Text(code, "box", point)


def _joined(pts: list[Text]) -> str:
    """All the texts in one string, to rule a pattern out with one search."""
    return "\n".join(t.text for t in pts)


def _included(plan: TreatmentPlan, code: str) -> bool:
    found = plan.item(code)
    return bool(found and found.included)


def _included_codes(plan: TreatmentPlan) -> set[str]:
    return {i.code for i in plan.items if i.included}


# --- the invariants ------------------------------------------------------------------------------
def cross_references_resolve(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """Every reference to another part of the plan points to an item in this plan."""
    held = _included_codes(plan)
    joined = _joined(pts)
    for pattern, codes in CROSS_REFERENCES:
        if held & codes or not pattern.search(joined):
            continue
        for t in pts:
            if t.code not in codes and pattern.search(t.text):
                yield Violation(
                    "cross-reference",
                    t.code,
                    f"'{pattern.pattern}' in the {t.where} points to something this plan does not "
                    "hold",
                )


def no_running_advice_when_paused(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """No running, cadence, surface or warm-up advice while running is paused or at tier U/E."""
    if not texts.no_running_advice(plan):
        return
    for item in plan.items:
        if item.included and item.code in RUNNING_ADVICE_CODES:
            yield Violation(
                "no-running-advice",
                item.code,
                f"{item.title}: running advice while running is paused or the tier is "
                f"{plan.tier or 'U/E'}",
            )
    if not RUNNING_WORDS.search(_joined(pts)):
        return
    for t in pts:
        if t.code in RUNNING_ADVICE_CODES or t.code == "run_pause":
            continue
        match = RUNNING_WORDS.search(t.text)
        if match:
            yield Violation(
                "no-running-advice",
                t.code,
                f"'{match.group(0)}' in the {t.where} while running is paused",
            )


def no_presumed_facts(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """No statement that presumes a fact the record doesn't hold: running when the patient does
    not run; a warning-sign check on an unsigned draft or with red flags unanswered."""
    facts = plan.facts
    joined = _joined(pts)
    look_running = not facts.running and RUNNER_PRESUMED.search(joined)
    look_claim = CHECK_CLAIM.search(joined) and not texts.can_claim_check(plan)
    for t in pts if look_running or look_claim else ():
        if look_running and t.code not in RUNNING_ADVICE_CODES:
            match = RUNNER_PRESUMED.search(t.text)
            if match:
                yield Violation(
                    "presumed-fact",
                    t.code,
                    f"'{match.group(0)}' in the {t.where}, but the record says they don't run now",
                )
        if look_claim and CHECK_CLAIM.search(t.text):
            why = (
                "the assessment is not signed"
                if not facts.signed
                else "some red-flag questions are unanswered"
                if not facts.flags_all_answered
                else f"the tier is {plan.tier}"
            )
            yield Violation("presumed-fact", t.code, f"claims the warning-sign check, but {why}")
    if not facts.running:
        for code in (
            "pain_monitoring",
            "warm_up",
            "warm_up_walk",
            "cadence",
            "run_tall",
            "surface",
        ):
            if _included(plan, code) and not _included(plan, "walk_run"):
                yield Violation(
                    "presumed-fact", code, "running advice for someone who does not run now"
                )


#: Texts true only for some patients (issue 10, round 2): (pattern, does this plan's record hold
#: what it presumes?, what it presumes).
PRESUMED_TEXTS: tuple[tuple[re.Pattern[str], Callable[[TreatmentPlan], bool], str], ...] = (
    (
        re.compile(r"spread further", re.I),
        lambda plan: plan.facts.leg_symptoms,
        "leg symptoms recorded",
    ),
    (
        re.compile(r"\bstrides\b|harder runs", re.I),
        lambda plan: plan.facts.harder_sessions and not _included(plan, "walk_run"),
        "harder runs recorded (and no walk–run)",
    ),
    (
        re.compile(r"back sag|over your head", re.I),
        lambda plan: not plan.facts.extension_sensitive,
        "a back that tolerates arching",
    ),
    (
        re.compile(r"study of new runners, adding", re.I),
        lambda plan: plan.facts.novice_runner,
        "a new runner",
    ),
    (
        re.compile(r"progress to step-downs", re.I),
        lambda plan: _included(plan, "step_down"),
        "the step-down in this plan",
    ),
)
#: Reassurance that presumes nothing serious: never before a doctor has seen a U/E patient.
REASSURANCE = re.compile(
    r"new damage|mean you are damaged|usually not serious|build back up once", re.I
)


def presumed_texts(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """No text that is true only for some patients when this patient's record doesn't hold it
    (leg symptoms, harder runs, an extension-tolerant back, a new runner, a step-down)."""
    joined = _joined(pts)
    for pattern, holds, presumes in PRESUMED_TEXTS:
        if not pattern.search(joined) or holds(plan):
            continue
        for t in pts:
            match = pattern.search(t.text)
            if match:
                yield Violation(
                    "presumed-text",
                    t.code,
                    f"'{match.group(0)}' in the {t.where} presumes {presumes}",
                )


def no_reassurance_before_seen(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """Tier U or E: no "does not mean new damage" or "build back up": the referral is there to
    find out (docs/clinical-rules.md, "Safety")."""
    if plan.tier not in ("U", "E"):
        return
    for t in pts:
        match = REASSURANCE.search(t.text)
        if match:
            yield Violation(
                "reassurance-before-seen",
                t.code,
                f"'{match.group(0)}' in the {t.where} before a doctor has seen them",
            )


def doses_within_bounds(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """Every dose within the review form's limits and the library's bounds for that exercise."""
    for item in plan.items:
        if not item.included:
            continue
        for name, (low, high) in DOSE_LIMITS.items():
            value = getattr(item, name)
            if value is not None and not low <= value <= high:
                yield Violation("dose-bounds", item.code, f"{name} {value} outside {low}–{high}")
        bounds = HOLD_BOUNDS_S.get(item.code)
        if bounds and item.hold_s is not None and not bounds[0] <= item.hold_s <= bounds[1]:
            yield Violation(
                "dose-bounds",
                item.code,
                f"hold {item.hold_s} s outside {bounds[0]}–{bounds[1]} s for {item.title}",
            )


def one_change_at_a_time(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """No cadence change in the same block as a volume reset or a walk–run plan."""
    cadence = plan.item("cadence")
    if cadence is None or not cadence.included or not cadence.target:
        return
    for other in ("load_reset", "walk_run"):
        if _included(plan, other):
            yield Violation(
                "one-change-at-a-time",
                "cadence",
                f"a new step-rate target together with {INTERVENTIONS[other].title.lower()}",
            )


def emergency_sheet(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """Tier E: a referral sheet only; it agrees with the recorded decision and has one date."""
    if plan.tier != "E":
        return
    for item in plan.items:
        if item.included and (item.kind in PROGRAMME_KINDS or item.kind == "footwear"):
            yield Violation("emergency-sheet", item.code, f"{item.title} on an emergency sheet")
    steps = texts.referral_steps(plan)
    joined = " ".join(steps)
    if "Do not drive yourself" not in joined:
        yield Violation("emergency-sheet", None, "does not say not to drive yourself")
    n = for_country(plan.country)
    if n.emergency not in joined:
        yield Violation("emergency-sheet", None, f"does not give the number {n.emergency}")
    referred = plan.facts.decision == "referred_emergency" and plan.facts.referred_to
    if referred and "nearest" in joined:
        yield Violation(
            "emergency-sheet", None, "says 'nearest emergency department' although referred"
        )
    ref = plan.referral
    if ref is not None and plan.facts.seen_on and ref.written_on != plan.facts.seen_on:
        yield Violation("emergency-sheet", None, "prints a date other than the visit's")


def urgent_sheet(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """Tier U: says what the physio already did; until seen only comfort movement and walking,
    no holds or progressions, no loaded re-tests; the physio's reason is printed."""
    if plan.tier != "U":
        return
    for item in plan.items:
        if not item.included:
            continue
        if item.kind == "exercise" and item.code not in URGENT_EXERCISES:
            yield Violation(
                "urgent-sheet", item.code, f"{item.title}: not a comfort movement, until seen"
            )
        if item.kind == "exercise" and item.hold_s:
            yield Violation("urgent-sheet", item.code, f"{item.title}: a hold, until seen")
    steps = " ".join(texts.referral_steps(plan))
    already = plan.facts.decision in ("referred_urgent", "referred_emergency")
    if already and "Book an appointment" in steps:
        yield Violation(
            "urgent-sheet", "referral_urgent", "asks the patient to book although already referred"
        )
    for measure in plan.review_measures:
        if any(word in measure for word in LOADED_MEASURE_WORDS):
            yield Violation("urgent-sheet", None, f"loaded re-test '{measure}' until seen")
    reason = plan.facts.decision_reason
    if reason and plan.referral is not None and reason not in plan.referral.physio_decision:
        yield Violation("urgent-sheet", None, "the physio's recorded reason is not printed")


def country_numbers(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """Emergency and urgent-advice numbers are the clinic country's; 111 is never an emergency
    instruction in the UK."""
    n = for_country(plan.country)
    if not set(SHORT_NUMBER.findall(_joined(pts))) & ALL_SHORT_NUMBERS:
        return
    for t in pts:
        for number in SHORT_NUMBER.findall(t.text):
            if number not in ALL_SHORT_NUMBERS:
                continue
            if number not in n.short_numbers:
                yield Violation(
                    "country-numbers", t.code, f"{number} is not a {n.name} emergency number"
                )
            elif number not in n.emergency_numbers and EMERGENCY_CONTEXT.search(t.text):
                yield Violation("country-numbers", t.code, f"{number} given as an emergency number")


def plain_words(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """No test names, questionnaire names, acronyms or units in patient text."""
    if not JARGON.search(_joined(pts).lower()):
        return
    for t in pts:
        match = JARGON.search(t.text.lower())
        if match:
            yield Violation("plain-words", t.code, f"'{match.group(0)}' in the {t.where}")


def no_doubled_phrases(plan: TreatmentPlan, pts: list[Text]) -> Iterator[Violation]:
    """No phrase of three or more words said twice in a row, with at most a joining word between
    ("possible cauda equina syndrome and possible cauda equina syndrome or ...")."""
    for t in pts:
        gram = doubled_phrase(t.text)
        if gram:
            yield Violation("doubled-phrase", t.code, f"'{gram}' twice in the {t.where}")


def doubled_phrase(text: str) -> str | None:
    words = _WORD.findall(text.lower())
    count = len(words)
    for i in range(count):
        for size in range(3, 9):
            if i + 2 * size > count:
                break
            for gap in (0, 1):
                j = i + size + gap
                if j >= count or words[j] != words[i]:
                    continue
                if gap and words[i + size] not in _JOINERS:
                    continue
                if words[j : j + size] == words[i : i + size]:
                    return " ".join(words[i : i + size])
    return None


_JOINERS = frozenset({"and", "or", "with", "then"})


INVARIANTS: tuple[Callable[[TreatmentPlan, list[Text]], Iterator[Violation]], ...] = (
    cross_references_resolve,
    no_running_advice_when_paused,
    no_presumed_facts,
    presumed_texts,
    no_reassurance_before_seen,
    doses_within_bounds,
    one_change_at_a_time,
    emergency_sheet,
    urgent_sheet,
    country_numbers,
    plain_words,
    no_doubled_phrases,
)


def check_plan(plan: TreatmentPlan) -> list[Violation]:
    """Every violation of every invariant, in a stable order, without duplicates."""
    found: list[Violation] = []
    pts = list(patient_texts(plan))
    for invariant in INVARIANTS:
        found.extend(invariant(plan, pts))
    return list(dict.fromkeys(found))


def violations_by_item(plan: TreatmentPlan) -> dict[str | None, list[str]]:
    """For the plan page: the messages next to each item (None: the plan as a whole)."""
    out: dict[str | None, list[str]] = {}
    for v in check_plan(plan):
        out.setdefault(v.item_code, []).append(f"{v.message} ({v.invariant})")
    return out


def strict_default() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0", "false")


def enforce(plan: TreatmentPlan, *, strict: bool | None = None) -> TreatmentPlan:
    """Check a built plan: raise (strict) or log each violation and drop the offending items."""
    violations = check_plan(plan)
    if not violations:
        return plan
    if strict if strict is not None else strict_default():
        raise PlanInvariantError(violations)
    for v in violations:
        log.error("plan invariant broken: %s", v)
    bad = {v.item_code for v in violations if v.item_code}
    droppable = {i.code for i in plan.items if i.kind not in ("referral", "safety")}
    plan.items = [i for i in plan.items if i.code not in bad & droppable]
    return plan
