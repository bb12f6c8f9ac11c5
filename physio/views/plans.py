"""The treatment plan: review and edit, export immutable PDFs, share with the patient."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from physio.clock import local_date
from physio.extensions import db
from physio.forms.plan import edits_from_form, keep_within_cap, plan_form
from physio.mail import mail_enabled
from physio.models import Assessment
from physio.models.base import utcnow
from physio.pdf.formats import FORMATS
from physio.plan.library import INTERVENTIONS
from physio.scoping import get_or_404
from physio.services import assessments as assessment_service
from physio.services import audit
from physio.services import patient_links as link_service
from physio.services import plans as plan_service
from physio.views.helpers import actor, audit_here
from physio.views.patient_links import email_link, mail_text, remember_new_link, take_new_link

bp = Blueprint("plans", __name__)

# Which dose boxes an item shows: an exercise's sets, reps and hold; a running, load or
# cross-training item is dosed in days a week only (no sets for a step rate or a swim).
DOSE_FIELDS_BY_KIND = {
    "exercise": ("sets", "reps", "hold_s", "days_per_week"),
    "running": ("days_per_week",),
    "load": ("days_per_week",),
    "cross_training": ("days_per_week",),
}


@bp.before_request
@login_required
def _require_login():
    pass


def _move(edits_form, move: str) -> None:
    """Apply a "move up/down" button (works without JavaScript) to the posted item order."""
    index, _, direction = move.partition(":")
    try:
        i = int(index)
    except ValueError:
        return
    j = i - 1 if direction == "up" else i + 1
    entries = edits_form.items.entries
    if 0 <= i < len(entries) and 0 <= j < len(entries):
        entries[i], entries[j] = entries[j], entries[i]


def _cap_box(plan, derived_plan) -> dict:
    """What the cap box offers: the exercises the cap left out and those added from the
    library unticked at the cap; and the one-tap swap's default: the lowest-priority exercise
    the rules chose (last in the rules' order), never one the physio added."""
    included = [i for i in plan.items if i.kind == "exercise" and i.included]
    offers = list(plan.left_out_items) + [
        i for i in plan.items if i.kind == "exercise" and not i.included and i.added_by_physio
    ]
    rules_order = {item.code: n for n, item in enumerate(derived_plan.items)}
    chosen = [i for i in included if not i.added_by_physio and i.code in rules_order]
    default = max(chosen, key=lambda i: rules_order[i.code]) if chosen else None
    others = [i for i in included if default is None or i.code != default.code]
    return {"offers": offers, "swap_out": default, "others": others}


def _render(a: Assessment, state, form, errors=(), status=200):
    return render_template(
        "plans/plan.html",
        a=a,
        cap=_cap_box(state.plan, state.derived_plan),
        plan=state.plan,
        derived_plan=state.derived_plan,
        written_plan=state.written_plan,
        form=form,
        errors=list(errors) or state.edit_errors,
        library=INTERVENTIONS,
        dose_fields=DOSE_FIELDS_BY_KIND,
        exports=[(plan_service.export_label(e), e) for e in plan_service.exports_of(a.id)],
        letter_name="ED letter" if state.plan.tier == "E" else "GP letter",
        links=link_service.plan_links_of_assessment(a.id),
        new_link=take_new_link(),
        mail_enabled=mail_enabled(),
        export_problems=plan_service.export_problems(a, state.plan),
        checks=plan_service.plan_checks(state.plan),
        now=utcnow(),
    ), status


def _form_errors(form) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        if name == "items":
            messages.append("Some values are not numbers: see the marked rows.")
        else:
            messages += [f"{form[name].label.text}: {e}" for e in errors]
    return list(dict.fromkeys(messages))


def _save_posted_plan(a: Assessment, state):
    """Apply the posted plan form. Returns None when saved, else the page with the errors."""
    form = plan_form(state.plan, formdata=request.form)
    if not form.validate():
        return _render(a, state, form, _form_errors(form), 422)
    if request.form.get("move"):
        _move(form, request.form["move"])
    _, capped = keep_within_cap(form, state.plan)
    edits, notes = edits_from_form(form, state.derived_plan, request.form.get("swap"))
    notes = capped + notes
    _, errors = plan_service.save_edits(a, edits, current_user)
    if errors:
        db.session.rollback()
        return _render(a, state, form, errors, 422)
    audit_here("plan_update", a, edits=edits)
    for note in notes:
        flash(note, "info")
    return None


def _save_in_place(a: Assessment, state):
    """The page's script saves as the physio edits (no reload): JSON answer."""
    form = plan_form(state.plan, formdata=request.form)
    if not form.validate():
        return jsonify(ok=False, errors=_form_errors(form)), 422
    unticked, notes = keep_within_cap(form, state.plan)
    edits, _ = edits_from_form(form, state.derived_plan)
    _, errors = plan_service.save_edits(a, edits, current_user)
    if errors:
        db.session.rollback()
        return jsonify(ok=False, errors=errors), 422
    audit_here("plan_update", a, edits=edits, via="autosave")
    db.session.commit()
    if unticked:  # saved, with these left unticked: the page unticks them and says why
        return jsonify(ok=True, unticked=unticked, notes=notes)
    return jsonify(ok=True)


@bp.route("/assessments/<int:assessment_id>/plan", methods=["GET", "POST"])
def plan(assessment_id: int):
    """The derived plan; the physio includes/excludes, re-doses, reorders, adds and notes."""
    a = get_or_404(Assessment, assessment_id)
    state = plan_service.plan_for(a)
    if request.method == "GET":
        page = _render(a, state, plan_form(state.plan))
        audit.record_read(actor(), a, "plan")
        return page
    if request.headers.get("X-Requested-With") == "fetch":
        return _save_in_place(a, state)
    refused = _save_posted_plan(a, state)
    if refused is not None:
        return refused
    db.session.commit()
    flash("Plan saved.", "success")
    return redirect(url_for("plans.plan", assessment_id=a.id))


@bp.route("/assessments/<int:assessment_id>/plan/export", methods=["POST"])
def export(assessment_id: int):
    """Render and store a new immutable PDF version; then show it. `kind=referral` (E/U
    tiers) exports the referral sheet and the letter for the doctor together."""
    a = get_or_404(Assessment, assessment_id)
    assessment_service.lock_record(a)  # exports of one record are numbered one at a time
    if newer := assessment_service.superseded(a):
        return render_template("plans/superseded.html", s=newer, action="exported"), 409
    requested = request.form.get("kind") or "plan"
    if requested != "referral" and requested not in FORMATS:
        abort(400)
    kinds = ["plan", "letter"] if requested == "referral" else [requested]
    if "items-0-code" in request.form:  # exported from the plan form: save its edits first
        refused = _save_posted_plan(a, plan_service.plan_for(a))
        if refused is not None:
            return refused
        db.session.flush()
    rows = []
    try:
        for kind in kinds:
            rows.append(plan_service.export(a, current_user, kind))
    except plan_service.ExportRefused as refused:
        db.session.rollback()
        flash(f"Not exported: {refused}", "error")
        return redirect(url_for("plans.plan", assessment_id=a.id))
    for row in rows:
        audit_here(
            "export",
            a,
            kind=row.kind,
            version=row.version,
            sha256=row.sha256,
            plan_sha256=plan_service.plan_digest(row.plan),
        )
    db.session.commit()
    if requested == "referral":
        flash(
            "Referral sheet and letter exported: print both, or open them below.",
            "success",
        )
        return redirect(url_for("plans.plan", assessment_id=a.id, _anchor="exports"))
    return redirect(url_for(f"plans.{FORMATS[requested].endpoint}", assessment_id=a.id))


def download(assessment_id: int, kind: str):
    """The latest exported version of ``kind``, served as stored (no re-rendering)."""
    output = FORMATS[kind]
    # Stored bytes only: no assessment row to load (the export row is clinic-scoped itself).
    row = plan_service.latest_export(assessment_id, kind=kind, with_pdf=True)
    if row is None:
        get_or_404(Assessment, assessment_id)  # another clinic's or missing: 404
        if kind == "plan":
            flash("No PDF yet: export the plan first.", "info")
        return redirect(url_for("plans.plan", assessment_id=assessment_id))
    audit_here(
        "download",
        object_type="assessment",
        object_id=assessment_id,
        kind=kind,
        version=row.version,
    )
    db.session.commit()
    try:
        pdf = plan_service.stored_bytes(row)
    except plan_service.StoredPdfChanged:
        return render_template("errors/pdf_changed.html"), 500
    response = Response(pdf, mimetype=output.mimetype)
    filename = output.file_name(assessment_id, row.version)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = row.sha256
    return response


@bp.record
def _download_urls(state) -> None:
    """One download URL per registered output format, added when the blueprint is registered:
    /assessments/<id>/plan.pdf (endpoint plans.plan_pdf), /assessments/<id>/letter.pdf
    (plans.letter_pdf), …"""
    for output in FORMATS.values():
        state.add_url_rule(
            f"/assessments/<int:assessment_id>/{output.kind}.{output.extension}",
            endpoint=output.endpoint,
            view_func=download,
            defaults={"kind": output.kind},
        )


@bp.route("/assessments/<int:assessment_id>/share", methods=["POST"])
def share(assessment_id: int):
    """Make a patient link to the latest exported plan (/p/<token>: the phone page, the PDF and
    the home log); shown once with a copy button and a QR code, emailed if asked (`email`)."""
    a = get_or_404(Assessment, assessment_id)
    assessment_service.lock_record(a)
    if newer := assessment_service.superseded(a):
        return render_template("plans/superseded.html", s=newer, action="shared"), 409
    if plan_service.latest_export(a.id) is None:
        # Nothing to download yet: export the current plan first (same rules as Export).
        try:
            row = plan_service.export(a, current_user)
        except plan_service.ExportRefused as refused:
            flash(f"Not shared: {refused}", "error")
            return redirect(url_for("plans.plan", assessment_id=a.id))
        audit_here(
            "export",
            a,
            kind="plan",
            version=row.version,
            sha256=row.sha256,
            plan_sha256=plan_service.plan_digest(row.plan),
            via="share",
        )
    days = current_app.config["PATIENT_LINK_MAX_AGE_DAYS"]
    link, token = link_service.create_plan_link(a, current_user, days)
    audit_here("share", a, link_id=link.id, expires_at=link.expires_at.isoformat())
    db.session.commit()
    url = url_for("public.patient_plan", token=token, _external=True)
    emailed_to, problem = None, None
    if request.form.get("email"):
        patient = a.patient
        emailed_to, problem = email_link(
            patient,
            f"Your treatment plan from {current_user.clinic.name}",
            mail_text(
                "plan_link",
                patient=patient,
                clinic=current_user.clinic,
                url=url,
                expires=local_date(link.expires_at),
            ),
        )
        if emailed_to:
            link.emailed_at = utcnow()
            audit_here("share_email", a, link_id=link.id)
            db.session.commit()
    remember_new_link(
        link_service.NewLink("plan", url, link.expires_at.isoformat(), emailed_to, problem)
    )
    return redirect(url_for("plans.plan", assessment_id=assessment_id, _anchor="new-link"))


@bp.route("/assessments/<int:assessment_id>/links/<int:link_id>/revoke", methods=["GET", "POST"])
def revoke(assessment_id: int, link_id: int):
    """Revoke a patient link at once (from the plan page, or the patient page: `back`).
    GET: the confirm page whose form posts here (no script needed)."""
    a = get_or_404(Assessment, assessment_id)
    if request.method == "GET":
        return _confirm_revoke(a, link_id)
    try:
        revoked = link_service.revoke_plan_link(a, link_id, current_user, actor())
    except link_service.LinkInvalid:  # another assessment's link (or none): as if missing
        abort(404)
    if revoked:
        flash("Link revoked: it no longer works.", "success")
    if request.form.get("back") == "patient":
        return redirect(url_for("patients.show", patient_id=a.patient_id, _anchor="patient-links"))
    return redirect(url_for("plans.plan", assessment_id=a.id))


def _confirm_revoke(a: Assessment, link_id: int):
    try:
        link = link_service.plan_link_of(a, link_id)
    except link_service.LinkInvalid:
        abort(404)
    back = "patient" if request.args.get("back") == "patient" else None
    cancel = (
        url_for("patients.show", patient_id=a.patient_id, _anchor="patient-links")
        if back
        else url_for("plans.plan", assessment_id=a.id)
    )
    return render_template(
        "patients/confirm_revoke.html",
        what="plan link",
        patient_name=None,
        made_at=link.created_at,
        state=link_service.link_state(link),
        action=url_for(".revoke", assessment_id=a.id, link_id=link.id),
        back=back,
        cancel=cancel,
    )
