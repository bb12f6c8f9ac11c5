"""Configuration classes, fed by environment variables and an optional `.env` file.

`PHYSIO_ENV` picks the class (development, testing, production); `config_from_env()` does that.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent
# A checkout keeps its database, secret key and .env in instance/ and at its top; an installed
# wheel has no such folder of its own, so it uses Flask's place for installed apps,
# <prefix>/var/physio-instance, unless PHYSIO_INSTANCE_PATH names another.
CHECKOUT = (ROOT / "pyproject.toml").is_file()
INSTANCE = Path(
    os.environ.get("PHYSIO_INSTANCE_PATH")
    or (ROOT / "instance" if CHECKOUT else Path(sys.prefix) / "var" / "physio-instance")
)

# Read .env once at import so gunicorn, `flask` and scripts all see the same settings;
# real environment variables keep precedence (override=False). Installed: .env in the
# current directory (the flask command also reads it from there).
load_dotenv(ROOT / ".env" if CHECKOUT else Path.cwd() / ".env", override=False)


def _development_secret_key() -> str:
    """A key generated once and kept in instance/, so sessions survive restarts in development."""
    key_file = INSTANCE / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    INSTANCE.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def instance_key(path: Path) -> str:
    """A random key generated once in `path` (0600) and read from it afterwards."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite:///physio.sqlite")  # relative: instance/
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Idle timeout: the session expires this long after the last request (refreshed each request).
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=int(os.environ.get("IDLE_TIMEOUT_MINUTES", 30)))
    SESSION_REFRESH_EACH_REQUEST = True

    WTF_CSRF_TIME_LIMIT = (
        None  # tied to the session instead: a long consultation must not lose a form
    )

    # Rate limits (Flask-Limiter; README "Security model"). database:// counts in the app's own
    # database (physio/ratelimit_storage.py), so gunicorn's workers share one count; redis://…
    # shares it across hosts; memory:// counts per process (tests, benchmarks).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "database://")
    RATELIMIT_HEADERS_ENABLED = False
    # Failed logins per (account, address): stops guessing one account from one place.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;30 per hour")
    # Failed logins per address, whatever the account: stops trying many accounts from one place.
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get(
        "LOGIN_ADDRESS_RATE_LIMIT", "30 per minute;200 per hour"
    )
    # Failed logins per account from everywhere: stops guessing spread over many addresses. Once
    # spent, only addresses this account has logged in from before may try (a stranger can't
    # lock a physio out of the place they work from).
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "100 per day")
    SIGN_RATE_LIMIT = "10 per minute"  # per user: signing checks the password
    # Wrong passwords when signing, per user: a stolen session can't guess the password fast
    # (as many an hour as a login allows one account from one place).
    SIGN_PASSWORD_RATE_LIMIT = os.environ.get("SIGN_PASSWORD_RATE_LIMIT", "30 per hour")
    # Per user: the form saves after 1.5 s of quiet typing, so a tab sends at most ~40 a minute;
    # room for two tabs, and a bound on what one account can make the server do.
    AUTOSAVE_RATE_LIMIT = os.environ.get("AUTOSAVE_RATE_LIMIT", "120 per minute")
    # How many reverse proxies sit in front (X-Forwarded-* trusted that many hops deep; 0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    # The largest request body accepted (413 beyond it); nginx's client_max_body_size matches.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024))

    # Argon2id cost: OWASP's recommended minimum (m=19 MiB, t=2, p=1). The 64 MiB default
    # pushed a worker that logs someone in and renders a PDF past 200 MB.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456

    TIMEZONE = os.environ.get("TIMEZONE", "Europe/London")  # how visit times are entered and shown
    PATIENTS_PER_PAGE = 25
    PATIENT_LINK_MAX_AGE_DAYS = int(os.environ.get("PATIENT_LINK_MAX_AGE_DAYS", 30))
    # Questionnaire links sent before a visit (docs/interface.md, round 2).
    QUESTIONNAIRE_LINK_DAYS = int(os.environ.get("QUESTIONNAIRE_LINK_DAYS", 14))
    # Email to patients (physio/mail.py): unset means copy link / QR code only.
    SMTP_URL = os.environ.get("SMTP_URL") or None
    MAIL_FROM = os.environ.get("MAIL_FROM") or None
    # The address patients open links at, for links made outside a request (reminders by cron).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or None
    # ISO country of new clinics: emergency and urgent-advice numbers (docs/interface.md, round 2).
    CLINIC_COUNTRY = os.environ.get("CLINIC_COUNTRY", "GB")
    RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", 8))
    # The audit log's HMAC key (README, Security model): unset means a key generated once in
    # instance/audit_key (0600). Keep it out of database backups, or an insider holding both
    # can rewrite the log undetected.
    AUDIT_KEY = os.environ.get("AUDIT_KEY") or None
    # Where the newest audit entry's id and hash are kept outside the database (unset:
    # instance/audit_anchor.json; empty: no anchor, so removing the newest entries goes unseen).
    AUDIT_ANCHOR_FILE = os.environ.get("AUDIT_ANCHOR_FILE")
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MIN_SCORE = 3  # zxcvbn's 0–4 scale: 3 = "safely unguessable" online


class DevelopmentConfig(Config):
    ENV_NAME = "development"

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-secret-key"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    SMTP_URL = None  # tests that send mail start their own SMTP server on loopback
    AUDIT_KEY = "testing-only-audit-key"
    AUDIT_ANCHOR_FILE = os.environ.get("AUDIT_ANCHOR_FILE", "")  # tests that need one set it


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise RuntimeError("SECRET_KEY must be set in production (environment or .env)")
        self.SECRET_KEY = key


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> Config:
    name = os.environ.get("PHYSIO_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(
            f"PHYSIO_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None
