"""Plain data of a treatment plan: items, the referral sheet and the plan itself.

Everything here is a dataclass of plain values (str, int, bool, date, lists), so a plan can be
stored as JSON (``to_dict``) and read back (``from_dict``) without losing anything.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from .running import RunningWeek, week_from_dict, week_to_dict

KINDS = (
    "referral",
    "safety",
    "education",
    "exercise",
    "running",
    "footwear",
    "load",
    "cross_training",
)
SIDES = ("left", "right", "both")

#: Kinds an emergency plan never holds: it is a referral sheet, not a programme.
PROGRAMME_KINDS = frozenset({"exercise", "running", "load", "cross_training"})

#: Kinds the physio cannot leave out of a plan.
REQUIRED_KINDS = frozenset({"referral", "safety"})

#: Most exercises in a plan; fewer when worry and fear are high (EDU-PSYCH), as adherence falls as
#: the number prescribed rises.
EXERCISE_CAP = 6
EXERCISE_CAP_PSYCH = 4


def _date_or_none(value):
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value))


@dataclass
class PlanContext:
    """Who writes the plan and when: used for the referral sheet and the footer."""

    today: date
    physio_name: str = ""
    physio_registration: str = ""
    clinic_name: str = ""
    clinic_phone: str | None = None
    #: The clinic's country (ISO code): chooses the emergency numbers in patient texts.
    country: str = "GB"
    #: Whether the assessment is signed: an unsigned draft can't claim the warning-sign check.
    signed: bool = False


@dataclass
class PlanFacts:
    """What the record holds that the plan's texts may presume: kept with the plan so the
    whole-plan invariants (physio/plan/invariants.py) can check it again after the physio's edits.
    """

    #: The patient runs now (any weekly km above 0, or runs a week, and not "not running").
    running: bool = False
    #: Running paused until seen (RED-U with suspected bone stress), or no running at tier U/E.
    running_paused: bool = False
    #: Signed, and every red-flag question answered: only then "we have checked you for warning
    #: signs".
    signed: bool = False
    flags_all_answered: bool = False
    #: The visit's date: the only date an emergency sheet prints.
    seen_on: date | None = None
    #: The red-flag decision as recorded.
    decision: str | None = None
    referred_to: str | None = None
    decision_reason: str | None = None
    #: Leg symptoms recorded (thigh or below-knee pain, a neural straight-leg raise, radicular
    #: pain): only then "leg symptoms spread further down your leg".
    leg_symptoms: bool = False
    #: The record shows harder (quality) running: more intensity, a race build-up, or a
    #: competitive runner: only then strides "before harder runs".
    harder_sessions: bool = False
    #: Arching the back hurts, or a bone stress injury is suspected: no cat–cow "sag" and no
    #: overhead-arm hip-flexor stretch.
    extension_sensitive: bool = False
    #: A novice runner (docs/assessment.md: < 6 months, or under a year of running): only then the
    #: study of new runners is quoted.
    novice_runner: bool = False

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["seen_on"] = self.seen_on.isoformat() if self.seen_on else None
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> PlanFacts:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in (data or {}).items() if k in names}
        values["seen_on"] = _date_or_none(values.get("seen_on"))
        return cls(**values)


@dataclass
class PlanItem:
    """One line of the plan: an exercise, a piece of advice, a referral."""

    code: str
    kind: str
    title: str
    reason: str = ""
    rule_ids: list[str] = field(default_factory=list)
    sets: int | None = None
    reps: int | None = None
    hold_s: int | None = None
    days_per_week: int | None = None
    target: str | None = None
    side: str | None = None
    included: bool = True
    physio_note: str | None = None
    added_by_physio: bool = False

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["rule_ids"] = list(self.rule_ids)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> PlanItem:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["rule_ids"] = list(values.get("rule_ids") or [])
        return cls(**values)


@dataclass
class Referral:
    """The referral sheet of an E or U tier plan."""

    tier: str
    urgency: str
    within_days: int | None
    go_to: str
    findings: list[str] = field(default_factory=list)
    what_to_tell: list[str] = field(default_factory=list)
    physio_decision: str = ""
    referred_to: str | None = None
    physio_name: str = ""
    physio_registration: str = ""
    clinic_name: str = ""
    clinic_phone: str | None = None
    written_on: date | None = None

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["written_on"] = self.written_on.isoformat() if self.written_on else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Referral:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["findings"] = list(values.get("findings") or [])
        values["what_to_tell"] = list(values.get("what_to_tell") or [])
        values["written_on"] = _date_or_none(values.get("written_on"))
        return cls(**values)


@dataclass
class TreatmentPlan:
    """The derived (and later physio-edited) plan for one assessment."""

    tier: str | None
    emergency: bool
    items: list[PlanItem] = field(default_factory=list)
    rules_fired: list[str] = field(default_factory=list)
    review_date: date | None = None
    review_measures: list[str] = field(default_factory=list)
    headline: str = ""
    gentle_until_seen: bool = False
    referral: Referral | None = None
    #: Exercise codes the rules suggested but the cap left out (the physio may swap them in).
    left_out: list[str] = field(default_factory=list)
    #: Those items as the rules made them (reason, side, rule ids), so a swap keeps them.
    left_out_items: list[PlanItem] = field(default_factory=list)
    #: "Your running this week" (physio/plan/running.py), printed with the running_week item.
    running_week: RunningWeek | None = None
    #: The clinic's country (emergency numbers) and the record's facts the texts may presume.
    country: str = "GB"
    facts: PlanFacts = field(default_factory=PlanFacts)

    @property
    def exercise_cap(self) -> int:
        return EXERCISE_CAP_PSYCH if "EDU-PSYCH" in self.rules_fired else EXERCISE_CAP

    @property
    def programme_heading(self) -> str | None:
        """Heading over the programme of a U tier plan (RED-U)."""
        return "Gentle, until you have been seen" if self.gentle_until_seen else None

    def item(self, code: str) -> PlanItem | None:
        return next((i for i in self.items if i.code == code), None)

    def items_of(self, *kinds: str, included_only: bool = True) -> list[PlanItem]:
        return [i for i in self.items if i.kind in kinds and (i.included or not included_only)]

    @property
    def exercises(self) -> list[PlanItem]:
        return self.items_of("exercise")

    def to_dict(self) -> dict:
        return {
            "tier": self.tier,
            "emergency": self.emergency,
            "items": [i.to_dict() for i in self.items],
            "rules_fired": list(self.rules_fired),
            "review_date": self.review_date.isoformat() if self.review_date else None,
            "review_measures": list(self.review_measures),
            "headline": self.headline,
            "gentle_until_seen": self.gentle_until_seen,
            "referral": self.referral.to_dict() if self.referral else None,
            "left_out": list(self.left_out),
            "left_out_items": [i.to_dict() for i in self.left_out_items],
            "running_week": week_to_dict(self.running_week),
            "country": self.country,
            "facts": self.facts.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> TreatmentPlan:
        referral = data.get("referral")
        return cls(
            tier=data.get("tier"),
            emergency=bool(data.get("emergency")),
            items=[PlanItem.from_dict(i) for i in data.get("items") or []],
            rules_fired=list(data.get("rules_fired") or []),
            review_date=_date_or_none(data.get("review_date")),
            review_measures=list(data.get("review_measures") or []),
            headline=data.get("headline") or "",
            gentle_until_seen=bool(data.get("gentle_until_seen")),
            referral=Referral.from_dict(referral) if referral else None,
            left_out=list(data.get("left_out") or []),
            left_out_items=[PlanItem.from_dict(i) for i in data.get("left_out_items") or []],
            running_week=week_from_dict(data.get("running_week")),
            country=data.get("country") or "GB",
            facts=PlanFacts.from_dict(data.get("facts")),
        )

    def copy(self) -> TreatmentPlan:
        return TreatmentPlan.from_dict(self.to_dict())
