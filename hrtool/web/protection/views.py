"""Pay protection pages: HR's dashboard, each protection and its schedule, recording one
by hand, ending one early, the calculator, the councils' policies; and "My pay protection"."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, cast

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ...domain.protection import EARLY_ENDINGS
from ...domain.rule_bodies import REVIEW_ON, review_date
from ...errors import DomainError
from ...extensions import db
from ...models import Council, Employee, Protection
from ...permissions import has, requires
from ...services.people import councils as council_list
from ...services.people import employees
from ...services.platform import audit
from ...services.protection import protection_dashboard as dashboard
from ...services.protection import protection_statements, protections
from ...services.rules.rules_admin import review_problem
from ..auth.reauth import recent_password_required
from ..downloads import send_spreadsheet
from ..fields import required_date
from ..form_errors import show_domain_error
from ..paging import paginate_list
from .forms import CalculatorForm, EndEarlyForm, PolicyForm, ProtectionForm

bp = Blueprint("protection", __name__, url_prefix="/protection")
my_bp = Blueprint("my_protection", __name__, url_prefix="/me/protection")

KIND_LABELS = {"promotion": "Promotion", "voluntary move to a lower graded post": "A voluntary move to a lower graded post",
               "leaving": "Leaving"}


def _record(protection_id: int) -> Protection:
    return db.get_or_404(Protection, protection_id)


@bp.get("/")
@requires("protection.view")
def dashboard_page() -> Any:
    today = date.today()
    costs = dashboard.cost_by_council_and_year()
    soon = dashboard.ending_within(today, max(dashboard.WINDOWS))
    buckets = {days: [r for r in soon if r.ends_on is not None and (r.ends_on - today).days <= days]
               for days in dashboard.WINDOWS}
    chart_rows = [{"label": b["label"], "value": f"£{b['value']:,.2f}" + (
        f" (£{b['projected']:,.2f} projected)" if b["projected"] else ""), "pct": b["pct"]}
        for b in dashboard.chart(costs)]
    # Counts cover everyone; each list shows one page (the download holds every protection).
    active = dashboard.active(today)
    return render_template("protection/dashboard.html", today=today, counts=dashboard.active_by_council_and_service(today),
                           buckets=buckets, costs=costs, chart_rows=chart_rows, active_count=len(active),
                           soon=paginate_list(soon, "protection.dashboard_page", arg="soon_page"),
                           active=paginate_list(active, "protection.dashboard_page"),
                           later=paginate_list(dashboard.starting_later(today), "protection.dashboard_page",
                                               arg="later_page"),
                           warnings=dashboard.open_warnings(today))


@bp.get("/export/protections.<fmt>")
@requires("protection.view")
@recent_password_required  # a bulk export of personal data
def export_protections(fmt: str) -> Any:
    return _export(fmt, "protections", dashboard.PROTECTION_COLUMNS, dashboard.protection_lines())


@bp.get("/export/costs.<fmt>")
@requires("protection.view")
def export_costs(fmt: str) -> Any:
    return _export(fmt, "costs", dashboard.COST_COLUMNS, dashboard.cost_lines(dashboard.cost_by_council_and_year()))


def _export(fmt: str, what: str, columns: list[tuple[str, str]], lines: Any) -> Any:
    return send_spreadsheet(lambda out: dashboard.export_table(out, fmt, what, columns, lines), fmt,
                            f"pay-protection-{what}-{date.today():%Y-%m-%d}.{fmt}")


@bp.get("/<int:protection_id>")
@requires("protection.view")
def protection(protection_id: int) -> Any:
    record = _record(protection_id)
    employee = employees.employee(record.employee_id)
    return render_template("protection/protection.html", record=record, employee=employee,
                           posts=protections.posts_of(record), st=protection_statements.statement(record),
                           history=audit.protection_history(record.id),
                           can_end=has("protection.manage") and record.ended_early_on is None
                           and bool(protections.early_kinds(record)))


@bp.get("/<int:protection_id>/statement.pdf")
@requires("protection.view")
def statement(protection_id: int) -> Any:
    record = _record(protection_id)
    return _statement(record.employee_id)


def _statement(employee_id: int) -> Any:
    pdf = protection_statements.statement_pdf(employee_id, date.today())
    employee = cast(Employee, employees.employee(employee_id))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="pay-protection-{employee.person_number}.pdf"'})


@bp.route("/<int:protection_id>/end", methods=["GET", "POST"])
@requires("protection.manage")
def end_early(protection_id: int) -> Any:
    record = _record(protection_id)
    form = EndEarlyForm()
    form.kind.choices = [(k, KIND_LABELS.get(k, k)) for k in protections.early_kinds(record)]
    if form.validate_on_submit():
        try:
            record = protections.end_protection_early(record.id, form.kind.data, required_date(form.first_day_without),
                                                      form.reason.data)
        except DomainError as error:
            record = _record(protection_id)
            show_domain_error(form, error)
        else:
            flash(f"Protection ended early: the last day is the day before {record.ends_on:%d/%m/%Y}.", "success")
            return redirect(url_for("protection.protection", protection_id=record.id))
    status = 400 if request.method == "POST" else 200
    return render_template("protection/end.html", form=form, record=record,
                           employee=employees.employee(record.employee_id)), status


@bp.route("/new", methods=["GET", "POST"])
@requires("protection.manage")
def create() -> Any:
    form = ProtectionForm()
    if request.method == "GET":
        form.source.data = "manual"
        form.hours_per_week.data = Decimal(37)
    if form.validate_on_submit():
        try:
            record = protections.record_by_hand(
                person_number=form.person_number.data, start_date=required_date(form.start_date), source=form.source.data,
                reason=form.reason.data, old_salary=form.old_salary.data, new_salary=form.new_salary.data,
                hours_per_week=form.hours_per_week.data, new_scp=form.new_scp.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Pay protection recorded for {cast(Employee, employees.employee(record.employee_id)).full_name}.", "success")
            return redirect(url_for("protection.protection", protection_id=record.id))
    status = 400 if request.method == "POST" else 200
    return render_template("protection/new.html", form=form), status


@bp.get("/calculator")
@requires("protection.view")
def calculator() -> Any:
    form = CalculatorForm(request.args)
    form.council.choices = [(c.code, c.name) for c in council_list.councils()]
    result = None
    asked = bool(request.args)
    if asked and form.validate():
        try:
            result = protections.calculate(form.council.data, form.old_scp.data, form.new_scp.data, required_date(form.start),
                                           form.hours.data)
        except DomainError as error:
            show_domain_error(form, error)
    status = 400 if asked and result is None else 200
    return render_template("protection/calculator.html", form=form, result=result, asked=asked), status


# -- policies ------------------------------------------------------------------------------------

@bp.get("/policies")
@requires("protection.view")
def policies() -> Any:
    councils = {c.id: c for c in council_list.councils()}
    versions = protections.policies()
    by_council = {cid: [p for p in versions if p.council_id == cid] for cid in councils}
    described = {p.id: protections.policy_rules(p) for p in versions}
    return render_template("protection/policies.html", councils=councils, by_council=by_council,
                           described=described, can_edit=has("protection.policies"))


PHASE_LINE = re.compile(r"^\s*(\d+)\D+?(\d+(?:\.\d+)?)\s*%?\s*$")


def _phases(text: str) -> list[dict[str, str]]:
    """'12 months at 1.0' (or '12, 100%') one a line -> phases; shares over 1 are read as per cent."""
    phases = []
    for line in (line for line in text.splitlines() if line.strip()):
        match = PHASE_LINE.match(line.replace("months", " ").replace("month", " ").replace(" at ", " "))
        if match is None:
            raise DomainError(f"Write each phase as months and share, like “12 months at 1.0”: {line.strip()!r}",
                              field="phases")
        share = Decimal(match.group(2))
        share = share / 100 if share > 1 else share
        phases.append({"months": match.group(1), "share_of_difference": str(share.normalize())})
    if not phases:
        raise DomainError("Enter at least one phase", field="phases")
    return phases


@bp.route("/policies/<int:council_id>/new", methods=["GET", "POST"])
@requires("protection.policies")
@recent_password_required
def new_policy(council_id: int) -> Any:
    council = db.get_or_404(Council, council_id)
    current = protections.policy_in_force(council_id, date.today())
    form = PolicyForm()
    if request.method == "GET" and current is not None:
        body = current.body
        form.kind.data = body.get("kind")
        form.phases.data = "\n".join(f"{p['months']} months at {p['share_of_difference']}" for p in body.get("phases", []))
        form.ends_early_on.data = [k for k in body.get("ends_early_on", []) if k in EARLY_ENDINGS]
        form.pro_rata_for_hours.data = bool(body.get("pro_rata_for_hours", True))
        form.expiry_warning_days.data = dashboard.warning_days(council_id, date.today())
        form.review_on.data = review_date(body)
    if form.validate_on_submit():
        try:
            if problem := review_problem(form.review_on.data, form.effective_from.data):
                raise DomainError(problem, field="review_on")
            body = {"kind": form.kind.data, "phases": _phases(form.phases.data),
                    "pay_awards_on_protected_amount": False,
                    "ends_early_on": [*form.ends_early_on.data, protections.CATCHING_UP],
                    "pro_rata_for_hours": bool(form.pro_rata_for_hours.data),
                    "expiry_warning_days": str(form.expiry_warning_days.data)}
            if form.review_on.data is not None:  # read by hrtool rules status
                body[REVIEW_ON] = form.review_on.data.isoformat()
            protections.save_policy_version(council_id, required_date(form.effective_from), body, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"{council.short_name}'s pay protection policy changed from {form.effective_from.data:%d/%m/%Y}. "
                  "Protections that started earlier keep the policy they started under.", "success")
            return redirect(url_for("protection.policies"))
    status = 400 if request.method == "POST" else 200
    return render_template("protection/policy_new.html", form=form, council=council, current=current), status


@bp.app_template_global("protection_warnings")
def protection_warnings() -> list[Any]:
    """Expiry warnings given and still ahead, for the HR dashboard (empty for other roles)."""
    if not has("protection.view"):
        return []
    return dashboard.open_warnings(date.today())


# -- my pay protection ---------------------------------------------------------------------------

@my_bp.get("/")
@requires("me.protection")
def mine() -> Any:
    if current_user.employee_id is None:
        abort(404)
    return render_template("me/protection.html", today=date.today(),
                           statements=protection_statements.statements_for(current_user.employee_id),
                           part_month_note=protection_statements.PART_MONTH_NOTE)


@my_bp.get("/statement.pdf")
@requires("me.protection")
def my_statement() -> Any:
    if current_user.employee_id is None or not protections.for_employee(current_user.employee_id):
        abort(404)
    return _statement(current_user.employee_id)
