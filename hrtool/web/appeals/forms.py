"""The appeal forms. The employee's (the factors ticked with their reasons and levels sought) is
read from request.form, returning what was typed and the problems found, field by field; HR's
record of the panel's outcome is a FlaskForm built for the factors appealed."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, FormField, HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Optional, StopValidation

from ...services.pay.jes.appeals import OUTCOMES, Ground
from ...services.pay.job_evaluations import SIDES, Member
from ..fields import GovDateField
from ..grading.forms import PanelMemberForm

FACTORS = range(1, 14)
PANEL_ROWS = 4


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def grounds(form: MultiDict[str, str]) -> tuple[list[Ground], dict[str, str]]:
    """The factors ticked, each with the reasons and level sought typed beside it."""
    found: list[Ground] = []
    problems: dict[str, str] = {}
    for raw in form.getlist("factor"):
        factor = _int(raw)
        if factor is None or factor not in FACTORS:
            problems["grounds"] = "Choose factors from the list."
            continue
        sought_text = form.get(f"sought_{factor}", "").strip()
        sought = _int(sought_text)
        if sought_text and sought is None:
            problems[f"factor_{factor}"] = f"Factor {factor}: the level you seek is a whole number, or leave it blank."
            continue
        found.append(Ground(factor, form.get(f"reasons_{factor}", ""), sought))
    return found, problems


def typed_grounds(form: MultiDict[str, str]) -> dict[str, Any]:
    """What was typed in the appeal form, to show it again."""
    return {"ticked": {_int(v) for v in form.getlist("factor")},
            "reasons": {n: form.get(f"reasons_{n}", "") for n in FACTORS},
            "sought": {n: form.get(f"sought_{n}", "") for n in FACTORS}}


# -- HR: the appeal panel's outcome ----------------------------------------------------------------

class LevelField(IntegerField):
    """A factor's new level: a whole number typed in a text box, or blank."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"{self.label.text}: the new level is a whole number, or leave it blank.")
        self.data = int(text)


class DecideForm(FlaskForm):
    """The panel's outcome. decide_form adds a level_<n> field for each factor appealed; the service
    checks the outcome against the levels, the panel's sides and the dates against the appeal."""

    version = HiddenField()
    outcome = RadioField("Outcome", widget=GovRadioInput(), choices=[(o, o.capitalize()) for o in OUTCOMES],
                         validate_choice=False,  # a value not offered gets the service's words
                         validators=[InputRequired("Choose the outcome: upheld, partly upheld or not upheld.")])
    panel = FieldList(FormField(PanelMemberForm), min_entries=PANEL_ROWS, max_entries=PANEL_ROWS)
    decided_on = GovDateField("Date the panel decided", validators=[InputRequired("Enter the date the panel decided")])
    effective_from = GovDateField(
        "Date the new evaluation takes effect",
        description="Upheld or partly upheld only: the grade and pay follow from this date. It may be the date of "
                    "the evaluation appealed.")
    notes = TextAreaField("The panel's reasons (the letter gives them)", widget=GovTextArea())

    factors: tuple[int, ...] = ()
    # The service's refusal of the panel as a whole: shown at the top and beside the panel.
    panel_problem: str | None = None

    def validate_effective_from(self, field: GovDateField) -> None:
        # A date that does not exist already has its own error; not upheld changes no evaluation.
        if field.data is None and not field.errors and self.outcome.data != "not upheld":
            raise StopValidation("Enter the date the new evaluation takes effect")

    def level_fields(self) -> list[tuple[int, Field]]:
        return [(n, self[f"level_{n}"]) for n in self.factors]

    def levels(self) -> dict[int, int]:
        return {n: field.data for n, field in self.level_fields() if field.data is not None}

    def members(self) -> list[Member]:
        return [Member(row.form.name.data.strip(), row.form.side.data, (row.form.role.data or "").strip())
                for row in self.panel if (row.form.name.data or "").strip()]

    def seen_version(self) -> int | None:
        return _int(self.version.data or "")


def decide_form(factors: Iterable[int]) -> type[DecideForm]:
    """The decide form for an appeal against these factors: one new-level box for each."""
    numbers = tuple(factors)
    fields: dict[str, Any] = {f"level_{n}": LevelField(f"Factor {n}", validators=[Optional()]) for n in numbers}
    return type("DecideForm", (DecideForm,), {**fields, "factors": numbers})


def initial(version: int) -> dict[str, Any]:
    """What the decide form starts with: the version seen, and the panel rows alternating sides."""
    return {"version": str(version), "panel": [{"side": SIDES[row % 2]} for row in range(PANEL_ROWS)]}
