"""Cost apportionment between the councils (DOMAIN.md 1 "Cost apportionment", business case
section 12): the cost of a shared service is split in the proportions of each council's cost
before sharing; a council that later cuts its own part keeps the whole of that saving, and the
proportions are worked out again from the new costs."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)


class ApportionmentError(ValueError):
    """The costs given cannot be apportioned (shown to the user as is)."""


@dataclass(frozen=True)
class CouncilShare:
    code: str
    before: Decimal  # cost before (pre-sharing, or before the change)
    proportion: Decimal  # exact share of the total, 0..1
    after: Decimal  # new cost, to the penny
    saving: Decimal

    @property
    def percent(self) -> Decimal:
        return (self.proportion * HUNDRED).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Apportionment:
    shares: tuple[CouncilShare, ...]

    @property
    def before(self) -> Decimal:
        return sum((s.before for s in self.shares), Decimal(0))

    @property
    def after(self) -> Decimal:
        return sum((s.after for s in self.shares), Decimal(0))

    @property
    def saving(self) -> Decimal:
        return self.before - self.after

    def share(self, code: str) -> CouncilShare:
        return next(s for s in self.shares if s.code == code)


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _split(total: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """`total` in proportion to `weights`, each rounded half up to the penny; any penny left
    over by rounding goes to the largest share, so the parts always add up to the total."""
    whole = sum(weights.values(), Decimal(0))
    parts = {code: _pennies(total * w / whole) for code, w in weights.items()}
    left = _pennies(total) - sum(parts.values(), Decimal(0))
    if left:
        largest = max(weights, key=lambda c: (weights[c], c))
        parts[largest] += left
    return parts


def apportion(pre_sharing: Mapping[str, Decimal], shared_cost: Decimal) -> Apportionment:
    """Each council pays the shared cost in the proportion of its own cost before sharing:
    A 60 and B 40 sharing a service costing 80 pay 48 and 32, saving 12 and 8."""
    if len(pre_sharing) < 2:
        raise ApportionmentError("Give the pre-sharing cost of at least two councils")
    if any(v < 0 for v in pre_sharing.values()) or shared_cost < 0:
        raise ApportionmentError("Costs cannot be negative")
    total = sum(pre_sharing.values(), Decimal(0))
    if total == 0:
        raise ApportionmentError("The pre-sharing costs add up to nothing, so there are no proportions")
    parts = _split(shared_cost, pre_sharing)
    return Apportionment(tuple(
        CouncilShare(code, before, before / total, parts[code], before - parts[code])
        for code, before in pre_sharing.items()))


def reduce_part(current: Apportionment, code: str, reduction: Decimal) -> Apportionment:
    """One council cuts its part of the shared service by `reduction` (business case 12.4): it
    alone saves it; the new proportions are each council's new cost over the new total (B cuts
    10 from 48/32: 48 and 22 of 70, i.e. 68.57% and 31.43%)."""
    if reduction < 0:
        raise ApportionmentError("A reduction cannot be negative")
    if code not in {s.code for s in current.shares}:
        raise ApportionmentError(f"{code} is not one of the councils sharing the cost")
    new = {s.code: s.after - (reduction if s.code == code else 0) for s in current.shares}
    if new[code] < 0:
        raise ApportionmentError(f"{code}'s part is smaller than the reduction")
    total = sum(new.values(), Decimal(0))
    return Apportionment(tuple(
        CouncilShare(s.code, s.after, (new[s.code] / total) if total else Decimal(0), new[s.code],
                     s.after - new[s.code])
        for s in current.shares))
