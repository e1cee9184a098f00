"""Forms for importing job evaluations: the upload, and the confirmation of a checked file."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import InputRequired, Regexp

from ..imports.forms import UploadForm as EmployeeUploadForm

EXPIRED = "Upload the file again: this preview has expired"


class UploadForm(FlaskForm):
    file = FileField("Evaluations file", widget=GovFileInput(),
                     description="A CSV (saved as 'CSV UTF-8'), XLSX or ODS file with the columns described below.",
                     validators=[FileRequired("Select a CSV, XLSX or ODS file")])
    submit = SubmitField("Check the file", widget=GovSubmitInput())

    validate_file = EmployeeUploadForm.validate_file  # the same type and emptiness checks


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[InputRequired(EXPIRED)])
    sha256 = HiddenField(validators=[InputRequired(EXPIRED), Regexp(r"^[0-9a-f]{64}$", message=EXPIRED)])
    submit = SubmitField("Import these evaluations", widget=GovSubmitInput())
