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
    ValidationError,
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


ADD_SIDES = [
    SelectChoice("both", "Both sides"),
    SelectChoice("left", "Left side only"),
    SelectChoice("right", "Right side only"),
    SelectChoice("", "Not sided"),
]


class PlanForm(BaseForm):
    items = FieldList(FormField(PlanItemForm), min_entries=0, max_entries=60)
    # Unknown or non-addable codes are refused by the pure plan code (physio/plan/edits.py).
    add_code = SelectField("Add from the library", validate_choice=False)
    # Checked by the pure plan code (left, right, both or none).
    add_side = SelectField("Side", choices=ADD_SIDES, validate_choice=False)
    add_reason = StringField(
        "Why (the patient reads this)",
        validators=[Optional(), Length(max=300)],
        description="e.g. “Your right hip flexor was tight on testing.”",
    )
    # "in_code:out_code": swap an exercise the cap left out for an included one.
    swap = HiddenField()

    def validate_add_reason(self, field):
        if self.add_code.data and not (field.data or "").strip():
            raise ValidationError("Say why you add this item: the patient reads it in the plan.")


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


def edits_from_form(
    form: PlanForm, derived: TreatmentPlan, swap: str | None = None
) -> tuple[list[dict], list[str]]:
    """Only what differs from the derived plan, so the rules' later changes (an amendment)
    still flow into items the physio did not touch. Returns (edits, notes for the physio).

    `swap` ("in:out") puts an exercise the cap left out in place of an included one, in one
    tap. An exercise added from the library when the cap is reached is added unticked (the
    other edits are saved; the physio chooses which one to untick)."""
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
    notes: list[str] = []
    swap_in, _, swap_out = (swap or "").partition(":")
    in_rows = swap_in in posted_codes  # an exercise already in the list, unticked (e.g. added)
    if (
        swap_in
        and swap_out
        and swap_out in posted_codes
        and swap_in != swap_out
        and (swap_in in derived.left_out or in_rows)
    ):
        out_edit = next((e for e in edits if e["code"] == swap_out), None)
        if out_edit is None:
            out_edit = {"code": swap_out}
            edits.append(out_edit)
        out_edit["included"] = False
        if in_rows:
            in_edit = next((e for e in edits if e["code"] == swap_in), None)
            if in_edit is None:
                in_edit = {"code": swap_in}
                edits.append(in_edit)
            in_edit["included"] = True
        else:
            edits.append(
                {"code": swap_in, "included": True, "position": posted_codes.index(swap_out) + 1}
            )
        notes.append(f"{_title(swap_in)} is in the plan instead of {_title(swap_out)}.")
    if form.add_code.data:
        code = form.add_code.data
        entry = INTERVENTIONS.get(code)
        included = True
        if entry is not None and entry.kind == "exercise":
            ticked = sum(
                1
                for e in form.items
                if e.form.included.data
                and INTERVENTIONS.get(e.form.code.data) is not None
                and INTERVENTIONS[e.form.code.data].kind == "exercise"
            )
            if ticked >= derived.exercise_cap:
                included = False
                notes.append(
                    f"{entry.title} was added but not ticked: {ticked} exercises are already "
                    f"included (at most {derived.exercise_cap}). Untick one, then tick it."
                )
        edits.append(
            {
                "code": code,
                "included": included,
                "position": len(form.items),
                "side": form.add_side.data or None,
                "reason": (form.add_reason.data or "").strip() or None,
            }
        )
    return edits, notes


def _is_exercise(code: str | None) -> bool:
    entry = INTERVENTIONS.get(code or "")
    return entry is not None and entry.kind == "exercise"


def keep_within_cap(form: PlanForm, current: TreatmentPlan) -> tuple[list[str], list[str]]:
    """Untick, in the posted form, the exercises ticked in this post beyond the cap (newest
    first), so the rest of the edits are saved instead of the whole plan being refused.
    Returns (the codes left unticked, notes for the physio naming the exercises that are in)."""
    cap = current.exercise_cap
    was_in = {i.code for i in current.items if i.included}
    ticked = [e.form for e in form.items if e.form.included.data and _is_exercise(e.form.code.data)]
    if len(ticked) <= cap:
        return [], []
    newly = [sub for sub in ticked if sub.code.data not in was_in]
    order = list(reversed(newly)) + [s for s in reversed(ticked) if s not in newly]
    unticked = []
    for sub in order[: len(ticked) - cap]:
        sub.included.data = False
        unticked.append(sub.code.data)
    kept = [_title(sub.code.data) for sub in ticked if sub.code.data not in unticked]
    names = ", ".join(_title(code) for code in unticked)
    verb = "was" if len(unticked) == 1 else "were"
    notes = [
        f"{names} {verb} not ticked: at most {cap} exercises, and these {len(kept)} are "
        f"ticked: {', '.join(kept)}. Untick one of them first, or swap in the cap box."
    ]
    return unticked, notes


def _title(code: str) -> str:
    entry = INTERVENTIONS.get(code)
    return entry.title if entry else code
