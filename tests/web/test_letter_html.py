"""Every letter is also an accessible web page (issue 19), beside its PDF: the same words from
the same document (services/letters.document_of rebuilds it from the register), with the subject
as the page's heading, the addressee as an address, tables with column header cells and the page
in British English. Only the letter's own readers open it: the employee their own letters, a union
representative their union's, HR any (a view of the person's record)."""
from __future__ import annotations

import io
import re
from collections import Counter
from html.parser import HTMLParser

from pypdf import PdfReader
from sqlalchemy import insert, select

from hrtool.extensions import db
from hrtool.models import Letter, ProtectedTerms, RecordView, User
from hrtool.services.letters import letters

from ..factories import DEMO_PASSWORDS
from .test_role_matrix import ROLE_USERS

HIDDEN_HEADINGS = ["From", "To", "The letter"]  # landmarks for screen readers, not in the PDF
BULLETS = {"\u2022", "\x7f"}  # the PDF's bullet glyph, as pypdf reads it back


def _login(client, role):
    username = ROLE_USERS[role]
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


class _Letter(HTMLParser):
    """The <article> of a letter page: its text, and each element's text by tag."""

    WATCHED = {"h1", "h2", "h3", "p", "li", "th", "td", "address", "dt", "dd", "caption"}
    ANYWHERE = {"h1", "dt", "dd", "p"}  # read outside the <article> too (pages that are not letters)

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <article>
        self.words: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None], str]] = []
        self.open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.h1: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html_lang = dict(attrs).get("lang") or ""
        if tag == "article":
            self.depth += 1
        if tag in self.WATCHED and (self.depth or tag in self.ANYWHERE):
            self.open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if self.open and self.open[-1][0] == tag:
            name, attrs, text = self.open.pop()
            joined = " ".join(" ".join(text).split())
            if name == "h1" and not self.depth:
                self.h1.append(joined)
            else:
                self.elements.append((name, attrs, joined))

    def handle_data(self, data):
        for _, _, text in self.open:
            text.append(data)
        if self.depth:
            self.words += data.split()


def _page(client, url) -> _Letter:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Letter()
    parser.feed(response.get_data(as_text=True))
    return parser


def _pdf_words(client, url) -> list[str]:
    """The PDF's words, without the page furniture every page carries ("Our reference ...",
    "Page n of m") that the web page does not repeat."""
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    lines = []
    for page in PdfReader(io.BytesIO(response.data)).pages:
        lines += [line for line in page.extract_text().splitlines()
                  if not re.fullmatch(r"\s*(Our reference HR-\S+\s*)?Page \d+ of \d+\s*", line)
                  and not re.fullmatch(r"\s*Our reference HR-\S+\s*", line)]
    return " ".join(lines).split()


def _issue_own_letter(app, client) -> int:
    """HR issues the demo employee a statement of their protected terms (a letter with a table)."""
    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == ROLE_USERS["employee"]))
        snapshot = db.session.scalar(select(ProtectedTerms.id).where(ProtectedTerms.employee_id == own))
    _login(client, "hr")
    response = client.post("/letters/issue", data={"letter_type": "protected_terms", "source": str(snapshot),
                                                   "submit": "Issue"})
    assert response.status_code == 302
    client.post("/logout")
    return int(re.search(r"/letters/(\d+)", response.location).group(1))


def _union_letter(app) -> tuple[int, int]:
    """A regulation 13 letter to the demo rep's union (it has a table by grade), and one to another union."""
    with app.app_context():
        union_id = db.session.scalar(select(User.union_id).where(User.username == ROLE_USERS["union_rep"]))
        own = db.session.scalar(select(Letter.id).where(Letter.union_id == union_id, Letter.letter_type == "tupe_reg13")
                                .order_by(Letter.id))
        other = db.session.scalar(select(Letter.id).where(Letter.union_id.is_not(None), Letter.union_id != union_id)
                                  .order_by(Letter.id))
    return own, other


def _same_words(page: _Letter, pdf: list[str]) -> None:
    """The web page's letter and the PDF hold the same words, as many times each (the order of a
    letterhead set side by side in the PDF may differ from reading order)."""
    html = Counter(page.words + " ".join(page.h1).split())  # the subject heads the page
    html.subtract(Counter(" ".join(HIDDEN_HEADINGS).split()))
    html = +html
    pdf = [word for word in pdf if word not in BULLETS]  # the web page's lists are <ul>
    assert html == Counter(pdf), (f"only on the page: {html - Counter(pdf)}; only in the PDF: "
                                  f"{Counter(pdf) - html}")


def test_the_employees_letter_page_says_what_its_pdf_says(app, client):
    letter_id = _issue_own_letter(app, client)
    with app.app_context():
        record = db.session.get(Letter, letter_id)
        subject, reference, addressee = record.subject, record.reference, record.addressee.splitlines()
        name = addressee[0]
    _login(client, "employee")
    listing = client.get("/me/letters/").get_data(as_text=True)
    assert f'href="/me/letters/{letter_id}"' in listing and "Read the letter (web page)" in listing
    page = _page(client, f"/me/letters/{letter_id}")
    assert page.html_lang == "en-GB"
    assert page.h1 == [subject]
    address = [text for tag, _, text in page.elements if tag == "address"]
    assert address == [" ".join(" ".join(addressee).split())]
    assert ("dd", {"class": "govuk-summary-list__value"}, reference) in page.elements
    assert any(tag == "p" and text == f"Dear {name}," for tag, _, text in page.elements)
    # The table of protected terms: column headers are header cells scoped to their columns.
    headers = [(attrs.get("scope"), text) for tag, attrs, text in page.elements if tag == "th"]
    assert headers and all(scope == "col" for scope, _ in headers)
    assert any(tag == "td" for tag, _, _ in page.elements)
    _same_words(page, _pdf_words(client, f"/me/letters/{letter_id}/pdf"))


def test_the_unions_letter_page_says_what_its_pdf_says(app, client):
    own, _ = _union_letter(app)
    with app.app_context():
        record = db.session.get(Letter, own)
        table = record.fields["table"]["affected_by_grade"]
        note = record.fields["sender"]["letterhead_note"]
    _login(client, "union_rep")
    assert f"/union/letters/{own}/read" in client.get(f"/union/letters/{own}").get_data(as_text=True)
    assert f"/union/letters/{own}/read" in client.get("/union/letters").get_data(as_text=True)
    page = _page(client, f"/union/letters/{own}/read")
    assert note.startswith("Shared service: ") and ("p", {"class": "govuk-body-s"}, note) in page.elements
    cells = [text for tag, _, text in page.elements if tag in ("th", "td")]
    assert cells == table["head"] + [cell for row in table["rows"] for cell in row]
    _same_words(page, _pdf_words(client, f"/union/letters/{own}/pdf"))


def test_hr_reads_a_letter_as_a_web_page_and_it_is_a_view_of_the_persons_record(app, client):
    letter_id = _issue_own_letter(app, client)
    with app.app_context():
        person = db.session.scalar(select(Letter.employee_id).where(Letter.id == letter_id))
    _login(client, "hr")
    assert f"/letters/{letter_id}/read" in client.get(f"/letters/{letter_id}").get_data(as_text=True)
    page = _page(client, f"/letters/{letter_id}/read")
    _same_words(page, _pdf_words(client, f"/letters/{letter_id}/pdf"))
    with app.app_context():
        pages = db.session.scalars(select(RecordView.page).where(RecordView.employee_id == person)).all()
    assert "letters.letter_read" in pages


def test_only_the_letters_own_readers_open_it(app, client):
    own_letter = _issue_own_letter(app, client)
    union_own, union_other = _union_letter(app)
    with app.app_context():
        mine = db.session.scalar(select(User.employee_id).where(User.username == ROLE_USERS["employee"]))
        someone_elses = db.session.scalar(select(Letter.id).where(Letter.employee_id.is_not(None),
                                                                  Letter.employee_id != mine))
    assert someone_elses and union_other
    _login(client, "employee")
    for letter_id in (someone_elses, union_own, 10**9):
        assert client.get(f"/me/letters/{letter_id}").status_code == 404
    assert client.get(f"/union/letters/{union_own}/read").status_code == 403
    client.post("/logout")
    _login(client, "union_rep")
    for letter_id in (union_other, own_letter, someone_elses):
        assert client.get(f"/union/letters/{letter_id}/read").status_code == 404
    assert client.get(f"/me/letters/{own_letter}").status_code == 403
    assert client.get(f"/letters/{own_letter}/read").status_code == 403


def _copy(app, letter_id: int, fields: dict, mark: str = "OLD") -> int:
    """A letter held as one issued before this change would be (the register refuses UPDATE):
    the same letter under a new reference, with the fields given."""
    with app.app_context():
        record = db.session.get(Letter, letter_id)
        reference = record.reference.replace("HR-", f"HR-{mark}-")
        fields = {**fields, "letter": {**fields["letter"], "reference": reference}}
        row = {column.key: getattr(record, column.key) for column in Letter.__table__.columns if column.key != "id"}
        new_id = db.session.execute(insert(Letter).values({**row, "reference": reference, "fields": fields})
                                    .returning(Letter.id)).scalar_one()
        db.session.commit()
    return new_id


def test_a_letter_from_before_the_letterhead_was_kept_shows_the_same_letterhead(app, client):
    own, _ = _union_letter(app)
    with app.app_context():
        fields = db.session.get(Letter, own).fields
    note, reference = fields["sender"]["letterhead_note"], fields["letter"]["reference"]
    old = _copy(app, own, {**fields, "sender": {"councils": fields["sender"]["councils"]}})
    _login(client, "union_rep")
    page = _page(client, f"/union/letters/{old}/read")
    assert ("p", {"class": "govuk-body-s"}, note) in page.elements
    # The copy's PDF is the original's bytes: the same words but for the reference.
    pdf = [word.replace(reference, reference.replace("HR-", "HR-OLD-"))
           for word in _pdf_words(client, f"/union/letters/{own}/pdf")]
    _same_words(page, pdf)


def test_a_letter_that_cannot_be_shown_again_exactly_offers_its_pdf(app, client):
    own, _ = _union_letter(app)
    with app.app_context():
        fields = db.session.get(Letter, own).fields
    # The fields no longer fill the template (a value the letter printed is missing) ...
    broken = _copy(app, own, {**fields, "transfer": {**fields["transfer"], "service": ""}})
    with app.app_context():
        assert letters.document_of(db.session.get(Letter, broken)) is None
        assert letters.document_of(db.session.get(Letter, own)) is not None
    _login(client, "union_rep")
    response = client.get(f"/union/letters/{broken}/read")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "can only be read as its PDF" in text
    assert f"/union/letters/{broken}/pdf" in text and "<article" not in text
    # ... and an old letter whose transfer reads differently now cannot vouch for its letterhead.
    moved = _copy(app, own, {**fields, "sender": {"councils": fields["sender"]["councils"]},
                             "transfer": {**fields["transfer"], "transferee": "Somewhere Else Council"}}, "MOVED")
    with app.app_context():
        assert letters.document_of(db.session.get(Letter, moved)) is None


def test_my_pay_protection_page_holds_the_whole_statement_the_pdf_holds(app, client):
    """The employee's own page gives each protection's facts, words and months as the PDF does."""
    _login(client, "employee")
    page = _page(client, "/me/protection/")
    html = client.get("/me/protection/").get_data(as_text=True)
    assert 'href="/me/protection/statement.pdf"' in html
    response = client.get("/me/protection/statement.pdf")
    assert response.status_code == 200
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages)
    facts = [text for tag, _, text in page.elements if tag in ("dt", "dd")]
    assert facts and "Last day of protection" in facts and "How it ends" in facts
    for text in facts:  # each fact, label and value, is in the PDF's facts table
        assert text in pdf, text
    paragraphs = [text for tag, attrs, text in page.elements if tag == "p" and attrs.get("class") == "govuk-body"]
    assert any(text.startswith("Annual amounts are for your contractual hours") for text in paragraphs)
    for text in paragraphs:  # the plain words and the notes; not the page's own links
        if "Download" not in text and "person number" not in text:
            assert " ".join(text.split()[:8]) in pdf, text
    rows = re.findall(r'<tr class="govuk-table__row">\s*<th scope="row" class="govuk-table__header">(\w+ \d{4})'
                      r'.*?data-label="Phase">(\d+)</td>.*?data-label="New salary a year">([^<]+)</td>'
                      r'.*?data-label="Protection a year">([^<]+)</td>.*?data-label="Paid that month">([^<]+)</td>',
                      html, re.S)
    assert rows
    for month, phase, new, protection, paid in rows:  # the PDF's month table, row by row
        assert f"{month} {phase} {new} {protection} {paid}" in pdf, month
