"""Questionnaire scores: RMDQ-24, PSFS, ODI and the Keele STarT Back tool (docs/evidence.md §1.3).

Raw item answers are the record; every score here is re-derived from them [§1.3.5].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from ._util import is_true, num

# --- RMDQ-24 -------------------------------------------------------------------------------
# Roland & Morris 1983 English original, unmodified [S8a]; free when used unmodified [S7].
RMDQ_INSTRUCTION = "Tick a sentence only if it describes you today."  # [S8a]
RMDQ_ITEMS: tuple[str, ...] = (
    "I stay at home most of the time because of my back.",
    "I change position frequently to try and get my back comfortable.",
    "I walk more slowly than usual because of my back.",
    "Because of my back I am not doing any of the jobs that I usually do around the house.",
    "Because of my back, I use a handrail to get upstairs.",
    "Because of my back, I lie down to rest more often.",
    "Because of my back, I have to hold on to something to get out of an easy chair.",
    "Because of my back, I try to get other people to do things for me.",
    "I get dressed more slowly than usual because of my back.",
    "I only stand for short periods of time because of my back.",
    "Because of my back, I try not to bend or kneel down.",
    "I find it difficult to get out of a chair because of my back.",
    "My back is painful almost all the time.",
    "I find it difficult to turn over in bed because of my back.",
    "My appetite is not very good because of my back pain.",
    "I have trouble putting on my socks (or stockings) because of the pain in my back.",
    "I only walk short distances because of my back.",
    "I sleep less well because of my back.",
    "Because of my back pain, I get dressed with help from someone else.",
    "I sit down for most of the day because of my back.",
    "I avoid heavy jobs around the house because of my back.",
    "Because of my back pain, I am more irritable and bad tempered with people than usual.",
    "Because of my back, I go upstairs more slowly than usual.",
    "I stay in bed most of the time because of my back.",
)
RMDQ_MAX = 24
# The contract's field names (docs/assessment.md), spelled out so a search for one finds it; the
# schema, the scoring and the demo records all read them from here.
RMDQ_FIELDS: tuple[str, ...] = (
    "rmdq_1",
    "rmdq_2",
    "rmdq_3",
    "rmdq_4",
    "rmdq_5",
    "rmdq_6",
    "rmdq_7",
    "rmdq_8",
    "rmdq_9",
    "rmdq_10",
    "rmdq_11",
    "rmdq_12",
    "rmdq_13",
    "rmdq_14",
    "rmdq_15",
    "rmdq_16",
    "rmdq_17",
    "rmdq_18",
    "rmdq_19",
    "rmdq_20",
    "rmdq_21",
    "rmdq_22",
    "rmdq_23",
    "rmdq_24",
)
# "None of these statements apply today": the RMDQ was asked and nothing was ticked. Without it
# (or a ticked item) unticked boxes are indistinguishable from "not asked" (docs/assessment.md).
RMDQ_NONE_FIELD = "rmdq_none"
RMDQ_NONE_LABEL = "None of these statements apply today"
RMDQ_MIC_POINTS = 5  # meaningful change: 5 points … [S10]
RMDQ_MIC_PCT = 30.0  # … or 30 % of baseline [S10]
RMDQ_RECOVERED_MAX = 2  # RMDQ ≤ 2 best identifies "recovered" [S11]

# --- PSFS ----------------------------------------------------------------------------------
PSFS_MAX_ACTIVITIES = 5  # up to 3–5 activities [S9]
PSFS_MDC_MEAN = 2.0  # MDC (90 % CI) for the mean score [S9]
PSFS_MDC_ACTIVITY = 3.0  # MDC (90 % CI) for a single activity [S9]

# --- ODI -----------------------------------------------------------------------------------
# Statement text is licensed (Mapi) and deliberately not shipped [S6][S6d]; sections are scored 0–5.
ODI_FIELDS: tuple[str, ...] = (
    "odi_1",
    "odi_2",
    "odi_3",
    "odi_4",
    "odi_5",
    "odi_6",
    "odi_7",
    "odi_8",
    "odi_9",
    "odi_10",
)
ODI_SECTIONS: tuple[str, ...] = (
    "Pain intensity",
    "Personal care",
    "Lifting",
    "Walking",
    "Sitting",
    "Standing",
    "Sleeping",
    "Sex life",
    "Social life",
    "Travelling",
)  # section names only [S6]
ODI_MIN_ANSWERED = 8  # docs/assessment.md: a score needs ≥ 8 answered sections
ODI_MIC_POINTS = 10.0  # MIC / MDC 10 points [S6b][S10]

# --- STarT Back ----------------------------------------------------------------------------
# Keele wording, must not be modified [S4d][S5]; timeframe "the last 2 weeks" [S5].
SBST_TIMEFRAME = "Thinking about the last 2 weeks"
#: Items 1–8 (agree / disagree); item 9 is "sbst_9" (how bothersome, five options).
SBST_AGREE_FIELDS: tuple[str, ...] = (
    "sbst_1",
    "sbst_2",
    "sbst_3",
    "sbst_4",
    "sbst_5",
    "sbst_6",
    "sbst_7",
    "sbst_8",
)
SBST_ITEMS: tuple[str, ...] = (
    "My back pain has spread down my leg(s) at some time in the last 2 weeks",
    "I have had pain in the shoulder or neck at some time in the last 2 weeks",
    "I have only walked short distances because of my back pain",
    "In the last 2 weeks, I have dressed more slowly than usual because of back pain",
    "It's not really safe for a person with a condition like mine to be physically active",
    "Worrying thoughts have been going through my mind a lot of the time",
    "I feel that my back pain is terrible and it's never going to get any better",
    "In general I have not enjoyed all the things I used to enjoy",
    "Overall, how bothersome has your back pain been in the last 2 weeks?",
)
# docs/evidence.md asks for Keele's copyright statement verbatim but does not quote it [S4a];
# until the clinic loads Keele's own statement this short attribution is shown.
SBST_COPYRIGHT = "© Keele University"
# Item 9 options per the Keele form (labels UNVERIFIED in the retrieved text [S2][S3]).
SBST_ITEM9_OPTIONS: tuple[tuple[str, str], ...] = (
    ("not_at_all", "Not at all"),
    ("slightly", "Slightly"),
    ("moderately", "Moderately"),
    ("very_much", "Very much"),
    ("extremely", "Extremely"),
)
SBST_ITEM9_POSITIVE = frozenset({"very_much", "extremely"})  # only these score 1 [S3]
SBST_PSYCHOSOCIAL_ITEMS = (5, 6, 7, 8, 9)  # Keele's own page (not the RehabMeasures mirror) [S3]
SBST_HIGH_PSYCHOSOCIAL = 4  # subscale 4–5 → high risk [S3]
SBST_MEDIUM_TOTAL = 4  # total ≥ 4 with subscale ≤ 3 → medium risk [S3]

Risk = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class SbstResult:
    total: int  # 0–9
    psychosocial: int  # 0–5 (items 5–9)
    risk: Risk


def rmdq_asked(outcomes: Mapping[str, Any] | None) -> bool:
    """Asked when an item is ticked or "none of these apply" is: unticked boxes alone are not
    an answer (a record signed without asking must not read 0/24, "recovered")."""
    if not isinstance(outcomes, Mapping):
        return False
    return is_true(outcomes.get(RMDQ_NONE_FIELD)) or any(
        is_true(outcomes.get(name)) for name in RMDQ_FIELDS
    )


def rmdq_score(outcomes: Mapping[str, Any] | None) -> int | None:
    """Count of ticked items 0–24 [S8a][S8c]; ``None`` when the RMDQ was not asked."""
    if not rmdq_asked(outcomes):
        return None
    assert isinstance(outcomes, Mapping)
    return sum(1 for name in RMDQ_FIELDS if is_true(outcomes.get(name)))


def psfs_scores(outcomes: Mapping[str, Any] | None) -> list[float]:
    """The rated PSFS activity scores, in entry order (unrated rows skipped)."""
    if not isinstance(outcomes, Mapping):
        return []
    rows = outcomes.get("psfs")
    if not isinstance(rows, (list, tuple)):
        return []
    scores = (num(row.get("score")) for row in rows if isinstance(row, Mapping))
    return [score for score in scores if score is not None]


def psfs_mean(outcomes: Mapping[str, Any] | None) -> float | None:
    """Mean of the rated activities (0–10) [S9]; full precision, round only for display."""
    scores = psfs_scores(outcomes)
    return sum(scores) / len(scores) if scores else None


def round_half_up(value: float, places: int = 1) -> float:
    """Round as a clinician would (35.55 → 35.6), not banker's rounding."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def odi_percent(outcomes: Mapping[str, Any] | None) -> float | None:
    """ODI % = sum / (5 × answered) × 100, one decimal; ``None`` below 8 answered [S6].

    Blank sections are "not applicable" and shrink the denominator by 5 [S6].
    """
    if not isinstance(outcomes, Mapping):
        return None
    answered = [v for v in (num(outcomes.get(name)) for name in ODI_FIELDS) if v is not None]
    if len(answered) < ODI_MIN_ANSWERED:
        return None
    return round_half_up(sum(answered) / (5 * len(answered)) * 100, 1)


def sbst_risk(total: int, psychosocial: int) -> Risk:
    """Keele stratification [S3]: subscale ≥ 4 high; else total ≥ 4 medium; else low."""
    if psychosocial >= SBST_HIGH_PSYCHOSOCIAL:
        return "high"
    if total >= SBST_MEDIUM_TOTAL:
        return "medium"
    return "low"


def sbst(outcomes: Mapping[str, Any] | None) -> SbstResult | None:
    """Score the 9-item STarT Back; ``None`` unless every item is answered."""
    if not isinstance(outcomes, Mapping):
        return None
    agree = [outcomes.get(name) for name in SBST_AGREE_FIELDS]
    item9 = outcomes.get("sbst_9")
    valid9 = {value for value, _ in SBST_ITEM9_OPTIONS}
    if any(answer is None for answer in agree) or item9 not in valid9:
        return None
    points = [1 if is_true(answer) else 0 for answer in agree]
    points.append(1 if item9 in SBST_ITEM9_POSITIVE else 0)
    total = sum(points)
    psychosocial = sum(points[i - 1] for i in SBST_PSYCHOSOCIAL_ITEMS)
    return SbstResult(total=total, psychosocial=psychosocial, risk=sbst_risk(total, psychosocial))
