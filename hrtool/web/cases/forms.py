"""Forms for recording disciplinary and grievance matters and claims (TUPE 2006 reg. 11(2)(c)-(d))."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ...services.people.cases import KINDS
from ..fields import GovDateField, PlausibleDate


class CaseForm(FlaskForm):
    kind = RadioField("What kind of matter is it?", widget=GovRadioInput(), choices=list(KINDS.items()),
                      validators=[InputRequired("Choose whether this is a disciplinary matter, a grievance or a claim")])
    opened_on = GovDateField("Date opened", validators=[InputRequired("Enter the date it was opened"),
                                                        PlausibleDate("case_opened_on")])
    closed_on = GovDateField("Date closed", validators=[Optional(), PlausibleDate("case_closed_on")])
    summary = TextAreaField("Summary", widget=GovTextArea(),
                            validators=[InputRequired("Enter a summary of the matter"), Length(max=4000)])
    outcome = TextAreaField("Outcome", widget=GovTextArea(), validators=[Optional(), Length(max=4000)])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_closed_on(self, field: GovDateField) -> None:
        if field.data and self.opened_on.data and field.data < self.opened_on.data:
            raise ValidationError("The date closed must be on or after the date opened")


class CaseChangeForm(CaseForm):
    reason = TextAreaField("Reason for the change", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason for the change"), Length(max=500)])
