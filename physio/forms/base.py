"""Base form: strips surrounding whitespace from every text field (as indico's IndicoForm does)."""

from __future__ import annotations

from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.meta import DefaultMeta

# Fields that hold other fields: their state is built per request (entries, sub-forms).
_CONTAINERS = {"FieldList", "FormField"}


def _strip(value):
    # NUL can't be typed on a keyboard, and PostgreSQL refuses it in text: drop it.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def plain_name(form, field) -> None:
    """Validator for names (patients, users, clinics): no control characters."""
    from wtforms.validators import ValidationError

    from physio.security import has_control_characters

    if isinstance(field.data, str) and has_control_characters(field.data):
        raise ValidationError(
            "Remove the control characters (tabs, line breaks or invisible characters): "
            "a name is plain text."
        )


class StripMeta:
    def bind_field(self, form, unbound_field, options):
        filters = unbound_field.kwargs.get("filters", [])
        if _strip not in filters and unbound_field.field_class.__name__ not in _CONTAINERS:
            unbound_field.kwargs["filters"] = [_strip, *filters]
        return unbound_field.bind(form=form, **options)


@lru_cache(maxsize=1024)  # bounded: posted PSFS row indexes are part of the key
def _unprocessed_field(unbound_field, name: str, prefix: str, translations):
    """A field as binding builds it, before any data: depends only on its declaration (a class
    attribute of a cached form class), its name and prefix, never on a request."""
    field = StripMeta.bind_field(
        None,
        None,
        unbound_field,
        {"name": name, "prefix": prefix, "translations": translations, "_meta": DefaultMeta()},
    )
    field.meta = field._form = None  # set on each copy
    return field


class BaseForm(FlaskForm):
    class Meta(StripMeta, FlaskForm.Meta):
        pass


class SectionForm(Form):
    """A plain sub-form for FormField sections (no CSRF field of its own)."""

    class Meta(StripMeta, Form.Meta):
        def bind_field(self, form, unbound_field, options):
            # The assessment form binds ~180 fields a request; building each through
            # Field.__init__ cost ~3 ms a page. A copy of the field as built once costs little.
            # Its shared parts (label, validators, flags, choices) are only read afterwards;
            # process() and validate() set data and errors on the copy.
            if unbound_field.field_class.__name__ in _CONTAINERS:
                return super().bind_field(form, unbound_field, options)
            built = _unprocessed_field(
                unbound_field, options["name"], options["prefix"], options["translations"]
            )
            field = object.__new__(type(built))
            field.__dict__.update(built.__dict__)
            field.meta, field._form = self, form
            return field
