"""Run every benchmark in this folder, one after another: ``make benchmark``.

Each ``bench_*.py`` here is a script with its own options and its own report; this runs each
in its own process with the same Python, prints its report as it goes, and exits non-zero when
any of them failed. Unknown arguments go to every benchmark chosen; ``--only NAME``
runs the ones whose file name contains NAME. Nothing here asserts on wall-clock time.

    .venv/bin/python tests/benchmarks/run_all.py [--only spc] [--list]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[Path]:
    """Every benchmark script in this folder, by name."""
    return sorted(HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the benchmarks whose name contains this")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args, extra = parser.parse_known_args(argv)
    chosen = [b for b in benchmarks() if args.only in b.name]
    if args.list:
        print("\n".join(b.name for b in chosen))
        return 0
    if not chosen:
        print(f"No benchmark matches '{args.only}'.", file=sys.stderr)
        return 2
    failed = []
    for bench in chosen:
        print(f"\n=== {bench.name} ===", flush=True)
        if subprocess.call([sys.executable, str(bench), *extra]) != 0:
            failed.append(bench.name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\nRan {len(chosen)} benchmarks: {', '.join(b.name for b in chosen)}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
