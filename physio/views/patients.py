"""Patients: search, create, view, edit. Every row is scoped to the user's clinic."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from physio.forms.patient import PatientForm
from physio.models import Patient
from physio.scoping import get_or_404
from physio.services import assessments as assessment_service
from physio.services import audit
from physio.services import patients as patient_service
from physio.views.helpers import actor
from physio.views.patient_links import patient_page_context

bp = Blueprint("patients", __name__)

DUPLICATE_REFERENCE = "Another patient of this clinic has this reference."


@bp.before_request
@login_required
def _require_login():
    pass


@bp.route("/")
def home():
    return redirect(url_for("patients.index"))


@bp.route("/patients/")
def index():
    """Search patients by name, reference or date of birth; paginated."""
    query = request.args.get("q", "").replace("\x00", "").strip()[:100]
    page = patient_service.search(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PATIENTS_PER_PAGE"],
    )
    html = render_template("patients/index.html", page=page, query=query)
    # Which patients were listed (ids; the query, often a name, is not kept in the log).
    listed = [row.id for row in page.items]
    audit.record_read(actor(), None, "patients", action="search", patients=listed)
    return html


@bp.route("/drafts")
def drafts():
    """The clinic's assessments still unsigned 24 hours after they were started."""
    rows = assessment_service.unsigned_draft_rows(current_user.clinic_id)
    html = render_template("patients/drafts.html", drafts=rows)
    listed = [row.assessment_id for row in rows]
    audit.record_read(actor(), None, "drafts", action="list_drafts", assessments=listed)
    return html


@bp.route("/patients/new", methods=["GET", "POST"])
def new():
    """Create a patient; an invalid form comes back with every value kept."""
    form = PatientForm()
    if form.validate_on_submit():
        try:
            patient_id = patient_service.add_patient(form.data, current_user, actor())
        except patient_service.DuplicateReference:
            form.reference.errors.append(DUPLICATE_REFERENCE)
        else:
            return redirect(url_for("patients.show", patient_id=patient_id))
    return render_template("patients/form.html", form=form, patient=None), (
        422 if form.errors else 200
    )


@bp.route("/patients/<int:patient_id>")
def show(patient_id: int):
    """Patient page: details, assessments, progress."""
    patient = get_or_404(Patient, patient_id)
    # The links part is built before patient_page's audit commit (plain data either way).
    links = patient_page_context(patient)
    page = patient_service.patient_page(patient, actor(), date.today())
    return render_template("patients/show.html", **vars(page), **links)


@bp.route("/patients/<int:patient_id>/edit", methods=["GET", "POST"])
def edit(patient_id: int):
    """Edit a patient's details; consent changes are stamped with who and when."""
    patient = get_or_404(Patient, patient_id)
    form = PatientForm(obj=patient)
    if form.validate_on_submit():
        try:
            patient_service.edit_patient(patient, form.data, current_user, actor())
        except patient_service.DuplicateReference:
            form.reference.errors.append(DUPLICATE_REFERENCE)
        else:
            return redirect(url_for("patients.show", patient_id=patient_id))
    page = render_template("patients/form.html", form=form, patient=patient)
    if request.method == "GET":
        audit.record_read(actor(), patient, "edit")
    return page, (422 if form.errors else 200)
