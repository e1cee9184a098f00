"""Letter references (issue 17): allocated from a counter row in the same transaction as the
letters they number, so two batches in two processes at once get unique, consecutive references,
and a batch that fails leaves no gap. Against a file SQLite database, and PostgreSQL when
HRTOOL_TEST_DATABASE_URL is set (a database of its own, made and dropped here)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from hrtool.extensions import db
from hrtool.models import Letter, LetterJob
from hrtool.services.letters import letter_jobs, letters

from ..conftest import TEST_SETTINGS
from .test_letter_register import _cohort_size, _planned_transfer

ON = date(2026, 12, 3)

# One process: make the schema by the migrations, and one template version for the letters' FK.
SETUP = textwrap.dedent("""
    import sys
    from hrtool import create_app
    from hrtool.extensions import db
    from hrtool.services.letters.letters import load_letter_templates
    from flask_migrate import upgrade
    settings = {**%(settings)r, "SQLALCHEMY_DATABASE_URI": sys.argv[1]}
    app = create_app(settings)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_letter_templates()
        db.session.commit()
""")

# One batch: number `count` letters and write them in one unit of work, pausing between letters
# so the two batches overlap; "fail" raises after writing, as a batch failing part way would.
BATCH = textwrap.dedent("""
    import sys, time
    from datetime import date
    from sqlalchemy import select
    from hrtool import create_app
    from hrtool.extensions import db
    from hrtool.models import Letter, LetterTemplateVersion
    from hrtool.services.letters import letters
    from hrtool.services.platform import unit_of_work
    from hrtool.sqlite import background_writer
    url, name, count, pause, fail = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    app = create_app({**%(settings)r, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), background_writer():
        try:
            with unit_of_work.unit_of_work():
                version = db.session.scalar(select(LetterTemplateVersion.id).limit(1))
                for ref in letters.next_references(count, date(2026, 12, 3)):
                    db.session.add(Letter(reference=ref, template_version_id=version, letter_type="transfer_notice",
                                          subject=name, addressee=name, fields={}, pdf=b"%%PDF", sha256="0" * 64))
                    db.session.flush()
                    time.sleep(pause)
                if fail == "fail":
                    raise RuntimeError("the batch failed part way")
            print("done")
        except RuntimeError:
            print("failed")
""")


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    url = os.environ.get("HRTOOL_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'references.sqlite3'}"
        return
    base = make_url(url)
    name = f"{base.database}_refs_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _python(script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HRTOOL_INSTANCE_PATH": os.environ.get("HRTOOL_INSTANCE_PATH", "/tmp")}
    return subprocess.Popen([sys.executable, "-c", script % {"settings": TEST_SETTINGS}, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out.strip()


def test_two_batches_in_two_processes_get_unique_consecutive_references_and_a_failure_leaves_no_gap(
        fresh_database: str) -> None:
    _finish(_python(SETUP, fresh_database))
    # Worked by hand: a new register numbers from 1. Batches A (5) and B (4) run at once, C (3)
    # fails part way at the same time, then D (2) runs. Whatever the order A and B win the
    # counter in, the 11 letters held are numbered 1..11 with no gap (C's 3 numbers were rolled
    # back with its letters), each batch's numbers are consecutive, and D holds 10 and 11.
    started = [_python(BATCH, fresh_database, name, count, "0.05", outcome)
               for name, count, outcome in (("A", "5", "ok"), ("B", "4", "ok"), ("C", "3", "fail"))]
    assert [_finish(p) for p in started] == ["done", "done", "failed"]
    assert _finish(_python(BATCH, fresh_database, "D", "2", "0", "ok")) == "done"
    engine = create_engine(fresh_database)
    with engine.connect() as conn:
        rows = conn.execute(select(Letter.subject, Letter.reference).order_by(Letter.reference)).all()
        counter = conn.execute(text("SELECT last_number FROM letter_counters")).scalar_one()
    engine.dispose()
    numbers = {name: [int(ref.rsplit("-", 1)[1]) for n, ref in rows if n == name] for name in "ABCD"}
    assert sorted(n for ns in numbers.values() for n in ns) == list(range(1, 12))
    assert numbers["C"] == [] and numbers["D"] == [10, 11] and counter == 11
    for name in "AB":
        assert numbers[name] == list(range(numbers[name][0], numbers[name][0] + len(numbers[name])))
    assert {len(numbers["A"]), len(numbers["B"])} == {5, 4}
    assert all(ref.startswith("HR-2026-") for _, ref in rows)


def test_batches_number_on_from_each_other_and_a_failed_batch_leaves_no_gap(app, ctx, monkeypatch) -> None:
    transfer = _planned_transfer()
    size = _cohort_size(transfer)
    assert size >= 2

    def refs(job_id: int) -> list[int]:
        batch = db.session.get(LetterJob, job_id).batch_id
        return [int(x.reference.rsplit("-", 1)[1]) for x in letter_jobs.batch_letters(batch)]

    monkeypatch.setattr(letter_jobs, "fail_at", lambda index: (_ for _ in ()).throw(RuntimeError("disk full"))
                        if index == size else None)
    with app.test_request_context():
        failed = letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None, "A test of re-issue")
    assert db.session.get(LetterJob, failed.id).status == "failed"
    monkeypatch.setattr(letter_jobs, "fail_at", None)
    highest = db.session.scalar(select(func.max(Letter.id)))
    last = int(db.session.get(Letter, highest).reference.rsplit("-", 1)[1])
    with app.test_request_context():
        first = letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None, "Sent again after a fault")
        second = letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None, "And once more")
    # The failed batch took no numbers: the next batch starts right after the last letter held.
    assert refs(first.id) == list(range(last + 1, last + 1 + size))
    assert refs(second.id) == list(range(last + 1 + size, last + 1 + 2 * size))


def test_one_letter_takes_the_next_number(app, ctx) -> None:
    transfer = _planned_transfer()
    member = next(m for m in transfer.members if m.status in ("proposed", "confirmed"))
    before = letters.peek_references(1, ON)[0]
    letter = letters.issue_one(letters.Target("transfer_notice", member.id), ON)
    assert letter.reference == before
    assert letters.peek_references(1, ON)[0] == letters.reference(int(before.rsplit("-", 1)[1]) + 1, ON)


SEEDED = textwrap.dedent("""
    import sys
    from sqlalchemy import text
    from hrtool import create_app
    from hrtool.extensions import db
    from hrtool.services.letters.letters import load_letter_templates
    from flask_migrate import upgrade
    app = create_app({**%(settings)r, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0019")
        load_letter_templates()
        version = db.session.execute(text("SELECT MIN(id) FROM letter_template_versions")).scalar()
        for reference in ("HR-2025-000003", "HR-2026-000007"):  # numbered before 0020, from the highest id
            db.session.execute(text("INSERT INTO letters (reference, template_version_id, letter_type, source_kind, "
                                    "correction_reason, subject, addressee, fields, pdf, sha256) VALUES (:r, :v, "
                                    "'transfer_notice', '', '', 's', 'a', '{}', :p, :h)"),
                               {"r": reference, "v": version, "p": b"%%PDF", "h": "0" * 64})
        db.session.commit()
        upgrade(directory=directory)
        print(db.session.execute(text("SELECT last_number FROM letter_counters")).scalar())
""")


def test_the_migration_seeds_the_counter_from_the_letters_held(fresh_database: str) -> None:
    # Worked by hand: two letters held, ids 1 and 2, references numbered 3 and 7. The counter
    # starts at the highest of those (7), so the next letter is HR-YYYY-000008 and none repeats.
    assert _finish(_python(SEEDED, fresh_database)) == "7"
