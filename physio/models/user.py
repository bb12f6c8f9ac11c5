from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from physio.extensions import Model
from physio.models.base import ClinicOwned, UTCDateTime, utcnow
from physio.models.clinic import Clinic


class Role(enum.StrEnum):
    PHYSIO = "physio"
    ADMIN = "admin"


class User(UserMixin, ClinicOwned, Model):
    __tablename__ = "users"
    # One account per email within a clinic. The same email may hold accounts at two clinics
    # (a locum), so a clinic admin adding someone learns nothing about other clinics' staff;
    # the login tells them apart by password, then by a choice (views/auth.py).
    __table_args__ = (
        UniqueConstraint("clinic_id", "email", name="uq_users_clinic_id_email"),
        Index("ix_users_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Clinic-scoped reads while someone is logged in; the login and Flask-Login's user_loader
    # run before the scope is set, and the email check spans clinics (skip_clinic_scope).
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, validate_strings=True), default=Role.PHYSIO
    )
    registration: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(default=True)
    # Flask-Login's alternative id: the session cookie names this token, not the user id, and
    # a request whose token is no longer the user's is logged out. Logout, a password change
    # and deactivation put a new one here, so copied cookies stop working (README "Security").
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_urlsafe(32)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    clinic: Mapped[Clinic] = relationship(lazy="joined")

    def get_id(self) -> str:
        return self.session_token

    def end_sessions(self) -> None:
        """Every session of this user ends (their cookies name the old token)."""
        self.session_token = secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_clinician(self) -> bool:
        """Only clinicians sign clinical records (an administrator's role is the clinic)."""
        return self.role == Role.PHYSIO

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r}>"
