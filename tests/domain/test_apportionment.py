"""Cost apportionment: the business case's worked example (section 12.2 and 12.4)."""
from decimal import Decimal

import pytest

from hrtool.domain.apportionment import ApportionmentError, apportion, reduce_part


def test_sixty_forty_shares_a_service_costing_eighty():
    result = apportion({"A": Decimal(60), "B": Decimal(40)}, Decimal(80))
    a, b = result.share("A"), result.share("B")
    assert (a.percent, a.after, a.saving) == (Decimal("60.00"), Decimal("48.00"), Decimal(12))
    assert (b.percent, b.after, b.saving) == (Decimal("40.00"), Decimal("32.00"), Decimal(8))
    assert (result.before, result.after, result.saving) == (Decimal(100), Decimal(80), Decimal(20))


def test_b_later_cuts_its_part_by_ten():
    later = reduce_part(apportion({"A": Decimal(60), "B": Decimal(40)}, Decimal(80)), "B", Decimal(10))
    a, b = later.share("A"), later.share("B")
    assert (a.after, a.saving, b.after, b.saving) == (Decimal(48), Decimal(0), Decimal(22), Decimal(10))
    assert later.after == Decimal(70)
    # 48/70 = 68.571..%, 22/70 = 31.428..% (the papers print 68.5% and 31.5%)
    assert (a.percent, b.percent) == (Decimal("68.57"), Decimal("31.43"))


def test_pennies_always_add_up():
    result = apportion({"CCDC": Decimal(1), "SBC": Decimal(2)}, Decimal(100))
    assert result.share("CCDC").after == Decimal("33.33") and result.share("SBC").after == Decimal("66.67")
    assert result.after == Decimal(100)


@pytest.mark.parametrize("pre, cost", [({"A": Decimal(1)}, Decimal(1)), ({"A": Decimal(0), "B": Decimal(0)}, Decimal(1)),
                                       ({"A": Decimal(-1), "B": Decimal(2)}, Decimal(1))])
def test_bad_input(pre, cost):
    with pytest.raises(ApportionmentError):
        apportion(pre, cost)


def test_reduction_larger_than_the_part():
    with pytest.raises(ApportionmentError):
        reduce_part(apportion({"A": Decimal(60), "B": Decimal(40)}, Decimal(80)), "B", Decimal(40))
