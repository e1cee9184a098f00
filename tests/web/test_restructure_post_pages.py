"""Changing and removing a post in a restructure's structures: the form comes pre-filled, bad
input is kept and explained, removal needs a reason and is refused while something uses the
post, and only HR and admins get in."""
from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Restructure, StructurePost
from hrtool.services.restructures import restructures as service

NAME = "Senior structure 2023"


def _ids(app):
    with app.app_context():
        restructure = db.session.scalar(select(Restructure).where(Restructure.name == NAME))
        posts = {(p.side, p.title.split(" (")[0]): p.id for p in restructure.posts}
        return restructure.id, posts


def _form(app, post_id, **changes):
    """The post's values as the edit form sends them, with some changed."""
    with app.app_context():
        values = service.values_of(db.session.get(StructurePost, post_id))
    data = {k: "" if v is None else str(v) for k, v in values.items()}
    data.update(changes)
    return data


def _fresh_post(app, rid, title="Head of Customer Services"):
    with app.app_context():
        post = service.add_post(db.session.get(Restructure, rid), {
            "side": "proposed", "title": title, "fte": Decimal(1), "ccdc_share": Decimal("0.5")})
        db.session.commit()
        return post.id


def test_hr_changes_a_post(app, client, auth):
    rid, posts = _ids(app)
    post_id = posts[("proposed", "Head of Operations")]
    auth.as_role("hr")
    charts = client.get(f"/restructures/{rid}/charts").get_data(as_text=True)
    assert charts.count('class="govuk-link rs-noprint rs-post__change"') == 22
    assert (f'href="/restructures/{rid}/posts/{post_id}/edit">Change'
            '<span class="govuk-visually-hidden"> Head of Operations</span></a>') in charts
    page = client.get(f"/restructures/{rid}/posts/{post_id}/edit")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Head of Operations"' in text and 'value="85000.00"' in text and "Save changes" in text
    assert "Remove this post" in text and "govuk-button--warning" in text
    saved = client.post(f"/restructures/{rid}/posts/{post_id}/edit",
                        data=_form(app, post_id, title="Head of Operations and Waste", band_max="87,500"))
    assert saved.status_code == 302 and saved.location.endswith(f"/restructures/{rid}/charts")
    charts = client.get(f"/restructures/{rid}/charts").get_data(as_text=True)
    assert "Head of Operations and Waste" in charts and "Changes to Head of Operations and Waste saved." in charts
    assert "£75,000 to £87,500" in charts
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "structure_post",
                                                           AuditEvent.action == "update"))
        assert event.after == {"title": "Head of Operations and Waste", "band_max": "87500.00"}


def test_a_bad_band_is_kept_and_explained(app, client, auth):
    rid, posts = _ids(app)
    post_id = posts[("proposed", "Head of Wellbeing")]
    auth.as_role("hr")
    bad = client.post(f"/restructures/{rid}/posts/{post_id}/edit",
                      data=_form(app, post_id, title="Head of Wellbeing and Leisure", band_min="95000",
                                 band_max="90000"))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "There is a problem" in text and 'href="#band_max"' in text and "The bottom of the band is above the top" in text
    assert 'value="Head of Wellbeing and Leisure"' in text and 'value="95000"' in text and 'value="90000"' in text
    with app.app_context():
        assert db.session.get(StructurePost, post_id).title == "Head of Wellbeing"
    cycle = client.post(f"/restructures/{rid}/posts/{posts[('proposed', 'Deputy Chief Executive - Place')]}/edit",
                        data=_form(app, posts[("proposed", "Deputy Chief Executive - Place")],
                                   reports_to_id=str(post_id)))
    assert cycle.status_code == 400 and "can&#39;t report to itself or to a post that reports to it" in (
        cycle.get_data(as_text=True))


def test_remove_needs_a_reason_and_is_refused_while_used(app, client, auth):
    rid, posts = _ids(app)
    post_id = posts[("current", "Head of Finance")]
    auth.as_role("hr")
    url = f"/restructures/{rid}/posts/{post_id}/remove"
    missing = client.post(url, data={"remove-reason": ""})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert 'href="#remove-reason"' in text and "Enter the reason for removing the post" in text
    assert 'value="Head of Finance' in text  # the post form is still shown, as stored
    used = client.post(url, data={"remove-reason": "Not in the papers"})
    text = used.get_data(as_text=True)
    assert used.status_code == 400 and "can&#39;t be removed because it is used by the route for" in text
    assert "Not in the papers" in text
    with app.app_context():
        assert db.session.get(StructurePost, post_id) is not None


def test_remove_with_a_reason(app, client, auth):
    rid, _ = _ids(app)
    post_id = _fresh_post(app, rid)
    auth.as_role("hr")
    assert client.get(f"/restructures/{rid}/posts/{post_id}/edit").status_code == 200
    gone = client.post(f"/restructures/{rid}/posts/{post_id}/remove",
                       data={"remove-reason": "Dropped from the proposal at consultation"})
    assert gone.status_code == 302 and gone.location.endswith(f"/restructures/{rid}/charts")
    charts = client.get(f"/restructures/{rid}/charts").get_data(as_text=True)
    assert "Head of Customer Services removed from the proposed structure." in charts
    assert len(re.findall(r'class="rs-post[ "]', charts)) == 22
    with app.app_context():
        assert db.session.get(StructurePost, post_id) is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "structure_post",
                                                           AuditEvent.action == "delete"))
        assert event.reason == "Dropped from the proposal at consultation"
    assert client.get(f"/restructures/{rid}/posts/{post_id}/edit").status_code == 404


def test_a_post_of_another_restructure_is_not_found(app, client, auth):
    rid, posts = _ids(app)
    with app.app_context():
        other = service.create_restructure("Finance review", "", None)
        db.session.commit()
        other_id = other.id
    other_post = _fresh_post(app, other_id, "Finance Manager")
    auth.as_role("hr")
    assert client.get(f"/restructures/{rid}/posts/{other_post}/edit").status_code == 404
    assert client.get(f"/restructures/{other_id}/posts/{posts[('proposed', 'Head of Wellbeing')]}/edit").status_code == 404
    assert client.post(f"/restructures/{rid}/posts/{other_post}/remove",
                       data={"remove-reason": "Wrong restructure"}).status_code == 404
    assert client.get(f"/restructures/{other_id}/posts/{other_post}/edit").status_code == 200


def test_employee_and_union_rep_are_kept_out(app, client, auth):
    rid, posts = _ids(app)
    post_id = posts[("proposed", "Head of Wellbeing")]
    for role in ("union_rep", "employee"):
        auth.as_role(role)
        assert client.get(f"/restructures/{rid}/posts/{post_id}/edit").status_code == 403
        assert client.post(f"/restructures/{rid}/posts/{post_id}/edit",
                           data=_form(app, post_id, title="Renamed")).status_code == 403
        assert client.post(f"/restructures/{rid}/posts/{post_id}/remove",
                           data={"remove-reason": "Because"}).status_code == 403
        auth.logout()
    with app.app_context():
        assert db.session.get(StructurePost, post_id).title == "Head of Wellbeing"
