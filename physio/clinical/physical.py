"""Physical-test figures (docs/evidence.md §1.7): side differences, McGill ratios and norms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ._util import num

Side = Literal["left", "right"]

# Left/right pairs: key → (left field, right field) in the `physical` section.
PAIRS: dict[str, tuple[str, str]] = {
    "side_plank_s": ("side_plank_left_s", "side_plank_right_s"),
    "slr_deg": ("slr_left_deg", "slr_right_deg"),
    "single_leg_bridge_reps": ("single_leg_bridge_left_reps", "single_leg_bridge_right_reps"),
    "single_leg_squat": ("single_leg_squat_left", "single_leg_squat_right"),
    "hip_abductor_nmkg": ("hip_abductor_left_nmkg", "hip_abductor_right_nmkg"),
}

# Prone forearm plank, college norms (Strand 2014, n=471): men 124 ± 72 s, women 83 ± 63 s [S28a].
PLANK_NORM_S: dict[str, int] = {"male": 124, "female": 83}
# For sex "other" (or unknown) there is no norm; we use the lower figure, 83 s, which is also the
# non-athlete mean for both sexes in the same study [S28a]. A "below norm" finding adds exercises,
# so the lower bar flags only clearly short holds rather than guessing a sex-specific norm.
PLANK_NORM_DEFAULT_S = 83

# Biering-Sørensen: < 176 s predicted LBP within a year in men; not predictive in women [S27a].
SORENSEN_MALE_CUTOFF_S = 176
SORENSEN_MDC_LBP_S = 32  # MDC in people with current LBP [S27b][S27c]

# McGill ratios [S26]: flexor/extensor < 1.0, side bridge/extensor < 0.75, side bridges ≈ 1:1.
FLEXOR_EXTENSOR_RATIO_MAX = 1.0
SIDE_EXTENSOR_RATIO_MAX = 0.75

# Passive SLR in healthy men ≈ 61–62° (Gajdosik 1993) [S30e].
SLR_NORM_DEG = 61

# Eccentric hip abduction, hand-held dynamometer, novice runners (n=831) [S31]:
# norm = 1.600 − 0.005 × age + 0.215 × male, SD 0.354 Nm/kg.
HIP_ABDUCTOR_INTERCEPT = 1.600
HIP_ABDUCTOR_PER_YEAR = 0.005
HIP_ABDUCTOR_MALE = 0.215
HIP_ABDUCTOR_SD = 0.354


@dataclass(frozen=True)
class PhysicalFigures:
    asymmetry: dict[str, float | None]  # pair key → |L − R| / max(L, R) × 100
    flexor_extensor_ratio: float | None  # flexor_endurance_s / sorensen_s
    side_extensor_ratio: dict[str, float | None]  # "left"/"right" → side_plank_X_s / sorensen_s
    plank_norm_s: int
    plank_below_norm: bool | None
    sorensen_below_cutoff: bool | None  # men only [S27a]
    hip_abductor_norm_nmkg: float | None
    hip_abductor_below_norm: dict[str, bool | None]  # value < norm − 1 SD
    weaker_side: dict[str, Side | None]  # pair key → the side with the lower value


def asymmetry_pct(left: float | None, right: float | None) -> float | None:
    """|L − R| / max(L, R) × 100; ``None`` if a side is blank, 0 when both are 0."""
    if left is None or right is None:
        return None
    left, right = float(left), float(right)
    if left == right:
        return 0.0
    larger = max(left, right)
    if larger <= 0:
        return None  # out-of-range negatives: no meaningful percentage
    return abs(left - right) / larger * 100


def weaker(left: float | None, right: float | None) -> Side | None:
    """The side with the lower value (less endurance, range or strength); ``None`` if equal."""
    if left is None or right is None or left == right:
        return None
    return "left" if left < right else "right"


def _male(sex: str | None) -> int:
    # The equation codes male = 1, female = 0 [S31]; "other"/unknown takes the lower (female)
    # norm for the same reason as the plank norm above.
    return 1 if sex == "male" else 0


def hip_abductor_norm(age: int, sex: str | None) -> float:
    """Expected eccentric hip abductor strength in Nm/kg for this age and sex [S31]."""
    norm = HIP_ABDUCTOR_INTERCEPT - HIP_ABDUCTOR_PER_YEAR * age + HIP_ABDUCTOR_MALE * _male(sex)
    return round(norm, 3)  # the equation has 3 decimals; drop float noise before comparing


def hip_abductor_limit(age: int, sex: str | None) -> float:
    """Norm − 1 SD: below this a side counts as weak."""
    return round(hip_abductor_norm(age, sex) - HIP_ABDUCTOR_SD, 3)


def plank_norm(sex: str | None) -> int:
    return PLANK_NORM_S.get(sex or "", PLANK_NORM_DEFAULT_S)


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def _below(value: float | None, limit: float | None) -> bool | None:
    if value is None or limit is None:
        return None
    return value < limit


def physical_figures(
    physical: Mapping[str, Any] | None, age: int | None, sex: str | None
) -> PhysicalFigures:
    p: Mapping[str, Any] = physical if isinstance(physical, Mapping) else {}
    pairs = {key: (num(p.get(lf)), num(p.get(rf))) for key, (lf, rf) in PAIRS.items()}
    sorensen = num(p.get("sorensen_s"))
    side_left, side_right = pairs["side_plank_s"]
    hip_norm = hip_abductor_norm(age, sex) if age is not None else None
    hip_limit = hip_abductor_limit(age, sex) if age is not None else None
    hip_left, hip_right = pairs["hip_abductor_nmkg"]
    norm_s = plank_norm(sex)
    return PhysicalFigures(
        asymmetry={key: asymmetry_pct(*values) for key, values in pairs.items()},
        flexor_extensor_ratio=_ratio(num(p.get("flexor_endurance_s")), sorensen),
        side_extensor_ratio={
            "left": _ratio(side_left, sorensen),
            "right": _ratio(side_right, sorensen),
        },
        plank_norm_s=norm_s,
        plank_below_norm=_below(num(p.get("plank_s")), norm_s),
        sorensen_below_cutoff=_below(sorensen, SORENSEN_MALE_CUTOFF_S) if sex == "male" else None,
        hip_abductor_norm_nmkg=hip_norm,
        hip_abductor_below_norm={
            "left": _below(hip_left, hip_limit),
            "right": _below(hip_right, hip_limit),
        },
        weaker_side={key: weaker(*values) for key, values in pairs.items()},
    )
