"""What the physio changed in a derived plan, every exported PDF, and patient links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from physio.extensions import Model
from physio.models.assessment import Assessment
from physio.models.base import ClinicOwned, UTCDateTime, utcnow
from physio.models.user import User


class PlanEdits(ClinicOwned, Model):
    """The physio's edits of the plan derived from one assessment version (physio/plan/edits.py
    format). The plan itself is always re-derived from the record, then these are applied."""

    __tablename__ = "plan_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), unique=True)
    edits: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lock_version: Mapped[int] = mapped_column(default=1)

    updated_by: Mapped[User] = relationship()
    __mapper_args__ = {"version_id_col": lock_version}


class PlanExport(ClinicOwned, Model):
    """One exported PDF, stored as it was handed out. Never updated (enforced below)."""

    __tablename__ = "plan_exports"
    __table_args__ = (UniqueConstraint("assessment_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="plan")  # plan | letter
    version: Mapped[int]
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))  # only loaded to serve it
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    pages: Mapped[int]
    plan: Mapped[dict] = deferred(mapped_column(JSON))  # the plan as printed (to_dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    assessment: Mapped[Assessment] = relationship()
    created_by: Mapped[User] = relationship()


@event.listens_for(PlanExport, "before_update")
def _exports_are_immutable(mapper, connection, target) -> None:
    raise ValueError("an exported plan is immutable; export a new version instead")


class PatientLink(ClinicOwned, Model):
    """A patient's link (/p/<token>) to an assessment's latest exported plan: the phone page,
    the PDF and the home log. The token is random (256 bits) and only its SHA-256 is stored
    (physio/services/patient_links.py), so the database alone opens no plan."""

    __tablename__ = "patient_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first time the patient did

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    assessment: Mapped[Assessment] = relationship()
