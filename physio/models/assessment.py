"""The assessment: one clinical record per visit, and every amendment as a new version.

Every field of physio/clinical/schema.py becomes a typed column named `<section>_<field>`
(multi-selects are JSON lists); PSFS activities are rows of their own. Columns are generated from
the schema so the field list is written once.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from physio.clinical.schema import all_fields
from physio.extensions import Model
from physio.models.base import ClinicOwned, UTCDateTime, utcnow
from physio.models.patient import Patient
from physio.models.user import User


class Kind(enum.StrEnum):
    INITIAL = "initial"
    REVIEW = "review"


class Status(enum.StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


def _column_for(f):
    if f.kind == "int":
        return mapped_column(Integer, nullable=True)
    if f.kind == "decimal":
        digits = len(str(int(f.max))) + f.places
        return mapped_column(Numeric(digits, f.places, asdecimal=True), nullable=True)
    if f.kind == "bool":
        return mapped_column(Boolean, nullable=True)
    if f.kind == "date":
        return mapped_column(Date, nullable=True)
    if f.kind == "longtext":
        return mapped_column(Text, nullable=True)
    if f.kind == "text":
        return mapped_column(String(f.max_length or 200), nullable=True)
    if f.kind in ("enum", "tri"):
        return mapped_column(String(max(len(v) for v, _ in f.choices)), nullable=True)
    if f.kind == "multi":
        return mapped_column(JSON, nullable=False, default=list)
    raise ValueError(f"no column type for {f.kind}")


# A mixin holding one column per schema field (SQLAlchemy copies mixin columns onto the model).
FindingColumns = type(
    "FindingColumns",
    (),
    {f.column(section.name): _column_for(f) for section, f in all_fields()},
)


class Assessment(FindingColumns, ClinicOwned, Model):
    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_patient_seen_at", "patient_id", "seen_at"),
        Index("ix_assessments_clinic_status_created", "clinic_id", "status", "created_at"),
        # One row per (record, version): two simultaneous amendments can't both be version 2
        # (the first version is its own root, root_id NULL).
        Index(
            "uq_assessments_root_version",
            func.coalesce(Column("root_id", Integer), Column("id", Integer)),
            "version",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    kind: Mapped[Kind] = mapped_column(
        Enum(Kind, native_enum=False, length=10, validate_strings=True)
    )
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when care was given
    status: Mapped[Status] = mapped_column(
        Enum(Status, native_enum=False, length=10, validate_strings=True), default=Status.DRAFT
    )

    # Server-set; never from a form.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # How `content_hash` was computed (physio/services/assessments.py canonical forms): NULL or
    # 1 for records signed before hash version 2, which covered the values as held in memory.
    hash_version: Mapped[int | None] = mapped_column(Integer)
    # The patient facts the signed record depends on, as they were at signing
    # ({"date_of_birth", "sex"}): a signed record's ages and tier never follow later edits of
    # the patient's details. Part of what is signed (hash version 2).
    signed_patient: Mapped[dict | None] = mapped_column(JSON)

    # Amendments: a new row per version; the first version is its own root.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), index=True)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    version: Mapped[int] = mapped_column(default=1)
    amendment_reason: Mapped[str | None] = mapped_column(Text)

    # Optimistic locking: a save based on an older version is a conflict, never an overwrite.
    lock_version: Mapped[int] = mapped_column(default=1)

    # Raw form payload saved by the browser every few seconds when it does not (yet) validate:
    # kept apart from the record so unvalidated input is never clinical data, but never lost.
    autosave: Mapped[dict | None] = mapped_column(JSON)
    autosave_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The body chart: [{"region", "symptom", "intensity"}] (physio/clinical/body_chart.py),
    # posted as `pain-body_chart`; None when none was drawn.
    pain_body_chart: Mapped[list | None] = mapped_column(JSON)
    # Where a review's values came from (physio/clinical/review.py): {"confirmed": {section:
    # ISO time of the "same as last visit" tap}, "shifted": {field: source field and date},
    # "estimated": {field: {"value", "basis"}}}. None on initial assessments.
    copy_forward: Mapped[dict | None] = mapped_column(JSON)
    # Sections recorded as not assessed (the emergency fast path signs without them).
    not_assessed: Mapped[list | None] = mapped_column(JSON)

    patient: Mapped[Patient] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    psfs_items: Mapped[list[PsfsItem]] = relationship(
        back_populates="assessment",
        order_by="PsfsItem.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def is_signed(self) -> bool:
        return self.status == Status.SIGNED

    @property
    def chain_root_id(self) -> int:
        return self.root_id or self.id

    def __repr__(self) -> str:
        return f"<Assessment {self.id} v{self.version} {self.status.value}>"


class PsfsItem(Model):
    """One Patient-Specific Functional Scale activity and its 0–10 rating."""

    __tablename__ = "psfs_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    position: Mapped[int]
    activity: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[int | None]

    assessment: Mapped[Assessment] = relationship(back_populates="psfs_items")
