"""A `limits` storage backend in the app's own database: `RATELIMIT_STORAGE_URI=database://`.

`memory://` counts per process, so gunicorn's two workers each allowed the full limit (twice the
intended login attempts got through). Counting in the database every worker already shares
needs no other server; with several app hosts a shared Redis (`redis://…`) does the same.
Fixed windows only (Flask-Limiter's default strategy): one row per key, incremented with one
INSERT … ON CONFLICT DO UPDATE in its own short transaction, on its own connection, so a count
never waits for the request's transaction nor is undone by its rollback.
"""

from __future__ import annotations

import itertools
import time
from typing import cast

from limits.storage import Storage
from sqlalchemy import Table, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from physio.extensions import db
from physio.models.rate_limit import RateLimitCounter

_table = cast(Table, RateLimitCounter.__table__)
_calls = itertools.count()
PURGE_EVERY = 500  # increments between deletions of expired windows


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["database"]  # noqa: RUF012 (the `limits` registry reads a list)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        dialect = db.engine.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        new = insert(_table).values(key=key, count=amount, expires_at=now + expiry)
        expired = _table.c.expires_at <= now
        stmt = new.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={
                "count": case((expired, amount), else_=_table.c.count + amount),
                "expires_at": case((expired, now + expiry), else_=_table.c.expires_at),
            },
        ).returning(_table.c.count)
        with db.engine.begin() as conn:
            count = conn.execute(stmt).scalar_one()
            if next(_calls) % PURGE_EVERY == 0:
                conn.execute(delete(_table).where(_table.c.expires_at < now))
        return int(count)

    def get(self, key: str) -> int:
        with db.engine.connect() as conn:
            count = conn.execute(
                select(_table.c.count).where(_table.c.key == key, _table.c.expires_at > time.time())
            ).scalar_one_or_none()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        with db.engine.connect() as conn:
            expires = conn.execute(
                select(_table.c.expires_at).where(_table.c.key == key)
            ).scalar_one_or_none()
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(delete(_table)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(_table).where(_table.c.key == key))
