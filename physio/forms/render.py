"""Fast HTML for the assessment form's ~170 fields and ~600 options.

WTForms' widgets build each input through several layers of calls; for this form that took
~75 ms of a ~80 ms page. This renders the same markup (same names, ids, labels, help, errors,
aria links) from the schema field and the bound WTForms field's value and errors. The parts
that never change (labels, options, attributes) are built once per field and cached, so a
page only fills in values, ticks and messages. Small forms keep the Jinja macro in
_macros/forms.html.
"""

from __future__ import annotations

from functools import lru_cache

from flask import g
from markupsafe import Markup, escape

from physio.clinical.red_flags import RED_FLAG_GROUPS, RULES_BY_FIELD
from physio.clinical.schema import PSFS_ACTIVITY, PSFS_SCORE, Field, Section, all_fields

SCHEMA_BY_NAME: dict[str, Field] = {f"{section.name}-{f.name}": f for section, f in all_fields()}


def _schema_for(name: str) -> Field:
    if name in SCHEMA_BY_NAME:
        return SCHEMA_BY_NAME[name]
    if name.startswith("outcomes-psfs-"):
        return PSFS_ACTIVITY if name.endswith("-activity") else PSFS_SCORE
    raise KeyError(name)


def _attrs(**attrs) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        key = key.rstrip("_").replace("_", "-")
        parts.append(key if value is True else f'{key}="{escape(value)}"')
    return " ".join(parts)


@lru_cache(maxsize=2048)
def _static_parts(name: str, fid: str, label: str, help_text: str) -> tuple:
    """What never changes for one field: (kind, opening markup, options, closing help)."""
    f = _schema_for(name)
    label_html = escape(label)
    help_html = (
        f'<p class="help" id="{escape(fid)}-help">{escape(help_text)}</p>' if help_text else ""
    )
    if f.kind == "bool":
        return (
            "bool",
            f'type="checkbox" id="{escape(fid)}" name="{escape(name)}" value="y"',
            label_html,
            help_html,
        )
    if f.kind in ("enum", "tri", "multi"):
        kind = "checkbox" if f.kind == "multi" else "radio"
        options = tuple(
            (
                value,
                '<label class="chip"><input '
                + _attrs(type=kind, id=f"{fid}-{i}", name=name, value=value),
                f"> <span>{escape(text)}</span></label>",
            )
            for i, (value, text) in enumerate(f.choices)
        )
        return ("choice", label_html, options, help_html)
    if f.kind == "longtext":
        return (
            "textarea",
            f'id="{escape(fid)}" name="{escape(name)}" maxlength="{f.max_length}"',
            label_html,
            help_html,
        )
    if f.kind in ("int", "decimal"):
        step = 1 if f.kind == "int" else ("0.01" if f.places == 2 else "0.1")
        mode = "numeric" if f.kind == "int" else "decimal"
        attrs = _attrs(
            type="number", id=fid, name=name, step=step, min=f.min, max=f.max, inputmode=mode
        )
    elif f.kind == "date":
        attrs = _attrs(type="date", id=fid, name=name)
    else:
        attrs = _attrs(type="text", id=fid, name=name, maxlength=f.max_length)
    return ("input", attrs, label_html, help_html)


@lru_cache(maxsize=2048)
def _box_parts(fid: str, class_: str, has_help: bool) -> tuple[str, str, str, str, str]:
    """The box's markup around the control, without and with an error message."""
    fid_html = escape(fid)
    help_id = [f"{fid}-help"] if has_help else []
    aria = [
        f' aria-describedby="{" ".join(ids)}"' if ids else ""
        for ids in (help_id, [*help_id, f"{fid}-error"])
    ]
    return (
        f'<div class="field {escape(class_)} " data-field="{fid_html}">',
        f'<div class="field {escape(class_)} has-error" data-field="{fid_html}">',
        aria[0],
        aria[1],
        f'<p class="error" id="{fid_html}-error" role="alert">',
    )


def _hint_html(name: str, hint) -> str:
    """ "last visit: 25 s (14 Oct)" beside a review's field; a button when it can be used."""
    if not hint:
        return ""
    text = escape(hint["text"])
    if hint.get("use") is not None:
        return (
            f'<p class="last-visit"><button type="button" class="btn-link" '
            f'data-use-{"estimate" if hint.get("estimate") else "last"}="{escape(name)}" '
            f'data-value="{escape(hint["use"])}">{text}</button></p>'
        )
    return f'<p class="last-visit">{text}</p>'


def render_field(field, class_: str = "", hint=None) -> Markup:
    """One field's box: label, control, help and error message, as _macros/forms.html does.
    `hint`: {"text": "last visit: …", "use": value or None} for a review."""
    fid = field.id
    help_text = field.description or ""
    kind, a, b, help_html = _static_parts(field.name, fid, field.label.text, help_text)
    open_ok, open_error, aria_ok, aria_error, error_start = _box_parts(fid, class_, bool(help_text))
    errors = list(field.errors)
    aria = aria_error if errors else aria_ok
    out = [open_error if errors else open_ok]
    if kind == "bool":
        checked = " checked" if field.data else ""
        out.append(f'<label class="check"><input {a}{checked}{aria}> <span>{b}</span></label>')
    elif kind == "choice":
        data = field.data
        chosen = set(map(str, data or [])) if isinstance(data, list) else {str(data)}
        out.append(
            f'<fieldset class="choices" id="{escape(fid)}" tabindex="-1"{aria}>'
            f'<legend>{a}</legend><div class="choice-row">'
        )
        out.extend(
            f"{start}{' checked' if value in chosen else ''}{end}" for value, start, end in b
        )
        if not isinstance(data, list) and not field.name.startswith("confirmed"):
            # A mis-tapped choice can be taken back (radios can't be unticked by a tap).
            out.append(
                f'<button type="button" class="clear-choice" data-clear="{escape(field.name)}">'
                f'Clear<span class="visually-hidden"> {a}</span></button>'
            )
        out.append("</div></fieldset>")
    else:
        invalid = ' aria-invalid="true"' if errors else ""
        out.append(f'<label for="{escape(fid)}">{b}</label>')
        value = escape(field._value())
        if kind == "textarea":
            out.append(f"<textarea {a}{aria}{invalid}>\n{value}</textarea>")
        else:
            out.append(f'<input {a} value="{value}"{aria}{invalid}>')
    out.append(help_html)
    out.append(_hint_html(field.name, hint))
    note = _field_note(field.name)
    if note is not None:
        out.append(note)
    if errors:
        out.append(f"{error_start}{escape(' '.join(map(str, errors)))}</p>")
    out.append("</div>")
    return Markup("".join(out))


def _field_note(name: str) -> str | None:
    """A note the view attached to this field for this request (`g.field_notes`, posted name →
    note with `.text` and `.corrected`): who reported the value (physio/services/provenance.py)."""
    notes = g.get("field_notes") if g else None
    note = notes.get(name) if notes else None
    if note is None:
        return None
    kind = "reported corrected" if note.corrected else "reported"
    return f'<p class="{kind}">{escape(note.text)}</p>'


@lru_cache(maxsize=64)
def _section_layout(section_form_class: type, section: Section) -> tuple[tuple[str, ...], ...]:
    """Which fields of a section go side by side (left/right pairs) and which red-flag
    questions are yes/no/not-asked chips ("tri"): one entry per box, same for every record."""
    fields = section_form_class()._fields
    names = [f.name for f in section.fields if f.name in fields]
    layout, done = [], set()
    for name in names:
        if name in done:
            continue
        right = name.replace("_left", "_right")
        if "_left" in name and right in names:
            layout.append(("pair", name, right))
            done.add(right)
        elif (
            fields[name].type == "RadioField"
            and section.name == "red_flags"
            and name not in ("tier_override", "decision")
        ):
            layout.append(("tri", name))
        else:
            layout.append(("", name))
    return tuple(layout)


def render_section(sub, section: Section, hints=None) -> Markup:
    """A section's fields in schema order, left/right pairs side by side (the layout is worked
    out once per form class; this was a Jinja macro costing ~2 ms a page). `hints`: a review's
    {posted name: hint} (see render_field)."""
    if section.name == "red_flags":
        return render_red_flags(sub, section)
    hints = hints or {}

    def one(name, kind=""):
        field = sub[name]
        return render_field(field, kind, hints.get(field.name))

    out = []
    for kind, *names in _section_layout(type(sub), section):
        if kind == "pair":
            out.append(f'<div class="pair">{one(names[0])}{one(names[1])}</div>')
        else:
            out.append(one(names[0], kind))
    return Markup("\n".join(out))


_DECISION_FIELDS = ("decision", "referred_to", "decision_reason", "safety_net_given")
_OVERRIDE_FIELDS = ("tier_override", "override_reason")


def render_red_flags(sub, section: Section) -> Markup:
    """The red flags in their groups, each with "None of these" (every unanswered item "no",
    undoable) and a slot beside each flag where its tier shows as soon as it is tapped; the
    decision block sits right after the groups (the script moves it to the flag that needs it)."""
    out = []
    for group in RED_FLAG_GROUPS:
        out.append(
            f'<div class="rf-group" data-rf-group="{group.key}" role="group" '
            f'aria-labelledby="rf-{group.key}-title">'
            f'<div class="rf-group-head"><h3 id="rf-{group.key}-title">{escape(group.title)}</h3>'
            f'<button type="button" class="btn btn-small" data-none-of-these="{group.key}" '
            f'aria-describedby="rf-{group.key}-title">None of these</button>'
            f'<span class="rf-group-done" aria-live="polite"></span></div>'
        )
        for name in group.fields:
            box = render_field(sub[name], "tri")
            tier = RULES_BY_FIELD[name].tier
            slot = (
                f'<span class="flag-tier" data-tier-for="red_flags-{name}" '
                f'data-rule-tier="{tier}"></span>'
            )
            out.append(Markup(str(box).replace("</legend>", f"{slot}</legend>", 1)))
        out.append("</div>")
    out.append(
        '<div class="decision-block" id="decision-block" data-decision-block>'
        "<h3>Decision for this red-flag tier</h3>"
        '<p class="help decision-needed">Needed before signing when the tier is E or U.</p>'
    )
    out.extend(render_field(sub[name]) for name in _DECISION_FIELDS)
    out.append("</div>")
    out.append('<div class="override-block">')
    out.extend(render_field(sub[name]) for name in _OVERRIDE_FIELDS)
    out.append("</div>")
    return Markup("\n".join(out))


def format_value(f: Field, value) -> str:
    """A stored value in words, with its unit (as templates/assessments/_value.html shows it)."""
    if value is None or value == "" or value == []:
        return "—"
    if f.kind == "bool":
        return "yes" if value else "no"
    if f.kind in ("enum", "tri"):
        return dict(f.choices).get(value, str(value))
    if f.kind == "multi":
        labels = dict(f.choices)
        return ", ".join(labels.get(v, str(v)) for v in value)
    if f.kind == "date":
        return value.strftime("%d %b %Y")
    if f.kind in ("text", "longtext"):
        text = str(value)
        return text if len(text) <= 60 else text[:57] + "…"
    number = float(value)
    shown = f"{number:.0f}" if number.is_integer() else f"{number:g}"
    unit = f.unit or ""
    glue = "" if unit in ("°", "") else " "
    return f"{shown}{glue}{unit}"


def posted_value(f: Field, value):
    """A stored value as the form posts it (what "use last visit's value" types in)."""
    if value is None:
        return None
    if f.kind == "bool":
        return "y" if value else ""
    if f.kind == "multi":
        return list(value)
    if f.kind == "date":
        return value.isoformat()
    if f.kind in ("int", "decimal"):
        number = float(value)
        return f"{number:.0f}" if number.is_integer() else f"{number:g}"
    return str(value)
