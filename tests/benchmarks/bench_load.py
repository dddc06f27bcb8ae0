"""A room's worth of participants saving at once: errors, lost writes, throughput, latency.

Run on demand (not collected by pytest):

    python tests/benchmarks/bench_load.py [--participants 30] [--seconds 60] [--postgres URL]

Issue 15 (Concurrency): 30 simulated participants, each a separate process, call the store as
the apps do. Each signs in with its team's join code (the demo collaborative: seven teams, so
four or five people share a team's aim and driver diagram, as a table does in a workshop), then
in a loop reads the team's aim and driver diagram, saves an edit to one of them with the
version it read (on ``Conflict`` it reloads and tries again, as the apps' conflict message asks
a participant to), and every third turn adds an observation.

Counted:
- errors: any exception other than a handled ``Conflict`` (target 0);
- lost writes: after the run, every save a worker saw succeed must be in the database with the
  value it wrote, at the version the store returned (read from the record's revisions), and no
  two saves may claim the same version of a record (target 0);
- throughput (successful saves per second, all workers) and p50/p95 latency of ``store.save``
  calls (conflicted calls included: the participant waits for them too).

SQLite runs on a temporary file; PostgreSQL (``--postgres URL``) in a schema of its own that is
dropped afterwards. The figures depend on the machine: state it, and the duration, with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _observation(actor: Any, measure: Any, worker: int, n: int) -> Any:
    """A new observation in a period no other worker uses (so none is refused as a duplicate)."""
    from kit.qi import Observation

    period = dt.date(2200 + worker * 60 + n // 12, n % 12 + 1, 1)
    if measure.has_denominator:
        values = {"numerator": float(n % 7), "denominator": float(20 + n % 5)}
    else:
        values = {"value": float(n % 9)}
    return Observation(
        id=f"o-load-{worker}-{n}",
        measure_id=measure.id,
        team_id=actor.team_id,
        period=period,
        note=f"load {worker}.{n}",
        **values,
    )


def participant(url: str, code: str, worker: int, seconds: float, start: Any, out: Any) -> None:
    """One participant's session; puts its record of saves, latencies and errors on ``out``."""
    from kit.errors import Conflict
    from kit.qi import Aim, DriverDiagram, Measure
    from kit.store import Store

    saves: list[tuple[str, str, int, str, str]] = []  # kind, id, version, field, value
    latencies: list[float] = []
    errors: list[str] = []
    conflicts = 0
    try:
        with Store.open(url) as store:
            start.wait()
            actor = store.join(code, f"participant {worker}", client=f"load-{worker}")
            measures = [s.record for s in store.find(Measure, actor)]
            deadline = time.monotonic() + seconds
            n = 0
            while time.monotonic() < deadline:
                n += 1
                # the apps open by reading the team's aim and driver diagram
                aim = store.find(Aim, actor, team_id=actor.team_id)[0]
                diagram = store.find(DriverDiagram, actor, team_id=actor.team_id)[0]
                cls, field, current = (
                    (Aim, "what", aim) if n % 2 else (DriverDiagram, "aim_text", diagram)
                )
                value = f"edit {worker}.{n}"
                while True:
                    began = time.perf_counter()
                    try:
                        saved = store.save(
                            current.record.model_copy(update={field: value}),
                            actor,
                            expected_version=current.version,
                        )
                    except Conflict:
                        latencies.append(time.perf_counter() - began)
                        conflicts += 1
                        current = store.get(cls, current.record.id, actor)  # reload, try again
                        continue
                    latencies.append(time.perf_counter() - began)
                    saves.append((cls.kind, saved.record.id, saved.version, field, value))
                    break
                if n % 3 == 0 and measures:
                    record = _observation(actor, measures[n % len(measures)], worker, n)
                    began = time.perf_counter()
                    saved = store.save(record, actor, expected_version=None)
                    latencies.append(time.perf_counter() - began)
                    saves.append(("observation", record.id, saved.version, "note", record.note))
    except Exception as error:  # counted, not raised: the run goes on and reports it
        errors.append(f"{type(error).__name__}: {error}")
    out.put({"worker": worker, "saves": saves, "latencies": latencies, "errors": errors,
             "conflicts": conflicts})  # fmt: skip


def lost_writes(url: str, results: list[dict]) -> int:
    """Saves a worker saw succeed that are not in the database as it wrote them."""
    from kit.qi import Aim, DriverDiagram, Observation
    from kit.store import Actor, Store

    classes = {"aim": Aim, "driver_diagram": DriverDiagram, "observation": Observation}
    actor = Actor.system()
    lost = 0
    claimed: set[tuple[str, str, int]] = set()
    history: dict[tuple[str, str], dict[int, Any]] = {}
    with Store.open(url) as store:
        for result in results:
            for kind, record_id, version, field, value in result["saves"]:
                if (kind, record_id, version) in claimed:
                    lost += 1  # two saves returned the same version: one overwrote the other
                    continue
                claimed.add((kind, record_id, version))
                key = (kind, record_id)
                if key not in history:
                    revisions = store.revisions(classes[kind], record_id, actor)
                    history[key] = {r.version: r.record for r in revisions}
                record = history[key].get(version)
                if record is None or getattr(record, field) != value:
                    lost += 1
            # the current state of each record is its newest revision
        for (kind, record_id), versions in history.items():
            current = store.get(classes[kind], record_id, actor)
            if current.record != versions[max(versions)] or current.version != max(versions):
                lost += 1
    return lost


def run(url: str, participants: int, seconds: float) -> dict[str, Any]:
    from kit.demo import JOIN_CODES, load_demo
    from kit.store import Store

    with Store.open(url) as store:
        load_demo(store)
    codes = list(JOIN_CODES.values())
    context = mp.get_context("spawn")
    start = context.Barrier(participants + 1)
    out = context.Queue()
    workers = [
        context.Process(
            target=participant, args=(url, codes[w % len(codes)], w, seconds, start, out)
        )
        for w in range(participants)
    ]
    for w in workers:
        w.start()
    load_before = os.getloadavg()
    start.wait()  # every process has imported the kit and opened the store
    began = time.monotonic()
    results = [out.get(timeout=seconds + 600) for _ in workers]
    elapsed = time.monotonic() - began
    for w in workers:
        w.join(timeout=60)
    latencies = sorted(x for r in results for x in r["latencies"])
    saves = sum(len(r["saves"]) for r in results)
    errors = [e for r in results for e in r["errors"]]
    return {
        "participants": participants,
        "seconds": round(elapsed, 1),
        "saves": saves,
        "conflicts": sum(r["conflicts"] for r in results),
        "errors": len(errors),
        "error_samples": errors[:5],
        "lost": lost_writes(url, results),
        "saves_per_s": saves / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
        "load_before": [round(x, 1) for x in load_before],
        "load_after": [round(x, 1) for x in os.getloadavg()],
    }


def _postgres_schema_url(base: str) -> tuple[str, Any]:
    """A URL whose connections use a new schema, and a function that drops it afterwards."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    schema = f"kit_load_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--postgres", metavar="URL", help="also run against this PostgreSQL")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    rows = []
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="bts-load-") as folder:
            url = f"sqlite:///{folder}/kit.sqlite3"
            rows.append(("SQLite", run(url, args.participants, args.seconds)))
    if args.postgres:
        url, drop = _postgres_schema_url(args.postgres)
        try:
            rows.append(("PostgreSQL", run(url, args.participants, args.seconds)))
        finally:
            drop()
    header = f"{'database':<11}{'people':>7}{'secs':>6}{'saves':>7}{'saves/s':>9}"
    header += f"{'p50 ms':>8}{'p95 ms':>8}{'conflicts':>10}{'errors':>7}{'lost':>5}"
    print(header)
    for name, r in rows:
        print(
            f"{name:<11}{r['participants']:>7}{r['seconds']:>6}{r['saves']:>7}"
            f"{r['saves_per_s']:>9.1f}{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}"
            f"{r['conflicts']:>10}{r['errors']:>7}{r['lost']:>5}"
        )
        for sample in r["error_samples"]:
            print(f"  error ({name}): {sample}")
    # the machine's load average (1, 5, 15 min) before and after: a shared machine's figures
    # are not the store's alone
    cpus = os.cpu_count()
    for name, r in rows:
        print(
            f"{name}: load average {r['load_before']} before, {r['load_after']} after, {cpus} CPUs"
        )
    if args.json:
        args.json.write_text(json.dumps({name: r for name, r in rows}, indent=2))
    return 1 if any(r["errors"] or r["lost"] for _, r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
