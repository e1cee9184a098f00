"""Issue 16, finding 5: union representatives could work out the size of small groups. A
one-person transfer showed "People affected: 1" beside a "Fewer than 5" grade, its regulation 13
letter said "1 employees are assigned to the service", and the landing page withheld a headcount
the transfer page then showed. Now every figure a rep sees goes through one rule
(hrtool.domain.disclosure, threshold from the rule setting `aggregate_min_group_size`): the
pages, the letters' fields and their PDFs alike."""
from __future__ import annotations

import io
import re
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from hrtool.domain.disclosure import publish, withheld
from hrtool.extensions import db
from hrtool.models import Letter, TradeUnion, Transfer, TransferMember
from hrtool.services.letters import letters
from hrtool.services.letters.letters import Target
from hrtool.services.platform.dashboards import union_headcount

from ..factories import DEMO_PASSWORDS

REP = "unison@hrtool.example"


# -- the rule, on worked examples ----------------------------------------------------------------

def test_a_total_beside_one_withheld_row_withholds_another_row():
    # Grades A 5 and B 1, total 6, threshold 5. B (1 person) is withheld. Shown: A 5 and total
    # 6, so B = 6 - 5 = 1 could be worked out: the line (A, B, total) has exactly one figure
    # withheld, so the smallest other group, A (5), is withheld too ("withheld": it is not
    # fewer than 5). The total 6 stays: 6 = A + B with both unknown tells nothing.
    shown = publish({"A": 5, "B": 1}, 6, 5)
    assert shown.cells == {"A": "Withheld", "B": "Fewer than 5"} and shown.total == 6
    # One person in all: the grade and the total are both about fewer than 5.
    one = publish({"Grade 4": 1}, 1, 5)
    assert one.cells == {"Grade 4": "Fewer than 5"} and one.total is None and one.total_words == "fewer than 5"
    # An empty group describes nobody and is never withheld, nor used to hide another.
    assert publish({"A": 12, "B": 0}, 12, 5).cells == {"A": "12", "B": "0"}


def test_the_landing_page_gives_up_the_total_so_a_transfer_page_agrees():
    # A service with CCDC 40 and SBC 3 (total 43). SBC is withheld; the landing page then
    # withholds the total 43, not CCDC's 40: a transfer page showing that service's 40 CCDC
    # people then agrees with the landing page, and 43 - 40 is never there to work out.
    shown = publish({"CCDC": 40, "SBC": 3}, 43, 5, give_up_total=True)
    assert shown.parts == {"CCDC": 40, "SBC": None} and shown.total is None
    # Two tables sharing a total (rows and a column): withholding spreads until no line has one.
    sizes = {"a1": 1, "a2": 9, "b1": 8, "b2": 7, "a": 10, "b": 15, "c1": 9, "c2": 16, "t": 25}
    lines = [["a1", "a2", "a"], ["b1", "b2", "b"], ["a1", "b1", "c1"], ["a2", "b2", "c2"], ["a", "b", "t"],
             ["c1", "c2", "t"]]
    hidden = withheld(sizes, lines, 5)
    assert all(sum(1 for key in line if key in hidden) != 1 for line in lines)


# -- a one-person transfer: the page, the letter and its PDF ---------------------------------------

def _login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


def _one_person_transfer(app) -> tuple[int, int]:
    """The demo's planned transfer UNISON has been written to, cut down to one person."""
    with app.app_context():
        unison = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        transfer = db.session.scalars(select(Transfer).join(Letter, Letter.transfer_id == Transfer.id).where(
            Transfer.status == "planned", Letter.union_id == unison, Letter.letter_type == "tupe_reg13")
            .order_by(Transfer.id).limit(1)).one()
        members = list(db.session.scalars(select(TransferMember).where(
            TransferMember.transfer_id == transfer.id, TransferMember.status != "removed").order_by(TransferMember.id)))
        assert len(members) > 1
        for member in members[1:]:
            member.status = "removed"
        db.session.commit()
        return transfer.id, unison


def _summary_value(page: str, key: str) -> str:
    found = re.search(rf">\s*{key}\s*</dt>\s*<dd[^>]*>\s*([^<]*?)\s*</dd>", page)
    assert found, key
    return found.group(1)


def test_a_one_person_transfer_shows_no_count_of_one(app, client):
    transfer_id, _unison = _one_person_transfer(app)
    _login(client, REP)
    page = client.get(f"/union/transfers/{transfer_id}").get_data(as_text=True)
    assert _summary_value(page, "People affected") == "Fewer than 5"
    cells = re.findall(r'data-label="People">([^<]*)<', page)
    assert cells and all(c in ("Fewer than 5", "Withheld") or int(c.replace(",", "")) >= 5 for c in cells)


def test_the_reg13_letter_for_a_one_person_transfer_says_fewer_than_5(app):
    transfer_id, unison = _one_person_transfer(app)
    with app.app_context():
        letter = letters.issue_one(Target("tupe_reg13", transfer_id, unison), date.today())
        db.session.flush()
        assert letter.fields["transfer"]["affected_count"] == "fewer than 5"
        assert letter.fields["transfer"]["affected_employees"] == "fewer than 5 employees"
        assert [row[1] for row in letter.fields["table"]["affected_by_grade"]["rows"]] == ["Fewer than 5"]
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.pdf)).pages).split())
    assert "The transfer affects fewer than 5 employees assigned to the service" in text
    assert not re.search(r"\b1 employees?\b", text)


def test_the_threshold_is_the_rule_setting(app, client):
    """An administrator raising the threshold to 7 changes what the rep sees and how it reads."""
    from hrtool.services.rules import rules_admin

    transfer_id, _unison = _one_person_transfer(app)
    with app.app_context():
        rules_admin.add_setting_value("aggregate_min_group_size", date(2026, 1, 1), "7", "", "Agreed with the unions")
        db.session.commit()
    _login(client, REP)
    page = client.get(f"/union/transfers/{transfer_id}").get_data(as_text=True)
    assert _summary_value(page, "People affected") == "Fewer than 7"


def test_the_landing_page_leaves_nothing_to_work_out(app, client):
    """Every service line on the rep's landing page: no figure under 5 shown, and never exactly
    one figure of a line (its employers and total) withheld."""
    with app.app_context():
        services, _employers = union_headcount(date.today())
    assert services
    for line in services:
        figures = [*line.by_employer.values(), line.total]
        assert sum(1 for n in figures if n is None) != 1, line
        assert all(n is None or n == 0 or n >= 5 for n in figures), line
        assert (line.fte is None) == (line.total is None)
    _login(client, REP)
    page = client.get("/union/").get_data(as_text=True)
    assert "Headcount by service and employer" in page
