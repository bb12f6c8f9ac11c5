from __future__ import annotations

import enum
import unicodedata
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from physio.extensions import Model
from physio.models.base import ClinicOwned, UTCDateTime, utcnow
from physio.models.user import User


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


def search_key(text: str) -> str:
    """Lower-case, accent-free form used for indexed prefix search ("Ørsted" ~ "orsted")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ø", "o")


class Patient(ClinicOwned, Model):
    __tablename__ = "patients"
    __table_args__ = (
        UniqueConstraint("clinic_id", "reference"),
        # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'abc%' under any collation.
        Index(
            "ix_patients_clinic_last_name_key",
            "clinic_id",
            "last_name_key",
            postgresql_ops={"last_name_key": "varchar_pattern_ops"},
        ),
        Index(
            "ix_patients_clinic_first_name_key",
            "clinic_id",
            "first_name_key",
            postgresql_ops={"first_name_key": "varchar_pattern_ops"},
        ),
        Index("ix_patients_clinic_date_of_birth", "clinic_id", "date_of_birth"),
        # The unfiltered list, in name order, without sorting the clinic's whole roster.
        Index(
            "ix_patients_clinic_list",
            "clinic_id",
            "last_name_key",
            "first_name_key",
            "id",
            postgresql_where=text("archived_at IS NULL"),
            sqlite_where=text("archived_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name_key: Mapped[str] = mapped_column(String(100))
    last_name_key: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    sex: Mapped[Sex] = mapped_column(Enum(Sex, native_enum=False, length=10, validate_strings=True))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    reference: Mapped[str | None] = mapped_column(String(50))

    consent_treatment: Mapped[bool] = mapped_column(default=False)
    consent_treatment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_treatment_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_data_sharing: Mapped[bool] = mapped_column(default=False)
    consent_data_sharing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_data_sharing_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Clinical records are never deleted by the app: patients are archived (retention, issue 5).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    consent_treatment_by: Mapped[User | None] = relationship(foreign_keys=[consent_treatment_by_id])
    consent_data_sharing_by: Mapped[User | None] = relationship(
        foreign_keys=[consent_data_sharing_by_id]
    )

    @validates("first_name", "last_name")
    def _keep_search_keys(self, key: str, value: str) -> str:
        setattr(self, f"{key}_key", search_key(value))
        return value

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        had_birthday = (day.month, day.day) >= (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - (0 if had_birthday else 1)

    def record_consent(self, kind: str, given: bool, by: User, at: datetime) -> None:
        """Set a consent flag, stamping who recorded it and when, only when it changes."""
        if bool(getattr(self, f"consent_{kind}")) == given:
            return
        setattr(self, f"consent_{kind}", given)
        setattr(self, f"consent_{kind}_at", at)
        setattr(self, f"consent_{kind}_by", by)

    def __repr__(self) -> str:
        return f"<Patient {self.id} {self.full_name!r}>"
