"""A new table holding a person's rows cannot escape the subject access export or the retention
rule: every table with an `employee_id` column must be reached by the schema walk or be handled
on purpose (the append-only trails, the embedded JSON lists)."""
from __future__ import annotations

import pytest

from hrtool.extensions import db
from hrtool.services.people import retention, subject_access

pytestmark = pytest.mark.usefixtures("ctx")


def _tables_naming_a_person() -> set[str]:
    return {t.name for t in db.metadata.sorted_tables if "employee_id" in t.c}


def test_every_table_with_an_employee_id_is_in_the_subject_access_export():
    missing = _tables_naming_a_person() - subject_access.covered_tables()
    assert not missing, f"tables naming a person that the subject access export would miss: {sorted(missing)}"


def test_every_table_reached_by_the_walk_is_deleted_or_anonymised_by_the_retention_rule():
    """The retention rule deletes every walked table except those it anonymises on purpose, and
    keeps exactly the append-only trails."""
    walked = subject_access.walked_tables()
    assert retention.KEPT_AS_ANONYMOUS <= walked
    assert subject_access.UNLINKED == {"audit_events", "record_views"}
    assert _tables_naming_a_person() <= walked | subject_access.UNLINKED


def test_the_walk_reaches_tables_through_other_tables():
    """Not only tables with employee_id: rows hanging off the person's rows (assignments off an
    employment, a protection's months, acknowledgements of a letter) are found too."""
    walked = subject_access.walked_tables()
    assert {"assignments", "terms_records", "protection_months", "letter_acknowledgements"} <= walked
    # ... and it never walks on from an account to what that account recorded about others.
    assert "audit_events" not in walked and "job_evaluations" not in walked and "posts" not in walked
