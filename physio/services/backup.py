"""Backup and restore of the whole database.

SQLite: the online backup API (a consistent copy while the app runs). PostgreSQL: pg_dump's
custom format and pg_restore. A restore replaces everything, so the audit chain comes back
exactly as it was and still verifies.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from physio.extensions import db


class BackupError(RuntimeError):
    pass


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} not found: install the PostgreSQL client tools")


def _libpq_url() -> str:
    url = make_url(str(db.engine.url))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _private(path: Path) -> None:
    """Create (or empty) the backup file readable by its owner only, before anything is in it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    path.chmod(0o600)


def backup(path: Path) -> None:
    _private(path)
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        raw = db.engine.raw_connection()
        try:
            target = sqlite3.connect(path)
            with target:
                raw.driver_connection.backup(target)
            target.close()
        finally:
            raw.close()
    elif dialect == "postgresql":
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(path),
                _libpq_url(),
            ]
        )
    else:
        raise BackupError(f"backup of {dialect} is not supported")


def restore(path: Path) -> None:
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    db.session.remove()
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        source = sqlite3.connect(path)
        raw = db.engine.raw_connection()
        try:
            source.backup(raw.driver_connection)
        finally:
            raw.close()
            source.close()
    elif dialect == "postgresql":
        db.engine.dispose()  # no session of ours may hold locks while tables are replaced
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _libpq_url(),
                str(path),
            ]
        )
        db.engine.dispose()  # connections opened before the restore may cache old OIDs
    else:
        raise BackupError(f"restore of {dialect} is not supported")


class RestoreRefused(BackupError):
    """The backup was restored, checked, refused, and the database put back as it was."""


def restore_checked(path: Path, check: Callable[[], str | None]) -> None:
    """Restore `path`, then run `check` on the restored database; if it names a problem, put
    the database back as it was before (from a private copy taken first) and raise
    RestoreRefused. When the current database can't be copied (e.g. it is damaged: the usual
    reason to restore), the restore goes ahead without that safety net."""
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    with tempfile.TemporaryDirectory(prefix="physio-restore-") as scratch:
        before: Path | None = Path(scratch) / "before-restore.backup"
        try:
            backup(Path(scratch) / "before-restore.backup")
        except (BackupError, OSError, sqlite3.Error):
            before = None
        restore(path)
        try:
            problem = check()
        except Exception as error:  # e.g. not this application's database
            problem = f"the restored database can't be checked ({type(error).__name__}: {error})"
        if problem is None:
            return
        if before is None:
            raise RestoreRefused(
                f"{problem}. The database could not be copied before the restore, so it now "
                "holds the refused backup; the anchor was not moved."
            )
        restore(before)
        raise RestoreRefused(f"{problem}. The database was put back as it was before the restore.")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")
