"""`make bench`: hrtool at 1,000, 10,000 and 100,000 employees, every figure as a ratio against a
baseline measured in the same run, each with its budget (issue 9).

    .venv/bin/python -m benchmarks.bench [--sizes 1000,10000,100000] [--repeats 25]
                                         [--out artifacts/bench/sqlite.json]

SQLite by default (files in a scratch folder); with BENCH_DATABASE_URL set to a PostgreSQL
server URL, each workforce gets its own database on that server (`make bench-pg` starts a
throwaway one). Exit status 1 if any budget does not hold, 0 otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import measure, workforce


@dataclass
class Budget:
    name: str
    measured: float
    limit: float
    detail: str
    unit: str = "×"

    @property
    def holds(self) -> bool:
        return self.measured <= self.limit


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=25, help="requests per page (after 3 to warm up)")
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    small, middle, large = (int(s) for s in args.sizes.split(","))
    base_url = os.environ.get("BENCH_DATABASE_URL") or None
    dialect = "postgresql" if base_url else "sqlite"
    out = args.out or Path("artifacts/bench") / f"{dialect}.json"
    folder = measure.scratch_folder()
    budgets: list[Budget] = []
    figures: dict[str, Any] = {"dialect": dialect, "sizes": [small, middle, large],
                               "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                               "machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}

    def say(text: str) -> None:
        print(text, flush=True)

    try:
        # 1. Workforces from the demo generator.
        apps = {}
        for size in (small, middle, large):
            say(f"building a workforce of {size:,} ({dialect}) ...")
            url = workforce.database_url(base_url, f"hrtool_bench_{size}", folder)
            apps[size], timings = workforce.build(url, size)
            figures.setdefault("demo_data_s", {})[size] = round(timings["demo_data_s"], 2)
            say(f"  demo data in {timings['demo_data_s']:.1f} s")

        def guarded(title: str, budget_names: list[str], work: Any) -> None:
            """Run one measurement; if it fails, say so and record its budgets as missed, so
            one broken measurement does not lose the others."""
            try:
                work()
            except Exception as error:
                say(f"  {title} failed: {error!r}")
                for name in budget_names:
                    budgets.append(Budget(name, float("inf"), 1, f"failed: {error!r}"[:120]))

        # 2. Import through the real path against raw executemany of the same rows.
        def imports() -> None:
            say("import ...")
            seconds: dict[int, float] = {}
            for size in (middle, large):
                csv_path = folder / f"import-{size}.csv"
                measure.export_csv(apps[size], csv_path)
                rows = measure.csv_rows(csv_path)
                target, _ = workforce.build(workforce.database_url(base_url, f"hrtool_bench_import_{size}", folder), 0)
                seconds[size], people = measure.real_import(target, csv_path)
                workforce.dispose(target)
                if people != rows:
                    raise RuntimeError(f"import of {rows} rows left {people} employees")
                say(f"  {rows:,} rows imported in {seconds[size]:.1f} s")
            # The baseline is short (1-3 s against a minute): its median of three runs, so one
            # burst of load from another process does not swing the ratio.
            baseline = statistics.median(measure.raw_executemany(folder / f"import-{large}.csv", folder, base_url)
                                         for _ in range(3))
            figures["import"] = {"app_s": {k: round(v, 3) for k, v in seconds.items()},
                                 "raw_executemany_s": round(baseline, 3)}
            budgets.append(Budget(f"Import {large:,} rows vs raw executemany", seconds[large] / baseline, 10,
                                  f"{seconds[large]:.2f} s vs {baseline:.3f} s"))
            budgets.append(Budget(f"Import {large:,} vs {middle:,} rows (linear)", seconds[large] / seconds[middle],
                                  11, f"{seconds[large]:.2f} s vs {seconds[middle]:.2f} s"))

        guarded("import", [f"Import {large:,} rows vs raw executemany"], imports)

        # 3. Pages: p95 at the large workforce against p95 at the small one.
        def pages() -> None:
            say("pages ...")
            timings = {size: measure.time_pages(apps[size], args.repeats) for size in (small, large)}
            figures["pages"] = {size: [asdict(p) for p in rows] for size, rows in timings.items()}
            for at_small, at_large in zip(timings[small], timings[large], strict=True):
                budgets.append(Budget(
                    f"{at_small.name}: p95 at {large:,} vs {small:,}", at_large.p95 / at_small.p95, 1.5,
                    f"p50 {ms(at_small.p50)} → {ms(at_large.p50)}; p95 {ms(at_small.p95)} → {ms(at_large.p95)}; "
                    f"{at_small.queries} → {at_large.queries} queries"))

        guarded("pages", ["Pages"], pages)

        # 4. Letters through the engine against a plain Platypus loop.
        def letters() -> None:
            say("letters ...")
            engine, plain = measure.letters(apps[small], args.letters)
            figures["letters"] = {"count": args.letters, "engine_s": round(engine, 3), "plain_s": round(plain, 3)}
            budgets.append(Budget(f"{args.letters:,} letters vs plain Platypus", engine / plain, 1.5,
                                  f"{engine:.2f} s vs {plain:.2f} s"))

        guarded("letters", [f"{args.letters:,} letters vs plain Platypus"], letters)

        # 5. Recalculation at the middle and large workforces.
        def recalculation() -> None:
            say("recalculation ...")
            award = {size: measure.apply_pay_award(apps[size]) for size in (middle, large)}
            model = {size: measure.run_harmonisation(apps[size]) for size in (middle, large)}
            figures["recalculation"] = {"pay_award_s": {k: round(v, 3) for k, v in award.items()},
                                        "harmonisation_s": {k: round(v, 3) for k, v in model.items()}}
            budgets.append(Budget(f"Pay award and protection schedules {large:,} vs {middle:,}",
                                  award[large] / award[middle], 11, f"{award[large]:.2f} s vs {award[middle]:.2f} s"))
            budgets.append(Budget(f"Harmonisation model {large:,} vs {middle:,}", model[large] / model[middle], 11,
                                  f"{model[large]:.2f} s vs {model[middle]:.2f} s"))

        guarded("recalculation", ["Recalculation"], recalculation)
        for app in apps.values():
            workforce.dispose(app)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    figures["budgets"] = [{**asdict(b), "holds": b.holds} for b in budgets]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, default=str))
    width = max(len(b.name) for b in budgets)
    say(f"\nhrtool benchmarks on {dialect} ({datetime.now():%Y-%m-%d %H:%M})\n")
    say(f"{'Measure':<{width}}  {'Ratio':>7}  {'Budget':>6}  {'':4}  Detail")
    for b in budgets:
        ratio = "—" if b.measured == float("inf") else f"{b.measured:.2f}×"
        say(f"{b.name:<{width}}  {ratio:>7}  {b.limit:>5}×  {'ok' if b.holds else 'MISS':4}  {b.detail}")
    missed = [b for b in budgets if not b.holds]
    say(f"\n{len(budgets) - len(missed)} of {len(budgets)} budgets hold. Figures written to {out}.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
