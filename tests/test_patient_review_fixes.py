"""Issue 14, the cold review as a patient on a phone: each finding pinned by a test that failed
before its fix (HTTP through the test client unless said otherwise)."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

TOKEN = "Zq3xKp9LmN2vB7cR4tY8uW1eA5sD6fG0hJ2kL3mN4o"


# --- 1. tokens in gunicorn's access log ---------------------------------------------------------


def _gunicorn_access_lines(tmp_path, paths: list[str], access_format: str) -> str:
    """Log requests through gunicorn's own access logger (gunicorn.glogging.Logger.access, the
    code a worker calls after each response) into a file, and return the file's text."""
    from gunicorn.config import Config as GunicornConfig
    from gunicorn.glogging import Logger

    log_file = tmp_path / "access.log"
    cfg = GunicornConfig()
    cfg.set("accesslog", str(log_file))
    cfg.set("access_log_format", access_format)
    logger = Logger(cfg)
    try:
        for raw in paths:
            path, _, query = raw.partition("?")
            environ = {
                "REQUEST_METHOD": "GET",
                "RAW_URI": raw,
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "192.0.2.7",
                "HTTP_REFERER": f"https://clinic.example{raw}",
            }
            response = SimpleNamespace(status="200 OK", sent=512, headers=[])
            request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
            logger.access(response, request, environ, timedelta(milliseconds=12))
    finally:
        for handler in list(logger.access_log.handlers):
            if getattr(handler, "_gunicorn", False):
                logger.access_log.removeHandler(handler)
                handler.close()
    return log_file.read_text()


def test_gunicorn_access_log_shows_no_patient_token(app, tmp_path):
    paths = [f"/p/{TOKEN}", f"/p/{TOKEN}/plan.pdf", f"/q/{TOKEN}", f"/q/{TOKEN}?page=3"]
    default = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    text = _gunicorn_access_lines(tmp_path, paths, default)
    assert len(text.splitlines()) == 4
    assert TOKEN not in text
    assert '"GET /p/[token] HTTP/1.1" 200' in text
    assert '"GET /q/[token]?page=3 HTTP/1.1" 200' in text


def test_gunicorn_access_log_custom_format_still_works_and_shows_no_token(app, tmp_path):
    """A deployment behind a proxy logs X-Forwarded-For, path and environ atoms: gunicorn answers
    "-" for a header the request lacks (its SafeAtoms mapping); the filter must keep that."""
    custom = '%({x-forwarded-for}i)s "%(U)s" %({raw_uri}e)s %({referer}i)s %(s)s'
    text = _gunicorn_access_lines(tmp_path, [f"/q/{TOKEN}?page=2"], custom)
    assert TOKEN not in text
    assert text.startswith('- "/q/[token]" /q/[token]?page=2'), text


def test_flask_error_log_shows_no_patient_token(app, caplog):
    """An unhandled error is logged by Flask as "Exception on <path> [GET]"."""
    with caplog.at_level(logging.ERROR):
        app.logger.error(f"Exception on /q/{TOKEN} [GET]")
    assert TOKEN not in caplog.text and "/q/[token]" in caplog.text
