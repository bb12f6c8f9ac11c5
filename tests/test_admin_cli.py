"""Clinic administration (users, licensed instruments) and the operator CLI."""

from __future__ import annotations

from sqlalchemy import select

from physio.extensions import db
from physio.models import Clinic, Patient, User
from tests.helpers import PASSWORD, count, login

NEW_USER = {
    "name": "Jo Lind",
    "email": "jo@example.org",
    "role": "physio",
    "registration": "PH42",
    "password": "tempo-run-Thursday",
}


def test_admin_creates_user_who_can_log_in(app, admin_client, client):
    response = admin_client.post("/admin/users", data=NEW_USER)
    assert response.status_code == 302
    admin_client.post("/logout")
    r = client.post("/login", data={"email": "jo@example.org", "password": NEW_USER["password"]})
    assert r.status_code == 302


def test_password_policy_for_new_users(app, admin_client):
    for bad, message in [
        ("short1", "at least 12"),
        ("jo-lind-password", "your name"),
        ("aaaaaaaaaaaa", "different characters"),
    ]:
        response = admin_client.post("/admin/users", data={**NEW_USER, "password": bad})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert count(app, User) == 1


def test_duplicate_email_is_refused(app, admin_client, physio):
    response = admin_client.post("/admin/users", data={**NEW_USER, "email": physio.email})
    assert "already exists" in response.get_data(as_text=True)


def test_deactivated_user_is_logged_out_and_cannot_log_in(app, make, clinic, admin, physio):
    physio_client = app.test_client()
    login(physio_client, physio)
    admin_client = app.test_client()
    login(admin_client, admin)
    assert admin_client.post(f"/admin/users/{physio.id}/deactivate").status_code == 302
    assert physio_client.get("/patients/").status_code == 302
    r = physio_client.post("/login", data={"email": physio.email, "password": PASSWORD})
    assert r.status_code == 200


def test_admin_cannot_touch_another_clinics_user(admin_client, make):
    stranger = make.user(make.clinic())
    assert admin_client.post(f"/admin/users/{stranger.id}/deactivate").status_code == 404


def test_physio_cannot_use_admin_pages(physio_client):
    assert physio_client.get("/admin/users").status_code == 403
    assert physio_client.post("/admin/users", data=NEW_USER).status_code == 403


def test_admin_switches_licensed_questionnaires_on(app, admin_client, clinic):
    r = admin_client.post("/admin/clinic", data={"name": clinic.name, "odi_enabled": "y"})
    assert r.status_code == 302
    with app.app_context():
        stored = db.session.get(Clinic, clinic.id)
        assert stored.odi_enabled and not stored.sbst_enabled


def test_cli_users_create_makes_clinic_and_user(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "New@Example.org",
            "--password",
            "long-enough-secret",
            "--name",
            "New Person",
            "--role",
            "admin",
            "--clinic",
            "Hilltop",
            "--registration",
            "PH9",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.email == "new@example.org" and user.clinic.name == "Hilltop"
        assert user.registration == "PH9" and user.is_admin


def test_cli_users_create_refuses_duplicate_email(runner, physio):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            physio.email,
            "--password",
            "long-enough-secret",
            "--name",
            "X",
            "--clinic",
            "C",
        ]
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_cli_seed_demo_loads_then_refuses_without_force(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@physio.example" in result.output and "run-easy-2026" in result.output
    assert count(app, Patient) >= 12
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 1 and "--force" in again.output


def test_cli_seed_demo_force_adds_the_demo_to_a_database_with_data(app, runner, make, monkeypatch):
    # The seeding itself (a dozen PDF exports) is exercised above; here only the flag.
    make.user(make.clinic("Existing"))
    seeded = []
    monkeypatch.setattr(
        "physio.demo.seed_demo", lambda: seeded.append(1) or [("a@physio.example", "admin")]
    )
    assert runner.invoke(args=["seed-demo"]).exit_code == 1 and seeded == []
    forced = runner.invoke(args=["seed-demo", "--force"])
    assert forced.exit_code == 0, forced.output
    assert seeded == [1] and "a@physio.example" in forced.output


def test_cli_users_create_warns_about_a_weak_password_but_creates_the_user(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "w@example.org",
            "--password",
            "short",
            "--name",
            "W",
            "--clinic",
            "C",
        ]
    )
    assert result.exit_code == 0
    assert "Warning: weak password" in result.output
    assert count(app, User) == 1


def test_admin_sets_the_clinic_country_for_emergency_numbers(app, admin_client, clinic):
    """Issue 10: the clinic's country chooses the emergency number in every patient text."""
    page = admin_client.get("/admin/clinic")
    assert b'name="country"' in page.data and b"Australia (000)" in page.data
    r = admin_client.post("/admin/clinic", data={"name": clinic.name, "country": "AU"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Clinic, clinic.id).country == "AU"
    bad = admin_client.post("/admin/clinic", data={"name": clinic.name, "country": "XX"})
    assert bad.status_code == 422


def test_new_clinic_country_comes_from_clinic_country_setting(app, runner):
    app.config["CLINIC_COUNTRY"] = "nz"
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "kiwi@example.org",
            "--password",
            "long-enough-secret",
            "--name",
            "Kiwi Person",
            "--role",
            "admin",
            "--clinic",
            "Harbour Physio",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        clinic = db.session.execute(
            db.select(Clinic).where(Clinic.name == "Harbour Physio")
        ).scalar_one()
        assert clinic.country == "NZ"
