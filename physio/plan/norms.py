"""Norms with the population they come from (docs/clinical-rules.md, "Doses and norms").

A norm is compared with, and quoted to, only a patient inside its population (sex and age band);
outside it the plan quotes the patient's own figure and the side-to-side difference only.
Figures and populations: docs/evidence.md §1.7.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Norm:
    test: str  # the physical-section field
    sex: str  # "male" | "female"
    age_min: int
    age_max: int
    value: float  # mean, or cut-off
    sd: float | None  # for a mean: "below the norm" = below mean − 1 SD
    population: str  # plain words, as quoted to the patient
    source: str

    def applies(self, age: int | None, sex: str | None) -> bool:
        return sex == self.sex and age is not None and self.age_min <= age <= self.age_max

    @property
    def limit(self) -> float:
        """Below this a value counts as below the norm: mean − 1 SD, or the cut-off itself."""
        return self.value - self.sd if self.sd is not None else self.value


#: Prone forearm plank, Strand 2014: 471 college students (mean age ≈ 20): men 124 ± 72 s, women
#: 83 ± 63 s [S28a]. "Below the norm" = more than 1 SD under the mean, like the hip-abductor rule:
#: a hold under the mean is what half of healthy students do.
PLANK_NORMS: tuple[Norm, ...] = (
    Norm("plank_s", "male", 18, 25, 124, 72, "men aged 18 to 25", "S28a"),
    Norm("plank_s", "female", 18, 25, 83, 63, "women aged 18 to 25", "S28a"),
)

#: Biering-Sørensen: in men aged 30–60, < 176 s predicted back pain within a year; it did not
#: predict it in women [S27a].
SORENSEN_CUTOFF = Norm("sorensen_s", "male", 30, 60, 176, None, "men aged 30 to 60", "S27a")

#: Passive straight-leg raise ≈ 61° in healthy young men (Gajdosik 1993) [S30e]; the age band is
#: the study's young-adult sample (quoted only to men aged 18–40).
SLR_NORM = Norm("slr_deg", "male", 18, 40, 61, None, "healthy young men", "S30e")


def norm_for(norms: tuple[Norm, ...], age: int | None, sex: str | None) -> Norm | None:
    return next((n for n in norms if n.applies(age, sex)), None)
