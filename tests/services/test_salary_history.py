"""Pay by pay year from a person's dated records and the pay spine held (issue 15)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hrtool.services.people.salary_history import pay_history

from ..factories import assign, employ, make_employee, make_post, own_terms

pytestmark = pytest.mark.usefixtures("ctx")


def test_pay_years_follow_the_spine_and_the_persons_records():
    """SCP 20 on the NJC spine (reference_data/njc_pay_spine.csv): £30,296 in 2023/24 and
    £31,586 in 2024/25. Full time (37 of 37 hours) until 30 September 2024, then 18.5 hours.

    2023/24: the whole year full time = £30,296.00.
    2024/25: April-September 6 x £31,586 / 12 = £15,793.00; October-March half of that = £7,896.50;
    total £23,689.50."""
    post = make_post("SBC", "Licensing", title="Licensing Officer", je_score=400)
    person = make_employee(last_name="Payyear")
    employment = employ(person, "SBC", date(2023, 4, 1))
    own_terms(employment, date(2023, 4, 1))
    assign(employment, post, date(2023, 4, 1), date(2024, 9, 30), scp=20)
    assign(employment, post, date(2024, 10, 1), None, scp=20, hours="18.5", reason="Asked to work part time")

    history = pay_history(person.id, date(2025, 3, 31))
    by_label = {y.label: y for y in history.years}
    assert list(by_label) == ["2024/25", "2023/24"]
    assert by_label["2023/24"].basic == Decimal("30296.00")
    assert by_label["2024/25"].basic == Decimal("23689.50")
    assert [(c.on, c.what, c.why) for c in by_label["2024/25"].changes] == [
        (date(2024, 4, 1), "Pay award: full-time salary £30,296.00 to £31,586.00", ""),
        (date(2024, 10, 1), "Changed: hours 37 to 18.5 a week", "Asked to work part time")]
