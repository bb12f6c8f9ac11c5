"""The one page outside the login: a patient's plan behind a signed, expiring link."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from physio.extensions import db, limiter
from physio.scoping import set_clinic_scope
from physio.services import audit
from physio.services import plans as plan_service

bp = Blueprint("public", __name__)


@bp.route("/p/<token>")
@limiter.limit("30 per minute")
def patient_plan(token: str):
    """The patient's latest exported plan PDF. Expired → 410; unknown or revoked → 404."""
    config = current_app.config
    try:
        link = plan_service.resolve_link(
            token, config["SECRET_KEY"], config["PATIENT_LINK_MAX_AGE_DAYS"]
        )
    except plan_service.LinkExpired:
        return render_template("public/link_expired.html"), 410
    except plan_service.LinkInvalid:
        return render_template("public/link_invalid.html"), 404
    # The token, not whoever may be logged in on this browser, decides what is visible.
    set_clinic_scope(link.clinic_id)
    row = plan_service.latest_export(link.assessment_id, with_pdf=True)
    if row is None:  # pragma: no cover - links are only made after an export
        return render_template("public/link_invalid.html"), 404
    audit.record(
        "patient_download",
        user_id=None,
        clinic_id=link.clinic_id,
        ip=request.remote_addr,
        object_type="assessment",
        object_id=link.assessment_id,
        link_id=link.id,
        version=row.version,
    )
    db.session.commit()
    response = Response(row.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="your-plan.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
