"""Clinics and users."""

from __future__ import annotations

from sqlalchemy import func, select

from physio.extensions import db
from physio.models import Clinic, Role, User
from physio.security import hash_password


class DuplicateEmail(ValueError):
    pass


def get_or_create_clinic(name: str) -> Clinic:
    clinic = db.session.execute(select(Clinic).where(Clinic.name == name)).scalar_one_or_none()
    if clinic is None:
        clinic = Clinic(name=name)
        db.session.add(clinic)
        db.session.flush()
    return clinic


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


def has_logged_in_from(identity: str, address: str) -> bool:
    """Has the account with this (normalised) email logged in from this address before?
    Read from the audit log's login entries (kept like every audit entry)."""
    from physio.models import AuditEvent

    user_id = (
        select(User.id)
        .where(func.lower(User.email) == identity)
        .execution_options(skip_clinic_scope=True)
        .scalar_subquery()
    )
    found = db.session.execute(
        select(AuditEvent.id)
        .where(AuditEvent.action == "login", AuditEvent.user_id == user_id)
        .where(AuditEvent.ip == address)
        .limit(1)
        .execution_options(skip_clinic_scope=True)
    ).first()
    return found is not None


def find_login(identity: str) -> User | None:
    """The account a login names (any clinic: nobody is logged in yet)."""
    return db.session.execute(
        select(User)
        .where(func.lower(User.email) == identity)
        .execution_options(skip_clinic_scope=True)
    ).scalar_one_or_none()


def set_password(user: User, password: str) -> None:
    """A new password ends every session of the user (physio/models/user.py session_token)."""
    user.password_hash = hash_password(password)
    user.end_sessions()


def deactivate(user: User) -> None:
    user.active = False
    user.end_sessions()
