"""Small coercion helpers shared by the clinical modules.

Records arrive as plain nested dicts from forms, the database or JSON. Drafts may be half
filled, so every helper returns ``None`` (or an empty mapping) instead of raising.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

EMPTY: Mapping[str, Any] = {}


def section(record: Mapping[str, Any] | None, name: str) -> Mapping[str, Any]:
    """Return ``record[name]`` as a mapping, or an empty one when missing or malformed."""
    if not isinstance(record, Mapping):
        return EMPTY
    value = record.get(name)
    return value if isinstance(value, Mapping) else EMPTY


def num(value: Any) -> float | None:
    """A finite float from int/float/Decimal or a numeric string; ``None`` for blanks, bools."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        result = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            result = float(value)
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def format_number(value: Any, places: int = 1, missing: str = "—") -> str:
    """A figure as people read it: 25, 12.5, 0.8 — rounded to ``places`` decimals, without
    trailing zeros, never "-0"; ``missing`` for a blank or a non-number. The one number
    formatter of the app: pages, charts, PDFs and the plan's sentences all use it."""
    number = num(value)
    if number is None:
        return missing
    rounded = round(number, places)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{places}f}".rstrip("0").rstrip(".")


def is_true(value: Any) -> bool:
    """Strictly ticked: ``True`` (or the integer 1 some drivers return), never a string."""
    return value is True or (type(value) is int and value == 1)


def text(value: Any) -> str | None:
    """Stripped text, or ``None`` when blank."""
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None


def as_date(value: Any) -> date | None:
    """A ``date`` from a date, a datetime or an ISO string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def as_list(value: Any) -> list[Any]:
    """A multi-select value as a list (``None`` → ``[]``; a lone string → ``[string]``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return list(value)
    return []


def years_between(born: date, on: date) -> int | None:
    """Completed years from ``born`` to ``on``; ``None`` if ``on`` precedes ``born``."""
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return years if years >= 0 else None
