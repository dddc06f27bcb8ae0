"""Benchmark of kit.spc against a naive per-series loop and a PyPI peer, in one run.

Run on demand (not collected by pytest):

    .venv/bin/python tests/benchmarks/bench_spc.py            # full size
    .venv/bin/python tests/benchmarks/bench_spc.py --quick    # a smaller smoke run

Cases (issue 3):
  A. P chart with Anhøj rules over 1,000 series x 100 points: kit.spc.analyze_many (one
     vectorised call), a naive loop of kit.spc.analyze per series, and the peer per series.
  B. I chart over 1,000,000 points: one series with kit.spc.analyze; 10,000 series x 100
     points with analyze_many against a naive analyze loop; the peer on a smaller series
     (it is super-linear), reported with a linear extrapolation that is a lower bound.

The peer is pyqicharts (PyPI), through its computation-only ``qic_table``; when it is not
installed (``pip install pyqicharts``) its rows are skipped with a message. Times are the
best of several repeats; on a shared machine read them as ratios against the baseline
printed in the same run, never as absolutes. Nothing here asserts on wall-clock time.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from kit.spc import analyze, analyze_many

TARGET_MS = 50.0
TARGET_PEER_RATIO = 20.0


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Best wall-clock time of ``repeat`` runs; the CPU time of that run is kept aside.

    On a shared, busy machine the wall clock includes waiting for a core; the process CPU
    time shows what the work itself costs.
    """
    best = float("inf")
    cpu = float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, used = time.perf_counter() - t0, time.process_time() - c0
        if wall < best:
            best, cpu = wall, used
    LAST_CPU[0] = cpu
    return best


LAST_CPU = [float("nan")]


def p_frame(series: int, points: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = rng.integers(20, 200, series * points)
    p = np.repeat(rng.uniform(0.1, 0.6, series), points)
    y = rng.binomial(n, p)
    return pd.DataFrame(
        {
            "team": np.repeat(np.arange(series), points),
            "period": np.tile(np.arange(points), series),
            "y": y,
            "n": n,
        }
    )


def load_peer():
    try:
        import pyqicharts
    except ImportError:
        print("  peer pyqicharts not installed: skipped (pip install pyqicharts to include it)")
        return None
    warnings.filterwarnings("ignore")
    return pyqicharts


def row(
    label: str, seconds: float, baseline: float, note: str = "", cpu: float | None = None
) -> None:
    cpu_text = f"{cpu * 1000:>9.1f} ms cpu" if cpu is not None else " " * 16
    print(
        f"  {label:<56} {seconds * 1000:>10.1f} ms {cpu_text}   x{seconds / baseline:>8.1f}  {note}"
    )


def case_a(args: argparse.Namespace, peer) -> tuple[float, float | None]:
    print(f"\nA. P chart, Anhøj rules, {args.series:,} series x {args.points} points")
    frame = p_frame(args.series, args.points)
    analyze_many(frame, y="y", n="n", chart="p")  # warm caches (critical-value tables)
    t_many = best_of(lambda: analyze_many(frame, y="y", n="n", chart="p"), args.repeat)
    cpu_many = LAST_CPU[0]
    groups = [(g["y"].to_numpy(), g["n"].to_numpy()) for _, g in frame.groupby("team")]

    def naive() -> None:
        for y, n in groups:
            analyze(y, n, chart="p")

    t_loop = best_of(naive, 2)
    cpu_loop = LAST_CPU[0]
    print(f"  {'':<56} {'wall':>13} {'process CPU':>15}   ratio (wall) to analyze_many")
    row("kit.spc.analyze_many (vectorised, baseline)", t_many, t_many, cpu=cpu_many)
    row("naive loop of kit.spc.analyze, one call per series", t_loop, t_many, cpu=cpu_loop)
    t_peer = cpu_peer = None
    if peer is not None:
        subset = groups[: args.peer_series]
        frames = [pd.DataFrame({"period": np.arange(len(y)), "y": y, "n": n}) for y, n in subset]

        def peer_loop() -> None:
            for f in frames:
                peer.qic_table(f, x="period", y="y", chart="p", denominator="n", method="anhoej")

        t = best_of(peer_loop, 1)
        scale = len(groups) / len(subset)
        t_peer = t * scale
        cpu_peer = LAST_CPU[0] * scale
        note = "" if len(subset) == len(groups) else f"({len(subset)} series, scaled linearly)"
        row(
            "pyqicharts.qic_table, one call per series",
            t_peer,
            t_many,
            note,
            cpu=cpu_peer,
        )
        check = peer.qic_table(frames[0], x="period", y="y", chart="p", denominator="n")
        mine = analyze(subset[0][0], subset[0][1], chart="p").points
        same = np.allclose(check["ucl"].to_numpy(float), mine["ucl"].to_numpy(float))
        print(f"  peer agrees with kit on series 0 limits: {same}")
    verdict = "met" if t_many * 1000 < TARGET_MS else "NOT met on this run"
    print(
        f"  target: analyze_many under {TARGET_MS:.0f} ms -> {t_many * 1000:.1f} ms wall "
        f"({cpu_many * 1000:.1f} ms CPU), {verdict}"
    )
    if t_peer is not None and cpu_peer is not None:
        ratio = t_peer / t_many
        cpu_ratio = cpu_peer / cpu_many
        verdict = "met" if min(ratio, cpu_ratio) >= TARGET_PEER_RATIO else "NOT met"
        print(
            f"  target: at least {TARGET_PEER_RATIO:.0f}x faster than the peer -> {ratio:,.0f}x "
            f"wall, {cpu_ratio:,.0f}x CPU, {verdict}"
        )
    return t_many, t_peer


def case_b(args: argparse.Namespace, peer) -> None:
    total = args.big
    print(f"\nB. I chart over {total:,} points")
    rng = np.random.default_rng(2)
    y = rng.normal(10, 2, total)
    analyze(y[:1000], chart="i")
    t_one = best_of(lambda: analyze(y, chart="i"), max(1, args.repeat // 5))
    cpu_one = LAST_CPU[0]
    per = 100
    series = total // per
    frame = pd.DataFrame(
        {
            "team": np.repeat(np.arange(series), per),
            "period": np.tile(np.arange(per), series),
            "value": y[: series * per],
        }
    )
    analyze_many(frame, chart="i")
    t_many = best_of(lambda: analyze_many(frame, chart="i"), max(1, args.repeat // 5))
    cpu_many = LAST_CPU[0]
    sample = min(series, args.loop_series)
    chunks = [y[i * per : (i + 1) * per] for i in range(sample)]

    def naive() -> None:
        for c in chunks:
            analyze(c, chart="i")

    t_loop = best_of(naive, 1) * series / sample
    cpu_loop = LAST_CPU[0] * series / sample
    print(f"  {'':<56} {'wall':>13} {'process CPU':>15}   ratio (wall) to one analyze")
    row("kit.spc.analyze, one series of all points (baseline)", t_one, t_one, cpu=cpu_one)
    row(f"kit.spc.analyze_many, {series:,} series x {per}", t_many, t_one, cpu=cpu_many)
    note = "" if sample == series else f"({sample:,} series, scaled linearly)"
    row(f"naive loop of kit.spc.analyze, {series:,} calls", t_loop, t_one, note, cpu=cpu_loop)
    if peer is not None:
        for size in args.peer_big:
            f = pd.DataFrame({"period": np.arange(size), "y": y[:size]})
            t = best_of(lambda f=f: peer.qic_table(f, x="period", y="y", chart="i"), 1)
            cpu_peer = LAST_CPU[0]
            t_kit = best_of(lambda size=size: analyze(y[:size], chart="i"), 3)
            row(
                f"pyqicharts.qic_table, one series of {size:,} points",
                t,
                t_one,
                f"(kit on the same {size:,}: {t_kit * 1000:.1f} ms, peer/kit x{t / t_kit:,.0f})",
                cpu=cpu_peer,
            )
        scaled = t * total / size
        row(f"pyqicharts, linear extrapolation to {total:,} (a lower bound)", scaled, t_one)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument(
        "--peer-series",
        type=int,
        default=1000,
        help="series the peer runs in case A (scaled linearly to all)",
    )
    parser.add_argument(
        "--loop-series",
        type=int,
        default=10_000,
        help="series the naive loop runs in case B (scaled linearly to all)",
    )
    parser.add_argument(
        "--peer-big",
        type=int,
        nargs="+",
        default=[1000, 5000],
        help="series lengths the peer runs in case B",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.series, args.big, args.repeat = 100, 100_000, 5
        args.peer_series, args.loop_series, args.peer_big = 20, 200, [1000]
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"kit.spc benchmark  numpy {np.__version__}, pandas {pd.__version__}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f}"
    )
    peer = load_peer()
    if peer is not None:
        print(f"  peer: pyqicharts {getattr(peer, '__version__', '?')} (qic_table)")
    case_a(args, peer)
    case_b(args, peer)


if __name__ == "__main__":
    main()
