"""Append-only, hash-chained audit log, keyed and anchored.

Each entry's hash covers its content and the previous entry's hash. Since hash scheme 2 the
hash is an HMAC-SHA256 with the server's audit key (`AUDIT_KEY`, or a key generated once in
the instance folder): someone who can write to the database but doesn't hold the key can't
change an entry, or delete one and recompute the later hashes, without `audit verify` noticing.
Entries written before keys (scheme NULL, plain SHA-256) are accepted only before the first
keyed one. After each commit that added entries, the newest entry's id and hash are written
to an anchor file outside the database (`AUDIT_ANCHOR_FILE`), so deleting the newest entries is
noticed too. The anchor also records the id of the first keyed entry ("keyed from"), written when
the first keyed entry is anchored, never raised afterwards and kept across a restore: a log
rewritten in the pre-key format (unkeyed entries at or after that id), or one holding fewer keyed
entries than the anchor knew, is refused by `audit verify` and `restore`.

Appending takes a lock so two transactions can't both extend the same tail (PostgreSQL: an
advisory transaction lock; SQLite: the database write lock taken by the INSERT, before the tail
is read). `prev_hash` is UNIQUE as a last line of defence against a forked chain.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, cast

from flask import current_app, has_app_context
from sqlalchemy import Table, bindparam, event, func, insert, select, update
from sqlalchemy.orm import Session

from physio.extensions import db
from physio.models.audit import AuditEvent
from physio.models.base import utcnow
from physio.models.user import User
from physio.services.paging import Page, paginate

GENESIS = "0" * 64
SCHEME = 2  # HMAC-SHA256 with the audit key
_PG_LOCK_KEY = 7_310_442  # arbitrary, constant: "the audit chain" advisory lock


# The two statements of an entry, built once (a statement built per call cost more to compile
# and cache-key than to run).
_events = cast(Table, AuditEvent.__table__)  # the Core table (typed as a FromClause)
_COLUMNS = (
    "at",
    "clinic_id",
    "user_id",
    "ip",
    "action",
    "object_type",
    "object_id",
    "detail",
    "scheme",
)
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


def audit_key() -> bytes:
    return str(current_app.config["AUDIT_KEY"]).encode()


def _digest(event: AuditEvent, key: bytes | None = None) -> str:
    content = {
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
    }
    if event.scheme is None:  # written before keys: the unkeyed form, unchanged
        payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(payload.encode()).hexdigest()
    content["scheme"] = event.scheme
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key or audit_key(), payload.encode(), hashlib.sha256).hexdigest()


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
        scheme=SCHEME,
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
    session.info["audit_head"] = (event.id, event.entry_hash)  # anchored after the commit
    path = anchor_path()
    if path is not None and str(path) not in _KEYED_FROM_RECORDED:
        # Once per process (and anchor file): the anchor doesn't know yet where keys began.
        session.info["audit_keyed_from"] = first_keyed_id()
    return event  # not in the session: the rows above are the entry


# --- the anchor: the newest entry, kept outside the database ----------------------------------

# Anchor files (paths) known, in this process, to record their "keyed from" id already.
_KEYED_FROM_RECORDED: set[str] = set()


def first_keyed_id(session: Session | None = None) -> int | None:
    """The id of the log's first keyed entry (None while there is none)."""
    return (
        (session or db.session)
        .execute(
            select(_events.c.id).where(_events.c.scheme == SCHEME).order_by(_events.c.id).limit(1)
        )
        .scalar_one_or_none()
    )


def anchor_path() -> Path | None:
    configured = current_app.config.get("AUDIT_ANCHOR_FILE")
    return Path(configured) if configured else None


def read_anchor(path: Path) -> dict | None:
    try:
        anchor = json.loads(path.read_text() or "null")
    except FileNotFoundError:
        return None
    except ValueError:
        return {"id": None, "entry_hash": None}
    return anchor if isinstance(anchor, dict) else {"id": None, "entry_hash": None}


_ANCHOR_WIDTH = 256  # bytes: the record is rewritten in place, padded (no truncate: ~20 µs)


def write_anchor(
    entry_id: int, entry_hash: str, *, force: bool = False, keyed_from: int | None = None
) -> None:
    """Record (id, hash) of the newest entry in the anchor file (0600). Only ever moves
    forward, under a file lock (several workers commit at once), unless `force` (restore).
    `keyed_from` (the first keyed entry's id) is written once: an anchor that has one keeps it,
    whatever is passed (restore included)."""
    path = anchor_path()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            current = json.loads(os.pread(fd, _ANCHOR_WIDTH, 0) or b"null")
        except ValueError:
            current = None
        current = current if isinstance(current, dict) else {}
        known = current.get("keyed_from")
        known = known if isinstance(known, int) else keyed_from
        if known is None:
            _KEYED_FROM_RECORDED.discard(str(path))  # the next entry looks it up again
        else:
            _KEYED_FROM_RECORDED.add(str(path))
        anchored = current.get("id")
        if not force and isinstance(anchored, int) and anchored >= entry_id:
            if known == current.get("keyed_from"):
                return
            entry_id, entry_hash = anchored, str(current.get("entry_hash"))  # add keyed_from
        record = json.dumps({"id": entry_id, "entry_hash": entry_hash, "keyed_from": known})
        os.pwrite(fd, record.encode().ljust(_ANCHOR_WIDTH), 0)
    finally:
        os.close(fd)  # releases the lock


@event.listens_for(Session, "after_commit")
def _anchor_after_commit(session: Session) -> None:
    head = session.info.pop("audit_head", None)
    keyed_from = session.info.pop("audit_keyed_from", None)
    if head is not None and has_app_context():
        write_anchor(*head, keyed_from=keyed_from)


@event.listens_for(Session, "after_rollback")
def _forget_head(session: Session) -> None:
    session.info.pop("audit_head", None)
    session.info.pop("audit_keyed_from", None)


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
    unkeyed: int = 0  # entries from before keys (checked as a plain chain)
    head_id: int | None = None
    head_hash: str | None = None
    first_keyed_id: int | None = None
    last_unkeyed_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None and self.problem is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order and recompute every hash (keyed entries with the audit
    key); an unkeyed entry after a keyed one means the chain was rewritten without the key."""
    key = audit_key()
    expected_prev = GENESIS
    checked = unkeyed = 0
    last_id = 0
    keyed_seen = False
    first_keyed = last_unkeyed = None
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
            head = (last_id or None, expected_prev if last_id else None)
            return ChainReport(checked, None, None, unkeyed, *head, first_keyed, last_unkeyed)
        for entry in rows:
            if entry.prev_hash != expected_prev:
                return ChainReport(checked, entry.id, "link to the previous entry is broken")
            if entry.scheme is None:
                if keyed_seen:
                    return ChainReport(
                        checked,
                        entry.id,
                        "an unkeyed entry after keyed ones: the chain was rewritten without "
                        "the audit key",
                    )
                unkeyed += 1
                last_unkeyed = entry.id
            elif entry.scheme == SCHEME:
                keyed_seen = True
                first_keyed = first_keyed or entry.id
            else:
                return ChainReport(checked, entry.id, f"unknown hash scheme {entry.scheme}")
            if not hmac.compare_digest(entry.entry_hash or "", _digest(entry, key)):
                return ChainReport(checked, entry.id, "entry content does not match its hash")
            expected_prev = entry.entry_hash or ""
            checked += 1
            last_id = entry.id
        db.session.expunge_all()


def check_keyed_from(report: ChainReport) -> str | None:
    """None when the log is keyed from where the anchor says keys began (or there is no anchor,
    or it doesn't know yet), else what is wrong: an unkeyed entry at or after that id (the log
    was rewritten in the pre-key format, without the key), or fewer keyed entries than the
    anchor knew (the entry keys began with is gone). Checked on restore too."""
    path = anchor_path()
    anchor = read_anchor(path) if path is not None else None
    keyed_from = anchor.get("keyed_from") if anchor else None
    if not isinstance(keyed_from, int):
        return None
    if report.last_unkeyed_id is not None and report.last_unkeyed_id >= keyed_from:
        return (
            f"entry {report.last_unkeyed_id} is unkeyed, but the anchor {path} records the log "
            f"as keyed from entry {keyed_from} on: it was rewritten without the audit key"
        )
    if report.first_keyed_id is None or report.first_keyed_id > keyed_from:
        return (
            f"the log holds fewer keyed entries than the anchor {path} knew: it records the log "
            f"as keyed from entry {keyed_from} on, the log's keyed entries "
            + (f"start at {report.first_keyed_id}" if report.first_keyed_id else "are none")
        )
    return None


def check_anchor(report: ChainReport) -> str | None:
    """None when the newest entries are as the anchor file last saw them (or when there is no
    anchor to compare with: see anchor_note), and the log is keyed from where the anchor says
    keys began; else what is wrong."""
    if problem := check_keyed_from(report):
        return problem
    path = anchor_path()
    anchor = read_anchor(path) if path is not None else None
    if anchor is None:
        if path is not None and report.checked > report.unkeyed:
            return f"the anchor file {path} is missing, but keyed entries exist"
        return None
    anchored_id, anchored_hash = anchor.get("id"), anchor.get("entry_hash")
    if not isinstance(anchored_id, int) or not isinstance(anchored_hash, str):
        return f"the anchor file {path} is not readable"
    if report.head_id is None or report.head_id < anchored_id:
        return (
            f"the newest entries were removed: the anchor names entry {anchored_id}, the log "
            f"ends at {report.head_id or 'nothing'}"
        )
    entry = db.session.execute(
        select(AuditEvent.entry_hash)
        .where(AuditEvent.id == anchored_id)
        .execution_options(skip_clinic_scope=True)
    ).scalar_one_or_none()
    if entry is None:
        return f"entry {anchored_id}, named by the anchor, was removed"
    if not hmac.compare_digest(entry, anchored_hash):
        return f"entry {anchored_id} is not the one the anchor recorded: the chain was rewritten"
    return None


def anchor_note(report: ChainReport) -> str:
    path = anchor_path()
    if path is None:
        return "No anchor file is configured: removing the newest entries can't be detected."
    anchor = read_anchor(path)
    if anchor is None:
        return f"No anchor yet ({path}): it is written with the first keyed entry."
    return f"The newest entries match the anchor in {path} (entry {anchor.get('id')})."


def anchor_head(report: ChainReport) -> None:
    """After a restore: the anchor names the restored log's newest entry (and keeps the id keys
    began with; an anchor that had none learns the restored log's)."""
    if report.head_id is not None and report.head_hash is not None:
        write_anchor(report.head_id, report.head_hash, force=True, keyed_from=report.first_keyed_id)


# --- erasure: no personal data outlives the patient -------------------------------------------

# Detail keys that hold no personal data (ids, versions, hashes, counts, field names).
SAFE_DETAIL = frozenset(
    {
        "amends_id",
        "assessment_ids",
        "content_hash",
        "deleted",
        "expires_at",
        "fields",
        "instruments",
        "kind",
        "link_id",
        "patient_id",
        "retention_ended",
        "retention_years",
        "sha256",
        "version",
        "via",
    }
)


def redacted(detail: dict) -> dict:
    """An entry's detail without personal data: changed values become the names of the fields
    changed, free text goes (its key is listed under "redacted")."""
    kept = {k: v for k, v in detail.items() if k in SAFE_DETAIL}
    if isinstance(detail.get("changes"), dict):
        kept["fields"] = sorted(detail["changes"])
    dropped = sorted(k for k in detail if k not in SAFE_DETAIL and k != "redacted")
    if dropped or detail.get("redacted"):
        kept["redacted"] = sorted(set(dropped) | set(detail.get("redacted") or []))
    return kept


def redact_entries(about: list[tuple[str, list[int]]]) -> int:
    """Take personal data out of the entries about these objects ((object_type, ids) pairs),
    then re-seal the chain from the first changed entry with the audit key (the server holds
    it; the erase entry written next records the fact). Returns how many entries changed."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_PG_LOCK)
    changed: list[tuple[int, dict]] = []
    for object_type, ids in about:
        for start in range(0, len(ids), 500):
            rows = session.execute(
                select(AuditEvent.id, AuditEvent.detail)
                .where(
                    AuditEvent.object_type == object_type,
                    AuditEvent.object_id.in_(ids[start : start + 500]),
                )
                .execution_options(skip_clinic_scope=True)
            ).all()
            for entry_id, detail in rows:
                clean = redacted(dict(detail or {}))
                if clean != (detail or {}):
                    changed.append((entry_id, clean))
    if not changed:
        return 0
    for entry_id, clean in changed:
        session.execute(update(_events).where(_events.c.id == entry_id).values(detail=clean))
    _reseal_from(min(entry_id for entry_id, _ in changed))
    return len(changed)


def _reseal_from(first_id: int, batch_size: int = 1000) -> None:
    """Recompute prev_hash and the keyed entry_hash of every entry from `first_id` on."""
    session = db.session
    key = audit_key()
    prev = session.execute(
        select(_events.c.entry_hash)
        .where(_events.c.id < first_id)
        .order_by(_events.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    prev = prev or GENESIS
    last_id = first_id - 1
    columns = [_events.c.id, *(_events.c[name] for name in _COLUMNS)]
    while True:
        rows = session.execute(
            select(*columns).where(_events.c.id > last_id).order_by(_events.c.id).limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            # A detached copy to hash (never added to the session).
            entry = AuditEvent(**{**row._asdict(), "prev_hash": prev, "scheme": SCHEME})
            new_hash = _digest(entry, key)
            session.execute(
                update(_events)
                .where(_events.c.id == row.id)
                .values(prev_hash=prev, scheme=SCHEME, entry_hash=new_hash)
            )
            prev, last_id = new_hash, row.id
    session.info["audit_head"] = (last_id, prev)
