"""Benchmark of the dashboard's status build and of ``write_reports`` (issue 14).

Run on demand (not collected by pytest):

    .venv/bin/python tests/benchmarks/bench_reports.py              # 100 teams x 3 x 36 months
    .venv/bin/python tests/benchmarks/bench_reports.py --quick      # 10 teams, a smoke run
    .venv/bin/python tests/benchmarks/bench_reports.py --source local

The collaborative comes from the generator ``kit.datasets`` when it is installed (``--source
datasets``, the default when importable), otherwise from the small builder the report tests use
(``tests/reports/collaborative.py``). Either way it goes into a fresh SQLite store through the
store's public API and is read back with ``kit.reports.load_records``, as the dashboard and
``bts-kit report`` read it. Times are wall-clock on a shared machine: read them as ratios.
Targets (issue 14): the dashboard's build in the kernel under 2 s. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kit.qi.dashboard import CollaborativeRecords, current_period, team_statuses  # noqa: E402
from kit.qi.presenters import suggest  # noqa: E402
from kit.reports import load_records, write_records  # noqa: E402
from kit.spc.funnel import funnel_for_period  # noqa: E402
from kit.store import Actor, Store  # noqa: E402

TARGET_STATUS_S = 2.0


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def fill_store(store: Store, source: str, teams: int, months: int) -> dt.date:
    """Put a collaborative into the store; return the day the dashboard is read on."""
    if source == "datasets":
        from kit.datasets import Settings, generate

        generated = generate(Settings(teams=teams, months=months, seed=7))
        items = [(record, 1) for kind in generated.records.values() for record in kind]
        store.import_records(items, Actor.system("bench"))
        last = store.observations(Actor.system("bench"))["period"].max()
        return (last + dt.timedelta(days=40)).date().replace(day=20)
    from tests.reports.collaborative import into_store, make_records, month

    records = make_records(teams, months, seed=7)
    into_store(records, store)
    return month(dt.date(2024, 1, 1), months).replace(day=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--quick", action="store_true", help="10 teams x 3 measures x 36 months")
    parser.add_argument("--source", choices=("datasets", "local"), default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-reports", action="store_true")
    args = parser.parse_args()
    teams = 10 if args.quick else args.teams
    source = args.source
    if source is None:
        try:
            import kit.datasets  # noqa: F401

            source = "datasets"
        except ImportError:
            source = "local"
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder:
        with Store.open(f"sqlite:///{folder}/kit.sqlite3") as store:
            start = time.perf_counter()
            today = fill_store(store, source, teams, args.months)
            print(f"source: {source}; {teams} teams x {args.months} months; "
                  f"loaded into SQLite in {time.perf_counter() - start:.1f} s")  # fmt: skip
            load_s, records = best_of(lambda: load_records(store), args.repeat)
        assert isinstance(records, CollaborativeRecords)
        print(f"rows: {len(records.observations)} observations, {len(records.measures)} measures, "
              f"{len(records.cycles)} PDSA cycles, {len(records.assessments)} assessments")  # fmt: skip
        status_s, statuses = best_of(lambda: team_statuses(records, today), args.repeat)
        assert isinstance(statuses, list)
        suggest_s, suggestions = best_of(lambda: suggest(records, statuses), args.repeat)
        period = current_period(records.collaborative, today)
        ratio = next((m for m in records.measures if m.has_denominator), None)
        funnel_s = float("nan")
        if ratio is not None:
            rows = records.observations[records.observations["measure_id"] == ratio.id]
            funnel_s, _ = best_of(
                lambda: funnel_for_period(rows, period, by="team_id"), args.repeat
            )
        improving = sum(s.improving for s in statuses)
        print(f"load_records (store -> records): {load_s:.2f} s")
        print(f"team_statuses: {status_s:.2f} s (target {TARGET_STATUS_S:.0f} s; "
              f"{improving} of {len(statuses)} teams improving)")  # fmt: skip
        print(f"dashboard build in the kernel (load + statuses): {load_s + status_s:.2f} s")
        print(f"suggest (all teach, all learn): {suggest_s:.3f} s, {len(suggestions)} suggestions")
        print(
            f"funnel for {period:%b %Y} ({ratio.name if ratio else '-'}): {funnel_s * 1000:.1f} ms"
        )
        if args.skip_reports:
            return
        out = Path(folder) / "reports"
        shown = {"last": 0.0}

        def progress(done: int, total: int, label: str) -> None:
            now = time.perf_counter()
            if now - shown["last"] > 10 or done == total:
                print(f"  {done}/{total} {label}", flush=True)
                shown["last"] = now

        start = time.perf_counter()
        paths = write_records(records, out, progress=progress, today=today)
        total_s = time.perf_counter() - start
        sizes = [p.stat().st_size for p in paths]
        print(f"write_reports: {total_s:.1f} s for {len(paths)} files "
              f"({total_s / max(len(paths), 1):.2f} s per file); "
              f"{sum(sizes) / 1e6:.1f} MB in all, {max(sizes) / 1e6:.2f} MB the largest")  # fmt: skip


if __name__ == "__main__":
    main()
