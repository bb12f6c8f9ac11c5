"""Log in and out. Failed logins are throttled per address and per account (Flask-Limiter)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from physio.extensions import db, limiter
from physio.forms.auth import LoginForm
from physio.models import User
from physio.security import verify_password
from physio.services import audit
from physio.views.helpers import audit_here, safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    # Only failed attempts count against the limit; a successful login redirects (302).
    return response.status_code != 302


def _email_key() -> str:
    return "login-email:" + request.form.get("email", "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_email_key)
def login():
    """Show the login form; check the password; start a session."""
    if current_user.is_authenticated:
        return redirect(url_for("patients.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.lower()
        user = db.session.execute(
            select(User).where(func.lower(User.email) == email)
        ).scalar_one_or_none()
        if verify_password(user.password_hash if user else None, form.password.data) and (
            user.active
        ):
            session.clear()  # no session fixation: a fresh session for the new identity
            login_user(user)
            audit_here("login")
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("patients.index")))
        audit.record(
            "login_failed",
            user_id=user.id if user else None,
            clinic_id=user.clinic_id if user else None,
            ip=request.remote_addr,
            email=email,
            reason="inactive" if user and not user.active else "bad credentials",
        )
        db.session.commit()
        form.password.errors.append("Email or password is not right.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session."""
    audit_here("logout")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("auth.login"))
