"""The plan review form: one row per plan item, plus "add from the library"."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import NumberInput

from physio.forms.base import BaseForm, SectionForm
from physio.plan import TreatmentPlan
from physio.plan.library import INTERVENTIONS

DOSE_FIELDS = ("sets", "reps", "hold_s", "days_per_week")


def _dose(label: str, lo: int, hi: int) -> IntegerField:
    # Ranges are checked by the pure plan code (physio/plan/edits.py), with its own messages.
    return IntegerField(
        label,
        validators=[Optional()],
        widget=NumberInput(min=lo, max=hi),
        render_kw={"inputmode": "numeric"},
    )


class PlanItemForm(SectionForm):
    code = HiddenField()
    included = BooleanField("Include")
    sets = _dose("Sets", 1, 10)
    reps = _dose("Reps", 1, 50)
    hold_s = _dose("Hold (s)", 5, 120)
    days_per_week = _dose("Days/week", 1, 7)
    target = StringField("Target", validators=[Optional(), Length(max=200)])
    physio_note = TextAreaField("Note for the patient", validators=[Optional(), Length(max=2000)])


class PlanForm(BaseForm):
    items = FieldList(FormField(PlanItemForm), min_entries=0, max_entries=60)
    # Unknown or non-addable codes are refused by the pure plan code (physio/plan/edits.py).
    add_code = SelectField("Add from the library", validate_choice=False)


def plan_form(plan: TreatmentPlan, formdata=None) -> PlanForm:
    """A form listing `plan`'s items in order, with library items not yet in the plan."""
    in_plan = {item.code for item in plan.items}
    choices = [SelectChoice("", "— choose an item to add —")] + [
        SelectChoice(code, f"{entry.title} ({entry.kind.replace('_', ' ')})")
        for code, entry in sorted(INTERVENTIONS.items(), key=lambda kv: (kv[1].kind, kv[1].title))
        if entry.addable and code not in in_plan
    ]
    if formdata is not None:
        form = PlanForm(formdata=formdata)
    else:
        data = {
            "items": [
                {
                    "code": i.code,
                    "included": i.included,
                    "target": i.target or "",
                    "physio_note": i.physio_note or "",
                    **{f: getattr(i, f) for f in DOSE_FIELDS},
                }
                for i in plan.items
            ]
        }
        form = PlanForm(formdata=None, data=data)
    form.add_code.choices = choices
    return form


def edits_from_form(form: PlanForm, derived: TreatmentPlan) -> list[dict]:
    """Only what differs from the derived plan, so the rules' later changes (an amendment)
    still flow into items the physio did not touch."""
    derived_items = {i.code: i for i in derived.items}
    derived_order = [i.code for i in derived.items]
    edits = []
    posted_codes = [entry.form.code.data for entry in form.items]
    for position, entry in enumerate(form.items):
        sub = entry.form
        code = sub.code.data
        base = derived_items.get(code)
        edit: dict = {"code": code}
        values = {
            "included": sub.included.data,
            "target": sub.target.data or None,
            "physio_note": sub.physio_note.data or None,
            **{f: sub[f].data for f in DOSE_FIELDS},
        }
        for key, value in values.items():
            if base is None or getattr(base, key) != value:
                edit[key] = value
        if posted_codes != derived_order[: len(posted_codes)] or base is None:
            edit["position"] = position
        if len(edit) > 1:
            edits.append(edit)
    if form.add_code.data:
        edits.append({"code": form.add_code.data, "included": True, "position": len(form.items)})
    return edits
