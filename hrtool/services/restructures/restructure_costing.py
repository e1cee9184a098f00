"""What each structure of a restructure costs (DOMAIN.md 1 and 3.4): per post, the budget where
the papers give one, otherwise salary plus on-costs (rule setting `on_cost_rate`); the totals,
the saving and how it falls on each council. Every figure carries the arithmetic behind it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from ...domain.apportionment import CONVENTIONS
from ...extensions import db
from ...models import Council, Restructure, StructurePost
from ..people.records import rule_value
from .restructures import holders, posts

PENNY = Decimal("0.01")
SPLIT_RULES = {"shares": "each post's agreed share (50:50 unless set)",
               "apportionment": "in proportion to each council's cost before sharing (business case 12.2)",
               "saving_shared_equally": "the saving shared equally between the councils (business case 9.28: "
                                        "£44k for Cannock Chase and £44k for Stafford of the £88k)"}


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


@dataclass(frozen=True)
class CostLine:
    post: StructurePost
    fte: Decimal
    cost: Decimal | None  # None: nothing to cost it from
    arithmetic: str
    by_council: dict[str, Decimal]


@dataclass(frozen=True)
class StructureCost:
    side: str
    lines: tuple[CostLine, ...]
    fte: Decimal
    cost: Decimal
    by_council: dict[str, Decimal]
    uncosted: int

    @property
    def arithmetic(self) -> str:
        parts = [f"{line.cost / 1000:,.1f}k" for line in self.lines if line.cost is not None]
        return " + ".join(parts) + f" = {self.cost / 1000:,.1f}k" if parts else "no posts costed"


@dataclass(frozen=True)
class Costing:
    before: StructureCost
    after: StructureCost
    saving: Decimal
    saving_percent: Decimal | None
    split_rule: str
    after_by_council: dict[str, Decimal]
    saving_by_council: dict[str, Decimal]
    on_cost_rate: Decimal
    codes: tuple[str, str]


def _codes() -> tuple[str, str]:
    """The two councils: the one `ccdc_share` refers to, then the other."""
    codes = sorted(db.session.scalars(select(Council.code)))
    first = "CCDC" if "CCDC" in codes else codes[0]
    return first, next(c for c in codes if c != first)


def _line(post: StructurePost, salaries: dict[int, list[Decimal]], rate: Decimal, codes: tuple[str, str]) -> CostLine:
    uplift = Decimal(1) + rate
    if post.budget is not None:
        cost: Decimal | None = post.budget
        words = f"budget {money(post.budget)} (given, including on-costs)"
    elif salaries.get(post.id):
        paid = sum(salaries[post.id], Decimal(0))
        cost = _pennies(paid * uplift)
        words = f"salary {money(paid)} × {uplift} (on-costs {rate * 100:g}%) = {money(cost)}"
    elif post.band_max is not None:
        cost = _pennies(post.band_max * post.fte * uplift)
        words = f"top of band {money(post.band_max)} × {post.fte} FTE × {uplift} = {money(cost)}"
    else:
        cost, words = None, "no budget, postholder or band to cost it from"
    split = {}
    if cost is not None:
        first = _pennies(cost * post.ccdc_share)
        split = {codes[0]: first, codes[1]: cost - first}
    return CostLine(post, post.fte, cost, words, split)


def structure_cost(restructure: Restructure, side: str, today: date) -> StructureCost:
    rate = Decimal(rule_value("on_cost_rate", restructure.effective_date or today))
    codes = _codes()
    salaries: dict[int, list[Decimal]] = {}
    if side == "current":
        people = holders(restructure, today)
    else:  # once implemented, the new posts as now held; before, nobody holds them
        from .restructure_go_live import new_holders

        people = new_holders(restructure)
    for h in people:
        if h.salary is not None:
            salaries.setdefault(h.post.id, []).append(h.salary)
    lines = tuple(_line(p, salaries, rate, codes) for p in posts(restructure, side))
    total = sum((line.cost for line in lines if line.cost is not None), Decimal(0))
    by_council = {code: sum((line.by_council.get(code, Decimal(0)) for line in lines), Decimal(0)) for code in codes}
    return StructureCost(side, lines, sum((line.fte for line in lines), Decimal(0)), total, by_council,
                         sum(1 for line in lines if line.cost is None))


def costing(restructure: Restructure, today: date, split: str = "shares") -> Costing:
    """Before and after, the saving (and its percentage of the cost before, two decimals) and
    how the cost after falls on each council: by each post's share, apportioned in the
    proportions of the councils' costs before (DOMAIN.md 1 "Cost apportionment"), or with the
    saving shared equally as the business case splits the senior structure's (9.28). An equal
    share of the saving larger than a council's cost before raises ApportionmentError."""
    if split not in SPLIT_RULES:
        raise ValueError(f"unknown split rule {split!r}")
    before = structure_cost(restructure, "current", today)
    after = structure_cost(restructure, "proposed", today)
    codes = _codes()
    if split in CONVENTIONS and before.cost:
        shared = CONVENTIONS[split](before.by_council, after.cost)
        after_split = {s.code: s.after for s in shared.shares}
    else:
        after_split = dict(after.by_council)
    saving = before.cost - after.cost
    percent = (saving / before.cost * 100).quantize(PENNY, rounding=ROUND_HALF_UP) if before.cost else None
    return Costing(before, after, saving, percent, split, after_split,
                   {c: before.by_council[c] - after_split[c] for c in codes},
                   Decimal(rule_value("on_cost_rate", restructure.effective_date or today)), codes)


def costing_json(result: Costing) -> dict[str, Any]:
    """The `report structure-costing` shape: money as strings with two decimals."""
    def fte(value: Decimal) -> str:
        return f"{value:.1f}"

    return {
        "before": {"fte": fte(result.before.fte), "cost": f"{result.before.cost:.2f}",
                   "by_council": {c: f"{v:.2f}" for c, v in result.before.by_council.items()}},
        "after": {"fte": fte(result.after.fte), "cost": f"{result.after.cost:.2f}",
                  "by_council": {c: f"{v:.2f}" for c, v in result.after_by_council.items()}},
        "saving": f"{result.saving:.2f}",
        "saving_percent": f"{result.saving_percent:.2f}" if result.saving_percent is not None else None,
        "split": {c: f"{v:.2f}" for c, v in result.saving_by_council.items()},
        "split_rule": result.split_rule,
        "on_cost_rate": str(result.on_cost_rate),
    }
