"""Links a patient opens without logging in: the plan (/p/<token>) and questionnaires
(/q/<token>, physio/services/questionnaires.py).

A token is 256 random bits (``secrets.token_urlsafe(32)``), so it can't be guessed and carries no
patient data; only its SHA-256 is stored, so reading the database opens no link. A token is
shown once, when it is made (copy, QR code, email), and works until it expires or is revoked.
Lookups run before any clinic is known, so they skip the clinic scope on purpose: the token is
the authorisation, and it leads to one patient's rows only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from physio.extensions import db
from physio.models import Assessment, Clinic, PatientLink, User
from physio.models.base import utcnow
from physio.services import audit
from physio.services.audit import Actor

TOKEN_BYTES = 32  # 256 bits; docs/interface.md asks for at least 128
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_MAX_TOKEN_LENGTH = 100


def new_token() -> tuple[str, str]:
    """(token for the URL, its hash for the database)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    # A plain SHA-256 is enough for 256 random bits: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def plausible_token(token: str) -> bool:
    """Cheap shape check before any query (no database work for garbage URLs)."""
    return 20 <= len(token) <= _MAX_TOKEN_LENGTH and set(token) <= _TOKEN_CHARS


class _LinkRefused(Exception):
    """A link that exists but no longer opens: the page names its clinic (`clinic_id`)."""

    def __init__(self, clinic_id: int | None = None):
        super().__init__(clinic_id)
        self.clinic_id = clinic_id


class LinkExpired(_LinkRefused):
    pass


class LinkRevoked(_LinkRefused):
    pass


@dataclass(frozen=True)
class ClinicContact:
    name: str
    phone: str | None

    @property
    def tel(self) -> str | None:
        """The phone number for a tel: link (digits and a leading +)."""
        if not self.phone:
            return None
        digits = "".join(c for c in self.phone if c.isdigit() or c == "+")
        return digits or None


def clinic_contact(clinic_id: int | None) -> ClinicContact | None:
    """Whom a patient with a link that no longer opens can call (None when not known)."""
    if clinic_id is None:
        return None
    clinic = db.session.execute(
        select(Clinic).where(Clinic.id == clinic_id).execution_options(skip_clinic_scope=True)
    ).scalar_one_or_none()
    return ClinicContact(clinic.name, clinic.phone or None) if clinic else None


class LinkUnknown(Exception):
    pass


def refuse_revoked_or_expired(row):
    """The link row, unless it is revoked (LinkRevoked) or expired (LinkExpired): the patient
    sees a page naming their clinic. Completed and locked links are the caller's to judge."""
    state = link_state(row)
    if state == "revoked":
        raise LinkRevoked(row.clinic_id)
    if state == "expired":
        raise LinkExpired(row.clinic_id)
    return row


def link_state(row, now: datetime | None = None) -> str:
    """active | expired | revoked | locked | completed, for any link row."""
    now = now or utcnow()
    if row.revoked_at is not None:
        return "revoked"
    if getattr(row, "completed_at", None) is not None:
        return "completed"
    if getattr(row, "locked_at", None) is not None:
        return "locked"
    if row.expires_at <= now:
        return "expired"
    return "active"


# --- plan links -------------------------------------------------------------------------------


def create_plan_link(a: Assessment, user: User, max_age_days: int) -> tuple[PatientLink, str]:
    now = utcnow()
    token, hashed = new_token()
    link = PatientLink(
        clinic_id=a.clinic_id,
        assessment_id=a.id,
        token_hash=hashed,
        created_at=now,
        created_by=user,
        expires_at=now + timedelta(days=max_age_days),
    )
    db.session.add(link)
    db.session.flush()
    return link, token


def resolve_plan_link(token: str) -> PatientLink:
    """The live link for a token: LinkUnknown, LinkRevoked or LinkExpired otherwise."""
    if not plausible_token(token):
        raise LinkUnknown()
    link = db.session.execute(
        select(PatientLink)
        .where(PatientLink.token_hash == token_hash(token))
        .execution_options(skip_clinic_scope=True)
    ).scalar_one_or_none()
    if link is None:
        raise LinkUnknown()
    return refuse_revoked_or_expired(link)


def plan_links_of_assessment(assessment_id: int) -> list[PatientLink]:
    return list(
        db.session.execute(
            select(PatientLink)
            .where(PatientLink.assessment_id == assessment_id)
            .order_by(PatientLink.created_at.desc())
        ).scalars()
    )


def plan_links_of_patient(patient_id: int) -> list[PatientLink]:
    """With their assessment and author loaded in the same query (the patient page lists them)."""
    return list(
        db.session.execute(
            select(PatientLink)
            .join(Assessment, Assessment.id == PatientLink.assessment_id)
            .where(Assessment.patient_id == patient_id)
            .options(contains_eager(PatientLink.assessment), joinedload(PatientLink.created_by))
            .order_by(PatientLink.created_at.desc())
        ).scalars()
    )


def revoke(row, user: User) -> bool:
    """Revoke a plan or questionnaire link at once; False if it already was."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    row.revoked_by_id = user.id
    return True


class LinkInvalid(Exception):
    """No such link of this assessment (another assessment's, or none)."""


def plan_link_of(a: Assessment, link_id: int) -> PatientLink:
    """One of `a`'s plan links (clinic-scoped, like every read); LinkInvalid when none."""
    link = db.session.execute(
        select(PatientLink).where(PatientLink.id == link_id, PatientLink.assessment_id == a.id)
    ).scalar_one_or_none()
    if link is None:
        raise LinkInvalid()
    return link


def revoke_plan_link(a: Assessment, link_id: int, user: User, actor: Actor) -> bool:
    """Revoke one of `a`'s plan links at once (audited, committed). False when it was already
    revoked; LinkInvalid when `a` has no such link (clinic-scoped, like every read)."""
    link = plan_link_of(a, link_id)
    if not revoke(link, user):
        return False
    audit.record_by(actor, "share_revoke", a, link_id=link.id)
    db.session.commit()
    return True


@dataclass(frozen=True)
class NewLink:
    """A link just made, shown once on the physio's page (copy button, QR code)."""

    kind: str  # "plan" | "questionnaire"
    url: str
    expires_at: str  # ISO, for the session
    emailed_to: str | None = None
    email_problem: str | None = None


# --- the patient page's list of links, as plain data ---------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    """One questionnaire or plan link as the patient page lists it (no live rows in templates)."""

    id: int
    kind: str  # "questionnaire" | "plan"
    state: str  # link_state()
    created_at: datetime
    created_by: str
    expires_at: datetime
    emailed_at: datetime | None
    opened_at: datetime | None
    revoked_at: datetime | None
    # questionnaires
    instruments: tuple[str, ...] = ()
    reminded_at: datetime | None = None
    completed_at: datetime | None = None
    pages_done: int = 0
    has_answers: bool = False
    imported_at: datetime | None = None
    imported: bool = False
    # plan links
    assessment_id: int | None = None
    plan_seen_at: datetime | None = None


def questionnaire_rows(questionnaires, now: datetime) -> list[LinkRow]:
    return [
        LinkRow(
            id=q.id,
            kind="questionnaire",
            state=link_state(q, now),
            created_at=q.created_at,
            created_by=q.created_by.name,
            expires_at=q.expires_at,
            emailed_at=q.emailed_at,
            opened_at=q.opened_at,
            revoked_at=q.revoked_at,
            instruments=tuple(q.instruments or ()),
            reminded_at=q.reminded_at,
            completed_at=q.completed_at,
            pages_done=len(q.pages_done or ()),
            has_answers=bool(q.answers),
            imported_at=q.imported_at,
            imported=q.imported_into_id is not None,
        )
        for q in questionnaires
    ]


def plan_link_rows(patient_id: int, now: datetime) -> list[LinkRow]:
    return [
        LinkRow(
            id=link.id,
            kind="plan",
            state=link_state(link, now),
            created_at=link.created_at,
            created_by=link.created_by.name,
            expires_at=link.expires_at,
            emailed_at=link.emailed_at,
            opened_at=link.opened_at,
            revoked_at=link.revoked_at,
            assessment_id=link.assessment_id,
            plan_seen_at=link.assessment.seen_at,
        )
        for link in plan_links_of_patient(patient_id)
    ]
