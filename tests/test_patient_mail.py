"""Email to patients through a real SMTP server on loopback (aiosmtpd): questionnaire and plan
links, and `flask --app physio questionnaires remind` (one reminder, never after completion)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from physio.extensions import db
from physio.mail import mail_settings
from physio.models import Questionnaire
from physio.models.base import utcnow
from tests.helpers import Factory, answer_every_page, login, send_questionnaire, signed_visit

DOB = "1988-04-12"


@pytest.fixture
def mail_app(fresh_app, smtp):
    return fresh_app(SMTP_URL=smtp.url, MAIL_FROM="Riverside Physio <clinic@example.org>")


@pytest.fixture
def world(mail_app):
    make = Factory(mail_app)
    clinic = make.clinic("Riverside")
    physio = make.user(clinic, name="Sam Patel")
    patient = make.patient(physio, first_name="Jane", email="jane@example.org")
    client = mail_app.test_client()
    login(client, physio)
    return mail_app, client, patient


def age(app, days: int) -> None:
    """Pretend every questionnaire was emailed `days` ago."""
    with app.app_context():
        for q in db.session.execute(select(Questionnaire)).scalars():
            q.emailed_at = utcnow() - timedelta(days=days)
        db.session.commit()


def remind(app, *args):
    return app.test_cli_runner().invoke(
        args=["questionnaires", "remind", "--base-url", "https://clinic.example", *args]
    )


def test_a_questionnaire_link_is_emailed_to_the_patient(world, smtp):
    _app, client, patient = world
    path = send_questionnaire(client, patient, ("nprs",), email="1")
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["jane@example.org"]
    assert message["From"] == "Riverside Physio <clinic@example.org>"
    assert "Riverside" in message["Subject"]
    body = smtp.bodies()[0]
    assert f"http://localhost{path}" in body and "date of birth" in body
    assert "1988" not in body  # nothing about the patient beyond the first name
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "emailed" in page


def test_reminder_goes_once_to_open_links_and_never_after_completion(world, smtp):
    app, client, patient = world
    open_path = send_questionnaire(client, patient, ("nprs",), email="1")
    done_path = send_questionnaire(client, patient, ("nprs",), email="1")
    answer_every_page(app.test_client(), done_path, DOB)
    assert len(smtp.messages) == 2
    age(app, 2)
    result = remind(app, "--after-days", "3")
    assert result.exit_code == 0 and "Sent 0 reminders." in result.output
    age(app, 4)
    result = remind(app, "--after-days", "3")
    assert result.exit_code == 0, result.output
    assert "Sent 1 reminder." in result.output and len(smtp.messages) == 3
    body = smtp.bodies()[2]
    link = re.search(r"https://clinic\.example(/q/[A-Za-z0-9_\-]+)", body).group(1)
    assert link != open_path  # a token of its own; the first one keeps working too
    for path in (link, open_path):
        page = app.test_client().get(path)
        assert page.status_code == 200 and 'name="date_of_birth"' in page.get_data(as_text=True)
    # a second run: no second reminder; completing the reminded link changes nothing either
    assert "Sent 0 reminders." in remind(app, "--after-days", "3").output
    answer_every_page(app.test_client(), link, DOB)
    assert "Sent 0 reminders." in remind(app, "--after-days", "0").output
    assert len(smtp.messages) == 3
    with app.app_context():
        rows = db.session.execute(select(Questionnaire).order_by(Questionnaire.id)).scalars().all()
        assert rows[0].reminded_at is not None and rows[1].reminded_at is None


def test_revoked_locked_and_expired_links_get_no_reminder(world, smtp):
    app, client, patient = world
    for _ in range(3):
        send_questionnaire(client, patient, ("nprs",), email="1")
    with app.app_context():
        revoked, locked, expired = db.session.execute(select(Questionnaire)).scalars().all()
        revoked.revoked_at = utcnow()
        locked.locked_at = utcnow()
        expired.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    age(app, 10)
    assert "Sent 0 reminders." in remind(app).output and len(smtp.messages) == 3


def test_a_plan_link_is_emailed_and_opens_the_plan(world, smtp):
    app, client, patient = world
    aid = signed_visit(client, patient)
    page = client.post(f"/assessments/{aid}/share", data={"email": "1"}, follow_redirects=True)
    assert "Emailed to jane@example.org" in page.get_data(as_text=True)
    body = smtp.bodies()[-1]
    path = re.search(r"http://localhost(/p/[A-Za-z0-9_\-]+)", body).group(1)
    assert app.test_client().get(path).status_code == 200
    assert "anyone with the link can see your plan" in body


def test_a_mail_server_that_refuses_leaves_the_link_usable(fresh_app):
    app = fresh_app(SMTP_URL="smtp://127.0.0.1:9")  # nothing listens on the discard port
    make = Factory(app)
    physio = make.user(make.clinic())
    patient = make.patient(physio, email="jane@example.org")
    client = app.test_client()
    login(client, physio)
    response = client.post(
        f"/patients/{patient.id}/questionnaires",
        data={"instruments": ["nprs"], "email": "1"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Not emailed: the mail server could not be reached" in html
    path = re.search(r"http://localhost(/q/[A-Za-z0-9_\-]+)", html).group(1)
    assert app.test_client().get(path).status_code == 200
    with app.app_context():
        assert db.session.execute(select(Questionnaire.emailed_at)).scalar_one() is None


def test_without_smtp_url_links_are_copied_not_emailed(app, physio_client, make, physio):
    patient = make.patient(physio, email="jane@example.org")
    page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Email is not set up on this server (SMTP_URL)" in page
    assert 'name="email"' not in page
    result = app.test_cli_runner().invoke(args=["questionnaires", "remind"])
    assert result.exit_code != 0 and "SMTP_URL" in result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example:25", {"MAIL_SERVER": "mail.example", "MAIL_PORT": 25}),
        (
            "smtp://user%40clinic:p%3Ass@mail.example:587?starttls=1",
            {"MAIL_USERNAME": "user@clinic", "MAIL_PASSWORD": "p:ss", "MAIL_USE_TLS": True},
        ),
        (
            "smtps://u:p@mail.example",
            {"MAIL_PORT": 465, "MAIL_USE_SSL": True, "MAIL_USE_TLS": False},
        ),
    ],
)
def test_smtp_url_forms(url, expected):
    settings = mail_settings(url, "Clinic <c@example.org>")
    assert {k: settings[k] for k in expected} == expected
    assert settings["MAIL_DEFAULT_SENDER"] == "Clinic <c@example.org>"
    assert settings["MAIL_TIMEOUT"] == 10


def test_a_malformed_smtp_url_stops_the_start(fresh_app):
    with pytest.raises(ValueError, match="SMTP_URL"):
        fresh_app(SMTP_URL="http://mail.example")
