"""Physical-test figures and norms (docs/evidence.md §1.7)."""

import pytest

from physio.clinical.physical import (
    HIP_ABDUCTOR_SD,
    PLANK_NORM_S,
    SORENSEN_MALE_CUTOFF_S,
    asymmetry_pct,
    hip_abductor_norm,
    physical_figures,
)


@pytest.mark.parametrize(
    "left, right, expected",
    [
        (40, 50, 20.0),  # |40−50| / 50
        (50, 40, 20.0),
        (45, 60, 25.0),
        (0, 10, 100.0),
        (0, 0, 0.0),
        (30, 30, 0.0),
        (1.2, 1.5, 20.0),
    ],
)
def test_asymmetry_pct_is_difference_over_larger_side(left, right, expected):
    assert asymmetry_pct(left, right) == pytest.approx(expected)


@pytest.mark.parametrize("left, right", [(None, 10), (10, None), (None, None)])
def test_asymmetry_pct_needs_both_sides(left, right):
    assert asymmetry_pct(left, right) is None


def test_hip_abductor_norm_man_aged_30():
    # 1.600 − 0.005 × 30 + 0.215 = 1.665 Nm/kg [S31]
    assert hip_abductor_norm(30, "male") == pytest.approx(1.665)


def test_hip_abductor_norm_woman_aged_40():
    # 1.600 − 0.005 × 40 = 1.400 Nm/kg
    assert hip_abductor_norm(40, "female") == pytest.approx(1.400)


def test_hip_abductor_norm_other_sex_uses_the_lower_equation():
    assert hip_abductor_norm(40, "other") == pytest.approx(1.400)


def test_plank_and_sorensen_constants():
    assert PLANK_NORM_S == {"male": 124, "female": 83}
    assert SORENSEN_MALE_CUTOFF_S == 176
    assert pytest.approx(0.354) == HIP_ABDUCTOR_SD


FULL = {
    "side_plank_left_s": 45,
    "side_plank_right_s": 60,
    "slr_left_deg": 70,
    "slr_right_deg": 56,
    "single_leg_bridge_left_reps": 20,
    "single_leg_bridge_right_reps": 20,
    "single_leg_squat_left": 2,
    "single_leg_squat_right": 3,
    "hip_abductor_left_nmkg": 1.30,
    "hip_abductor_right_nmkg": 1.32,
    "sorensen_s": 90,
    "flexor_endurance_s": 100,
    "plank_s": 100,
}


def test_physical_figures_hand_computed_for_a_man_aged_30():
    figures = physical_figures(FULL, 30, "male")
    assert figures.asymmetry["side_plank_s"] == pytest.approx(25.0)
    assert figures.asymmetry["slr_deg"] == pytest.approx(20.0)  # 14 / 70
    assert figures.asymmetry["single_leg_bridge_reps"] == 0.0
    assert figures.asymmetry["single_leg_squat"] == pytest.approx(100 / 3)
    assert figures.asymmetry["hip_abductor_nmkg"] == pytest.approx(0.02 / 1.32 * 100)
    assert figures.weaker_side == {
        "side_plank_s": "left",
        "slr_deg": "right",
        "single_leg_bridge_reps": None,
        "single_leg_squat": "left",
        "hip_abductor_nmkg": "left",
    }
    assert figures.flexor_extensor_ratio == pytest.approx(100 / 90)
    assert figures.side_extensor_ratio["left"] == pytest.approx(0.5)
    assert figures.side_extensor_ratio["right"] == pytest.approx(60 / 90)
    assert figures.plank_norm_s == 124
    assert figures.plank_below_norm is True
    assert figures.sorensen_below_cutoff is True
    # norm 1.665, limit 1.665 − 0.354 = 1.311: left 1.30 below, right 1.32 not
    assert figures.hip_abductor_norm_nmkg == pytest.approx(1.665)
    assert figures.hip_abductor_below_norm == {"left": True, "right": False}


def test_physical_plank_norm_for_women_is_83_s():
    figures = physical_figures({"plank_s": 100}, 30, "female")
    assert figures.plank_norm_s == 83
    assert figures.plank_below_norm is False
    assert physical_figures({"plank_s": 82}, 30, "female").plank_below_norm is True


def test_physical_plank_norm_for_other_sex_is_the_lower_83_s():
    figures = physical_figures({"plank_s": 82}, 30, "other")
    assert figures.plank_norm_s == 83
    assert figures.plank_below_norm is True


def test_physical_plank_at_norm_is_not_below():
    assert physical_figures({"plank_s": 124}, 30, "male").plank_below_norm is False


def test_physical_sorensen_cutoff_applies_to_men_only():
    assert physical_figures({"sorensen_s": 175}, 30, "male").sorensen_below_cutoff is True
    assert physical_figures({"sorensen_s": 176}, 30, "male").sorensen_below_cutoff is False
    assert physical_figures({"sorensen_s": 100}, 30, "female").sorensen_below_cutoff is None
    assert physical_figures({"sorensen_s": 100}, 30, "other").sorensen_below_cutoff is None
    assert physical_figures({}, 30, "male").sorensen_below_cutoff is None


def test_physical_hip_abductor_exactly_one_sd_below_is_not_below_norm():
    limit = 1.046  # woman aged 40: 1.400 − 0.354
    figures = physical_figures(
        {"hip_abductor_left_nmkg": limit, "hip_abductor_right_nmkg": limit - 0.01}, 40, "female"
    )
    assert figures.hip_abductor_below_norm == {"left": False, "right": True}


def test_physical_hip_abductor_norm_needs_age():
    figures = physical_figures({"hip_abductor_left_nmkg": 0.5}, None, "male")
    assert figures.hip_abductor_norm_nmkg is None
    assert figures.hip_abductor_below_norm == {"left": None, "right": None}


def test_physical_ratios_without_sorensen_are_none():
    for sorensen in (None, 0):
        figures = physical_figures(
            {"sorensen_s": sorensen, "flexor_endurance_s": 80, "side_plank_left_s": 40}, 30, "male"
        )
        assert figures.flexor_extensor_ratio is None
        assert figures.side_extensor_ratio == {"left": None, "right": None}


def test_physical_empty_section_gives_blank_figures():
    figures = physical_figures(None, None, None)
    assert set(figures.asymmetry) == {
        "side_plank_s",
        "slr_deg",
        "single_leg_bridge_reps",
        "single_leg_squat",
        "hip_abductor_nmkg",
    }
    assert all(v is None for v in figures.asymmetry.values())
    assert all(v is None for v in figures.weaker_side.values())
    assert figures.plank_below_norm is None
    assert figures.plank_norm_s == 83
