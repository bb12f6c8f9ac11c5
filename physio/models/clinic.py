from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, validates

from physio.extensions import Model
from physio.models.base import UTCDateTime, utcnow
from physio.names import clinic_name_key


class Clinic(Model):
    __tablename__ = "clinics"
    # A clinic is known by its name (to operators running `users create --clinic`, to staff):
    # one clinic per name, ignoring case, and per look: `name_key` (physio/names.py) is equal
    # for names that look the same (no-break spaces, invisible characters, Cyrillic і, …).
    __table_args__ = (
        Index("uq_clinics_name_lower", text("lower(name)"), unique=True),
        Index("uq_clinics_name_key", "name_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str | None] = mapped_column(String(200))  # set with the name
    phone: Mapped[str | None] = mapped_column(String(50))
    # Chooses the emergency and urgent-advice numbers in every patient text
    # (physio/clinical/emergency_numbers.py); new clinics take CLINIC_COUNTRY (default GB).
    country: Mapped[str] = mapped_column(String(2), default="GB", server_default="GB")
    # Licensed instruments are off until an admin confirms the clinic holds the licence
    # (ODI: Mapi Research Trust; STarT Back commercial use: Keele) — docs/evidence.md §0.
    odi_enabled: Mapped[bool] = mapped_column(default=False)
    sbst_enabled: Mapped[bool] = mapped_column(default=False)
    # The ODI statement text is licensed and not shipped (docs/evidence.md §1.3.1): a clinic that
    # holds the licence loads it here to send the ODI to patients ([[heading, 6 statements], …]).
    odi_statements: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @validates("name")
    def _keyed(self, _key: str, name: str) -> str:
        self.name_key = clinic_name_key(name)
        return name

    def __repr__(self) -> str:
        return f"<Clinic {self.id} {self.name!r}>"
