"""Clinics and users."""

from __future__ import annotations

from sqlalchemy import func, select

from physio.extensions import db
from physio.models import Clinic, Role, User
from physio.security import hash_password


class DuplicateEmail(ValueError):
    pass


class ClinicExists(ValueError):
    """A clinic of that name (compared case-insensitively) exists already."""

    def __init__(self, clinic: Clinic):
        super().__init__(clinic.name)
        self.clinic = clinic


class NoSuchClinic(LookupError):
    pass


def clinic_named(name: str, *, other_than: int | None = None) -> Clinic | None:
    """The clinic called `name`, ignoring case and surrounding spaces (names are identities to
    people, and a unique index on lower(name) keeps them so), other than clinic `other_than`."""
    stmt = select(Clinic).where(func.lower(Clinic.name) == name.strip().lower())
    if other_than is not None:
        stmt = stmt.where(Clinic.id != other_than)
    return db.session.execute(stmt).scalars().first()


def create_clinic(name: str) -> Clinic:
    """A new clinic; ClinicExists when the name is taken (an operator must say --join to add
    a user to an existing clinic: a renamed clinic could otherwise capture new users)."""
    existing = clinic_named(name)
    if existing is not None:
        raise ClinicExists(existing)
    clinic = Clinic(name=name.strip())
    db.session.add(clinic)
    db.session.flush()
    return clinic


def existing_clinic(name: str) -> Clinic:
    clinic = clinic_named(name)
    if clinic is None:
        raise NoSuchClinic(name)
    return clinic


def get_or_create_clinic(name: str) -> Clinic:
    """The demo's clinic (seed-demo): reused when it exists."""
    return clinic_named(name) or create_clinic(name)


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
