"""Workbooks: a team's or a whole collaborative's work as one portable JSON file.

A workbook moves a collaborative between machines (a laptop at a learning session, a hosted
server), keeps a copy outside the database, and hands a team its own work. It is lossless:
exporting, importing into an empty database and exporting again gives the same file, so the
export holds no timestamps of its own and lists everything in a fixed order.

Layout (``schema_version`` 1)::

    {"format": "bts-kit-workbook", "schema_version": 1,
     "collaborative_id": "...", "team_id": null or "...",
     "collaborative": {...record..., "version": 3},
     "records": {"team": [...], "aim": [...], ...},      # every kind but the two below
     "observations": [{...record..., "version": 1}, ...]}

Excel and CSV export of measure data lives here too, for facilitators who report in
spreadsheets; no exported cell can run as a formula (``formula_safe``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.errors import KitInputError
from kit.qi.records import RECORD_TYPES, Collaborative, Measure, Observation, Record, Team
from kit.qi.validation import check
from kit.store.access import Actor, kind_label
from kit.store.store import Store

FORMAT = "bts-kit-workbook"
SCHEMA_VERSION = 1
#: a workbook larger than this is not something the kit wrote for a collaborative
MAX_WORKBOOK_BYTES = 200 * 1024 * 1024
#: kinds in the "records" section, in the order they are listed and imported
RECORD_KINDS = [k for k in RECORD_TYPES if k not in ("collaborative", "observation")]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, to show the person who ran it."""

    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _entry(record: Record, version: int) -> dict[str, Any]:
    return record.model_dump(mode="json") | {"version": version}


def export_workbook(
    store: Store, actor: Actor, collaborative_id: str, team_id: str | None = None
) -> dict[str, Any]:
    """The collaborative's work (or one team's, with the shared material it builds on).

    A team workbook holds the collaborative's own records (charter, shared measures, change
    package, topic work) and everything of that team; a collaborative workbook holds every
    team's work too. Access rules apply: a participant can export only their own team.
    """
    collaborative = store.get(Collaborative, collaborative_id, actor)
    if team_id is not None:
        team = store.get(Team, team_id, actor).record  # refuses another team's participant
        if team.collaborative_id != collaborative_id:
            raise KitInputError(f"Team '{team.name}' is not part of this collaborative.")
    sections: dict[str, list[dict[str, Any]]] = {}
    for kind in RECORD_KINDS:
        cls = RECORD_TYPES[kind]
        found = store.find(cls, actor, collaborative_id=collaborative_id)
        if team_id is not None:
            if kind == "team":
                found = [s for s in found if s.record.id == team_id]
            else:
                found = [s for s in found if getattr(s.record, "team_id", None) in (None, team_id)]
        sections[kind] = sorted(
            (_entry(s.record, s.version) for s in found), key=lambda e: str(e["id"])
        )
    points = store.find(Observation, actor, collaborative_id=collaborative_id)
    observations = [
        _entry(s.record, s.version)
        for s in sorted(
            points,
            key=lambda s: (s.record.team_id, s.record.measure_id, s.record.period, s.record.id),
        )
        if team_id is None or s.record.team_id == team_id
    ]
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "collaborative_id": collaborative_id,
        "team_id": team_id,
        "collaborative": _entry(collaborative.record, collaborative.version),
        "records": sections,
        "observations": observations,
    }


def _number(value: float) -> float | None:
    return None if value != value else float(value)  # NaN -> None


def write_workbook(path: str | Path, data: dict[str, Any]) -> Path:
    """Write a workbook as UTF-8 JSON, atomically (a crash leaves the old file whole)."""
    path = Path(path)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read_workbook(path: str | Path) -> dict[str, Any]:
    """Read a workbook file, refusing anything that is not one, with the reason in words."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise KitInputError(f"There is no file '{path}'.") from None
    if size > MAX_WORKBOOK_BYTES:
        raise KitInputError(f"'{name}' is too large to be a workbook ({size // 2**20} MB).")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise KitInputError(
            f"'{name}' is not a workbook: it is not a text file. Export a workbook from the kit "
            "(bts-kit export) and import that."
        ) from None
    except json.JSONDecodeError as error:
        raise KitInputError(
            f"'{name}' is not a workbook: it is not valid JSON (line {error.lineno}, "
            f"column {error.colno}: {error.msg})."
        ) from None
    check_format(data, name)
    return data


def check_format(data: Any, name: str = "This file") -> None:
    """Refuse data that is not a workbook, or a workbook from a newer kit."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KitInputError(
            f'\'{name}\' is not a Breakthrough Kit workbook (it has no "format": "{FORMAT}").'
        )
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise KitInputError(f"'{name}' has no valid schema_version; it may be damaged.")
    if version > SCHEMA_VERSION:
        raise KitInputError(
            f"'{name}' was written by a newer Breakthrough Kit (workbook schema {version}; this "
            f"kit reads up to {SCHEMA_VERSION}). Upgrade the kit to import it."
        )


def _parse(kind: str, entry: Any, where: str) -> tuple[Record, int]:
    if not isinstance(entry, dict):
        raise KitInputError(f"{where}: expected a record, found {type(entry).__name__}.")
    data = dict(entry)
    version = data.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise KitInputError(f"{where}: the version must be a whole number from 1.")
    try:
        return check(RECORD_TYPES[kind], data), version
    except KitInputError as error:
        raise KitInputError(f"{where}: {error}") from None


def parse_workbook(data: dict[str, Any]) -> list[tuple[Record, int]]:
    """Every record in a workbook, validated, with its version; the first problem is raised.

    Problems name where they are ("aim 3 (id 1a2b...): The target date is before ...").
    """
    check_format(data)
    items: list[tuple[Record, int]] = []
    collaborative = data.get("collaborative")
    if collaborative is None:
        raise KitInputError("The workbook has no collaborative.")
    items.append(_parse("collaborative", collaborative, "The collaborative"))
    sections = data.get("records", {})
    if not isinstance(sections, dict):
        raise KitInputError("The workbook's records are not in the expected form.")
    unknown = sorted(set(sections) - set(RECORD_KINDS))
    if unknown:
        raise KitInputError(
            f"The workbook has records of a kind this kit does not know: {', '.join(unknown)}."
        )
    for kind in RECORD_KINDS:
        entries = sections.get(kind, [])
        if not isinstance(entries, list):
            raise KitInputError(f"The workbook's {kind_label(kind)} records are not a list.")
        for number, entry in enumerate(entries, start=1):
            ident = entry.get("id", "?") if isinstance(entry, dict) else "?"
            items.append(_parse(kind, entry, f"{kind_label(kind).capitalize()} {number} ({ident})"))
    entries = data.get("observations", [])
    if not isinstance(entries, list):
        raise KitInputError("The workbook's observations are not a list.")
    for number, entry in enumerate(entries, start=1):
        items.append(_parse("observation", entry, f"Data point {number}"))
    ids = [(type(r).kind, r.id) for r, _ in items]
    seen: set[tuple[str, str]] = set()
    for kind, ident in ids:
        if (kind, ident) in seen:
            raise KitInputError(f"The workbook lists the {kind_label(kind)} '{ident}' twice.")
        seen.add((kind, ident))
    return items


def import_workbook(store: Store, actor: Actor, data: dict[str, Any]) -> ImportSummary:
    """Import a workbook, all or nothing: every record is validated before anything is written."""
    items = parse_workbook(data)
    counts = store.import_records(items, actor)
    return ImportSummary(**counts)


# --- Excel and CSV export of measure data ---------------------------------------------------

#: a cell starting with one of these may be run as a formula by a spreadsheet (OWASP, "CSV
#: Injection"): "=", "+", "-" and "@" start formulas, tab and carriage return hide them
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: the columns of the exported data, in order
DATA_COLUMNS = [
    "team",
    "measure",
    "period",
    "value",
    "numerator",
    "denominator",
    "note",
    "team_id",
    "measure_id",
]
MEASURE_COLUMNS = [
    "measure",
    "kind",
    "for team",
    "unit",
    "numerator and denominator",
    "numerator",
    "denominator",
    "direction",
    "chart",
    "baseline",
    "target",
    "frequency",
    "measure_id",
]


def formula_safe(value: Any) -> Any:
    """Text a spreadsheet could take for a formula, with a leading apostrophe; all else as is.

    Numbers stay numbers (a real -3 is a number, not text); only text is changed, and the
    apostrophe is what spreadsheets themselves use to mark "this is text".
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class _MeasureData:
    """The rows of the three exported tables: data, measures and teams."""

    data: list[list[Any]]
    measures: list[list[Any]]
    teams: list[list[Any]]


def _measure_data(
    store: Store, actor: Actor, collaborative_id: str, team_id: str | None
) -> _MeasureData:
    teams = {
        s.record.id: s.record
        for s in store.find(Team, actor, collaborative_id=collaborative_id)
        if team_id is None or s.record.id == team_id
    }
    measures = {
        s.record.id: s.record
        for s in store.find(Measure, actor, collaborative_id=collaborative_id)
        if team_id is None or s.record.team_id in (None, team_id)
    }
    frame = store.observations(actor, collaborative_id=collaborative_id, team_id=team_id)
    data_rows = []
    for row in frame.itertuples(index=False):
        team = teams.get(row.team_id)
        measure = measures.get(row.measure_id)
        data_rows.append(
            [
                team.name if team else row.team_id,
                measure.name if measure else row.measure_id,
                row.period.date(),
                _number(row.value),
                _number(row.numerator),
                _number(row.denominator),
                row.note,
                row.team_id,
                row.measure_id,
            ]
        )
    data_rows.sort(key=lambda r: (str(r[0]), str(r[1]), r[2], str(r[7]), str(r[8])))
    measure_rows = [
        [
            m.name,
            m.measure_kind,
            teams[m.team_id].name
            if m.team_id in teams
            else ("every team" if not m.team_id else m.team_id),
            m.unit,
            "yes" if m.has_denominator else "no",
            m.definition.numerator,
            m.definition.denominator,
            "higher is better" if m.direction == "up" else "lower is better",
            m.chart,
            m.baseline,
            m.target,
            m.definition.frequency,
            m.id,
        ]
        for m in sorted(measures.values(), key=lambda m: (m.name, m.id))
    ]
    team_rows = [
        [t.name, t.organisation, t.id] for t in sorted(teams.values(), key=lambda t: (t.name, t.id))
    ]
    return _MeasureData(data_rows, measure_rows, team_rows)


def export_observations_xlsx(
    store: Store,
    actor: Actor,
    path: str | Path,
    collaborative_id: str,
    team_id: str | None = None,
) -> Path:
    """Measure data as an Excel file: one tidy "Data" sheet, plus "Measures" and "Teams".

    Text a participant typed is always written as text, never as a formula: a cell that
    starts like a formula is stored as a string marked with Excel's "quote prefix", so a note
    that starts with "=" cannot run anything when the file is opened or the cell edited.
    """
    tables = _measure_data(store, actor, collaborative_id, team_id)
    return write_xlsx(
        path,
        [
            ("Data", DATA_COLUMNS, tables.data),
            ("Measures", MEASURE_COLUMNS, tables.measures),
            ("Teams", ["team", "organisation", "team_id"], tables.teams),
        ],
    )


def write_xlsx(path: str | Path, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> Path:
    """Tables as an Excel file, one sheet each: (title, header, rows).

    Text a participant typed is always written as text, never as a formula: a cell that
    starts like a formula is stored as a string marked with Excel's "quote prefix", so a note
    that starts with "=" cannot run anything when the file is opened or the cell edited.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = book.create_sheet(title)
        ws.append(header)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str) and value.startswith(FORMULA_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                cells.append(cell)
            ws.append(cells)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _csv_text(value: Any) -> Any:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else formula_safe(str(value))


def export_observations_csv(
    store: Store,
    actor: Actor,
    path: str | Path,
    collaborative_id: str,
    team_id: str | None = None,
) -> Path:
    """Measure data as one tidy CSV table (the Excel export's "Data" sheet), UTF-8 with BOM.

    A CSV cell has no type, so text that starts like a formula gets a leading apostrophe
    (``formula_safe``); numbers, negative ones too, are written as plain numbers.
    """
    tables = _measure_data(store, actor, collaborative_id, team_id)
    return write_csv(path, DATA_COLUMNS, tables.data)


def write_csv(path: str | Path, header: list[str], rows: list[list[Any]]) -> Path:
    """One table as CSV, UTF-8 with BOM (so Excel reads the accents); text that starts like
    a formula gets a leading apostrophe (``formula_safe``), numbers stay plain numbers."""
    import csv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_text(value) for value in row])
    return path
