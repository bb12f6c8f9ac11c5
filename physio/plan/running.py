"""The running prescription: "Your running this week" (docs/clinical-rules.md, "Running
prescription"; docs/plan-rules.md LOAD-SPIKE, RUN-PAIN, PAIN-MONITOR, CADENCE).

Pure functions over plain figures (no Flask, no database), so a clinical reviewer can read the
rule data at the top and test each decision on a handful of numbers. The plan rules
(physio/plan/rules.py) read the record into :class:`RunningInput`, call :func:`prescribe` and
word the result for the patient.

How the week is set:

- **Level.** After a load spike (two-week change > 30 %, or a recent build-up, race build-up or
  return after a break) the last well-tolerated week: the lowest of the three weeks before the
  last 7 days, or the last 7 days if lower; a week of 0 km never counts [S17]. Without a spike:
  the 4-week average of the weeks run, never more than the last 7 days.
- **Decision from the runner's own pain** (pain-monitoring model [S19]): "settled" means the
  next-morning pain is in the fine band (3/10 or less) and no worse than during the run.
  At a first visit the week holds at the level (a reset after a spike), or steps back when the
  pain has not settled. At a review the week starts from what was actually run in the last 7 days:
  a recovered runner (pain now 0/10 and Roland-Morris ≤ 2 [S11]), or pain ≤ 3/10 that settled,
  builds up ≈ 10 %; pain 4–5/10 that settled holds; pain that has not settled steps back.
- **Next week's rule**: ≈ 10 % more only if every run stays at 3/10 or less and has settled by
  the next morning; 4–5/10 that settles: same again; above 5/10 or not settled: step back ≈ 10 %.
  The "10 % rule" is a step size, not a proven law [S18].
- A walk–run ladder replaces all of this when RUN-PAIN applies (rules.run_pain).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# --- rule data (sources in docs/evidence.md §3.5) -------------------------------------------------
SPIKE_TWO_WEEK_PCT = 30  # > 30 % over two weeks: a point to discuss [S17]
BUILD_PCT = 10  # step size of a build-up week (INFERRED step; not a proven law [S18])
STEP_BACK_PCT = 10  # step back by one step when pain has not settled (INFERRED)
PAIN_FINE_MAX = 3  # during a run: 0–3/10 fine [S19]
PAIN_ACCEPTABLE_MAX = 5  # 4–5/10 acceptable if it settles; > 5/10 stop [S19]
RECOVERED_NPRS = 0  # NRS = 0 best identifies "recovered" [S11]
RECOVERED_RMDQ_MAX = 2  # RMDQ ≤ 2 = recovered [S11]
MAX_RUNS = 6  # at least one day a week with no running
MIN_RUN_KM = 2.0  # fewer, longer runs rather than runs shorter than this
DEFAULT_RUNS = 3  # runs a week when the record does not say
#: With 3 or more runs, one long run of this share of the week (INFERRED), always longer than an
#: easy run.
LONG_RUN_SHARE: dict[int, float] = {3: 0.4, 4: 0.35, 5: 0.3, 6: 0.3}
#: With the runner's longest run recorded, the long run is based on it, up to this share of the
#: week (INFERRED; the week's total and its rules come first).
LONG_RUN_MAX_SHARE = 0.4
REST_DAYS_MIN = 1  # ≥ 1 rest or cross-training day (LOAD-SPIKE)

#: Run days (0 = Monday) by runs a week: spread out, the long run on Sunday.
RUN_DAYS: dict[int, tuple[int, ...]] = {
    1: (6,),
    2: (2, 6),
    3: (1, 3, 6),
    4: (0, 2, 4, 6),
    5: (0, 1, 3, 4, 6),
    6: (0, 1, 2, 3, 4, 6),
}
LONG_RUN_DAY = 6

DECISIONS = ("reset", "hold", "build", "step_back", "taper")

#: Race taper (INFERRED: no taper source in docs/evidence.md; the usual coaching taper cuts
#: volume over the last 2–3 weeks and keeps some faster running). With a race this many days
#: away or fewer there is no build-up week: the volume comes down, never up.
TAPER_DAYS = 21
#: Cut of the week's volume by days to the race (days ≤ key): 15–21 days ≈ 20 %, 8–14 ≈ 35 %,
#: race week ≈ 50 % (INFERRED).
TAPER_CUT_PCT: tuple[tuple[int, int], ...] = ((7, 50), (14, 35), (21, 20))

#: The cadence change (CADENCE) [S12][S12b]: +5 % of the runner's own measured step rate, +10 %
#: at most, and only once the running itself is steady (one change at a time).
CADENCE_FIRST_STEP = Decimal("1.05")
CADENCE_MAX_STEP = Decimal("1.10")
#: Running decisions beside which no new cadence target is set (one change at a time).
NO_NEW_CADENCE_WITH = frozenset({"walk_run", "reset", "step_back", "taper"})


@dataclass(frozen=True)
class RunningInput:
    """What the prescription reads from the record (figures as given; ``None`` = not recorded)."""

    weeks_km: tuple[float | None, float | None, float | None, float | None]  # w1 = last 7 days
    runs_per_week: int | None = None
    longest_run_km: float | None = None
    pain_during: float | None = None
    pain_next_morning: float | None = None
    pain_now: float | None = None
    rmdq: int | None = None
    spike: bool = False  # LOAD-SPIKE's trigger (two-week change or a recent change)
    spike_pct: float | None = None  # the two-week change, when computable
    review: bool = False
    cross_training_days: int = 0
    days_to_race: int | None = None  # training-target_event_date − the visit date
    quality_session: bool = False  # a regular faster session (track) or a race goal
    returning: bool = False  # back after a break, the last 7 days the only running (walk–jog)


@dataclass(frozen=True)
class Run:
    day: int  # 0 = Monday
    km: float
    kind: str  # "easy" | "long" | "session" (the usual faster session) | "walk_jog" (returning)


@dataclass(frozen=True)
class RunningWeek:
    decision: str  # one of DECISIONS
    level_km: float  # the level the week is worked out from
    total_km: float  # the sum of the runs
    runs: tuple[Run, ...]
    next_week_km: float  # if every run is ≤ 3/10 and settled
    step_back_km: float  # if a run goes above 5/10 or pain has not settled
    settled: bool | None  # the runner's own figures, by the rule (None: not recorded)
    recovered: bool
    days_to_race: int | None = None  # set on a taper week


def week_to_dict(week: RunningWeek | None) -> dict | None:
    if week is None:
        return None
    data = dataclasses.asdict(week)
    data["runs"] = [dataclasses.asdict(r) for r in week.runs]
    return data


def week_from_dict(data: Any) -> RunningWeek | None:
    if not isinstance(data, dict):
        return None
    names = {f.name for f in dataclasses.fields(RunningWeek)}
    values = {k: v for k, v in data.items() if k in names}
    values["runs"] = tuple(Run(**r) for r in values.get("runs") or [])
    try:
        return RunningWeek(**values)
    except TypeError:
        return None


# --- small helpers --------------------------------------------------------------------------------
def round_km(km: float) -> float:
    """Whole km from 10 km up, else the nearest half km (halves up); never below half a km."""
    step = Decimal(1) if km >= 10 else Decimal("0.5")
    exact = Decimal(repr(float(km))) / step
    return max(0.5, float(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP) * step))


def settled(during: float | None, morning: float | None) -> bool | None:
    """Pain settled by the next morning: next-morning pain ≤ 3/10 and no worse than during."""
    if morning is None:
        return None
    if morning > PAIN_FINE_MAX:
        return False
    return during is None or morning <= during


def recovered(pain_now: float | None, rmdq: int | None) -> bool:
    return (
        pain_now is not None
        and pain_now <= RECOVERED_NPRS
        and (rmdq is None or rmdq <= RECOVERED_RMDQ_MAX)
    )


def last_well_tolerated_km(weeks: tuple[float | None, ...]) -> float | None:
    """The lowest of w2–w4 above 0, or the last 7 days when lower (and above 0); never 0 km."""
    earlier = [w for w in weeks[1:] if w is not None and w > 0]
    w1 = weeks[0]
    if not earlier:
        return w1 if w1 is not None and w1 > 0 else None
    level = min(earlier)
    return w1 if w1 is not None and 0 < w1 < level else level


def average_km(weeks: tuple[float | None, ...]) -> float | None:
    """The average of the weeks run (weeks of 0 km or blank left out), at most the last 7 days."""
    run = [w for w in weeks if w is not None and w > 0]
    if not run:
        return None
    average = sum(run) / len(run)
    w1 = weeks[0]
    return min(average, w1) if w1 is not None and w1 > 0 else average


def running_now(data: RunningInput) -> bool:
    """Ran in the last 7 days (or the last 7 days are blank but runs a week are given)."""
    w1 = data.weeks_km[0]
    if w1 is not None:
        return w1 > 0
    return bool(data.runs_per_week) and any(w for w in data.weeks_km if w)


def pct(km: float, percent: int) -> float:
    return km * (100 + percent) / 100


# --- the prescription -----------------------------------------------------------------------------
def decide(data: RunningInput) -> tuple[str, float] | None:
    """(decision, the level it starts from) or ``None`` when there is nothing to start from."""
    w1 = data.weeks_km[0]
    ok = settled(data.pain_during, data.pain_next_morning)
    during = data.pain_during
    rec = recovered(data.pain_now, data.rmdq)
    if data.review and w1 is not None and w1 > 0:
        # Progress from what was actually run, by how the back responded.
        big_jump = data.spike_pct is not None and round(data.spike_pct, 6) > SPIKE_TWO_WEEK_PCT
        good = rec or (ok is True and (during is None or during <= PAIN_FINE_MAX))
        if good:
            return ("hold" if big_jump else "build"), w1
        if ok is False or (during is not None and during > PAIN_ACCEPTABLE_MAX):
            if data.spike:
                level = last_well_tolerated_km(data.weeks_km)
                return ("reset", level) if level is not None else ("step_back", w1)
            return "step_back", w1
        return "hold", w1
    if data.spike:
        level = last_well_tolerated_km(data.weeks_km)
        return ("reset", level) if level is not None else None
    level = average_km(data.weeks_km)
    if level is None:
        return None
    if ok is False:
        return "step_back", level
    return "hold", level


def taper_cut_pct(days_to_race: int | None) -> int | None:
    """The taper's cut of the week's volume, or ``None`` when no race is within TAPER_DAYS."""
    if days_to_race is None or days_to_race < 0:
        return None
    for days, cut in TAPER_CUT_PCT:
        if days_to_race <= days:
            return cut
    return None


def week_total(decision: str, level: float) -> float:
    if decision == "build":
        return round_km(pct(level, BUILD_PCT))
    if decision == "step_back":
        return round_km(pct(level, -STEP_BACK_PCT))
    return round_km(level)


def long_run_km(total: float, n: int, longest_run_km: float | None) -> float:
    """The long run: the share of the week, or the runner's own longest run when recorded, capped
    at LONG_RUN_MAX_SHARE of the week and leaving every easy run at least MIN_RUN_KM."""
    share = total * LONG_RUN_SHARE[n]
    if not longest_run_km or longest_run_km <= share:
        return share
    cap = min(total * LONG_RUN_MAX_SHARE, total - (n - 1) * MIN_RUN_KM)
    return max(share, min(longest_run_km, cap))


def split_runs(
    total: float,
    runs_per_week: int | None,
    cross_training_days: int = 0,
    longest_run_km: float | None = None,
) -> tuple[Run, ...]:
    """The week's runs: easy runs of equal length (nearest half km) and, with 3 or more runs, one
    long run on Sunday that takes what is left, so that the runs add up to ``total``."""
    n = runs_per_week if runs_per_week and runs_per_week > 0 else DEFAULT_RUNS
    n = min(n, MAX_RUNS, max(1, 7 - REST_DAYS_MIN - cross_training_days))
    n = max(1, min(n, int(total // MIN_RUN_KM) or 1))
    days = RUN_DAYS[n]
    if n < 3:
        each = total / n
        easy = [Decimal(repr(round_half(each))) for _ in range(n - 1)]
        last = Decimal(repr(float(total))) - sum(easy, Decimal(0))
        kms = [*easy, last]
        return tuple(Run(day, float(km), "easy") for day, km in zip(days, kms, strict=True))
    long_km = long_run_km(total, n, longest_run_km)
    easy_each = round_half((total - long_km) / (n - 1))
    easy = [Decimal(repr(easy_each))] * (n - 1)
    long_exact = Decimal(repr(float(total))) - sum(easy, Decimal(0))
    if long_exact <= easy[0]:
        # Too little to make one run longer: equal easy runs.
        equal = [Decimal(repr(round_half(total / n)))] * (n - 1)
        rest = Decimal(repr(float(total))) - sum(equal, Decimal(0))
        return tuple(
            Run(day, float(km), "easy") for day, km in zip(days, [*equal, rest], strict=True)
        )
    runs = [Run(day, float(km), "easy") for day, km in zip(days[:-1], easy, strict=True)]
    runs.append(Run(days[-1], float(long_exact), "long"))
    return tuple(runs)


def round_half(km: float) -> float:
    exact = Decimal(repr(float(km))) * 2
    return float(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2)


def prescribe(data: RunningInput) -> RunningWeek | None:
    """This week's running for a runner who is running (not on the walk–run ladder)."""
    if not running_now(data):
        return None
    decided = decide(data)
    if decided is None:
        return None
    decision, level = decided
    total = week_total(decision, level)
    cut = taper_cut_pct(data.days_to_race)
    if cut is not None:
        # A race within 3 weeks: taper, never build (the lower of the taper and the pain rule).
        decision, total = "taper", min(total, round_km(pct(level, -cut)))
    # Cross-training takes the place of a run only while the running is cut back.
    swaps = data.cross_training_days if decision in ("reset", "step_back") else 0
    # The runner's own longest run sets the long run only while the running is not cut back
    # (a taper, reset or step back shortens the long run with the week).
    longest = data.longest_run_km if decision in ("build", "hold") else None
    runs = split_runs(total, data.runs_per_week, swaps, longest)
    if data.returning:
        # Back after a break, out walk–jogging: the outings stay walk–jog, not runs.
        runs = tuple(Run(r.day, r.km, "walk_jog") for r in runs)
    elif data.quality_session and decision in ("build", "hold", "taper") and len(runs) >= 3:
        runs = with_session(runs)
    total = float(sum(Decimal(repr(r.km)) for r in runs))
    if decision == "taper":
        later = taper_cut_pct((data.days_to_race or 0) - 7)
        # Next week comes down again (race week), never up; after the race: see the physio.
        next_km = round_km(pct(total, -(later or 0) // 2)) if later else total
        next_km = min(next_km, total)
    else:
        next_km = round_km(pct(total, BUILD_PCT))
    return RunningWeek(
        decision=decision,
        level_km=level,
        total_km=total,
        runs=runs,
        next_week_km=next_km,
        # Pain that has not settled always means less than the good-week figure.
        step_back_km=round_km(pct(min(total, next_km), -STEP_BACK_PCT)),
        settled=settled(data.pain_during, data.pain_next_morning),
        recovered=recovered(data.pain_now, data.rmdq),
        days_to_race=data.days_to_race if decision == "taper" else None,
    )


def with_session(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """One mid-week easy run becomes the runner's usual faster session (same km)."""
    easy = [i for i, r in enumerate(runs) if r.kind == "easy"]
    if len(easy) < 2:
        return runs
    pick = easy[len(easy) // 2]
    return tuple(Run(r.day, r.km, "session") if i == pick else r for i, r in enumerate(runs))


# --- cadence ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CadencePlan:
    baseline_spm: float  # the runner's own step rate before any target (first measured)
    measured_spm: float  # today's
    target_spm: int | None  # None: keep the step rate where it is (reached +10 %)
    new: bool  # a new change this block (False: the target set before still stands)


def _times(spm: float, factor: Decimal) -> int:
    exact = Decimal(repr(float(spm))) * factor
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cadence_plan(
    measured: float, earlier: list[float] | None = None, target_set_before: bool = False
) -> CadencePlan:
    """A step-rate target from the measured cadence: +5 % of the first measured step rate; once
    that is reached, +5 % of today's, never above +10 % of the first; never from the last target.

    ``earlier``: the step rates measured at earlier visits, oldest first; ``target_set_before``:
    an earlier visit already set a target (overstriding with a measured step rate)."""
    history = [s for s in (earlier or []) if s and s > 0]
    baseline = history[0] if history else measured
    first, most = _times(baseline, CADENCE_FIRST_STEP), _times(baseline, CADENCE_MAX_STEP)
    if measured < first:
        # Still working towards the first target: the same target (new only at the first visit).
        return CadencePlan(baseline, measured, first, new=not target_set_before)
    if measured < most:
        return CadencePlan(
            baseline, measured, min(_times(measured, CADENCE_FIRST_STEP), most), True
        )
    return CadencePlan(baseline, measured, None, False)
