"""The outbox: every message hrtool has sent or would send, for administrators.
Without a mail server configured this is where mail is read; with one, it shows what was sent
and what failed, in plain words, with a way to send a message again."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ...errors import DomainError
from ...extensions import db
from ...models import OutboxMessage
from ...models.mail import STATUS_LABELS
from ...permissions import requires
from ...services.letters import mail
from ..paging import paginate
from .forms import OutboxFilterForm, SendAgainForm

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")


@bp.get("/")
@requires("mail.outbox")
def outbox() -> Any:
    """Newest first, a page at a time, filtered by status."""
    form = OutboxFilterForm(request.args)
    status = form.status.data if form.status.data in STATUS_LABELS else ""
    page = paginate(mail.outbox_query(status), "mail.outbox", status=status)
    return render_template("mail/outbox.html", form=form, page=page, status=status,
                           configured=mail.smtp_settings() is not None)


@bp.get("/<int:message_id>")
@requires("mail.outbox")
def message(message_id: int) -> Any:
    record = db.get_or_404(OutboxMessage, message_id)
    return render_template("mail/message.html", message=record, form=SendAgainForm(),
                           configured=mail.smtp_settings() is not None)


@bp.post("/<int:message_id>/send-again")
@requires("mail.outbox")
def send_again(message_id: int) -> Any:
    """Put a message that was not sent back in the queue and try it now."""
    record = db.get_or_404(OutboxMessage, message_id)
    if not SendAgainForm().validate_on_submit():
        abort(400)
    try:
        mail.send_again(record)
        status = mail.deliver(message_id)
    except DomainError as error:
        flash(error.message)
    except mail.MailNotSent as error:
        flash(f"Not sent: {error.reason}")
    else:
        flash("Sent." if status == "sent" else "No mail server is configured: the message is kept in the outbox.",
              "success" if status == "sent" else "info")
    return redirect(url_for("mail.message", message_id=message_id))
