"""The app factory: extensions, blueprints, request hooks, error pages, template helpers, CLI."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, g, render_template, request, url_for
from flask_login import current_user

from config import INSTANCE, Config, config_from_env, instance_key
from physio.logs import redact_access_logs

PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """templates/ or migrations/: inside the package when installed from the wheel (pyproject's
    force-include puts them there), at the top of the repository in a checkout."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


def create_app(config: Config | type[Config] | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(data_dir("templates")),
        instance_path=str(INSTANCE),
        instance_relative_config=True,
    )
    if config is None:
        config = config_from_env()
    elif isinstance(config, type):
        config = config()
    app.config.from_object(config)
    app.config.update(overrides)
    keep_files_private(app)  # before any file is written: the audit key is one
    if not app.config.get("AUDIT_KEY"):
        app.config["AUDIT_KEY"] = instance_key(Path(app.instance_path) / "audit_key")
    if app.config.get("AUDIT_ANCHOR_FILE") is None:
        app.config["AUDIT_ANCHOR_FILE"] = str(Path(app.instance_path) / "audit_anchor.json")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    redact_access_logs()

    trust_proxies(app)
    bound_url_integers(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def keep_files_private(app: Flask) -> None:
    """Files this process creates (the SQLite database and its -wal/-shm, backups, the
    development secret key) are readable by their owner only: umask 077. A database file made
    before this (0644) is narrowed too."""
    os.umask(os.umask(0) | 0o077)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path = path if path.is_absolute() else Path(app.instance_path) / path
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if file.exists():
                file.chmod(0o600)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies (nginx: README "Deployment"), the client's
    address, scheme and host come from the X-Forwarded-* headers that many hops deep, so the
    per-address limits count clients, not the proxy. With 0 the headers are ignored: a client
    can't choose its own address by sending them."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        wrapped = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        app.wsgi_app = wrapped  # type: ignore[method-assign]


# The largest id a database integer holds: a larger one in a URL is a 404, not an overflow.
MAX_ID = 2**63 - 1


def bound_url_integers(app: Flask) -> None:
    """`<int:…>` in every route accepts 0 … MAX_ID only (set before the blueprints' rules)."""
    from werkzeug.routing import IntegerConverter

    class BoundedIntegerConverter(IntegerConverter):
        def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
            super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)

    app.url_map.converters["int"] = BoundedIntegerConverter


def register_extensions(app: Flask) -> None:
    from physio import ratelimit_storage  # noqa: F401 (registers RATELIMIT_STORAGE_URI database://)
    from physio.extensions import csrf, db, limiter, login_manager, migrate
    from physio.security import register_security_headers

    db.init_app(app)
    migrate.init_app(app, db, directory=str(data_dir("migrations")))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    register_security_headers(app)
    from physio import mail

    mail.init_app(app)

    from physio.models import User

    @login_manager.user_loader
    def load_user(session_token: str):
        # The session names the user's current session token (User.get_id), not their id:
        # once it is replaced (logout, password change, deactivation) the cookie names nobody.
        from sqlalchemy import select

        user = db.session.execute(
            select(User).where(User.session_token == session_token)
        ).scalar_one_or_none()
        return user if user is not None and user.active else None


def register_blueprints(app: Flask) -> None:
    from physio.views import (
        admin,
        assessments,
        audit_log,
        auth,
        patient_links,
        patients,
        plans,
        public,
        questionnaire,
        retention,
    )

    for module in (
        auth,
        patients,
        assessments,
        plans,
        public,
        questionnaire,
        patient_links,
        admin,
        audit_log,
        retention,
    ):
        app.register_blueprint(module.bp)

    icon = (Path(app.static_folder or "static") / "img" / "favicon.ico").read_bytes()

    @app.route("/favicon.ico")
    def favicon():
        # Browsers ask for /favicon.ico on every site; answer it instead of a 404.
        return app.response_class(
            icon,
            mimetype="image/vnd.microsoft.icon",
            headers={"Cache-Control": "public, max-age=86400"},
        )


def register_request_hooks(app: Flask) -> None:
    from flask import session

    from physio.scoping import set_clinic_scope
    from physio.views.helpers import signed_in

    @app.before_request
    def _scope_to_clinic():
        # Every request of a logged-in user sees only that user's clinic.
        session.permanent = True  # idle timeout: PERMANENT_SESSION_LIFETIME, refreshed per request
        g.clinic_scope = None
        g.me = None
        if current_user.is_authenticated:
            set_clinic_scope(current_user.clinic_id)
            g.me = signed_in(current_user)


def register_errorhandlers(app: Flask) -> None:

    from physio.extensions import db
    from physio.views.public import is_patient_path, patient_error

    def render_error(error):
        code = getattr(error, "code", 500)
        if code == 500:
            db.session.rollback()
        if is_patient_path(request.path):  # a patient never lands on a staff page
            return patient_error(error, code)
        return render_template(f"errors/{code}.html", error=error), code

    for code in (400, 403, 404, 405, 409, 410, 413, 429, 500):
        app.register_error_handler(code, render_error)

    from flask_wtf.csrf import CSRFError

    # Saving a draft or a plan after the session ended (its security token went with it): not
    # a bare 400 but the way back, signed in again, to the page, where the typing kept in the
    # tab (session-keeper.js) is restored and saved.
    back_to = {
        "assessments.edit": "assessments.edit",
        "assessments.sign": "assessments.edit",
        "plans.plan": "plans.plan",
        "plans.export": "plans.plan",
    }

    def csrf_failed(error):
        endpoint = back_to.get(request.endpoint or "")
        args = request.view_args or {}
        if endpoint is None or "assessment_id" not in args:
            return render_error(error)
        back = url_for(endpoint, assessment_id=args["assessment_id"])
        still_in = current_user.is_authenticated
        target = back if still_in else url_for("auth.login", next=back)
        return render_template(
            "errors/session_ended.html", target=target, signed_in=still_in, error=error
        ), 400

    app.register_error_handler(CSRFError, csrf_failed)

    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    # Two requests changing the same record at once: the loser gets a clear 409, never a 500
    # (the unique (record, version) index, the optimistic lock_version, a deadlock or a busy
    # SQLite database).
    def conflict(error):
        db.session.rollback()
        if is_patient_path(request.path):
            return patient_error(error, 409)
        return render_template("errors/409.html", error=error), 409

    def operational(error):
        message = str(error.orig if getattr(error, "orig", None) else error).lower()
        if any(
            words in message
            for words in ("deadlock detected", "database is locked", "could not serialize")
        ):
            return conflict(error)
        db.session.rollback()
        if is_patient_path(request.path):
            return patient_error(error, 500)
        return render_template("errors/500.html", error=error), 500

    app.register_error_handler(StaleDataError, conflict)
    app.register_error_handler(IntegrityError, conflict)
    app.register_error_handler(OperationalError, operational)


def register_template_helpers(app: Flask) -> None:
    from physio.views.helpers import template_filters

    for name, fn in template_filters().items():
        app.add_template_filter(fn, name)

    @app.context_processor
    def _today_and_me():
        from datetime import date

        # `me`: who is logged in, as plain values read when the request began, so a page
        # rendered after the request's commit needs no reload of the user (None: nobody).
        return {"today": date.today(), "me": g.get("me")}


def register_commands(app: Flask) -> None:
    from physio.cli import commands

    for command in commands:
        app.cli.add_command(command)

    @app.shell_context_processor
    def _shell():
        from physio import models
        from physio.extensions import db

        return {"db": db, **{name: getattr(models, name) for name in models.__all__}}
