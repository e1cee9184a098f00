"""Forms for the letter register, issuing, batches and templates."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ...letters.types import LETTER_TYPES
from ..fields import GovDateField

TYPE_CHOICES = [(t.key, t.name) for t in LETTER_TYPES.values()]


class RegisterFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    letter_type = SelectField("Letter type", widget=GovSelect(), choices=[("", "Any")] + TYPE_CHOICES,
                              validators=[Optional()])
    audience = SelectField("To", widget=GovSelect(), choices=[("", "Anyone"), ("union", "Trade unions"),
                                                               ("employee", "Employees")], validators=[Optional()])
    q = StringField("Reference, subject, name, person number or union", widget=GovTextInput(),
                    validators=[Optional(), Length(max=100)])
    issued_from = GovDateField("Issued from", validators=[Optional()])
    issued_to = GovDateField("Issued up to", validators=[Optional()])
    submit = SubmitField("Filter", widget=GovSubmitInput())


class IssueForm(FlaskForm):
    letter_type = SelectField("Letter type", widget=GovSelect(), choices=TYPE_CHOICES,
                              validators=[InputRequired("Choose the letter type")])
    source = SelectField("Record the letter is filled from", widget=GovSelect(), choices=[],
                         validators=[InputRequired("Choose the record the letter is about")], validate_choice=False)
    preview = SubmitField("Preview", widget=GovSubmitInput())
    submit = SubmitField("Issue the letter", widget=GovSubmitInput())


class BatchForm(FlaskForm):
    letter_type = SelectField("Letter type", widget=GovSelect(), choices=[],
                              validators=[InputRequired("Choose the letter type")])
    # people who already have this letter for the transfer or restructure are skipped
    # unless HR re-issues it to them, saying why (kept in the audit trail).
    reissue = BooleanField("Re-issue: send it again to people who already have this letter",
                           widget=GovCheckboxInput())
    reason = TextAreaField("Why it is sent again", widget=GovTextArea(), validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Issue the letters", widget=GovSubmitInput())


class CorrectionForm(FlaskForm):
    reason = TextAreaField("What the correction is", widget=GovTextArea(),
                           validators=[InputRequired("Say what the correction is"), Length(max=1000)])
    submit = SubmitField("Issue the correction", widget=GovSubmitInput())


class TemplateForm(FlaskForm):
    subject = StringField("Subject", widget=GovTextInput(),
                          validators=[InputRequired("Enter the subject"), Length(max=300)])
    body = TextAreaField("Body", widget=GovTextArea(), validators=[InputRequired("Enter the body"), Length(max=20000)])
    note = StringField("What changed and why", widget=GovTextInput(),
                       validators=[InputRequired("Say what changed and why"), Length(max=500)])
    source = SelectField("Preview with the record", widget=GovSelect(), choices=[], validate_choice=False,
                         validators=[Optional()])
    preview = SubmitField("Preview", widget=GovSubmitInput())
    submit = SubmitField("Save as a new version", widget=GovSubmitInput())


class NoteForm(FlaskForm):
    kind = RadioField("What you are recording", widget=GovRadioInput(),
                      choices=[("response", "Our response to the consultation"), ("meeting", "Notes of a meeting")],
                      validators=[InputRequired("Choose what you are recording")])
    body = TextAreaField("Response or notes", widget=GovTextArea(),
                         validators=[InputRequired("Write the response or the notes"), Length(max=10000)])
    submit = SubmitField("Record", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Acknowledge receipt", widget=GovSubmitInput())
