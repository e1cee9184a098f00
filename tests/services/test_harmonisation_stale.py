"""Saved harmonisation results are kept but marked stale, with why, when what they were worked out
from changes (issue 13), and running the model again clears the mark."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import HarmonisationModel, PaySpinePoint
from hrtool.services.harmonisation import harmonisation
from hrtool.services.pay.pay_spines import set_spine_value


def _session_model() -> HarmonisationModel:
    return db.session.scalars(select(HarmonisationModel).order_by(HarmonisationModel.id).limit(1)).one()


def test_a_spine_change_marks_saved_results_stale_until_run_again(ctx):
    model = _session_model()
    assert harmonisation.stale_reason(model) is None
    point = db.session.scalars(select(PaySpinePoint).order_by(PaySpinePoint.pay_year_from.desc(),
                                                              PaySpinePoint.scp).limit(1)).one()
    set_spine_value(point, point.annual_salary + Decimal(1), "Correcting a typing error")
    db.session.commit()
    db.session.refresh(model)
    stale = harmonisation.stale_reason(model)
    assert stale is not None and "pay spine changed" in stale["why"]
    harmonisation.run_model(model)
    db.session.commit()
    db.session.refresh(model)
    assert harmonisation.stale_reason(model) is None


def test_the_model_page_warns_that_results_are_stale(app, client, auth):
    with app.app_context():
        model_id = _session_model().id
        point = db.session.scalars(select(PaySpinePoint).order_by(PaySpinePoint.id).limit(1)).one()
        set_spine_value(point, point.annual_salary + Decimal(1), "Correcting a typing error")
        db.session.commit()
    auth.as_role("hr")
    page = client.get(f"/harmonisation/{model_id}").get_data(as_text=True)
    assert "These results may be out of date" in page and "the pay spine changed" in page
