"""Email to patients: the one place that sends mail (plan links, questionnaire links, reminders).

Sending is Flask-Mailman's SMTP backend; this module only turns the two settings of
docs/interface.md into its configuration and gives the rest of the app three calls::

    mail_enabled()                      # is SMTP_URL set?
    send_mail(to, subject, body)        # raises MailNotSent with a short reason

`SMTP_URL` forms: ``smtp://host:25`` (plain), ``smtp://user:password@host:587?starttls=1``
(STARTTLS), ``smtps://user:password@host:465`` (TLS from the start). User name and password are
percent-decoded, so ``@`` or ``:`` in them can be written as ``%40`` / ``%3A``.
`MAIL_FROM` is the sender (``Clinic name <clinic@example.org>``).

Bodies are plain text on purpose: no tracking pixels, no remote images, nothing clinical — the
email carries a link and how long it works, never the plan or the answers.
"""

from __future__ import annotations

import smtplib
import socket
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app
from flask_mailman import EmailMessage, Mail

mail = Mail()

SEND_TIMEOUT_S = 10  # a slow mail server must not hold a worker (and the physio) for long
_TRUE = {"1", "true", "yes", "on"}


class MailNotSent(Exception):
    """The message could not be handed to the SMTP server (the reason is safe to show)."""


def mail_settings(smtp_url: str | None, mail_from: str | None) -> dict:
    """Flask-Mailman settings for an SMTP_URL (``{}`` and the dummy backend when unset)."""
    if not smtp_url:
        return {"MAIL_BACKEND": "dummy"}
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://host:port or smtps://user:pw@host:port")
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    implicit_tls = parts.scheme == "smtps"
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": parts.hostname,
        "MAIL_PORT": parts.port or (465 if implicit_tls else 25),
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_SSL": implicit_tls,
        "MAIL_USE_TLS": not implicit_tls and query.get("starttls") in _TRUE,
        "MAIL_TIMEOUT": SEND_TIMEOUT_S,
        "MAIL_DEFAULT_SENDER": mail_from or "physio@localhost",
    }


def init_app(app: Flask) -> None:
    app.config.update(mail_settings(app.config.get("SMTP_URL"), app.config.get("MAIL_FROM")))
    mail.init_app(app)


def mail_enabled() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message now; MailNotSent when it was not accepted."""
    if not mail_enabled():
        raise MailNotSent("email is not configured (SMTP_URL is not set)")
    message = EmailMessage(subject=subject, body=body, to=[to])
    try:
        sent = message.send(fail_silently=False)
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        current_app.logger.warning("mail to a patient not sent: %s", type(error).__name__)
        raise MailNotSent(_reason(error)) from None
    if not sent:
        raise MailNotSent("the mail server did not accept the message")


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the patient's address"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "the mail server refused the login in SMTP_URL"
    if isinstance(error, socket.timeout | TimeoutError):
        return "the mail server did not answer in time"
    if isinstance(error, ConnectionRefusedError | socket.gaierror):
        return "the mail server could not be reached"
    return "the mail server reported an error"
