"""Issue 10, the senior MSK physio's read of the demo running pages: each finding is a test.

Race taper, the long run from the runner's own longest run, walk–jog for a returning runner, the
walk–run warm-up, cross-training worded by the week's decision, the runner's usual faster
session, and the physio's own written plan on the plan page (docs/clinical-rules.md, "Running
prescription").
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from config import TestingConfig
from physio.app import create_app
from physio.pdf.plan_sheet import running_week_view
from physio.plan import running as rx
from physio.plan.library import INTERVENTIONS
from tests.helpers import signed_visit
from tests.plan.builders import SEEN, codes, plan_for, record, review, weeks


@pytest.fixture(scope="module")
def pdf_app():
    app = create_app(TestingConfig)
    with app.app_context():
        yield app


RECOVERED = {"nprs_now": 0, "nprs_during_run": 1, "nprs_next_morning": 0}


def race_in(days: int) -> dict:
    return {"target_event": "City Marathon", "target_event_date": SEEN.date() + timedelta(days)}


def view_text(plan) -> str:
    item = plan.item("running_week")
    view = running_week_view(item, plan.running_week)
    runs = " ".join(r["what"] for r in view["runs"])
    return " ".join([item.reason, runs, view["next_week"]["intro"], *view["next_week"]["points"]])


# --- 1. race taper --------------------------------------------------------------------------------
def test_recovered_runner_with_a_race_17_days_away_tapers_and_does_not_build():
    """Jane #17: recovered, marathon 17 days away, was told +10 % this week and next."""
    rec = review(
        pain=RECOVERED,
        training=weeks(
            50,
            48,
            46,
            45,
            runs_per_week=5,
            longest_run_km=30,
            recent_changes=["race_build_up"],
            **race_in(17),
        ),
    )
    plan = plan_for(rec)
    week = plan.running_week
    assert week.decision == "taper"
    assert week.total_km < 50  # volume comes down, never up
    assert week.next_week_km <= week.total_km
    assert week.step_back_km < week.next_week_km  # pain not settled: below the good-week figure
    assert "steady" not in plan.headline and "tapering your running" in plan.headline
    said = view_text(plan)
    assert "taper" in said and "10% more" not in said and "build up:" not in said


@pytest.mark.parametrize("days", [0, 3, 7])
def test_race_week_is_never_a_ten_percent_week(days):
    data = rx.RunningInput(
        weeks_km=(40, 40, 40, 40),
        runs_per_week=4,
        pain_now=0,
        rmdq=0,
        review=True,
        days_to_race=days,
    )
    week = rx.prescribe(data)
    assert week.decision == "taper" and week.total_km <= 20 + 0.5
    assert week.step_back_km < week.next_week_km <= week.total_km


def test_a_race_two_months_away_does_not_taper():
    data = rx.RunningInput(
        weeks_km=(40, 40, 40, 40),
        runs_per_week=4,
        pain_now=0,
        rmdq=0,
        review=True,
        days_to_race=60,
    )
    assert rx.prescribe(data).decision == "build"


def test_taper_keeps_the_lower_figure_when_the_pain_says_step_back():
    data = rx.RunningInput(
        weeks_km=(40, 40, 40, 40),
        runs_per_week=4,
        pain_during=6,
        pain_next_morning=5,
        review=True,
        days_to_race=20,
    )
    week = rx.prescribe(data)
    assert week.decision == "taper" and week.total_km <= 32


# --- 2. long run and walk–jog ---------------------------------------------------------------------
def test_long_run_is_based_on_the_runners_own_longest_run():
    """ "Long run 14 km" for someone who just ran 24–30 km long runs."""
    with_longest = rx.prescribe(
        rx.RunningInput(weeks_km=(50, 50, 50, 50), runs_per_week=5, longest_run_km=18)
    )
    long_run = [r for r in with_longest.runs if r.kind == "long"]
    assert long_run and long_run[0].km == 18
    assert with_longest.total_km == 50
    assert all(r.km >= rx.MIN_RUN_KM for r in with_longest.runs)
    without = rx.prescribe(rx.RunningInput(weeks_km=(50, 50, 50, 50), runs_per_week=5))
    assert [r.km for r in without.runs if r.kind == "long"] == [14.0]


def test_a_build_week_does_not_put_half_the_week_in_one_long_run():
    """#7 re-rendered: 6, 6, 6, 6 km and a 24 km long run in a 48 km build week."""
    week = rx.prescribe(
        rx.RunningInput(
            weeks_km=(44, 42, 40, 41),
            runs_per_week=5,
            longest_run_km=26,
            pain_now=0,
            review=True,
        )
    )
    long_km = next(r.km for r in week.runs if r.kind == "long")
    assert 14 < long_km <= 0.4 * week.total_km + 1  # easy runs round to the half km


def test_long_run_is_capped_by_the_week():
    week = rx.prescribe(
        rx.RunningInput(weeks_km=(30, 30, 30, 30), runs_per_week=3, longest_run_km=28)
    )
    long_km = next(r.km for r in week.runs if r.kind == "long")
    assert long_km <= 30 * rx.LONG_RUN_MAX_SHARE + 0.5 and week.total_km == 30


def test_returning_runner_who_walk_jogged_is_told_walk_jog_not_run(pdf_app):
    """Marek #10: back after a break, 6 km of walk–jog in two outings: "Easy run 3.5 km"."""
    rec = review(
        pain=RECOVERED,
        training=weeks(
            6, 0, 0, 0, runs_per_week=2, longest_run_km=3, recent_changes=["return_after_break"]
        ),
    )
    plan = plan_for(rec)
    assert {r.kind for r in plan.running_week.runs} == {"walk_jog"}
    assert "Walk–jog" in view_text(plan) and "Easy run" not in view_text(plan)


# --- 3. warm-up on walk–run -----------------------------------------------------------------------
def test_walk_run_warm_up_is_brisk_walking_only_without_strides():
    """Tom #5: "Walk briskly or jog easily 5–10 min, add faster strides" beside 1-min jogs."""
    plan = plan_for(record(pain={"nprs_during_run": 7, "nprs_next_morning": 5}))
    assert "walk_run" in codes(plan)
    assert "warm_up" not in codes(plan) and "warm_up_walk" in codes(plan)
    card = INTERVENTIONS["warm_up_walk"]
    words = " ".join([*card.steps, card.progression or ""]).lower()
    assert "walk briskly" in words and "jog easily" not in words
    assert "add a few short" not in words


def test_running_week_keeps_the_usual_warm_up():
    assert "warm_up" in codes(plan_for(record()))


# --- 4. cross-training worded by the week's decision ----------------------------------------------
def test_cross_training_in_a_build_week_is_on_days_without_a_run():
    """#7, #17: "while you run less" printed in build-up weeks."""
    rec = review(
        pain=RECOVERED,
        training=weeks(40, 40, 38, 38, runs_per_week=4, recent_changes=["race_build_up"]),
    )
    plan = plan_for(rec)
    assert plan.running_week.decision in ("build", "hold")
    reason = plan.item("cross_training").reason
    assert "on days without a run" in reason and "while you run less" not in reason


def test_cross_training_in_a_reset_week_is_while_you_run_less():
    rec = record(
        pain={"nprs_during_run": 4, "nprs_next_morning": 4},
        training=weeks(40, 30, 25, 25, runs_per_week=4),
    )
    plan = plan_for(rec)
    assert plan.running_week.decision in ("reset", "step_back")
    assert "while you run less" in plan.item("cross_training").reason


# --- 5. the runner's usual faster session ---------------------------------------------------------
def test_track_runner_keeps_one_usual_session_not_all_easy(pdf_app):
    """Priya #6/#16: a recorded track session, yet every run "at an easy pace you could talk at"."""
    plan = plan_for(record(training={"surface": ["road", "track"], "runs_per_week": 4}))
    kinds = [r.kind for r in plan.running_week.runs]
    assert kinds.count("session") == 1 and "long" in kinds
    assert "Your usual session (keep it steady if your back is sore)" in view_text(plan)
    steps = " ".join(INTERVENTIONS["running_week"].steps)
    assert "Easy runs at a pace you could talk at" in steps


def test_no_session_without_a_track_or_race_goal():
    plan = plan_for(record(training={"runs_per_week": 4}))
    assert "session" not in [r.kind for r in plan.running_week.runs]


def test_no_session_while_the_running_steps_back():
    data = rx.RunningInput(
        weeks_km=(30, 30, 30, 30),
        runs_per_week=4,
        pain_during=5,
        pain_next_morning=5,
        quality_session=True,
    )
    week = rx.prescribe(data)
    assert week.decision == "step_back" and "session" not in [r.kind for r in week.runs]


# --- 6. the physio's own written plan on the plan page --------------------------------------------
def test_plan_page_shows_the_physios_written_plan(app, physio_client, make, physio):
    patient = make.patient(physio, first_name="Jane", last_name="Doe")
    written = "Plan: hold volume around 40-42 km with pain-monitored running."
    aid = signed_visit(physio_client, patient, **{"impression-summary": written})
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert "Your plan as written — check the handout agrees" in page
    assert written in page


def test_plan_page_without_a_written_plan_has_no_box(app, physio_client, make, physio):
    patient = make.patient(physio, first_name="John", last_name="Roe")
    aid = signed_visit(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert 'id="written-plan"' not in page


def test_taper_shortens_the_long_run_with_the_week():
    """Jane #17 re-rendered: a taper week of 32 km must not keep a 16 km long run."""
    week = rx.prescribe(
        rx.RunningInput(
            weeks_km=(40, 52, 48, 46),
            runs_per_week=5,
            longest_run_km=28,
            pain_now=0,
            review=True,
            days_to_race=17,
        )
    )
    long_km = next(r.km for r in week.runs if r.kind == "long")
    assert long_km <= week.total_km * rx.LONG_RUN_SHARE[5] + 1


def test_cross_training_card_does_not_say_in_place_of_runs_in_a_build_week():
    card = INTERVENTIONS["cross_training"]
    assert "in place of some runs" not in card.title and "while you run less" not in card.purpose
    rec = review(
        pain=RECOVERED,
        training=weeks(
            40,
            40,
            38,
            38,
            runs_per_week=4,
            recent_changes=["race_build_up"],
            cross_training=["cycling"],
        ),
    )
    reason = plan_for(rec).item("cross_training").reason
    assert "on days without a run" in reason and "in place of" not in reason


def test_race_week_says_what_to_do_after_the_race_not_next_weeks_km(pdf_app):
    rec = review(
        pain=RECOVERED,
        training=weeks(40, 40, 40, 40, runs_per_week=4, **race_in(5)),
    )
    plan = plan_for(rec)
    assert plan.running_week.decision == "taper"
    said = view_text(plan)
    assert "Your race is this week" in said and "after the race" in said
    assert "next week (about 10% more)" not in said and "km next week" not in said
