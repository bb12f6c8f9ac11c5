"""Training-load figures (docs/evidence.md §1.4): facts to discuss, never a risk score
[S16][S18]."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._util import num

# A >30 % progression over two weeks was associated with more distance-related injuries in novice
# runners (Nielsen 2014) [S17]; shown as a discussion point, not a diagnosis.
TWO_WEEK_DISCUSS_PCT = 30
# ACWR "sweet spot 0.8–1.3 / danger ≥ 1.5" comes from team sport [S15] and is strongly criticised
# as a statistical artefact [S16a][S16b]: kept only for the explanatory tooltip, never as a flag.
ACWR_PUBLISHED_SWEET_SPOT = (0.8, 1.3)
ACWR_NOTE = (
    "ACWR = last 7 days ÷ the 4-week average. Shown for information only: it has not been shown "
    "to predict injury better than chance, and it is not a risk score."
)  # [S16a]
WEEK_FIELDS = ("weekly_km_w1", "weekly_km_w2", "weekly_km_w3", "weekly_km_w4")  # w1 = last 7 days


@dataclass(frozen=True)
class LoadFigures:
    weekly_change_pct: float | None  # w1 vs w2
    two_week_change_pct: float | None  # w1 vs w3
    four_week_avg_km: float | None  # mean of w1…w4
    acwr: float | None  # w1 / mean(w1…w4), coupled [S15b][S16c]

    @property
    def two_week_discuss(self) -> bool | None:
        """True when the two-week progression exceeds 30 % [S17]; ``None`` if not computable."""
        if self.two_week_change_pct is None:
            return None
        # Rounded so that exactly 30 % (10 → 13 km is 30.000000000000004 in floats) is not "over".
        return round(self.two_week_change_pct, 6) > TWO_WEEK_DISCUSS_PCT


def pct_change(new: float | None, old: float | None) -> float | None:
    """(new − old) / old × 100; ``None`` when either is blank or ``old`` is 0."""
    if new is None or old is None or old == 0:
        return None
    return (new - old) / old * 100


def weekly_km(training: Mapping[str, Any] | None) -> tuple[float | None, ...]:
    """(w1, w2, w3, w4) as floats, blanks as ``None``."""
    if not isinstance(training, Mapping):
        return (None, None, None, None)
    return tuple(num(training.get(field)) for field in WEEK_FIELDS)


def training_load(training: Mapping[str, Any] | None) -> LoadFigures:
    w1, w2, w3, w4 = weekly_km(training)
    known = [w for w in (w1, w2, w3, w4) if w is not None]
    average = sum(known) / 4 if len(known) == 4 else None  # needs all four weeks
    acwr = w1 / average if w1 is not None and average else None
    return LoadFigures(
        weekly_change_pct=pct_change(w1, w2),
        two_week_change_pct=pct_change(w1, w3),
        four_week_avg_km=average,
        acwr=acwr,
    )
