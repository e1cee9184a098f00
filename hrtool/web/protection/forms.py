"""Forms for pay protection: recording one by hand, ending one early, the calculator and a new
version of a council's policy."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..fields import GovDateField, MoneyField, PlausibleDate

HOURS = [InputRequired("Enter the contractual hours a week"),
         NumberRange(min=0.5, max=48, message="Enter hours a week between 0.5 and 48")]
MONEY = NumberRange(min=1, max=1_000_000, message="Enter an annual salary between £1 and £1,000,000")


class ProtectionForm(FlaskForm):
    person_number = StringField("Person number", widget=GovTextInput(),
                                validators=[InputRequired("Enter the person number"), Length(max=20)])
    source = RadioField("Why their pay went down", widget=GovRadioInput(), choices=[
        ("manual", "Another reason (explain below)"), ("regrade", "Regrade of the person"),
        ("re-evaluation", "Job re-evaluation of their post"), ("harmonisation", "Pay harmonisation"),
        ("restructure", "Restructure")], validators=[InputRequired("Choose why their pay went down")])
    start_date = GovDateField("Protection start date (the first day on the lower salary)",
                              validators=[InputRequired("Enter the start date"), PlausibleDate("protection_start")])
    old_salary = MoneyField("Old salary, full-time, a year (£)", widget=GovTextInput(), places=2,
                            validators=[InputRequired("Enter the old salary, like 35235"), MONEY])
    new_salary = MoneyField("New salary, full-time, a year (£)", widget=GovTextInput(), places=2,
                            validators=[InputRequired("Enter the new salary, like 31586"), MONEY])
    new_scp = IntegerField("New spinal column point", widget=GovTextInput(),
                           validators=[Optional(), NumberRange(min=1, max=60, message="Enter a point from 1 to 60")])
    hours_per_week = DecimalField("Contractual hours a week", widget=GovTextInput(), places=2, validators=HOURS)
    reason = TextAreaField("Reason", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason for the protection"), Length(max=2000)])
    submit = SubmitField("Record the protection", widget=GovSubmitInput())


class EndEarlyForm(FlaskForm):
    kind = RadioField("What happened", widget=GovRadioInput(), choices=[],
                      validators=[InputRequired("Choose what happened")])
    first_day_without = GovDateField("First day without protection",
                                     validators=[InputRequired("Enter the first day without protection"),
                                                 PlausibleDate("protection_early_end")])
    reason = TextAreaField("Details", widget=GovTextArea(),
                           validators=[InputRequired("Enter the details"), Length(max=2000)])
    submit = SubmitField("End protection early", widget=GovSubmitInput())


class CalculatorForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    council = SelectField("Council", widget=GovSelect(), validators=[InputRequired("Choose a council")])
    old_scp = IntegerField("Spinal column point before the move", widget=GovTextInput(),
                           validators=[InputRequired("Enter the point before the move"),
                                       NumberRange(min=1, max=60, message="Enter a point from 1 to 60")])
    new_scp = IntegerField("Spinal column point after the move", widget=GovTextInput(),
                           validators=[InputRequired("Enter the point after the move"),
                                       NumberRange(min=1, max=60, message="Enter a point from 1 to 60")])
    start = GovDateField("Start date", validators=[InputRequired("Enter the start date"), PlausibleDate("protection_start")])
    hours = DecimalField("Hours a week (leave empty for full time)", widget=GovTextInput(), places=2,
                         validators=[Optional(), NumberRange(min=0.5, max=48, message="Enter hours between 0.5 and 48")])
    submit = SubmitField("Calculate", widget=GovSubmitInput())


class PolicyForm(FlaskForm):
    effective_from = GovDateField("Applies to protections starting on or after",
                                  validators=[InputRequired("Enter the date the new version applies from"),
                                              PlausibleDate("policy_from")])
    kind = RadioField("Kind", widget=GovRadioInput(), choices=[
        ("tapered", "Tapered: the difference on the start date is fixed in cash; each phase pays its share"),
        ("cash-frozen", "Cash-frozen: the old salary is frozen; pay awards and increments on the new salary erode it")],
        validators=[InputRequired("Choose the kind of protection")])
    phases = TextAreaField("Phases, one a line: months and share of the difference", widget=GovTextArea(),
                           validators=[InputRequired("Enter at least one phase, like 12 months at 1.0"),
                                       Length(max=500)])
    ends_early_on = SelectMultipleField("What else ends protection early (the new salary reaching the old one always "
                                        "does)", widget=GovCheckboxesInput(), choices=[
        ("promotion", "Promotion"), ("voluntary move to a lower graded post", "A voluntary move to a lower graded post"),
        ("leaving", "Leaving")], validators=[Optional()])
    pro_rata_for_hours = BooleanField("Pay protection pro rata to contractual hours", widget=GovCheckboxInput())
    expiry_warning_days = IntegerField("Warn HR this many days before protection ends", widget=GovTextInput(),
                                       validators=[InputRequired("Enter the number of days"),
                                                   NumberRange(min=1, max=365, message="Enter 1 to 365 days")])
    review_on = GovDateField("Review date (optional)", validators=[Optional()])
    reason = TextAreaField("Reason for the change", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason for the change"), Length(max=1000)])
    submit = SubmitField("Save the new version", widget=GovSubmitInput())
