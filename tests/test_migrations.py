"""The schema comes from migrations/: an empty database upgrades to head and matches the models."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.helpers import ON_POSTGRES, TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parent.parent


def _flask(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "PHYSIO_ENV": "testing"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "physio", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def empty_database(tmp_path):
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    name = f"physio_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_empty_database_to_head_then_check_finds_no_drift(empty_database):
    upgrade = _flask("db", "upgrade", url=empty_database)
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask("db", "check", url=empty_database)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    engine = create_engine(empty_database)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"clinics", "users", "patients", "audit_events", "alembic_version"} <= tables


def test_downgrade_to_base_and_back(empty_database):
    assert _flask("db", "upgrade", url=empty_database).returncode == 0
    down = _flask("db", "downgrade", "base", url=empty_database)
    assert down.returncode == 0, down.stderr
    assert _flask("db", "upgrade", url=empty_database).returncode == 0
