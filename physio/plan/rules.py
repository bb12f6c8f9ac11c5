"""The plan rules of ``docs/plan-rules.md``: one small function per rule id, in table order.

Each rule looks at :class:`Facts` (the record, the patient, the derived figures and the context,
read once and defensively) and returns the plan items it adds, each with a reason in the patient's
own figures, or ``None`` when its trigger is absent. Rules never depend on each other's output:
where the table makes one rule depend on another's trigger (PAIN-MONITOR, XTRAIN, REVIEW), the
trigger is a property of ``Facts``.

"Running" (PAIN-MONITOR, and the running-specific wording elsewhere): any of the four weekly km
figures above 0, or runs_per_week above 0, unless the patient said their pain happens while
``not_running``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from physio.clinical import derive, format_number
from physio.clinical._util import as_date, as_list, is_true, num, section, text
from physio.clinical.load import TWO_WEEK_DISCUSS_PCT, pct_change
from physio.clinical.physical import (
    FLEXOR_EXTENSOR_RATIO_MAX,
    HIP_ABDUCTOR_SD,
    SIDE_EXTENSOR_RATIO_MAX,
    asymmetry_pct,
    hip_abductor_norm,
    weaker,
)
from physio.clinical.red_flags import RULES_BY_FIELD
from physio.clinical.scoring import RMDQ_FIELDS, round_half_up

from . import running as rx
from .library import DOSE_RULES, INTERVENTIONS, WALK_RUN_STAGES, pyramid_reps
from .model import PlanContext, PlanItem
from .norms import PLANK_NORMS, SLR_NORM, SORENSEN_CUTOFF, norm_for

# --- thresholds of docs/plan-rules.md (sources in docs/evidence.md) ------------------------
SIDE_PLANK_ASYMMETRY_PCT = 10  # L/R ≈ 1:1 [S26]
BRIDGE_ASYMMETRY_PCT = 20
SINGLE_LEG_SQUAT_POOR = 2  # 3-point score: ≤ 2 = not aligned at 60° [S32a]
SLR_SHORT_DEG = 60  # healthy men ≈ 61° [S30e]
RUN_PAIN_NPRS = 5  # > 5/10 during a run is "unacceptable" [S19]
SHOE_REPLACE_KM = 800  # rule of thumb 480–800 km [S25a][S25b]
SHOE_CHECK_KM = 500
CADENCE_STEP = Decimal("1.05")  # +5 % [S12]
REVIEW_DEFAULT_WEEKS = 4
REVIEW_PSYCH_MAX_WEEKS = 2
REVIEW_MAX_WEEKS = 26
URGENT_WITHIN_DAYS = 14  # U tier: a doctor within days, no later than 2 weeks [S37]

#: Walk–run start: stage 1 (4 × walk 4½ / jog ½ min) for a very irritable back or pain ≥ 8/10 in
#: runs, else stage 3 (4 × walk 4 / jog 1 min), the example of docs/plan-rules.md.
WALK_RUN_GENTLE_STAGE, WALK_RUN_DEFAULT_STAGE = 1, 3
WALK_RUN_SEVERE_NPRS = 8

LOAD_CHANGES = ("volume_up", "race_build_up", "return_after_break")
LEG_LOCATIONS = ("thigh_left", "thigh_right", "below_knee_left", "below_knee_right")
CES_FLAGS = ("ces_bladder", "ces_saddle", "ces_bowel", "ces_sexual", "bilateral_leg_symptoms")
XTRAIN_MODES = {"cycling": "cycling", "swimming": "swimming", "elliptical": "the cross-trainer"}

_CHANGE_WORDS = {
    "volume_up": "more weekly distance",
    "race_build_up": "a race build-up",
    "return_after_break": "a return after a break",
}
_THOMAS_WORDS = {
    "hip_flexor_short": "your hip flexors (the muscles at the front of the hip) are short",
    "rectus_femoris_short": "the muscle at the front of your thigh is tight",
    "both_short": "your hip flexors and the muscle at the front of your thigh are tight",
}
_LEAN_WORDS = {
    "forward_mild": "you leaned a little forward",
    "forward_marked": "you leaned well forward",
    "backward": "you leaned back",
}


# --- small helpers --------------------------------------------------------------------------------
def dig(obj: Any, *names: str) -> Any:
    """Follow attributes (or mapping keys) of the derived figures; ``None`` where one is missing."""
    for name in names:
        if obj is None:
            return None
        obj = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
    return obj


def fmt(value: float | None, places: int = 1) -> str:
    """A figure as a patient reads it: 25, 12.5, 0.8 (physio.clinical.format_number)."""
    return format_number(value, places, missing="?")


def join_words(words: list[str], last: str = "and") -> str:
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def side_of(sides: list[str]) -> str | None:
    sides = sorted(set(sides))
    if not sides:
        return None
    return "both" if len(sides) > 1 else sides[0]


def item(code: str, rule_id: str, reason: str, **changes: Any) -> PlanItem:
    """A plan item from the library entry ``code``, its default dose overridden by ``changes``."""
    entry = INTERVENTIONS[code]
    values: dict[str, Any] = {
        "sets": entry.sets,
        "reps": entry.reps,
        "hold_s": entry.hold_s,
        "days_per_week": entry.days_per_week,
    }
    values.update(changes)
    title = values.pop("title", entry.title)
    return PlanItem(
        code=code, kind=entry.kind, title=title, reason=reason.strip(), rule_ids=[rule_id], **values
    )


# --- the facts the rules read ---------------------------------------------------------------------
class Facts:
    """The record, patient, derived figures and context, read once, tolerant of missing parts."""

    def __init__(
        self,
        record: Any,
        patient: Any = None,
        derived: Any = None,
        context: PlanContext | None = None,
        history: Any = None,
    ):
        self.record: Mapping[str, Any] = record if isinstance(record, Mapping) else {}
        self.patient: Mapping[str, Any] = patient if isinstance(patient, Mapping) else {}
        self.derived = derived if derived is not None else derive(self.record, self.patient)
        self.context = context
        #: The patient's earlier signed records, oldest first (reviews: cadence baseline).
        self.history: list[Mapping[str, Any]] = [
            h for h in as_list(history) if isinstance(h, Mapping)
        ]

    # raw access
    def sec(self, name: str) -> Mapping[str, Any]:
        return section(self.record, name)

    def num(self, sec: str, key: str) -> float | None:
        return num(self.sec(sec).get(key))

    def enum(self, sec: str, key: str) -> str | None:
        return text(self.sec(sec).get(key))

    def multi(self, sec: str, key: str) -> list[str]:
        return [v for v in as_list(self.sec(sec).get(key)) if isinstance(v, str)]

    def true(self, sec: str, key: str) -> bool:
        return is_true(self.sec(sec).get(key))

    # who and when
    @cached_property
    def sex(self) -> str | None:
        return text(self.patient.get("sex"))

    @cached_property
    def age(self) -> int | None:
        age = num(dig(self.derived, "age"))
        return int(age) if age is not None else None

    @cached_property
    def seen_on(self) -> date | None:
        return as_date(self.record.get("seen_at"))

    # red flags
    @cached_property
    def tier(self) -> str | None:
        flags = dig(self.derived, "red_flags")
        tier = dig(flags, "tier") or dig(flags, "suggested_tier")
        return tier if tier in ("E", "U", "R", "C") else None

    @property
    def emergency(self) -> bool:
        return self.tier == "E"

    @property
    def urgent(self) -> bool:
        return self.tier == "U"

    @property
    def gentle(self) -> bool:
        """RED-U: the programme is gentle until the patient has been seen."""
        return self.urgent

    @cached_property
    def positives(self) -> list[str]:
        """Red-flag fields answered "yes", as the clinical screen reported them."""
        fields = []
        for entry in dig(self.derived, "red_flags", "positives") or []:
            name = entry[0] if isinstance(entry, (tuple, list)) and entry else dig(entry, "field")
            if isinstance(name, str):
                fields.append(name)
        return fields

    @cached_property
    def bone_stress_suspected(self) -> bool:
        diagnosis = self.enum("impression", "working_diagnosis")
        return "bone_stress_risk" in self.positives or diagnosis == "suspected_bone_stress"

    @property
    def running_paused(self) -> bool:
        """RED-U with suspected bone stress: no running or cross-training until seen [§3.2]."""
        return self.urgent and self.bone_stress_suspected

    @property
    def no_running_advice(self) -> bool:
        """Tier U or E, or running paused: no running, cadence, surface or warm-up advice."""
        return self.urgent or self.emergency or self.running_paused

    @property
    def runs_or_walk_runs(self) -> bool:
        """Runs this week, or starts a walk–run plan (RUN-PAIN): running cues apply."""
        return self.runs_this_week

    @cached_property
    def extension_sensitive(self) -> bool:
        """Extension hurts, or a bone stress injury is suspected: no cat–cow "sag" until seen."""
        return self.bone_stress_suspected or self.true("physical", "lumbar_extension_painful")

    @cached_property
    def harder_sessions(self) -> bool:
        """The record shows harder (quality) running: more intensity lately, a race build-up, or
        a competitive runner (docs/assessment.md, training)."""
        changes = self.multi("training", "recent_changes")
        return bool({"intensity_up", "race_build_up"} & set(changes)) or (
            self.enum("training", "runner_level") == "competitive"
        )

    @cached_property
    def novice_runner(self) -> bool:
        """A novice (< 6 months of regular running) or under a year of running [S23]."""
        years = self.num("training", "experience_years")
        level = self.enum("training", "runner_level")
        return level == "novice" or (years is not None and years < 1)

    @cached_property
    def flags_all_answered(self) -> bool:
        unanswered = dig(self.derived, "red_flags", "unanswered")
        return isinstance(unanswered, (list, tuple)) and not unanswered

    # running and load
    @cached_property
    def weeks_km(self) -> list[float | None]:
        """[w1, w2, w3, w4]: w1 = the last 7 days, w4 = 4 weeks ago."""
        return [self.num("training", f"weekly_km_w{i}") for i in range(1, 5)]

    @cached_property
    def running(self) -> bool:
        km = any(w is not None and w > 0 for w in self.weeks_km)
        runs = (self.num("training", "runs_per_week") or 0) > 0
        return (km or runs) and self.enum("pain", "onset_in_run") != "not_running"

    @cached_property
    def review(self) -> bool:
        return text(self.record.get("kind")) == "review" or bool(self.history)

    @cached_property
    def running_input(self) -> rx.RunningInput:
        runs = self.num("training", "runs_per_week")
        rmdq = num(dig(self.derived, "rmdq"))
        return rx.RunningInput(
            weeks_km=(self.weeks_km[0], self.weeks_km[1], self.weeks_km[2], self.weeks_km[3]),
            runs_per_week=int(runs) if runs is not None else None,
            longest_run_km=self.num("training", "longest_run_km"),
            pain_during=self.num("pain", "nprs_during_run"),
            pain_next_morning=self.num("pain", "nprs_next_morning"),
            pain_now=self.num("pain", "nprs_now"),
            rmdq=int(rmdq) if rmdq is not None else None,
            spike=self.load_spike,
            spike_pct=self.two_week_change_pct,
            review=self.review,
            cross_training_days=(INTERVENTIONS["cross_training"].days_per_week or 0)
            if self.load_spike
            else 0,
            days_to_race=self.days_to_race,
            # A regular faster session: runs on a track, or trains for a recorded race.
            quality_session="track" in self.multi("training", "surface")
            or bool(text(self.sec("training").get("target_event")))
            or (self.days_to_race is not None and self.days_to_race >= 0),
            returning="return_after_break" in self.multi("training", "recent_changes")
            and not any(w for w in self.weeks_km[1:]),
        )

    @cached_property
    def days_to_race(self) -> int | None:
        """Days from the visit to training-target_event_date (None: no race date recorded)."""
        race = as_date(self.sec("training").get("target_event_date"))
        seen = self.seen_on
        if race is None or seen is None:
            return None
        return (race - seen).days

    @cached_property
    def running_now(self) -> bool:
        """Ran in the last 7 days (the running prescription's condition)."""
        return self.running and rx.running_now(self.running_input)

    @cached_property
    def running_week(self) -> rx.RunningWeek | None:
        """This week's running (docs/clinical-rules.md): not on the walk–run ladder, not while
        running is paused or the plan is gentle until seen (RED-U)."""
        if not self.running_now or self.run_pain or self.gentle or self.emergency:
            return None
        return rx.prescribe(self.running_input)

    @cached_property
    def runs_this_week(self) -> bool:
        """The plan has running in it this week: a running week or the walk–run ladder."""
        if self.emergency or self.running_paused or self.gentle:
            return False
        return self.running_week is not None or self.run_pain

    @cached_property
    def two_week_change_pct(self) -> float | None:
        pct = num(dig(self.derived, "load", "two_week_change_pct"))
        return pct if pct is not None else pct_change(self.weeks_km[0], self.weeks_km[2])

    @cached_property
    def load_changes(self) -> list[str]:
        return [c for c in self.multi("training", "recent_changes") if c in LOAD_CHANGES]

    @cached_property
    def load_spike(self) -> bool:
        pct = self.two_week_change_pct
        spike = pct is not None and round(pct, 6) > TWO_WEEK_DISCUSS_PCT
        return spike or bool(self.load_changes)

    @cached_property
    def run_pain(self) -> bool:
        during = self.num("pain", "nprs_during_run")
        return (
            (during is not None and during > RUN_PAIN_NPRS)
            or self.enum("pain", "irritability") == "high"
            or self.enum("pain", "onset_in_run") == "from_start"
        )

    # psychosocial
    @cached_property
    def sbst_risk(self) -> str | None:
        return dig(self.derived, "sbst", "risk")

    @cached_property
    def yellow_flags(self) -> list[str]:
        return list(dict.fromkeys(self.multi("yellow_flags", "present")))

    @cached_property
    def edu_psych(self) -> bool:
        return self.sbst_risk == "high" or len(self.yellow_flags) >= 2

    # leg symptoms
    @cached_property
    def leg_symptoms(self) -> list[str]:
        found = [loc for loc in self.multi("pain", "location") if loc in LEG_LOCATIONS]
        found += [
            f"slr_neural_{s}" for s in ("left", "right") if self.true("physical", f"slr_neural_{s}")
        ]
        if self.enum("impression", "working_diagnosis") == "radicular_pain":
            found.append("radicular_pain")
        return list(dict.fromkeys(found))

    # physical
    def pair(self, left_key: str, right_key: str) -> tuple[float | None, float | None]:
        return self.num("physical", left_key), self.num("physical", right_key)


# --- the rules, in table order --------------------------------------------------------------------
def finding_words(f: Facts) -> list[str]:
    words = []
    for name in f.positives:
        rule = RULES_BY_FIELD.get(name)
        words.append(rule.plain if rule else name.replace("_", " "))
    if dig(f.derived, "red_flags", "first_episode_age_context"):
        onset_age = dig(f.derived, "age_at_onset")
        words.append(
            f"a first episode of back pain starting at age {onset_age}"
            if onset_age
            else "a first episode of back pain at an age when it is less common"
        )
    if not words:
        words.append("findings that your physiotherapist wants a doctor to check")
    return list(dict.fromkeys(words))


def red_e(f: Facts) -> list[PlanItem] | None:
    if not f.emergency:
        return None
    reason = f"We found {join_words(finding_words(f))}. These need a doctor to check you today."
    flags = f.sec("red_flags")
    referred_to = text(flags.get("referred_to"))
    title = (
        "Go to the hospital you have been referred to, now"
        if text(flags.get("decision")) == "referred_emergency" and referred_to
        else "Go to the emergency department now"
    )
    return [item("referral_emergency", "RED-E", reason, title=title)]


def red_u(f: Facts) -> list[PlanItem] | None:
    if not f.urgent:
        return None
    reason = (
        f"We found {join_words(finding_words(f))}. A doctor should check this within "
        f"{URGENT_WITHIN_DAYS} days. Until then, keep to the gentle programme below."
    )
    items = [
        item(
            "referral_urgent",
            "RED-U",
            reason,
            title=f"See a doctor within {URGENT_WITHIN_DAYS} days",
        )
    ]
    if f.running_paused:
        items.append(
            item(
                "run_pause",
                "RED-U",
                "A possible stress injury of the bone needs checking before you run again.",
            )
        )
    elif f.running:
        items.append(
            item(
                "run_pause",
                "RED-U",
                "Until a doctor has checked you, keep to walking and gentle movement.",
            )
        )
    # Until seen: only comfort movement in a pain-free range and walking as tolerated.
    items.append(
        item("walking", "RED-U", "Walking is the safest way to keep active until you are seen.")
    )
    return items


def safety(f: Facts) -> list[PlanItem]:
    items = [
        item(
            "safety_net",
            "SAFETY",
            "Anyone with back pain should know these warning signs. Serious causes are rare, but "
            "you should know when to get help.",
        )
    ]
    if not f.emergency:
        items.append(
            item(
                "flare_up",
                "SAFETY",
                "Pain can go up and down while you recover. This is what to do.",
            )
        )
    return items


_LEG_WORDS = {
    "thigh_left": "pain in your left thigh",
    "thigh_right": "pain in your right thigh",
    "below_knee_left": "symptoms below your left knee",
    "below_knee_right": "symptoms below your right knee",
    "slr_neural_left": "lifting your straight leg brought on your leg symptoms on the left",
    "slr_neural_right": "lifting your straight leg brought on your leg symptoms on the right",
    "radicular_pain": "nerve-related leg pain",
}


def ces_info(f: Facts) -> list[PlanItem] | None:
    # Also printed whenever a cauda equina red flag was answered "yes" (an emergency sheet in
    # itself).
    ces_flags = [name for name in CES_FLAGS if name in f.positives]
    if not f.leg_symptoms and not ces_flags:
        return None
    if f.leg_symptoms:
        reason = f"We recorded {join_words([_LEG_WORDS[s] for s in f.leg_symptoms])}."
    else:
        reason = "Some of your symptoms are on this card."
    return [item("ces_card", "CES-INFO", reason + " Keep this card and know the signs.")]


def edu_core(f: Facts) -> list[PlanItem]:
    return [
        item(
            "edu_core",
            "EDU-CORE",
            "Knowing what back pain means helps you stay active and recover.",
        )
    ]


_YELLOW_WORDS = {
    "fear_avoidance": "worry that activity will harm your back",
    "catastrophising": "fearing the worst about your pain",
    "low_mood": "low mood",
    "anxiety": "anxiety",
    "poor_sleep": "poor sleep",
    "passive_coping": "relying on others to fix the pain",
    "work_issues": "problems at work",
    "compensation_claim": "a claim linked to your back",
    "social_withdrawal": "seeing people less",
    "running_identity_loss": "missing running as part of who you are",
    "race_pressure": "pressure from an upcoming race",
}


def edu_psych(f: Facts) -> list[PlanItem] | None:
    if not f.edu_psych:
        return None
    parts = []
    sbst = dig(f.derived, "sbst")
    if f.sbst_risk == "high":
        total, psychosocial = dig(sbst, "total"), dig(sbst, "psychosocial")
        parts.append(
            f"On the short questionnaire about your back you scored {total} out of 9, with "
            f"{psychosocial} out of 5 on the worry questions."
        )
    if len(f.yellow_flags) >= 2:
        words = [_YELLOW_WORDS.get(y, y.replace("_", " ")) for y in f.yellow_flags]
        parts.append(f"You told us about {join_words(words)}.")
    parts.append(
        "These can make pain feel worse, so we keep your plan short and see you again within "
        f"{REVIEW_PSYCH_MAX_WEEKS} weeks."
    )
    return [item("edu_psych", "EDU-PSYCH", " ".join(parts))]


def _weeks_sentence(weeks: list[float | None]) -> str:
    """The runner's own weeks in words; weeks of 0 km are said as weeks without running."""
    w1, w2, w3, w4 = weeks
    if all(w is not None for w in weeks):
        if w1 and not any((w2, w3, w4)):
            return f"You ran {fmt(w1)} km in the last 7 days, after 3 weeks without running."
        if all(w and w > 0 for w in weeks):
            return (
                f"You ran {fmt(w4)} km four weeks ago, then {fmt(w3)} km, {fmt(w2)} km and "
                f"{fmt(w1)} km in the last 7 days."
            )
    labels = ("in the last 7 days", "the week before", "3 weeks ago", "4 weeks ago")
    known = [
        f"{fmt(w)} km {label}"
        for w, label in zip(weeks, labels, strict=True)
        if w is not None and w > 0
    ]
    none = [label for w, label in zip(weeks, labels, strict=True) if w is not None and w == 0]
    parts = [f"You ran {join_words(known)}." if known else ""]
    if none:
        parts.append(f"You did not run {join_words(none)}.")
    return " ".join(p for p in parts if p)


def reset_level_km(weeks: list[float | None]) -> float | None:
    """The last well-tolerated weekly km (physio/plan/running.py): never a week of 0 km."""
    return rx.last_well_tolerated_km(tuple(weeks))


def km(value: float | None) -> str:
    return f"{fmt(value)} km"


def pain_words(f: Facts) -> str:
    """The runner's own run and next-morning pain, and whether it settled by the rule."""
    data = f.running_input
    during, morning = data.pain_during, data.pain_next_morning
    if during is None and morning is None:
        return ""
    said = []
    if during is not None:
        said.append(f"{fmt(during)}/10 during runs")
    if morning is not None:
        said.append(f"{fmt(morning)}/10 the next morning")
    sentence = f"Your pain was {join_words(said)}."
    verdict = rx.settled(during, morning)
    if verdict is True:
        sentence += " By the pain rules, that has settled by the next morning."
    elif verdict is False:
        why = (
            "it was still above 3/10 the next morning"
            if morning is not None and morning > rx.PAIN_FINE_MAX
            else "it was worse the next morning than during the run"
        )
        sentence += f" By the pain rules, that has not settled: {why}."
    return sentence


def week_words(f: Facts, week: rx.RunningWeek) -> str:
    """Why this week's amount, in the runner's own figures."""
    w1 = f.weeks_km[0]
    total = km(week.total_km)
    if week.decision == "taper":
        days = week.days_to_race
        when = "this week" if days is not None and days <= 7 else f"in {days} days"
        return (
            f"Your race is {when}, so no build-up now: taper. Run less, about {total} this "
            "week, and keep a little of your usual faster running, short and relaxed, so you "
            "arrive at the start line fresh."
        )
    if week.decision == "reset":
        return (
            f"Keep to about {total} this week, the level your back handled well, until your runs "
            "settle by the next morning."
        )
    if week.decision == "build":
        why = (
            "You have recovered"
            if week.recovered
            else "Your back coped well with last week's running"
        )
        return (
            f"{why}, so build up: about {total} this week, about {rx.BUILD_PCT}% more than the "
            f"{km(w1)} you ran in the last 7 days."
        )
    if week.decision == "step_back":
        before = (
            f"the {km(week.level_km)} you ran" if f.review else f"your usual {km(week.level_km)}"
        )
        return (
            f"Step back a little: about {total} this week, about {rx.STEP_BACK_PCT}% less than "
            f"{before}, until the pain settles by the next morning."
        )
    if f.review:
        if f.two_week_change_pct is not None and round(f.two_week_change_pct, 6) > 30:
            return (
                f"Your back coped, but that was a big jump in two weeks, so keep to about {total} "
                "this week, with no increase."
            )
        return f"Keep to about {total} this week, the same as the last 7 days, with no increase."
    if f.load_spike:
        return f"Keep to about {total} this week, with no increase."
    return (
        f"Keep to about {total} this week (your usual amount over the last 4 weeks) before "
        "you build up."
    )


def running_week_item(f: Facts, rule_id: str, lead: str = "") -> PlanItem | None:
    week = f.running_week
    if week is None:
        return None
    n = len(week.runs)
    # The pain figures and their verdict are in the pain rules item (PAIN-MONITOR), which every
    # running week has beside it.
    reason = " ".join(p for p in (lead, week_words(f, week)) if p)
    return item(
        "running_week",
        rule_id,
        reason,
        target=f"About {km(week.total_km)} in {n} run{'s' if n != 1 else ''}",
        days_per_week=n,
    )


def load_spike(f: Facts) -> list[PlanItem] | None:
    if not f.load_spike or f.running_paused or not f.running_now:
        # With running paused (suspected bone stress) there is no weekly km to set until seen;
        # without running in the last 7 days there is nothing to reset.
        return None
    week = f.running_week
    parts = [_weeks_sentence(f.weeks_km)]
    pct = f.two_week_change_pct
    if pct is not None and round(pct, 6) > TWO_WEEK_DISCUSS_PCT:
        parts.append(f"That is {fmt(pct, 0)}% more than two weeks ago.")
    if f.load_changes:
        parts.append(f"Recently you had {join_words([_CHANGE_WORDS[c] for c in f.load_changes])}.")
    lead = " ".join(p for p in parts if p)
    if week is not None and week.decision != "reset":
        # A review where the back coped (or a first visit without a level to go back to): no
        # reset; the week's running says what to do, from what was actually run.
        week_item = running_week_item(f, "LOAD-SPIKE", lead)
        return [week_item] if week_item else None
    level = week.level_km if week is not None else reset_level_km(f.weeks_km)
    if level is None:
        return None
    target = f"{km(level)} a week"
    w1 = f.weeks_km[0]
    parts.append(
        f"Keep to about {target}, the level your back handled well, with no increase for now."
        if w1 is not None and level >= w1
        else f"Go back to about {target}, the level your back handled well, and build up from "
        "there in small steps."
    )
    if f.gentle:
        parts.append("Do not build back up until you have been seen.")
    items = [item("load_reset", "LOAD-SPIKE", " ".join(p for p in parts if p), target=target)]
    week_item = running_week_item(f, "LOAD-SPIKE")
    return items + ([week_item] if week_item else [])


def walk_run_start_stage(f: Facts) -> int:
    during = f.num("pain", "nprs_during_run")
    if f.enum("pain", "irritability") == "high" or (
        during is not None and during >= WALK_RUN_SEVERE_NPRS
    ):
        return WALK_RUN_GENTLE_STAGE
    return WALK_RUN_DEFAULT_STAGE


def run_pain(f: Facts) -> list[PlanItem] | None:
    if not f.run_pain or f.running_paused:
        return None
    parts = []
    during = f.num("pain", "nprs_during_run")
    if during is not None and during > RUN_PAIN_NPRS:
        parts.append(f"Your pain during runs was {fmt(during)}/10.")
    if f.enum("pain", "irritability") == "high":
        parts.append("Your back is easily stirred up at the moment.")
    if f.enum("pain", "onset_in_run") == "from_start":
        parts.append("The pain starts from the beginning of your runs.")
    stage = WALK_RUN_STAGES[walk_run_start_stage(f) - 1]
    parts.append(
        f"Pause continuous running for now and start the walk–run plan at stage {stage.number}."
    )
    parts.append(
        "Stay at this stage until you have been seen."
        if f.gentle
        else "Move up a stage only if pain stays at 3/10 or less and settles by the next morning."
    )
    return [item("walk_run", "RUN-PAIN", " ".join(parts), target=stage.label)]


def pain_monitor(f: Facts) -> list[PlanItem] | None:
    if not f.running or f.run_pain or f.running_paused:
        return None
    w1 = f.weeks_km[0]
    if w1 is not None and w1 > 0:
        parts = [f"You ran {fmt(w1)} km in the last 7 days."]
    elif f.running_now:
        parts = ["You are still running."]
    else:
        parts = ["You have not run in the last 7 days: use these rules when you run again."]
    said = pain_words(f)
    if said:
        parts.append(said)
    week = f.running_week
    if week is not None and week.settled is False:
        parts.append(
            {
                "step_back": "So this week you run a little less.",
                "reset": "So this week you go back to an amount your back handled well.",
            }.get(week.decision, "So this week has no increase in your running.")
        )
    parts.append("These rules help you judge how much running your back can take.")
    items = [item("pain_monitoring", "PAIN-MONITOR", " ".join(parts))]
    week_item = running_week_item(f, "PAIN-MONITOR")
    return items + ([week_item] if week_item else [])


def xtrain(f: Facts) -> list[PlanItem] | None:
    if not (f.run_pain or f.load_spike) or f.running_paused:
        return None
    done = [mode for mode in XTRAIN_MODES if mode in f.multi("training", "cross_training")]
    # The running is not cut back in a build, hold or taper week: cross-training goes beside
    # the runs, not instead of them (docs/clinical-rules.md, "Cross-training wording").
    beside = running_change(f) in ("build", "hold", "taper")
    if done:
        words = join_words([XTRAIN_MODES[m] for m in done])
        reason = (
            f"You already do {words}: keep it up on days without a run, at a similar effort."
            if beside
            else f"You already do {words}, so use it in place of some runs, at a similar effort."
        )
        target = words
    elif beside:
        reason = (
            "Cycling, swimming or the cross-trainer keep your fitness up on days without a run."
        )
        target = "cycling, swimming or the cross-trainer"
    else:
        reason = "Cycling, swimming or the cross-trainer keep your fitness up while you run less."
        target = "cycling, swimming or the cross-trainer"
    return [item("cross_training", "XTRAIN", reason, target=target[:1].upper() + target[1:])]


def plank_norm_finding(f: Facts, plank: float | None) -> str | None:
    """The plank compared with its norm, only inside the norm's population (norms.py)."""
    norm = norm_for(PLANK_NORMS, f.age, f.sex)
    if plank is None or norm is None or not plank < norm.limit:
        return None
    return (
        f"Your plank hold was {fmt(plank)} s. In a study of {norm.population}, the average was "
        f"about {fmt(norm.value)} s, and most held it for more than {fmt(norm.limit)} s."
    )


def sorensen_finding(f: Facts, sorensen: float | None) -> str | None:
    """The Biering-Sørensen cut-off, only for men aged 30–60 (its population)."""
    norm = SORENSEN_CUTOFF
    if sorensen is None or not norm.applies(f.age, f.sex) or not sorensen < norm.value:
        return None
    return (
        f"Your back-muscle hold was {fmt(sorensen)} s. In a study of {norm.population}, a hold "
        f"under {fmt(norm.value)} s was linked to more back pain within a year."
    )


def dosed(code: str, tested: float | None) -> dict[str, Any]:
    """The exercise's dose from its library dose rule (library.DOSE_RULES)."""
    rule = DOSE_RULES[code]
    return rule.dose(tested, INTERVENTIONS[code].hold_s)


def dose_sentence(code: str, dose: Mapping[str, Any], tested: Any, quoted: bool) -> str:
    """Why the dose is what it is, in the patient's own test figures."""
    hold = dose["hold_s"]
    if DOSE_RULES[code].kind == "pyramid":
        rounds = ", then ".join(str(r) for r in pyramid_reps(dose["reps"], dose["sets"]))
        return (
            f"Short holds of {hold} s keep your form good: {rounds} holds, with a short rest "
            "between rounds."
        )
    rule = DOSE_RULES[code]
    shortest = (
        tested if code == "plank" else min((v for v in tested if v is not None), default=None)
    )
    if shortest is None:
        return f"Start with {hold}-second holds."
    limit = (
        f", up to {rule.hold_max_s} s"
        if shortest / 2 > rule.hold_max_s
        else f", at least {rule.hold_min_s} s"
        if shortest / 2 < rule.hold_min_s
        else ""
    )
    if code == "plank":
        if limit:
            return (
                f"Your plank hold was {fmt(tested)} s. Holds start at about half your time"
                f"{limit}: {hold} s."
            )
        return f"Your plank hold was {fmt(tested)} s, so each hold starts at about half: {hold} s."
    if quoted:
        return f"Holds start at about half your shorter side plank{limit}: {hold} s."
    left, right = tested
    held = join_words(
        [f"{fmt(v)} s on the {s}" for s, v in (("left", left), ("right", right)) if v is not None]
    )
    return (
        f"Your side plank hold was {held}. Holds start at about half the shorter one{limit}: "
        f"{hold} s."
    )


def core_endurance(f: Facts) -> list[PlanItem] | None:
    plank = f.num("physical", "plank_s")
    left, right = f.pair("side_plank_left_s", "side_plank_right_s")
    sorensen = f.num("physical", "sorensen_s")
    flexor = f.num("physical", "flexor_endurance_s")

    plank_said = plank_norm_finding(f, plank)
    side_asym = asymmetry_pct(left, right)
    asym_low = side_asym is not None and side_asym > SIDE_PLANK_ASYMMETRY_PCT
    weak_side = weaker(left, right) if asym_low else None
    side_ext = {
        s: v / sorensen for s, v in (("left", left), ("right", right)) if v is not None and sorensen
    }
    side_ext_high = {s: r for s, r in side_ext.items() if r >= SIDE_EXTENSOR_RATIO_MAX}
    flex_ext = flexor / sorensen if flexor is not None and sorensen else None
    flex_ext_high = flex_ext is not None and flex_ext >= FLEXOR_EXTENSOR_RATIO_MAX
    sorensen_said = sorensen_finding(f, sorensen)
    if not (plank_said or asym_low or side_ext_high or flex_ext_high or sorensen_said):
        return None

    why: dict[str, list[str]] = {"plank": [], "side_plank": [], "bird_dog": [], "curl_up": []}
    if plank_said:
        why["plank"].append(plank_said)
    if asym_low:
        why["side_plank"].append(
            f"Your side plank hold was {fmt(left)} s on the left and {fmt(right)} s on the right."
        )
    if side_ext_high:
        held = join_words(
            [
                f"{fmt(v)} s on the {s}"
                for s, v in (("left", left), ("right", right))
                if s in side_ext_high
            ]
        )
        sentence = (
            f"Your back-muscle hold ({fmt(sorensen)} s) was short compared with your side plank "
            f"({held})."
        )
        why["side_plank"].append(sentence)
        why["bird_dog"].append(sentence)
    if flex_ext_high:
        sentence = (
            f"Your back-muscle hold ({fmt(sorensen)} s) was shorter than your front-trunk hold "
            f"({fmt(flexor)} s)."
        )
        why["bird_dog"].append(sentence)
        why["curl_up"].append(sentence)
    if sorensen_said:
        why["bird_dog"].append(sorensen_said)
    # An exercise with no finding of its own is justified by its place in the set, never by
    # another exercise's test time (issue 10, round 2: bird dog "because of" a side plank time).
    _NAMES = {"plank": "plank", "side_plank": "side plank", "bird_dog": "bird dog"}
    anchors = join_words([_NAMES.get(c, c.replace("_", "-")) for c, w in why.items() if w])
    general = (
        f"Part of your trunk endurance set, with the {anchors}: together they train the muscles "
        "around your trunk, front, sides and back."
    )

    side_tested = (
        min(v for v in (left, right) if v is not None)
        if left is not None or right is not None
        else None
    )
    # Each exercise is dosed from its own test (a side plank from the side plank test).
    tested: dict[str, Any] = {
        "plank": plank,
        "side_plank": (left, right),
        "bird_dog": None,
        "curl_up": None,
    }
    doses = {
        "plank": dosed("plank", plank),
        "side_plank": dosed("side_plank", side_tested),
        "bird_dog": dosed("bird_dog", None),
        "curl_up": dosed("curl_up", None),
    }
    items = []
    for code in why:
        extra: dict[str, Any] = {}
        if code == "side_plank" and weak_side:
            extra = {
                "side": weak_side,
                "target": f"Start with your {weak_side} side, and do 1 extra set on that side",
            }
        reason = " ".join(why[code]) or general
        quoted = code == "side_plank" and asym_low
        reason += " " + dose_sentence(code, doses[code], tested[code], quoted)
        items.append(item(code, "CORE-ENDURANCE", reason, **doses[code], **extra))
    # The exercises that answer a measured finding come first.
    items.sort(key=lambda i: not why[i.code])
    return items


def hip_control(f: Facts) -> list[PlanItem] | None:
    found: dict[str, list[str]] = {"left": [], "right": []}
    for s in ("left", "right"):
        drop = f.enum("running_form", f"pelvic_drop_{s}")
        if drop in ("mild", "marked"):
            found[s].append(
                f"when you ran, your pelvis dipped while you were on your {s} leg ({drop})"
            )
        if f.true("physical", f"trendelenburg_{s}"):
            found[s].append(f"your pelvis dropped when you stood on your {s} leg")
        squat = f.num("physical", f"single_leg_squat_{s}")
        if squat is not None and squat <= SINGLE_LEG_SQUAT_POOR:
            found[s].append(f"your single-leg squat on the {s} scored {fmt(squat)} out of 3")
    abductor = f.pair("hip_abductor_left_nmkg", "hip_abductor_right_nmkg")
    norm = num(dig(f.derived, "physical", "hip_abductor_norm_nmkg"))
    if norm is None and f.age is not None:
        norm = hip_abductor_norm(f.age, f.sex)
    if norm is not None:
        for s, value in zip(("left", "right"), abductor, strict=True):
            if value is not None and value < round(norm - HIP_ABDUCTOR_SD, 3):
                share = round_half_up(100 * value / norm, 0) if norm > 0 else None
                found[s].append(
                    f"your {s} hip-side strength was about {fmt(share, 0)}% of the average for "
                    "your age and sex in a large study of new runners"
                )
    bridges = f.pair("single_leg_bridge_left_reps", "single_leg_bridge_right_reps")
    bridge_asym = asymmetry_pct(*bridges)
    if bridge_asym is not None and bridge_asym > BRIDGE_ASYMMETRY_PCT:
        s = weaker(*bridges)
        found[s].append(
            f"you did {fmt(bridges[0])} single-leg bridges on the left and {fmt(bridges[1])} on "
            "the right"
        )
    if not found["left"] and not found["right"]:
        return None

    counts = {s: len(v) for s, v in found.items()}
    weak = "both" if counts["left"] == counts["right"] else max(counts, key=counts.__getitem__)
    sentences = found["left"] + found["right"]
    named = "both hips" if weak == "both" else f"your {weak} hip"
    reason = f"We found that {join_words(sentences)}. These exercises train {named}."
    extra: dict[str, Any] = {"side": weak}
    if weak != "both":
        extra["target"] = f"Start with your {weak} side, and do 1 extra set on that side"
    weak_bridge = min((b for b in bridges if b is not None), default=None)
    if weak_bridge is not None and weak_bridge >= INTERVENTIONS["single_leg_bridge"].reps:
        bridge = item("single_leg_bridge", "HIP-CONTROL", reason, **extra)
    else:
        bridge = item("glute_bridge", "HIP-CONTROL", reason + " Progress to the single-leg bridge.")
    return [
        bridge,
        item("clamshell", "HIP-CONTROL", reason, **extra),
        item("single_leg_balance", "HIP-CONTROL", reason, **extra),
    ]


def hip_flexor(f: Facts) -> list[PlanItem] | None:
    short = {s: f.enum("physical", f"thomas_{s}") for s in ("left", "right")}
    short = {s: v for s, v in short.items() if v is not None and v != "negative"}
    if not short:
        return None
    words = [
        f"on the {s}, {_THOMAS_WORDS.get(v, 'the front of your hip is tight')}"
        for s, v in short.items()
    ]
    side = side_of(list(short))
    reason = (
        f"When we checked the length of the front of your hips, we found that {join_words(words)}."
    )
    where = "both sides" if side == "both" else f"your {side} side only"
    return [
        item("hip_flexor_stretch", "HIP-FLEXOR", f"{reason} Stretch {where}.", side=side),
        item("cat_cow", "HIP-FLEXOR", "Gentle back movement to go with your hip stretch."),
    ]


def hamstring(f: Facts) -> list[PlanItem] | None:
    short = {}
    for s in ("left", "right"):
        slr = f.num("physical", f"slr_{s}_deg")
        if slr is not None and slr < SLR_SHORT_DEG and not f.true("physical", f"slr_neural_{s}"):
            short[s] = slr
    if not short:
        return None
    words = join_words([f"{fmt(v)}° on the {s}" for s, v in short.items()])
    # The norm only to patients inside its population (norms.py); otherwise their own figures.
    norm = (
        f"; {SLR_NORM.population} average about {fmt(SLR_NORM.value)}°"
        if SLR_NORM.applies(f.age, f.sex)
        else ""
    )
    reason = (
        f"Your straight leg lifted to {words}{norm}. Hold 30 s, twice (about 60 s in all), every "
        "day."
    )
    return [
        item(
            "hamstring_stretch",
            "HAMSTRING",
            reason,
            side=side_of(list(short)),
            hold_s=30,
            reps=2,
            days_per_week=7,
        )
    ]


def neural_care(f: Facts) -> list[PlanItem] | None:
    sides = [s for s in ("left", "right") if f.true("physical", f"slr_neural_{s}")]
    if not sides:
        return None
    side = side_of(sides)
    where = "both sides" if side == "both" else f"the {side}"
    reason = (
        f"Lifting your straight leg brought on your leg symptoms on {where}. Do not stretch your "
        f"hamstrings hard on {'either side' if side == 'both' else 'that side'}; we will recheck "
        "it at each visit."
    )
    return [item("neural_care", "NEURAL-CARE", reason, side=side)]


def mobility(f: Facts) -> list[PlanItem]:
    comfort = "A comfort option: use it when your back feels stiff or sore."
    if not f.urgent:
        return [
            item(code, "MOBILITY", comfort) for code in ("cat_cow", "childs_pose", "knee_to_chest")
        ]
    # RED-U: comfort movement in a pain-free range only: no holds; no cat–cow "sag" when arching
    # back hurts or a bone stress injury is suspected.
    gentle = "A comfort option, in a range that is free of pain, until you have been seen."
    codes = (
        ("childs_pose", "knee_to_chest")
        if f.extension_sensitive
        else (
            "cat_cow",
            "childs_pose",
            "knee_to_chest",
        )
    )
    return [item(code, "MOBILITY", gentle, hold_s=None, sets=None, reps=5) for code in codes]


def cadence_target(spm: float) -> int:
    """round(cadence × 1.05), halves up, in exact decimals (170 → 178.5 → 179)."""
    exact = Decimal(repr(float(spm))) * CADENCE_STEP
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def running_change(f: Facts) -> str | None:
    """This block's change to the running: "walk_run", or the running week's decision."""
    if f.run_pain and not f.running_paused:
        return "walk_run"
    if f.running_week is not None:
        return f.running_week.decision
    if f.load_spike and f.running_now and reset_level_km(f.weeks_km) is not None:
        return "reset"
    return None


def earlier_cadence(f: Facts) -> tuple[list[float], bool]:
    """Step rates measured at earlier visits (oldest first), and whether one of them set a
    target (overstriding with a measured step rate)."""
    rates, targeted = [], False
    for rec in f.history:
        form = section(rec, "running_form")
        spm = num(form.get("cadence_spm"))
        if spm is not None and spm > 0:
            rates.append(spm)
            targeted = targeted or text(form.get("overstriding")) in ("mild", "marked")
    return rates, targeted


def cadence(f: Facts) -> list[PlanItem] | None:
    over = f.enum("running_form", "overstriding")
    if over not in ("mild", "marked") or f.no_running_advice:
        # RED-U: no new running changes until the patient has been seen.
        return None
    if not f.runs_this_week:
        # No step-rate advice for someone with no running this week (a walk–run plan counts:
        # it gets "later", below, as one change at a time).
        return None
    spm = f.num("running_form", "cadence_spm")
    overstride = (
        f"You overstride a little ({over})." if over == "mild" else f"You overstride ({over})."
    )
    if spm is None or spm <= 0:
        reason = overstride + (
            " Your step rate was not recorded: count your steps for one minute at easy pace, or "
            "read it from your watch, so that we can set a target."
        )
        return [
            item(
                "cadence",
                "CADENCE",
                reason,
                title="Measure your step rate first",
                days_per_week=None,
            )
        ]
    rates, targeted = earlier_cadence(f)
    plan = rx.cadence_plan(spm, rates, targeted)
    speed = f.num("running_form", "speed_kmh")
    at = f" at {fmt(speed)} km/h" if speed else ""
    seen = (
        f"Your feet land ahead of your body when you run ({over} overstriding), with a step rate "
        f"of {fmt(spm)} steps/min{at}."
    )
    change = running_change(f)
    if change in rx.NO_NEW_CADENCE_WITH:
        # One change at a time: the running itself changes this block (a target set before is
        # not pushed either while the running is cut back).
        when = (
            "once you are back to continuous running"
            if change == "walk_run"
            else "once your weekly running is steady again"
        )
        return [
            item(
                "cadence_later",
                "CADENCE",
                f"{seen} We will set a step-rate target {when}: one change at a time.",
            )
        ]
    if plan.target_spm is None:
        return [
            item(
                "cadence",
                "CADENCE",
                f"{seen} That is already about 10% above the {fmt(plan.baseline_spm)} steps/min "
                "we first measured, so keep it there rather than going higher.",
                title="Keep your quicker steps",
                target=f"about {fmt(spm)} steps/min",
            )
        ]
    target = plan.target_spm
    if plan.baseline_spm != spm:
        aim = (
            f"Your step rate was {fmt(plan.baseline_spm)} steps/min when we first measured it. "
            f"Aim for {target} steps/min at the same pace"
            + (" (the same target as before)" if not plan.new else "")
            + "; this may reduce the load of each step."
        )
    else:
        aim = (
            f"Aim for {target} steps/min (5% more) at the same pace; this may reduce the load of "
            "each step."
        )
    return [item("cadence", "CADENCE", f"{seen} {aim}", target=f"{target} steps/min")]


def posture(f: Facts) -> list[PlanItem] | None:
    lean, thoracic = (
        f.enum("running_form", "trunk_lean"),
        f.enum("running_form", "thoracic_posture"),
    )
    words = []
    if lean is not None and lean != "upright":
        words.append(_LEAN_WORDS.get(lean, "your trunk was not upright"))
    if thoracic == "hunched":
        words.append("your upper back was hunched")
    if not words:
        return None
    seen = f"When you ran, {join_words(words)}."
    plank = f.num("physical", "plank_s")
    dose = dosed("plank", plank)
    # Running cues only for someone who runs now (or starts a walk–run plan).
    cues = (
        [item("run_tall", "POSTURE", f"{seen} These cues may help you run tall.")]
        if f.runs_or_walk_runs
        else []
    )
    return [
        *cues,
        item(
            "plank",
            "POSTURE",
            f"{seen} Trunk endurance may help you hold a tall posture. "
            + dose_sentence("plank", dose, plank, False),
            **dose,
        ),
    ]


def shoe_replace(f: Facts) -> list[PlanItem] | None:
    km = f.num("footwear", "shoe_km")
    parts = []
    if km is not None and km >= SHOE_REPLACE_KM:
        model = text(f.sec("footwear").get("shoe_model"))
        shoes = f"Your {model} shoes have" if model else "Your main pair of shoes has"
        parts.append(f"{shoes} done about {fmt(km, 0)} km.")
    if f.true("footwear", "midsole_creased"):
        parts.append("The sole is creased.")
    if f.enum("footwear", "wear_pattern") == "asymmetric":
        parts.append("Your left and right shoes are worn differently.")
    if not parts:
        return None
    return [
        item(
            "shoe_replace",
            "SHOE-REPLACE",
            " ".join(parts) + " Replace your shoes now and log the km on the new pair.",
        )
    ]


def shoe_check(f: Facts) -> list[PlanItem] | None:
    km = f.num("footwear", "shoe_km")
    if km is None or not SHOE_CHECK_KM <= km < SHOE_REPLACE_KM or shoe_replace(f):
        # Replacing now (SHOE-REPLACE) already covers "replace soon".
        return None
    return [
        item(
            "shoe_check",
            "SHOE-CHECK",
            f"Your main pair has about {fmt(km, 0)} km on it. Plan to replace it soon, and check "
            "it for wear.",
        )
    ]


def shoe_drop(f: Facts) -> list[PlanItem] | None:
    level = f.enum("training", "runner_level")
    if not f.true("footwear", "recent_drop_change") or level not in ("regular", "competitive"):
        return None
    drop = f.num("footwear", "heel_drop_mm")
    now = f" (now {fmt(drop, 0)} mm)" if drop is not None else ""
    reason = (
        # The trial itself is the card's own step (said once, issue 10 round 2).
        f"You changed recently to shoes with a different heel drop{now}, and you run regularly."
    )
    return [item("shoe_drop", "SHOE-DROP", reason)]


def no_orthotics(f: Facts) -> list[PlanItem] | None:
    kind = f.enum("footwear", "orthotics")
    if kind not in ("custom", "off_the_shelf"):
        return None
    what = "custom orthotics" if kind == "custom" else "shop-bought insoles"
    return [
        item(
            "no_orthotics",
            "NO-ORTHOTICS",
            f"You use {what}. They are not a treatment for back pain.",
        )
    ]


def warm_up(f: Facts) -> list[PlanItem] | None:
    # Advice before runs only for someone who runs this week (or does the walk–run plan),
    # never while running is paused or a referral comes first (RED-U/RED-E).
    if f.no_running_advice or not f.runs_this_week:
        return None
    if f.run_pain or (f.running_week is not None and f.running_input.returning):
        # Walk–run (or walk–jog back after a break): brisk walking only, no strides.
        return [
            item(
                "warm_up_walk",
                "WARM-UP",
                "A few minutes of brisk walking gets your body ready before each walk–run.",
            )
        ]
    return [item("warm_up", "WARM-UP", "A short warm-up gets your body ready before each run.")]


def surface(f: Facts) -> list[PlanItem] | None:
    if not f.runs_or_walk_runs:
        return None
    parts = []
    if f.multi("training", "surface") and set(f.multi("training", "surface")) == {"road"}:
        parts.append(
            "You run only on roads. Mixing in other surfaces you find comfortable may help."
        )
    if f.enum("training", "terrain") == "hilly" and "running_downhill" in f.multi(
        "pain", "aggravating"
    ):
        parts.append(
            "Your routes are hilly, and running downhill makes your pain worse. Cut down on "
            "downhill running for now."
        )
    return [item("surface", "SURFACE", " ".join(parts))] if parts else None


def lifestyle(f: Facts) -> list[PlanItem]:
    reason = (
        "You told us your sleep has been poor. " if "poor_sleep" in f.yellow_flags else ""
    ) + ("Sleep, stress and eating well all help your body recover.")
    return [item("lifestyle", "LIFESTYLE", reason)]


def review_weeks(f: Facts) -> int:
    """impression.review_in_weeks (1–26; 4 when blank), at most 2 with EDU-PSYCH."""
    weeks = num(f.sec("impression").get("review_in_weeks"))
    weeks = clamp(int(weeks), 1, REVIEW_MAX_WEEKS) if weeks is not None else REVIEW_DEFAULT_WEEKS
    return min(weeks, REVIEW_PSYCH_MAX_WEEKS) if f.edu_psych and not f.emergency else weeks


def review_date(f: Facts) -> date | None:
    """seen_at (or, on a draft without it, the plan's date) + the review interval."""
    start = f.seen_on or (f.context.today if f.context else None)
    try:
        return start + timedelta(weeks=review_weeks(f)) if start else None
    except OverflowError:  # a date near 9999-12-31
        return None


_MEASURES = (
    # (section, keys that must have a value, what will be re-measured in plain words, loaded:
    # a test that loads the back or is done running, left out until a U tier patient is seen)
    ("physical", ("plank_s",), "how long you can hold a plank", True),
    ("physical", ("side_plank_left_s", "side_plank_right_s"), "your side plank holds", True),
    ("physical", ("sorensen_s",), "how long you can hold your back muscles working", True),
    (
        "physical",
        ("flexor_endurance_s",),
        "how long you can hold your stomach muscles working",
        True,
    ),
    (
        "physical",
        ("single_leg_bridge_left_reps", "single_leg_bridge_right_reps"),
        "single-leg bridges",
        True,
    ),
    ("physical", ("single_leg_squat_left", "single_leg_squat_right"), "single-leg squat", True),
    (
        "physical",
        ("hip_abductor_left_nmkg", "hip_abductor_right_nmkg"),
        "the strength at the side of your hips",
        True,
    ),
    ("physical", ("thomas_left", "thomas_right"), "the length of the front of your hips", False),
    ("physical", ("slr_left_deg", "slr_right_deg"), "how far each leg lifts straight", False),
    ("running_form", ("cadence_spm",), "your step rate when you run", True),
)


def review_measures(f: Facts) -> list[str]:
    """What will be checked again, in plain words: only what this patient had measured, and at
    tier U nothing that loads the back or is done running."""
    measures = ["your pain now, at its best and at its worst (0 to 10)"]
    if any(f.sec("outcomes").get(name) not in (None, "") for name in RMDQ_FIELDS):
        measures.append("the questions about how your back affects your day")
    outcomes = f.sec("outcomes")
    if any(
        isinstance(row, Mapping) and num(row.get("score")) is not None
        for row in as_list(outcomes.get("psfs"))
    ):
        measures.append("your scores for the activities you chose")
    if dig(f.derived, "odi_percent") is not None:
        measures.append("the questions about what your back stops you doing")
    if dig(f.derived, "sbst") is not None:
        measures.append("the short questionnaire about how your back pain affects you")
    loaded_ok = not f.no_running_advice
    if f.running and loaded_ok:
        measures.append("how far you run each week")
    if f.num("pain", "nprs_during_run") is not None and loaded_ok:
        measures.append("pain during runs and the next morning")
    for sec, keys, words, loaded in _MEASURES:
        if loaded and not loaded_ok:
            continue
        if any(f.sec(sec).get(k) not in (None, "") for k in keys):
            measures.append(words)
    if any(f.true("physical", f"slr_neural_{s}") for s in ("left", "right")) or f.enum(
        "physical", "neuro_deficit"
    ) not in (None, "none"):
        measures.append("a check of the nerves in your legs")
    return measures


def review(f: Facts) -> list[PlanItem]:
    """REVIEW sets the plan's review date and measures (engine); it adds no item."""
    return []


@dataclass(frozen=True)
class Rule:
    id: str
    trigger: str
    adds: tuple[str, ...]
    fire: Callable[[Facts], list[PlanItem] | None]
    #: Whether the rule runs on an emergency (RED-E) plan, which is a referral sheet only.
    in_emergency: bool = False
    #: Whether the rule runs on an urgent (RED-U) plan: until seen, only comfort movement and
    #: walking, no strength programme, no running advice (docs/plan-rules.md, RED-U).
    in_urgent: bool = False


RULES: tuple[Rule, ...] = (
    Rule("RED-E", "red-flag tier E", ("referral_emergency",), red_e, in_emergency=True),
    Rule(
        "RED-U",
        "red-flag tier U",
        ("referral_urgent", "run_pause", "walking"),
        red_u,
        in_urgent=True,
    ),
    Rule("SAFETY", "always", ("safety_net", "flare_up"), safety, in_emergency=True, in_urgent=True),
    Rule(
        "CES-INFO",
        "any leg symptom (thigh/below-knee pain, neural SLR, radicular pain) or a CES red flag",
        ("ces_card",),
        ces_info,
        in_emergency=True,
        in_urgent=True,
    ),
    Rule("EDU-CORE", "always (unless RED-E)", ("edu_core",), edu_core, in_urgent=True),
    Rule(
        "EDU-PSYCH",
        "STarT Back high, or ≥ 2 yellow flags",
        ("edu_psych",),
        edu_psych,
        in_urgent=True,
    ),
    Rule(
        "LOAD-SPIKE",
        "two-week change > 30%, or volume_up / race_build_up / return_after_break",
        ("load_reset", "running_week"),
        load_spike,
    ),
    Rule(
        "RUN-PAIN",
        "pain during runs > 5/10, or irritability high, or pain from the start of runs",
        ("walk_run",),
        run_pain,
    ),
    Rule(
        "PAIN-MONITOR",
        "running, and not RUN-PAIN",
        ("pain_monitoring", "running_week"),
        pain_monitor,
    ),
    Rule("XTRAIN", "RUN-PAIN or LOAD-SPIKE", ("cross_training",), xtrain),
    Rule(
        "CORE-ENDURANCE",
        "plank below norm, side plank asymmetry > 10%, side/extensor ≥ 0.75, flexor/extensor ≥ "
        "1.0, or Sørensen < 176 s (men)",
        ("plank", "side_plank", "bird_dog", "curl_up"),
        core_endurance,
    ),
    Rule(
        "HIP-CONTROL",
        "pelvic drop, Trendelenburg, single-leg squat ≤ 2, hip abductor < norm − 1 SD, or "
        "single-leg bridge asymmetry > 20%",
        ("glute_bridge", "single_leg_bridge", "clamshell", "single_leg_balance"),
        hip_control,
    ),
    Rule("HIP-FLEXOR", "Thomas test not negative", ("hip_flexor_stretch", "cat_cow"), hip_flexor),
    Rule(
        "HAMSTRING",
        "SLR < 60° on a side without neural symptoms",
        ("hamstring_stretch",),
        hamstring,
    ),
    Rule(
        "NEURAL-CARE",
        "SLR reproduces leg symptoms",
        ("neural_care",),
        neural_care,
        in_urgent=True,
    ),
    Rule(
        "MOBILITY",
        "always (unless RED-E); at RED-U pain-free comfort movement only",
        ("cat_cow", "childs_pose", "knee_to_chest"),
        mobility,
        in_urgent=True,
    ),
    Rule(
        "CADENCE",
        "overstriding mild/marked (target from cadence_spm, else measure first); not while RED-U",
        ("cadence", "cadence_later"),
        cadence,
    ),
    Rule(
        "POSTURE", "trunk lean not upright, or hunched upper back", ("run_tall", "plank"), posture
    ),
    Rule(
        "SHOE-REPLACE",
        "shoe km ≥ 800, creased midsole, or asymmetric wear",
        ("shoe_replace",),
        shoe_replace,
    ),
    Rule("SHOE-CHECK", "500 ≤ shoe km < 800 (and not SHOE-REPLACE)", ("shoe_check",), shoe_check),
    Rule(
        "SHOE-DROP",
        "recent drop change in a regular or competitive runner",
        ("shoe_drop",),
        shoe_drop,
    ),
    Rule("NO-ORTHOTICS", "custom or off-the-shelf orthotics", ("no_orthotics",), no_orthotics),
    Rule(
        "WARM-UP",
        "running this week: a running week or the walk–run plan (not RED-U/RED-E)",
        ("warm_up", "warm_up_walk"),
        warm_up,
    ),
    Rule(
        "SURFACE",
        "road only, or hilly terrain with downhill running aggravating",
        ("surface",),
        surface,
    ),
    Rule("LIFESTYLE", "always (unless RED-E)", ("lifestyle",), lifestyle, in_urgent=True),
    Rule("REVIEW", "always", (), review, in_emergency=True, in_urgent=True),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
