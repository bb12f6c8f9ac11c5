"""Issue 10, running and dose half: each finding of the issue is a test named after it.

The running prescription (physio/plan/running.py), the load reset at reviews, statements that
must follow the patient's facts, per-exercise doses and population-bound norms, one change at a
time for cadence, and pain monitoring on the patient's own numbers (docs/clinical-rules.md).
"""

from __future__ import annotations

import copy
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config import TestingConfig
from physio.app import create_app
from physio.pdf import render_plan_pdf
from tests.plan.builders import MALE, codes, plan_for, record, review, weeks
from tests.test_pdf import document, words

OLD_MAN = {"date_of_birth": date(1957, 1, 10), "sex": "male"}  # 68 at the visit (March 2025)
MAN_35 = {"date_of_birth": date(1990, 1, 10), "sex": "male"}
YOUNG_MAN = {"date_of_birth": date(2004, 1, 10), "sex": "male"}  # 21
NOT_RUNNING = {
    "training": {
        "weekly_km_w1": 0,
        "weekly_km_w2": 0,
        "weekly_km_w3": 0,
        "weekly_km_w4": 0,
        "runs_per_week": 0,
    },
    "pain": {"onset_in_run": "not_running", "nprs_during_run": None, "nprs_next_morning": None},
}
#: Side planks 25 s / 48 s: an asymmetry, so the trunk endurance set is in the plan.
ASYMMETRIC = {"side_plank_left_s": 25, "side_plank_right_s": 48}


@pytest.fixture(scope="module")
def pdf_app():
    app = create_app(TestingConfig)
    with app.app_context():
        yield app


def all_text(plan) -> str:
    return " ".join(
        [plan.headline] + [f"{i.title} {i.reason} {i.target or ''}" for i in plan.items]
    )


# --- running prescription -------------------------------------------------------------------------
def test_runner_who_runs_gets_your_running_this_week_with_runs_km_long_run_total_and_rule():
    plan = plan_for(record())  # 20 km a week for 4 weeks, 3 runs, pain 3/10 settled to 2/10
    item = plan.item("running_week")
    week = plan.running_week
    assert item is not None and item.title == "Your running this week" and week is not None
    assert len(week.runs) == 3 and item.days_per_week == 3
    assert [r.kind for r in week.runs] == ["easy", "easy", "long"]
    assert sum(r.km for r in week.runs) == week.total_km == 20
    assert item.target == "About 20 km in 3 runs"
    assert week.next_week_km == 22 and week.step_back_km == 18
    assert len({r.day for r in week.runs}) == 3 and 6 in {r.day for r in week.runs}


@pytest.mark.parametrize("total, runs", [(37, 3), (40, 4), (44, 5), (10, 3), (6.5, 2), (3, 3)])
def test_the_long_run_is_the_longest_and_the_runs_add_up_to_the_week(total, runs):
    from physio.plan import running as rx  # new in issue 10

    week = rx.split_runs(total, runs)
    assert sum(r.km for r in week) == total and all(r.km >= 1 for r in week)
    longs = [r.km for r in week if r.kind == "long"]
    assert all(long > r.km for long in longs for r in week if r.kind == "easy")


def test_running_level_after_a_spike_is_the_last_well_tolerated_week_never_a_0_km_week():
    from physio.plan import running as rx  # new in issue 10

    spike = plan_for(record(training=weeks(58, 50, 40, 42, recent_changes=["race_build_up"])))
    assert spike.running_week.decision == "reset" and spike.running_week.total_km == 40
    assert spike.item("load_reset").target == "40 km a week"
    with_zero = plan_for(record(training=weeks(30, 0, 20, 25, recent_changes=["volume_up"])))
    assert with_zero.running_week.level_km == 20  # the 0 km week never counts
    assert rx.last_well_tolerated_km((6, 0, 0, 0)) == 6
    assert rx.last_well_tolerated_km((0, 0, 0, 0)) is None


def test_running_level_without_a_spike_is_the_4_week_average():
    plan = plan_for(record(training=weeks(30, 28, 30, 25)))
    assert plan.running_week.decision == "hold"
    assert plan.running_week.level_km == pytest.approx(28.25)
    assert plan.running_week.total_km == 28


def test_walk_run_ladder_replaces_the_running_week_when_run_pain_applies():
    plan = plan_for(record(pain={"nprs_during_run": 7}))
    assert "walk_run" in codes(plan)
    assert "running_week" not in codes(plan) and plan.running_week is None


def test_recovered_runner_at_review_gets_a_build_up_not_a_freeze():
    # Jane's third visit: pain 0/10, Roland-Morris 0, 40 km after 52 and 48, race build-up.
    rec = review(
        training=weeks(40, 52, 48, 46, recent_changes=["race_build_up"]),
        pain={"nprs_now": 0, "nprs_during_run": 1, "nprs_next_morning": 0},
    )
    plan = plan_for(rec)
    assert plan.running_week.decision == "build" and plan.running_week.recovered
    assert plan.running_week.total_km == 44
    assert "no increase" not in all_text(plan)
    assert "load_reset" not in codes(plan)
    assert "You have recovered, so build up: about 44 km this week" in all_text(plan)


@pytest.mark.parametrize(
    "during, morning, decision, total",
    [(2, 1, "build", 33), (5, 3, "hold", 30), (3, 4, "step_back", 27)],
)
def test_review_progresses_from_what_was_actually_run_and_how_the_back_responded(
    during, morning, decision, total
):
    rec = review(
        training=weeks(30, 28, 28, 28),  # ran 30 km last week
        pain={"nprs_now": 2, "nprs_during_run": during, "nprs_next_morning": morning},
    )
    week = plan_for(rec).running_week
    assert (week.decision, week.total_km) == (decision, total)


def test_next_week_rule_progresses_10_percent_only_if_settled():
    from physio.plan import running as rx  # new in issue 10

    week = plan_for(record(training=weeks(40, 40, 40, 40, runs_per_week=4))).running_week
    assert (week.total_km, week.next_week_km, week.step_back_km) == (40, 44, 36)
    assert rx.settled(3, 2) is True and rx.settled(4, 4) is False and rx.settled(1, 2) is False


def test_pdf_prints_your_running_this_week_and_the_week_table_shows_the_runs(pdf_app):
    rec = record(training=weeks(40, 40, 40, 40, runs_per_week=4))
    text = words(render_plan_pdf(document(rec)))
    assert "Your running this week" in text
    table = text[text.index("Your plan at a glance") : text.index("This is one way to fit")]
    assert "Run 40 km in all 8.5 km 8.5 km 8.5 km 14.5 km long" in table
    block = text[text.index("Your running this week") :]
    assert "Monday Easy run 8.5 km" in block and "Sunday Long run, easy pace 14.5 km" in block
    assert "This week 4 runs 40 km" in block
    assert "about 44 km next week (about 10% more)" in block
    assert "drop back to about 36 km" in block


# --- load reset at reviews ------------------------------------------------------------------------
def test_load_reset_at_review_does_not_quote_0_km_weeks():
    # Marek's review: back after a break, 6 km in the last 7 days, pain 2/10 settled.
    rec = review(
        training=weeks(6, 0, 0, 0, runs_per_week=2, recent_changes=["return_after_break"]),
        pain={"nprs_during_run": 2, "nprs_next_morning": 2},
    )
    plan = plan_for(rec)
    text = all_text(plan)
    assert "0 km" not in text and "weekly amount your back handled well" not in text
    assert "You ran 6 km in the last 7 days, after 3 weeks without running." in text
    assert plan.running_week.decision == "build" and plan.running_week.total_km == 6.5


def test_load_reset_states_the_level_instead_of_the_level_set_for_you(pdf_app):
    rec = record(training=weeks(58, 50, 40, 42, recent_changes=["race_build_up"]))
    text = words(render_plan_pdf(document(rec)))
    assert "the level set for you" not in text
    assert "Drop your weekly running back to about 40 km a week." in text


def test_no_load_reset_for_someone_not_running_in_the_last_7_days():
    rec = record(training=weeks(0, 0, 5, 45, recent_changes=["volume_up"]))
    plan = plan_for(rec)
    assert "load_reset" not in codes(plan) and plan.running_week is None


# --- statements that must follow the facts ---------------------------------------------------
def test_headline_does_not_say_keep_running_to_someone_running_0_km():
    plan = plan_for(record(**NOT_RUNNING, physical=ASYMMETRIC))
    assert "keep running" not in plan.headline
    assert "get back to running" in plan.headline
    assert "keep running while your back settles" in plan_for(record()).headline


def test_no_warm_up_before_runs_for_a_non_runner():
    assert "warm_up" not in codes(plan_for(record(**NOT_RUNNING)))
    assert "warm_up" in codes(plan_for(record()))
    # walk–run: its own warm-up, brisk walking only (test_issue10_running_review.py)
    assert "warm_up_walk" in codes(plan_for(record(pain={"nprs_during_run": 7})))


def test_no_keep_one_day_without_running_while_not_running(pdf_app):
    idle = words(render_plan_pdf(document(record(**NOT_RUNNING, physical=ASYMMETRIC))))
    assert "Your plan at a glance" in idle
    assert "no running" not in idle
    runner = words(render_plan_pdf(document(record())))
    assert "keep at least one day a week with no running" in runner


# --- doses and norms ------------------------------------------------------------------------------
def test_bird_dog_and_curl_up_are_8_to_10_s_holds_in_a_descending_pyramid_not_4x30s(pdf_app):
    rec = record(physical={"sorensen_s": 100, "flexor_endurance_s": 110, **ASYMMETRIC})
    plan = plan_for(rec)
    for code in ("bird_dog", "curl_up"):
        item = plan.item(code)
        assert 8 <= item.hold_s <= 10 and (item.sets, item.reps) == (3, 6), code
    text = words(render_plan_pdf(document(rec)))
    assert "8-second holds: 6, then 4, then 2" in text
    assert "10-second holds: 6, then 4, then 2" in text
    assert "30-second holds" not in text.split("Bird dog")[1][:200]


def test_side_plank_dose_comes_from_the_side_plank_test_not_the_plank_time():
    # Plank 38 s, side planks 45 s and 52 s: half the shorter side plank, 23 s (not 19 s).
    plan = plan_for(
        record(physical={"plank_s": 38, "side_plank_left_s": 45, "side_plank_right_s": 52})
    )
    side = plan.item("side_plank")
    assert side.hold_s == 23
    assert "about half the shorter" in side.reason or "shorter side plank" in side.reason
    assert "plank hold was 38 s" not in side.reason


def test_plank_and_side_plank_holds_are_half_the_tested_time_within_bounds():
    plan = plan_for(record(physical={"plank_s": 48, **ASYMMETRIC}))
    plank, side = plan.item("plank"), plan.item("side_plank")
    assert plank.hold_s == 24 and 3 <= plank.reps <= 5
    assert side.hold_s == 13 and 3 <= side.reps <= 5  # half of 25 s
    assert "Your plank hold was 48 s, so each hold starts at about half: 24 s." in plank.reason
    long = plan_for(record(physical={"plank_s": 200, **ASYMMETRIC})).item("plank")
    assert long.hold_s == 30 and long.reps == 3


def test_plank_norm_for_men_not_quoted_to_a_68_year_old():
    rec = record(physical={"plank_s": 40, "sorensen_s": 80, "flexor_endurance_s": 90})
    plan = plan_for(rec, OLD_MAN)
    assert "CORE-ENDURANCE" in plan.rules_fired  # flexor/extensor ratio 90/80 ≥ 1.0
    text = all_text(plan)
    assert "124" not in text and "typical hold for men" not in text
    young = all_text(plan_for(record(physical={"plank_s": 40}), YOUNG_MAN))
    assert "In a study of men aged 18 to 25, the average was about 124 s" in young


def test_sorensen_176_s_cutoff_only_for_men_aged_30_to_60():
    physical = {"sorensen_s": 150, "flexor_endurance_s": 100, "side_plank_left_s": 50}
    physical["side_plank_right_s"] = 50
    assert "under 176 s" in all_text(plan_for(record(physical=physical), MAN_35))
    assert "CORE-ENDURANCE" not in plan_for(record(physical=physical), OLD_MAN).rules_fired
    assert "CORE-ENDURANCE" not in plan_for(record(physical=physical), YOUNG_MAN).rules_fired
    assert "CORE-ENDURANCE" not in plan_for(record(physical=physical)).rules_fired  # a woman


def test_a_110_s_plank_does_not_trigger_the_core_set():
    for patient in (MAN_35, YOUNG_MAN, MALE):
        plan = plan_for(record(physical={"plank_s": 110}), patient)
        assert "CORE-ENDURANCE" not in plan.rules_fired


def test_hamstring_norm_of_young_men_not_quoted_to_a_68_year_old_or_a_woman():
    rec = record(physical={"slr_left_deg": 52, "slr_right_deg": 55})
    assert "61°" not in all_text(plan_for(rec, OLD_MAN))
    assert "61°" not in all_text(plan_for(rec))
    assert "healthy young men average about 61°" in all_text(plan_for(rec, MAN_35))


# --- one change at a time: cadence ----------------------------------------------------------------
OVERSTRIDE = {"cadence_spm": 160, "overstriding": "marked"}


def test_no_new_cadence_target_on_walk_run_days():
    plan = plan_for(record(running_form=OVERSTRIDE, pain={"nprs_during_run": 7}))
    later = plan.item("cadence_later")
    assert "walk_run" in codes(plan) and "cadence" not in codes(plan)
    assert (
        later.target is None and not later.days_per_week and later.title == "Your step rate: later"
    )
    assert "one change at a time" in later.reason
    assert "step rate" not in plan.headline


def test_no_new_cadence_target_together_with_a_volume_reset():
    rec = record(
        running_form=OVERSTRIDE,
        training=weeks(58, 50, 40, 42, recent_changes=["race_build_up"]),
    )
    plan = plan_for(rec)
    assert plan.running_week.decision == "reset"
    assert "cadence" not in codes(plan) and "cadence_later" in codes(plan)
    assert plan_for(record(running_form=OVERSTRIDE)).item("cadence").target == "168 steps/min"


def test_no_cadence_target_even_a_continuing_one_beside_a_reset_at_a_review():
    first = record(running_form=OVERSTRIDE)
    now = review(
        running_form={"cadence_spm": 164, "overstriding": "mild"},
        training=weeks(58, 50, 40, 42, recent_changes=["race_build_up"]),
        pain={"nprs_during_run": 4, "nprs_next_morning": 4},
    )
    plan = plan_for(now, history=[first])
    assert "load_reset" in codes(plan)
    assert "cadence" not in codes(plan) and "cadence_later" in codes(plan)


def test_cadence_target_is_computed_from_the_measured_cadence_not_the_last_target():
    first = record(running_form=OVERSTRIDE)
    now = review(running_form={"cadence_spm": 166, "overstriding": "mild"})
    plan = plan_for(now, history=[first])
    cadence = plan.item("cadence")
    assert cadence.target == "168 steps/min"  # 160 × 1.05, not 166 × 1.05 = 174
    assert "160 steps/min when we first measured it" in cadence.reason


def test_cadence_target_never_above_10_percent_of_the_first_measured():
    first = record(running_form=OVERSTRIDE)
    second = copy.deepcopy(first)
    plan = plan_for(
        review(running_form={"cadence_spm": 170, "overstriding": "mild"}), history=[first, second]
    )
    assert plan.item("cadence").target == "176 steps/min"  # min(170 × 1.05, 160 × 1.10)
    reached = plan_for(
        review(running_form={"cadence_spm": 177, "overstriding": "mild"}), history=[first]
    )
    assert reached.item("cadence").title == "Keep your quicker steps"


# --- pain monitoring on the patient's own numbers -------------------------------------------------
def test_pain_monitoring_quotes_own_pain_and_says_4_and_4_has_not_settled():
    plan = plan_for(record(pain={"nprs_during_run": 4, "nprs_next_morning": 4}))
    reason = plan.item("pain_monitoring").reason
    assert "Your pain was 4/10 during runs and 4/10 the next morning." in reason
    assert "has not settled" in reason
    assert plan.running_week.decision == "step_back"


def test_pain_monitoring_says_2_during_and_1_next_morning_has_settled():
    plan = plan_for(record(pain={"nprs_during_run": 2, "nprs_next_morning": 1}))
    reason = plan.item("pain_monitoring").reason
    assert "2/10 during runs and 1/10 the next morning" in reason
    assert "that has settled by the next morning" in reason


# --- the prescription on any figures --------------------------------------------------------------
km_figure = st.one_of(st.none(), st.floats(0, 400, allow_nan=False), st.integers(0, 400))
pain = st.one_of(st.none(), st.integers(0, 10))


@settings(max_examples=400, deadline=None)
@given(
    weeks_=st.tuples(km_figure, km_figure, km_figure, km_figure),
    runs=st.one_of(st.none(), st.integers(-1, 21)),
    during=pain,
    morning=pain,
    now=pain,
    spike=st.booleans(),
    is_review=st.booleans(),
    xtrain=st.sampled_from([0, 2]),
)
def test_any_running_week_adds_up_keeps_a_day_without_running_and_never_builds_on_unsettled_pain(
    weeks_, runs, during, morning, now, spike, is_review, xtrain
):
    from physio.plan import running as rx  # new in issue 10

    data = rx.RunningInput(
        weeks_km=weeks_,
        runs_per_week=runs,
        pain_during=during,
        pain_next_morning=morning,
        pain_now=now,
        rmdq=None,
        spike=spike,
        review=is_review,
        cross_training_days=xtrain,
    )
    week = rx.prescribe(data)
    if week is None:
        return
    assert week.decision in rx.DECISIONS
    assert week.level_km > 0 and week.total_km > 0
    assert round(sum(r.km for r in week.runs), 6) == round(week.total_km, 6)
    assert 1 <= len(week.runs) <= rx.MAX_RUNS and len({r.day for r in week.runs}) == len(week.runs)
    assert week.next_week_km >= week.total_km >= week.step_back_km
    if week.decision == "build":
        assert week.recovered or (week.settled and (during is None or during <= 3))
