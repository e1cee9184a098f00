"""`make bench` still runs end to end: every measurement at toy sizes, in a process of its own
(the benchmark builds its own databases and apps). Its budgets are not judged here (at a few
hundred rows fixed costs dominate every ratio, and timings are never asserted in tests); what
fails is a measurement that no longer runs, as the pay award step did when protection
schedules moved into the unit of work and nothing ran the benchmark."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(bool(os.environ.get("HRTOOL_TEST_DATABASE_URL")),
                    reason="the benchmark makes its own SQLite databases: once per suite is enough")
def test_every_benchmark_measurement_runs(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--sizes", "50,100,200", "--repeats", "1",
                           "--letters", "5", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "BENCH_DATABASE_URL": ""})
    assert out.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    budgets = json.loads(out.read_text())["budgets"]
    failed = [b["detail"] for b in budgets if b["detail"].startswith("failed")]
    assert failed == [], failed
    names = " ".join(b["name"] for b in budgets)
    for measure in ("Import", "Employees list", "Employee page", "HR dashboard", "Protection dashboard",
                    "Union landing page", "letters vs plain Platypus", "Pay award and protection schedules",
                    "Harmonisation model"):
        assert measure in names
