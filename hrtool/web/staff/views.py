"""HR officers' employee records: find, read, change."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...models import Employee, Post
from ...permissions import require_employee_visible, requires
from ...services.accounts import user_admin
from ...services.people import employee_search, employees, posts, salary_history
from ...services.people.record_views import viewers_of  # pages about a person are logged there too
from ...services.people.records import picture_on, timeline
from ...services.platform import audit
from ..auth.reauth import recent_password_required
from ..downloads import require_spreadsheet_format, send_spreadsheet
from ..fields import id_from_query, required_date
from ..form_errors import show_domain_error
from ..paging import paginate_keys
from .forms import AssignmentChangeForm, DetailsForm, FilterForm, LeaverForm

bp = Blueprint("staff", __name__, url_prefix="/employees")



def _filters() -> tuple[FilterForm, employee_search.EmployeeFilters]:
    form = FilterForm(request.args)
    choices = employee_search.filter_choices()
    form.employer.choices = [("", "Any")] + [(code, name) for code, name in choices["employers"]]
    form.service.choices = [("", "Any")] + [(str(i), name) for i, name in choices["services"]]
    form.grade.choices = [("", "Any")] + [(g, g) for g in choices["grades"]]
    form.validate()
    filters = employee_search.EmployeeFilters(
        q=(form.q.data or "")[:100], employer=form.employer.data or "",
        service_id=id_from_query("service"), post=(form.post.data or "")[:30],
        grade=form.grade.data or "", terms=form.terms.data or "", part_time=form.part_time.data or "",
        status=form.status.data if form.status.data in employee_search.STATUSES else "active",
        sort=request.args.get("sort", "name") if request.args.get("sort") in employee_search.SORTS else "name",
        descending=request.args.get("desc") == "1")
    return form, filters


@bp.get("/", endpoint="employees")
@requires("employees.view_all")
def employees_list() -> Any:
    form, filters = _filters()
    # The page's people are chosen first (ids in order, over the name index when sorted by
    # name), then only those rows are joined whole: flat at 100,000 people.
    today = date.today()
    page = paginate_keys(lambda rows: employee_search.keys(filters, today, rows),
                         lambda ids: employee_search.rows(ids, filters, today), "staff.employees",
                         **filters.as_params())
    return render_template("staff/employees.html", form=form, filters=filters, page=page,
                           params=filters.as_params(), today=date.today())


@bp.get("/export.<fmt>")
@requires("employees.view_all")
@recent_password_required  # a bulk export of personal data
def export(fmt: str) -> Any:
    require_spreadsheet_format(fmt)
    from ...services.people.employee_io import export_employees

    _, filters = _filters()
    return send_spreadsheet(
        lambda out: export_employees(out, fmt, employee_search.person_ids(filters, date.today()), date.today(),
                                     filters=dict(request.args)),
        fmt, f"employees-{date.today():%Y-%m-%d}.{fmt}")


@bp.get("/<int:employee_id>")
@requires("employees.view_all")
def employee(employee_id: int) -> Any:
    require_employee_visible(employee_id)
    picture = picture_on(employee_id, date.today())
    if picture is None:
        abort(404)
    return render_template("staff/employee.html", picture=picture, timeline=timeline(employee_id),
                           trail=audit.person_trail(employee_id, limit=20),
                           latest=employees.latest_assignment(employee_id), viewers=viewers_of(employee_id),
                           pay_history_url=url_for("staff.pay_history", employee_id=employee_id))


@bp.get("/<int:employee_id>/pay")
@requires("employees.view_all")
def pay_history(employee_id: int) -> Any:
    require_employee_visible(employee_id)
    employee = db.get_or_404(Employee, employee_id)
    return render_template("pay_history/pay_history.html", employee=employee, mine=False,
                           history=salary_history.pay_history(employee_id, date.today()))


def _details_form(employee: Employee) -> DetailsForm:
    form = DetailsForm(obj=employee if request.method == "GET" else None)
    form.trade_union_id.choices = [("", "Not a member, or not known")] + [(u.id, u.name) for u in user_admin.unions()]
    if request.method == "GET":
        form.version.data = str(employee.version)
    return form


@bp.route("/<int:employee_id>/details", methods=["GET", "POST"])
@requires("employees.edit")
def edit_details(employee_id: int) -> Any:
    employee = db.get_or_404(Employee, employee_id)
    form = _details_form(employee)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in employees.DETAIL_FIELDS}
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
        try:
            employees.update_details(employee_id, int(form.version.data or 0), values, form.reason.data)
        except StaleRecord as error:
            form.form_errors.append(error.message)
            fresh = employees.employee(employee_id)
            return render_template("staff/edit_details.html", form=form, employee=fresh, stale=True), 409
        flash("Details saved.", "success")
        return redirect(url_for("staff.employee", employee_id=employee_id))
    return render_template("staff/edit_details.html", form=form, employee=employee, stale=False)


def _suggested_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# A drop-down of every open post holds at most this many; an employer with more (50,000 posts at
# 100,000 people: megabytes of page) gets a short list found by post number or title.
POST_CHOICES = 1000
FOUND_POSTS = 50


def _post_label(post: Post) -> str:
    return f"{post.title} ({post.post_number}){' – ' + post.grade if post.grade else ''}"


def _post_choices(form: AssignmentChangeForm, current: Any) -> dict[str, Any] | None:
    """Fill the post drop-down: every open post of the employer, or, past POST_CHOICES, the
    current post, the one sent (if it is an open post of the employer) and up to FOUND_POSTS
    found by ?find= (a whole post number, or words in the title). Returns what the finder shows,
    or None when the whole list fits."""
    employer_id = current.employment.employer_id
    # Whether the list is short: one more than fits is enough to know.
    if posts.open_post_count(employer_id, up_to=POST_CHOICES + 1) <= POST_CHOICES:
        form.post_id.choices = [(p.id, _post_label(p)) for p in posts.open_posts(employer_id)]
        return None
    find = request.args.get("find", "").strip()[:60]
    # At most FOUND_POSTS are shown; one more says there are more.
    found = posts.find_open_posts(employer_id, find, limit=FOUND_POSTS + 1) if find else []
    sent = request.form.get("post_id", "") if request.method == "POST" else ""
    chosen = [current.post]
    if sent.isdigit() and int(sent) != current.post_id:
        post = posts.open_post(employer_id, int(sent))
        if post is not None:
            chosen.append(post)
    shown = {p.id: p for p in [*chosen, *found[:FOUND_POSTS]]}
    form.post_id.choices = [(p.id, _post_label(p)) for p in shown.values()]
    return {"find": find, "found": len(found[:FOUND_POSTS]), "more": len(found) > FOUND_POSTS}


@bp.route("/<int:employee_id>/assignment", methods=["GET", "POST"])
@requires("employees.edit")
def change_assignment(employee_id: int) -> Any:
    employee = db.get_or_404(Employee, employee_id)
    current = employees.latest_assignment(employee_id)
    if current is None:
        flash("This person has no current assignment to change.")
        return redirect(url_for("staff.employee", employee_id=employee_id))
    form = AssignmentChangeForm(obj=current if request.method == "GET" else None)
    finder = _post_choices(form, current)
    if request.method == "GET":
        form.based_on.data = str(current.id)
        # A page that sends HR here (a restructure appointment) may suggest the date and reason.
        form.reason.data = request.args.get("reason", "")[:500]
        form.effective_from.data = _suggested_date(request.args.get("from", ""))
    if form.validate_on_submit():
        if form.based_on.data != str(current.id):
            form.form_errors.append("Someone else changed this person's assignment while you were editing. "
                                    "The current record is shown below: check it and make your change again.")
            form.based_on.data = str(current.id)
            return render_template("staff/change_assignment.html", form=form, employee=employee, current=current,
                                   finder=finder), 409
        effective_from = required_date(form.effective_from)
        change = employees.AssignmentChange(effective_from, form.post_id.data, form.hours_per_week.data,
                                            form.scp.data, form.local_salary.data, form.reason.data)
        try:
            employees.change_assignment(current.id, change)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("staff/change_assignment.html", form=form, employee=employee, current=current,
                                   finder=finder), 400
        flash(f"Change saved from {effective_from.day} {effective_from:%B %Y}.", "success")
        return redirect(url_for("staff.employee", employee_id=employee_id))
    return render_template("staff/change_assignment.html", form=form, employee=employee, current=current, finder=finder)


@bp.route("/<int:employee_id>/leaver", methods=["GET", "POST"])
@requires("employees.edit")
def record_leaver(employee_id: int) -> Any:
    employee = db.get_or_404(Employee, employee_id)
    current = employees.latest_assignment(employee_id)
    form = LeaverForm()
    if current is None:
        flash("This person has no current employment.")
        return redirect(url_for("staff.employee", employee_id=employee_id))
    if form.validate_on_submit():
        try:
            employees.record_leaver(current.employment_id, required_date(form.end_date), form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("staff/leaver.html", form=form, employee=employee), 400
        flash("Leaver recorded.", "success")
        return redirect(url_for("staff.employee", employee_id=employee_id))
    return render_template("staff/leaver.html", form=form, employee=employee)
