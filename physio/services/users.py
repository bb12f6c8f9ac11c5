"""Clinics and users."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from physio.clinical.emergency_numbers import normalise_country
from physio.extensions import db
from physio.models import Clinic, Role, User
from physio.names import clinic_name_key, name_problem
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


class InvalidClinicName(ValueError):
    """A clinic name holding control or invisible characters."""


def clinic_named(name: str, *, other_than: int | None = None) -> Clinic | None:
    """The clinic whose name looks like `name`: compared on the name key (physio/names.py:
    case, spacing, invisible characters, compatibility forms and the common Cyrillic and Greek
    look-alikes ignored; names are identities to people, and a unique index on the key keeps
    them so), other than clinic `other_than`."""
    stmt = select(Clinic).where(Clinic.name_key == clinic_name_key(name))
    if other_than is not None:
        stmt = stmt.where(Clinic.id != other_than)
    return db.session.execute(stmt).scalars().first()


def create_clinic(name: str) -> Clinic:
    """A new clinic; ClinicExists when the name is taken (an operator must say --join to add
    a user to an existing clinic: a renamed clinic could otherwise capture new users)."""
    if (problem := name_problem(name)) is not None:
        raise InvalidClinicName(problem)
    existing = clinic_named(name)
    if existing is not None:
        raise ClinicExists(existing)
    clinic = Clinic(name=name.strip(), country=default_country())
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


def default_country() -> str:
    """CLINIC_COUNTRY (GB when unset or unknown), for new clinics."""
    return normalise_country(current_app.config.get("CLINIC_COUNTRY"))


def email_taken(email: str, clinic_id: int | None = None) -> bool:
    """Is the email in use, in the clinic `clinic_id` or (None) in any clinic?"""
    stmt = select(func.count()).select_from(User).where(func.lower(User.email) == email.lower())
    if clinic_id is not None:
        stmt = stmt.where(User.clinic_id == clinic_id)
    # The check may look beyond the logged-in admin's clinic only when asked to (clinic None).
    return db.session.execute(stmt.execution_options(skip_clinic_scope=True)).scalar_one() > 0


def create_user(
    *,
    clinic: Clinic,
    name: str,
    email: str,
    password: str,
    role: str | Role,
    registration: str | None = None,
    within_clinic: bool = False,
) -> User:
    """A new user. The operator's CLI refuses an email used anywhere (the default); a clinic
    admin's form (`within_clinic`) refuses only one used in their own clinic, so its answer is
    the same whether or not another clinic has the email."""
    if email_taken(email, clinic.id if within_clinic else None):
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


def users_logged_in_from(identity: str, address: str) -> set[int]:
    """The ids of the users with this (normalised) email who logged in from this address
    before (one email can name a user in each of several clinics). Read from the audit log's
    login entries (kept like every audit entry)."""
    from physio.models import AuditEvent

    user_ids = select(User.id).where(func.lower(User.email) == identity)
    found = db.session.execute(
        select(AuditEvent.user_id)
        .where(AuditEvent.action == "login", AuditEvent.user_id.in_(user_ids))
        .where(AuditEvent.ip == address)
        .distinct()
        .execution_options(skip_clinic_scope=True)
    ).scalars()
    return {user_id for user_id in found if user_id is not None}


def find_logins(identity: str) -> list[User]:
    """The accounts a login's email names: usually one, one per clinic at most (any clinic:
    nobody is logged in yet)."""
    return list(
        db.session.execute(
            select(User)
            .where(func.lower(User.email) == identity)
            .order_by(User.id)
            .execution_options(skip_clinic_scope=True)
        ).scalars()
    )


def set_password(user: User, password: str) -> None:
    """A new password ends every session of the user (physio/models/user.py session_token)."""
    user.password_hash = hash_password(password)
    user.end_sessions()


def deactivate(user: User) -> None:
    user.active = False
    user.end_sessions()
