"""Questionnaires sent to a patient before a visit: make the link, check the date of birth, keep
the answers page by page, complete, remind, and put the answers into the next draft.

The pages and their questions are pure data (physio/clinical/patient_questionnaire.py); this
module stores them. Everything a patient submits writes only their own questionnaire row: rows
are found by the token's hash, and the answers are read only for the names the page asks.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from physio.clinical import patient_questionnaire as pq
from physio.clinical.scoring import rmdq_asked
from physio.extensions import db
from physio.models import Assessment, Clinic, Patient, Questionnaire, User
from physio.models.base import utcnow
from physio.services import assessments as assessment_service
from physio.services import provenance
from physio.services.patient_links import (
    LinkUnknown,
    link_state,
    new_token,
    plausible_token,
    refuse_revoked_or_expired,
    token_hash,
)

MAX_DOB_TRIES = 5
FINISH = "check"  # the last page: the patient looks over the answers and sends them


class NotSendable(ValueError):
    """The instruments asked for can't be sent by this clinic (message says why)."""


# --- sending ------------------------------------------------------------------------------------


def sendable_instruments(clinic: Clinic) -> list[str]:
    return pq.available_instruments(
        sbst=clinic.sbst_enabled,
        odi=clinic.odi_enabled,
        odi_loaded=pq.valid_odi_statements(clinic.odi_statements),
    )


def _previous_activities(patient_id: int) -> list[str]:
    last = assessment_service.last_signed(patient_id)
    if last is None:
        return []
    return [p.activity for p in last.psfs_items if p.activity][: pq.PSFS_ROWS]


def create(
    patient: Patient, instruments: list[str], user: User, days: int
) -> tuple[Questionnaire, str]:
    """A new questionnaire link for `patient`; (row, token). The token is not stored."""
    allowed = sendable_instruments(user.clinic)
    chosen = [i for i in pq.INSTRUMENTS if i in set(instruments)]
    refused = sorted(set(instruments) - set(allowed))
    if refused:
        raise NotSendable(
            "Not available for this clinic: " + ", ".join(refused) + " (licensed instruments are "
            "switched on, and the ODI wording loaded, by an admin)."
        )
    if not chosen:
        raise NotSendable("Choose at least one questionnaire to send.")
    now = utcnow()
    token, hashed = new_token()
    q = Questionnaire(
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
        token_hash=hashed,
        instruments=chosen,
        psfs_previous=_previous_activities(patient.id) if "psfs" in chosen else [],
        answers={},
        pages_done=[],
        created_at=now,
        created_by=user,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(q)
    db.session.flush()
    return q, token


def questionnaires_of(patient_id: int) -> list[Questionnaire]:
    return list(
        db.session.execute(
            select(Questionnaire)
            .where(Questionnaire.patient_id == patient_id)
            .options(joinedload(Questionnaire.created_by))
            .order_by(Questionnaire.created_at.desc())
        ).scalars()
    )


# --- the patient's side -------------------------------------------------------------------------


def resolve(token: str) -> Questionnaire:
    """The questionnaire of a token (either the first one or the reminder's).

    Unknown → LinkUnknown; revoked → LinkRevoked; expired and not completed → LinkExpired.
    Completed and locked ones are returned: the pages say so."""
    if not plausible_token(token):
        raise LinkUnknown()
    hashed = token_hash(token)
    q = db.session.execute(
        select(Questionnaire)
        .where((Questionnaire.token_hash == hashed) | (Questionnaire.reminder_token_hash == hashed))
        .execution_options(skip_clinic_scope=True)
    ).scalar_one_or_none()
    if q is None:
        raise LinkUnknown()
    return refuse_revoked_or_expired(q)


def state_of(q: Questionnaire) -> str:
    return link_state(q)


def clinic_name(q: Questionnaire) -> str:
    return db.session.get_one(Clinic, q.clinic_id).name


def pages_for(q: Questionnaire) -> list[pq.Page]:
    clinic = db.session.get_one(Clinic, q.clinic_id)
    return pq.build_pages(q.instruments, q.psfs_previous or [], clinic.odi_statements)


def page_by_key(q: Questionnaire, key: str | None) -> pq.Page | None:
    return next((p for p in pages_for(q) if p.key == key), None)


def next_page_key(q: Questionnaire) -> str:
    """Where a returning patient carries on: the first page not answered yet, else the check."""
    done = set(q.pages_done or [])
    for page in pages_for(q):
        if page.key not in done:
            return page.key
    return FINISH


def parse_date_of_birth(text: str | None) -> date | None:
    text = (text or "").strip()
    if len(text) != 10 or not text.isascii():
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_date_of_birth(q: Questionnaire, text: str | None) -> str:
    """ok | malformed | wrong | locked. Wrong tries are counted in the database with one
    conditional UPDATE, so parallel requests and several workers share the 5 tries."""
    if q.locked_at is not None:
        return "locked"
    given = parse_date_of_birth(text)
    if given is None:
        return "malformed"
    patient = db.session.execute(
        select(Patient.date_of_birth)
        .where(Patient.id == q.patient_id)
        .execution_options(skip_clinic_scope=True)
    ).scalar_one()
    if secrets.compare_digest(given.isoformat(), patient.isoformat()):
        return "ok"
    result = db.session.execute(
        update(Questionnaire)
        .where(
            Questionnaire.id == q.id,
            Questionnaire.locked_at.is_(None),
            Questionnaire.dob_failures < MAX_DOB_TRIES,
        )
        .values(dob_failures=Questionnaire.dob_failures + 1)
        .execution_options(synchronize_session=False)
    )
    counted = cast(CursorResult, result).rowcount
    db.session.execute(
        update(Questionnaire)
        .where(
            Questionnaire.id == q.id,
            Questionnaire.locked_at.is_(None),
            Questionnaire.dob_failures >= MAX_DOB_TRIES,
        )
        .values(locked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(q)
    if q.locked_at is not None or not counted:
        return "locked"
    return "wrong"


def tries_left(q: Questionnaire) -> int:
    return max(0, MAX_DOB_TRIES - (q.dob_failures or 0))


def mark_opened(q: Questionnaire) -> bool:
    if q.opened_at is None:
        q.opened_at = utcnow()
        return True
    return False


def save_page(q: Questionnaire, page: pq.Page, answers: dict, *, done: bool = True) -> None:
    """Keep one page's answers (replacing that page's earlier answers) and mark it done; with
    `done=False` (a page sent with a mistake) its valid answers are kept, not marked done.

    Two saves at once (two tabs) would both start from the same answers: the row's version
    counter makes the later one fail, and it is re-applied on fresh answers."""
    names = set(page.field_names())
    for attempt in range(3):
        merged = {k: v for k, v in (q.answers or {}).items() if k not in names}
        merged.update({k: v for k, v in answers.items() if k in names})
        q.answers = merged
        if done:
            q.pages_done = sorted({*(q.pages_done or []), page.key})
        try:
            db.session.flush()
            return
        except StaleDataError:
            if attempt == 2:
                raise
            db.session.rollback()
            q = db.session.execute(
                select(Questionnaire)
                .where(Questionnaire.id == q.id)
                .execution_options(skip_clinic_scope=True, populate_existing=True)
            ).scalar_one()


class NotFinished(Exception):
    def __init__(self, page_key: str):
        super().__init__(page_key)
        self.page_key = page_key


def complete(q: Questionnaire) -> None:
    """Send the answers to the clinic: the response becomes read-only."""
    missing = next_page_key(q)
    if missing != FINISH:
        raise NotFinished(missing)
    if q.completed_at is None:
        q.completed_at = utcnow()


def answer_summary(q: Questionnaire) -> list[tuple[pq.Page, list[tuple[str, str]]]]:
    return [(page, pq.answer_words(page, q.answers or {})) for page in pages_for(q)]


# --- into the record ------------------------------------------------------------------------------


def pending_for(patient_id: int) -> list[Questionnaire]:
    """Completed answers not yet in a draft, newest first (newest answers win)."""
    return list(
        db.session.execute(
            select(Questionnaire)
            .where(
                Questionnaire.patient_id == patient_id,
                Questionnaire.completed_at.is_not(None),
                Questionnaire.imported_into_id.is_(None),
            )
            .order_by(Questionnaire.completed_at.desc())
        ).scalars()
    )


def import_into_draft(a: Assessment, user: User) -> dict[int, list[str]]:
    """Pre-fill an open draft with the patient's completed answers; {questionnaire id: the
    fields filled}. A value the physio already entered is never overwritten."""
    if a.is_signed:
        return {}
    # A draft nobody has saved yet holds only what was copied from the last visit (a review
    # starts from it): today's answers replace those copies. Once saved, only blanks are filled.
    untouched = a.updated_at == a.created_at and not a.autosave
    filled: dict[int, list[str]] = {}
    for q in pending_for(a.patient_id):
        record = assessment_service.record_of(a)
        reported = pq.record_sections(q.answers or {})
        changes = _fill_blanks(record, reported, replace_copies=untouched and not filled)
        if changes:
            assessment_service.apply_record(a, changes)
            a.updated_at = utcnow()
            a.updated_by = user
        names = provenance.record_reported(a, q, changes, user)
        # What the patient answered differently from a value already in the draft: kept
        # beside the field as a note, the draft's value stays.
        provenance.record_differing(a, q, _differences(record, reported, changes), user)
        q.imported_into_id = a.id
        q.imported_at = utcnow()
        filled[q.id] = names
    if filled:
        db.session.flush()
    return filled


def _differences(record: dict, reported: dict, changes: dict) -> dict[str, tuple]:
    """{posted name: (the patient's value, the draft's)} for answers not taken into the draft
    because it already held another value (tick lists item by item, PSFS as a whole)."""
    out: dict[str, tuple] = {}
    taken = {section: set(values) for section, values in changes.items()}
    for section in ("pain", "outcomes"):
        in_draft = record[section]
        for name, value in reported[section].items():
            if name in taken.get(section, ()) or value is None:
                continue
            have = in_draft.get(name)
            if name == "psfs":
                mine = provenance.psfs_rows(value)
                theirs = [r for r in provenance.psfs_rows(have) if r["activity"]]
                if theirs and provenance.plain(mine) != provenance.plain(theirs):
                    out[provenance.PSFS_FIELD] = (mine, theirs)
                continue
            if name.startswith("rmdq_"):  # unticked boxes are saved as "no"
                if have is not None and bool(have) != bool(value):
                    out[f"{section}-{name}"] = (value, have)
                continue
            if not _blank(have) and provenance.plain(have) != provenance.plain(value):
                out[f"{section}-{name}"] = (value, have)
    return out


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _fill_blanks(record: dict, reported: dict, *, replace_copies: bool = False) -> dict:
    """The part of `reported` that goes into `record`, as a partial record.

    Pain scores and ODI sections: each where the draft has none. RMDQ and STarT Back: all items
    at once, only when the draft has no item answered yes (unticked boxes are saved as "no").
    PSFS: the patient's rows, only when no activity in the draft has a score yet. With
    `replace_copies` (nobody has saved the draft yet) the pain scores the patient gave replace
    the ones copied from the last visit, and PSFS rows re-rated by the patient replace the
    copied activity names."""
    out: dict = {"pain": {}, "outcomes": {}}
    for name, value in reported["pain"].items():
        if value is not None and (replace_copies or _blank(record["pain"].get(name))):
            out["pain"][name] = value
    outcomes, given = record["outcomes"], reported["outcomes"]
    for name, value in given.items():
        if name.startswith("odi_") and value is not None and _blank(outcomes.get(name)):
            out["outcomes"][name] = value
    rmdq = {k: v for k, v in given.items() if k in pq.RMDQ_FIELDS}
    if rmdq and not rmdq_asked(outcomes):
        out["outcomes"].update(rmdq)
        # The patient went through the RMDQ pages: nothing ticked is an answer (0/24).
        out["outcomes"]["rmdq_none"] = not any(v is True for v in rmdq.values())
    sbst = {k: v for k, v in given.items() if k.startswith("sbst_") and v is not None}
    draft_sbst = [outcomes.get(k) for k in (*pq.SBST_AGREE_FIELDS, "sbst_9")]
    if sbst and not any(v is True or isinstance(v, str) for v in draft_sbst):
        out["outcomes"].update(sbst)
    rows = given.get("psfs")
    if rows and not any(p.get("score") is not None for p in outcomes.get("psfs") or []):
        out["outcomes"]["psfs"] = rows
    return {k: v for k, v in out.items() if v}


# --- reminders ------------------------------------------------------------------------------------


def due_reminders(after_days: int, now: datetime | None = None) -> list[Questionnaire]:
    """Emailed links still open (not completed, revoked, locked or expired), sent at least
    `after_days` ago and not reminded yet: each gets one reminder, ever."""
    now = now or utcnow()
    return list(
        db.session.execute(
            select(Questionnaire)
            .where(
                Questionnaire.emailed_at.is_not(None),
                Questionnaire.reminded_at.is_(None),
                Questionnaire.completed_at.is_(None),
                Questionnaire.revoked_at.is_(None),
                Questionnaire.locked_at.is_(None),
                Questionnaire.expires_at > now,
                Questionnaire.emailed_at <= now - timedelta(days=after_days),
            )
            .order_by(Questionnaire.id)
            .execution_options(skip_clinic_scope=True)
        ).scalars()
    )


def new_reminder_token(q: Questionnaire) -> str:
    """A second token for the reminder email; the first one keeps working."""
    token, hashed = new_token()
    q.reminder_token_hash = hashed
    return token
