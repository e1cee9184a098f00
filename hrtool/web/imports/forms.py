"""Forms for importing employees: the upload, and the confirmation of a previewed file."""
from __future__ import annotations

from pathlib import Path

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError

from ..fields import GovDateField

EXTENSIONS = (".csv", ".xlsx", ".ods")


class UploadForm(FlaskForm):
    file = FileField("Payroll export", widget=GovFileInput(),
                     description="A CSV (saved as 'CSV UTF-8'), XLSX or ODS file, up to 50 MB, with the columns "
                                 "described below.",
                     validators=[FileRequired("Select a CSV, XLSX or ODS file")])
    effective_date = GovDateField(
        "Date changes take effect", validators=[Optional()],
        description="For changes of post, hours or pay of people already on record, unless a row gives its "
                    "own effective_date. Leave blank for today. For example, 1 4 2026")
    submit = SubmitField("Check the file", widget=GovSubmitInput())

    def validate_file(self, field: FileField) -> None:
        """The type and emptiness are checked here; the contents when the file is read."""
        upload = field.data
        if Path(upload.filename or "").suffix.lower() not in EXTENSIONS:
            raise ValidationError("The selected file must be a CSV, XLSX or ODS file")
        stream = upload.stream
        stream.seek(0, 2)
        empty = stream.tell() == 0
        stream.seek(0)
        if empty:
            raise ValidationError("The selected file is empty")


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[InputRequired("Upload the file again: this preview has expired")])
    preview = HiddenField(validators=[InputRequired("Upload the file again: this preview has expired"),
                                      Regexp(r"^[0-9]{1,12}$", message="Upload the file again: this preview has expired")])
    submit = SubmitField("Import these changes", widget=GovSubmitInput())
