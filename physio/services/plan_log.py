"""The patient's home log on the plan page: ticks per item per day, and pain during a run and the
next morning; and what the physio sees of it at the next visit (adherence and the pain trend).

Stored per exported plan version (the PDF the patient has). Only codes of items in that version
and whole numbers 0–10 are accepted: there is no free text to store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import undefer

from physio.clock import local_date
from physio.extensions import db
from physio.models import Assessment, PatientLink, PlanExport, PlanLogRun, PlanLogTick
from physio.models.base import utcnow
from physio.plan import TreatmentPlan

LOG_KINDS = ("exercise", "running", "cross_training")
DAYS_BACK = 2  # today, yesterday and the day before can be logged (a forgotten evening)
#: Pain-monitoring model (docs/evidence.md §3.5, [S19]): above 5/10 during a run is too much.
PAIN_DURING_LIMIT = 5


class LogRefused(ValueError):
    """The posted log is not acceptable (message for the patient)."""


@dataclass(frozen=True)
class LogItem:
    code: str
    title: str
    days_per_week: int


def loggable_items(plan: TreatmentPlan) -> list[LogItem]:
    """Items with a weekly dose the patient can tick off: exercises, running, cross-training."""
    return [
        LogItem(i.code, i.title, i.days_per_week)
        for i in plan.items_of(*LOG_KINDS)
        if i.days_per_week
    ]


def loggable_days(export: PlanExport, today: date) -> list[date]:
    """Newest first: today and up to DAYS_BACK days before, not before the plan was exported."""
    first = local_date(export.created_at)
    return [
        today - timedelta(days=n) for n in range(DAYS_BACK + 1) if today - timedelta(n) >= first
    ]


def _pain(raw: str | None, label: str) -> int | None:
    raw = (raw or "").strip()
    if raw == "":
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 2 and int(raw) <= 10:
        return int(raw)
    raise LogRefused(f"{label}: choose a number from 0 to 10.")


def read_log_form(form, plan: TreatmentPlan, export: PlanExport, today: date) -> dict:
    """The posted log as {day, done, pain_during, pain_next_morning}, or LogRefused."""
    days = {d.isoformat(): d for d in loggable_days(export, today)}
    day = days.get((form.get("day") or "").strip())
    if day is None:
        raise LogRefused("You can log today and the two days before (not before your plan).")
    if form.get("part") == "morning":
        return _read_morning_only(form, export, day, today)
    codes = {item.code for item in loggable_items(plan)}
    done = sorted({c for c in form.getlist("done") if c in codes})
    if len(set(form.getlist("done")) - codes):
        raise LogRefused("Only the items of your plan can be ticked.")
    during = _pain(form.get("pain_during"), "Pain during the run")
    morning = _pain(form.get("pain_next_morning"), "Pain the next morning")
    if morning is not None and day >= today:
        raise LogRefused("The next morning after today's run has not come yet.")
    return {"day": day, "done": done, "pain_during": during, "pain_next_morning": morning}


def _read_morning_only(form, export: PlanExport, day: date, today: date) -> dict:
    """The prompt at the top of the page: only the next-morning pain after a logged run (the
    day's ticks and pain during the run stay as they are)."""
    if day >= today:
        raise LogRefused("The next morning after today's run has not come yet.")
    morning = _pain(form.get("pain_next_morning"), "Pain this morning")
    if morning is None:
        raise LogRefused("Pain this morning: choose a number from 0 to 10.")
    run = _run_of(export.id, day)
    if run is None or run.pain_during is None:
        raise LogRefused("No run is logged for that day: tick it in your log first.")
    return {
        "day": day,
        "done": None,
        "pain_during": run.pain_during,
        "pain_next_morning": morning,
        "morning_only": True,
    }


def _run_of(export_id: int, day: date) -> PlanLogRun | None:
    return db.session.execute(
        select(PlanLogRun).where(PlanLogRun.export_id == export_id, PlanLogRun.day == day)
    ).scalar_one_or_none()


def morning_pending(days: list[date], state: dict[date, dict], today: date) -> date | None:
    """Yesterday, when a run was logged then and its next-morning pain was not given yet."""
    yesterday = today - timedelta(days=1)
    entry = state.get(yesterday) if yesterday in days else None
    if entry and entry["pain_during"] is not None and entry["pain_next_morning"] is None:
        return yesterday
    return None


def save_day(link: PatientLink, export: PlanExport, entry: dict) -> None:
    """Replace what is logged for that day with the posted state (the form shows it all)."""
    day = entry["day"]
    if entry.get("morning_only"):
        run = _run_of(export.id, day)
        if run is not None:
            run.link_id = link.id
            run.pain_next_morning = entry["pain_next_morning"]
            run.updated_at = utcnow()
            db.session.flush()
        return
    ticks = select(PlanLogTick).where(PlanLogTick.export_id == export.id, PlanLogTick.day == day)
    have = {t.item_code for t in db.session.execute(ticks).scalars()}
    wanted = set(entry["done"])
    if have - wanted:
        db.session.execute(
            delete(PlanLogTick).where(
                PlanLogTick.export_id == export.id,
                PlanLogTick.day == day,
                PlanLogTick.item_code.in_(have - wanted),
            )
        )
    for code in sorted(wanted - have):
        db.session.add(
            PlanLogTick(
                clinic_id=export.clinic_id,
                export_id=export.id,
                link_id=link.id,
                day=day,
                item_code=code,
            )
        )
    run = _run_of(export.id, day)
    during, morning = entry["pain_during"], entry["pain_next_morning"]
    if during is None and morning is None:
        if run is not None:
            db.session.delete(run)
    else:
        if run is None:
            run = PlanLogRun(clinic_id=export.clinic_id, export_id=export.id, day=day)
            db.session.add(run)
        run.link_id = link.id
        run.pain_during, run.pain_next_morning = during, morning
        run.updated_at = utcnow()
    db.session.flush()


def day_state(export_id: int, days: list[date]) -> dict[date, dict]:
    """What is logged on these days: {day: {"done": set, "pain_during", "pain_next_morning"}}."""
    state: dict[date, dict[str, Any]] = {
        d: {"done": set(), "pain_during": None, "pain_next_morning": None} for d in days
    }
    for tick in db.session.execute(
        select(PlanLogTick).where(PlanLogTick.export_id == export_id, PlanLogTick.day.in_(days))
    ).scalars():
        state[tick.day]["done"].add(tick.item_code)
    for run in db.session.execute(
        select(PlanLogRun).where(PlanLogRun.export_id == export_id, PlanLogRun.day.in_(days))
    ).scalars():
        state[run.day]["pain_during"] = run.pain_during
        state[run.day]["pain_next_morning"] = run.pain_next_morning
    return state


# --- what the physio sees ------------------------------------------------------------------------


def planned_sessions(days_per_week: int, days: int) -> int:
    """Whole sessions planned over `days` days (half rounds up): the number the physio sees,
    and the one every percentage is taken of."""
    return int(days_per_week * days / 7 + 0.5)


@dataclass
class ItemAdherence:
    code: str
    title: str
    planned: int
    done: int

    @property
    def counted(self) -> int:
        """Sessions done toward the plan (extra sessions do not make up for another item)."""
        return min(self.done, self.planned)

    @property
    def percent(self) -> int | None:
        """None only when nothing was planned yet; 0 when planned and none done."""
        return None if self.planned < 1 else round(100 * self.counted / self.planned)


@dataclass
class LogSummary:
    export_id: int
    version: int
    assessment_id: int
    since: date
    until: date
    items: list[ItemAdherence] = field(default_factory=list)
    runs: list[tuple[date, int | None, int | None]] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(i.planned for i in self.items)

    @property
    def done(self) -> int:
        """Planned sessions done (the per-item counts, each up to its plan)."""
        return sum(i.counted for i in self.items)

    @property
    def ticked(self) -> int:
        return sum(i.done for i in self.items)

    @property
    def percent(self) -> int | None:
        return None if self.planned < 1 else round(100 * self.done / self.planned)

    @property
    def runs_over_limit(self) -> int:
        return sum(1 for _, during, _ in self.runs if during is not None and during > 5)

    @property
    def runs_not_settled(self) -> int:
        """Runs whose next-morning pain was higher than during the run."""
        return sum(
            1
            for _, during, morning in self.runs
            if during is not None and morning is not None and morning > during
        )

    @property
    def runs_morning_missing(self) -> int:
        """Runs logged without the next-morning pain: whether they settled is not known."""
        return sum(1 for _, during, morning in self.runs if during is not None and morning is None)

    @property
    def pain_rules_held(self) -> bool | None:
        """Every logged run within the pain-monitoring rules (≤ 5 during, not worse the next
        morning), both numbers recorded; None when no run was logged."""
        if not self.runs:
            return None
        return (
            self.runs_over_limit == 0
            and self.runs_not_settled == 0
            and self.runs_morning_missing == 0
        )

    @property
    def chart_panels(self) -> int:
        """How many pain panels the trend chart draws (during, next morning)."""
        return sum(any(run[i] is not None for run in self.runs) for i in (1, 2))

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1


def summaries_for_patient(patient_id: int, today: date) -> list[LogSummary]:
    """Per exported plan version that was logged, newest first: adherence per item (% of the
    planned sessions ticked, from the export to the next version or today) and the runs."""
    exports = list(
        db.session.execute(
            select(PlanExport)
            .join(Assessment, Assessment.id == PlanExport.assessment_id)
            .where(Assessment.patient_id == patient_id, PlanExport.kind == "plan")
            .options(undefer(PlanExport.plan))
            .order_by(PlanExport.created_at)
        ).scalars()
    )
    ids = [e.id for e in exports]
    all_ticks: Iterable[PlanLogTick] = (
        db.session.execute(select(PlanLogTick).where(PlanLogTick.export_id.in_(ids))).scalars()
        if ids
        else []
    )
    all_runs: Iterable[PlanLogRun] = (
        db.session.execute(
            select(PlanLogRun).where(PlanLogRun.export_id.in_(ids)).order_by(PlanLogRun.day)
        ).scalars()
        if ids
        else []
    )
    ticks_of: dict[int, list[PlanLogTick]] = {}
    runs_of: dict[int, list[PlanLogRun]] = {}
    for tick in all_ticks:
        ticks_of.setdefault(tick.export_id, []).append(tick)
    for run in all_runs:
        runs_of.setdefault(run.export_id, []).append(run)
    out = []
    for n, export in enumerate(exports):
        ticks, runs = ticks_of.get(export.id, []), runs_of.get(export.id, [])
        if not ticks and not runs:
            continue
        since = local_date(export.created_at)
        later = exports[n + 1] if n + 1 < len(exports) else None
        until = min(today, local_date(later.created_at) - timedelta(days=1)) if later else today
        until = max(until, since)
        days = (until - since).days + 1
        plan = TreatmentPlan.from_dict(export.plan or {})
        done: dict[str, int] = {}
        for tick in ticks:
            if since <= tick.day <= until:
                done[tick.item_code] = done.get(tick.item_code, 0) + 1
        summary = LogSummary(export.id, export.version, export.assessment_id, since, until)
        summary.items = [
            ItemAdherence(
                i.code, i.title, planned_sessions(i.days_per_week, days), done.get(i.code, 0)
            )
            for i in loggable_items(plan)
        ]
        summary.runs = [(r.day, r.pain_during, r.pain_next_morning) for r in runs]
        out.append(summary)
    return list(reversed(out))
