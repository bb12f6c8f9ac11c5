"""Clinics and users."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from physio.clinical.emergency_numbers import normalise_country
from physio.extensions import db
from physio.models import Clinic, Role, User
from physio.security import hash_password


class DuplicateEmail(ValueError):
    pass


def get_or_create_clinic(name: str) -> Clinic:
    clinic = db.session.execute(select(Clinic).where(Clinic.name == name)).scalar_one_or_none()
    if clinic is None:
        clinic = Clinic(name=name, country=default_country())
        db.session.add(clinic)
        db.session.flush()
    return clinic


def default_country() -> str:
    """CLINIC_COUNTRY (GB when unset or unknown), for new clinics."""
    return normalise_country(current_app.config.get("CLINIC_COUNTRY"))


def email_taken(email: str) -> bool:
    return (
        db.session.execute(
            select(func.count())
            .select_from(User)
            .where(func.lower(User.email) == email.lower())
            # One login per email across all clinics: the check looks beyond the admin's clinic.
            .execution_options(skip_clinic_scope=True)
        ).scalar_one()
        > 0
    )


def create_user(
    *,
    clinic: Clinic,
    name: str,
    email: str,
    password: str,
    role: str | Role,
    registration: str | None = None,
) -> User:
    if email_taken(email):
        raise DuplicateEmail(email)
    user = User(
        clinic=clinic,
        name=name,
        email=email.lower(),
        password_hash=hash_password(password),
        role=Role(role),
        registration=registration or None,
    )
    db.session.add(user)
    db.session.flush()
    return user
