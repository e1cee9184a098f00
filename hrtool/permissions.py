"""The one place that says who may do what. Every view declares its permission with
`@requires(...)`; every query that returns people goes through `employees_visible_to`; object
checks go through `can_view_employee`. The role matrix tests read PERMISSIONS too."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false

from .models import Employee, Role

# Permission -> roles holding it. Admin holds everything HR holds: the administrator is the HR
# systems lead, who also maintains the reference data.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "hr.dashboard": frozenset({Role.HR, Role.ADMIN}),
    "employees.view_all": frozenset({Role.HR, Role.ADMIN}),
    "employees.edit": frozenset({Role.HR, Role.ADMIN}),
    "me.view": frozenset({Role.EMPLOYEE}),
    "union.portal": frozenset({Role.UNION_REP}),
    "admin.manage": frozenset({Role.ADMIN}),
    "reference.view": frozenset({Role.HR, Role.ADMIN}),
    # New dated values of statutory limits and rule settings, new versions of policies and terms
    # packages (the rules held as data); HR keeps viewing them and their history.
    "reference.edit": frozenset({Role.ADMIN}),
    "posts.edit": frozenset({Role.HR, Role.ADMIN}),
    "audit.view": frozenset({Role.HR, Role.ADMIN}),
    "harmonisation.model": frozenset({Role.HR, Role.ADMIN}),
    "transfers.view": frozenset({Role.HR, Role.ADMIN}),
    "transfers.manage": frozenset({Role.HR, Role.ADMIN}),
    "transfers.complete": frozenset({Role.HR, Role.ADMIN}),
    "cases.manage": frozenset({Role.HR, Role.ADMIN}),  # disciplinary, grievance and claims (TUPE reg. 11)
    "protected.register": frozenset({Role.HR, Role.ADMIN}),
    "elections.countersign": frozenset({Role.HR, Role.ADMIN}),
    "me.elect": frozenset({Role.EMPLOYEE}),
    "grading.view": frozenset({Role.HR, Role.ADMIN}),
    "grading.edit": frozenset({Role.HR, Role.ADMIN}),
    # Job evaluation: the scheme and the local conventions are joint agreements, so
    # union reps read them; HR keeps the conventions; an administrator the factor plan; an
    # employee appeals their own post's evaluation, and HR records the appeal panel's outcome.
    "jes.view": frozenset({Role.HR, Role.ADMIN, Role.UNION_REP}),
    "jes.conventions": frozenset({Role.HR, Role.ADMIN}),
    "jes.scheme": frozenset({Role.ADMIN}),
    "jes.appeal": frozenset({Role.EMPLOYEE}),
    "jes.appeals": frozenset({Role.HR, Role.ADMIN}),
    "pay.view": frozenset({Role.HR, Role.ADMIN}),
    "pay.manage": frozenset({Role.ADMIN}),  # changing spines, awards and grade bands
    # Letters: HR keeps the register and templates; reps and employees see their own.
    "letters.view": frozenset({Role.HR, Role.ADMIN}),
    "letters.issue": frozenset({Role.HR, Role.ADMIN}),
    "letters.templates": frozenset({Role.HR, Role.ADMIN}),
    "union.letters": frozenset({Role.UNION_REP}),  # letters to their own union, acknowledgements, responses
    "me.letters": frozenset({Role.EMPLOYEE}),
    # Pay protection: HR keeps the records; admins change the councils' policies.
    "protection.view": frozenset({Role.HR, Role.ADMIN}),
    "protection.manage": frozenset({Role.HR, Role.ADMIN}),
    "protection.policies": frozenset({Role.ADMIN}),
    "me.protection": frozenset({Role.EMPLOYEE}),
    # Restructures: structures, job matching, routes, appointments, costing, redundancy.
    "restructures.view": frozenset({Role.HR, Role.ADMIN}),
    "restructures.manage": frozenset({Role.HR, Role.ADMIN}),
    # Implementing a restructure into the establishment, and undoing it before its date.
    "restructures.implement": frozenset({Role.HR, Role.ADMIN}),
    # Data protection: subject access exports for a person, who viewed a record, retention.
    "privacy.subject_access": frozenset({Role.HR, Role.ADMIN}),
    "privacy.record_views": frozenset({Role.HR, Role.ADMIN}),
    "privacy.retention": frozenset({Role.HR, Role.ADMIN}),
    # Authentication: everyone signed in changes their own password.
    "account.password": frozenset({Role.ADMIN, Role.HR, Role.EMPLOYEE, Role.UNION_REP}),
    # Jobs on the queue: their pages, and trying a failed one again.
    "jobs.view": frozenset({Role.HR, Role.ADMIN}),
    # Mail: everyone turns their own email notices on or off; administrators read the outbox.
    "account.notices": frozenset({Role.ADMIN, Role.HR, Role.EMPLOYEE, Role.UNION_REP}),
    "mail.outbox": frozenset({Role.ADMIN}),
}

F = TypeVar("F", bound=Callable[..., Any])


def has(permission: str, user: Any = None) -> bool:
    user = user if user is not None else current_user
    if not user or not user.is_authenticated:
        return False
    return user.role_enum in PERMISSIONS[permission]


def requires(permission: str) -> Callable[[F], F]:
    """Refuse the view (403) unless the signed-in user's role holds the permission. Anonymous
    users never get here: login is required app-wide before any view runs."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not has(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def employees_visible_to(query: Select[Any], user: Any = None) -> Select[Any]:
    """Narrow a query over Employee to the people this user may see: everyone for HR, themselves
    for an employee, nobody (as individuals) for a union rep."""
    user = user if user is not None else current_user
    if has("employees.view_all", user):
        return query
    if user.is_authenticated and user.role_enum is Role.EMPLOYEE and user.employee_id:
        return query.where(Employee.id == user.employee_id)
    return query.where(false())


def can_view_employee(employee_id: int, user: Any = None) -> bool:
    user = user if user is not None else current_user
    if has("employees.view_all", user):
        return True
    return bool(user.is_authenticated and user.role_enum is Role.EMPLOYEE and user.employee_id == employee_id)


def require_employee_visible(employee_id: int) -> None:
    """404, not 403, for someone else's record: do not confirm that it exists."""
    if not can_view_employee(employee_id):
        abort(404)
