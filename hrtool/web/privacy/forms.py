"""Forms for subject access exports and deletion under the retention rule."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _plain_text(form: FlaskForm, field: TextAreaField) -> None:
    """Control characters (a NUL, which PostgreSQL cannot store, among them) are refused with a
    message rather than stored or failing; tabs and line breaks are fine."""
    if any(ord(c) < 32 and c not in "\t\r\n" for c in field.data or ""):
        raise ValidationError(f"{field.label.text} must be plain text: remove the control characters")


class SubjectAccessForm(FlaskForm):
    reason = TextAreaField(
        "Request", widget=GovTextArea(),
        description="Who asked and when, and your reference for the request (for example "
                    "\"SAR received by email 3 March 2025, ref IG-2025-014\").",
        filters=[_strip], validators=[DataRequired("Say which request this export answers"), Length(max=1000),
                                      _plain_text])
    submit = SubmitField("Download the export (ZIP)", widget=GovSubmitInput())


class EraseForm(FlaskForm):
    reason = TextAreaField(
        "Reason", widget=GovTextArea(),
        description="For example \"Annual retention review 2025\". Do not write personal details here: "
                    "the reason is kept in the audit trail after the record is gone.",
        filters=[_strip], validators=[DataRequired("Give the reason for deleting this record"), Length(max=1000),
                                      _plain_text])
    confirm = BooleanField("I understand this deletes the record and cannot be undone", widget=GovCheckboxInput(),
                           validators=[InputRequired("Confirm that you understand the record cannot be restored")])
    submit = SubmitField("Delete the record", widget=GovSubmitInput())
