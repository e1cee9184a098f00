"""The outbox filter and the "send again" confirmation."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import Optional

from ...models.mail import STATUS_LABELS


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter

    status = SelectField("Status", widget=GovSelect(), choices=[("", "Any")] + list(STATUS_LABELS.items()),
                         validators=[Optional()])
    submit = SubmitField("Filter", widget=GovSubmitInput())


class SendAgainForm(FlaskForm):
    submit = SubmitField("Send again", widget=GovSubmitInput())
