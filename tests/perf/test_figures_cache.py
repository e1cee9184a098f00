"""The dashboards' workforce figures are cached, and a change to the data shows at once."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Assignment, Employment
from hrtool.services import dashboards
from hrtool.services.employees import record_leaver


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
