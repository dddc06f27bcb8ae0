"""The collaboratives shipped in ``datasets/``, each named with its seed so anyone can regenerate it.

``python -m kit.datasets`` (or ``make datasets``) rewrites every file from these entries;
``tests/datasets/test_files.py`` regenerates them and finds them identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kit.datasets.export import workbook, write_json, write_tables
from kit.datasets.generator import Generated, Settings, generate
from kit.qi import records as r


@dataclass(frozen=True)
class Shipped:
    name: str  # folder of CSV tables and stem of the workbook
    settings: Settings | None  # None: the demo (kit/demo.py)


SHIPPED = (
    Shipped("demo", None),
    Shipped("clabsi", Settings(topic="clabsi", teams=12, months=24, baseline_months=12, seed=2)),
    Shipped("sepsis", Settings(topic="sepsis", teams=20, months=30, baseline_months=12, seed=3)),
)


def build(entry: Shipped) -> tuple[Generated, dict[str, list[r.Record]]]:
    if entry.settings is None:
        from kit import demo

        return demo.generated(), demo.build_demo()
    generated = generate(entry.settings)
    return generated, generated.records


def workbook_path(folder: Path, entry: Shipped) -> Path:
    return folder / f"{entry.name}-collaborative.json"


def write_all(folder: Path) -> list[Path]:
    """Every shipped file, written under ``folder``; returns the paths."""
    written = []
    for entry in SHIPPED:
        generated, records = build(entry)
        written.append(write_json(workbook_path(folder, entry), workbook(records)))
        written += write_tables(folder / entry.name, generated, records)
    return written
