"""Log in and out. Failed logins are throttled (physio/throttle.py)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from physio.extensions import db, limiter
from physio.forms.auth import LoginForm, PasswordChangeForm
from physio.security import normalise_identity, verify_password
from physio.services import audit
from physio.services import users as user_service
from physio.throttle import LoginThrottle
from physio.views.helpers import audit_here, per_user_key, safe_next

bp = Blueprint("auth", __name__)


def _password_limit() -> str:
    # Checking the current password is a guess like a login's: as many as LOGIN_RATE_LIMIT.
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; check the password; start a session. Failed attempts are counted
    per account and address, per address, and per account (physio/throttle.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("patients.index"))
    form = LoginForm()
    if request.method == "POST":
        identity = normalise_identity(request.form.get("email", ""))[:254]
        address = request.remote_addr or ""
        throttle = LoginThrottle(identity, address)
        admission = throttle.admit(lambda: user_service.users_logged_in_from(identity, address))
        if admission.refused:
            abort(429)
        if form.validate_on_submit():
            accounts = user_service.find_logins(identity)
            untried = []
            if admission.only is not None:
                # The account's budget is spent: only the users who logged in from this
                # address before are tried (not a look-alike's namesake in another clinic).
                untried = [u for u in accounts if u.id not in admission.only]
                accounts = [u for u in accounts if u.id in admission.only]
            matching = [u for u in accounts if verify_password(u.password_hash, form.password.data)]
            if not accounts:
                verify_password(None, form.password.data)  # as long as for a real account
            usable = [u for u in matching if u.active]
            if len(usable) > 1:
                # The same email and password at two clinics (a locum): which one, this time?
                chosen = [u for u in usable if str(u.clinic_id) == request.form.get("clinic")]
                if not chosen:
                    choices = [(u.clinic_id, u.clinic.name) for u in usable]
                    return render_template("auth/login.html", form=form, clinics=choices)
                usable = chosen
            if usable:
                user = usable[0]
                session.clear()  # no session fixation: a fresh session for the new identity
                login_user(user)
                audit_here("login")
                db.session.commit()
                return redirect(safe_next(request.args.get("next"), url_for("patients.index")))
            user = matching[0] if matching else (accounts[0] if len(accounts) == 1 else None)
            audit.record(
                "login_failed",
                user_id=user.id if user else None,
                clinic_id=user.clinic_id if user else None,
                ip=address,
                email=identity,
                reason="inactive" if user and not user.active else "bad credentials",
            )
            db.session.commit()
            if untried:
                throttle.failed()
                abort(429)  # as from a new address: the other accounts were not tried
            form.password.errors.append("Email or password is not right.")
        throttle.failed()
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session."""
    audit_here("logout")
    current_user.end_sessions()  # a copy of this session's cookie stops working too
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_password_limit, methods=["POST"], key_func=per_user_key)
def change_password():
    """Change one's own password (the current one is asked for). Every other session of the
    user ends; this one goes on with the new session token."""
    form = PasswordChangeForm()
    form.policy_email, form.policy_name = current_user.email, current_user.name
    form.policy_clinic = current_user.clinic.name
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("This is not your current password.")
        else:
            user = current_user._get_current_object()
            user_service.set_password(user, form.new_password.data)
            audit_here("password_change", user)
            db.session.commit()
            login_user(user)  # this session names the new token
            flash("Password changed. Other sessions of yours have been logged out.", "success")
            return redirect(url_for("patients.index"))
    return render_template("auth/password.html", form=form), (422 if form.errors else 200)
