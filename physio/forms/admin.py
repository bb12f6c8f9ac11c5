from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from physio.clinical.emergency_numbers import COUNTRY_CHOICES
from physio.clinical.patient_questionnaire import parse_odi_statements
from physio.forms.base import BaseForm, plain_name
from physio.models import Role
from physio.security import password_problems


class UserForm(BaseForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=200), plain_name])
    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    role = RadioField(
        "Role",
        choices=[
            SelectChoice(Role.PHYSIO.value, "Physiotherapist"),
            SelectChoice(Role.ADMIN.value, "Clinic administrator"),
        ],
        default=Role.PHYSIO.value,
        validators=[InputRequired()],
    )
    registration = StringField(
        "Professional registration number",
        validators=[Optional(), Length(max=50)],
        description="e.g. HCPC PH123456 — printed on every plan the physio exports.",
    )
    password = PasswordField("Initial password", validators=[DataRequired(), Length(max=200)])

    policy_clinic = ""  # the clinic the user is created in (set by the view)

    def validate_password(self, field):
        problems = password_problems(
            field.data or "",
            email=self.email.data or "",
            name=self.name.data or "",
            clinic=self.policy_clinic,
        )
        if problems:
            raise ValidationError(" ".join(problems))


class ClinicSettingsForm(BaseForm):
    name = StringField("Clinic name", validators=[DataRequired(), Length(max=200), plain_name])
    phone = StringField("Clinic phone", validators=[Optional(), Length(max=50)])
    country = SelectField(
        "Country",
        choices=[SelectChoice(code, label) for code, label in COUNTRY_CHOICES],
        validators=[DataRequired()],
        description="Chooses the emergency number (and urgent-advice line) printed in every "
        "patient plan and safety card.",
    )
    odi_enabled = BooleanField(
        "Use the Oswestry Disability Index (the clinic holds an ODI licence)"
    )
    sbst_enabled = BooleanField(
        "Use the Keele STarT Back Tool (the clinic has Keele's permission for commercial use)"
    )
    odi_wording = TextAreaField(
        "Licensed ODI wording, for questionnaires sent to patients",
        validators=[Optional(), Length(max=20000)],
        description=(
            "Paste the ten sections of your licensed Oswestry form: each a heading line, then its "
            "six statements one per line (first = 0 points), with a blank line between sections. "
            "Leave empty to keep the ODI for entering section scores in the form only."
        ),
    )

    def validate_odi_wording(self, field):
        if field.data:
            _, problem = parse_odi_statements(field.data)
            if problem:
                raise ValidationError(problem)
