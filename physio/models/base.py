"""Column types and mixins shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, types
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(types.TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    SQLite has no time zones and hands back naive values; normalising here means the rest of the
    code only ever sees aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ClinicOwned:
    """Rows that belong to one clinic. Reads of these are filtered to the user's clinic
    in one place (physio/scoping.py), so no view can forget it."""

    @declared_attr
    def clinic_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("clinics.id"), index=True)
