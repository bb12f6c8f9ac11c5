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
from typing import Any

from sqlalchemy import func, select

from physio.extensions import db
from physio.models.audit import AuditEvent
from physio.models.base import utcnow

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_310_442  # arbitrary, constant: "the audit chain" advisory lock


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
        session.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
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
    session.add(event)
    session.flush()  # SQLite: this INSERT takes the write lock before we read the tail
    prev = session.execute(
        select(AuditEvent.entry_hash)
        .where(AuditEvent.id < event.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
        .execution_options(skip_clinic_scope=True)
    ).scalar_one_or_none()
    event.prev_hash = prev or GENESIS
    event.entry_hash = _digest(event)
    session.flush()
    return event


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
