"""Archive patients (any clinician) and erase them after the retention period (admins)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from physio.models import Patient
from physio.scoping import get_or_404
from physio.services import retention
from physio.views.helpers import actor, require_admin

bp = Blueprint("retention", __name__)


@bp.before_request
@login_required
def _require_login():
    pass


@bp.route("/patients/<int:patient_id>/archive", methods=["POST"])
def archive(patient_id: int):
    """Archive a patient: hidden from search, nothing deleted. `undo` restores them."""
    patient = get_or_404(Patient, patient_id)
    archiving = not request.form.get("undo")
    retention.set_archived(patient, archiving, actor())
    if archiving:
        flash(
            "Patient archived. Their records are kept; they no longer appear in searches.",
            "success",
        )
    else:
        flash("Patient restored to the active list.", "success")
    return redirect(url_for("patients.show", patient_id=patient_id))


@bp.route("/admin/retention")
def index():
    """Archived patients, with the date their retention period ends."""
    require_admin()
    years = current_app.config["RETENTION_YEARS"]
    return render_template("admin/retention.html", rows=retention.archived(years), years=years)


@bp.route("/admin/patients/<int:patient_id>/erase", methods=["POST"])
def erase(patient_id: int):
    """Erase an archived patient whose retention period has ended (typed confirmation)."""
    require_admin()
    patient = get_or_404(Patient, patient_id)
    years = current_app.config["RETENTION_YEARS"]
    try:
        retention.erase_confirmed(patient, years, request.form.get("confirm", ""), actor())
    except retention.ConfirmationMismatch:
        flash("Type the patient's reference (or last name) exactly to confirm erasure.", "error")
    except retention.NotYetErasable:
        flash(
            "Not erased: the retention period has not ended, or the patient is not archived.",
            "error",
        )
    else:
        flash(
            "The patient's records were erased. The audit log keeps a record of the erasure.",
            "success",
        )
    return redirect(url_for("retention.index"))
