"""Shared fixtures: a real database per test (SQLite in memory, or the PostgreSQL named by
TEST_DATABASE_URL), factories for clinics, users and patients, and a logged-in client."""

from __future__ import annotations

import itertools
import os
from datetime import date

import pytest
from sqlalchemy import text

from config import TestingConfig
from physio import create_app
from physio.extensions import db
from physio.models import Clinic, Patient, Role, User
from physio.security import hash_password

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
PASSWORD = "correct-horse-battery"

_schema_ready = False


def _reset_postgres() -> None:
    """One schema per session; every test starts from empty tables (TRUNCATE is fast)."""
    global _schema_ready
    if not _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready = True
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


def make_app(**overrides):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL, **overrides)
    with app.app_context():
        if ON_POSTGRES:
            _reset_postgres()
        else:
            db.create_all()
    return app


@pytest.fixture
def app():
    app = make_app()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def fresh_app():
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


_seq = itertools.count(1)


class Factory:
    """Creates rows directly (committed), for arranging a test's starting state."""

    def __init__(self, app):
        self.app = app

    def clinic(self, name: str | None = None, **fields) -> Clinic:
        with self.app.app_context():
            clinic = Clinic(name=name or f"Clinic {next(_seq)}", **fields)
            db.session.add(clinic)
            db.session.commit()
            db.session.refresh(clinic)
            db.session.expunge(clinic)
            return clinic

    def user(self, clinic: Clinic, role: str = "physio", *, email: str | None = None,
             name: str | None = None, active: bool = True, registration: str | None = "PH000001"
             ) -> User:
        with self.app.app_context():
            n = next(_seq)
            user = User(
                clinic_id=clinic.id,
                name=name or f"Physio {n}",
                email=email or f"user{n}@example.org",
                password_hash=hash_password(PASSWORD),
                role=Role(role),
                registration=registration,
                active=active,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    def patient(self, user: User, **fields) -> Patient:
        with self.app.app_context():
            n = next(_seq)
            values = {
                "first_name": "Jane",
                "last_name": f"Runner{n}",
                "date_of_birth": date(1988, 4, 12),
                "sex": "female",
                "reference": None,
            }
            values.update(fields)
            patient = Patient(clinic_id=user.clinic_id, created_by_id=user.id, **values)
            db.session.add(patient)
            db.session.commit()
            db.session.refresh(patient)
            db.session.expunge(patient)
            return patient


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


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


def count(app, model) -> int:
    from sqlalchemy import func, select

    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(model).execution_options(skip_clinic_scope=True)
        ).scalar_one()
