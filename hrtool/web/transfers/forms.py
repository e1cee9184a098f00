"""Forms for planning and running a transfer."""
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
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ...models.transfers import LEGAL_BASES
from ..fields import GovDateField, PlausibleDate


class TransferForm(FlaskForm):
    service_id = SelectField("Service", widget=GovSelect(), coerce=int)
    transferor_id = SelectField("Transferor (the council the staff leave)", widget=GovSelect(), coerce=int)
    transferee_id = SelectField("Transferee (the lead authority)", widget=GovSelect(), coerce=int)
    transfer_date = GovDateField("Transfer date", validators=[InputRequired("Enter the transfer date"),
                                                              PlausibleDate("transfer_date")])
    legal_basis = RadioField("Legal basis", widget=GovRadioInput(), choices=list(LEGAL_BASES.items()),
                             validators=[InputRequired("Choose the legal basis")])
    reasons = TextAreaField("Reasons for the transfer", widget=GovTextArea(),
                            validators=[InputRequired("Enter the reasons for the transfer"), Length(max=4000)])
    implications = TextAreaField("Legal, economic and social implications", widget=GovTextArea(),
                                 validators=[Optional(), Length(max=4000)])
    transferor_measures = TextAreaField("Measures the transferor envisages", widget=GovTextArea(),
                                        validators=[Optional(), Length(max=4000)])
    transferor_measures_none = BooleanField("The transferor envisages no measures", widget=GovCheckboxInput())
    transferee_measures = TextAreaField("Measures the transferee envisages", widget=GovTextArea(),
                                        validators=[Optional(), Length(max=4000)])
    transferee_measures_none = BooleanField("The transferee envisages no measures", widget=GovCheckboxInput())
    agency_workers = TextAreaField("Agency workers (numbers, roles)", widget=GovTextArea(),
                                   validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Create transfer", widget=GovSubmitInput())

    VALUES = ("service_id", "transferor_id", "transferee_id", "transfer_date", "legal_basis", "reasons", "implications",
              "transferor_measures", "transferor_measures_none", "transferee_measures", "transferee_measures_none",
              "agency_workers")

    def values(self) -> dict[str, object]:
        """The transfer's facts as typed, text trimmed."""
        out = {name: getattr(self, name).data for name in self.VALUES}
        return {k: v.strip() if isinstance(v, str) else v for k, v in out.items()}

    def validate_transferee_id(self, field: SelectField) -> None:
        if field.data == self.transferor_id.data:
            raise ValidationError("The transferee must be the other council")

    def validate_transferor_measures_none(self, field: BooleanField) -> None:
        if field.data == bool((self.transferor_measures.data or "").strip()):
            raise ValidationError("Describe the transferor's measures, or tick that there are none (not both)")

    def validate_transferee_measures_none(self, field: BooleanField) -> None:
        if field.data == bool((self.transferee_measures.data or "").strip()):
            raise ValidationError("Describe the transferee's measures, or tick that there are none (not both)")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired("Enter the reason"), Length(max=1000)])
    submit = SubmitField("Remove from the cohort", widget=GovSubmitInput())


class AddMemberForm(FlaskForm):
    person_number = StringField("Person number", widget=GovTextInput(),
                                validators=[InputRequired("Enter the person number"), Length(max=20)])
    reason = TextAreaField("Why they are in scope", widget=GovTextArea(),
                           validators=[InputRequired("Enter why this person is in scope"), Length(max=1000)])
    submit = SubmitField("Add to the cohort", widget=GovSubmitInput())


class ObjectionForm(FlaskForm):
    objected_on = GovDateField("Date the objection was made", validators=[InputRequired("Enter the date of the objection"),
                                                                          PlausibleDate("objected_on")])
    note = TextAreaField("How it was made (e.g. letter of 3 March)", widget=GovTextArea(),
                         validators=[Optional(), Length(max=1000)])
    understood = BooleanField("I have explained the consequence to the employee and they still object",
                              widget=GovCheckboxInput(), validators=[InputRequired("Confirm the consequence was explained")])
    submit = SubmitField("Record objection", widget=GovSubmitInput())


class StepForm(FlaskForm):
    done_on = GovDateField("Date done", validators=[Optional(), PlausibleDate("step_done_on")])
    note = StringField("Note", widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    submit = SubmitField("Save", widget=GovSubmitInput())


class TransferDateForm(FlaskForm):
    transfer_date = GovDateField("Corrected transfer date", validators=[InputRequired("Enter the corrected transfer date"),
                                                                        PlausibleDate("transfer_date")])
    reason = TextAreaField("Reason for the correction", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason for the correction"), Length(max=1000)])
    submit = SubmitField("Correct the date", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    confirm = HiddenField(default="yes")
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class EditTransferForm(TransferForm):
    """Every field of the plan form, the version the page was opened at, and why."""

    version = HiddenField()
    change_reason = TextAreaField("Reason for the change", widget=GovTextArea(),
                                  validators=[InputRequired("Enter the reason for the change"), Length(max=1000)])
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    version = HiddenField()  # the transfer as the page showed it
    reason = TextAreaField("Why the transfer is withdrawn", widget=GovTextArea(),
                           validators=[InputRequired("Enter why the transfer is withdrawn"), Length(max=2000)])
    understood = BooleanField("I understand the cohort is released, pending letters are cancelled and each "
                              "recognised union is written to; a withdrawn transfer cannot be reopened",
                              widget=GovCheckboxInput(),
                              validators=[InputRequired("Confirm you understand what withdrawing does")])
    submit = SubmitField("Withdraw the transfer", widget=GovSubmitInput())


class CompleteForm(FlaskForm):
    version = HiddenField()  # the transfer as the dry run showed it
    reason = TextAreaField("Reason for completing with steps not met", widget=GovTextArea(),
                           validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Complete the transfer", widget=GovSubmitInput())


class EliCheckedForm(FlaskForm):
    members = SelectMultipleField("People whose records were checked", coerce=int, choices=[], validate_choice=False)
    checked_on = GovDateField("Date the records were checked",
                              validators=[InputRequired("Enter the date the records were checked"),
                                          PlausibleDate("cases_checked_on")])
    submit = SubmitField("Mark as checked", widget=GovSubmitInput())


class UnwrittenForm(FlaskForm):
    letter_type = RadioField("Letter", widget=GovRadioInput(), choices=[
        ("transfer_notice", "Notice of transfer, to each person in the cohort not yet written to"),
        ("tupe_reg13", "Regulation 13 letter, to each recognised union not yet written to")],
        validators=[InputRequired("Choose the letter")])
    submit = SubmitField("Issue the letters", widget=GovSubmitInput())

