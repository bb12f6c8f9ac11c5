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

from markupsafe import Markup, escape

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


def render_field(field, class_: str = "") -> Markup:
    """One field's box: label, control, help and error message, as _macros/forms.html does."""
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
    if errors:
        out.append(f"{error_start}{escape(' '.join(map(str, errors)))}</p>")
    out.append("</div>")
    return Markup("".join(out))


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


def render_section(sub, section: Section) -> Markup:
    """A section's fields in schema order, left/right pairs side by side (the layout is worked
    out once per form class; this was a Jinja macro costing ~2 ms a page)."""
    out = []
    for kind, *names in _section_layout(type(sub), section):
        if kind == "pair":
            out.append(
                f'<div class="pair">{render_field(sub[names[0]])}'
                f"{render_field(sub[names[1]])}</div>"
            )
        else:
            out.append(render_field(sub[names[0]], kind))
    return Markup("\n".join(out))
