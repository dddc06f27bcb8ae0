"""Generated collaboratives as files: a workbook the kit imports, and tidy CSV tables.

The workbook is written here without a database, in exactly the layout of
``kit/store/workbook.py`` (every record at version 1, sections sorted by id, observations by
team, measure and period), so importing it and exporting again gives the same file
(``tests/datasets/test_files.py`` checks it). The CSV tables are for analysts and for
teaching outside the kit; ``datasets/README.md`` is their data dictionary.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TypeVar

from kit.datasets.generator import Generated
from kit.qi import records as r

#: the workbook layout of kit/store/workbook.py (FORMAT, SCHEMA_VERSION)
WORKBOOK_FORMAT = "bts-kit-workbook"
WORKBOOK_SCHEMA = 1
_SEPARATE = ("collaborative", "observation")


def workbook(records: dict[str, list[r.Record]]) -> dict[str, Any]:
    """The workbook dict for a set of records, as ``export_workbook`` would write it."""
    collaborative = records["collaborative"][0]

    def entry(record: r.Record) -> dict[str, Any]:
        return record.model_dump(mode="json") | {"version": 1}

    sections = {
        kind: sorted((entry(x) for x in records.get(kind, [])), key=lambda e: str(e["id"]))
        for kind in r.RECORD_TYPES
        if kind not in _SEPARATE
    }
    observations = sorted(
        of_kind(records, r.Observation), key=lambda o: (o.team_id, o.measure_id, o.period, o.id)
    )
    return {
        "format": WORKBOOK_FORMAT,
        "schema_version": WORKBOOK_SCHEMA,
        "collaborative_id": collaborative.id,
        "team_id": None,
        "collaborative": entry(collaborative),
        "records": sections,
        "observations": [entry(o) for o in observations],
    }


def write_json(path: Path, data: dict[str, Any]) -> Path:
    """UTF-8 JSON in the layout ``kit.store.workbook.write_workbook`` uses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _rate(num: float, den: float, multiply: float) -> str:
    return f"{num / den * multiply:.4g}" if den else ""


T = TypeVar("T", bound=r.Record)


def of_kind(records: dict[str, list[r.Record]], cls: type[T]) -> list[T]:
    """The records of one kind, typed."""
    return [x for x in records.get(cls.kind, []) if isinstance(x, cls)]


def _team_rows(generated: Generated, teams: list[r.Team]) -> list[list[Any]]:
    truth = generated.truth.set_index("team_id")
    periods = generated.simulation.periods

    def month(index: int) -> str:
        return f"{periods[index]:%Y-%m}" if 0 <= index < len(periods) else ""

    return [
        [
            t.id,
            t.name,
            t.organisation,
            truth.at[t.id, "story"],
            month(int(truth.at[t.id, "change_index"])),
            month(int(truth.at[t.id, "slip_index"])),
            f"{truth.at[t.id, 'size']:.0f}",
            "; ".join(f"{m.name} ({m.role})" for m in t.members),
        ]
        for t in teams
    ]


def write_tables(
    folder: Path, generated: Generated, records: dict[str, list[r.Record]]
) -> list[Path]:
    """Tidy CSV tables of one collaborative (columns described in datasets/README.md)."""
    teams = {t.id: t for t in of_kind(records, r.Team)}
    measures = {m.id: m for m in of_kind(records, r.Measure)}
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {}
    tables["teams"] = (
        ["team_id", "team", "organisation", "story", "change_month", "slip_month",
         "monthly_exposure", "members"],
        _team_rows(generated, list(teams.values())),
    )  # fmt: skip
    tables["measures"] = (
        ["measure_id", "measure", "kind", "chart", "unit", "multiply", "direction",
         "numerator", "denominator", "sampling"],
        [[m.id, m.name, m.measure_kind, m.chart, m.unit, m.multiply, m.direction,
          m.definition.numerator, m.definition.denominator, m.definition.sampling]
         for m in measures.values()],
    )  # fmt: skip
    observations = sorted(
        of_kind(records, r.Observation), key=lambda o: (o.team_id, o.measure_id, o.period)
    )
    tables["observations"] = (
        ["team_id", "team", "measure_id", "measure", "period", "numerator", "denominator",
         "value"],
        [[o.team_id, teams[o.team_id].name, o.measure_id, measures[o.measure_id].name,
          f"{o.period:%Y-%m}", f"{o.numerator:g}", f"{o.denominator:g}",
          _rate(o.numerator or 0, o.denominator or 0, measures[o.measure_id].multiply)]
         for o in observations],
    )  # fmt: skip
    tables["aims"] = (
        ["team_id", "measure_id", "baseline", "target", "unit", "direction",
         "baseline_period_end", "by_when"],
        [[a.team_id, a.measure_id, a.baseline, a.target, a.unit, a.direction,
          a.baseline_period_end, a.by_when]
         for a in sorted(of_kind(records, r.Aim), key=lambda a: a.team_id)],
    )  # fmt: skip
    tables["pdsa_cycles"] = (
        ["team_id", "cycle_id", "change_idea_id", "title", "start", "end", "act", "measure_ids"],
        [[c.team_id, c.id, c.change_idea_id, c.title, c.start, c.end or "", c.act or "",
          ";".join(c.measure_ids)]
         for c in sorted(of_kind(records, r.PDSACycle), key=lambda c: (c.team_id, c.id))],
    )  # fmt: skip
    tables["monthly_reports"] = (
        ["team_id", "month", "submitted"],
        [[x.team_id, f"{x.month:%Y-%m}", "yes" if x.submitted else "no"]
         for x in sorted(of_kind(records, r.MonthlyReport), key=lambda x: (x.team_id, x.month))],
    )  # fmt: skip
    tables["assessments"] = (
        ["team_id", "month", "rated_by", "score"],
        [[x.team_id, f"{x.month:%Y-%m}", x.rated_by, f"{x.score:g}"]
         for x in sorted(of_kind(records, r.Assessment),
                         key=lambda x: (x.team_id, x.month, x.rated_by))],
    )  # fmt: skip
    written = []
    for name, (header, rows) in tables.items():
        _write_csv(folder / f"{name}.csv", header, rows)
        written.append(folder / f"{name}.csv")
    return written
