"""Forms for pay spines, awards, grade bands, the arrears run and the grade lookup."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ...domain.money import NotAnAmount, parse_amount
from ..fields import GovDateField, MoneyField, PlausibleDate

REASON = "Enter the reason for the change"


class AwardAmountField(DecimalField):
    """Pounds or per cent, as people type them: "£1,290", "1290", "3.2" or "3.2%". Which of the
    two it is comes from the award's kind; AwardForm refuses a sign that says the other."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        try:
            # Signed, so a negative amount is refused by the range, in its words.
            self.data = parse_amount(valuelist[0], signed=True, percent=True)
        except NotAnAmount:
            self.data = None  # type: ignore[assignment]  # as DecimalField does, not the object's value
            raise ValueError("Enter the amount as a number, like 1290 or 3.2") from None


class AwardForm(FlaskForm):
    pay_year_from = GovDateField("Takes effect from",
                                 validators=[InputRequired("Enter the date the award takes effect"),
                                             PlausibleDate("pay_year")],
                                 description="The start of the pay year, for example 1 4 2025")
    kind = RadioField("Kind of award", widget=GovRadioInput(), choices=[
        ("flat_gbp", "A flat amount in pounds on each point"), ("percent", "A percentage on each point")],
        validators=[InputRequired("Choose a flat amount or a percentage")])
    amount = AwardAmountField("Amount", widget=GovTextInput(), places=None, validators=[
        InputRequired("Enter the amount, like 1290 or 3.2"),
        NumberRange(min=Decimal("0.0001"), max=Decimal("100000"), message="Enter an amount more than 0")],
        description="Pounds for a flat amount, per cent for a percentage")
    scp_from = IntegerField("First point", widget=GovTextInput(), validators=[
        InputRequired("Enter the first spinal column point the award applies to"),
        NumberRange(min=1, max=200, message="Points are between 1 and 200")])
    scp_to = IntegerField("Last point", widget=GovTextInput(), validators=[
        InputRequired("Enter the last spinal column point the award applies to"),
        NumberRange(min=1, max=200, message="Points are between 1 and 200")])
    deleted_scps = StringField("Points deleted from the new spine (optional)", widget=GovTextInput(),
                               validators=[Optional(), Length(max=100)],
                               description="Separate points with commas, for example 1, 2")
    status = RadioField("Status", widget=GovRadioInput(), choices=[
        ("agreed", "Agreed"), ("provisional", "Provisional (an offer, not yet agreed)")],
        validators=[InputRequired("Choose agreed or provisional")])
    agreed_on = GovDateField("Date agreed", validators=[Optional(), PlausibleDate("award_agreed_on")],
                             description="Leave empty while the award is provisional")
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired(REASON), Length(max=500)])
    submit = SubmitField("Save award", widget=GovSubmitInput())

    def validate_amount(self, field: AwardAmountField) -> None:
        typed = (field.raw_data or [""])[0]
        if self.kind.data == "flat_gbp" and "%" in typed:
            raise ValidationError("A flat amount is in pounds: enter it without the % sign, like 1290")
        if self.kind.data == "percent" and "£" in typed:
            raise ValidationError("A percentage is not in pounds: enter it without the £ sign, like 3.2")


class ApplyAwardForm(FlaskForm):
    agreed_on = GovDateField("Date agreed (optional)", validators=[Optional(), PlausibleDate("award_agreed_on")],
                             description="Enter it if the award has now been agreed; leave empty to make a "
                                         "provisional spine from a provisional award")
    replace = BooleanField("Replace the provisional spine already held for this pay year", widget=GovCheckboxInput())
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired(REASON), Length(max=500)])
    submit = SubmitField("Make the spine", widget=GovSubmitInput())


class SpinePointForm(FlaskForm):
    annual_salary = MoneyField("Full-time annual salary", widget=GovTextInput(), places=2, validators=[
        InputRequired("Enter the salary, like 26835"),
        NumberRange(min=Decimal("1"), max=Decimal("1000000"), message="Enter a salary between £1 and £1,000,000")])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired(REASON), Length(max=500)])
    submit = SubmitField("Save value", widget=GovSubmitInput())


BAND_COLUMNS = [("grade", "Grade"), ("points_min", "Lowest points"), ("points_max", "Highest points"),
                ("scp_min", "Lowest SCP"), ("scp_max", "Highest SCP")]


class BandRowForm(Form):
    """One row of the bands table. A blank row is ignored; a partly filled one must be complete."""

    grade = StringField("Grade", widget=GovTextInput(), validators=[Length(max=40)])
    points_min = StringField("Lowest points", widget=GovTextInput())
    points_max = StringField("Highest points", widget=GovTextInput())
    scp_min = StringField("Lowest SCP", widget=GovTextInput())
    scp_max = StringField("Highest SCP", widget=GovTextInput())

    @property
    def row_number(self) -> int:
        return int(self._prefix.rstrip("-").rsplit("-", 1)[-1]) + 1

    @property
    def blank(self) -> bool:
        return not any((f.data or "").strip() for f in self)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.blank:
            return ok
        row = self.row_number
        if not (self.grade.data or "").strip():
            self.grade.errors = [*self.grade.errors, f"Row {row}: enter the grade"]
            ok = False
        for name, label in BAND_COLUMNS[1:]:
            field = getattr(self, name)
            text = (field.data or "").strip()
            if not text.isdigit() or int(text) > 100000:
                field.errors = [*field.errors, f"Row {row}: enter the {label.lower()} as a whole number"]
                ok = False
        return ok

    def values(self) -> tuple[str, int, int, int, int]:
        return ((self.grade.data or "").strip(), int(self.points_min.data), int(self.points_max.data),
                int(self.scp_min.data), int(self.scp_max.data))


class BandsForm(FlaskForm):
    effective_from = GovDateField("New bands take effect from", validators=[
        InputRequired("Enter the date the new bands take effect"), PlausibleDate("bands_from")],
        description="The bands in force now stay as they are up to the day before")
    name = StringField("Name of this version", widget=GovTextInput(), validators=[
        InputRequired("Enter a name for this version, like 'CCDC grading 2025'"), Length(max=200)])
    bands = FieldList(FormField(BandRowForm), min_entries=1)
    notes = TextAreaField("Conventions (the council's factor-level interpretations)", widget=GovTextArea(),
                          validators=[Optional(), Length(max=10000)])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[Optional(), Length(max=500)],
                           description="Needed to confirm the change; kept in the audit trail")
    # Check first (the default button: Enter in a box checks), then confirm what the check showed.
    check = SubmitField("Check who this affects", widget=GovSubmitInput())
    add_row = SubmitField("Add another band row", widget=GovSubmitInput())
    submit = SubmitField("Confirm and save the new bands", widget=GovSubmitInput())
    fingerprint = HiddenField()  # the plan the check showed (conventions.BandChangePreview.fingerprint)

    def filled_rows(self) -> list[BandRowForm]:
        return [entry.form for entry in self.bands if not entry.form.blank]

    @property
    def confirming(self) -> bool:
        """The confirm button, after a check (a confirmation without one is a check)."""
        return bool(self.submit.data and self.fingerprint.data)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not self.filled_rows():
            self.form_errors.append("Enter at least one grade band")
            ok = False
        if self.confirming and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, REASON]
            ok = False
        return ok


class ArrearsForm(FlaskForm):
    """Choosing the first pay date: in the query string (which run to show; no CSRF token), or
    posted to work the run out (a job; the app's CSRFProtect checks the posted token)."""

    class Meta:
        csrf = False

    first_paid_on = GovDateField("New rates first paid on", validators=[Optional()],
                                 description="Arrears are owed for each month before this one")


class GradeLookupForm(FlaskForm):
    """A GET form, so no CSRF token."""

    class Meta:
        csrf = False

    points = IntegerField("Job evaluation points", widget=GovTextInput(), validators=[
        InputRequired("Enter the points, like 460"),
        NumberRange(min=0, max=2000, message="Points must be between 0 and 2,000")])
    on = GovDateField("On", validators=[Optional()], description="Leave empty for today")
