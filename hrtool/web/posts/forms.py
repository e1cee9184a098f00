from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import DecimalField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from ..fields import GovDateField, MoneyField

TIERS = [("officer", "Officer"), ("head of service", "Head of service"),
         ("deputy chief executive", "Deputy chief executive"), ("chief executive", "Chief executive")]


class PostForm(FlaskForm):
    post_number = StringField("Post number", widget=GovTextInput(), validators=[
        InputRequired("Enter the post number"), Length(max=30),
        Regexp(r"^[A-Za-z0-9/\-]+$", message="Post number can only contain letters, numbers, / and -")])
    council_id = SelectField("Council (establishment)", widget=GovSelect(), coerce=int)
    service_id = SelectField("Service", widget=GovSelect(), coerce=int)
    title = StringField("Job title", widget=GovTextInput(), validators=[InputRequired("Enter the job title"), Length(max=200)])
    tier = SelectField("Tier", widget=GovSelect(), choices=TIERS)
    fte = DecimalField("Full-time equivalent (FTE)", widget=GovTextInput(), places=4, validators=[
        InputRequired("Enter the FTE, like 1 or 0.5"),
        NumberRange(min=Decimal("0.01"), max=Decimal("10"), message="FTE must be between 0.01 and 10")])
    je_score = IntegerField("Job evaluation score", widget=GovTextInput(), validators=[
        Optional(), NumberRange(min=0, max=2000, message="Score must be between 0 and 2,000")])
    band_min = MoneyField("Local band minimum (chief officers)", widget=GovTextInput(), places=2,
                          validators=[Optional(), NumberRange(min=0, message="Cannot be negative")])
    band_max = MoneyField("Local band maximum (chief officers)", widget=GovTextInput(), places=2,
                          validators=[Optional(), NumberRange(min=0, message="Cannot be negative")])
    established_on = GovDateField("Established on", validators=[InputRequired("Enter the date the post was established")])
    closed_on = GovDateField("Closed on", validators=[Optional()])
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired("Enter the reason"), Length(max=500)])
    version = HiddenField()
    submit = SubmitField("Save post", widget=GovSubmitInput())

    def validate_band_max(self, field: MoneyField) -> None:
        from wtforms.validators import ValidationError

        if (field.data is None) != (self.band_min.data is None):
            raise ValidationError("Enter both ends of the local band, or neither")
        if field.data is not None and self.band_min.data is not None and field.data < self.band_min.data:
            raise ValidationError("The band maximum is below the minimum")
