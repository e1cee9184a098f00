"""Job evaluation appeals: an employee's own, and HR's record of the panel's outcome.

The employee's pages show only their own post's evaluation and their own appeals: another
person's appeal, or an evaluation that is not their post's, is a 404 (never confirmed to exist).
Union reps hold neither permission (they see no individual's data): 403."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...errors import DomainError
from ...extensions import db
from ...models import EvaluationAppeal
from ...permissions import requires
from ...services.pay import post_grades
from ...services.pay.jes import appeals
from ..fields import required_date
from ..form_errors import show_domain_error
from . import forms

bp = Blueprint("appeals", __name__)


def _problems(error: DomainError) -> dict[str, str]:
    return getattr(error, "problems", None) or {error.field or "form": error.message}


# -- the employee's own --------------------------------------------------------------------------

def _employee_id() -> int:
    if current_user.employee_id is None:
        abort(404)
    return int(current_user.employee_id)


def _mine_page(typed: dict[str, Any] | None = None, problems: dict[str, str] | None = None,
               status: int = 200) -> Any:
    employee_id, today = _employee_id(), date.today()
    posts = [(s, appeals.factor_rows(s.evaluation) if s.evaluation else [], post_grades.grade_on(s.post.id, today))
             for s in appeals.standing(employee_id, today)]
    return render_template("appeals/mine.html", posts=posts, appeals=appeals.appeals_of(employee_id), today=today,
                           typed=typed or forms.typed_grounds(request.form),
                           problems=problems or {}), status


@bp.get("/me/job-evaluation")
@requires("jes.appeal")
def mine() -> Any:
    return _mine_page()


@bp.post("/me/job-evaluation/appeal")
@requires("jes.appeal")
def lodge() -> Any:
    employee_id, today = _employee_id(), date.today()
    evaluation_id = request.form.get("evaluation_id", "")
    held = {s.evaluation.id for s in appeals.standing(employee_id, today) if s.evaluation is not None}
    if evaluation_id.isdigit() and int(evaluation_id) not in held:
        abort(404)  # not an evaluation of a post they hold
    grounds, problems = forms.grounds(request.form)
    if not evaluation_id.isdigit():
        problems["form"] = "Your post has no evaluation to appeal."
    if not problems:
        try:
            appeal = appeals.lodge(int(evaluation_id), employee_id, grounds, today, today=today)
        except DomainError as error:
            problems = _problems(error)
        else:
            flash(f"Your appeal is lodged (appeal {appeal.id}). Human Resources will arrange the appeal panel.")
            return redirect(url_for("appeals.my_appeal", appeal_id=appeal.id))
    return _mine_page(forms.typed_grounds(request.form), problems, 400)


def _own(appeal_id: int) -> EvaluationAppeal:
    appeal = db.session.get(EvaluationAppeal, appeal_id)
    if appeal is None or appeal.employee_id != _employee_id():
        abort(404)  # someone else's appeal: do not confirm it exists
    return appeal


@bp.get("/me/job-evaluation/appeals/<int:appeal_id>")
@requires("jes.appeal")
def my_appeal(appeal_id: int) -> Any:
    return render_template("appeals/my_appeal.html", view=appeals.view(_own(appeal_id)), problems={}, reason="")


@bp.post("/me/job-evaluation/appeals/<int:appeal_id>/withdraw")
@requires("jes.appeal")
def withdraw(appeal_id: int) -> Any:
    appeal = _own(appeal_id)
    version = request.form.get("version", "")
    try:
        appeals.withdraw(appeal.id, request.form.get("reason", ""),
                         seen_version=int(version) if version.isdigit() else None)
    except DomainError as error:
        return render_template("appeals/my_appeal.html", view=appeals.view(appeal), problems=_problems(error),
                               reason=request.form.get("reason", "")), 400
    flash("Your appeal is withdrawn.")
    return redirect(url_for("appeals.my_appeal", appeal_id=appeal.id))


# -- HR: the open appeals and the panel's outcome ------------------------------------------------

@bp.get("/job-evaluation/appeals")
@requires("jes.appeals")
def appeals_list() -> Any:
    return render_template("appeals/list.html", open=appeals.open_appeals(), decided=appeals.decided_appeals())


def _decide_form(appeal: EvaluationAppeal, *, posted: bool = False) -> forms.DecideForm:
    # What was posted only, once posted: a box left out must not take the initial value (the version seen).
    form_class = forms.decide_form(g["factor"] for g in appeal.grounds)
    return form_class() if posted else form_class(data=forms.initial(appeal.version))


def _appeal_page(appeal: EvaluationAppeal, form: forms.DecideForm | None = None, status: int = 200) -> Any:
    return render_template("appeals/appeal.html", view=appeals.view(appeal), form=form or _decide_form(appeal)), status


def _show_refusal(form: forms.DecideForm, error: DomainError) -> None:
    """Each of the service's problems beside the field it names, the rest at the top."""
    problems = getattr(error, "problems", None)
    if not isinstance(problems, dict):
        problems = {error.field or "": error.message}
    for field, message in problems.items():
        show_domain_error(form, DomainError(message, field=field or None))
    form.panel_problem = problems.get("panel")


@bp.get("/job-evaluation/appeals/<int:appeal_id>")
@requires("jes.appeals")
def appeal(appeal_id: int) -> Any:
    return _appeal_page(db.get_or_404(EvaluationAppeal, appeal_id))


@bp.post("/job-evaluation/appeals/<int:appeal_id>/decide")
@requires("jes.appeals")
def decide(appeal_id: int) -> Any:
    record = db.get_or_404(EvaluationAppeal, appeal_id)
    form = _decide_form(record, posted=True)
    if form.validate_on_submit():
        decided_on = required_date(form.decided_on)
        try:
            appeals.decide(record.id, form.outcome.data, form.levels(), decided_on=decided_on,
                           effective_from=form.effective_from.data or decided_on, appeal_panel=form.members(),
                           notes=form.notes.data or "", today=date.today(), seen_version=form.seen_version())
        except DomainError as error:
            _show_refusal(form, error)
        else:
            flash("The appeal panel's outcome is recorded and the letter to the employee issued.")
            return redirect(url_for("appeals.appeal", appeal_id=record.id))
    return _appeal_page(record, form, 400)
