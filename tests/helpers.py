"""What the tests share: the test database and app, row factories, logging in, assessment
payloads and the HTTP flow that creates and signs an assessment. Fixtures live in conftest.py;
this module holds no tests and no test imports another test module.
"""

from __future__ import annotations

import itertools
import os
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, text

from config import TestingConfig
from physio.app import create_app
from physio.clinical.schema import PSFS_ENTRIES, SECTIONS
from physio.extensions import db, limiter
from physio.models import Clinic, Patient, Role, User
from physio.security import hash_password

# --- the test database ------------------------------------------------------------------------

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
PASSWORD = "correct-horse-battery"

_schema_ready = False


def _create_schema() -> None:
    """SQLite in memory: a new database per app, so create the tables. PostgreSQL: one shared
    database, so create them once per session and empty them for every new app."""
    global _schema_ready
    if not ON_POSTGRES:
        db.create_all()
        return
    if not _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready = True
    reset_database()


def reset_database() -> None:
    """Empty every table (inside an app context): the fast per-test reset of the shared app.
    PostgreSQL: one TRUNCATE (identities restart at 1). SQLite: DELETE children first; a table
    without AUTOINCREMENT hands out ids from 1 again once it is empty."""
    if ON_POSTGRES:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@contextmanager
def isolated(app):
    """Lend the session's shared app to one test: empty tables and fresh rate-limit counters on
    entry; on exit, the test's changes to `app.config` (and to the limiter, which is one object
    that every app's init_app() reconfigures) are undone."""
    config = dict(app.config)
    limiter_enabled = limiter.enabled
    with app.app_context():
        reset_database()
    limiter.reset()
    try:
        yield app
    finally:
        app.config.clear()
        app.config.update(config)
        limiter.enabled = limiter_enabled
        with app.app_context():
            db.session.remove()


def make_app(**overrides):
    """A new app with its own configuration and an empty schema (see `fresh_app` and `app`)."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL, **overrides)
    with app.app_context():
        _create_schema()
    return app


# --- rows ---------------------------------------------------------------------------------------

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

    def user(
        self,
        clinic: Clinic,
        role: str = "physio",
        *,
        email: str | None = None,
        name: str | None = None,
        active: bool = True,
        registration: str | None = "PH000001",
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


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(model).execution_options(skip_clinic_scope=True)
        ).scalar_one()


# --- assessment payloads (every posted name of the contract) ----------------------------------

SEEN_AT = "2026-11-20T10:30"
ONSET = date(2026, 9, 1)

# Values chosen to be valid and to satisfy the combination rules.
OVERRIDES = {
    "pain-nprs_now": ("4", 4),
    "pain-nprs_best_24h": ("2", 2),
    "pain-nprs_worst_24h": ("7", 7),
    "history-onset_date": (ONSET.isoformat(), ONSET),
    "red_flags-tier_override": ("R", "R"),
    "training-runs_per_week": ("4", 4),
}


def posted_and_expected(section, f):
    """(posted string or list, expected stored value) for one field."""
    name = f"{section.name}-{f.name}"
    if name in OVERRIDES:
        return OVERRIDES[name]
    if f.kind == "int":
        value = (f.min + f.max) // 2
        return str(value), value
    if f.kind == "decimal":
        value = Decimal(f.min + f.max) / 2
        value = value.quantize(Decimal(1).scaleb(-f.places))
        return str(value), value
    if f.kind == "bool":
        return "y", True
    if f.kind in ("text", "longtext"):
        return f"{f.name} note", f"{f.name} note"
    if f.kind == "date":
        return "2026-10-01", date(2026, 10, 1)
    if f.kind == "enum":
        value = f.choices[-1][0]
        return value, value
    if f.kind == "tri":
        return "no", "no"
    if f.kind == "multi":
        values = [f.choices[0][0], f.choices[-1][0]]
        return values, values
    raise AssertionError(f.kind)


def full_payload(*, lock_version: int = 1, odi: bool = True, sbst: bool = True):
    """(posted form data, {posted name: expected stored value}) covering every field."""
    data: dict = {"seen_at": SEEN_AT, "lock_version": str(lock_version)}
    expected: dict = {}
    for section in SECTIONS:
        for f in section.fields:
            if (f.option == "odi" and not odi) or (f.option == "sbst" and not sbst):
                continue
            posted, stored = posted_and_expected(section, f)
            data[f"{section.name}-{f.name}"] = posted
            expected[f"{section.name}-{f.name}"] = stored
    for i in range(PSFS_ENTRIES):
        data[f"outcomes-psfs-{i}-activity"] = f"Activity {i}"
        data[f"outcomes-psfs-{i}-score"] = str(i * 2)
    return data, expected


def minimal_signable(*, lock_version: int, red_flags: str = "no") -> dict:
    """The least an initial assessment needs to be signed."""
    data = {
        "seen_at": SEEN_AT,
        "lock_version": str(lock_version),
        "history-presenting_complaint": "Low back pain after long runs",
        "pain-nprs_now": "3",
        "pain-nprs_best_24h": "1",
        "pain-nprs_worst_24h": "5",
        "pain-location": ["central_lumbar"],
        "impression-working_diagnosis": "non_specific_lbp",
        "impression-review_in_weeks": "4",
    }
    for f in next(s for s in SECTIONS if s.name == "red_flags").fields:
        if f.kind == "tri":
            data[f"red_flags-{f.name}"] = red_flags
    return data


def stored_value(record: dict, posted_name: str):
    section, name = posted_name.split("-", 1)
    return record[section][name]


def as_datetime(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M")


# --- the HTTP flow: create, fill, sign ---------------------------------------------------------


def new_assessment(client, patient, kind: str = "initial") -> int:
    """Create a draft through the patient page's button; return its id."""
    response = client.post(f"/patients/{patient.id}/assessments/new", data={"kind": kind})
    assert response.status_code == 302, response.status_code
    return int(re.search(r"/assessments/(\d+)/edit", response.headers["Location"]).group(1))


def sign(client, aid: int, password: str = PASSWORD):
    return client.post(f"/assessments/{aid}/sign", data={"password": password})


def signed_visit(client, patient, **fields) -> int:
    """An initial assessment created, saved with the least a signature needs plus `fields`
    (posted names), and signed, all over HTTP; returns its id."""
    aid = new_assessment(client, patient)
    data = {**minimal_signable(lock_version=1), **fields}
    response = client.post(f"/assessments/{aid}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert sign(client, aid).status_code == 302
    return aid


# --- the patient side: links, questionnaires, mail ----------------------------------------------

LINK_PATH = re.compile(r"http://localhost(/[pq]/[A-Za-z0-9_\-]{20,})")


def new_link_path(page_html: str) -> str:
    """The path of the link shown once on the physio's page after it was made."""
    return LINK_PATH.search(page_html).group(1)


def send_questionnaire(client, patient, instruments=("nprs", "rmdq", "psfs"), **extra) -> str:
    """Make a questionnaire link over HTTP, as the physio does; return its path (/q/<token>)."""
    response = client.post(
        f"/patients/{patient.id}/questionnaires",
        data={"instruments": list(instruments), **extra},
        follow_redirects=True,
    )
    assert response.status_code == 200, response.status_code
    return new_link_path(response.get_data(as_text=True))


def answers_for(page_key: str, fields: list[str], psfs_fixed: int = 0) -> dict:
    """Plausible answers for one questionnaire page, by the contract's field names."""
    data: dict = {"page": page_key}
    if page_key == "psfs":
        for i in range(psfs_fixed):
            data[f"outcomes-psfs-{i}-score"] = str(4 + i)
        data[f"outcomes-psfs-{psfs_fixed}-activity"] = "Running 10 km"
        data[f"outcomes-psfs-{psfs_fixed}-score"] = "3"
        return data
    for name in fields:
        if name.startswith("pain-"):
            data[name] = {"pain-nprs_best_24h": "2", "pain-nprs_worst_24h": "7"}.get(name, "5")
        elif name.startswith("outcomes-rmdq_"):
            if int(name.rsplit("_", 1)[1]) % 3 == 0:  # items 3, 6, 9, … apply today
                data[name] = "y"
        elif name == "outcomes-sbst_9":
            data[name] = "very_much"
        elif name.startswith("outcomes-sbst_"):
            data[name] = "y" if int(name.rsplit("_", 1)[1]) in (1, 5, 6) else "n"
        elif name.startswith("outcomes-odi_"):
            data[name] = "2"
    return data


class LoopbackSMTP:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        import socket

        from aiosmtpd.controller import Controller

        self.messages: list = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default))
        )
        return "250 Message accepted"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def bodies(self) -> list[str]:
        return [message.get_body(("plain",)).get_content() for _, message in self.messages]


_PAGE_KEY = re.compile(r'name="page" value="([^"]+)"')
_FIELD_NAME = re.compile(r'name="((?:pain|outcomes)-[a-z0-9_\-]+)"')


def answer_every_page(client, path: str, date_of_birth: str, *, send: bool = True) -> list[str]:
    """Open a questionnaire link, give the date of birth, answer each page as a patient would
    (following the app's redirects) and send; returns the page keys answered, in order."""
    response = client.post(path, data={"date_of_birth": date_of_birth})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    answered = []
    page = client.get(path)
    for _ in range(40):
        html = page.get_data(as_text=True)
        key = _PAGE_KEY.search(html).group(1)
        if key == "check":
            break
        fields = sorted(set(_FIELD_NAME.findall(html)))
        fixed = html.count('type="hidden" name="outcomes-psfs-')
        response = client.post(path, data=answers_for(key, fields, psfs_fixed=fixed))
        assert response.status_code == 302, (key, response.get_data(as_text=True)[:500])
        answered.append(key)
        page = client.get(response.headers["Location"])
    if send:
        assert client.post(path, data={"page": "check"}).status_code == 302
    return answered


def plan_summary_text(document) -> bytes:
    """A tiny output format for the export-registry test: the plan's item titles as text."""
    titles = [item.title for item in document.plan.items if item.included]
    return ("Plan for " + document.patient_name + "\n" + "\n".join(titles)).encode()


# --- tampering -----------------------------------------------------------------------------------


def sha256_rechain(app, from_id: int) -> None:
    """What an insider without the key can do: recompute the later hashes (plain SHA-256)."""
    import hashlib
    import json
    from datetime import UTC, datetime

    with app.app_context():
        rows = db.session.execute(
            text("SELECT * FROM audit_events WHERE id >= :i ORDER BY id"), {"i": from_id}
        ).mappings()
        prev = (
            db.session.execute(
                text("SELECT entry_hash FROM audit_events WHERE id < :i ORDER BY id DESC LIMIT 1"),
                {"i": from_id},
            ).scalar_one_or_none()
            or "0" * 64
        )
        for row in list(rows):
            detail = row["detail"] if isinstance(row["detail"], dict) else json.loads(row["detail"])
            at = row["at"]
            at = datetime.fromisoformat(at) if isinstance(at, str) else at
            at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
            payload = json.dumps(
                {
                    "id": row["id"],
                    "at": at.isoformat(),
                    "clinic_id": row["clinic_id"],
                    "user_id": row["user_id"],
                    "ip": row["ip"],
                    "action": row["action"],
                    "object_type": row["object_type"],
                    "object_id": row["object_id"],
                    "detail": detail or {},
                    "prev_hash": prev,
                },
                sort_keys=True,
                separators=(",", ":"),
                default=str,
            )
            new = hashlib.sha256(payload.encode()).hexdigest()
            db.session.execute(
                text(
                    "UPDATE audit_events SET prev_hash = :p, entry_hash = :h, scheme = NULL "
                    "WHERE id = :i"
                ),
                {"p": prev, "h": new, "i": row["id"]},
            )
            prev = new
        db.session.commit()


def past_retention(app, patient_id: int, years: int = 9) -> None:
    """Move a patient's record and visits `years` back, beyond the retention period, so an
    admin may erase them (SQLite stores naive UTC, PostgreSQL aware)."""
    past = datetime.now(UTC) - timedelta(days=365 * years)
    past = past if ON_POSTGRES else past.replace(tzinfo=None)
    with app.app_context():
        for statement in (
            "UPDATE patients SET created_at = :t WHERE id = :p",
            "UPDATE assessments SET seen_at = :t WHERE patient_id = :p",
        ):
            db.session.execute(text(statement), {"t": past, "p": patient_id})
        db.session.commit()
