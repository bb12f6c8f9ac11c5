"""Assessments: create, save drafts, sign, amend, compare — the record's whole life cycle.

The record travels as a plain nested dict (docs/assessment.md names); this module is the only place
that maps it to and from the `assessments` row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from physio.clinical import Derived, compare_visits, decision_issues, derive, series
from physio.clinical import review as review_rules
from physio.clinical.body_chart import marks_from
from physio.clinical.red_flags import RULES_BY_FIELD
from physio.clinical.schema import (
    PSFS_ENTRIES,
    SECTIONS,
    SECTIONS_BY_NAME,
    all_fields,
    empty_record,
)
from physio.clock import local_date
from physio.extensions import db
from physio.models import Assessment, AuditEvent, Kind, Patient, PsfsItem, Sex, Status, User
from physio.models.base import utcnow
from physio.services import provenance


class ReadOnly(Exception):
    """A signed assessment can't change; amend it instead."""


class EditConflict(Exception):
    """The draft changed since the form was loaded."""


@dataclass(frozen=True)
class Problem:
    field: str | None  # posted field name (e.g. "pain-nprs_now"), None for whole-record issues
    message: str


# --- record <-> row ---------------------------------------------------------------------------


def record_of(a: Assessment) -> dict:
    record = empty_record()
    record["kind"] = a.kind.value
    record["seen_at"] = a.seen_at
    for section, f in all_fields():
        value = getattr(a, f.column(section.name))
        record[section.name][f.name] = list(value or []) if f.kind == "multi" else value
    record["outcomes"]["psfs"] = [{"activity": p.activity, "score": p.score} for p in a.psfs_items]
    record["pain"]["body_chart"] = [dict(m) for m in a.pain_body_chart or []]
    record["copy_forward"] = dict(a.copy_forward or {})
    record["not_assessed"] = list(a.not_assessed or [])
    return record


def to_places(value, places: int) -> Decimal | None:
    """A decimal value rounded (half up) to its field's declared places, as the column keeps it:
    what is stored, shown and signed are the same number (12.3456789 km → 12.3)."""
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def apply_record(a: Assessment, record: dict) -> None:
    if record.get("seen_at") is not None:
        a.seen_at = record["seen_at"]
    for section, f in all_fields():
        values = record.get(section.name) or {}
        if f.name in values:
            value = values[f.name]
            if f.kind == "multi":
                value = list(value or [])
            elif f.kind == "decimal":
                value = to_places(value, f.places)
            setattr(a, f.column(section.name), value)
    chart = (record.get("pain") or {}).get("body_chart")
    if chart is not None:
        a.pain_body_chart = [m.to_dict() for m in marks_from(chart)] or None
    if "copy_forward" in record:
        a.copy_forward = dict(record["copy_forward"] or {}) or None
    if "not_assessed" in record:
        a.not_assessed = list(record["not_assessed"] or []) or None
    psfs = (record.get("outcomes") or {}).get("psfs")
    if psfs is not None:
        # Rows are updated in place (an unchanged row writes nothing): replacing the list
        # deleted and re-inserted every row on every draft save.
        psfs = psfs[:PSFS_ENTRIES]
        items = a.psfs_items
        del items[len(psfs) :]
        for i, p in enumerate(psfs):
            if i == len(items):
                items.append(PsfsItem(position=i))
            items[i].position = i
            items[i].activity, items[i].score = p.get("activity"), p.get("score")


def patient_context(patient: Patient) -> dict:
    return {"date_of_birth": patient.date_of_birth, "sex": Sex(patient.sex).value}


def signed_facts(patient: Patient) -> dict:
    """The patient facts a record depends on (ages at the visit and at onset, sex), as kept
    with the record when it is signed."""
    born = patient.date_of_birth
    return {"date_of_birth": born.isoformat() if born else None, "sex": Sex(patient.sex).value}


def context_of(a: Assessment) -> dict:
    """The patient facts to derive this record's figures from: as signed for a signed record
    (a later edit of the patient's date of birth doesn't change its tier), else the live ones."""
    if a.is_signed and a.signed_patient:
        born = a.signed_patient.get("date_of_birth")
        return {
            "date_of_birth": date.fromisoformat(born) if born else None,
            "sex": a.signed_patient.get("sex"),
        }
    return patient_context(a.patient)


def derive_for(a: Assessment, record: dict | None = None) -> Derived:
    return derive(record or record_of(a), context_of(a))


# --- queries ----------------------------------------------------------------------------------


def versions_of(a: Assessment) -> list[Assessment]:
    """Every version of this assessment, oldest first."""
    root = a.chain_root_id
    return list(
        db.session.execute(
            select(Assessment)
            .where((Assessment.id == root) | (Assessment.root_id == root))
            .order_by(Assessment.version)
        ).scalars()
    )


@dataclass(frozen=True)
class Superseded:
    """A signed version replaced by a newer signed one of the same record."""

    assessment_id: int
    version: int
    newer_id: int
    newer_version: int
    newer_signed_at: datetime | None


def superseded(a: Assessment) -> Superseded | None:
    """Whether a newer signed version of this record exists (then this version's plan is no
    longer the one to export, share or show to the patient)."""
    newer = [v for v in versions_of(a) if v.version > a.version and v.is_signed]
    if not newer:
        return None
    latest = newer[-1]
    return Superseded(a.id, a.version, latest.id, latest.version, latest.signed_at)


def superseded_id(assessment_id: int) -> Superseded | None:
    a = db.session.get(Assessment, assessment_id)
    return superseded(a) if a is not None else None


def patient_assessments(patient_id: int) -> list[Assessment]:
    """All assessment rows of a patient, newest visit first (all versions)."""
    return list(
        db.session.execute(
            select(Assessment)
            .where(Assessment.patient_id == patient_id)
            .order_by(Assessment.seen_at.desc(), Assessment.version.desc())
        ).scalars()
    )


def current_versions(rows: list[Assessment]) -> list[Assessment]:
    """Per visit, the version that counts: the newest signed one, else the newest draft."""
    by_root: dict[int, list[Assessment]] = {}
    for a in rows:
        by_root.setdefault(a.chain_root_id, []).append(a)
    chosen = []
    for versions in by_root.values():
        signed = [v for v in versions if v.is_signed]
        pool = signed or versions
        chosen.append(max(pool, key=lambda v: v.version))
    return sorted(chosen, key=lambda v: v.seen_at, reverse=True)


def last_signed(patient_id: int) -> Assessment | None:
    signed = [a for a in current_versions(patient_assessments(patient_id)) if a.is_signed]
    return signed[0] if signed else None


def unsigned_drafts(
    clinic_id: int, older_than: timedelta = timedelta(hours=24), limit: int = 50
) -> list[Assessment]:
    """The clinic's drafts not signed within `older_than` (CSP: records are completed the same
    working day), oldest first. Uses ix_assessments_clinic_status_created."""
    cutoff = utcnow() - older_than
    return list(
        db.session.execute(
            select(Assessment)
            .where(
                Assessment.clinic_id == clinic_id,
                Assessment.status == Status.DRAFT,
                Assessment.created_at < cutoff,
            )
            .options(joinedload(Assessment.patient), joinedload(Assessment.created_by))
            .order_by(Assessment.created_at)
            .limit(limit)
        ).scalars()
    )


@dataclass(frozen=True)
class DraftRow:
    """An unsigned draft on the clinic's drafts list."""

    assessment_id: int
    patient_name: str
    kind: str
    seen_at: datetime
    created_at: datetime
    created_by: str


def unsigned_draft_rows(clinic_id: int) -> list[DraftRow]:
    """unsigned_drafts() as plain rows for the drafts page."""
    return [
        DraftRow(
            a.id, a.patient.full_name, a.kind.value, a.seen_at, a.created_at, a.created_by.name
        )
        for a in unsigned_drafts(clinic_id)
    ]


# --- life cycle -------------------------------------------------------------------------------


class NoSignedVisit(Exception):
    """A review needs a signed visit to review."""


def create_assessment(patient: Patient, kind: str, user: User) -> Assessment:
    """A new draft. A review starts from the last signed visit's stable facts and the weeks of
    running shifted by the dates (physio/clinical/review.py); it needs a signed visit."""
    now = utcnow()
    previous = last_signed(patient.id) if kind == Kind.REVIEW.value else None
    if kind == Kind.REVIEW.value and previous is None:
        raise NoSignedVisit(patient.id)
    a = Assessment(
        clinic_id=patient.clinic_id,
        patient=patient,
        kind=Kind(kind),
        seen_at=now,
        status=Status.DRAFT,
        created_by=user,
        updated_by=user,
        created_at=now,
        updated_at=now,
    )
    if previous is not None:
        start = review_rules.review_start(
            record_of(previous), local_date(now), psfs_entries=PSFS_ENTRIES
        )
        apply_record(a, start.record)
        on = local_date(previous.seen_at).isoformat()
        a.copy_forward = {
            "previous_id": previous.id,
            "shifted": {name: {"from": src, "on": on} for name, src in start.shifted.items()},
        }
    db.session.add(a)
    db.session.flush()
    return a


def previous_visit(a: Assessment) -> Assessment | None:
    """The signed visit a review starts from: the one it was created from, else the newest
    signed visit of another chain seen before it."""
    wanted = (a.copy_forward or {}).get("previous_id")
    if wanted:
        found = db.session.get(Assessment, wanted)
        if found is not None and found.is_signed:
            return found
    visits = current_versions(patient_assessments(a.patient_id))
    earlier = [
        v
        for v in visits
        if v.is_signed and v.chain_root_id != a.chain_root_id and v.seen_at <= a.seen_at
    ]
    return earlier[0] if earlier else None


def _update_copy_forward(a: Assessment, record: dict, confirmed: list[str] | None) -> None:
    """Keep a review's provenance marks true to what is now in the record: a confirmation per
    section tapped (dropped when undone), a shifted week only while its value is unchanged, the
    shoe estimate only while the value is the estimate."""
    if a.kind != Kind.REVIEW or a.copy_forward is None:
        return
    marks = dict(a.copy_forward)
    if confirmed is not None:
        before = marks.get("confirmed") or {}
        now = utcnow().isoformat(timespec="seconds")
        marks["confirmed"] = {
            name: before.get(name, now)
            for name in review_rules.SAME_AS_LAST_SECTIONS
            if name in confirmed
        }
    previous = previous_visit(a)
    shifted = {}
    for name, source in (marks.get("shifted") or {}).items():
        section, field = name.split("-", 1)
        src_section, src_field = source["from"].split("-", 1)
        old = record_of(previous)[src_section][src_field] if previous else None
        if record[section].get(field) == old and old is not None:
            shifted[name] = source
    marks["shifted"] = shifted
    estimate = review_estimate(a, previous)
    shoe = record["footwear"].get("shoe_km")
    if estimate is not None and shoe == estimate.value:
        marks["estimated"] = {
            "footwear-shoe_km": {"value": estimate.value, "basis": estimate.basis}
        }
    else:
        marks.pop("estimated", None)
    a.copy_forward = marks


def review_estimate(a: Assessment, previous: Assessment | None = None):
    previous = previous or previous_visit(a)
    if previous is None:
        return None
    return review_rules.shoe_km_estimate(
        record_of(previous), local_date(previous.seen_at), local_date(a.seen_at)
    )


def lock_record(a: Assessment) -> None:
    """Serialise changes to one record (all its versions): amend, sign and export take this
    lock first, then see the record as the previous holder left it. PostgreSQL: a row lock on
    the first version (SELECT … FOR UPDATE); SQLite: the database write lock, taken by a write
    that changes nothing. Held until the transaction ends. The unique (record, version) index
    is the last line of defence."""
    root = a.chain_root_id
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Assessment.id).where(Assessment.id == root).with_for_update())
    else:
        db.session.execute(
            update(Assessment)
            .where(Assessment.id == root)
            .values(root_id=Assessment.root_id)
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(a)


def _check_editable(a: Assessment, lock_version: int | None) -> None:
    if a.is_signed:
        raise ReadOnly(a.id)
    if lock_version is not None and lock_version != a.lock_version:
        raise EditConflict(a.id)


def save_draft(
    a: Assessment,
    record: dict,
    user: User,
    lock_version: int | None,
    *,
    before: dict | None = None,
    confirmed: list[str] | None = None,
    keep_autosave: bool = False,
) -> dict:
    """Write a validated record to a draft. Returns {posted field name: (old, new)}.

    `before`: record_of(a) as loaded, when the caller has read it already.
    `confirmed`: the review sections whose "same as last visit" is ticked on the page.
    `keep_autosave`: the page still has typing that is not valid yet (kept aside as well)."""
    _check_editable(a, lock_version)
    before = before if before is not None else record_of(a)
    apply_record(a, record)
    _update_copy_forward(a, record_of(a), confirmed)
    a.updated_by = user
    a.updated_at = utcnow()
    if not keep_autosave:
        a.autosave = None
        a.autosave_at = None
    changes = changed_fields(before, record_of(a))
    provenance.record_corrections(a, changes, user)  # a patient-reported value changed: who, when
    return changes


def save_autosave(a: Assessment, payload: dict, lock_version: int | None) -> None:
    """Keep the browser's raw, not-yet-valid form payload so no typing is lost."""
    _check_editable(a, lock_version)
    a.autosave = payload
    a.autosave_at = utcnow()


# The emergency fast path (tier E): what must be recorded to sign; the other sections are
# recorded as not assessed. The red flags and the decision are checked as always.
EMERGENCY_REQUIRED = ("history-presenting_complaint",)


def emergency_path(derived: Derived) -> bool:
    return derived.red_flags.tier == "E"


def sign_problems(
    a: Assessment, record: dict | None = None, derived: Derived | None = None
) -> list[Problem]:
    """Everything that stops this record from being signed, each at its field and named."""
    record = record or record_of(a)
    derived = derived or derive_for(a, record)
    emergency = emergency_path(derived)
    problems: list[Problem] = []
    for section, f in all_fields():
        name = f"{section.name}-{f.name}"
        if emergency and section.name != "red_flags" and name not in EMERGENCY_REQUIRED:
            continue
        value = record[section.name].get(f.name)
        required = f.required or name in EMERGENCY_REQUIRED
        if required and (value is None or value == "" or value == []):
            problems.append(Problem(name, f"{section.title} · {f.label}: required to sign."))
    training = record["training"]
    if not emergency and (training.get("runs_per_week") or 0) > 0:
        for i in range(1, 5):
            if training.get(f"weekly_km_w{i}") is None:
                label = SECTIONS_BY_NAME["training"].field(f"weekly_km_w{i}").label
                problems.append(
                    Problem(
                        f"training-weekly_km_w{i}",
                        f"Weekly km, {label.lower()}: required when running.",
                    )
                )
    # At tier E the unanswered flags are recorded as "not asked" when signed (see sign()):
    # never a false "no", and never a wait before the emergency referral.
    if a.kind == Kind.INITIAL and not emergency:
        for name in derived.red_flags.unanswered:
            problems.append(
                Problem(
                    f"red_flags-{name}",
                    f"Red flag not answered: {RULES_BY_FIELD[name].label}.",
                )
            )
    for name, message in decision_issues(record, derived.red_flags):
        problems.append(Problem(f"red_flags-{name}" if name else None, message))
    return problems


def not_assessed_sections(record: dict) -> list[str]:
    """Sections with nothing entered (the emergency fast path records them as not assessed)."""
    empty = []
    for section in SECTIONS:
        if section.name == "red_flags":
            continue
        values = record[section.name]
        filled = any(review_rules.has_value(values.get(f.name)) for f in section.fields) or bool(
            values.get("psfs") or values.get("body_chart")
        )
        if not filled:
            empty.append(section.name)
    return empty


# --- what is signed -----------------------------------------------------------------------------

HASH_VERSION = 2  # the canonical form new signatures use (see canonical_content)


def _plain_v1(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _canonical_v1(a: Assessment, plain=_plain_v1) -> str:
    """Hash version 1 (records signed before version 2): the record as held in memory when it
    was signed, every field included. Kept so those records still verify."""
    record = record_of(a)
    # Parts added after the first records were signed: left out when empty, so the content
    # (and the SHA-256) of every record signed before them is unchanged.
    if not record["pain"]["body_chart"]:
        del record["pain"]["body_chart"]
    for key in ("copy_forward", "not_assessed"):
        if not record[key]:
            del record[key]
    if record["outcomes"].get("rmdq_none") is None:
        del record["outcomes"]["rmdq_none"]
    payload = {
        "assessment_id": a.id,
        "patient_id": a.patient_id,
        "version": a.version,
        "amends_id": a.amends_id,
        "kind": record.pop("kind"),
        "seen_at": plain(record.pop("seen_at")),
        "record": record,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), default=plain, ensure_ascii=False
    )


def _plain_v1_whole(value):
    """Version 1 hashed a decimal as given (45), the database hands it back at its scale
    (45.0): the same number without trailing zeros, to try as well."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return _plain_v1(value)


def _plain_v2(value):
    if isinstance(value, Decimal):
        # The number, not its scale: 45, 45.0 and 45.00 are one value (stored at the field's
        # declared places, so what is stored is what is signed).
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: v for k, v in ((k, _plain_v2(v)) for k, v in value.items()) if _present(v)}
    if isinstance(value, list | tuple):
        return [_plain_v2(v) for v in value]
    return value


def _present(value) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _canonical_v2(a: Assessment) -> str:
    """Hash version 2: what the database holds for the signed version, read back after it was
    written, with absent values left out (a field added to the schema later changes no old
    record's content), numbers independent of their storage scale, times in UTC, and the
    patient facts the record depends on (date of birth, sex) as they were at signing."""
    record = record_of(a)
    kind, seen_at = record.pop("kind"), record.pop("seen_at")
    payload = {
        "hash_version": 2,
        "assessment_id": a.id,
        "clinic_id": a.clinic_id,
        "patient_id": a.patient_id,
        "root_id": a.root_id,
        "version": a.version,
        "amends_id": a.amends_id,
        "amendment_reason": a.amendment_reason,
        "kind": kind,
        "seen_at": seen_at,
        "signed_by_id": a.signed_by_id,
        "signed_at": a.signed_at,
        "patient": a.signed_patient,
        "record": record,
    }
    return json.dumps(_plain_v2(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_content(a: Assessment, hash_version: int | None = None) -> str:
    """The signed content as canonical JSON: what the SHA-256 in `content_hash` covers, in the
    form of the record's hash version (a draft: the current one)."""
    version = hash_version or a.hash_version or (1 if a.content_hash else HASH_VERSION)
    return _canonical_v1(a) if version == 1 else _canonical_v2(a)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(a: Assessment) -> str:
    return _sha256(canonical_content(a))


def sign(a: Assessment, user: User, *, signed_at: datetime | None = None) -> None:
    if a.is_signed:
        raise ReadOnly(a.id)
    record = record_of(a)
    derived = derive_for(a, record)
    if emergency_path(derived):
        a.not_assessed = not_assessed_sections(record) or None
        # The flags nobody asked about in the emergency are recorded as that, not as "no".
        for name in derived.red_flags.unanswered:
            setattr(a, f"red_flags_{name}", "not_asked")
    a.status = Status.SIGNED
    a.signed_by = user
    a.signed_at = signed_at or utcnow()
    a.signed_patient = signed_facts(a.patient)
    a.hash_version = HASH_VERSION
    a.autosave = None
    a.autosave_at = None
    # The hash covers what was written, read back from the database (not the values held in
    # memory, which may differ in scale or time zone from what the columns keep).
    db.session.flush()
    for item in a.psfs_items:
        db.session.expire(item)
    db.session.expire(a)
    a.content_hash = content_hash(a)


@dataclass(frozen=True)
class Mismatch:
    assessment_id: int
    version: int | None
    patient_id: int | None
    problem: str
    missing: bool = False  # the audit log records a signature whose record is gone

    def __str__(self) -> str:
        about = [f"version {self.version}"] if self.version is not None else []
        about += [f"patient {self.patient_id}"] if self.patient_id is not None else []
        return f"assessment {self.assessment_id} ({', '.join(about) or 'no row'}): {self.problem}"


def verify_signed(a: Assessment) -> str | None:
    """None when the signed hash matches what is stored, else what is wrong."""
    if not a.content_hash:
        return "signed without a content hash"
    if a.hash_version in (None, 1):
        candidates = [_canonical_v1(a), _canonical_v1(a, _plain_v1_whole)]
        if any(_sha256(c) == a.content_hash for c in candidates):
            return None
        return "stored content does not match its signed hash (hash version 1)"
    if a.hash_version != HASH_VERSION:
        return f"unknown hash version {a.hash_version}"
    if _sha256(_canonical_v2(a)) != a.content_hash:
        return "stored content does not match its signed hash"
    return None


SIGNED_TWICE = (
    "signed more than once with different content (the audit log holds {n} signatures): a "
    "signed record was reopened and signed again; an amendment is a new version"
)


def verify_all_signed(batch_size: int = 200) -> tuple[int, list[Mismatch]]:
    """Recompute every signed version's hash from the database, across clinics, and compare it
    with the hash stored at signing and with the one the (keyed) audit log's `sign` entry
    recorded, so recomputing the stored hash after a change doesn't hide it. An assessment is
    signed once (an amendment is a new row): two signatures of one id with different hashes
    mean it was reopened and signed again. Then the other way round: every keyed `sign` entry
    must name an existing signed version with that hash, unless its patient was erased.
    Returns (how many signed versions were checked, the mismatches)."""
    checked, bad = 0, []
    reported: set[int] = set()
    for batch in _signed_batches(batch_size):
        audited = _audited_hashes([a.id for a in batch])
        for a in batch:
            checked += 1
            problem = verify_signed(a)
            hashes = audited.get(a.id, [])
            if problem is None and len(set(hashes)) > 1:
                problem = SIGNED_TWICE.format(n=len(hashes))
            if problem is None and hashes and hashes[-1] != a.content_hash:
                problem = "its hash is not the one the audit log recorded at signing"
            if problem is None and not hashes and a.hash_version == HASH_VERSION:
                # hash version 2 came with the keyed audit log: every such signature has its
                # `sign` entry, so a signed row without one was made in the database
                problem = "signed, but the audit log records no signature of it"
            if problem:
                bad.append(Mismatch(a.id, a.version, a.patient_id, problem))
                reported.add(a.id)
        db.session.expunge_all()
    bad.extend(_signatures_without_their_record(reported, batch_size))
    return checked, bad


def _audited_hashes(ids: list[int]) -> dict[int, list[str]]:
    """{assessment id: content hashes, oldest first} from the audit log's sign entries."""
    rows = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.detail)
        .where(
            AuditEvent.action == "sign",
            AuditEvent.object_type == "assessment",
            AuditEvent.object_id.in_(ids),
        )
        .order_by(AuditEvent.id)
        .execution_options(skip_clinic_scope=True)
    ).all()
    found: dict[int, list[str]] = {}
    for object_id, detail in rows:
        if object_id is not None and isinstance(detail, dict) and detail.get("content_hash"):
            found.setdefault(object_id, []).append(detail["content_hash"])
    return found


def _erased() -> tuple[set[int], set[int]]:
    """(patient ids, assessment ids) the audit log's erase entries record as erased."""
    patients: set[int] = set()
    assessments: set[int] = set()
    rows = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.detail)
        .where(AuditEvent.action == "erase", AuditEvent.object_type == "patient")
        .execution_options(skip_clinic_scope=True)
    ).all()
    for object_id, detail in rows:
        if object_id is not None:
            patients.add(object_id)
        ids = detail.get("assessment_ids") if isinstance(detail, dict) else None
        if isinstance(ids, list):
            assessments.update(i for i in ids if isinstance(i, int))
    return patients, assessments


def _signatures_without_their_record(reported: set[int], batch_size: int) -> list[Mismatch]:
    """Keyed `sign` entries whose assessment is gone, no longer signed, or signed with another
    hash (ids already reported are skipped)."""
    from physio.services.audit import SCHEME

    erased_patients, erased_assessments = _erased()
    bad: list[Mismatch] = []
    last_id = 0
    while True:
        entries = db.session.execute(
            select(AuditEvent.id, AuditEvent.object_id, AuditEvent.detail)
            .where(
                AuditEvent.action == "sign",
                AuditEvent.object_type == "assessment",
                AuditEvent.scheme == SCHEME,
                AuditEvent.id > last_id,
            )
            .order_by(AuditEvent.id)
            .limit(batch_size)
            .execution_options(skip_clinic_scope=True)
        ).all()
        if not entries:
            return bad
        last_id = entries[-1].id
        ids = {e.object_id for e in entries if e.object_id is not None}
        rows = {
            row.id: row
            for row in db.session.execute(
                select(
                    Assessment.id,
                    Assessment.status,
                    Assessment.content_hash,
                    Assessment.version,
                    Assessment.patient_id,
                )
                .where(Assessment.id.in_(ids))
                .execution_options(skip_clinic_scope=True)
            )
        }
        for _, object_id, detail in entries:
            detail = detail if isinstance(detail, dict) else {}
            if object_id is None or object_id in reported:
                continue
            row = rows.get(object_id)
            if row is None:
                if object_id in erased_assessments or detail.get("patient_id") in erased_patients:
                    continue
                problem = "missing: the audit log records its signature, but the record is gone"
                bad.append(
                    Mismatch(
                        object_id,
                        detail.get("version"),
                        detail.get("patient_id"),
                        problem,
                        missing=True,
                    )
                )
            elif row.status != Status.SIGNED:
                problem = "the audit log records its signature, but it is no longer signed"
                bad.append(Mismatch(object_id, row.version, row.patient_id, problem))
            elif row.content_hash != detail.get("content_hash"):
                problem = "its hash is not the one the audit log recorded at signing"
                bad.append(Mismatch(object_id, row.version, row.patient_id, problem))
            else:
                continue
            reported.add(object_id)


def _signed_batches(batch_size: int) -> Iterator[list[Assessment]]:
    last_id = 0
    while True:
        rows = list(
            db.session.execute(
                select(Assessment)
                .where(Assessment.status == Status.SIGNED, Assessment.id > last_id)
                .order_by(Assessment.id)
                .limit(batch_size)
                .execution_options(skip_clinic_scope=True)
            ).scalars()
        )
        if not rows:
            return
        last_id = rows[-1].id
        yield rows


def amend(original: Assessment, reason: str, user: User) -> Assessment:
    """Open a new draft version of a signed assessment; the original stays as signed."""
    if not original.is_signed:
        raise ValueError("only a signed assessment can be amended")
    latest = versions_of(original)[-1]
    if not latest.is_signed:
        return latest  # an amendment is already open: continue it
    now = utcnow()
    new = Assessment(
        clinic_id=latest.clinic_id,
        patient_id=latest.patient_id,
        kind=latest.kind,
        seen_at=latest.seen_at,
        status=Status.DRAFT,
        created_by=user,
        updated_by=user,
        created_at=now,
        updated_at=now,
        root_id=latest.chain_root_id,
        amends_id=latest.id,
        version=latest.version + 1,
        amendment_reason=reason,
    )
    apply_record(new, record_of(latest))
    db.session.add(new)
    db.session.flush()
    return new


def changed_fields(before: dict, after: dict) -> dict[str, tuple]:
    """{posted field name: (old, new)} between two records."""
    changes: dict[str, tuple] = {}
    if before.get("seen_at") != after.get("seen_at"):
        changes["seen_at"] = (before.get("seen_at"), after.get("seen_at"))
    for section, f in all_fields():
        old, new = before[section.name].get(f.name), after[section.name].get(f.name)
        if f.kind == "multi":
            old, new = sorted(old or []), sorted(new or [])
        if old != new:
            changes[f"{section.name}-{f.name}"] = (old, new)
    old_chart = before["pain"].get("body_chart") or []
    new_chart = after["pain"].get("body_chart") or []
    if old_chart != new_chart:
        changes["pain-body_chart"] = (old_chart, new_chart)
    old_psfs = before["outcomes"].get("psfs") or []
    new_psfs = after["outcomes"].get("psfs") or []
    if old_psfs != new_psfs:
        changes["outcomes-psfs"] = (old_psfs, new_psfs)
    return changes


def progress_between(visits: list[Assessment], patient: Patient) -> tuple[list, dict]:
    """Progress from the first to the last of `visits` (oldest first): the measure comparisons
    and the chart series (measure → dated values). Nothing for fewer than two visits. The one
    place that pairs records with their derived figures, for the patient page and the PDF."""
    if len(visits) < 2:
        return [], {}
    pairs = [
        (record, derive(record, context_of(v)))
        for v, record in zip(visits, map(record_of, visits), strict=True)
    ]
    return compare_visits(*pairs[0], *pairs[-1], skip_missing=True), series(pairs)


def timeline_context(patient: Patient) -> dict:
    """The patient page's assessments (current version per visit) and progress comparisons."""
    rows = patient_assessments(patient.id)
    visits = current_versions(rows)
    signed = sorted((a for a in visits if a.is_signed), key=lambda a: a.seen_at)
    progress, chart_series = progress_between(signed, patient)
    versions_count: dict[int, int] = {}
    for a in rows:
        versions_count[a.chain_root_id] = versions_count.get(a.chain_root_id, 0) + 1
    return {
        "visits": visits,
        "signed_visits": signed,
        "versions_count": versions_count,
        "progress": progress,
        "series": chart_series,
    }
