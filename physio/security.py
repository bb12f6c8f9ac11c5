"""Password hashing, the password policy, login identities and HTTP security headers."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, request

from physio.names import name_problem

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


# A real hash to verify against when the email is unknown, so a login for a missing account
# takes as long as one for an existing account (no user enumeration by timing).
_DUMMY_HASH: dict[tuple[int, int], str] = {}


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if password_hash is None:
        key = (hasher.time_cost, hasher.memory_cost)
        if key not in _DUMMY_HASH:
            _DUMMY_HASH[key] = hasher.hash("not a real password")
        password_hash = _DUMMY_HASH[key]
        hasher.verify(password_hash, "not a real password")
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_identity(raw: str) -> str:
    """The login identity as it is looked up and as the login limits count it: control and
    format characters (NUL, zero-width space, …) removed, surrounding space stripped, lower
    case (emails are stored lower-cased). Two spellings that reach one account are one key."""
    kept = "".join(ch for ch in raw if not unicodedata.category(ch).startswith("C"))
    return kept.strip().lower()


def has_control_characters(text: str) -> bool:
    """True when `text` is not a plain name: a control character (tab, newline, escape, …), an
    unassigned or private-use code point, a bidirectional override, or an invisible character
    (format characters, line/paragraph separators, fillers: physio/names.py). The joiners some
    scripts need in names (U+200C, U+200D) are allowed between two of their letters."""
    return name_problem(text) is not None


def password_problems(
    password: str,
    *,
    email: str = "",
    name: str = "",
    clinic: str = "",
    extra_words: tuple[str, ...] = (),
) -> list[str]:
    """The password policy: at least PASSWORD_MIN_LENGTH characters, not containing the user's
    email or its local part (2 characters or more) nor a part of their name (3 or more), and
    not guessable by zxcvbn (dictionary words, common passwords, names, dates, keyboard
    patterns, and the user's own details: the whole email, its local part, the name's parts
    and the clinic's name) below PASSWORD_MIN_SCORE."""
    from zxcvbn import zxcvbn

    problems = []
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        problems.append(f"Use at least {min_length} characters.")
    lowered = password.lower()
    email = email.strip().lower()
    local_part = email.split("@")[0]
    if (email and email in lowered) or (len(local_part) >= 2 and local_part in lowered):
        problems.append("Don't include your email address.")
    name_parts = name.lower().split()
    if any(len(part) > 2 and part in lowered for part in name_parts):
        problems.append("Don't include your name.")
    if len(set(password)) < 5:
        problems.append("Use more different characters.")
    if not problems:
        clinic = clinic.strip().lower()
        words = [email, local_part, *name_parts, clinic, *clinic.split(), *extra_words]
        inputs = list(dict.fromkeys(w for w in words if w))  # in order, once each
        result = zxcvbn(password[:100], user_inputs=[*inputs, "physio", "physiotherapy", "clinic"])
        if result["score"] < current_app.config["PASSWORD_MIN_SCORE"]:
            hint = result["feedback"].get("warning") or "It is too easy to guess."
            problems.append(
                f"{hint.rstrip('.')}. Try a few unrelated words, e.g. a short sentence."
            )
    return problems


# Pages of the patients' links: no login, but patient data.
PATIENT_LINK_PREFIXES = ("/p/", "/q/")


def _holds_patient_data() -> bool:
    """Every response to a logged-in user (static files and the icon aside) and every page of
    a patient's link: browsers and proxies must not keep a copy."""
    if request.endpoint in ("static", "favicon"):
        return False
    # g.me: the logged-in user as read when the request began (app.py); asking current_user
    # here would reload the user a commit has expired (one more query on every page).
    return request.path.startswith(PATIENT_LINK_PREFIXES) or g.get("me") is not None


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _set_headers(response):
        if _holds_patient_data() and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
