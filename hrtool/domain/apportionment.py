"""Cost apportionment between the councils (DOMAIN.md 1 "Cost apportionment", business case
sections 9.28 and 12). Two conventions, named as the paper names them:

- apportionment (12.2): the cost of a shared service is split in the proportions of each
  council's cost before sharing (A 60 and B 40 sharing 80 pay 48 and 32);
- saving shared equally (9.28): the saving is split equally ("a saving of £88k ... £44k for
  Cannock Chase and £44k for Stafford"), each council paying its cost before less its half.

A council that later cuts its own part keeps the whole of that saving, and the proportions are
worked out again from the new costs (12.4). Money is rounded to the penny and percentages to
two places, each by largest remainder, so the parts always add up to the total and to 100.00."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)


class ApportionmentError(ValueError):
    """The costs given cannot be apportioned (shown to the user as is)."""


@dataclass(frozen=True)
class CouncilShare:
    code: str
    before: Decimal  # cost before (pre-sharing, or before the change)
    proportion: Decimal  # exact share of the cost after, 0..1
    after: Decimal  # new cost, to the penny
    saving: Decimal
    percent: Decimal  # the proportion as a percentage to two places; the councils' add up to 100.00


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


def largest_remainder(total: Decimal, weights: Mapping[str, Decimal], unit: Decimal = PENNY) -> dict[str, Decimal]:
    """`total` (a whole number of `unit`s) in proportion to `weights`, in whole `unit`s that add
    up to exactly `total`: each part rounded down, then one more unit to each of the parts with
    the largest remainders until the total is reached (ties: the larger weight, then the code
    that sorts first). 100.00 in thirds is 33.34, 33.33, 33.33."""
    whole = sum(weights.values(), Decimal(0))
    if whole == 0:
        raise ApportionmentError("The weights add up to nothing, so there are no proportions")
    exact = {code: total * w / whole for code, w in weights.items()}
    parts = {code: value.quantize(unit, rounding=ROUND_FLOOR) for code, value in exact.items()}
    left = int((total.quantize(unit) - sum(parts.values(), Decimal(0))) / unit)
    ranked = sorted(weights, key=lambda c: (-(exact[c] - parts[c]), -weights[c], c))
    for code in ranked[:left]:
        parts[code] += unit
    return parts


def _shares(befores: Mapping[str, Decimal], afters: Mapping[str, Decimal],
            weights: Mapping[str, Decimal] | None = None) -> Apportionment:
    """Each council's cost before and after, its share of the cost after (in proportion to
    `weights` where the cost was split by them, else of the costs after themselves), and those
    shares as percentages that add up to 100.00 (all 0.00 if nothing is left to share)."""
    weights = afters if weights is None else weights
    total = sum(weights.values(), Decimal(0))
    if total > 0 and all(v >= 0 for v in weights.values()):
        percents = largest_remainder(HUNDRED, weights)
    else:
        percents = {code: Decimal("0.00") for code in weights}
    return Apportionment(tuple(
        CouncilShare(code, befores[code], (weights[code] / total) if total else Decimal(0), afters[code],
                     befores[code] - afters[code], percents[code])
        for code in befores))


def _check_costs(pre_sharing: Mapping[str, Decimal], shared_cost: Decimal) -> None:
    if len(pre_sharing) < 2:
        raise ApportionmentError("Give the pre-sharing cost of at least two councils")
    if any(v < 0 for v in pre_sharing.values()) or shared_cost < 0:
        raise ApportionmentError("Costs cannot be negative")
    if sum(pre_sharing.values(), Decimal(0)) == 0:
        raise ApportionmentError("The pre-sharing costs add up to nothing, so there are no proportions")


def apportion(pre_sharing: Mapping[str, Decimal], shared_cost: Decimal) -> Apportionment:
    """Each council pays the shared cost in the proportion of its own cost before sharing
    (business case 12.2): A 60 and B 40 sharing a service costing 80 pay 48 and 32, saving 12
    and 8. The pennies by largest remainder, so the parts add up to the shared cost."""
    _check_costs(pre_sharing, shared_cost)
    return _shares(pre_sharing, largest_remainder(_pennies(shared_cost), pre_sharing), pre_sharing)


def share_saving_equally(pre_sharing: Mapping[str, Decimal], shared_cost: Decimal) -> Apportionment:
    """The saving shared equally (business case 9.28): the saving is the costs before less the
    shared cost, each council saves an equal part of it (to the penny, largest remainder) and pays
    its cost before less that part. 655k and 673k sharing a structure costing 1,240k: the saving
    is 88k, 44k each, so they pay 611k and 629k. A shared cost above the costs before is an extra
    cost, shared equally the same way. Refused where a council's part of the saving is more than
    its own cost before."""
    _check_costs(pre_sharing, shared_cost)
    saving = _pennies(sum(pre_sharing.values(), Decimal(0)) - shared_cost)
    if saving >= 0:
        parts = largest_remainder(saving, {code: Decimal(1) for code in pre_sharing})
    else:  # an extra cost, shared the same way
        parts = {code: -v for code, v in largest_remainder(-saving, {code: Decimal(1) for code in pre_sharing}).items()}
    afters = {code: pre_sharing[code] - parts[code] for code in pre_sharing}
    short = [code for code, after in afters.items() if after < 0]
    if short:
        raise ApportionmentError(f"An equal share of the saving ({parts[short[0]]:,.2f}) is more than {short[0]}'s "
                                 f"cost before sharing ({pre_sharing[short[0]]:,.2f}): share it by apportionment")
    return _shares(pre_sharing, afters)


CONVENTIONS = {"apportionment": apportion, "saving_shared_equally": share_saving_equally}


def reduce_parts(current: Apportionment, reductions: Mapping[str, Decimal]) -> Apportionment:
    """Councils cut their own parts of the shared service (business case 12.4): each alone saves
    its cut; the new proportions are each council's new cost over the new total (B cuts 10 from
    48/32: 48 and 22 of 70, i.e. 68.57% and 31.43%). Several councils' cuts apply together."""
    codes = [s.code for s in current.shares]
    for code, reduction in reductions.items():
        if reduction < 0:
            raise ApportionmentError("A reduction cannot be negative")
        if code not in codes:
            raise ApportionmentError(f"{code} is not one of the councils sharing the cost")
    befores = {s.code: s.after for s in current.shares}
    afters = {code: befores[code] - reductions.get(code, Decimal(0)) for code in codes}
    for code in reductions:
        if afters[code] < 0:
            raise ApportionmentError(f"{code}'s part is smaller than the reduction")
    return _shares(befores, afters)


def reduce_part(current: Apportionment, code: str, reduction: Decimal) -> Apportionment:
    """One council cuts its part by `reduction` (`reduce_parts` with one cut)."""
    return reduce_parts(current, {code: reduction})
