"""Archive patients (any clinician) and erase them after the retention period (admins)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from physio.extensions import db
from physio.models import Patient
from physio.scoping import get_or_404
from physio.services import retention
from physio.views.helpers import audit_here, require_admin

bp = Blueprint("retention", __name__)


@bp.before_request
@login_required
def _require_login():
    pass


@bp.route("/patients/<int:patient_id>/archive", methods=["POST"])
def archive(patient_id: int):
    """Archive a patient: hidden from search, nothing deleted."""
    patient = get_or_404(Patient, patient_id)
    if request.form.get("undo"):
        retention.unarchive(patient)
        audit_here("unarchive", patient)
        flash("Patient restored to the active list.", "success")
    else:
        retention.archive(patient)
        audit_here("archive", patient)
        flash(
            "Patient archived. Their records are kept; they no longer appear in searches.",
            "success",
        )
    db.session.commit()
    return redirect(url_for("patients.show", patient_id=patient.id))


@bp.route("/admin/retention")
def index():
    """Archived patients, with the date their retention period ends."""
    require_admin()
    years = current_app.config["RETENTION_YEARS"]
    archived = (
        db.session.execute(
            select(Patient).where(Patient.archived_at.is_not(None)).order_by(Patient.last_name_key)
        )
        .scalars()
        .all()
    )
    rows = [(p, retention.retention_ends(p, years), retention.erasable(p, years)) for p in archived]
    return render_template("admin/retention.html", rows=rows, years=years)


@bp.route("/admin/patients/<int:patient_id>/erase", methods=["POST"])
def erase(patient_id: int):
    """Erase an archived patient whose retention period has ended (typed confirmation)."""
    require_admin()
    patient = get_or_404(Patient, patient_id)
    years = current_app.config["RETENTION_YEARS"]
    if request.form.get("confirm", "").strip() != (patient.reference or patient.last_name):
        flash("Type the patient's reference (or last name) exactly to confirm erasure.", "error")
        return redirect(url_for("retention.index"))
    try:
        ends = retention.retention_ends(patient, years)
        counts = retention.erase(patient, years)
    except retention.NotYetErasable:
        flash(
            "Not erased: the retention period has not ended, or the patient is not archived.",
            "error",
        )
        return redirect(url_for("retention.index"))
    audit_here(
        "erase",
        object_type="patient",
        object_id=patient_id,
        retention_years=years,
        retention_ended=ends.isoformat(),
        deleted=counts,
    )
    db.session.commit()
    flash(
        "The patient's records were erased. The audit log keeps a record of the erasure.", "success"
    )
    return redirect(url_for("retention.index"))
