"""Cost apportionment: the business case's worked examples (sections 9.28, 12.2 and 12.4), and
percentages and pennies that add up, each worked by hand in its comment."""
from decimal import Decimal

import pytest

from hrtool.domain.apportionment import (
    ApportionmentError,
    apportion,
    largest_remainder,
    reduce_part,
    reduce_parts,
    share_saving_equally,
)

D = Decimal


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


def test_the_senior_structure_saving_shared_equally_as_the_paper_does():
    # Business case 9.24-9.28: CCDC's senior structure costs 655k and SBC's 673k (1,328k); the new
    # structure costs 1,240k, a saving of 88k, "£44k for Cannock Chase and £44k for Stafford".
    # Each pays its own cost less 44k: 655 - 44 = 611k and 673 - 44 = 629k (611 + 629 = 1,240).
    result = share_saving_equally({"CCDC": D(655000), "SBC": D(673000)}, D(1240000))
    ccdc, sbc = result.share("CCDC"), result.share("SBC")
    assert (ccdc.saving, sbc.saving) == (D(44000), D(44000))
    assert (ccdc.after, sbc.after, result.after) == (D(611000), D(629000), D(1240000))
    # Shares of the 1,240k: 611/1,240 = 49.274..%, 629/1,240 = 50.725..%: 49.27 and 50.73 = 100.00.
    assert (ccdc.percent, sbc.percent) == (D("49.27"), D("50.73"))
    # By apportionment instead (12.2), CCDC would save 88k x 655/1,328 = 43,403.61 and SBC 44,596.39.
    apportioned = apportion({"CCDC": D(655000), "SBC": D(673000)}, D(1240000))
    assert (apportioned.share("CCDC").saving, apportioned.share("SBC").saving) == (D("43403.61"), D("44596.39"))


def test_an_odd_penny_of_saving_shared_equally():
    # A saving of 0.01 between two councils: 0.005 each is not a penny; largest remainder gives the
    # penny to one (equal remainders and weights: the code that sorts first), so 0.01 + 0.00.
    result = share_saving_equally({"A": D("10.00"), "B": D("10.00")}, D("19.99"))
    assert (result.share("A").saving, result.share("B").saving, result.saving) == (D("0.01"), D(0), D("0.01"))


def test_an_equal_share_larger_than_a_councils_cost_is_refused():
    # A 10, B 90 sharing 20: a saving of 80, 40 each, more than A's 10.
    with pytest.raises(ApportionmentError, match="more than A's cost"):
        share_saving_equally({"A": D(10), "B": D(90)}, D(20))


def test_an_extra_cost_is_shared_equally_too():
    # 60 + 40 = 100 before, 110 after: 10 more, 5 each; A pays 65 and B 45.
    result = share_saving_equally({"A": D(60), "B": D(40)}, D(110))
    assert (result.share("A").after, result.share("B").after, result.saving) == (D(65), D(45), D(-10))


@pytest.mark.parametrize("pre, cost, percents, pennies", [
    # Thirds: 33.333..% each; rounded down to 33.33 three times is 99.99; the 0.01 left goes to the
    # largest remainder, all equal, so to the code that sorts first: 33.34, 33.33, 33.33. The 100.00
    # of cost the same: 33.34, 33.33, 33.33.
    ({"A": D(1), "B": D(1), "C": D(1)}, D(100), ("33.34", "33.33", "33.33"), ("33.34", "33.33", "33.33")),
    # 1:1:4 of 100: 16.666..% , 16.666..%, 66.666..%; rounded half up each would be 16.67 + 16.67 +
    # 66.67 = 100.01. Down: 16.66 + 16.66 + 66.66 = 99.98, two hundredths to place; the remainders
    # are all 0.00666.., so the larger weight first (C), then A: 16.67, 16.66, 66.67.
    ({"A": D(1), "B": D(1), "C": D(4)}, D(100), ("16.67", "16.66", "66.67"), ("16.67", "16.66", "66.67")),
    # 2:3:6 of 10.00 (11 parts): 18.1818..%, 27.2727..%, 54.5454..%; down: 18.18 + 27.27 + 54.54 =
    # 99.99; remainders 0.0018, 0.0027, 0.0054: C gets it, 54.55. The money: 1.8181.., 2.7272..,
    # 5.4545..; down 1.81 + 2.72 + 5.45 = 9.98; remainders 0.0081, 0.0072, 0.0045: A and B get the
    # two pennies: 1.82, 2.73, 5.45.
    ({"A": D(2), "B": D(3), "C": D(6)}, D(10), ("18.18", "27.27", "54.55"), ("1.82", "2.73", "5.45")),
])
def test_three_way_percentages_and_pennies_add_up(pre, cost, percents, pennies):
    result = apportion(pre, cost)
    assert tuple(str(s.percent) for s in result.shares) == percents
    assert sum((s.percent for s in result.shares), D(0)) == D("100.00")
    assert tuple(str(s.after) for s in result.shares) == pennies
    assert result.after == cost


def test_largest_remainder_in_whole_units():
    assert largest_remainder(D(100), {"A": D(1), "B": D(2)}, D(1)) == {"A": D(33), "B": D(67)}


def test_two_councils_cut_their_parts_together():
    # 12.2's 48/32, then A cuts 8 and B cuts 10: A 40, B 22, total 62; each saves its own cut.
    # 40/62 = 64.516..%, 22/62 = 35.483..%: 64.52 + 35.48 = 100.00.
    later = reduce_parts(apportion({"A": D(60), "B": D(40)}, D(80)), {"A": D(8), "B": D(10)})
    a, b = later.share("A"), later.share("B")
    assert (a.after, a.saving, b.after, b.saving, later.after) == (D(40), D(8), D(22), D(10), D(62))
    assert (a.percent, b.percent) == (D("64.52"), D("35.48"))
    both_cut_everything = reduce_parts(apportion({"A": D(60), "B": D(40)}, D(80)), {"A": D(48), "B": D(32)})
    assert [s.percent for s in both_cut_everything.shares] == [D("0.00"), D("0.00")]  # nothing left to share
