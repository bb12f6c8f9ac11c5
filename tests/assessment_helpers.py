"""Payload builders for assessment tests: every field of the schema, with valid values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from physio.clinical.schema import PSFS_ENTRIES, SECTIONS

SEEN_AT = "2026-11-20T10:30"
ONSET = date(2026, 9, 1)

# Values chosen to be valid and to satisfy the combination rules.
OVERRIDES = {
    "pain-nprs_now": ("4", 4),
    "pain-nprs_best_24h": ("2", 2),
    "pain-nprs_worst_24h": ("7", 7),
    "history-onset_date": (ONSET.isoformat(), ONSET),
    "red_flags-tier_override": ("R", "R"),
    "training-runs_per_week": ("4", 4),
}


def posted_and_expected(section, f):
    """(posted string or list, expected stored value) for one field."""
    name = f"{section.name}-{f.name}"
    if name in OVERRIDES:
        return OVERRIDES[name]
    if f.kind == "int":
        value = (f.min + f.max) // 2
        return str(value), value
    if f.kind == "decimal":
        value = Decimal(f.min + f.max) / 2
        value = value.quantize(Decimal(1).scaleb(-f.places))
        return str(value), value
    if f.kind == "bool":
        return "y", True
    if f.kind in ("text", "longtext"):
        return f"{f.name} note", f"{f.name} note"
    if f.kind == "date":
        return "2026-10-01", date(2026, 10, 1)
    if f.kind == "enum":
        value = f.choices[-1][0]
        return value, value
    if f.kind == "tri":
        return "no", "no"
    if f.kind == "multi":
        values = [f.choices[0][0], f.choices[-1][0]]
        return values, values
    raise AssertionError(f.kind)


def full_payload(*, lock_version: int = 1, odi: bool = True, sbst: bool = True):
    """(posted form data, {posted name: expected stored value}) covering every field."""
    data: dict = {"seen_at": SEEN_AT, "lock_version": str(lock_version)}
    expected: dict = {}
    for section in SECTIONS:
        for f in section.fields:
            if (f.option == "odi" and not odi) or (f.option == "sbst" and not sbst):
                continue
            posted, stored = posted_and_expected(section, f)
            data[f"{section.name}-{f.name}"] = posted
            expected[f"{section.name}-{f.name}"] = stored
    for i in range(PSFS_ENTRIES):
        data[f"outcomes-psfs-{i}-activity"] = f"Activity {i}"
        data[f"outcomes-psfs-{i}-score"] = str(i * 2)
    return data, expected


def minimal_signable(*, lock_version: int, red_flags: str = "no") -> dict:
    """The least an initial assessment needs to be signed."""
    data = {
        "seen_at": SEEN_AT,
        "lock_version": str(lock_version),
        "history-presenting_complaint": "Low back pain after long runs",
        "pain-nprs_now": "3",
        "pain-nprs_best_24h": "1",
        "pain-nprs_worst_24h": "5",
        "pain-location": ["central_lumbar"],
        "impression-working_diagnosis": "non_specific_lbp",
        "impression-review_in_weeks": "4",
    }
    for f in next(s for s in SECTIONS if s.name == "red_flags").fields:
        if f.kind == "tri":
            data[f"red_flags-{f.name}"] = red_flags
    return data


def stored_value(record: dict, posted_name: str):
    section, name = posted_name.split("-", 1)
    return record[section][name]


def as_datetime(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M")
