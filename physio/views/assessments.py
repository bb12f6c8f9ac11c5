"""Assessments: create, fill (with autosave), sign, view, amend."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from physio.clinical import review as review_rules
from physio.clinical.body_chart import describe as describe_chart
from physio.clinical.body_chart import marks_from
from physio.clinical.red_flags import client_rules
from physio.clinical.schema import KINDS, NORMAL_FINDINGS, SECTIONS, SECTIONS_BY_NAME, all_fields
from physio.clinical.scoring import rmdq_score
from physio.clock import local_date
from physio.extensions import db, limiter
from physio.forms.assessment import (
    assessment_form_class,
    capped_payload,
    form_data_from_record,
    record_from_form,
)
from physio.forms.render import format_value, posted_value
from physio.models import Assessment, Kind, Patient
from physio.scoping import get_or_404
from physio.security import verify_password
from physio.services import assessments as service
from physio.services import audit, provenance
from physio.services import plans as plan_service
from physio.services import questionnaires as questionnaire_service
from physio.throttle import PasswordCheckThrottle
from physio.views.helpers import actor, audit_here, per_user_key

bp = Blueprint("assessments", __name__)


@bp.before_request
@login_required
def _require_login():
    pass


def _form_class():
    clinic = current_user.clinic
    return assessment_form_class(odi=clinic.odi_enabled, sbst=clinic.sbst_enabled)


def _lock_version(form) -> int | None:
    try:
        return int(form.lock_version.data)
    except (TypeError, ValueError):
        return None


def _bind_form(a: Assessment, formdata=None):
    """The form for `a`: from posted data, else from the record."""
    form_class = _form_class()
    if formdata is not None:
        form = form_class(formdata=formdata)
    else:
        form = form_class(formdata=None, data=form_data_from_record(service.record_of(a)))
        form.lock_version.data = str(a.lock_version)
    return form


def _live_context(a: Assessment, form, stored: dict | None = None) -> dict:
    """Computed values for the live panel: the stored record (`stored`, if the caller has it
    already) overlaid with whatever in the form is valid so far (one implementation of the
    rules: the Python clinical core)."""
    if stored is None:
        record = service.record_of(a)
    else:  # a copy of each section, so the overlay below leaves `stored` as loaded
        record = {**stored, **{section.name: dict(stored[section.name]) for section in SECTIONS}}
    partial = record_from_form(form, only_valid=True)
    if "seen_at" in partial:
        record["seen_at"] = partial["seen_at"]
    for section in SECTIONS:
        record[section.name].update(partial[section.name])
    return {"derived": service.derive_for(a, record), "record": record}


def _review_context(a: Assessment) -> dict:
    """For a review: last visit's values beside each re-measured field, what "same as last
    visit" fills per section, the shoe estimate, and last visit's body chart."""
    if a.kind != Kind.REVIEW:
        return {}
    previous = service.previous_visit(a)
    if previous is None:
        return {}
    prev = service.record_of(previous)
    on = local_date(previous.seen_at)
    when = f"{on.day} {on:%b}"
    hints: dict = {}
    same: dict = {name: {} for name in review_rules.SAME_AS_LAST_SECTIONS}
    for section, f in all_fields():
        name = f"{section.name}-{f.name}"
        value = prev[section.name].get(f.name)
        rule = review_rules.policy(section.name, f.name)
        if rule != "remeasure" or value in (None, "", []):
            continue
        usable = section.name != "outcomes"  # questionnaires are answered again, not copied
        hints[name] = {
            "text": f"last visit: {format_value(f, value)} ({when})",
            "use": json.dumps(posted_value(f, value)) if usable else None,
        }
    for section_name in review_rules.SAME_AS_LAST_SECTIONS:
        sec = SECTIONS_BY_NAME[section_name]
        for fname, value in review_rules.same_as_last_values(prev, section_name).items():
            same[section_name][f"{section_name}-{fname}"] = posted_value(sec.field(fname), value)
    same["pain"]["pain-body_chart"] = [m.posted() for m in marks_from(prev["pain"]["body_chart"])]
    for i, p in enumerate(prev["outcomes"]["psfs"]):
        if p.get("score") is not None:
            hints[f"outcomes-psfs-{i}-score"] = {
                "text": f"last visit: {p['score']} ({when})",
                "use": None,
            }
    # The presenting complaint is copied (history is carried) but is about this visit: while
    # it is still last visit's words it says so, like the other values from the last visit.
    complaint = prev["history"].get("presenting_complaint")
    if complaint and a.history_presenting_complaint == complaint:
        hints["history-presenting_complaint"] = {
            "text": f"from last visit ({when}): update it if today's complaint differs",
            "use": None,
        }
    for name, source in ((a.copy_forward or {}).get("shifted") or {}).items():
        label = SECTIONS_BY_NAME["training"].field(source["from"].split("-", 1)[1]).label
        hints[name] = {"text": f"carried from last visit's “{label.lower()}” ({when})"}
    estimate = service.review_estimate(a, previous)
    if estimate is not None:
        hints["footwear-shoe_km"] = {
            "text": f"Estimate {estimate.value} km: {estimate.basis}. Use it",
            "use": json.dumps(str(estimate.value)),
            "estimate": True,
        }
    rmdq_ticked = [i for i in range(1, 25) if prev["outcomes"].get(f"rmdq_{i}") is True]
    rmdq_last = rmdq_score(prev["outcomes"])  # None: not asked last visit
    return {
        "previous": previous,
        "previous_on": on,
        "previous_when": when,
        "previous_chart": prev["pain"]["body_chart"],
        "previous_rmdq": (rmdq_last, rmdq_ticked),
        "hints": hints,
        "same_values": {k: json.dumps(v) for k, v in same.items()},
        "confirmed": (a.copy_forward or {}).get("confirmed") or {},
    }


def _render_form(
    a: Assessment, form, *, status: int = 200, problems=None, conflict=False, restored=False
):
    live = _live_context(a, form)
    form.suggested_tier = live["derived"].red_flags.suggested_tier
    reported = provenance.rows_of(a.id)
    g.field_notes = provenance.field_notes(a, reported)  # "reported by the patient on …" there
    problem_fields = {p.field for p in problems or [] if p.field}
    for problem in problems or []:  # show each sign problem at its field too
        target = _form_field(form, problem.field)
        if target is not None:
            target.errors = [*target.errors, problem.message]
    return render_template(
        "assessments/form.html",
        a=a,
        form=form,
        sections=SECTIONS,
        problems=problems or [],
        problem_fields=problem_fields,
        conflict=conflict,
        restored=restored,
        # Kept-aside typing that is not valid: the bar names and links it at once.
        invalid=form.invalid_fields() if restored else [],
        kinds=dict(KINDS),
        review=_review_context(a),
        normal_findings=NORMAL_FINDINGS,
        normal_json={k: json.dumps(v) for k, v in NORMAL_FINDINGS.items()},
        red_flag_rules=json.dumps(client_rules()),
        emergency_required=service.EMERGENCY_REQUIRED,
        reported=provenance.summary(a, reported),
        **live,
    ), status


def _form_field(form, posted_name: str | None):
    """The bound field for a posted name like "pain-nprs_now" (None if not in this form)."""
    if not posted_name or "-" not in posted_name:
        return None
    section, name = posted_name.split("-", 1)
    if section not in form._fields or name not in form[section].form._fields:
        return None
    return form[section].form[name]


@bp.route("/patients/<int:patient_id>/assessments/new", methods=["POST"])
def new(patient_id: int):
    """Create a draft (initial or review) and open its form."""
    patient = get_or_404(Patient, patient_id)
    kind = request.form.get("kind")
    if kind not in dict(KINDS):
        abort(400)
    try:
        a = service.create_assessment(patient, kind, current_user)
    except service.NoSignedVisit:
        flash(
            "A review needs a signed visit to review: sign the initial assessment first.", "error"
        )
        return redirect(url_for("patients.show", patient_id=patient.id))
    audit_here("create", a, kind=kind, patient_id=patient.id)
    db.session.commit()
    return redirect(url_for("assessments.edit", assessment_id=a.id))


def _import_patient_answers(a: Assessment) -> None:
    """Questionnaires the patient completed since go into this open draft (blanks only)."""
    filled = questionnaire_service.import_into_draft(a, current_user)
    if filled:
        audit_here("import_patient_answers", a, fields=filled)
        db.session.commit()


@bp.route("/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
def edit(assessment_id: int):
    """The structured form. POST saves the draft, even incomplete; invalid input saves nothing."""
    a = get_or_404(Assessment, assessment_id)
    if a.is_signed:
        if request.method == "POST":
            return render_template("assessments/read_only_refused.html", a=a), 409
        return redirect(url_for("assessments.show", assessment_id=a.id))
    if request.method == "GET":
        _import_patient_answers(a)
        if a.autosave:
            form = _bind_form(a, MultiDict(a.autosave))
            form.validate()
            form.lock_version.data = str(a.lock_version)  # the stash itself bumped the version
            page = _render_form(a, form, restored=True)
        else:
            page = _render_form(a, _bind_form(a))
        audit.record_read(actor(), a, "form")
        return page

    form = _bind_form(a, request.form)
    live = _live_context(a, form)
    form.suggested_tier = live["derived"].red_flags.suggested_tier
    if not form.validate():
        return _render_form(a, form, status=422)
    try:
        changes = service.save_draft(
            a,
            record_from_form(form),
            current_user,
            _lock_version(form),
            confirmed=form.confirmed_sections.data,
        )
    except service.EditConflict:
        db.session.rollback()
        return _render_form(a, form, status=409, conflict=True)
    audit_here("update", a, fields=sorted(changes))
    db.session.commit()
    flash("Draft saved.", "success")
    # assessment_id, not a.id: the commit expired `a`, and reading a.id reloaded the whole row.
    return redirect(url_for("assessments.edit", assessment_id=assessment_id))


def _autosave_limit() -> str:
    return current_app.config["AUTOSAVE_RATE_LIMIT"]


def _sign_limit() -> str:
    return current_app.config["SIGN_RATE_LIMIT"]


@bp.route("/assessments/<int:assessment_id>/autosave", methods=["POST"])
@limiter.limit(_autosave_limit, key_func=per_user_key)
def autosave(assessment_id: int):
    """Called by the form's script every few seconds: saves a valid draft, or keeps the raw
    typing aside when it is not valid yet; answers with the live panel and field errors."""
    a = get_or_404(Assessment, assessment_id)
    if a.is_signed:
        return jsonify(ok=False, reason="signed"), 409
    form = _bind_form(a, request.form)
    stored = service.record_of(a)  # read once: for the live panel and for what changed
    live = _live_context(a, form, stored)
    form.suggested_tier = live["derived"].red_flags.suggested_tier
    valid = form.validate()
    refused: list[dict] = []
    try:
        # Every valid value goes into the draft even when another one is not valid yet; the
        # raw typing of the page is kept aside too until it is all valid (never lost, and the
        # invalid values are never part of the record).
        changes = service.save_draft(
            a,
            record_from_form(form, only_valid=not valid),
            current_user,
            _lock_version(form),
            before=stored,
            confirmed=form.confirmed_sections.data,
            keep_autosave=not valid,
        )
        if not valid:
            # Only the form's fields, each within its length (forms/assessment.py).
            payload, refused = capped_payload(form, request.form)
            service.save_autosave(a, payload, None)
        if changes:
            audit_here("update", a, fields=sorted(changes), via="autosave")
        db.session.flush()
    except service.EditConflict:
        db.session.rollback()
        return jsonify(ok=False, reason="conflict"), 409
    # Everything the answer needs is read before the commit: committing expires the row, and
    # reading it afterwards reloaded all ~170 columns and the PSFS rows.
    lock_version = a.lock_version
    panel = render_template("assessments/_live.html", a=a, **live)
    db.session.commit()
    invalid = form.invalid_fields()
    known = {item["field"] for item in invalid}
    invalid += [item for item in refused if item["field"] not in known]
    return jsonify(
        ok=True,
        saved=valid,
        lock_version=lock_version,
        errors={item["field"]: item["message"] for item in invalid},
        invalid=invalid,
        panel=panel,
        tier=live["derived"].red_flags.tier,
    )


@bp.route("/assessments/<int:assessment_id>/sign", methods=["POST"])
@limiter.limit(_sign_limit, key_func=per_user_key)
def sign(assessment_id: int):
    """Sign with the physio's password; refuses with the list of what is missing."""
    a = get_or_404(Assessment, assessment_id)
    if not current_user.is_clinician:
        abort(403)  # an administrator doesn't sign clinical records
    # The password and its guess counter before the record lock: the counter is written on its
    # own connection, which would wait on (and time out behind) SQLite's write lock.
    guesses = PasswordCheckThrottle(current_user.id)
    throttled = guesses.refused()  # then the password is not even checked
    password_ok = not throttled and verify_password(
        current_user.password_hash, request.form.get("password", "")
    )
    if not throttled and not password_ok:
        guesses.failed()
    service.lock_record(a)  # a second, simultaneous sign waits here, then sees it signed
    if a.is_signed:
        return render_template("assessments/read_only_refused.html", a=a), 409
    if "lock_version" in request.form:
        # Signed from the form page: what is on screen is saved first, so nothing typed in
        # the last seconds is left out of what gets signed.
        form = _bind_form(a, request.form)
        form.suggested_tier = _live_context(a, form)["derived"].red_flags.suggested_tier
        if not form.validate():
            problems = [
                service.Problem(item["field"], f"{item['label']}: {item['message']}")
                for item in form.invalid_fields()
            ]
            return _render_form(a, form, status=422, problems=problems)
        try:
            changes = service.save_draft(
                a,
                record_from_form(form),
                current_user,
                _lock_version(form),
                confirmed=form.confirmed_sections.data,
            )
        except service.EditConflict:
            db.session.rollback()
            return _render_form(a, form, status=409, conflict=True)
        if changes:
            audit_here("update", a, fields=sorted(changes), via="sign")
        db.session.flush()
    else:
        form = _bind_form(a)
    problems = service.sign_problems(a)
    if throttled:
        audit_here("sign_refused", a, reason="too many wrong passwords")
        db.session.commit()  # keep what was saved above; only the signature is refused
        problem = service.Problem(
            "password", "Too many wrong passwords: signing is paused for up to an hour."
        )
        return _render_form(a, _bind_form(a), status=429, problems=[problem])
    if not password_ok:
        audit_here("sign_refused", a, reason="wrong password")
        db.session.commit()
        problems = [service.Problem("password", "Your password is not right."), *problems]
    if a.autosave:
        problems.insert(
            0,
            service.Problem(
                None,
                "There is unsaved typing that is not valid yet: "
                "correct it and save the draft first.",
            ),
        )
    if problems:
        db.session.commit()  # keep what was saved above; only the signature is refused
        form = _bind_form(a)
        return _render_form(a, form, status=422, problems=problems)
    service.sign(a, current_user)
    audit_here("sign", a, content_hash=a.content_hash, version=a.version, patient_id=a.patient_id)
    db.session.commit()
    flash("Assessment signed. It is now read-only; changes need an amendment.", "success")
    return redirect(url_for("assessments.show", assessment_id=a.id))


@bp.route("/assessments/<int:assessment_id>")
def show(assessment_id: int):
    """Read-only view: every value, computed scores and flags, status, signer, history."""
    a = get_or_404(Assessment, assessment_id)
    versions = service.versions_of(a)
    record = service.record_of(a)
    derived = service.derive_for(a, record)
    index = versions.index(a)
    reported = provenance.rows_of(a.id)
    changes = {}
    if index > 0:
        changes = service.changed_fields(service.record_of(versions[index - 1]), record)
    page = render_template(
        "assessments/show.html",
        a=a,
        record=record,
        derived=derived,
        versions=versions,
        changes=changes,
        sections=SECTIONS,
        kinds=dict(KINDS),
        odi=current_user.clinic.odi_enabled,
        sbst=current_user.clinic.sbst_enabled,
        chart_lines=describe_chart(record["pain"]["body_chart"]),
        section_titles={s.name: s.title for s in SECTIONS},
        shifted=(record["copy_forward"] or {}).get("shifted") or {},
        estimated=(record["copy_forward"] or {}).get("estimated") or {},
        reported=provenance.summary(a, reported),
        reported_notes=provenance.field_notes(a, reported),
    )
    audit_here("view", a)  # after rendering: the commit expires the rows the page used
    db.session.commit()
    return page


@bp.route("/assessments/<int:assessment_id>/amend", methods=["POST"])
def amend(assessment_id: int):
    """Open an amendment (a new version) of a signed assessment; needs a reason."""
    a = get_or_404(Assessment, assessment_id)
    service.lock_record(a)  # one amendment at a time: a second one continues the first
    reason = (request.form.get("reason") or "").strip()
    if not a.is_signed:
        flash("Only a signed assessment can be amended; this one is still a draft.", "error")
        return redirect(url_for("assessments.edit", assessment_id=a.id))
    if not reason or len(reason) > 1000:
        flash("Give a reason for the amendment (up to 1000 characters).", "error")
        return redirect(url_for("assessments.show", assessment_id=a.id))
    new = service.amend(a, reason, current_user)
    plan_service.carry_edits_to_amendment(service.versions_of(new)[-2], new)
    audit_here("amend", new, amends_id=a.id, reason=reason)
    db.session.commit()
    return redirect(url_for("assessments.edit", assessment_id=new.id))
