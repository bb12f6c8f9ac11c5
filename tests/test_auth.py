"""Login, logout, throttling, CSRF, session cookie and security headers."""

from __future__ import annotations

import re

from physio.models import AuditEvent
from tests.helpers import PASSWORD, Factory, count, login


def test_login_with_right_password_opens_patient_list(client, physio):
    response = client.post("/login", data={"email": physio.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/patients/")
    assert "Patients" in client.get("/patients/").get_data(as_text=True)


def test_login_email_is_case_insensitive(client, physio):
    response = client.post("/login", data={"email": physio.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_fails_with_message_and_is_audited(app, client, physio):
    response = client.post("/login", data={"email": physio.email, "password": "wrong-one"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Email or password is not right." in page
    assert f'value="{physio.email}"' in page  # what was typed is kept
    assert client.get("/patients/").status_code == 302  # still logged out
    assert count(app, AuditEvent) == 1


def test_unknown_email_fails_like_a_wrong_password(client):
    response = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    assert "Email or password is not right." in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, make, clinic):
    user = make.user(clinic, active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/patients/").status_code == 302


def test_repeated_failed_logins_are_throttled(client, physio):
    for _ in range(5):
        assert (
            client.post("/login", data={"email": physio.email, "password": "nope"}).status_code
            == 200
        )
    response = client.post("/login", data={"email": physio.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_successful_logins_do_not_use_up_the_limit(client, physio):
    for _ in range(7):
        login(client, physio)
        client.post("/logout")


def test_every_page_but_login_needs_a_login(client, make, clinic, physio):
    patient = make.patient(physio)
    for url in (
        "/",
        "/patients/",
        "/patients/new",
        f"/patients/{patient.id}",
        f"/patients/{patient.id}/edit",
        "/admin/users",
        "/admin/clinic",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_next_parameter_only_allows_local_paths(client, physio):
    r = client.post(
        "/login?next=https://evil.example/x", data={"email": physio.email, "password": PASSWORD}
    )
    assert r.headers["Location"].endswith("/patients/")


def test_logout_ends_the_session(physio_client):
    assert physio_client.post("/logout").status_code == 302
    assert physio_client.get("/patients/").status_code == 302


def test_post_without_csrf_token_is_refused(fresh_app):
    app = fresh_app(WTF_CSRF_ENABLED=True)
    factory = Factory(app)
    physio = factory.user(factory.clinic())
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": "a@b.c", "password": "x"}).status_code == 400
    response = client.post(
        "/login", data={"email": physio.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, physio):
    response = login(client, physio)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_security_headers_are_set(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_idle_session_expires(app, physio):
    app.config["PERMANENT_SESSION_LIFETIME"] = 1
    client = app.test_client()
    login(client, physio)
    import time

    time.sleep(2.5)  # the signed session's timestamp has one-second resolution
    assert client.get("/patients/").status_code == 302
