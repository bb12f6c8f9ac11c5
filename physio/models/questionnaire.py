"""Questionnaires a patient answers from a link before a visit, and where their answers went.

A `Questionnaire` is one link (/q/<token>) for one patient: which instruments, the answers as
they come in (keyed by the contract's posted names, docs/assessment.md), and its life: sent,
opened, completed, revoked, locked after wrong dates of birth. `ReportedField` is the provenance
of one value in an assessment that the patient reported: what they said, when, which draft it
went into, and whether a physio changed it afterwards.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from physio.extensions import Model
from physio.models.assessment import Assessment
from physio.models.base import ClinicOwned, UTCDateTime, utcnow
from physio.models.patient import Patient
from physio.models.user import User


class Questionnaire(ClinicOwned, Model):
    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    # SHA-256 of the random token in the link; the reminder email carries a second token for
    # the same questionnaire (the first one keeps working), so both are looked up.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reminder_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    instruments: Mapped[list] = mapped_column(JSON)  # nprs, rmdq, psfs, sbst, odi
    # Activities rated at the last signed visit, for the patient to re-rate (PSFS at a review).
    psfs_previous: Mapped[list] = mapped_column(JSON, default=list)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # {"pain-nprs_now": 4, …}
    pages_done: Mapped[list] = mapped_column(JSON, default=list)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dob_failures: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_into_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Two answer pages saved at once (two tabs) must not overwrite each other's answers.
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": lock_version}

    patient: Mapped[Patient] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id} patient={self.patient_id}>"


class ReportedField(ClinicOwned, Model):
    """One assessment value that came from the patient (docs/assessment.md posted name)."""

    __tablename__ = "reported_fields"
    __table_args__ = (UniqueConstraint("assessment_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    field: Mapped[str] = mapped_column(String(60))  # e.g. "pain-nprs_now", "outcomes-psfs"
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the patient sent it
    value: Mapped[object] = mapped_column(JSON)  # what the patient answered
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # whose draft took it
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrected_value: Mapped[object | None] = mapped_column(JSON)

    corrected_by: Mapped[User | None] = relationship(foreign_keys=[corrected_by_id])
    assessment: Mapped[Assessment] = relationship()
