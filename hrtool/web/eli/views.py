"""The employee liability information pack of a transfer (TUPE 2006 regulation 11): the page with
each person's completeness, the XLSX, a PDF per person, a ZIP of the PDFs, and recording that a
person's disciplinary, grievance and claims records were checked. HR only."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ...errors import DomainError
from ...extensions import db
from ...models import Transfer, TransferMember
from ...permissions import requires
from ...services.people import cases, record_views
from ...services.platform.tabular import MEDIA_TYPES
from ...services.tupe import eli, transfers
from ..auth.reauth import recent_password_required
from ..downloads import send_bytes
from ..fields import required_date
from ..form_errors import show_domain_error
from ..paging import paginate_list
from .forms import CasesCheckedForm

bp = Blueprint("eli", __name__, url_prefix="/transfers/<int:transfer_id>/eli")


@bp.get("/")
@requires("transfers.view")
def pack(transfer_id: int) -> Any:
    transfer = db.get_or_404(Transfer, transfer_id)
    built = eli.build_pack(transfer, date.today())
    # The totals cover everyone; the table shows one page of people (the downloads hold them all).
    page = paginate_list(built.records, "eli.pack", transfer_id=transfer_id)
    # The page shows those people's particulars: a view of each one's record (services/people/record_views.py).
    record_views.record_many([r.employee_id for r in page.items], "eli.pack", request.path)
    return render_template("eli/pack.html", transfer=transfer, pack=built, page=page,
                           date_warning=transfers.date_warning(transfer))


@bp.get("/pack.xlsx")
@requires("transfers.view")
@recent_password_required  # a bulk export of personal data
def export_xlsx(transfer_id: int) -> Any:
    content, name, _ = eli.export_xlsx(db.get_or_404(Transfer, transfer_id), date.today())
    return send_bytes(content, MEDIA_TYPES["xlsx"], name)


@bp.get("/pack.ods")
@requires("transfers.view")
@recent_password_required  # a bulk export of personal data
def export_ods(transfer_id: int) -> Any:
    content, name, _ = eli.export_xlsx(db.get_or_404(Transfer, transfer_id), date.today(), "ods")
    return send_bytes(content, MEDIA_TYPES["ods"], name)


@bp.get("/pack.zip")
@requires("transfers.view")
@recent_password_required  # a bulk export of personal data
def export_zip(transfer_id: int) -> Any:
    content, name, _ = eli.export_zip(db.get_or_404(Transfer, transfer_id), date.today())
    return send_bytes(content, "application/zip", name)


@bp.get("/members/<int:member_id>.pdf")
@requires("transfers.view")
def member_pdf(transfer_id: int, member_id: int) -> Any:
    exported = eli.export_pdf(db.get_or_404(Transfer, transfer_id), member_id, date.today())
    if exported is None:
        abort(404)
    return send_bytes(exported[0], "application/pdf", exported[1])


@bp.route("/members/<int:member_id>/cases-checked", methods=["GET", "POST"])
@requires("transfers.manage")
def cases_checked(transfer_id: int, member_id: int) -> Any:
    transfer = db.get_or_404(Transfer, transfer_id)
    member = db.session.get(TransferMember, member_id)
    if member is None or member.transfer_id != transfer.id:
        abort(404)
    form = CasesCheckedForm()
    if request.method == "GET":
        form.checked_on.data = member.eli_cases_checked_on or date.today()
    if form.validate_on_submit():
        try:
            cases.mark_cases_checked(member, required_date(form.checked_on), date.today())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Check recorded for {member.employee.full_name}.", "success")
            return redirect(url_for("eli.pack", transfer_id=transfer_id))
    return render_template("eli/cases_checked.html", transfer=transfer, member=member, form=form,
                           pack=eli.build_pack(transfer, date.today(), member_id=member_id))
