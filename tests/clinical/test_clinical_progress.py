"""Progress at review visits: verdicts at the threshold edges, MEASURES, series."""

from datetime import date, datetime

import pytest

from physio.clinical import MEASURES, MeasureChange, compare_visits, derive, series
from physio.clinical.progress import MEASURES_BY_KEY, psfs_activity_changes, verdict

PATIENT = {"date_of_birth": date(1985, 3, 1), "sex": "female"}


def visit(seen: datetime, **sections) -> tuple[dict, object]:
    rec = {"kind": "review", "seen_at": seen, **sections}
    return rec, derive(rec, PATIENT)


def rmdq(n: int) -> dict:
    return {f"rmdq_{i}": i <= n for i in range(1, 25)} | {"rmdq_none": n == 0}


def change(key: str, earlier, later) -> MeasureChange:
    return next(row for row in compare_visits(*earlier, *later) if row.measure == key)


def judge(key: str, earlier: float, later: float) -> str | None:
    return verdict(MEASURES_BY_KEY[key], earlier, later)


def test_progress_measures_are_listed_once_in_a_fixed_order():
    keys = [m.key for m in MEASURES]
    assert keys[:6] == [
        "nprs_now",
        "nprs_worst_24h",
        "rmdq",
        "psfs_mean",
        "odi_percent",
        "weekly_km_w1",
    ]
    assert len(keys) == len(set(keys))
    assert {
        "plank_s",
        "side_plank_left_s",
        "side_plank_right_s",
        "sorensen_s",
        "flexor_endurance_s",
        "slr_left_deg",
        "slr_right_deg",
        "single_leg_bridge_left_reps",
        "single_leg_bridge_right_reps",
        "hip_abductor_left_nmkg",
        "hip_abductor_right_nmkg",
    } <= set(keys)
    assert all(m.label and m.unit and m.threshold for m in MEASURES)


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        (6, 4, "improved"),  # 2 points
        (6, 5, "no meaningful change"),  # 1 point, 17 %
        (3, 2, "improved"),  # 1 point but 33 %
        (4, 3, "no meaningful change"),  # 1 point, 25 %
        (4, 6, "worse"),  # 2 points up
        (5, 5, "no meaningful change"),
        (0, 1, "no meaningful change"),  # % undefined from 0; 1 point < 2
        (0, 2, "worse"),
    ],
)
def test_progress_nprs_two_points_or_30_percent_lower_is_better(earlier, later, expected):
    assert judge("nprs_now", earlier, later) == expected
    assert judge("nprs_worst_24h", earlier, later) == expected


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        (20, 15, "improved"),  # 5 points (25 %)
        (20, 16, "no meaningful change"),  # 4 points, 20 %
        (10, 7, "improved"),  # 3 points = exactly 30 %
        (10, 8, "no meaningful change"),  # 20 %
        (10, 15, "worse"),
    ],
)
def test_progress_rmdq_five_points_or_30_percent(earlier, later, expected):
    assert judge("rmdq", earlier, later) == expected


def test_progress_rmdq_recovered_at_two_or_less():
    start = visit(datetime(2026, 1, 5), outcomes=rmdq(8))
    assert change("rmdq", start, visit(datetime(2026, 2, 5), outcomes=rmdq(2))).recovered is True
    row = change("rmdq", start, visit(datetime(2026, 2, 5), outcomes=rmdq(3)))
    assert (row.recovered, row.verdict, row.change) == (False, "improved", -5)


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        (4.0, 6.0, "improved"),
        (4.0, 5.9, "no meaningful change"),
        (6.0, 4.0, "worse"),
    ],
)
def test_progress_psfs_mean_two_points_higher_is_better(earlier, later, expected):
    assert judge("psfs_mean", earlier, later) == expected


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        (40.0, 30.0, "improved"),
        (40.0, 30.1, "no meaningful change"),
        (30.0, 40.0, "worse"),
    ],
)
def test_progress_odi_ten_points_lower_is_better(earlier, later, expected):
    assert judge("odi_percent", earlier, later) == expected


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        (20, 22, "improved"),  # 10 %
        (20, 21.9, "no meaningful change"),
        (20, 18, "worse"),
        (0, 5, "improved"),  # back to running
        (0, 0, "no meaningful change"),
    ],
)
def test_progress_weekly_km_ten_percent_more_is_better(earlier, later, expected):
    assert judge("weekly_km_w1", earlier, later) == expected
    assert MEASURES_BY_KEY["weekly_km_w1"].informational is True


@pytest.mark.parametrize(
    "key",
    [
        "plank_s",
        "side_plank_left_s",
        "side_plank_right_s",
        "flexor_endurance_s",
        "slr_left_deg",
        "slr_right_deg",
        "single_leg_bridge_left_reps",
        "single_leg_bridge_right_reps",
        "hip_abductor_left_nmkg",
        "hip_abductor_right_nmkg",
    ],
)
def test_progress_physical_tests_ten_percent_higher_is_better(key):
    assert judge(key, 60, 66) == "improved"
    assert judge(key, 60, 65.9) == "no meaningful change"
    assert judge(key, 60, 54) == "worse"
    assert judge(key, 0, 10) == "improved"


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        (100, 132, "improved"),  # MDC 32 s
        (100, 131, "no meaningful change"),
        (100, 68, "worse"),
    ],
)
def test_progress_sorensen_uses_the_32_s_mdc(earlier, later, expected):
    assert judge("sorensen_s", earlier, later) == expected


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        (2, 3, "improved"),
        (3, 2, "worse"),
        (2, 2, "no meaningful change"),
    ],
)
def test_progress_single_leg_squat_one_grade(earlier, later, expected):
    assert judge("single_leg_squat_left", earlier, later) == expected


def test_progress_compare_visits_hand_computed():
    earlier = visit(
        datetime(2026, 1, 5),
        pain={"nprs_now": 6, "nprs_worst_24h": 8},
        outcomes=rmdq(10),
        training={"weekly_km_w1": 10},
        physical={"plank_s": 40, "sorensen_s": 80},
    )
    later = visit(
        datetime(2026, 2, 5),
        pain={"nprs_now": 3, "nprs_worst_24h": 7},
        outcomes=rmdq(4),
        training={"weekly_km_w1": 25},
        physical={"plank_s": 41, "sorensen_s": 120},
    )
    rows = {row.measure: row for row in compare_visits(*earlier, *later)}
    assert [row.measure for row in compare_visits(*earlier, *later)] == [m.key for m in MEASURES]
    assert (rows["nprs_now"].change, rows["nprs_now"].verdict) == (-3, "improved")
    assert rows["nprs_worst_24h"].verdict == "no meaningful change"
    assert (rows["rmdq"].earlier, rows["rmdq"].later, rows["rmdq"].verdict) == (10, 4, "improved")
    assert rows["weekly_km_w1"].verdict == "improved"
    assert rows["plank_s"].verdict == "no meaningful change"
    assert rows["sorensen_s"].verdict == "improved"
    assert rows["psfs_mean"].verdict is None  # not recorded at either visit
    assert rows["psfs_mean"].change is None


def test_progress_missing_value_at_one_visit_has_no_verdict():
    earlier = visit(datetime(2026, 1, 5), physical={"plank_s": 40})
    later = visit(datetime(2026, 2, 5), physical={})
    row = change("plank_s", earlier, later)
    assert (row.earlier, row.later, row.change, row.verdict) == (40, None, None, None)


def test_progress_skip_missing_drops_rows_blank_at_both_visits():
    earlier = visit(datetime(2026, 1, 5), pain={"nprs_now": 5})
    later = visit(datetime(2026, 2, 5), pain={"nprs_now": 2})
    rows = compare_visits(*earlier, *later, skip_missing=True)
    assert [row.measure for row in rows] == ["nprs_now"]  # the RMDQ was not asked at either


def test_progress_psfs_activity_matched_by_text_with_three_point_mdc():
    earlier = {"psfs": [{"activity": "Run 5 km", "score": 3}, {"activity": "Sit 1 h", "score": 5}]}
    later = {
        "psfs": [
            {"activity": "run 5 km ", "score": 6},
            {"activity": "sit 1 h", "score": 7},
            {"activity": "new one", "score": 2},
        ]
    }
    rows = {row.label: row for row in psfs_activity_changes(earlier, later)}
    assert set(rows) == {"run 5 km", "sit 1 h"}
    assert rows["run 5 km"].verdict == "improved"
    assert rows["sit 1 h"].verdict == "no meaningful change"


def test_progress_series_is_sorted_and_skips_blanks():
    v3 = visit(datetime(2026, 3, 1), pain={"nprs_now": 2})
    v1 = visit(datetime(2026, 1, 1), pain={"nprs_now": 7}, physical={"plank_s": 30})
    v2 = visit(datetime(2026, 2, 1), pain={"nprs_now": None}, physical={"plank_s": 45})
    undated = ({"pain": {"nprs_now": 9}}, None)
    result = series([v3, v1, v2, undated])
    assert set(result) == {m.key for m in MEASURES}
    assert result["nprs_now"] == [(datetime(2026, 1, 1), 7.0), (datetime(2026, 3, 1), 2.0)]
    assert result["plank_s"] == [(datetime(2026, 1, 1), 30.0), (datetime(2026, 2, 1), 45.0)]
    assert result["rmdq"] == []  # not asked at any visit: nothing to chart
    assert result["odi_percent"] == []
