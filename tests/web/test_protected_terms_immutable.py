"""Protected terms cannot be edited through any route: every POST route in the URL map is sent
plausible and hostile form data by HR and by an administrator, and the snapshots stay exactly
as they were (the database also refuses UPDATE and DELETE on them)."""
from __future__ import annotations

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import ProtectedTerms, TermsRecord

from ..conftest import Auth
from .test_role_matrix import _ids, _samples

HOSTILE = {
    "snapshot": '{"package": {}}', "taken_on": "2000-01-01", "terms_council_id": "1", "basis": "own",
    "protected_terms_id": "", "effective_from": ["1", "1", "2000"], "reason": "tamper", "confirm": "yes",
    "understood": "y", "done_on": ["1", "1", "2020"], "note": "x", "transfer_id": "1",
}


def _dump(app):
    with app.app_context():
        snapshots = [(p.id, p.transfer_id, p.employee_id, p.taken_on, p.snapshot)
                     for p in db.session.scalars(select(ProtectedTerms).order_by(ProtectedTerms.id))]
        links = [(t.id, t.protected_terms_id) for t in db.session.scalars(
            select(TermsRecord).where(TermsRecord.protected_terms_id.is_not(None)).order_by(TermsRecord.id))]
    return snapshots, links


def test_no_route_changes_protected_terms(app):
    before = _dump(app)
    assert before[0], "the session data must hold some protected terms"
    _own, other = _ids(app)
    samples = {**_samples(app), "employee_id": other, "post_id": 1, "fmt": "csv", "election_id": 1}
    with app.app_context():
        samples["protected_id"] = before[0][0][0]
    for username in ("hr@hrtool.example", "admin@hrtool.example"):
        client = app.test_client()
        Auth(client).login(username)
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or rule.endpoint in ("auth.logout", "auth.login"):
                continue
            values = {k: samples.get(k, 1) for k in rule.arguments}
            url = rule.build(values)[1]
            response = client.post(url, data=HOSTILE)
            assert response.status_code < 500, f"{url} failed with {response.status_code}"
    assert _dump(app) == before
