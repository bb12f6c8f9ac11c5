"""Shared fixtures: a real database (SQLite in memory, or the PostgreSQL named by
TEST_DATABASE_URL), factories for clinics, users and patients, and a logged-in client.

The app and its schema are built once per session (`_session_app`); each test that asks for
`app` gets it with empty tables, fresh rate-limit counters, and any change it makes to
`app.config` undone afterwards. A test that needs other settings at start-up (CSRF on, say)
builds its own app with `fresh_app(**overrides)`. What the fixtures use lives in tests/helpers.py.
"""

from __future__ import annotations

import os

import pytest

# Under tests a plan that breaks a whole-plan invariant raises (physio/plan/invariants.py); in
# production it is logged and the offending item dropped.
os.environ.setdefault("PHYSIO_PLAN_STRICT", "1")

from physio.extensions import db, limiter
from physio.models import Clinic, User
from tests.helpers import Factory, isolated, login, make_app


@pytest.fixture(scope="session")
def _session_app():
    app = make_app()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(_session_app):
    with isolated(_session_app) as app:
        yield app


@pytest.fixture
def restore_limiter():
    """Apps a test makes re-configure the one limiter object; put the test suite's back (a
    later test's rate limits would otherwise count in that app's store, or not at all)."""
    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


@pytest.fixture
def fresh_app(restore_limiter):
    """Build extra apps with config overrides; their connections are closed afterwards."""
    apps = []

    def build(**overrides):
        apps.append(make_app(**overrides))
        return apps[-1]

    yield build
    for extra in apps:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


@pytest.fixture
def clinic(make) -> Clinic:
    return make.clinic("Riverside")


@pytest.fixture
def physio(make, clinic) -> User:
    return make.user(clinic, "physio", name="Sam Patel", email="sam@example.org")


@pytest.fixture
def admin(make, clinic) -> User:
    return make.user(clinic, "admin", name="Alex Admin", email="alex@example.org")


@pytest.fixture
def physio_client(client, physio):
    login(client, physio)
    return client


@pytest.fixture
def admin_client(client, admin):
    login(client, admin)
    return client


@pytest.fixture
def smtp():
    """A real SMTP server on loopback for the test (tests/helpers.py LoopbackSMTP)."""
    from tests.helpers import LoopbackSMTP

    server = LoopbackSMTP()
    server.controller.start()
    yield server
    server.controller.stop()
