"""Forms for finding and changing employee records."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DecimalField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..fields import GovDateField, MoneyField, PlausibleDate


class FilterForm(FlaskForm):
    """The employees list's search and filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Name or person number", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    employer = SelectField("Employer", widget=GovSelect(), validate_choice=False)
    service = SelectField("Service", widget=GovSelect(), validate_choice=False)
    post = StringField("Post number", widget=GovTextInput(), validators=[Optional(), Length(max=30)])
    grade = SelectField("Grade", widget=GovSelect(), validate_choice=False)
    terms = SelectField("Terms", widget=GovSelect(), validate_choice=False,
                        choices=[("", "Any"), ("own", "Employer's own terms"), ("protected", "Protected terms")])
    part_time = SelectField("Hours", widget=GovSelect(), validate_choice=False,
                            choices=[("", "Any"), ("yes", "Part-time"), ("no", "Full-time")])
    status = SelectField("Status", widget=GovSelect(), validate_choice=False,
                         choices=[("active", "Working here"), ("left", "Left"), ("all", "Everyone")])
    sort = HiddenField()
    desc = HiddenField()


class DetailsForm(FlaskForm):
    first_name = StringField("First name", widget=GovTextInput(),
                             validators=[InputRequired("Enter the first name"), Length(max=100)])
    last_name = StringField("Last name", widget=GovTextInput(),
                            validators=[InputRequired("Enter the last name"), Length(max=100)])
    date_of_birth = GovDateField("Date of birth", validators=[InputRequired("Enter the date of birth"),
                                                              PlausibleDate("date_of_birth")])
    sex = SelectField("Sex", widget=GovSelect(), choices=[("F", "Female"), ("M", "Male")],
                      validators=[InputRequired("Select the sex")])
    continuous_service_date = GovDateField("Continuous service date",
                                           validators=[InputRequired("Enter the continuous service date"),
                                                       PlausibleDate("continuous_service_date")])
    # for redundancy pay only, earlier continuous local-government service counts.
    redundancy_service_date = GovDateField("Service date for redundancy (optional)", validators=[Optional()])
    email = StringField("Email", widget=GovTextInput(),
                        validators=[Optional(), Email("Enter an email address like name@example.org"), Length(max=200)])
    phone = StringField("Phone", widget=GovTextInput(), validators=[Optional(), Length(max=40)])
    address = TextAreaField("Address", widget=GovTextArea(), validators=[Optional(), Length(max=500)])
    postcode = StringField("Postcode", widget=GovTextInput(), validators=[Optional(), Length(max=10)])
    trade_union_id = SelectField("Trade union membership", widget=GovSelect(), coerce=lambda v: int(v) if v else None,
                                 validate_choice=True)
    reason = TextAreaField("Reason for the change", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason for the change"), Length(max=500)])
    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def validate_date_of_birth(self, field: GovDateField) -> None:
        if field.data and field.data >= date.today():
            raise ValidationError("Date of birth must be in the past")

    def validate_continuous_service_date(self, field: GovDateField) -> None:
        if field.data and self.date_of_birth.data and field.data <= self.date_of_birth.data:
            raise ValidationError("Continuous service date must be after the date of birth")

    def validate_redundancy_service_date(self, field: GovDateField) -> None:
        from ...services.restructures.redundancy import service_date_problem

        found = service_date_problem(field.data, self.continuous_service_date.data, self.date_of_birth.data)
        if found:
            raise ValidationError(found)


class AssignmentChangeForm(FlaskForm):
    effective_from = GovDateField("Date the change takes effect",
                                  validators=[InputRequired("Enter the date the change takes effect"),
                                              PlausibleDate("change_effective_from")])
    post_id = SelectField("Post", widget=GovSelect(), coerce=int, validate_choice=True)
    hours_per_week = DecimalField("Contracted hours a week", widget=GovTextInput(), places=2,
                                  validators=[InputRequired("Enter the hours a week, like 37 or 18.5"),
                                              NumberRange(min=Decimal("0.5"), max=Decimal("48"),
                                                          message="Hours a week must be between 0.5 and 48")])
    scp = IntegerField("Spinal column point", widget=GovTextInput(),
                       validators=[Optional(), NumberRange(min=1, max=99, message="Spinal column point must be between 1 and 99")])
    local_salary = MoneyField("Local salary (chief officers only, full-time a year)", widget=GovTextInput(), places=2,
                              validators=[Optional(), NumberRange(min=0, message="Salary cannot be negative")])
    reason = TextAreaField("Reason for the change", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason for the change"), Length(max=500)])
    based_on = HiddenField()
    submit = SubmitField("Save change", widget=GovSubmitInput())

    def validate_scp(self, field: IntegerField) -> None:
        if field.data is None and self.local_salary.data is None:
            raise ValidationError("Enter a spinal column point, or a local salary for a chief officer")


class LeaverForm(FlaskForm):
    end_date = GovDateField("Last day of employment", validators=[InputRequired("Enter the last day of employment"),
                                                                  PlausibleDate("leaving_date")])
    reason = SelectField("Reason for leaving", widget=GovSelect(), validators=[InputRequired("Select a reason")],
                         choices=[("", "Choose a reason"), ("resigned", "Resigned"), ("retired", "Retired"),
                                  ("end of fixed-term contract", "End of fixed-term contract"),
                                  ("dismissed", "Dismissed"), ("redundancy", "Redundancy"), ("died", "Died"),
                                  ("other", "Other")])
    submit = SubmitField("Record leaver", widget=GovSubmitInput())
