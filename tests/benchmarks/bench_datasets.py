"""Benchmark of the synthetic-collaborative generator (issue 12), run on demand, not by pytest.

    .venv/bin/python tests/benchmarks/bench_datasets.py            # 100 teams x 36 months
    .venv/bin/python tests/benchmarks/bench_datasets.py --repeat 1 # one run of each

Cases:
  A. generating a 100-team, 36-month falls collaborative (24 baseline months): every record,
     validated (``kit.datasets.generate``);
  B. loading it into a new SQLite database through the workbook path
     (``kit.datasets.export.workbook`` then ``kit.store.workbook.import_workbook``, which
     validates every record again and writes it in one transaction).

Target (issue 12): under 5 s each on this machine. Times are the best of ``--repeat`` runs, wall
clock and process CPU; on a shared machine read the CPU column. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kit.datasets import Settings, generate
from kit.datasets.export import workbook
from kit.store import Actor, Store
from kit.store.workbook import import_workbook

TARGET_S = 5.0
SETTINGS = Settings(topic="falls", teams=100, months=36, baseline_months=24, seed=1)


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    best, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, used = time.perf_counter() - t0, time.process_time() - c0
        if wall < best:
            best, cpu = wall, used
    return best, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    generated = generate(SETTINGS)
    counts = {kind: len(records) for kind, records in generated.records.items()}
    print(f"collaborative: {SETTINGS.teams} teams x {SETTINGS.months} months; records {counts}")
    wall, cpu = best_of(lambda: generate(SETTINGS), args.repeat)
    print(
        f"  A. generate                      {wall:7.2f} s wall {cpu:7.2f} s cpu   target < {TARGET_S} s"
    )
    data = workbook(generated.records)

    def load() -> None:
        with (
            tempfile.TemporaryDirectory() as scratch,
            Store.open(f"sqlite:///{Path(scratch) / 'kit.sqlite3'}") as store,
        ):
            import_workbook(store, Actor.system(), data)

    wall, cpu = best_of(load, args.repeat)
    print(
        f"  B. load into SQLite (workbook)   {wall:7.2f} s wall {cpu:7.2f} s cpu   target < {TARGET_S} s"
    )


if __name__ == "__main__":
    main()
