"""The assessment form, built from the one field declaration in physio/clinical/schema.py.

`assessment_form_class(odi=…, sbst=…)` returns a FlaskForm whose sections are FormFields, so the
posted names are exactly the contract's (`footwear-shoe_km`, `outcomes-psfs-0-score`, …).
Drafts may be incomplete: here only types, ranges and combinations are checked; what is needed
to *sign* is checked by the assessment service.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from physio.clinical.body_chart import BadMark, locations_from_chart, marks_from, parse_mark
from physio.clinical.red_flags import TIER_RANK
from physio.clinical.review import SAME_AS_LAST_SECTIONS
from physio.clinical.schema import (
    PSFS_ACTIVITY,
    PSFS_ENTRIES,
    PSFS_SCORE,
    SECTIONS,
    Field,
    Section,
)
from physio.clock import clinic_timezone
from physio.forms.base import BaseForm, SectionForm


class MultiCheckboxField(SelectMultipleField):
    """Zero or more values, as a group of checkboxes posting the same name."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {c.value for c in self.choices}
        bad = [v for v in (self.data or []) if v not in allowed]
        if bad:
            raise ValidationError(f"Not a valid choice: {', '.join(map(str, bad))}.")


class _FriendlyNumber:
    """Replaces WTForms' "Not a valid integer value." with the field's own range message."""

    def __init__(self, *args, parse_message: str = "Enter a number.", **kwargs):
        super().__init__(*args, **kwargs)
        self.parse_message = parse_message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.parse_message) from None
        # Decimal accepts "NaN" and "Infinity"; no measurement is either.
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.parse_message)


class WholeNumberField(_FriendlyNumber, IntegerField):
    pass


class NumberField(_FriendlyNumber, DecimalField):
    def _value(self):
        """A stored 9.0 is shown as 9, 12.50 as 12.5: the number, not the column's scale."""
        if self.raw_data or not isinstance(self.data, Decimal) or not self.data.is_finite():
            return super()._value()
        return format(self.data.normalize(), "f") if self.data else "0"


def _stop_if_unparsed(form, field):
    # A value that isn't a number already has its message; don't add a range message too.
    if field.process_errors:
        raise StopValidation()


def _range_message(f: Field) -> str:
    unit = f" {f.unit}" if f.unit and f.unit not in ("°",) else (f.unit or "")
    if f.kind == "int":
        return f"Enter a whole number from {f.min} to {f.max}{unit}."
    return f"Enter a number from {f.min} to {f.max}{unit}."


def _label(f: Field) -> str:
    """The label with its unit, so "km" vs "miles" is never a guess."""
    if f.unit and f"({f.unit})" not in f.label and f"{f.unit})" not in f.label:
        return f"{f.label} ({f.unit})"
    return f.label


def _wtforms_field(f: Field):
    """One WTForms field for one schema field. Every field may be blank in a draft."""
    kw = {"description": f.help or ""}
    f = replace(f, label=_label(f))
    if f.kind == "int":
        return WholeNumberField(
            f.label,
            widget=NumberInput(step=1, min=f.min, max=f.max),
            parse_message=_range_message(f),
            validators=[
                Optional(),
                _stop_if_unparsed,
                NumberRange(f.min, f.max, message=_range_message(f)),
            ],
            render_kw={"inputmode": "numeric"},
            **kw,
        )
    if f.kind == "decimal":
        step = "0.01" if f.places == 2 else "0.1"
        return NumberField(
            f.label,
            places=f.places,
            widget=NumberInput(step=step, min=f.min, max=f.max),
            parse_message=_range_message(f),
            validators=[
                Optional(),
                _stop_if_unparsed,
                NumberRange(f.min, f.max, message=_range_message(f)),
            ],
            render_kw={"inputmode": "decimal"},
            **kw,
        )
    if f.kind == "bool":
        return BooleanField(f.label, **kw)
    if f.kind == "date":
        return DateField(f.label, validators=[Optional()], **kw)
    if f.kind in ("text", "longtext"):
        cls = TextAreaField if f.kind == "longtext" else StringField
        return cls(f.label, validators=[Optional(), Length(max=f.max_length)], **kw)
    choices = [SelectChoice(value, label) for value, label in f.choices]
    if f.kind in ("enum", "tri"):
        return RadioField(f.label, choices=choices, validators=[Optional()], **kw)
    if f.kind == "multi":
        return MultiCheckboxField(f.label, choices=choices, validators=[Optional()], **kw)
    raise ValueError(f.kind)


class BodyChartField(SelectMultipleField):
    """The body chart's marks, posted as "region:symptom[:intensity]" values
    (physio/clinical/body_chart.py); `data` is a list of Marks."""

    widget = None  # drawn by templates/assessments/_body_chart_input.html

    def process_formdata(self, valuelist):
        self.data, bad = [], []
        for value in valuelist:
            if not str(value).strip():
                continue
            try:
                self.data.append(parse_mark(value))
            except BadMark as error:
                bad.append(str(error))
        self.data = marks_from(self.data)
        if bad:
            raise ValueError(" ".join(dict.fromkeys(bad)))

    def process_data(self, value):
        self.data = marks_from(value or [])

    def pre_validate(self, form):
        pass

    def _value(self):
        return [m.posted() for m in self.data or []]


class PsfsEntryForm(SectionForm):
    activity = StringField(PSFS_ACTIVITY.label, validators=[Optional(), Length(max=200)])
    score = WholeNumberField(
        PSFS_SCORE.label,
        widget=NumberInput(step=1, min=0, max=10),
        parse_message=_range_message(PSFS_SCORE),
        validators=[
            Optional(),
            _stop_if_unparsed,
            NumberRange(0, 10, message=_range_message(PSFS_SCORE)),
        ],
        render_kw={"inputmode": "numeric"},
    )

    def validate_score(self, field):
        if field.data is not None and not self.activity.data:
            raise ValidationError("Name the activity this score is for.")


def _section_form(section: Section, enabled_options: frozenset[str]) -> type[SectionForm]:
    attrs = {
        f.name: _wtforms_field(f)
        for f in section.fields
        if f.option is None or f.option in enabled_options
    }
    if section.name == "pain":
        attrs["body_chart"] = BodyChartField("Body chart", choices=[], validate_choice=False)
    if section.name == "outcomes":
        attrs["psfs"] = FieldList(
            FormField(PsfsEntryForm), min_entries=PSFS_ENTRIES, max_entries=PSFS_ENTRIES
        )
    if section.name in _SECTION_CHECKS:
        attrs["validate"] = _SECTION_CHECKS[section.name]
    return type(f"{section.name.title().replace('_', '')}Form", (SectionForm,), attrs)


# Combination rules within a section, reported at the field they concern.
def _validate_pain(self, extra_validators=None):
    ok = SectionForm.validate(self, extra_validators)
    best, worst = self.nprs_best_24h.data, self.nprs_worst_24h.data
    if best is not None and worst is not None and best > worst:
        self.nprs_best_24h.errors.append(
            f"Best pain ({best}) can't be higher than worst pain ({worst})."
        )
        ok = False
    return ok


def _validate_red_flags(self, extra_validators=None):
    ok = SectionForm.validate(self, extra_validators)
    if self.tier_override.data and not self.override_reason.data:
        self.override_reason.errors.append("Say why you raised the tier.")
        ok = False
    return ok


_SECTION_CHECKS = {"pain": _validate_pain, "red_flags": _validate_red_flags}


class AssessmentFormBase(BaseForm):
    # `kind` is chosen when the assessment is created and shown, not edited.
    seen_at = DateTimeLocalField(
        "Seen at",
        format="%Y-%m-%dT%H:%M",
        tz=clinic_timezone,
        validators=[InputRequired(message="Enter when the patient was seen.")],
    )
    lock_version = HiddenField()
    # Review sections whose "same as last visit" is ticked (physio/clinical/review.py).
    confirmed_sections = SelectMultipleField(
        choices=[SelectChoice(name, name) for name in SAME_AS_LAST_SECTIONS],
        validators=[Optional()],
    )

    def validate_seen_at(self, field):
        if field.data and field.data.year < 1900:
            raise ValidationError("Check the year of the visit.")
        if field.data and field.data > datetime.now(field.data.tzinfo) + timedelta(minutes=5):
            raise ValidationError("The visit can't be in the future.")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        seen = self.seen_at.data
        onset = self.history.form.onset_date.data
        if seen and onset and onset > seen.date():
            self.history.form.onset_date.errors.append(
                f"Onset can't be after the visit ({seen:%d %b %Y})."
            )
            ok = False
        override = self.red_flags.form.tier_override.data
        suggested = getattr(self, "suggested_tier", None)
        # an override outside the choices was refused by its own field's validator above
        if (
            override in TIER_RANK
            and suggested
            and TIER_RANK[override] < TIER_RANK.get(suggested, 0)
        ):
            self.red_flags.form.tier_override.errors.append(
                f"The suggested tier is {suggested}; it can be raised, never lowered."
            )
            ok = False
        return ok

    def invalid_fields(self) -> list[dict[str, str]]:
        """[{field, label, message}] for every value that is not valid, in page order, under its
        posted name ("pain-nprs_now", "outcomes-psfs-0-score"): what the autosave reply and a
        refused sign name and link next to each field."""
        found = []

        def add(field, label: str) -> None:
            if field.errors:
                message = " ".join(map(str, field.errors))
                found.append({"field": field.name, "label": label, "message": message})

        add(self.seen_at, self.seen_at.label.text)
        for section in SECTIONS:
            sub = self[section.name].form
            for name, field in sub._fields.items():
                if name == "psfs":
                    for i, entry in enumerate(field):
                        for part in entry.form:
                            add(part, f"PSFS activity {i + 1}: {part.label.text}")
                else:
                    add(field, f"{section.title} · {field.label.text}")
        return found


# What the autosave may keep aside of a not-yet-valid page (finding 8 of issue 11): only the
# form's own fields, each value no longer than the field allows. A value without a declared
# length (a number, a date, a choice) is short by nature.
SHORT_VALUE = 100
BODY_CHART_MARKS = 200


def _leaf_fields(form: AssessmentFormBase):
    yield form.seen_at, form.seen_at.label.text
    yield form.lock_version, "Version"
    yield form.confirmed_sections, "Same as last visit"
    for section in SECTIONS:
        sub = form[section.name].form
        for name, field in sub._fields.items():
            if name == "psfs":
                for i, entry in enumerate(field):
                    for part in entry.form:
                        yield part, f"PSFS activity {i + 1}: {part.label.text}"
            else:
                yield field, f"{section.title} · {field.label.text}"


def _declared_length(field) -> int | None:
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max and validator.max > 0:
            return validator.max
    return None


def capped_payload(form: AssessmentFormBase, posted) -> tuple[dict[str, list[str]], list[dict]]:
    """The posted values worth keeping aside, by the form's field names: unknown names are
    dropped, a single-value field keeps one value, a multiple choice at most its choices. A
    text longer than its declared length is refused (not kept) and named in the second list as
    {field, label, message}; any other value (a number, a date, a choice: short by nature) is
    cut to SHORT_VALUE characters. What the autosave stores is bounded by the schema, whatever
    is posted."""
    kept: dict[str, list[str]] = {}
    refused: list[dict] = []
    for field, label in _leaf_fields(form):
        values = posted.getlist(field.name)
        if not values:
            continue
        if isinstance(field, BodyChartField):
            most = BODY_CHART_MARKS
        elif isinstance(field, SelectMultipleField):
            most = len(field.choices or []) or 1
        else:
            most = 1
        values = values[:most]
        limit = _declared_length(field)
        if limit is None:
            kept[field.name] = [v[:SHORT_VALUE] for v in values]
            continue
        long = [v for v in values if len(v) > limit]
        if long:
            refused.append(
                {
                    "field": field.name,
                    "label": label,
                    "message": f"Too long: at most {limit} characters (this has {len(long[0])}).",
                }
            )
            continue
        kept[field.name] = values
    return kept, refused


@cache
def assessment_form_class(*, odi: bool = False, sbst: bool = False) -> type[AssessmentFormBase]:
    """The form for a clinic: ODI and STarT Back items appear only where switched on."""
    enabled = frozenset(name for name, on in (("odi", odi), ("sbst", sbst)) if on)
    attrs = {s.name: FormField(_section_form(s, enabled)) for s in SECTIONS}
    return type("AssessmentForm", (AssessmentFormBase,), attrs)


def record_from_form(form: AssessmentFormBase, *, only_valid: bool = False) -> dict:
    """The record (nested dict as in docs/assessment.md) from the form.

    With `only_valid`, fields that failed to parse or validate are left out, so a half-filled
    form still yields the values that are usable (for the live panel)."""

    def usable(field) -> bool:
        return not only_valid or not (field.errors or field.process_errors)

    record: dict = {}
    if usable(form.seen_at) and form.seen_at.data is not None:
        record["seen_at"] = form.seen_at.data
    for section in SECTIONS:
        sub = getattr(form, section.name).form
        values = {}
        for f in section.fields:
            if f.name in sub._fields and usable(sub[f.name]):
                value = sub[f.name].data
                if f.kind in ("text", "longtext", "enum", "tri") and value == "":
                    value = None
                values[f.name] = value
        record[section.name] = values
    chart = form.pain.form.body_chart
    marks = chart.data if usable(chart) else None
    if marks is not None:
        record["pain"]["body_chart"] = [m.to_dict() for m in marks]
        # pain-location stays consistent with the chart: each region marked with pain ticks
        # its location code (physio/clinical/body_chart.py).
        if "location" in record["pain"]:
            location = list(record["pain"]["location"] or [])
            location += [code for code in locations_from_chart(marks) if code not in location]
            record["pain"]["location"] = location
    record["outcomes"]["psfs"] = [
        {
            "activity": entry.activity.data or None,
            "score": entry.score.data if usable(entry.score) else None,
        }
        for entry in form.outcomes.form.psfs
        if entry.activity.data or (entry.score.data is not None and usable(entry.score))
    ]
    return record


def form_data_from_record(record: dict) -> dict:
    """Form `data=` for an existing record."""
    data: dict[str, Any] = {"seen_at": record.get("seen_at")}
    for section in SECTIONS:
        data[section.name] = dict(record.get(section.name) or {})
    psfs = list(record.get("outcomes", {}).get("psfs") or [])
    psfs += [{"activity": None, "score": None}] * (PSFS_ENTRIES - len(psfs))
    data["outcomes"]["psfs"] = psfs[:PSFS_ENTRIES]
    data["pain"]["body_chart"] = (record.get("pain") or {}).get("body_chart") or []
    data["confirmed_sections"] = list(((record.get("copy_forward") or {}).get("confirmed")) or {})
    return data
