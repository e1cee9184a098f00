"""Forms for restructures: the restructure and its posts, the job match grid, overrides,
appointments and the two calculators."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DecimalField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ...domain.assimilation import ROUTE_LABELS
from ...models import StructurePost
from ..fields import GovDateField, MoneyField, PlausibleDate

MONEY = {"min": Decimal(0), "max": Decimal(10000000), "message": "Enter an amount between £0 and £10,000,000"}


class RestructureForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(), validators=[InputRequired("Enter a name"), Length(max=200)])
    description = TextAreaField("What is changing and why", widget=GovTextArea(), validators=[Optional(), Length(max=4000)])
    effective_date = GovDateField("New structure starts on", validators=[Optional(), PlausibleDate("restructure_date")],
                                  description="Postholders are taken as at the day before. For example, 1 4 2027")
    submit = SubmitField("Create restructure", widget=GovSubmitInput())


class PostForm(FlaskForm):
    side = RadioField("Structure", widget=GovRadioInput(), choices=[("current", "Current"), ("proposed", "Proposed")],
                      validators=[InputRequired("Choose current or proposed")])
    title = StringField("Post title", widget=GovTextInput(), validators=[InputRequired("Enter the post title"),
                                                                          Length(max=200)])
    tier = StringField("Tier", widget=GovTextInput(), validators=[Optional(), Length(max=40)],
                       description="For example, head of service")
    grade = StringField("Grade", widget=GovTextInput(), validators=[Optional(), Length(max=40)])
    band_min = MoneyField("Salary band from (£ a year)", widget=GovTextInput(), places=2,
                            validators=[Optional(), NumberRange(**MONEY)])
    band_max = MoneyField("Salary band to (£ a year)", widget=GovTextInput(), places=2,
                            validators=[Optional(), NumberRange(**MONEY)])
    fte = DecimalField("FTE", widget=GovTextInput(), places=2, default=Decimal(1), validators=[
        InputRequired("Enter the FTE, like 1 or 0.5"),
        NumberRange(min=Decimal("0.01"), max=Decimal(100), message="Enter an FTE between 0.01 and 100")])
    functions = TextAreaField("Functions", widget=GovTextArea(), validators=[Optional(), Length(max=4000)],
                              description="One a line")
    reports_to_id = SelectField("Reports to", widget=GovSelect(), coerce=int)
    employer_id = SelectField("Employer", widget=GovSelect(), coerce=int)
    ccdc_share = DecimalField("Share of the cost met by Cannock Chase (0 to 1)", widget=GovTextInput(), places=4,
                              default=Decimal("0.5"), validators=[
                                  InputRequired("Enter the share, like 0.5"),
                                  NumberRange(min=Decimal(0), max=Decimal(1), message="Enter a share from 0 to 1")])
    budget = MoneyField("Budget including on-costs (£ a year)", widget=GovTextInput(), places=2,
                          validators=[Optional(), NumberRange(**MONEY)],
                          description="Where the papers give one; otherwise salary plus on-costs is used")
    post_number = StringField("Establishment post number", widget=GovTextInput(), validators=[Optional(), Length(max=30)],
                              description="Current posts: the post whose holders this stands for")
    recruitment = RadioField("If left vacant, recruit", widget=GovRadioInput(), default="internal",
                             choices=[("internal", "Internal candidates first"), ("external", "Internal and external")],
                             validators=[InputRequired("Choose how the post is recruited")])
    submit = SubmitField("Add post", widget=GovSubmitInput())


class RemovePostForm(FlaskForm):
    """On the change page under "Remove this post"; shown with the prefix "remove" so its fields
    do not clash with the post form's."""

    reason = TextAreaField("Reason for removing the post", widget=GovTextArea(), validators=[
        InputRequired("Enter the reason for removing the post"), Length(max=2000)],
        description="Kept in the audit log")
    submit = SubmitField("Remove post", widget=GovSubmitInput())


class MatchGridForm(FlaskForm):
    """The job match grid: for each current post against each new post, a percentage box
    (`m_<current id>_<new id>`) and a note box (`n_...`). The cells depend on the restructure's
    posts, so they are read from the form data rather than declared as fields. A valid grid
    gives `entries`: (current id, new id) -> (percentage, or None to clear the cell; note)."""

    def __init__(self, current: Sequence[StructurePost], proposed: Sequence[StructurePost], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current, self.proposed = current, proposed
        self.entries: dict[tuple[int, int], tuple[int | None, str]] = {}
        self.cell_errors: list[tuple[str, str]] = []  # (box name, message)

    def process(self, formdata: Any = None, obj: Any = None, data: Any = None, extra_filters: Any = None,
                **kwargs: Any) -> None:
        formdata = self.meta.wrap_formdata(self, formdata)
        super().process(formdata, obj, data, extra_filters, **kwargs)
        # What was typed, kept to show the grid again as sent.
        self.values = {k: v.strip() for k, v in (formdata or {}).items() if k.startswith(("m_", "n_"))}

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):  # the CSRF token
            return False
        names = {p.id: p.title for p in [*self.current, *self.proposed]}
        for cur in (p.id for p in self.current):
            for new in (p.id for p in self.proposed):
                box = f"m_{cur}_{new}"
                if box not in self.values:
                    continue  # not on the form that was sent: leave it as it is
                raw, note = self.values[box], self.values.get(f"n_{cur}_{new}", "")
                pair = f"{names[cur]} against {names[new]}"
                if not raw:
                    if note:
                        self.cell_errors.append((box, f"{pair}: enter the match percentage for the note, "
                                                      "or clear the note"))
                    self.entries[(cur, new)] = (None, "")
                elif not raw.isdigit() or int(raw) > 100:
                    self.cell_errors.append((box, f"{pair}: enter a whole percentage from 0 to 100"))
                elif len(note) > 1000:
                    self.cell_errors.append((box, f"{pair}: the note is too long"))
                else:
                    self.entries[(cur, new)] = (int(raw), note)
        return not self.cell_errors


class OverrideForm(FlaskForm):
    route = RadioField("Route", widget=GovRadioInput(), choices=list(ROUTE_LABELS.items()),
                       validators=[InputRequired("Choose the route")])
    proposed_post_id = SelectField("New post", widget=GovSelect(), coerce=int,
                                   description="The post slotted into, offered, or competed for")
    reason = TextAreaField("Reason for overriding the policy's route", widget=GovTextArea(), validators=[
        InputRequired("Enter the reason for overriding the policy's route"), Length(max=2000)])
    submit = SubmitField("Save route", widget=GovSubmitInput())


class AppointmentForm(FlaskForm):
    proposed_post_id = SelectField("New post", widget=GovSelect(), coerce=int)
    employee_id = SelectField("Current postholder", widget=GovSelect(), coerce=int)
    external_name = StringField("Or an external appointee's name", widget=GovTextInput(),
                                validators=[Optional(), Length(max=200)])
    outcome = RadioField("Outcome", widget=GovRadioInput(), default="appointed",
                         choices=[("appointed", "Appointed"), ("unsuccessful", "Not appointed (selection outcome)")],
                         validators=[InputRequired("Choose the outcome")])
    start_date = GovDateField("Start date in the new post", validators=[Optional(), PlausibleDate("appointment_start")])
    salary = MoneyField("Full-time annual salary (£)", widget=GovTextInput(), places=2,
                          validators=[Optional(), NumberRange(**MONEY)])
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record", widget=GovSubmitInput())


class RedundancyCalcForm(FlaskForm):
    class Meta:
        csrf = False  # a GET calculator: nothing is changed

    council = SelectField("Council (whose discretionary policy)", widget=GovSelect())
    dob = GovDateField("Date of birth", validators=[InputRequired("Enter the date of birth")])
    service_from = GovDateField("Continuous service from", validators=[InputRequired("Enter the start of continuous service")])
    leaving = GovDateField("Leaving (relevant) date", validators=[InputRequired("Enter the leaving date")])
    weekly_pay = MoneyField("Actual weekly pay (£)", widget=GovTextInput(), places=2, validators=[
        InputRequired("Enter the weekly pay, like 950.00"), NumberRange(**MONEY)])
    # the earlier service date for redundancy, notice and pay in lieu, the grade's notice.
    redundancy_service_from = GovDateField("Service date for redundancy (optional)", validators=[Optional()])
    notice_given = GovDateField("Date notice was given (optional)", validators=[Optional()])
    pilon = SelectField("Was notice paid in lieu?", widget=GovSelect(), default="no",
                        choices=[("no", "No: notice worked to the leaving date"), ("yes", "Yes: pay in lieu of notice")])
    grade = StringField("Grade, for the contractual notice (optional)", widget=GovTextInput(),
                        validators=[Optional(), Length(max=40)])
    submit = SubmitField("Calculate", widget=GovSubmitInput())

    def validate_leaving(self, field: GovDateField) -> None:
        if field.data and self.service_from.data and field.data < self.service_from.data:
            raise ValidationError("The leaving date must be after the start of continuous service")

    def validate_redundancy_service_from(self, field: GovDateField) -> None:
        if field.data and self.service_from.data and field.data > self.service_from.data:
            raise ValidationError("The service date for redundancy must be on or before the continuous service date")

    def validate_notice_given(self, field: GovDateField) -> None:
        if field.data and self.leaving.data and field.data > self.leaving.data:
            raise ValidationError("The date notice was given must be on or before the leaving date")


class ApportionForm(FlaskForm):
    class Meta:
        csrf = False

    ccdc = MoneyField("Cannock Chase's cost before sharing (£)", widget=GovTextInput(), places=2,
                        validators=[InputRequired("Enter Cannock Chase's cost before sharing"), NumberRange(**MONEY)])
    sbc = MoneyField("Stafford's cost before sharing (£)", widget=GovTextInput(), places=2,
                       validators=[InputRequired("Enter Stafford's cost before sharing"), NumberRange(**MONEY)])
    shared_cost = MoneyField("Cost of the shared service (£)", widget=GovTextInput(), places=2,
                               validators=[InputRequired("Enter the cost of the shared service"), NumberRange(**MONEY)])
    convention = SelectField("How the councils share it", widget=GovSelect(), default="apportionment", choices=[
        ("apportionment", "Apportionment: the cost in the proportions of each council's cost before (business case 12.2)"),
        ("saving_shared_equally", "Saving shared equally (business case 9.28: £44k each of the £88k)")])
    reduce_council = SelectField("Later, one council cuts its part (optional)", widget=GovSelect(), default="",
                                 choices=[("", "No cut"), ("CCDC", "Cannock Chase"), ("SBC", "Stafford")])
    reduce_by = MoneyField("By (£)", widget=GovTextInput(), places=2, validators=[Optional(), NumberRange(**MONEY)])
    submit = SubmitField("Apportion", widget=GovSubmitInput())


class ImplementForm(FlaskForm):
    """Implementing a restructure on its date: the decision it follows, and, where
    current postholders have no appointment, HR's reason for going ahead without them."""

    reason = TextAreaField("Reason for implementing", widget=GovTextArea(),
                           description="The decision this follows, e.g. the council's resolution and its date",
                           validators=[InputRequired("Enter the reason for implementing the restructure"),
                                       Length(max=2000)])
    gaps_reason = TextAreaField("Why it goes ahead without them", widget=GovTextArea(),
                                description="Kept with the implementation and in the audit log",
                                validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Implement the restructure", widget=GovSubmitInput())


class UndoImplementationForm(FlaskForm):
    undo_reason = TextAreaField("Reason for undoing it", widget=GovTextArea(), validators=[
        InputRequired("Enter the reason for undoing the implementation"), Length(max=2000)])
    submit_undo = SubmitField("Undo the implementation", widget=GovSubmitInput())
