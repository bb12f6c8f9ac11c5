"""Who entered what: values in an assessment that the patient reported (a questionnaire link),
and the physio's later corrections of them.

The record itself stays as docs/assessment.md describes it; provenance is kept beside it, one
`ReportedField` per posted field name ("outcomes-psfs" for the PSFS rows as a whole). The form and
the read-only view show it as notes next to the fields (`field_notes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from physio.clinical.schema import SECTIONS_BY_NAME
from physio.clock import local_date
from physio.extensions import db
from physio.models import Assessment, Questionnaire, ReportedField, User
from physio.models.base import utcnow

PSFS_FIELD = "outcomes-psfs"
# A patient's questionnaire only ever fills these sections (record_sections in
# physio.clinical.patient_questionnaire): saves that touch nothing else skip the lookup.
REPORTABLE_SECTIONS = ("pain-", "outcomes-")


def plain(value):
    """JSON-native form of a record value (Decimal → str) for storing and comparing."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _names(partial: dict) -> dict[str, object]:
    """{posted name: value} of a partial record."""
    out: dict[str, object] = {}
    for section, values in partial.items():
        for name, value in values.items():
            out[PSFS_FIELD if name == "psfs" else f"{section}-{name}"] = value
    return out


def record_reported(a: Assessment, q: Questionnaire, partial: dict, user: User) -> list[str]:
    """Note that the values in `partial` (just written into draft `a`) came from the patient."""
    now = utcnow()
    names = _names(partial)
    existing = {r.field: r for r in rows_of(a.id)}
    for name, value in names.items():
        row = existing.get(name)
        if row is None:
            row = ReportedField(clinic_id=a.clinic_id, assessment_id=a.id, field=name)
            db.session.add(row)
        row.questionnaire_id = q.id
        row.reported_at = q.completed_at or now  # completed: set when the patient finished
        row.value = plain(value)
        row.imported_at = now
        row.imported_by_id = user.id
        row.corrected_at = row.corrected_by_id = row.corrected_value = None
    return sorted(names)


def record_differing(
    a: Assessment, q: Questionnaire, differing: dict[str, tuple], user: User
) -> None:
    """Note answers the patient gave that differ from a value the draft already held (which
    stays): kept as a reported value "corrected" before it came in, by nobody in particular
    (corrected_by is None: the draft's value was there first). When the physio later takes the
    patient's value, `record_corrections` turns it into a plain reported one."""
    if not differing:
        return
    now = utcnow()
    existing = {r.field: r for r in rows_of(a.id)}
    for name, (reported, in_draft) in differing.items():
        row = existing.get(name)
        if row is None:
            row = ReportedField(clinic_id=a.clinic_id, assessment_id=a.id, field=name)
            db.session.add(row)
        row.questionnaire_id = q.id
        row.reported_at = q.completed_at or now
        row.value = plain(reported)
        row.imported_at = now
        row.imported_by_id = user.id
        row.corrected_at = now
        row.corrected_by_id = None
        row.corrected_value = plain(in_draft)


def differs(row: ReportedField) -> bool:
    """The patient's answer was not taken: the draft already held another value."""
    return row.corrected_at is not None and row.corrected_by_id is None


def rows_of(assessment_id: int) -> list[ReportedField]:
    return list(
        db.session.execute(
            select(ReportedField)
            .where(ReportedField.assessment_id == assessment_id)
            .options(joinedload(ReportedField.corrected_by))
            .order_by(ReportedField.id)
        ).scalars()
    )


def record_corrections(a: Assessment, changes: dict[str, tuple], user: User) -> None:
    """After a draft save: a reported value the physio changed keeps who changed it, when, and
    to what (the patient's own answer stays in `value`). Called with the save's changes."""
    if not any(name.startswith(REPORTABLE_SECTIONS) for name in changes):
        return
    for row in rows_of(a.id):
        if row.field not in changes:
            continue
        after = changes[row.field][1]
        new = plain(psfs_rows(after) if row.field == PSFS_FIELD else after)
        if new == row.value:
            row.corrected_at = row.corrected_by_id = row.corrected_value = None
        else:
            row.corrected_at = utcnow()
            row.corrected_by_id = user.id
            row.corrected_value = new


def psfs_rows(rows) -> list[dict]:
    return [{"activity": r.get("activity"), "score": r.get("score")} for r in rows or []]


@dataclass(frozen=True)
class Note:
    label: str  # the field's label, for lists of notes
    text: str
    corrected: bool


def _label(field: str) -> str:
    if field == PSFS_FIELD:
        return "Patient-Specific Functional Scale (activities and scores)"
    section, _, name = field.partition("-")
    schema = SECTIONS_BY_NAME.get(section)
    try:
        return schema.field(name).label if schema else field
    except StopIteration:
        return field


def _day(moment: datetime) -> str:
    day = local_date(moment)
    return f"{day.day} {day:%b %Y}"


def _words(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return "; ".join(f"{r.get('activity')} {r.get('score')}/10" for r in value)
    return "blank" if value is None else str(value)


#: Questionnaires of many ticks get one note for the whole group, shown at the top of it (a
#: note under each of 24 checkboxes would double the form), keyed by the group's name; an item
#: a physio changed still gets its own note at the item.
_GROUPS = {
    "outcomes-rmdq_": ("outcomes-rmdq", "Roland-Morris (RMDQ-24)"),
    "outcomes-sbst_": ("outcomes-sbst", "STarT Back"),
}
#: Notes shown at the top of a group, not at a field: the form places them (form.html).
GROUP_NOTES = ("outcomes-rmdq", "outcomes-psfs", "outcomes-sbst")


def field_notes(a: Assessment, rows: list[ReportedField] | None = None) -> dict[str, Note]:
    """{posted name: note} for the fields of `a` the patient reported; whole questionnaires
    (RMDQ, STarT Back, the PSFS rows) under their group's name (GROUP_NOTES).
    `rows`: the assessment's `rows_of`, when the caller already has them."""
    notes: dict[str, Note] = {}
    grouped: dict[str, list[ReportedField]] = {}
    for row in rows_of(a.id) if rows is None else rows:
        group = next((g for g in _GROUPS if row.field.startswith(g)), None)
        if group and row.corrected_at is None:
            grouped.setdefault(group, []).append(row)
            continue
        reported = f"Reported by the patient on {_day(row.reported_at)}"
        if differs(row):
            note = Note(
                _label(row.field),
                f"The patient reported {_words(row.value)} on {_day(row.reported_at)}"
                " (the value entered before was kept)",
                corrected=True,
            )
        elif row.corrected_at is None:
            note = Note(_label(row.field), reported, corrected=False)
        else:
            who = row.corrected_by.name if row.corrected_by else "a physio"
            note = Note(
                _label(row.field),
                f"{reported} ({_words(row.value)}); changed by {who} on {_day(row.corrected_at)}",
                corrected=True,
            )
        notes[row.field] = note  # PSFS: "outcomes-psfs", the top of its rows
    for group, rows in grouped.items():
        key, label = _GROUPS[group]
        days = ", ".join(sorted({_day(r.reported_at) for r in rows}))
        notes[key] = Note(
            label, f"{label}: {len(rows)} answers reported by the patient on {days}", False
        )
    return notes


def summary(a: Assessment, rows: list[ReportedField] | None = None) -> dict | None:
    """For the box above the form: when the patient answered, how many values, how many the
    physio changed since."""
    rows = rows_of(a.id) if rows is None else rows
    if not rows:
        return None
    taken = [r for r in rows if not differs(r)]
    return {
        "reported_on": sorted({_day(r.reported_at) for r in rows}),
        "count": len(taken),
        "corrected": sum(r.corrected_at is not None for r in taken),
        "differ": len(rows) - len(taken),
    }
