"""The physio's side of patient links: send questionnaires, see them sent / opened / completed,
revoke them, read a response; hand over a new link once (copy button, QR code, email).

A token is shown only on the page right after it was made (the database keeps its hash): the
new link travels to that page in the session and is removed when shown.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

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
from flask_login import current_user, login_required
from markupsafe import Markup

from physio.clinical import patient_questionnaire as pq
from physio.clock import local_date
from physio.extensions import db
from physio.mail import MailNotSent, mail_enabled, send_mail
from physio.models import Patient, Questionnaire
from physio.models.base import utcnow
from physio.scoping import get_or_404
from physio.services import patient_links as link_service
from physio.services import plan_log
from physio.services import questionnaires as questionnaire_service
from physio.views.helpers import audit_here

bp = Blueprint("patient_links", __name__)

_NEW_LINK = "new_patient_link"


@bp.before_request
@login_required
def _require_login():
    pass


# --- showing a new link once ------------------------------------------------------------------


def remember_new_link(new: link_service.NewLink) -> None:
    session[_NEW_LINK] = asdict(new)


def take_new_link() -> dict | None:
    """The link made by the last request, once (then it is gone from the session)."""
    new = session.pop(_NEW_LINK, None)
    if new:
        new["expires"] = datetime.fromisoformat(new["expires_at"])
    return new


@bp.app_template_filter("qr_svg")
def qr_svg(url: str) -> Markup:
    """A QR code of `url` as inline SVG (segno), dark on white, sized by CSS."""
    import segno

    code = segno.make(url, error="m")
    return Markup(
        code.svg_inline(
            scale=4,
            border=2,
            omitsize=True,
            svgclass="qr",
            title="QR code of the link: scan it with the patient's phone camera",
        )
    )


def mail_text(template: str, **context) -> str:
    return render_template(f"mail/{template}.txt", **context).strip() + "\n"


def email_link(patient: Patient, subject: str, body: str) -> tuple[str | None, str | None]:
    """(address it went to, or None; why not, or None)."""
    if not mail_enabled():
        return None, "email is not configured"
    if not patient.email:
        return None, "the patient has no email address"
    try:
        send_mail(patient.email, subject, body)
    except MailNotSent as problem:
        return None, str(problem)
    return patient.email, None


# --- the patient page's part ------------------------------------------------------------------


def patient_page_context(patient: Patient) -> dict:
    """What the patient page shows of links, questionnaires and the home log, as plain data:
    it is built before the page's audit commit and rendered after it."""
    now = utcnow()
    questionnaires = questionnaire_service.questionnaires_of(patient.id)
    plan_links = link_service.plan_link_rows(patient.id, now)
    return {
        "questionnaires": link_service.questionnaire_rows(questionnaires, now),
        "plan_links": plan_links,
        "sendable": questionnaire_service.sendable_instruments(current_user.clinic),
        "instrument_names": pq.INSTRUMENT_NAMES,
        "default_instruments": pq.DEFAULT_INSTRUMENTS,
        "licensed_off": _licensed_off(),
        "mail_enabled": mail_enabled(),
        "new_link": take_new_link(),
        # No plan link, no log: the summaries' queries are only needed once a link was made.
        "log_summaries": plan_log.summaries_for_patient(patient.id, local_date(now))
        if plan_links
        else [],
        "questionnaire_days": current_app.config["QUESTIONNAIRE_LINK_DAYS"],
    }


def _licensed_off() -> list[str]:
    """Why a licensed questionnaire is not offered (for admins to act on)."""
    clinic = current_user.clinic
    notes = []
    if not clinic.sbst_enabled:
        notes.append(
            "STarT Back is off (an admin switches it on once the clinic has Keele's permission)."
        )
    if not clinic.odi_enabled:
        notes.append("The ODI is off (an admin switches it on for a licensed clinic).")
    elif not pq.valid_odi_statements(clinic.odi_statements):
        notes.append("The ODI is on, but its licensed wording is not loaded yet (Admin → Clinic).")
    return notes


# --- questionnaires -----------------------------------------------------------------------------


def _patient_questionnaire(patient_id: int, questionnaire_id: int) -> tuple[Patient, Questionnaire]:
    patient = get_or_404(Patient, patient_id)
    q = get_or_404(Questionnaire, questionnaire_id)
    if q.patient_id != patient.id:
        abort(404)
    return patient, q


@bp.route("/patients/<int:patient_id>/questionnaires", methods=["POST"])
def send(patient_id: int):
    """Make a questionnaire link for the patient (field `instruments`, several values)."""
    patient = get_or_404(Patient, patient_id)
    days = current_app.config["QUESTIONNAIRE_LINK_DAYS"]
    try:
        q, token = questionnaire_service.create(
            patient, request.form.getlist("instruments"), current_user, days
        )
    except questionnaire_service.NotSendable as refused:
        flash(f"Not sent: {refused}", "error")
        return redirect(url_for("patients.show", patient_id=patient.id, _anchor="patient-links"))
    audit_here("questionnaire_create", q, patient_id=patient.id, instruments=q.instruments)
    db.session.commit()
    url = url_for("patient_questionnaire.questionnaire", token=token, _external=True)
    emailed_to, problem = None, None
    if request.form.get("email"):
        emailed_to, problem = email_link(
            patient,
            f"Questions before your visit to {current_user.clinic.name}",
            mail_text(
                "questionnaire",
                patient=patient,
                clinic=current_user.clinic,
                url=url,
                expires=local_date(q.expires_at),
            ),
        )
        if emailed_to:
            q.emailed_at = utcnow()
            audit_here("questionnaire_email", q, patient_id=patient.id)
            db.session.commit()
    remember_new_link(
        link_service.NewLink("questionnaire", url, q.expires_at.isoformat(), emailed_to, problem)
    )
    return redirect(url_for("patients.show", patient_id=patient.id, _anchor="new-link"))


@bp.route(
    "/patients/<int:patient_id>/questionnaires/<int:questionnaire_id>/revoke",
    methods=["GET", "POST"],
)
def revoke(patient_id: int, questionnaire_id: int):
    """Stop a questionnaire link at once (answers already sent stay). GET: the confirm page
    whose form posts here (no script needed)."""
    patient, q = _patient_questionnaire(patient_id, questionnaire_id)
    if request.method == "GET":
        return render_template(
            "patients/confirm_revoke.html",
            what="questionnaire link",
            patient_name=patient.full_name,
            made_at=q.created_at,
            state=link_service.link_state(q),
            action=url_for(".revoke", patient_id=patient.id, questionnaire_id=q.id),
            back=None,
            cancel=url_for("patients.show", patient_id=patient.id, _anchor="patient-links"),
        )
    if link_service.revoke(q, current_user):
        audit_here("questionnaire_revoke", q, patient_id=patient.id)
        db.session.commit()
        flash("Questionnaire link revoked: it no longer works.", "success")
    return redirect(url_for("patients.show", patient_id=patient.id, _anchor="patient-links"))


@bp.route("/patients/<int:patient_id>/questionnaires/<int:questionnaire_id>")
def response(patient_id: int, questionnaire_id: int):
    """The patient's answers, read-only, as they sent them."""
    patient, q = _patient_questionnaire(patient_id, questionnaire_id)
    page = render_template(
        "patients/questionnaire.html",
        patient=patient,
        q=q,
        state=link_service.link_state(q),
        summary=questionnaire_service.answer_summary(q),
        instrument_names=pq.INSTRUMENT_NAMES,
    )
    audit_here("view", q, patient_id=patient.id)
    db.session.commit()
    return page
