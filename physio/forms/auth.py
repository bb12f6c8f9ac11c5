from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from physio.forms.base import BaseForm
from physio.security import normalise_identity, password_problems


def _identity(value):
    return normalise_identity(value) if isinstance(value, str) else value


class LoginForm(BaseForm):
    # The email as it is looked up and throttled (physio/throttle.py): one account, one spelling.
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)], filters=[_identity])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class NewPasswordMixin:
    """The new password, checked against the policy (physio/security.py password_problems)."""

    policy_email = ""
    policy_name = ""
    policy_clinic = ""

    def validate_new_password(self, field):
        problems = password_problems(
            field.data or "",
            email=self.policy_email,
            name=self.policy_name,
            clinic=self.policy_clinic,
        )
        if problems:
            raise ValidationError(" ".join(problems))


class PasswordChangeForm(NewPasswordMixin, BaseForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=200)],
        description="At least 12 characters and hard to guess: a few unrelated words work well.",
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The two don't match.")],
    )


class PasswordResetForm(NewPasswordMixin, BaseForm):
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=200)])
