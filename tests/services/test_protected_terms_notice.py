"""Contractual notice for someone on protected terms from a transfer, now in a post graded under the
new employer's bands: the demo's transferred people (a CCDC person on CCDC terms in an SBC post on
"Grade 4") had none, because CCDC's package holds notice by CCDC grades (A-F, G-I, J-L) and was
asked about an SBC grade. Their terms' notice is by the grade they were given for: the grade in the
snapshot of protected terms.

Read by hand from hrtool/reference_data/policies_illustrative.toml:
CCDC notice A-F 1 month, G-I 2, J-L 3; SBC 1-6 1 month, 7-10 2, 11-12 3."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import ProtectedTerms
from hrtool.services.people.records import picture_on
from hrtool.services.restructures.redundancy import person_notice

ON = date(2026, 12, 4)
CCDC = {**dict.fromkeys("ABCDEF", 1), **dict.fromkeys("GHI", 2), **dict.fromkeys("JKL", 3)}
SBC = {**{f"Grade {n}": 1 for n in range(1, 7)}, **{f"Grade {n}": 2 for n in range(7, 11)},
       **{f"Grade {n}": 3 for n in (11, 12)}}


def _mismatched() -> list[tuple[int, str, str, str]]:
    """(employee id, terms council, grade now, grade when protected) for the demo's people on
    protected terms whose post's grade now is not one of their terms' grades."""
    found = []
    for record in db.session.scalars(select(ProtectedTerms)):
        picture = picture_on(record.employee_id, ON)
        if picture is None or picture.terms is None or picture.terms.protected_terms_id != record.id:
            continue
        council = record.snapshot["terms_council"]
        held = CCDC if council == "CCDC" else SBC
        if picture.grade and picture.grade not in held:
            found.append((record.employee_id, council, picture.grade, record.snapshot["particulars"]["grade"]))
    return found


def test_protected_terms_give_notice_by_the_grade_they_were_given_for(ctx):
    cases = _mismatched()
    assert cases, "the demo has people on protected terms in a post of the other council's bands"
    for employee_id, council, now, then in cases:
        expected = (CCDC if council == "CCDC" else SBC)[then]
        notice = person_notice(employee_id, ON)
        assert notice.months == expected, (council, now, then, notice.source)
        assert f"grade {then} held when the terms were protected" in notice.source and now in notice.source
