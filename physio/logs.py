"""Patient-link tokens kept out of the access logs.

A `/p/<token>` or `/q/<token>` link is the patient's key to their plan or questionnaire: whoever
reads a log line with it could open them. gunicorn's access log ("gunicorn.access") and the
development server's ("werkzeug") pass the request line as a logging argument, Flask's error
log names the path; this filter replaces the token there before any handler formats it.
"""

from __future__ import annotations

import logging
import re

# /p/<token>, /p/<token>/plan.pdf, /q/<token>?page=…: the path segment after /p/ or /q/.
_TOKEN = re.compile(r"(/[pq]/)[^/\s?#\"]+")
REDACTED = r"\1[token]"
# The access loggers, and Flask's own ("physio.app": "Exception on /q/<token> [GET]").
ACCESS_LOGGERS = ("gunicorn.access", "werkzeug", "physio.app")


def redact(text: str) -> str:
    return _TOKEN.sub(REDACTED, text)


def _clean(value):
    return redact(value) if isinstance(value, str) else value


class TokenRedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            # In place: gunicorn passes a SafeAtoms dict that answers "-" for an atom the
            # request lacks (a header in a custom access_log_format); a plain copy would not.
            for key, value in list(record.args.items()):
                if isinstance(value, str):
                    record.args[key] = redact(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(_clean(value) for value in record.args)
        return True


def redact_access_logs() -> None:
    """Install the filter once on each access logger (idempotent: one app per test, many)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactingFilter) for f in logger.filters):
            logger.addFilter(TokenRedactingFilter())
