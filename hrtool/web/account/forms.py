"""Changing your own password; your email notices."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovSubmitInput
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from ...services.accounts.passwords import MAX_LENGTH, MIN_LENGTH


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


class NoticesForm(FlaskForm):
    """Your email notices: each on or off. Only those your role gets are shown."""

    letters = BooleanField("Email me when a letter is waiting for me (or my union) in hrtool",
                           widget=GovCheckboxInput())
    digest = BooleanField("Email me each morning what needs doing soon: TUPE steps due and pay protections ending",
                          widget=GovCheckboxInput())
    submit = SubmitField("Save", widget=GovSubmitInput())
