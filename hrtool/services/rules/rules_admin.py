"""An administrator changing the rules held as data (README: "Rules are data"): a new value of a
statutory limit or a rule setting from a date, and a new dated version of a council's or the
joint policies (every kind but pay protection, which has its own page) and of a council's terms
and conditions package. Nothing is overwritten: earlier values and versions stay as history, a
version being replaced ends the day before the new one starts, and every change is one audit
event with before, after and the reason. Protected terms snapshots are never touched (they copy
the package they were taken from).

The lookups by date elsewhere (restructures.policy, redundancy.caps, transfers.package_on,
records.rule_value, increments.increment_policy ...) take the latest value or version starting
on or before the date, so they pick the right one without change."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import select

from ...domain.rule_bodies import REVIEW_ON, Item, Table, cell_name, describe, read_body, rows_answered
from ...domain.rule_values import (
    Kind,
    ValueProblem,
    check_new_start,
    closed_on,
    infer_kind,
    parse_value,
    positive_amount,
)
from ...errors import DomainError
from ...extensions import db
from ...models import (
    AuditEvent,
    Council,
    Policy,
    RuleSetting,
    StatutoryLimit,
    TermsPackage,
)
from ..platform import audit
from ..platform.unit_of_work import transaction
from . import date_windows

ACTION = "new_version"
OWN_PAGE_KINDS = {"pay_protection"}  # changed on the pay protection policies page

# Settings and policy values that are whole numbers today but read back through Decimal(), so a
# fraction is a fair new value (a 36.5-hour week, a 7.5% salary drop).
SETTING_KINDS: dict[str, Kind] = {"full_time_hours": "decimal", "spine_rounding": "decimal"}
POLICY_KINDS: dict[str, dict[tuple[str, ...], Kind]] = {
    "redundancy": {("max_weeks",): "decimal", ("multiplier_of_statutory_weeks",): "decimal"},
    "assimilation": {("slot_in_max_salary_drop_percent",): "decimal"},
}
# A terms package as a body: its structured columns, with the columns of lists that may be empty.
PACKAGE_FIELDS = ("working_week_hours", "annual_leave", "notice", "standby", "overtime", "additional_hours",
                  "car_allowance", "clauses")
PACKAGE_KINDS: dict[tuple[str, ...], Kind] = {("working_week_hours",): "decimal"}
PACKAGE_COLUMNS: dict[tuple[str, ...], list[tuple[str, Kind]]] = {
    ("annual_leave",): [("from_years", "integer"), ("days", "integer")],
    ("notice",): [("grades", "text"), ("months", "integer")],
    ("clauses",): [("title", "text"), ("text", "text")],
}
PACKAGE_MIN_ROWS: dict[tuple[str, ...], int] = {("annual_leave",): 1, ("notice",): 1, ("clauses",): 0}


class ChangeRefused(DomainError):
    """Everything wrong with a change, by form field: the date, the reason, each value."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        first_field, first = next(iter(self.problems.items()))
        super().__init__(first, field=first_field)


def _common_checks(effective_from: date | None, latest_from: date | None, what: str, reason: str,
                   window: str | None = None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if effective_from is None:
        problems["effective_from"] = "Enter the date the new value applies from"
    else:
        try:
            check_new_start(effective_from, latest_from, what)
        except ValueProblem as problem:
            problems["effective_from"] = problem.message
        if window and "effective_from" not in problems and (found := date_windows.problem(window, effective_from)):
            problems["effective_from"] = found  # within its plausible window
    if not (reason or "").strip():
        problems["reason"] = "Enter the reason for the change"
    return problems


class _Versioned(Protocol):
    @property
    def effective_from(self) -> date: ...


V = TypeVar("V", bound=_Versioned)


def _latest_checked(held: Sequence[V], missing: str, effective_from: date | None, what: str, reason: str,
                    window: str | None = None) -> tuple[V, dict[str, str]]:
    """The latest of `held` (newest first) and the problems with a new value after it."""
    if not held:
        raise DomainError(missing)
    latest = held[0]
    return latest, _common_checks(effective_from, latest.effective_from, what, reason, window)


def reasons(entity_type: str, ids: list[int]) -> dict[int, AuditEvent]:
    """The audit event that made each version (versions loaded from the reference files have none)."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == entity_type, AuditEvent.action == ACTION,
        AuditEvent.entity_id.in_([str(i) for i in ids])))
    return {int(e.entity_id): e for e in events}


# -- statutory limits ---------------------------------------------------------------------------

def limit_names() -> list[str]:
    return list(db.session.scalars(select(StatutoryLimit.name).distinct().order_by(StatutoryLimit.name)))


def limit_values(name: str) -> list[StatutoryLimit]:
    """Every value of a named limit, newest first."""
    return list(db.session.scalars(select(StatutoryLimit).where(StatutoryLimit.name == name)
                                   .order_by(StatutoryLimit.effective_from.desc())))


@transaction
def add_limit_value(name: str, effective_from: date | None, value: str, source: str, reason: str) -> StatutoryLimit:
    """A named statutory limit's new value from a date (the redundancy week's-pay cap rises each
    6 April by order). The earlier values stay as they are."""
    latest, problems = _latest_checked(limit_values(name), "No statutory limit has that name",
                                       effective_from, "value", reason)
    try:
        amount = positive_amount(value, "The value")
    except ValueProblem as problem:
        problems["value"] = problem.message
    if problems:
        raise ChangeRefused(problems)
    assert effective_from is not None
    limit = StatutoryLimit(name=name, effective_from=effective_from, value=amount,
                           source=(source or "").strip() or reason.strip())
    db.session.add(limit)
    db.session.flush()
    audit.record(ACTION, "statutory_limit", limit.id, before=audit.snapshot(latest), after=audit.snapshot(limit),
                 reason=reason.strip())
    return limit


# -- rule settings -------------------------------------------------------------------------------

def setting_keys() -> list[str]:
    return list(db.session.scalars(select(RuleSetting.key).distinct().order_by(RuleSetting.key)))


def setting_values(key: str) -> list[RuleSetting]:
    """Every value of a rule setting, newest first."""
    return list(db.session.scalars(select(RuleSetting).where(RuleSetting.key == key)
                                   .order_by(RuleSetting.effective_from.desc())))


def setting_kind(setting: RuleSetting) -> Kind:
    """The type a setting's new value must have: the type of the value held (or as SETTING_KINDS says)."""
    return SETTING_KINDS.get(setting.key) or infer_kind(setting.value)


@transaction
def add_setting_value(key: str, effective_from: date | None, value: str, description: str, reason: str) -> RuleSetting:
    """A rule setting's new value from a date, of the same type as the value held."""
    latest, problems = _latest_checked(setting_values(key), "No rule setting has that name",
                                       effective_from, "value", reason)
    try:
        typed = parse_value(value, setting_kind(latest), "The value")
    except ValueProblem as problem:
        problems["value"] = problem.message
    else:
        if len(str(typed)) > 200:
            problems["value"] = "The value must be 200 characters or fewer"
    if problems:
        raise ChangeRefused(problems)
    assert effective_from is not None
    setting = RuleSetting(key=key, value=str(typed), effective_from=effective_from,
                          description=(description or "").strip() or latest.description)
    db.session.add(setting)
    db.session.flush()
    audit.record(ACTION, "rule_setting", setting.id, before=audit.snapshot(latest), after=audit.snapshot(setting),
                 reason=reason.strip())
    return setting


# -- policies ------------------------------------------------------------------------------------

def policy_versions(kind: str, council_id: int | None) -> list[Policy]:
    """Every version of a council's (or the joint) policy of a kind, newest first."""
    where = Policy.council_id.is_(None) if council_id is None else Policy.council_id == council_id
    return list(db.session.scalars(select(Policy).where(Policy.kind == kind, where)
                                   .order_by(Policy.effective_from.desc(), Policy.id.desc())))


def policy_items(policy: Policy) -> list[Item]:
    return describe(policy.body, kinds=POLICY_KINDS.get(policy.kind))


def _checklist_order(items: list[Item], body: Mapping[str, Any], answers: Mapping[str, str]) -> dict[str, str]:
    """The transfer checklist's reg. 13(4) order, refused on the measures step's days box."""
    from ..tupe.transfer_steps import MEASURES_STEP, checklist_order_problem

    problem = checklist_order_problem(list(body.get("items") or []))
    if not problem:
        return {}
    index = next((i for i, item in enumerate(items) if isinstance(item, Table) and item.path == ("items",)), None)
    if index is None:
        return {"effective_from": problem}
    table = items[index]
    assert isinstance(table, Table)
    keys = [c.key for c in table.columns]
    field = f"t{index}"  # the table as a whole, if the step's row cannot be found
    if "key" in keys and "days_before" in keys:
        for row in range(rows_answered(answers, index)):
            if (answers.get(cell_name(index, row, keys.index("key"))) or "").strip() == MEASURES_STEP:
                field = cell_name(index, row, keys.index("days_before"))
                break
    return {field: problem}


def review_problem(review_on: date | None, effective_from: date | None) -> str:
    """Why a policy version's review date cannot be kept, or "" if it can (none is fine)."""
    if review_on is not None and effective_from is not None and review_on < effective_from:
        return (f"The review date must be on or after {effective_from:%d/%m/%Y}, the date the version "
                "applies from")
    return ""


@transaction
def add_policy_version(kind: str, council_id: int | None, effective_from: date | None, answers: Mapping[str, str],
                       source: str, reason: str, review_on: date | Literal["keep"] | None = "keep") -> Policy:
    """A new version of a policy from a date, its values read from `answers` (the form built
    from the latest version's body, domain.rule_bodies) and each kept to its type. The latest
    version ends the day before. `review_on`: the version's review date (None: none; "keep":
    the latest version's), which `hrtool rules status` reads; not before the version starts."""
    if kind in OWN_PAGE_KINDS:
        raise DomainError("Pay protection policies are changed on the pay protection policies page")
    latest, problems = _latest_checked(policy_versions(kind, council_id), "No policy of that kind is held",
                                       effective_from, "version", reason, window="policy_from")
    body, value_problems = read_body(latest.body, policy_items(latest), answers)
    problems.update(value_problems)
    if kind == "tupe_checklist" and not any(n.startswith("t") for n in problems):
        problems.update(_checklist_order(policy_items(latest), body, answers))
    if review_on != "keep":
        problem = review_problem(review_on, effective_from)
        if problem:
            problems["review_on"] = problem
        body.pop(REVIEW_ON, None)
        if review_on is not None:
            body[REVIEW_ON] = review_on.isoformat()
    if problems:
        raise ChangeRefused(problems)
    assert effective_from is not None
    council = db.session.get(Council, council_id) if council_id is not None else None
    before = audit.snapshot(latest)
    latest.effective_to = closed_on(latest.effective_to, effective_from)
    assert latest.effective_to is not None, "closed_on always gives a day"
    policy = Policy(council_id=council_id, kind=kind, effective_from=effective_from, body=body,
                    name=f"{council.code if council else 'Joint'} {kind.replace('_', ' ')} from {effective_from:%d/%m/%Y}",
                    source=(source or "").strip() or reason.strip())
    db.session.add(policy)
    db.session.flush()
    audit.record(ACTION, "policy", policy.id, before=before, reason=reason.strip(), after={
        **audit.snapshot(policy), "previous_id": latest.id, "previous_effective_to": latest.effective_to.isoformat()})
    return policy


# -- terms packages -------------------------------------------------------------------------------

def package_versions(council_id: int) -> list[TermsPackage]:
    """Every version of a council's terms and conditions package, newest first."""
    return list(db.session.scalars(select(TermsPackage).where(TermsPackage.council_id == council_id)
                                   .order_by(TermsPackage.effective_from.desc(), TermsPackage.id.desc())))


def package_as_body(package: TermsPackage) -> dict[str, Any]:
    return {name: getattr(package, name) for name in PACKAGE_FIELDS}


def package_items(package: TermsPackage) -> list[Item]:
    return describe(package_as_body(package), kinds=PACKAGE_KINDS, columns=PACKAGE_COLUMNS, min_rows=PACKAGE_MIN_ROWS)


@transaction
def add_package_version(council_id: int, effective_from: date | None, name: str, answers: Mapping[str, str],
                        source: str, reason: str) -> TermsPackage:
    """A new version of a council's terms and conditions from a date. The latest version ends the
    day before; protected terms already taken keep their own copy of the package they were on."""
    latest, problems = _latest_checked(package_versions(council_id),
                                       "This council has no terms and conditions package",
                                       effective_from, "version", reason, window="policy_from")
    name = (name or "").strip()
    if not name:
        problems["name"] = "Enter a name for this version"
    elif len(name) > 200:
        problems["name"] = "The name must be 200 characters or fewer"
    body, value_problems = read_body(package_as_body(latest), package_items(latest), answers)
    problems.update(value_problems)
    if problems:
        raise ChangeRefused(problems)
    assert effective_from is not None
    before = audit.snapshot(latest)
    latest.effective_to = closed_on(latest.effective_to, effective_from)
    assert latest.effective_to is not None, "closed_on always gives a day"
    package = TermsPackage(council_id=council_id, name=name, effective_from=effective_from,
                           source=(source or "").strip() or reason.strip(), **body)
    db.session.add(package)
    db.session.flush()
    audit.record(ACTION, "terms_package", package.id, before=before, reason=reason.strip(), after={
        **audit.snapshot(package), "previous_id": latest.id, "previous_effective_to": latest.effective_to.isoformat()})
    return package


def reference_overview() -> dict[str, Any]:
    """What the reference data page shows besides limits and policies: each rule setting's latest
    value and each council's latest terms package."""
    settings = [setting_values(key)[0] for key in setting_keys()]
    councils = db.session.scalars(select(Council).order_by(Council.code)).all()
    packages = [(c, versions[0]) for c in councils if (versions := package_versions(c.id))]
    return {"settings": settings, "packages": packages}
