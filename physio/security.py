"""Password hashing and HTTP security headers."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app

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


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """The password policy for new users: long enough, not trivially guessable."""
    problems = []
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        problems.append(f"Use at least {min_length} characters.")
    lowered = password.lower()
    if email and email.split("@")[0].lower() in lowered:
        problems.append("Don't include your email address.")
    if name and any(len(part) > 2 and part.lower() in lowered for part in name.split()):
        problems.append("Don't include your name.")
    if len(set(password)) < 5:
        problems.append("Use more different characters.")
    if lowered in {"password123", "physio12345", "1234567890", "qwertyuiop"}:
        problems.append("This password is too common.")
    return problems


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _set_headers(response):
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
