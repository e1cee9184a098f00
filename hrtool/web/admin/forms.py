"""Forms for managing users: add a user, reset someone's password."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Email, InputRequired, Length, ValidationError

from ...errors import DomainError
from ...models import Role
from ...services.accounts import user_admin
from ...services.accounts.passwords import MAX_LENGTH, MIN_LENGTH

_NEW_PASSWORD = [InputRequired("Enter a password"),
                 Length(min=MIN_LENGTH, message=f"The password must be at least {MIN_LENGTH} characters long"),
                 Length(max=MAX_LENGTH, message=f"The password must be {MAX_LENGTH} characters or fewer")]


class _UserDetails(FlaskForm):
    """Who a login is for: shared by adding a user and changing one."""

    username = StringField("Email address", widget=GovTextInput(),
                           validators=[InputRequired("Enter their email address"), Length(max=200),
                                       Email("Enter an email address like name@council.gov.uk")])
    display_name = StringField("Name", widget=GovTextInput(),
                               validators=[InputRequired("Enter their name"), Length(max=200)])
    role = RadioField("Role", widget=GovRadioInput(), choices=[(r.value, r.label) for r in Role],
                      validators=[InputRequired("Choose a role")])
    person_number = StringField("Person number (employees only)", widget=GovTextInput(),
                                validators=[Length(max=20)])
    union_id = SelectField("Union (union representatives only)", widget=GovSelect(), coerce=int)

    def validate_person_number(self, field: StringField) -> None:
        if self.role.data == Role.EMPLOYEE.value and not (field.data or "").strip():
            raise ValidationError("Enter the person number of the employee this login is for")

    def validate_union_id(self, field: SelectField) -> None:
        if self.role.data == Role.UNION_REP.value and not field.data:
            raise ValidationError("Choose the union this representative is from")


def _reason(message: str) -> TextAreaField:
    return TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired(message), Length(max=1000)])


class NewUserForm(_UserDetails):
    password = PasswordField("Temporary password", widget=GovPasswordInput(), validators=_NEW_PASSWORD)
    submit = SubmitField("Add user", widget=GovSubmitInput())

    def validate_username(self, field: StringField) -> None:
        if user_admin.username_taken(field.data or ""):
            raise ValidationError("There is already a user with this email address")

    def validate_person_number(self, field: StringField) -> None:
        super().validate_person_number(field)
        if self.role.data == Role.EMPLOYEE.value:
            try:
                user_admin.employee_for_new_login(field.data or "")
            except DomainError as problem:
                raise ValidationError(problem.message) from None


class ResetPasswordForm(FlaskForm):
    password = PasswordField("Temporary password", widget=GovPasswordInput(), validators=_NEW_PASSWORD)
    reason = _reason("Enter why the password is being reset")
    submit = SubmitField("Set temporary password", widget=GovSubmitInput())


class EditUserForm(_UserDetails):
    """Change a login's email address, name, role and the person or union it is linked to."""

    reason = _reason("Enter the reason for the change")
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class DisableUserForm(FlaskForm):
    reason = _reason("Enter why the login is being disabled")
    submit = SubmitField("Disable login", widget=GovSubmitInput())


class EnableUserForm(FlaskForm):
    reason = _reason("Enter why the login is being enabled again")
    submit = SubmitField("Enable login", widget=GovSubmitInput())


class ClearThrottleForm(FlaskForm):
    """Clear one sign-in throttle (services/accounts/throttling.py): which one, and why."""

    scope = HiddenField(validators=[InputRequired("Choose a throttle to clear"),
                                    AnyOf(["account_from_address", "address", "account"],
                                          message="Choose a throttle to clear")])
    username = HiddenField(validators=[Length(max=200)])
    address = HiddenField(validators=[Length(max=64)])
    reason = _reason("Enter why the throttle is being cleared")
    submit = SubmitField("Clear the throttle", widget=GovSubmitInput())
