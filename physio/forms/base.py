"""Base form: strips surrounding whitespace from every text field (as indico's IndicoForm does)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form


def _strip(value):
    # NUL can't be typed on a keyboard, and PostgreSQL refuses it in text: drop it.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class StripMeta:
    def bind_field(self, form, unbound_field, options):
        filters = unbound_field.kwargs.get("filters", [])
        if _strip not in filters and unbound_field.field_class.__name__ not in {
            "FieldList",
            "FormField",
        }:
            unbound_field.kwargs["filters"] = [_strip, *filters]
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    class Meta(StripMeta, FlaskForm.Meta):
        pass


class SectionForm(Form):
    """A plain sub-form for FormField sections (no CSRF field of its own)."""

    class Meta(StripMeta, Form.Meta):
        pass
