"""Each council's local conventions (services/pay/jes/local_conventions.py): the illustrative readings
where the councils part, a new reading superseding the old with history kept, withdrawal with a
reason, and a draft merged set copied from a council's and chosen situation by situation.

Where the illustrative conventions part (reference file, by hand): factor 1 "degree plus
professional membership" CCDC 6 / SBC 5; factor 5 "works within broad policy" CCDC 6 / SBC 5;
factor 8 "distressed or aggressive public" CCDC 3 / SBC 2; factor 10 "line manages 5 to 9"
CCDC 3 / SBC 4; factor 11 "cash and card payments" CCDC 2 / SBC 3. Read alike: factor 1 NVQ3 4,
factor 11 budget 250k-1m 4, factor 13 outdoor 3."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, Convention
from hrtool.services.pay.jes import local_conventions

from ..factories import council

pytestmark = pytest.mark.usefixtures("ctx")

PANEL = "Joint panel: Alex Morgan (management), Sam Patel (UNISON)"


def _set(code):
    return local_conventions.council_set(council(code).id)


def _current(set_id, words):
    return next(c for c in local_conventions.conventions(set_id) if words in c.situation.text)


def test_the_councils_illustrative_readings_part_on_five_situations():
    partings = local_conventions.side_by_side(_set("CCDC").id, _set("SBC").id)
    differ = {(p.situation.factor_number, p.a.level, p.b.level) for p in partings if p.differs}
    assert differ == {(1, 6, 5), (5, 6, 5), (8, 3, 2), (10, 3, 4), (11, 2, 3)}
    assert {(p.situation.factor_number, p.a.level) for p in partings if not p.differs} == {(1, 4), (11, 4), (13, 3)}


def test_a_new_reading_supersedes_the_old_and_keeps_it_as_history():
    ccdc = _set("CCDC")
    old = _current(ccdc.id, "5 to 9")
    new = local_conventions.record(ccdc.id, 10, "Line manages a team of 5 to 9 staff", 4,
                                   "Counts the staff of teams supervised through team leaders", date(2026, 3, 2),
                                   PANEL, "Re-read at the joint panel")
    db.session.refresh(old)
    assert (old.superseded_by_id, old.superseded_on, old.current) == (new.id, date(2026, 3, 2), False)
    assert _current(ccdc.id, "5 to 9").id == new.id and new.situation_id == old.situation_id
    everything = [c.id for c in local_conventions.conventions(ccdc.id, include_history=True)]
    assert old.id in everything and new.id in everything
    assert local_conventions.readings(ccdc.id)[new.situation_id].level == 4
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "jes_convention",
                                                          AuditEvent.entity_id == str(new.id))).one()
    assert created.after["level"] == 4 and created.after["agreed_by"] == PANEL


def test_a_councils_convention_needs_its_agreement_and_a_level_in_range():
    ccdc = _set("CCDC")
    with pytest.raises(DomainError, match="joint agreement"):
        local_conventions.record(ccdc.id, 10, "Line manages a team of 10 to 20 staff", 4, "", None, "")
    with pytest.raises(DomainError, match=r"Factor 10, Responsibility for supervision.*: level 7 is outside its range 1 to 6"):
        local_conventions.record(ccdc.id, 10, "Line manages a team of 10 to 20 staff", 7, "", date(2026, 3, 2), PANEL)


def test_withdrawing_needs_a_reason_and_keeps_the_convention_in_history():
    sbc = _set("SBC")
    outdoor = _current(sbc.id, "outdoor")
    with pytest.raises(DomainError, match="Say why"):
        local_conventions.withdraw(outdoor.id, date(2026, 4, 1), " ")
    local_conventions.withdraw(outdoor.id, date(2026, 4, 1), "Covered by the new working conditions guidance")
    held = db.session.get(Convention, outdoor.id)
    assert (held.current, held.superseded_on, held.superseded_by_id) == (False, date(2026, 4, 1), None)
    assert all(c.id != outdoor.id for c in local_conventions.conventions(sbc.id))
    with pytest.raises(DomainError, match="not in use"):
        local_conventions.withdraw(outdoor.id, date(2026, 4, 2), "again")


def test_a_draft_set_copied_from_a_council_then_chosen_situation_by_situation():
    ccdc, sbc = _set("CCDC"), _set("SBC")
    draft = local_conventions.create_draft_set("Common conventions (draft)", "For the single structure", ccdc.id)
    assert draft.is_draft
    copied = {c.situation_id: c.level for c in local_conventions.conventions(draft.id)}
    assert copied == {c.situation_id: c.level for c in local_conventions.conventions(ccdc.id)}

    line_manages = _current(draft.id, "5 to 9")
    chosen = local_conventions.choose(draft.id, line_manages.situation_id, 4, "SBC's reading: counts indirect reports")
    assert local_conventions.readings(draft.id)[line_manages.situation_id].level == 4
    db.session.refresh(line_manages)
    assert line_manages.superseded_by_id == chosen.id  # the earlier choice kept as history
    # Set beside SBC's, the draft now parts on four situations, not five.
    assert sum(p.differs for p in local_conventions.side_by_side(draft.id, sbc.id)) == 4
    # The councils' own sets are untouched.
    assert _current(ccdc.id, "5 to 9").level == 3

    with pytest.raises(DomainError, match="not chosen in a draft"):
        local_conventions.choose(ccdc.id, line_manages.situation_id, 4, "")
    with pytest.raises(DomainError, match="already has that name"):
        local_conventions.create_draft_set("Common conventions (draft)", "", None)
    empty = local_conventions.create_draft_set("Empty draft", "", None)
    assert local_conventions.conventions(empty.id) == []
