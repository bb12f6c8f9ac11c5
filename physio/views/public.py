"""The patient's plan behind their link, no login: a phone page of the exported plan version with
moving exercise figures and a home log, and the same version's PDF.

/p/<token> — the page; /p/<token>/plan.pdf — the PDF; POST /p/<token>/log — the log.
Expired or revoked links get a clear page (410), unknown ones 404. Every patient-facing response
carries `noindex`, no referrer and `no-store` (see `patient_headers`).
"""

from __future__ import annotations

import functools

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from physio.charts import PATIENT_PANELS, progress_chart_svg
from physio.clock import local_date
from physio.extensions import db, limiter
from physio.models.base import utcnow
from physio.pdf.plan_sheet import plan_context
from physio.plan import TreatmentPlan
from physio.plan.animation import animated_illustration_svg
from physio.plan.library import INTERVENTIONS
from physio.scoping import set_clinic_scope
from physio.services import assessments as assessment_service
from physio.services import audit, plan_log
from physio.services import patient_links as link_service
from physio.services import plans as plan_service

bp = Blueprint("public", __name__)


def patient_headers(response: Response) -> Response:
    """Patient pages: never indexed, never cached, no referrer to any other site (the token is
    in the URL). The app's Content-Security-Policy applies as everywhere."""
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Pragma"] = "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


bp.after_request(patient_headers)


@bp.errorhandler(CSRFError)
def _stale_form(error):
    return render_template("public/stale_form.html"), 400


#: Paths a patient opens from their link (the plan, its PDF and log; the questionnaire).
PATIENT_PREFIXES = ("/p/", "/q/")


def is_patient_path(path: str) -> bool:
    return path.startswith(PATIENT_PREFIXES)


def patient_error(error, code: int) -> Response:
    """The app's error handlers answer a patient path with this: the patient's layout and words
    (a stale form, too many tries, too large, no such page), never the staff error pages. Also
    for errors raised before any route matched (a 404, or a CSRF failure on an unknown path),
    so the blueprints' own hooks did not run: the patient headers are set here."""
    if isinstance(error, CSRFError):
        page = render_template("public/stale_form.html")
    elif code == 404:
        page = render_template("public/link_invalid.html")
    else:
        page = render_template("public/error.html", code=code)
    return patient_headers(Response(page, status=code, mimetype="text/html"))


def _link_or_page(token: str):
    """(link, None) for a live link, else (None, the clear page to answer with)."""
    try:
        link = link_service.resolve_plan_link(token)
    except link_service.LinkExpired as expired:
        clinic = link_service.clinic_contact(expired.clinic_id)
        return None, (render_template("public/link_expired.html", clinic=clinic), 410)
    except link_service.LinkRevoked as revoked:
        clinic = link_service.clinic_contact(revoked.clinic_id)
        return None, (render_template("public/link_revoked.html", clinic=clinic), 410)
    except link_service.LinkUnknown:
        return None, (render_template("public/link_invalid.html"), 404)
    # The token, not whoever may be logged in on this browser, decides what is visible.
    set_clinic_scope(link.clinic_id)
    if newer := assessment_service.superseded_id(link.assessment_id):
        # The physio amended and re-signed the record: this plan is no longer the one to
        # follow, so it is not shown (the physio shares the new one).
        return None, (render_template("public/link_superseded.html", s=newer), 410)
    return link, None


def _audit(action: str, link, **detail) -> None:
    audit.record(
        action,
        user_id=None,
        clinic_id=link.clinic_id,
        ip=request.remote_addr,
        object_type="assessment",
        object_id=link.assessment_id,
        link_id=link.id,
        **detail,
    )


@functools.lru_cache(maxsize=256)
def _moving_figure(code: str, side: str | None) -> Markup | None:
    try:
        return Markup(animated_illustration_svg(code, side))
    except (KeyError, ValueError):
        return None


def _with_moving_figures(context: dict, plan) -> None:
    """Each exercise (and running item) with a drawing gets its moving version too."""
    for view in [*context["exercises"], *context["running"]]:
        entry = INTERVENTIONS.get(view["code"])
        item = plan.item(view["code"])
        if entry and entry.illustration and view.get("svg"):
            if view["code"] == "cat_cow" and plan.facts.extension_sensitive:
                continue  # the still "back to level" drawing; the moving one sags
            view["moving"] = _moving_figure(entry.illustration, item.side if item else None)


@bp.route("/p/<token>")
@limiter.limit("30 per minute")
def patient_plan(token: str):
    """The patient's exported plan as a phone page, with the home log."""
    link, refused = _link_or_page(token)
    if refused:
        return refused
    row = plan_service.latest_export(link.assessment_id)
    if row is None:  # links are only made after an export
        return render_template("public/link_invalid.html"), 404
    document = plan_service.export_document(row)
    context = plan_context(document)
    _with_moving_figures(context, document.plan)
    if context["progress_chart"]:  # one panel a row: the PDF's two columns are tiny on a phone
        context["progress_chart"] = Markup(
            progress_chart_svg(document.series, PATIENT_PANELS, columns=1)
        )
    today = local_date(utcnow())
    days = plan_log.loggable_days(row, today)
    log_state = plan_log.day_state(row.id, days)
    page = render_template(
        "public/plan.html",
        token=token,
        version=row.version,
        log_items=[] if document.plan.emergency else plan_log.loggable_items(document.plan),
        log_days=days,
        log_state=log_state,
        morning_day=plan_log.morning_pending(days, log_state, today),
        today=today,
        **context,
    )
    if link.opened_at is None:
        link.opened_at = utcnow()
    _audit("patient_view", link, version=row.version)
    db.session.commit()
    return page


@bp.route("/p/<token>/plan.pdf")
@limiter.limit("20 per minute")
def patient_plan_pdf(token: str):
    """The same version's PDF, as stored when it was exported."""
    link, refused = _link_or_page(token)
    if refused:
        return refused
    row = plan_service.latest_export(link.assessment_id, with_pdf=True)
    if row is None:
        return render_template("public/link_invalid.html"), 404
    if link.opened_at is None:
        link.opened_at = utcnow()
    try:
        pdf = plan_service.stored_bytes(row)
    except plan_service.StoredPdfChanged:
        db.session.rollback()
        return render_template("public/pdf_unavailable.html"), 500
    _audit("patient_download", link, version=row.version)
    db.session.commit()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="your-plan.pdf"'
    return response


@bp.route("/p/<token>/log", methods=["POST"])
@limiter.limit("20 per minute")
def patient_log(token: str):
    """Ticks for one day and pain around a run, for this plan version (no free text)."""
    link, refused = _link_or_page(token)
    if refused:
        return refused
    row = plan_service.latest_export(link.assessment_id)
    if row is None:
        return render_template("public/link_invalid.html"), 404
    plan = TreatmentPlan.from_dict(row.plan)
    if plan.emergency:
        return render_template("public/log_refused.html", message="This plan has no log."), 409
    try:
        entry = plan_log.read_log_form(request.form, plan, row, local_date(utcnow()))
    except plan_log.LogRefused as refused_log:
        return render_template(
            "public/log_refused.html", message=str(refused_log), token=token
        ), 422
    plan_log.save_day(link, row, entry)
    _audit(
        "patient_log",
        link,
        version=row.version,
        day=entry["day"].isoformat(),
        done=entry["done"],
        pain_during=entry["pain_during"],
        pain_next_morning=entry["pain_next_morning"],
    )
    db.session.commit()
    flash(f"Saved for {entry['day']:%A %-d %B}.", "log")
    return redirect(url_for("public.patient_plan", token=token, _anchor="log"))
