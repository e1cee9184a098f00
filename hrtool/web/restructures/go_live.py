"""Putting a restructure into the establishment on its date: the preview of what
implementing does and what stands in the way, implementing (with the password asked again), and
undoing it before the date. The work is in services/restructures/restructure_go_live.py."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, url_for

from ...errors import DomainError
from ...permissions import requires
from ...services.restructures import restructure_go_live as go_live
from ..auth.reauth import recent_password_required
from ..form_errors import show_domain_error
from .blueprint import bp, page, restructure_or_404
from .forms import ImplementForm, UndoImplementationForm


def _implement_page(restructure_id: int, form: ImplementForm | None = None,
                    undo_form: UndoImplementationForm | None = None) -> Any:
    record = restructure_or_404(restructure_id)
    today = date.today()
    form = form or ImplementForm(formdata=None)
    undo_form = undo_form or UndoImplementationForm(formdata=None)
    found = go_live.plan(record, today)
    status = 400 if form.errors or undo_form.errors else 200
    return page("implement.html", record, "implement", status, plan=found, form=form, undo_form=undo_form,
                 changes=go_live.changes(found.standing) if found.standing else {},
                 undo=go_live.undo_check(record, today) if found.standing else None,
                 history=[h for h in go_live.history(record) if h.undone_at is not None])


@bp.get("/<int:restructure_id>/implement")
@requires("restructures.view")
def implement_preview(restructure_id: int) -> Any:
    return _implement_page(restructure_id)


@bp.post("/<int:restructure_id>/implement")
@requires("restructures.implement")
@recent_password_required
def implement(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    form = ImplementForm()
    if form.validate_on_submit():
        try:
            done = go_live.implement(record, form.reason.data, form.gaps_reason.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"{record.name} is implemented from {done.effective_date:%-d %B %Y}: "
                  f"{sum(1 for c in done.changes if c.kind == 'moved')} people moved into their new posts.",
                  "success")
            return redirect(url_for("restructures.implement_preview", restructure_id=record.id))
    return _implement_page(restructure_id, form=form)


@bp.post("/<int:restructure_id>/implement/undo")
@requires("restructures.implement")
@recent_password_required
def undo_implementation(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    undo_form = UndoImplementationForm()
    if undo_form.validate_on_submit():
        try:
            go_live.undo(record, undo_form.undo_reason.data)
        except DomainError as error:
            show_domain_error(undo_form, error)
        else:
            flash(f"The implementation of {record.name} is undone: the establishment is as it was.", "success")
            return redirect(url_for("restructures.implement_preview", restructure_id=record.id))
    return _implement_page(restructure_id, undo_form=undo_form)
