from __future__ import annotations

from datetime import date

from wtforms import BooleanField, DateField, EmailField, RadioField, SelectChoice, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from physio.forms.base import BaseForm, plain_name
from physio.models import Sex

SEX_LABELS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Other"}


def _today() -> date:
    return date.today()


class PatientForm(BaseForm):
    first_name = StringField("First name", validators=[DataRequired(), Length(max=100), plain_name])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=100), plain_name])
    date_of_birth = DateField(
        "Date of birth",
        validators=[InputRequired(message="Enter the date of birth.")],
        render_kw={"max": ""},
    )
    sex = RadioField(
        "Sex",
        choices=[SelectChoice(s.value, SEX_LABELS[s]) for s in Sex],
        validators=[InputRequired(message="Choose one: it sets the norms the tests compare to.")],
    )
    email = EmailField(
        "Email", validators=[Optional(), Length(max=254), Email(check_deliverability=False)]
    )
    phone = StringField(
        "Phone",
        validators=[
            Optional(),
            Length(max=50),
            Regexp(r"^[0-9+() .\-]{6,}$", message="Use digits, spaces and + ( ) - only."),
        ],
    )
    reference = StringField(
        "Clinic reference",
        validators=[Optional(), Length(max=50)],
        description="Your clinic's own reference, unique within the clinic.",
    )
    consent_treatment = BooleanField("Consents to assessment and treatment")
    consent_data_sharing = BooleanField("Consents to sharing data with other clinicians (e.g. GP)")

    def validate_date_of_birth(self, field):
        if field.data is None:
            return
        today = _today()
        if field.data > today:
            raise ValidationError("The date of birth can't be in the future.")
        if today.year - field.data.year > 120:
            raise ValidationError("That makes the patient older than 120: check the year.")
