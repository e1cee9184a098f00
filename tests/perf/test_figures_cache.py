"""The dashboards' workforce figures are cached, and a change to the data shows at once."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Assignment, Employment
from hrtool.services.people.employees import record_leaver
from hrtool.services.platform import dashboards


@pytest.fixture
def cache_on(app):
    app.config["FIGURES_CACHE_SECONDS"] = 300
    yield
    app.config["FIGURES_CACHE_SECONDS"] = 0


@pytest.mark.usefixtures("ctx", "cache_on")
def test_a_leaver_shows_in_the_cached_figures_at_once(monkeypatch):
    today = date.today()
    first = dashboards.headcount_by_service_and_employer(today)
    # A second call is answered from the cache: the query is not run again.
    calls = []
    real = dashboards._headcount
    monkeypatch.setattr(dashboards, "_headcount", lambda on: calls.append(on) or real(on))
    assert dashboards.headcount_by_service_and_employer(today) == first
    assert calls == []

    # Someone leaves yesterday: an update to their employment (no new rows), audited.
    employment = db.session.scalars(select(Employment).join(Assignment).where(
        Employment.end_date.is_(None), Employment.start_date < today - timedelta(days=30),
        Assignment.effective_to.is_(None)).order_by(Employment.id)).first()
    record_leaver(employment.id, today - timedelta(days=1), "Resigned")
    db.session.flush()
    after = dashboards.headcount_by_service_and_employer(today)
    assert calls == [today]  # recomputed, because the change made a new data stamp
    assert sum(r.headcount for r in first) - sum(r.headcount for r in after) == 1


@pytest.mark.usefixtures("ctx", "cache_on")
def test_a_change_the_figures_do_not_read_keeps_them_cached(monkeypatch):
    """Issue 17: an HR officer saving someone's phone number (an audited change to the person,
    not to their employment, post or hours) leaves the headcount cached, so under load the
    100,000-person query is not run again at every save."""
    from hrtool.models import Employee
    from hrtool.services.people.employees import update_details

    today = date.today()
    first = dashboards.headcount_by_service_and_employer(today)
    calls = []
    real = dashboards._headcount
    monkeypatch.setattr(dashboards, "_headcount", lambda on: calls.append(on) or real(on))
    person = db.session.scalars(select(Employee).order_by(Employee.id)).first()
    update_details(person.id, person.version, {"phone": "01785 619000"}, "Phone changed")
    assert dashboards.headcount_by_service_and_employer(today) == first
    assert calls == []  # still the cached figures


@pytest.mark.usefixtures("ctx", "cache_on")
def test_a_bulk_insert_into_a_source_moves_the_figures_on(monkeypatch):
    """A bulk write bypasses the ORM's flush: bulk.execute_many tells the cache, so the
    generation itself moves on (not only the newest id, which a new row moves anyway: that is not what is tested)."""
    from hrtool.services.platform import bulk, figures_cache

    generation = figures_cache.data_stamp()[0]
    employment = db.session.scalars(select(Employment).order_by(Employment.id)).first()
    assignment = db.session.scalars(select(Assignment).where(Assignment.employment_id == employment.id)).first()
    bulk.execute_many(Assignment, [{"employment_id": employment.id, "post_id": assignment.post_id,
                                    "hours_per_week": 10, "effective_from": date(1999, 1, 1),
                                    "effective_to": date(1999, 1, 31), "reason": "test"}])
    db.session.commit()
    assert figures_cache.data_stamp()[0] == generation + 1
