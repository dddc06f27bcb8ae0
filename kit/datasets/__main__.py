"""``python -m kit.datasets [FOLDER]``: regenerate every shipped dataset (default ``datasets/``)."""

from __future__ import annotations

import sys
from pathlib import Path

from kit.datasets.catalogue import write_all


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "datasets"
    for path in write_all(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
