"""Issue 16, finding 6: a union rep could open any restructure (`GET /union/restructures/<id>`
answered 200 with its name, description, date and counts) and any transfer. Now a rep sees only
the transfers and restructures their union was consulted on (the register holds a letter to
their union about it, or a completed transfer of a council recognising the union); any other is a
404 on its page, and absent from the lists."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee, Letter, Restructure, RouteDecision, StructurePost, TradeUnion, Transfer
from hrtool.services.letters import letters
from hrtool.services.letters.letters import Target

from ..factories import DEMO_PASSWORDS

REP = "unison@hrtool.example"


def _login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


def _unison() -> int:
    return db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))


def _restructure(name: str) -> int:
    """A restructure with 20 postholders at risk (so the s.188 letter is due): 18 at CCDC and 2 at
    SBC. Not yet written about to any union; status "consulting", which the assimilation engine
    sets by itself."""
    from hrtool.models import Council

    ccdc, sbc = (db.session.scalar(select(Council.id).where(Council.code == code)) for code in ("CCDC", "SBC"))
    people = list(db.session.scalars(select(Employee).order_by(Employee.id).limit(20)))
    r = Restructure(name=name, description="Merging the two councils' depots.", effective_date=date(2027, 9, 1),
                    status="consulting")
    db.session.add(r)
    db.session.flush()
    posts = [StructurePost(restructure_id=r.id, side="current", title="Depot Operative", grade="Grade 3",
                           employer_id=council) for council in (ccdc, sbc)]
    db.session.add_all([*posts, StructurePost(restructure_id=r.id, side="proposed", title="Depot Lead",
                                              grade="Grade 5", employer_id=sbc)])
    db.session.flush()
    for i, person in enumerate(people):
        db.session.add(RouteDecision(restructure_id=r.id, employee_id=person.id, route="at_risk",
                                     current_post_id=posts[0 if i < 18 else 1].id, reasons="No matching post."))
    db.session.commit()
    return r.id


def test_a_rep_cannot_open_a_restructure_their_union_was_not_consulted_on(app, client):
    with app.app_context():
        restructure_id = _restructure("Depot restructure (secret)")
    _login(client, REP)
    assert client.get(f"/union/restructures/{restructure_id}").status_code == 404
    assert "Depot restructure (secret)" not in client.get("/union/consultations").get_data(as_text=True)

    # Once the union is written to about it (the s.188 letter), the rep sees it, figures withheld
    # as everywhere: 20 at risk shown as 20, never a group under 5.
    with app.app_context():
        letters.issue_one(Target("collective_redundancy", restructure_id, _unison()), date.today())
        db.session.commit()
    page = client.get(f"/union/restructures/{restructure_id}")
    assert page.status_code == 200 and "Depot restructure (secret)" in page.get_data(as_text=True)
    # At risk: CCDC 18, SBC 2, total 20. SBC's 2 is withheld; 20 - 18 would give it away, so
    # CCDC's 18 is withheld too ("Withheld": not a small group itself); the total 20 stays.
    cells = re.findall(r'data-label="People">([^<]*)<', page.get_data(as_text=True))
    assert sorted(cells) == ["Fewer than 5", "Withheld"]
    assert re.search(r">\s*Postholders affected\s*</dt>\s*<dd[^>]*>\s*20\s*<", page.get_data(as_text=True))
    # The s.188 letter's table of posts at risk withholds the same small group.
    with app.app_context():
        letter = db.session.scalars(select(Letter).where(Letter.restructure_id == restructure_id)).one()
        assert sorted(row[2] for row in letter.fields["table"]["roles_at_risk"]["rows"]) == ["18", "Fewer than 5"]
    assert "Depot restructure (secret)" in client.get("/union/consultations").get_data(as_text=True)


def test_a_rep_cannot_open_a_transfer_their_union_was_not_consulted_on(app, client):
    with app.app_context():
        unison = _unison()
        written = set(db.session.scalars(select(Letter.transfer_id).where(Letter.union_id == unison)))
        # A planned transfer the union has not been written to (a completed one of a council that
        # recognised the union it may see: it was an appropriate representative, and it has happened).
        unconsulted = db.session.scalars(select(Transfer).where(Transfer.id.not_in(written),
                                                                Transfer.status == "planned")
                                         .order_by(Transfer.id)).first()
        consulted = db.session.scalars(select(Transfer).where(Transfer.id.in_(written)).order_by(Transfer.id)).first()
        assert unconsulted is not None and consulted is not None
        hidden, shown = (unconsulted.id, unconsulted.reference), (consulted.id, consulted.reference)
    _login(client, REP)
    assert client.get(f"/union/transfers/{hidden[0]}").status_code == 404
    assert client.get(f"/union/transfers/{shown[0]}").status_code == 200
    listing = client.get("/union/transfers").get_data(as_text=True)
    assert shown[1] in listing and hidden[1] not in listing
    assert client.get("/union/transfers/999999").status_code == 404
