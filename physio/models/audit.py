from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from physio.extensions import Model
from physio.models.base import ClinicOwned, UTCDateTime, utcnow


class AuditEvent(ClinicOwned, Model):
    """One append-only audit entry. `entry_hash` chains each entry to the one before it
    (`prev_hash`), so editing or deleting any row breaks verification (physio/services/audit.py)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_clinic_at", "clinic_id", "at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Clinic-scoped reads (the admin's audit page), but nullable: a failed login of an unknown
    # email belongs to no clinic. Writing and verifying the chain read across clinics
    # (skip_clinic_scope in physio/services/audit.py).
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"))  # type: ignore[assignment]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    # How entry_hash is computed: NULL for the unkeyed SHA-256 of entries written before
    # keys (allowed only before the first keyed entry), 2 for HMAC-SHA256 with AUDIT_KEY.
    scheme: Mapped[int | None] = mapped_column(Integer)
