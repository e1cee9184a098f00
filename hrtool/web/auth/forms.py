from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    username = StringField("Email address or username", widget=GovTextInput(),
                           validators=[InputRequired(message="Enter your email address or username"), Length(max=200)])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter your password"), Length(max=200)])
    next = HiddenField()
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter your password"), Length(max=200)])
    next = HiddenField()
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ReauthPromptForm(FlaskForm):
    """The password prompt shown in place of a guarded form's answer (reauth.py). Its fields are
    named so they never clash with the carried form's."""

    reauth_password = PasswordField("Password", widget=GovPasswordInput(),
                                    validators=[InputRequired(message="Enter your password"), Length(max=200)])
    submit_reauth = SubmitField("Confirm and continue", widget=GovSubmitInput())
