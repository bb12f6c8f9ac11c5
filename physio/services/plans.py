"""Treatment plans: derive from the record, apply the physio's edits, export immutable PDFs
(shared with the patient through the links of physio/services/patient_links.py)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from physio.clinical import decision_problems, derive
from physio.clock import local_date
from physio.extensions import db
from physio.models import Assessment, PlanEdits, PlanExport, User
from physio.models.base import utcnow
from physio.plan import PlanContext, TreatmentPlan, apply_edits, build_plan, check_plan
from physio.plan.invariants import violations_by_item
from physio.plan.referral_letter import letter_facts
from physio.services import assessments as assessment_service


class ExportRefused(Exception):
    """The plan can't be exported yet (message says why)."""


@dataclass
class PlanState:
    plan: TreatmentPlan
    derived_plan: TreatmentPlan  # before the physio's edits
    edit_errors: list[str]  # stored edits that no longer apply (e.g. after an amendment)
    edits: PlanEdits | None
    #: The physio's own written plan (impression-summary, docs/assessment.md): the rules can't
    #: read free text, so the plan page shows it beside the generated items.
    written_plan: str = ""


def plan_context(a: Assessment, today: date | None = None) -> PlanContext:
    physio = a.signed_by or a.updated_by
    return PlanContext(
        today=today or date.today(),
        physio_name=physio.name,
        physio_registration=physio.registration or "",
        clinic_name=physio.clinic.name,
        clinic_phone=physio.clinic.phone,
        country=physio.clinic.country or "GB",
        signed=bool(a.is_signed),
    )


def edits_for(a: Assessment) -> PlanEdits | None:
    return db.session.execute(
        select(PlanEdits).where(PlanEdits.assessment_id == a.id)
    ).scalar_one_or_none()


def plan_for(a: Assessment) -> PlanState:
    record = assessment_service.record_of(a)
    patient = assessment_service.context_of(a)
    derived = derive(record, patient)
    derived_plan = build_plan(record, patient, derived, plan_context(a), earlier_records(a))
    stored = edits_for(a)
    impression = record.get("impression") if isinstance(record, dict) else None
    summary = impression.get("summary") if isinstance(impression, dict) else None
    written = summary.strip() if isinstance(summary, str) else ""
    if stored is None or not stored.edits:
        return PlanState(derived_plan, derived_plan, [], stored, written)
    plan, errors = apply_edits(derived_plan, stored.edits)
    return PlanState(plan, derived_plan, errors, stored, written)


def save_edits(a: Assessment, edits: list[dict], user: User) -> tuple[TreatmentPlan, list[str]]:
    """Check the edits against the derived plan (red-flag constraints included); store them
    only when every one applies."""
    state = plan_for(a)
    plan, errors = apply_edits(state.derived_plan, edits)
    if errors:
        return plan, errors
    stored = state.edits
    if stored is None:
        stored = PlanEdits(clinic_id=a.clinic_id, assessment_id=a.id, updated_by=user)
        db.session.add(stored)
    stored.edits = edits
    stored.updated_by = user
    stored.updated_at = utcnow()
    return plan, []


def carry_edits_to_amendment(original: Assessment, amendment: Assessment) -> None:
    """Plan edits follow the record into its amendment."""
    stored = edits_for(original)
    if stored is not None and edits_for(amendment) is None:
        db.session.add(
            PlanEdits(
                clinic_id=amendment.clinic_id,
                assessment_id=amendment.id,
                edits=list(stored.edits),
                updated_by_id=stored.updated_by_id,
            )
        )


def export_problems(a: Assessment, plan: TreatmentPlan | None = None) -> list[str]:
    problems = []
    if not a.is_signed:
        problems.append("Sign the assessment before exporting its plan.")
    record = assessment_service.record_of(a)
    derived = assessment_service.derive_for(a, record)
    problems += decision_problems(record, derived.red_flags)
    problems += [
        f"The plan breaks a safety check: {v.message}."
        for v in check_plan(plan if plan is not None else plan_for(a).plan)
    ]
    return problems


def _earlier_visits(a: Assessment) -> list[Assessment]:
    """The patient's signed visits before this one (other chains), oldest first."""
    visits = [
        v
        for v in assessment_service.current_versions(
            assessment_service.patient_assessments(a.patient_id)
        )
        if v.is_signed and v.seen_at < a.seen_at and v.chain_root_id != a.chain_root_id
    ]
    return sorted(visits, key=lambda v: v.seen_at)


def earlier_records(a: Assessment) -> list[dict]:
    """The records of the patient's earlier signed visits, oldest first (for the plan rules
    that look back: the cadence target is worked out from the first measured step rate)."""
    return [assessment_service.record_of(v) for v in _earlier_visits(a)]


def plan_checks(plan: TreatmentPlan) -> dict[str | None, list[str]]:
    """The whole-plan invariants the (edited) plan breaks, by item code (None: the whole plan),
    for the plan page to show next to each item (physio/plan/invariants.py)."""
    return violations_by_item(plan)


def _progress(a: Assessment) -> tuple[list, dict]:
    """Progress from the patient's first signed visit to this one (reviews only)."""
    visits = [
        v
        for v in assessment_service.current_versions(
            assessment_service.patient_assessments(a.patient_id)
        )
        if v.is_signed and v.seen_at <= a.seen_at and v.chain_root_id != a.chain_root_id
    ]
    earlier = sorted(visits, key=lambda v: v.seen_at)
    return assessment_service.progress_between([*earlier, a], a.patient)


def next_version(a: Assessment, kind: str) -> int:
    current = db.session.execute(
        select(func.max(PlanExport.version)).where(
            PlanExport.assessment_id == a.id, PlanExport.kind == kind
        )
    ).scalar_one()
    return (current or 0) + 1


def plan_document(
    a: Assessment, plan: TreatmentPlan, version: int, now: datetime, *, preview: bool = False
):
    from physio.pdf import PlanDocument

    progress, chart_series = _progress(a)
    physio = a.signed_by or a.updated_by
    record = assessment_service.record_of(a)
    letter = None
    if plan.referral is not None:
        derived = derive(record, assessment_service.patient_context(a.patient))
        letter = letter_facts(record, derived, plan)
    return PlanDocument(
        patient_dob=a.patient.date_of_birth,
        patient_reference=a.patient.reference,
        letter=letter,
        plan=plan,
        patient_name=a.patient.full_name,
        patient_first_name=a.patient.first_name,
        clinic_name=physio.clinic.name,
        clinic_phone=physio.clinic.phone,
        physio_name=physio.name,
        physio_registration=physio.registration,
        assessment_id=a.id,
        assessment_version=a.version,
        seen_on=local_date(a.seen_at),
        export_version=version,
        exported_at=now,
        progress=progress,
        series=chart_series,
        body_chart=record["pain"].get("body_chart") or [],
        draft=not a.is_signed,
        preview=preview,
        runner={
            k: record["training"].get(k)
            for k in (
                "weekly_km_w1",
                "weekly_km_w2",
                "weekly_km_w3",
                "weekly_km_w4",
                "runs_per_week",
                "longest_run_km",
            )
        },
    )


@dataclass
class Rendered:
    """One rendering of an assessment's plan in one output format (not stored yet)."""

    output: object  # physio.pdf.OutputFormat
    plan: TreatmentPlan
    version: int
    created_at: datetime
    data: bytes

    @property
    def pdf(self) -> bytes:
        return self.data


def render(a: Assessment, kind: str = "plan", *, preview: bool = False) -> Rendered:
    """Render the current plan in the ``kind`` output format (physio.pdf.FORMATS).

    An export (``preview=False``) must pass :func:`export_problems`; a preview (the CLI's
    ``render-plan``) renders whatever the record holds, signed or not, and is never stored.
    Raises ExportRefused with the reasons, or for a kind that is not registered.
    """
    from physio.pdf.formats import UnknownFormat, output_format

    try:
        output = output_format(kind)
    except UnknownFormat as unknown:
        raise ExportRefused(str(unknown)) from None
    plan = plan_for(a).plan
    problems = [] if preview else export_problems(a, plan)
    refusal = output.refusal(plan)
    if refusal:
        problems.append(refusal)
    if problems:
        raise ExportRefused(" ".join(problems))
    now = utcnow()
    version = next_version(a, kind)
    document = plan_document(a, plan, version, now, preview=preview)
    return Rendered(output, plan, version, now, output.render(document))


def preview(a: Assessment, kind: str = "plan") -> Rendered:
    """A rendering that is not stored (nothing is written): see :func:`render`."""
    return render(a, kind, preview=True)


def export(a: Assessment, user: User, kind: str = "plan") -> PlanExport:
    """Render the plan (or another registered output, e.g. the GP letter) and store it as a new
    immutable version."""
    rendered = render(a, kind)
    pdf = rendered.data
    row = PlanExport(
        clinic_id=a.clinic_id,
        assessment_id=a.id,
        kind=kind,
        version=rendered.version,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pages=_page_count(pdf) if rendered.output.mimetype == "application/pdf" else 0,
        plan=rendered.plan.to_dict(),
        created_at=rendered.created_at,
        created_by=user,
    )
    db.session.add(row)
    db.session.flush()
    return row


def plan_digest(plan: dict | None) -> str:
    """SHA-256 of an export's plan as stored (canonical JSON): the patient's phone page is built
    from it, so the keyed `export` audit entry records it beside the PDF's SHA-256."""
    canonical = json.dumps(plan or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _page_count(pdf: bytes) -> int:
    # Counting page objects is enough for our own WeasyPrint output; no PDF parser needed.
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def latest_export(
    assessment_id: int, kind: str = "plan", *, with_pdf: bool = False
) -> PlanExport | None:
    stmt = (
        select(PlanExport)
        .where(PlanExport.assessment_id == assessment_id, PlanExport.kind == kind)
        .order_by(PlanExport.version.desc())
        .limit(1)
    )
    if with_pdf:
        stmt = stmt.options(undefer(PlanExport.pdf))
    return db.session.execute(stmt).scalar_one_or_none()


def exports_of(assessment_id: int) -> list[PlanExport]:
    return list(
        db.session.execute(
            select(PlanExport)
            .where(PlanExport.assessment_id == assessment_id)
            .order_by(PlanExport.kind, PlanExport.version.desc())
        ).scalars()
    )


def export_label(row: PlanExport) -> str:
    """How the exports list names one export: the letter by whom it is for (tier E: the
    emergency department, as its addressee; otherwise the GP)."""
    if row.kind == "plan":
        return "Plan"
    if row.kind == "letter":
        return "ED letter" if (row.plan or {}).get("tier") == "E" else "GP letter"
    return row.kind.capitalize()


def export_document(row: PlanExport):
    """The document of a stored export: the plan exactly as printed in that version, with the
    same patient, physio and progress figures, for the patient's phone page (physio.pdf's
    ``plan_context`` turns it into the same sections, in the same order, as the PDF)."""
    return plan_document(
        row.assessment, TreatmentPlan.from_dict(row.plan), row.version, row.created_at
    )


# --- the stored PDFs: served only as exported ---------------------------------------------------

log = logging.getLogger(__name__)


class StoredPdfChanged(RuntimeError):
    """A stored export's bytes no longer hash to the SHA-256 stored when it was exported."""


def stored_bytes(row: PlanExport) -> bytes:
    """The stored PDF of an export, after checking its SHA-256 against the one stored with it:
    bytes changed in the database are never handed out (StoredPdfChanged, logged)."""
    digest = hashlib.sha256(row.pdf).hexdigest()
    if not hmac.compare_digest(digest, row.sha256 or ""):
        log.error(
            "Stored %s PDF %s (assessment %s, version %s) does not match the SHA-256 stored "
            "when it was exported: refused (run `flask records verify`)",
            row.kind,
            row.id,
            row.assessment_id,
            row.version,
        )
        raise StoredPdfChanged(row.id)
    return row.pdf


@dataclass(frozen=True)
class ExportMismatch:
    assessment_id: int
    patient_id: int | None
    kind: str
    version: int
    problem: str

    def __str__(self) -> str:
        patient = f"patient {self.patient_id}" if self.patient_id is not None else "no row"
        return f"assessment {self.assessment_id} ({patient}): {self.kind} PDF version " + (
            f"{self.version}: {self.problem}"
        )


def verify_exports(batch_size: int = 50) -> tuple[int, list[ExportMismatch]]:
    """Every stored PDF against the SHA-256 stored with it and the one the audit log's
    `export` entry recorded (keyed: recomputing the stored SHA-256 after a change, or adding
    an export row, doesn't hide it). Returns (how many were checked, the mismatches)."""
    checked, bad = 0, list[ExportMismatch]()
    last_id = 0
    while True:
        rows = list(
            db.session.execute(
                select(PlanExport)
                .options(undefer(PlanExport.pdf))
                .where(PlanExport.id > last_id)
                .order_by(PlanExport.id)
                .limit(batch_size)
                .execution_options(skip_clinic_scope=True)
            ).scalars()
        )
        if not rows:
            return checked, bad
        last_id = rows[-1].id
        audited = _audited_exports({row.assessment_id for row in rows})
        patients = dict(
            db.session.execute(
                select(Assessment.id, Assessment.patient_id)
                .where(Assessment.id.in_({row.assessment_id for row in rows}))
                .execution_options(skip_clinic_scope=True)
            ).all()
        )
        for row in rows:
            checked += 1
            recorded, recorded_plan = audited.get(
                (row.assessment_id, row.kind, row.version), (None, None)
            )
            if hashlib.sha256(row.pdf).hexdigest() != row.sha256:
                problem = "its bytes do not match the SHA-256 stored when it was exported"
            elif recorded is None:
                problem = "the audit log has no export entry for it (added to the database?)"
            elif recorded != row.sha256:
                problem = "its SHA-256 is not the one the audit log recorded at export"
            elif recorded_plan is not None and plan_digest(row.plan) != recorded_plan:
                # exports from before the plan's digest was recorded can't be checked here
                problem = "its plan (the patient's phone page) is not the one exported"
            else:
                continue
            bad.append(
                ExportMismatch(
                    row.assessment_id,
                    patients.get(row.assessment_id),
                    row.kind,
                    row.version,
                    problem,
                )
            )
        db.session.expunge_all()


def _audited_exports(
    assessment_ids: set[int],
) -> dict[tuple[int, str, int], tuple[str, str | None]]:
    """{(assessment id, kind, version): (sha256, plan_sha256 or None)} from the audit log's
    export entries."""
    from physio.models import AuditEvent

    rows = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.detail)
        .where(
            AuditEvent.action == "export",
            AuditEvent.object_type == "assessment",
            AuditEvent.object_id.in_(assessment_ids),
        )
        .order_by(AuditEvent.id)
        .execution_options(skip_clinic_scope=True)
    ).all()
    found: dict[tuple[int, str, int], tuple[str, str | None]] = {}
    for object_id, detail in rows:
        if not isinstance(detail, dict) or object_id is None:
            continue
        version, sha256 = detail.get("version"), detail.get("sha256")
        plan_sha256 = detail.get("plan_sha256")
        if isinstance(version, int) and isinstance(sha256, str):
            found[(object_id, str(detail.get("kind") or "plan"), version)] = (
                sha256,
                plan_sha256 if isinstance(plan_sha256, str) else None,
            )
    return found
