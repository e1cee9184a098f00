"""Forms for job evaluations and increment runs."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ...services.pay.job_evaluations import Choice, Member
from ..fields import GovDateField, PlausibleDate

FACTOR_NUMBERS = range(1, 14)
PANEL_ROWS = 4


class PanelMemberForm(Form):
    """One member of the evaluation panel; a row left blank is ignored."""

    name = StringField("Name", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    side = SelectField("Side", widget=GovSelect(), choices=[("", "Choose"), ("management", "Management"),
                                                            ("union", "Union side")], default="")
    role = StringField("Role (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])

    def validate_side(self, field: Any) -> None:
        if (self.name.data or "").strip() and not field.data:
            raise ValidationError(f"Say whether {self.name.data.strip()} sat for management or the union side")


class EvaluationForm(FlaskForm):
    """An evaluation factor by factor: a level for each of the 13 factors (the choices are the levels
    of the scheme version in force on the panel date, set by the view), the convention that decided it
    (the evaluating council's current ones for that factor) and a note; the panel, the job
    description version, the date. The service computes the points and checks the citations."""

    council_id = IntegerField(widget=HiddenInput(), validators=[InputRequired("Choose whose conventions apply")])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    evaluated_on = GovDateField("Date of the panel", validators=[InputRequired("Enter the date of the panel"),
                                                                 PlausibleDate("evaluated_on")])
    job_description = StringField("Job description version", widget=GovTextInput(),
                                  description="The job description the panel evaluated, for example JD v3, March 2026",
                                  validators=[InputRequired("Enter the job description version the panel used"),
                                              Length(max=200)])
    panel = FieldList(FormField(PanelMemberForm), min_entries=PANEL_ROWS, max_entries=12)
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    record_agreed = SubmitField("Record as agreed", widget=GovSubmitInput())

    def factor_fields(self) -> list[tuple[Any, Any, Any]]:
        """(level, convention, note) fields of factors 1 to 13."""
        return [(getattr(self, f"factor_{n}"), getattr(self, f"convention_{n}"), getattr(self, f"note_{n}"))
                for n in FACTOR_NUMBERS]


def _level(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError("Choose one of the levels shown") from None


# For each factor of the scheme: its level, the convention that decided it, and a note. The
# level's range is the scheme's (checked by the service, which names the factor and its range).
for _number in FACTOR_NUMBERS:
    setattr(EvaluationForm, f"factor_{_number}", RadioField(
        f"Factor {_number}", widget=GovRadioInput(), coerce=_level, validate_choice=False,
        validators=[InputRequired(f"Choose a level for factor {_number}")]))
    setattr(EvaluationForm, f"convention_{_number}", SelectField(
        "Decided by convention (optional)", widget=GovSelect(), choices=[("", "No convention")], default=""))
    setattr(EvaluationForm, f"note_{_number}", StringField(
        "Note (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=500)]))


class StatusForm(FlaskForm):
    """Agree or withdraw an evaluation, with the version the user saw."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired("Reload the page and try again")])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[Optional(), Length(max=500)])
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class IncrementRunForm(FlaskForm):
    """Choosing a run: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    council = SelectField("Employer", widget=GovSelect(), validate_choice=False)
    run_on = GovDateField("Increment date", validators=[InputRequired("Enter the increment date"),
                                                        PlausibleDate("increment_run_on")])


class ApplyRunForm(FlaskForm):
    council = HiddenField()
    run_on = HiddenField()
    submit = SubmitField("Apply increments", widget=GovSubmitInput())


def offer_choices(form: EvaluationForm, factors: Sequence[Any], conventions: dict[int, list[Any]]) -> None:
    """Each factor's levels (with their points) and the council's current conventions for it."""
    for factor in factors:
        getattr(form, f"factor_{factor.number}").choices = [
            (lv.level, f"Level {lv.level}: {lv.points} points") for lv in factor.levels]
        getattr(form, f"convention_{factor.number}").choices = [("", "No convention")] + [
            (str(c.id), c.label) for c in conventions.get(factor.number, [])]


def chosen(form: EvaluationForm) -> list[Choice]:
    """The 13 levels as typed, each with its cited convention and note (scheme order)."""
    return [Choice(level.data, int(convention.data) if convention.data else None, note.data or "")
            for level, convention, note in form.factor_fields()]


def chosen_levels(form: EvaluationForm) -> list[int | None]:
    return [level.data if isinstance(level.data, int) else None for level, _, _ in form.factor_fields()]


def panel(form: EvaluationForm) -> list[Member]:
    return [Member(row.form.name.data.strip(), row.form.side.data, (row.form.role.data or "").strip())
            for row in form.panel if (row.form.name.data or "").strip()]


def initial(council_id: int, evaluation: Any = None, *, levels_only: bool = False) -> dict[str, Any]:
    """What the form starts with: blank, an evaluation to edit (everything), or the latest
    evaluation to start a re-evaluation from (its levels and the conventions cited)."""
    data: dict[str, Any] = {"council_id": council_id}
    if evaluation is None:
        return data
    for row in evaluation.factors:
        data[f"factor_{row.factor_number}"] = row.level
        data[f"convention_{row.factor_number}"] = str(row.convention_id) if row.convention_id else ""
        if not levels_only:
            data[f"note_{row.factor_number}"] = row.note
    if not levels_only:
        members = [{"name": m.name, "side": m.side, "role": m.role} for m in evaluation.panel_members]
        data.update(evaluated_on=evaluation.evaluated_on, job_description=evaluation.job_description,
                    notes=evaluation.notes, version=evaluation.version,
                    panel=members + [{}] * max(1, PANEL_ROWS - len(members)))
    return data
