"""Changing your own password."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from ...services.passwords import MAX_LENGTH, MIN_LENGTH


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Enter your current password"), Length(max=MAX_LENGTH)])
    new_password = PasswordField(
        "New password", widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password"),
                    Length(min=MIN_LENGTH, message=f"Your password must be at least {MIN_LENGTH} characters long"),
                    Length(max=MAX_LENGTH, message=f"Your password must be {MAX_LENGTH} characters or fewer")])
    confirm_password = PasswordField(
        "Confirm new password", widget=GovPasswordInput(),
        validators=[InputRequired("Enter your new password again"),
                    EqualTo("new_password", message="The passwords do not match: type the same new password twice")])
    submit = SubmitField("Change password", widget=GovSubmitInput())
