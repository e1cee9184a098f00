"""Which dated rules are current, due or overdue on a day (the rule is
domain/rule_status.py): each statutory limit (next value each 6 April), the NJC pay award (each
1 April; a provisional award leaves its year due) and every policy in force with a review date
(`review_on` in its body, YYYY-MM-DD). The tolerance after each expected date is a rule setting."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from ...domain.rule_status import RuleStatus, next_yearly, rule_status
from ...extensions import db
from ...models import PayAward, Policy, StatutoryLimit
from ..pay.pay_spines import NJC, pay_year_label
from ..people.records import rule_value

LIMITS_RENEW = (4, 6)  # the Increase of Limits Orders take effect on 6 April
AWARD_RENEWS = (4, 1)  # the NJC pay year starts on 1 April


@dataclass(frozen=True)
class RuleRow:
    kind: str  # statutory_limit, pay_award, policy
    rule: str
    latest: str  # the latest value, as HR reads it
    latest_from: date | None
    status: RuleStatus
    why: str

    @property
    def state(self) -> str:
        return self.status.state

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "rule": self.rule, "latest": self.latest,
                "latest_from": self.latest_from.isoformat() if self.latest_from else None,
                "state": self.state, "expected_on": self.status.expected_on.isoformat(),
                "overdue_from": self.status.overdue_from.isoformat(), "why": self.why}


def _tolerance(key: str, on: date) -> int:
    """The days' grace after the expected date (a rule setting; migration 0014 and load-reference
    add them). A database without the setting gets none: overdue the day after, never an error."""
    try:
        return max(int(rule_value(key, on)), 0)
    except (LookupError, ValueError):
        return 0


def _limits(on: date) -> list[RuleRow]:
    rows = []
    latest = (select(StatutoryLimit.name, func.max(StatutoryLimit.effective_from).label("latest"))
              .group_by(StatutoryLimit.name).subquery())
    for limit in db.session.scalars(select(StatutoryLimit).join(latest, (StatutoryLimit.name == latest.c.name) & (
            StatutoryLimit.effective_from == latest.c.latest)).order_by(StatutoryLimit.name)):
        expected = next_yearly(limit.effective_from, *LIMITS_RENEW)
        status = rule_status(expected, _tolerance("statutory_limit_overdue_days", on), on)
        rows.append(RuleRow("statutory_limit", f"Statutory limit: {limit.name.replace('_', ' ')}", f"£{limit.value}",
                            limit.effective_from, status,
                            f"the Increase of Limits Order for 6 April {expected.year} is expected to change it"))
    return rows


def _award(on: date) -> list[RuleRow]:
    award = db.session.scalars(select(PayAward).where(PayAward.spine == NJC)
                               .order_by(PayAward.pay_year_from.desc()).limit(1)).first()
    if award is None:
        return []
    settled = award.status == "agreed"
    expected = next_yearly(award.pay_year_from, *AWARD_RENEWS, settled=settled)
    status = rule_status(expected, _tolerance("pay_award_overdue_days", on), on)
    label = pay_year_label(award.pay_year_from)
    latest = (f"{label}: agreed {award.agreed_on:%-d %B %Y}" if settled and award.agreed_on
              else f"{label}: provisional")
    why = (f"the {pay_year_label(expected)} award takes effect on {expected:%-d %B %Y}; "
           + ("it is still provisional: record it as agreed when the NJC agrees it" if not settled
              else "record it when the NJC agrees it"))
    return [RuleRow("pay_award", "NJC pay award", latest, award.pay_year_from, status, why)]


def _policies(on: date) -> list[RuleRow]:
    rows = []
    in_force = db.session.scalars(select(Policy).where(
        Policy.effective_from <= on, or_(Policy.effective_to.is_(None), Policy.effective_to >= on))
        .order_by(Policy.kind, Policy.council_id))
    for policy in in_force:
        text = policy.body.get("review_on") if isinstance(policy.body, dict) else None
        if not text:
            continue
        try:
            review_on = date.fromisoformat(str(text))
        except ValueError:
            continue  # the rules pages refuse a bad review date; an old one is not a status
        status = rule_status(review_on, _tolerance("policy_review_overdue_days", on), on)
        rows.append(RuleRow("policy", f"Policy: {policy.name}", f"in force from {policy.effective_from:%-d %B %Y}",
                            policy.effective_from, status, f"its review date is {review_on:%-d %B %Y}"))
    return rows


def rules_status(on: date) -> list[RuleRow]:
    """Every dated rule and whether it is current, due or overdue on `on`."""
    return _limits(on) + _award(on) + _policies(on)


def overdue(on: date) -> list[RuleRow]:
    """The rules overdue on `on` (the HR dashboard and the reference data page show these)."""
    return [row for row in rules_status(on) if row.state == "overdue"]
