"""Append-only, hash-chained audit log.

Each entry's hash covers its content and the previous entry's hash. Appending takes a lock so
two transactions can't both extend the same tail (PostgreSQL: an advisory transaction lock;
SQLite: the database write lock taken by the INSERT, before the tail is read). `prev_hash` is
UNIQUE as a last line of defence against a forked chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update

from physio.extensions import db
from physio.models.audit import AuditEvent
from physio.models.base import utcnow
from physio.models.user import User
from physio.services.paging import Page, paginate

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_310_442  # arbitrary, constant: "the audit chain" advisory lock


# The two statements of an entry, built once (a statement built per call cost more to compile
# and cache-key than to run).
_events = cast(Table, AuditEvent.__table__)  # the Core table (typed as a FromClause)
_COLUMNS = ("at", "clinic_id", "user_id", "ip", "action", "object_type", "object_id", "detail")
_TAIL = select(_events.c.entry_hash).order_by(_events.c.id.desc()).limit(1).scalar_subquery()
_APPEND = (
    insert(_events)
    .values(prev_hash=func.coalesce(_TAIL, GENESIS))
    .returning(_events.c.id, _events.c.prev_hash)
)
_PG_LOCK = select(func.pg_advisory_xact_lock(_PG_LOCK_KEY))
_SEAL = (
    update(_events)
    .where(_events.c.id == bindparam("entry_id"))
    .values(entry_hash=bindparam("new_hash"))
)


def _digest(event: AuditEvent) -> str:
    payload = json.dumps(
        {
            "id": event.id,
            "at": event.at.isoformat(),
            "clinic_id": event.clinic_id,
            "user_id": event.user_id,
            "ip": event.ip,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "detail": event.detail or {},
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    action: str,
    *,
    user_id: int | None,
    clinic_id: int | None,
    ip: str | None = None,
    obj: Any | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **detail,
) -> AuditEvent:
    """Add an audit entry to the current transaction (it commits or rolls back with it)."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_PG_LOCK)
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = object_id or obj.id
    event = AuditEvent(
        at=utcnow(),
        clinic_id=clinic_id,
        user_id=user_id,
        ip=ip,
        action=action,
        object_type=object_type,
        object_id=object_id,
        # JSON-native now, so the hash computed here matches the one recomputed after a reload.
        detail=json.loads(json.dumps(detail, default=str)),
    )
    # One statement appends the entry and reads the tail it links to: on SQLite the INSERT
    # holds the database write lock while its sub-select runs (on PostgreSQL the advisory lock
    # above is held), so no other entry can slip in between. The hash needs the new id, hence
    # the UPDATE. (Was: INSERT flush, tail SELECT, UPDATE flush.)
    event.id, event.prev_hash = session.execute(
        _APPEND, {name: getattr(event, name) for name in _COLUMNS}
    ).one()
    event.entry_hash = _digest(event)
    session.execute(_SEAL, {"entry_id": event.id, "new_hash": event.entry_hash})
    return event  # not in the session: the rows above are the entry


@dataclass(frozen=True)
class Actor:
    """Who does something, and from where (the request's client address)."""

    user_id: int | None
    clinic_id: int | None
    ip: str | None


def record_by(actor: Actor, action: str, obj: object | None = None, **detail) -> AuditEvent:
    return record(
        action, user_id=actor.user_id, clinic_id=actor.clinic_id, ip=actor.ip, obj=obj, **detail
    )


def record_read(
    actor: Actor, obj: object | None, page: str, *, action: str = "view", **detail
) -> None:
    """A page that shows patient data was read: audit it and commit (called after the page is
    rendered, since the commit expires the rows it used)."""
    record_by(actor, action, obj, page=page, **detail)
    db.session.commit()


# --- the clinic's audit log page --------------------------------------------------------------

FILTERS = ("action", "user_id", "object_type", "object_id", "since", "until")
OBJECT_TYPES = ("patient", "assessment", "user", "clinic")
PER_PAGE = 50


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    who: str
    ip: str | None
    action: str
    object_type: str | None
    object_id: int | None
    detail: dict


@dataclass(frozen=True)
class AuditSearch:
    page: Page[AuditRow]
    users: list[tuple[int, str]]  # (id, name) of the clinic's users, for the filter
    actions: list[str]  # every action the clinic's log holds, for the filter


def _day(text: str) -> date | None:
    """A date filter; one outside 1900–9000 is ignored (the day after 9999-12-31 overflows)."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if 1900 <= day.year <= 9000 else None


def _id(text: str) -> int | None:
    """An id filter; one that is not a number, or too large for the database, is ignored."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def search(filters: dict[str, str], *, page: int, tz: tzinfo) -> AuditSearch:
    """One page of the current clinic's audit entries, newest first, filtered by action, user,
    record and dates (days in the clinic's time zone `tz`). Clinic-scoped by physio/scoping.py;
    a filter that is not a number or a date is ignored."""
    stmt = select(AuditEvent)
    if filters.get("action"):
        stmt = stmt.where(AuditEvent.action == filters["action"])
    if (user_id := _id(filters.get("user_id", ""))) is not None:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if filters.get("object_type"):
        stmt = stmt.where(AuditEvent.object_type == filters["object_type"])
    if (object_id := _id(filters.get("object_id", ""))) is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if since := _day(filters.get("since", "")):
        stmt = stmt.where(AuditEvent.at >= datetime.combine(since, time.min, tz))
    if until := _day(filters.get("until", "")):
        stmt = stmt.where(AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, tz))
    names = dict(db.session.execute(select(User.id, User.name).order_by(User.name)).all())

    def row(e: AuditEvent) -> AuditRow:
        unnamed = "patient link" if e.action == "patient_download" else "—"
        who = names.get(e.user_id, unnamed) if e.user_id is not None else unnamed
        detail = dict(e.detail or {})
        return AuditRow(e.id, e.at, who, e.ip, e.action, e.object_type, e.object_id, detail)

    actions = db.session.execute(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).scalars()
    return AuditSearch(
        page=paginate(stmt.order_by(AuditEvent.id.desc()), page=page, per_page=PER_PAGE, row=row),
        users=list(names.items()),
        actions=list(actions),
    )


# --- verification -----------------------------------------------------------------------------


@dataclass
class ChainReport:
    checked: int
    first_bad_id: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order and recompute every hash."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = (
            db.session.execute(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch_size)
                .execution_options(skip_clinic_scope=True)
            )
            .scalars()
            .all()
        )
        if not rows:
            return ChainReport(checked, None, None)
        for event in rows:
            if event.prev_hash != expected_prev:
                return ChainReport(checked, event.id, "link to the previous entry is broken")
            if event.entry_hash != _digest(event):
                return ChainReport(checked, event.id, "entry content does not match its hash")
            expected_prev = event.entry_hash
            checked += 1
            last_id = event.id
        db.session.expunge_all()
