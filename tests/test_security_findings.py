"""Issue 11's access findings (3, 4, 8, 9, 10, 13), each reproduced over HTTP: every test here
failed on the commit before the fix and passes after it. Named after the finding."""

from __future__ import annotations

import pytest

from physio.throttle import LoginThrottle
from tests.helpers import PASSWORD, Factory, login, signed_visit


def _post_login(client, email: str, password: str, address: str = "127.0.0.1", **headers):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


# --- 3. login throttle bypass with NUL variants ----------------------------------------------


def test_finding_3_nul_variants_of_an_email_share_one_login_counter(client, physio, app):
    # Guesses spread over addresses meet the account's own budget; here 5 for a short test.
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "5 per hour"
    for i in range(1, 6):
        variant = physio.email + "\x00" * i
        assert _post_login(client, variant, f"guess-{i}", f"192.0.2.{i}").status_code == 200
    # The sixth guess, in yet another spelling, is refused: the key is the account looked up.
    response = _post_login(client, "\x00" + physio.email.upper() + "\x00\x00", "x", "192.0.2.6")
    assert response.status_code == 429
    # ... and the right password in a NUL spelling fares exactly as the plain email does.
    assert _post_login(client, physio.email + "\x00" * 9, PASSWORD, "192.0.2.7").status_code == 429
    assert _post_login(client, physio.email, PASSWORD, "192.0.2.8").status_code == 429


def test_finding_3_a_nul_variant_logs_in_like_the_plain_email(client, physio):
    # Not throttled: the NUL spelling reaches the same account by the same rules.
    response = _post_login(client, physio.email + "\x00", PASSWORD)
    assert response.status_code == 302
    assert client.get("/patients/").status_code == 200


# --- 4. throttling behind the proxy; limits that can't be turned against a physio -------------


def test_finding_4_behind_the_proxy_one_clients_failures_do_not_lock_out_others(fresh_app):
    app = fresh_app(TRUSTED_PROXIES=1)
    make = Factory(app)
    physio = make.user(make.clinic(), email="kim@example.org")
    client = app.test_client()
    # A stranger behind nginx (REMOTE_ADDR is nginx's) tries random emails.
    for i in range(12):
        response = _post_login(
            client, f"random{i}@example.org", "guess", X_Forwarded_For="203.0.113.9"
        )
        assert response.status_code == 200
    # Another client behind the same proxy logs in.
    response = _post_login(client, physio.email, PASSWORD, X_Forwarded_For="198.51.100.7")
    assert response.status_code == 302


def test_finding_4_forwarded_for_is_ignored_without_a_trusted_proxy(client, physio):
    # TRUSTED_PROXIES=0 (the default): a client can't pick a fresh address per attempt.
    for i in range(5):
        response = _post_login(client, physio.email, "guess", X_Forwarded_For=f"10.9.0.{i}")
        assert response.status_code == 200
    response = _post_login(client, physio.email, PASSWORD, X_Forwarded_For="10.9.0.99")
    assert response.status_code == 429


def test_finding_4_a_stranger_cannot_lock_a_physio_out_of_a_known_address(client, physio, app):
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "10 per day"
    clinic_address = "198.51.100.7"
    assert _post_login(client, physio.email, PASSWORD, clinic_address).status_code == 302
    client.post("/logout", environ_base={"REMOTE_ADDR": clinic_address})
    # Guesses at the account from many addresses spend its whole-account budget ...
    for i in range(12):
        _post_login(client, physio.email, f"guess-{i}", f"203.0.113.{i}")
    # ... so a new address is refused even with the right password (no more guessing) ...
    assert _post_login(client, physio.email, PASSWORD, "192.0.2.50").status_code == 429
    # ... while the physio's own address still gets in with the right password.
    assert _post_login(client, physio.email, PASSWORD, clinic_address).status_code == 302


def test_finding_4_one_guessers_address_does_not_lock_the_account_elsewhere(client, physio):
    for i in range(8):
        _post_login(client, physio.email, f"guess-{i}", "203.0.113.66")
    assert _post_login(client, physio.email, PASSWORD, "203.0.113.66").status_code == 429
    assert _post_login(client, physio.email, PASSWORD, "198.51.100.7").status_code == 302


def test_finding_4_one_physios_signing_does_not_use_up_anothers_limit(app, make, clinic):
    sam, jo = make.user(clinic), make.user(clinic)
    a, b = app.test_client(), app.test_client()
    login(a, sam)
    login(b, jo)
    for _ in range(10):
        assert a.post("/assessments/999/sign", data={"password": "x"}).status_code == 404
    assert a.post("/assessments/999/sign", data={"password": "x"}).status_code == 429
    assert b.post("/assessments/999/sign", data={"password": "x"}).status_code == 404


def test_finding_4_database_limit_store_counts_across_workers(tmp_path, restore_limiter):
    """Two apps on one database file stand for gunicorn's two workers: with the default
    RATELIMIT_STORAGE_URI (database://) each sees the other's failed logins."""
    from config import DevelopmentConfig, ProductionConfig, TestingConfig
    from physio.app import create_app
    from physio.extensions import db

    assert DevelopmentConfig.RATELIMIT_STORAGE_URI == "database://"
    assert ProductionConfig.RATELIMIT_STORAGE_URI == "database://"
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    workers = []
    for _ in range(2):
        app = create_app(
            TestingConfig, SQLALCHEMY_DATABASE_URI=url, RATELIMIT_STORAGE_URI="database://"
        )
        with app.app_context():
            db.create_all()
        workers.append(app)
    throttle = LoginThrottle("sam@example.org", "192.0.2.1")
    for i in range(5):
        with workers[i % 2].test_request_context():
            assert not throttle.refused(lambda: False)
            throttle.failed()
    for app in workers:
        with app.test_request_context():
            assert throttle.refused(lambda: False)
    for app in workers:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- 9. sessions that end ---------------------------------------------------------------------


def _copy_of(client, app):
    """A second client holding a copy of `client`'s session cookie (a stolen cookie)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_finding_9_a_copied_cookie_stops_working_after_logout(app, physio_client):
    thief = _copy_of(physio_client, app)
    assert thief.get("/patients/").status_code == 200
    physio_client.post("/logout")
    assert thief.get("/patients/").status_code == 302  # to the login page


def test_finding_9_password_change_ends_other_sessions_and_keeps_this_one(app, physio_client):
    thief = _copy_of(physio_client, app)
    page = physio_client.get("/account/password")
    assert page.status_code == 200 and "Current password" in page.get_data(as_text=True)
    new = "gravel-lantern-orbit-57"
    wrong = physio_client.post(
        "/account/password",
        data={"current_password": "not-it", "new_password": new, "confirm": new},
    )
    assert wrong.status_code == 422
    assert "not your current password" in wrong.get_data(as_text=True)
    response = physio_client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert physio_client.get("/patients/").status_code == 200  # this session goes on
    assert thief.get("/patients/").status_code == 302  # the copy doesn't
    physio_client.post("/logout")
    assert _post_login(physio_client, "sam@example.org", new).status_code == 302


def test_finding_9_admin_reset_and_deactivation_end_the_users_sessions(app, physio, admin):
    victim = app.test_client()
    login(victim, physio)
    admin_client = app.test_client()
    login(admin_client, admin)
    new = "gravel-lantern-orbit-57"
    r = admin_client.post(f"/admin/users/{physio.id}/password", data={"new_password": new})
    assert r.status_code == 302
    assert victim.get("/patients/").status_code == 302
    login(victim, physio, new)
    # An admin's own password needs the current one: not through the reset.
    admin_client.post(f"/admin/users/{admin.id}/password", data={"new_password": new})
    admin_client.post("/logout")
    login(admin_client, admin)  # still the old password
    admin_client.post(f"/admin/users/{physio.id}/deactivate")
    admin_client.post(f"/admin/users/{physio.id}/activate")
    assert victim.get("/patients/").status_code == 302  # reactivating doesn't revive it


@pytest.mark.parametrize("weak", ["Password12", "runeasy2026", "Password1234", "qwertyuiop12"])
def test_finding_9_weak_passwords_are_refused(physio_client, weak):
    response = physio_client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": weak, "confirm": weak},
    )
    assert response.status_code == 422  # refused, with the reason at the field
    assert "has-error" in response.get_data(as_text=True)


def test_finding_9_the_demo_password_meets_the_policy(app_ctx):
    from physio.demo import DEMO_PASSWORD
    from physio.security import password_problems

    assert password_problems(DEMO_PASSWORD, email="sam@physio.example", name="Sam Patel") == []


# --- 8. size limits ---------------------------------------------------------------------------


def test_finding_8_a_huge_body_is_refused_with_a_clear_413(client):
    big = "x" * (3 * 1024 * 1024)
    response = client.post("/login", data={"email": "a@example.org", "password": big})
    assert response.status_code == 413
    assert "Too much to send at once" in response.get_data(as_text=True)


def _draft(client, patient) -> int:
    response = client.post(f"/patients/{patient.id}/assessments/new", data={"kind": "initial"})
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").split("/")[-2])


def test_finding_8_autosave_keeps_only_the_forms_fields_within_their_lengths(
    app, physio_client, physio, make
):
    from physio.extensions import db
    from physio.models import Assessment

    draft = _draft(physio_client, make.patient(physio))
    response = physio_client.post(
        f"/assessments/{draft}/autosave",
        data={
            "pain-nprs_now": "eleven",  # invalid: the page is kept aside
            "history-occupation": "r" * 5000,  # longer than its 200 characters
            "history-presenting_complaint": "Back pain after long runs",
            **{f"junk-{i}": "j" * 1000 for i in range(300)},  # not fields of the form
        },
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert "200 characters" in answer["errors"]["history-occupation"]
    with app.app_context():
        kept = db.session.get(Assessment, draft).autosave
    assert kept["pain-nprs_now"] == ["eleven"]
    assert kept["history-presenting_complaint"] == ["Back pain after long runs"]
    assert "history-occupation" not in kept
    assert not any(name.startswith("junk-") for name in kept)
    assert len(str(kept)) < 2000


def test_finding_8_autosave_is_rate_limited_per_user(app, physio_client, physio, make):
    app.config["AUTOSAVE_RATE_LIMIT"] = "3 per minute"
    draft = _draft(physio_client, make.patient(physio))
    statuses = [
        physio_client.post(f"/assessments/{draft}/autosave", data={}).status_code for _ in range(4)
    ]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429


# --- 10. huge integers in the URL and the query string ----------------------------------------

HUGE = "999999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/patients/?page={HUGE}",
        "/patients/?page=-5",
        f"/admin/audit?page={HUGE}",
        f"/admin/audit?object_id={HUGE}",
        f"/admin/audit?user_id={HUGE}",
        "/admin/audit?until=9999-12-31&since=0001-01-01",
        f"/patients/{HUGE}",
        f"/patients/{HUGE}/edit",
        f"/assessments/{HUGE}",
        f"/assessments/{HUGE}/plan",
    ],
)
def test_finding_10_huge_numbers_get_an_answer_not_a_500(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code in (200, 400, 404), response.status_code


# --- 13. the smaller findings -----------------------------------------------------------------


def test_finding_13_database_file_and_backups_are_private(
    tmp_path, runner, physio, restore_limiter
):
    import os
    import stat

    from config import TestingConfig
    from physio.app import create_app
    from physio.extensions import db

    old = tmp_path / "old.sqlite"
    old.write_bytes(b"")
    old.chmod(0o644)  # made by an earlier version
    os.umask(0o022)  # what a shell usually starts with
    new = tmp_path / "new.sqlite"
    for path in (old, new):
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
            RATELIMIT_STORAGE_URI="memory://",
        )
        with app.app_context():
            db.create_all()
            db.session.remove()
            db.engine.dispose()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    backup_file = tmp_path / "physio.backup"
    result = runner.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600


def test_finding_13_patient_link_tokens_are_kept_out_of_access_logs(app, caplog):
    import logging

    token = "Zq3xKp9LmN2vB7cR4tY8uW1eA5sD6fG0hJ2kL3mN4o"
    with caplog.at_level(logging.INFO):
        # gunicorn's access logger: a format and a dict of atoms (gunicorn.glogging.Logger.access)
        logging.getLogger("gunicorn.access").info(
            '%(h)s "%(r)s" %(s)s %(U)s',
            {
                "h": "192.0.2.1",
                "r": f"GET /p/{token}/plan.pdf HTTP/1.1",
                "s": "200",
                "U": f"/q/{token}",
            },
        )
        # Werkzeug's development server: the request line as a positional argument
        logging.getLogger("werkzeug").info(
            '192.0.2.1 - - "%s" %s %s', f"GET /q/{token}?page=2 HTTP/1.1", "200", "-"
        )
    text = caplog.text
    assert token not in text
    assert "/p/[token]/plan.pdf" in text and "/q/[token]?page=2" in text


def test_finding_13_pages_with_patient_data_are_not_cached(physio_client, physio, make):
    patient = make.patient(physio)
    for url in ("/patients/", f"/patients/{patient.id}", f"/patients/{patient.id}/edit"):
        response = physio_client.get(url)
        assert response.status_code == 200
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    assert "no-store" in physio_client.get("/q/not-a-real-token").headers["Cache-Control"]


@pytest.mark.parametrize("name", ["Jane\x1b[31m", "Jane\tDoe", "Ja\u202ene", "Jane\r\nDoe"])
def test_finding_13_control_characters_are_refused_in_names(
    app, physio_client, admin, physio, name
):
    response = physio_client.post(
        "/patients/new",
        data={
            "first_name": name,
            "last_name": "Runner",
            "date_of_birth": "1990-01-01",
            "sex": "female",
        },
    )
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
    admin_client = app.test_client()
    login(admin_client, admin)
    response = admin_client.post(
        "/admin/users",
        data={
            "name": name,
            "email": "new@example.org",
            "role": "physio",
            "password": "gravel-lantern-orbit-57",
        },
    )
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
    response = admin_client.post("/admin/clinic", data={"name": f"Riverside {name}"})
    assert response.status_code == 422


def test_finding_13_an_administrator_cannot_sign(app, admin_client, admin, make):
    patient = make.patient(admin)
    draft = _draft(admin_client, patient)
    page = admin_client.get(f"/assessments/{draft}/edit").get_data(as_text=True)
    assert 'id="sign-button"' not in page
    response = admin_client.post(f"/assessments/{draft}/sign", data={"password": PASSWORD})
    assert response.status_code == 403


def test_finding_13_every_read_of_patient_data_is_audited(app, physio_client, physio, make):
    from sqlalchemy import select

    from physio.extensions import db
    from physio.models import AuditEvent

    patient = make.patient(physio)
    signed = signed_visit(physio_client, patient)
    draft = _draft(physio_client, patient)
    for url in (
        f"/assessments/{draft}/edit",
        f"/patients/{patient.id}/edit",
        f"/assessments/{signed}/plan",
        "/patients/?q=Jane",
        "/drafts",
    ):
        assert physio_client.get(url).status_code == 200
    with app.app_context():
        rows = db.session.execute(
            select(
                AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.detail
            ).execution_options(skip_clinic_scope=True)
        ).all()
    reads = {(a, t, i, (d or {}).get("page")) for a, t, i, d in rows}
    assert ("view", "assessment", draft, "form") in reads
    assert ("view", "patient", patient.id, "edit") in reads
    assert ("view", "assessment", signed, "plan") in reads
    search = [d for a, _, _, d in rows if a == "search"]
    assert search and search[-1]["patients"] == [patient.id]
    assert "Jane" not in str(search)  # the query itself (a name) is not logged
    assert any(a == "list_drafts" for a, _, _, _ in rows)


def test_finding_13_a_clinic_admin_cannot_learn_whether_another_clinic_has_an_email(
    app, admin_client, make
):
    elsewhere = make.user(make.clinic("Northside"), email="kim@example.org")
    answers = []
    for email in ("kim@example.org", "nobody-yet@example.org"):  # taken elsewhere / free
        response = admin_client.post(
            "/admin/users",
            data={
                "name": "Kim Lee",
                "email": email,
                "role": "physio",
                "password": "gravel-lantern-orbit-57",
            },
            follow_redirects=True,
        )
        answers.append((response.status_code, "Kim Lee can now log in" in response.text))
    assert answers[0] == answers[1] == (200, True)
    # Each account logs in to its own clinic with its own password ...
    client = app.test_client()
    assert _post_login(client, "kim@example.org", "gravel-lantern-orbit-57").status_code == 302
    assert "Riverside" in client.get("/patients/").text
    client.post("/logout")
    login(client, elsewhere)
    assert "Northside" in client.get("/patients/").text


def test_finding_13_one_email_and_password_at_two_clinics_asks_which(app, make):
    from physio.extensions import db
    from physio.models import User

    north = make.user(make.clinic("Northside"), email="locum@example.org")
    south = make.user(make.clinic("Southside"), email="locum@example.org")
    client = app.test_client()
    response = _post_login(client, "locum@example.org", PASSWORD)
    assert response.status_code == 200
    assert "more than one clinic" in response.text
    assert "Northside" in response.text and "Southside" in response.text
    response = client.post(
        "/login",
        data={"email": "locum@example.org", "password": PASSWORD, "clinic": str(south.clinic_id)},
    )
    assert response.status_code == 302
    assert "Southside" in client.get("/patients/").text
    with app.app_context():
        assert db.session.get(User, north.id).clinic_id != south.clinic_id


def test_finding_4_database_limit_store_on_this_database(app_ctx):
    """The storage's upsert on the suite's database (SQLite, or PostgreSQL in the PG run)."""
    import time

    from physio.ratelimit_storage import DatabaseStorage

    storage = DatabaseStorage("database://")
    assert storage.check()
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get("other") == 0
    assert time.time() < storage.get_expiry("k") <= time.time() + 60
    assert storage.incr("gone", 0) == 1  # a window that has ended starts again
    assert storage.incr("gone", 60) == 1
    storage.clear("k")
    assert storage.get("k") == 0
    assert storage.reset() == 1


def test_finding_4_logging_in_again_does_not_renew_the_signing_budget(app, physio):
    client = app.test_client()
    login(client, physio)
    for _ in range(10):
        client.post("/assessments/999/sign", data={"password": "x"})
    client.post("/logout")
    login(client, physio)  # a new session token
    assert client.post("/assessments/999/sign", data={"password": "x"}).status_code == 429


def test_finding_4_only_the_hop_nginx_added_is_believed(fresh_app):
    """nginx appends the real client to whatever X-Forwarded-For the client sent: with one
    trusted proxy only that last entry counts, so spoofed entries don't give fresh budgets."""
    app = fresh_app(TRUSTED_PROXIES=1)
    make = Factory(app)
    physio = make.user(make.clinic(), email="kim@example.org")
    client = app.test_client()
    for i in range(5):
        response = _post_login(
            client, physio.email, "guess", X_Forwarded_For=f"10.0.0.{i}, 203.0.113.9"
        )
        assert response.status_code == 200
    spoofed = _post_login(client, physio.email, PASSWORD, X_Forwarded_For="10.0.9.9, 203.0.113.9")
    assert spoofed.status_code == 429
