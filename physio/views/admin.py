"""Clinic administration: users and licensed instruments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from physio.clinical.patient_questionnaire import parse_odi_statements
from physio.extensions import db
from physio.forms.admin import ClinicSettingsForm, UserForm
from physio.forms.auth import PasswordResetForm
from physio.models import User
from physio.services import users as user_service
from physio.views.helpers import audit_here, require_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _require_admin():
    require_admin()


def _clinic_user_or_404(user_id: int) -> User:
    user = db.session.execute(
        select(User).where(User.id == user_id, User.clinic_id == current_user.clinic_id)
    ).scalar_one_or_none()
    if user is None:
        abort(404)
    return user


@bp.route("/users", methods=["GET", "POST"])
def users():
    """List the clinic's users and create new ones."""
    form = UserForm()
    form.policy_clinic = current_user.clinic.name
    if form.validate_on_submit():
        try:
            user = user_service.create_user(
                clinic=current_user.clinic,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                role=form.role.data,
                registration=form.registration.data,
                within_clinic=True,  # another clinic's accounts are none of this one's business
            )
        except user_service.DuplicateEmail:
            form.email.errors.append("A user with this email already exists.")
        else:
            audit_here("user_create", user, email=user.email, role=user.role.value)
            db.session.commit()
            flash(f"{user.name} can now log in.", "success")
            return redirect(url_for("admin.users"))
    members = db.session.execute(
        select(User).where(User.clinic_id == current_user.clinic_id).order_by(User.name)
    ).scalars()
    return render_template("admin/users.html", form=form, users=members), (
        422 if form.errors else 200
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    """Deactivate a user: they can no longer log in; their records stay attributed to them."""
    user = _clinic_user_or_404(user_id)
    if user.id == current_user.id:
        flash("You can't deactivate your own account.", "error")
    elif user.active:
        user_service.deactivate(user)  # their open sessions end with it
        audit_here("user_deactivate", user)
        db.session.commit()
        flash(f"{user.name} is deactivated.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int):
    """Set a new password for a user of the clinic (forgotten or leaked): their sessions end."""
    user = _clinic_user_or_404(user_id)
    form = PasswordResetForm()
    form.policy_email, form.policy_name = user.email, user.name
    form.policy_clinic = current_user.clinic.name
    if user.id == current_user.id:
        # One's own password changes only with the current one (a borrowed session can't).
        flash("Change your own password under Password, with your current one.", "error")
    elif form.validate_on_submit():
        user_service.set_password(user, form.new_password.data)
        audit_here("password_reset", user)
        db.session.commit()
        flash(f"New password set for {user.name}; their sessions have ended.", "success")
    else:
        flash(" ".join(form.new_password.errors) or "Enter a new password.", "error")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
def activate(user_id: int):
    user = _clinic_user_or_404(user_id)
    if not user.active:
        user.active = True
        audit_here("user_activate", user)
        db.session.commit()
        flash(f"{user.name} can log in again.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/clinic", methods=["GET", "POST"])
def clinic():
    """Clinic details and which licensed questionnaires the clinic uses."""
    clinic = current_user.clinic
    form = ClinicSettingsForm(obj=clinic)
    if request.method == "GET" and clinic.odi_statements:
        form.odi_wording.data = "\n\n".join("\n".join(s) for s in clinic.odi_statements)
    valid = form.validate_on_submit()
    if valid and user_service.clinic_named(form.name.data, other_than=clinic.id):
        # Names are how operators and staff tell clinics apart: one per name, ignoring case.
        form.name.errors = [
            "Another clinic already uses this name (names are compared ignoring capitals, "
            "spacing and look-alike letters): "
            "choose a different one."
        ]
        valid = False
    if valid:
        changes = {
            f: (getattr(clinic, f), getattr(form, f).data)
            for f in ("name", "phone", "country", "odi_enabled", "sbst_enabled")
            if getattr(clinic, f) != getattr(form, f).data
        }
        statements = (
            parse_odi_statements(form.odi_wording.data)[0] if form.odi_wording.data else None
        )
        if statements != clinic.odi_statements:
            changes["odi_wording"] = (
                "loaded" if clinic.odi_statements else "none",
                "loaded" if statements else "none",
            )
        for name in ("name", "phone", "country", "odi_enabled", "sbst_enabled"):
            setattr(clinic, name, getattr(form, name).data)
        clinic.odi_statements = statements
        if changes:
            audit_here(
                "clinic_update", clinic, changes={k: list(map(str, v)) for k, v in changes.items()}
            )
        db.session.commit()
        flash("Clinic settings saved.", "success")
        return redirect(url_for("admin.clinic"))
    return render_template("admin/clinic.html", form=form), (422 if form.errors else 200)
