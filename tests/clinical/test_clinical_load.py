"""Training-load figures (docs/assessment.md training; docs/evidence.md §1.4)."""

from decimal import Decimal

import pytest

from physio.clinical.load import TWO_WEEK_DISCUSS_PCT, LoadFigures, pct_change, training_load


def weeks(w1, w2, w3, w4) -> dict:
    return {"weekly_km_w1": w1, "weekly_km_w2": w2, "weekly_km_w3": w3, "weekly_km_w4": w4}


def test_load_figures_hand_computed():
    figures = training_load(weeks(40, 30, 25, 20))
    assert figures.weekly_change_pct == pytest.approx(33.333333, rel=1e-6)  # (40−30)/30
    assert figures.two_week_change_pct == pytest.approx(60.0)  # (40−25)/25
    assert figures.four_week_avg_km == pytest.approx(28.75)  # 115 / 4
    assert figures.acwr == pytest.approx(40 / 28.75)  # 1.391…
    assert figures.two_week_discuss is True


def test_load_decrease_is_negative():
    figures = training_load(weeks(20, 40, 40, 40))
    assert figures.weekly_change_pct == pytest.approx(-50.0)
    assert figures.two_week_change_pct == pytest.approx(-50.0)
    assert figures.acwr == pytest.approx(20 / 35)


def test_load_accepts_decimals():
    figures = training_load(weeks(Decimal("12.5"), Decimal("10"), Decimal("10"), Decimal("7.5")))
    assert figures.weekly_change_pct == pytest.approx(25.0)
    assert figures.four_week_avg_km == pytest.approx(10.0)
    assert figures.acwr == pytest.approx(1.25)


def test_load_zero_previous_week_gives_no_percentage():
    figures = training_load(weeks(10, 0, 0, 10))
    assert figures.weekly_change_pct is None
    assert figures.two_week_change_pct is None
    assert figures.four_week_avg_km == pytest.approx(5.0)
    assert figures.acwr == pytest.approx(2.0)


def test_load_all_zero_weeks_has_average_zero_and_no_acwr():
    figures = training_load(weeks(0, 0, 0, 0))
    assert figures == LoadFigures(None, None, 0.0, None)
    assert figures.two_week_discuss is None


def test_load_zero_this_week_after_running_is_minus_100_percent():
    figures = training_load(weeks(0, 20, 20, 20))
    assert figures.weekly_change_pct == pytest.approx(-100.0)
    assert figures.acwr == pytest.approx(0.0)


def test_load_four_week_average_needs_all_four_weeks():
    figures = training_load(weeks(30, 25, 20, None))
    assert figures.weekly_change_pct == pytest.approx(20.0)
    assert figures.two_week_change_pct == pytest.approx(50.0)
    assert figures.four_week_avg_km is None
    assert figures.acwr is None


@pytest.mark.parametrize("training", [None, {}, weeks(None, None, None, None)])
def test_load_blank_training_gives_all_none(training):
    assert training_load(training) == LoadFigures(None, None, None, None)


def test_load_two_week_discussion_threshold_is_over_30_percent():
    assert TWO_WEEK_DISCUSS_PCT == 30
    assert training_load(weeks(13, 12, 10, 10)).two_week_discuss is False  # exactly 30 %
    assert training_load(weeks(13.1, 12, 10, 10)).two_week_discuss is True  # 31 %


def test_pct_change_guards_division_by_zero():
    assert pct_change(5.0, 0.0) is None
    assert pct_change(None, 5.0) is None
    assert pct_change(0.0, 0.0) is None
