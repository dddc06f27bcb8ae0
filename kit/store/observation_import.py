"""Import a measure's data from a CSV or Excel file, with a row-by-row report of problems.

Teams keep their data in spreadsheets; the kit takes the file as it is and either imports
every row or nothing, listing each problem by the row number the person sees in their
spreadsheet ("Row 4: 'abc' in numerator is not a number").

Accepted files
- CSV (comma, semicolon or tab separated; UTF-8 with or without BOM, or Windows-1252) or
  Excel .xlsx: the one sheet with data (or the one whose header names a period), formulas
  read as their saved results; merged cells, formulas with no saved result and data on
  several sheets are refused. At most ``MAX_FILE_BYTES`` (5 MB) and 10,000 data rows.
- A header row naming the columns, in any case and order: ``period`` plus ``value`` for
  measures reported as one number, or ``period``, ``numerator`` and ``denominator`` for
  measures reported as a fraction; ``note`` is optional, other named columns are ignored.
  In a CSV file a row with more cells than the header names is refused (it is usually a
  decimal comma splitting a number in two).
- Numbers with a decimal point, or a decimal comma in semicolon-separated files. Counts are
  whole numbers and not negative (``kit/store/observations.py``, ``count_fields``); for a
  proportion the numerator cannot exceed the denominator.
  ``month``, ``date`` and ``week`` are accepted for ``period``.
- Periods as 2026-03, 2026-03-01, 2026/03/01, Mar 2026, March 2026, Mar-26, 03/2026, or
  Excel dates. Slash or dot dates (01/03/2026) are read day-first or month-first by looking
  at the whole column: a first number above 12 means day-first, a second above 12
  month-first; monthly data dated on the same day each month (01/03/2026, 01/04/2026 ...)
  shows which number is the day. A column that stays ambiguous is refused with a request
  to write dates as 2026-03-01. Monthly measures file each row under the first of its month,
  quarterly measures under the first of its quarter.
- Blank rows are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.errors import KitInputError
from kit.qi.periods import day_first as guess_day_first
from kit.qi.periods import file_period
from kit.qi.periods import is_blank as blank
from kit.qi.periods import parse_number as read_number
from kit.qi.periods import parse_period as read_period
from kit.qi.periods import shown as shown_cell
from kit.qi.records import Measure, Observation
from kit.qi.validation import check
from kit.store.access import Actor
from kit.store.observations import count_fields, is_proportion, not_a_count
from kit.store.store import Store

#: the upload limit: a year of weekly data for one measure is a few kilobytes
MAX_FILE_BYTES = 5 * 1024 * 1024
#: what a file over the upload limit is told
TOO_LARGE_MESSAGE = (
    "The file is too large ({size:.1f} MB); the limit is {limit} MB. Import one measure at a time."
)
MAX_ROWS = 10_000
#: at most this many problems are listed; the rest are counted
MAX_PROBLEMS_LISTED = 25

_ALIASES = {
    "period": "period",
    "month": "period",
    "date": "period",
    "week": "period",
    "value": "value",
    "numerator": "numerator",
    "num": "numerator",
    "denominator": "denominator",
    "denom": "denominator",
    "den": "denominator",
    "note": "note",
    "notes": "note",
    "comment": "note",
    "comments": "note",
}
_COUNT_CHARTS = {"c", "u", "up", "p", "pp", "g", "t"}


@dataclass
class ImportReport:
    """What was wrong with a file, row by row, in the words shown to the person importing."""

    source: str
    problems: list[str] = field(default_factory=list)
    rows_read: int = 0

    def __str__(self) -> str:
        count = len(self.problems)
        head = (
            f"{self.source} was not imported; nothing was changed. "
            f"{'One problem' if count == 1 else f'{count} problems'} to fix:"
        )
        shown = self.problems[:MAX_PROBLEMS_LISTED]
        more = count - len(shown)
        tail = [f"... and {more} more."] if more else []
        return "\n".join([head, *shown, *tail])


class ObservationFileError(KitInputError):
    """A file that cannot be imported; ``report`` lists every problem found."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(str(report))
        self.report = report


def _fail(source: str, problem: str) -> ObservationFileError:
    return ObservationFileError(ImportReport(source, [problem]))


# --- reading the file into rows ---------------------------------------------------------


def _read_source(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        label = f"'{name}'" if name else "The file"
        if len(source) > MAX_FILE_BYTES:
            raise _fail(label, _too_large(len(source)))
        return bytes(source), label
    path = Path(source)
    label = f"'{name or path.name}'"
    try:
        size = path.stat().st_size
    except OSError:
        raise _fail(label, f"There is no file at {path}.") from None
    if size > MAX_FILE_BYTES:
        raise _fail(label, _too_large(size))
    return path.read_bytes(), label


def _too_large(size: int) -> str:
    return TOO_LARGE_MESSAGE.format(size=size / 2**20, limit=MAX_FILE_BYTES // 2**20)


def _rows(raw: bytes, label: str, suffix: str) -> list[tuple[int, list[Any]]]:
    """(spreadsheet row number, cells) for every row of a CSV or Excel file."""
    if not raw.strip():
        raise _fail(label, "The file is empty.")
    if raw.startswith(b"PK\x03\x04"):
        return _excel_rows(raw, label)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(
            label,
            "This is an old-style Excel file (.xls); save it as .xlsx or CSV and import that.",
        )
    if suffix in (".xlsx", ".xlsm"):
        raise _fail(label, "The file is named like an Excel file but is not one.")
    return _csv_rows(raw, label)


def _excel_rows(raw: bytes, label: str) -> list[tuple[int, list[Any]]]:
    """The rows of the one sheet that holds the data, as the spreadsheet last calculated them.

    Formulas are read as their saved results; a formula with no saved result (a file written
    by a program rather than saved from a spreadsheet) is refused rather than read as empty.
    Merged cells are refused (only the first row of a merged block has a value), and so is a
    workbook with data on several sheets, rather than guessing which sheet is meant.
    """
    import zipfile

    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _fail(
            label, "This is not an Excel file the kit can read; save it as .xlsx or CSV."
        ) from None
    except Exception:  # openpyxl raises many kinds on damaged files
        raise _fail(label, "This Excel file is damaged or not an .xlsx file.") from None
    try:
        index = _data_sheet(values, label)
        sheet = values.worksheets[index]
        _refuse_merged_cells(raw, sheet, label)
        rows = []
        problems: list[str] = []
        pairs = zip(
            sheet.iter_rows(), formulas.worksheets[index].iter_rows(values_only=True), strict=False
        )
        for number, (cells, written) in enumerate(pairs, start=1):
            if number > MAX_ROWS + 50:
                raise _fail(label, f"The file has more than {MAX_ROWS:,} rows; split it up.")
            row = [getattr(cell, "value", None) for cell in cells]
            for column, (value, formula) in enumerate(zip(row, written, strict=False), start=1):
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    problems.append(
                        f"Cell {_column_letter(column)}{number} holds a formula "
                        f"({shown_cell(formula)}) with no result saved in the file; open the file "
                        "in your spreadsheet, save it, and import it again (or paste the "
                        "values only)."
                    )
            rows.append((number, row))
        if problems:
            raise ObservationFileError(ImportReport(label, problems))
        return rows
    finally:
        values.close()
        formulas.close()


def _column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _data_sheet(book: Any, label: str) -> int:
    """The index of the sheet with the data: the only one with anything in it, or the only
    one whose first row names a period column."""
    if not book.worksheets:
        raise _fail(label, "The Excel file has no sheets.")
    filled: list[int] = []
    with_period: list[int] = []
    for index, sheet in enumerate(book.worksheets):
        for cells in sheet.iter_rows(values_only=True):
            if all(blank(c) for c in cells):
                continue
            filled.append(index)
            names = {re.sub(r"[\s_]+", " ", str(c or "")).strip().lower() for c in cells}
            if any(_ALIASES.get(n) == "period" for n in names):
                with_period.append(index)
            break
    if len(filled) <= 1:
        return filled[0] if filled else 0
    if len(with_period) == 1:
        return with_period[0]
    titles = ", ".join(f"'{book.worksheets[i].title}'" for i in (with_period or filled))
    raise _fail(
        label,
        f"The Excel file has data on several sheets ({titles}); the kit imports one sheet at "
        "a time. Keep one measure's data on one sheet (or save that sheet as CSV) and import it.",
    )


def _refuse_merged_cells(raw: bytes, sheet: Any, label: str) -> None:
    """Merged cells leave every row of the block but the first empty: ask to unmerge them."""
    import zipfile

    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        try:
            xml = archive.read(path)
        except KeyError:
            return
    merged = re.findall(rb'<(?:\w+:)?mergeCell ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"', xml)
    if merged:
        shown = ", ".join(m.decode() for m in merged[:5]) + (" ..." if len(merged) > 5 else "")
        raise _fail(
            label,
            f"The sheet '{sheet.title}' has merged cells ({shown}); unmerge them so that "
            "every row has its own period and numbers, then import again.",
        )


def _decode(raw: bytes, label: str) -> str:
    if b"\x00" in raw[:4096]:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return raw.decode("utf-16")
            except UnicodeDecodeError:
                pass
        raise _fail(label, "This is not a CSV or Excel file (it looks like binary data).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\r\n\t")
    if controls > 2 or "\ufffd" in text[:4096] and text[:4096].count("\ufffd") > 8:
        raise _fail(label, "This is not a CSV or Excel file (it looks like binary data).")
    return text


def _csv_rows(raw: bytes, label: str) -> list[tuple[int, list[Any]]]:
    text = _decode(raw, label)
    lines = text.splitlines()
    header = next((line for line in lines if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            if reader.line_num > MAX_ROWS + 50:
                raise _fail(label, f"The file has more than {MAX_ROWS:,} rows; split it up.")
            rows.append((reader.line_num, list(row)))
    except csv.Error as error:
        raise _fail(label, f"The file is not a readable CSV file ({error}).") from None
    return rows


# --- parsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """What every data row is read against: the measure, the columns and the file's habits."""

    measure: Measure
    team_id: str
    columns: dict[str, int]
    #: the number columns this measure needs: ``value``, or ``numerator`` and ``denominator``
    numbers: tuple[str, ...]
    decimal_comma: bool
    day_first: bool | None
    #: a CSV header's number of named columns (None for Excel, whose rows are padded)
    width: int | None = None


def parse_observation_file(
    source: str | Path | bytes,
    *,
    measure: Measure,
    team_id: str,
    filename: str | None = None,
) -> list[Observation]:
    """Read a CSV or Excel file of one measure's data for one team into observations.

    Raises ``ObservationFileError`` (a ``KitInputError``) listing every problem by row.
    """
    raw, label = _read_source(source, filename)
    suffix = Path(filename or (str(source) if isinstance(source, str | Path) else "")).suffix
    rows = _rows(raw, label, suffix.lower())
    rows = [(n, cells) for n, cells in rows if not all(blank(c) for c in cells)]
    if not rows:
        raise _fail(label, "The file is empty.")
    columns, expected = _header(rows[0], label, measure)
    data_rows = rows[1:]
    if not data_rows:
        raise _fail(label, "The file has a header row but no data.")
    if len(data_rows) > MAX_ROWS:
        raise _fail(label, f"The file has {len(data_rows):,} rows; the limit is {MAX_ROWS:,}.")
    layout = _Layout(
        measure=measure,
        team_id=team_id,
        columns=columns,
        numbers=tuple(expected[1:]),
        decimal_comma=not raw.startswith(b"PK") and _semicolon(raw),
        day_first=guess_day_first([_cell(cells, columns["period"]) for _, cells in data_rows]),
        width=None if raw.startswith(b"PK") else _named_width(rows[0][1]),
    )
    report = ImportReport(label, rows_read=len(data_rows))
    seen: dict[dt.date, int] = {}
    result: list[Observation] = []
    for number, cells in data_rows:
        observation = _read_row(number, cells, layout, seen, report.problems)
        if observation is not None:
            result.append(observation)
    if report.problems:
        raise ObservationFileError(report)
    return result


def _header(
    header: tuple[int, list[Any]], label: str, measure: Measure
) -> tuple[dict[str, int], list[str]]:
    """The column index of each name the kit knows, and the names this measure needs."""
    header_number, header_cells = header
    columns: dict[str, int] = {}
    found_names = []
    for index, cell in enumerate(header_cells):
        name = re.sub(r"[\s_]+", " ", str(cell or "")).strip().lower()
        found_names.append(name)
        key = _ALIASES.get(name)
        if key is None:
            continue
        if key in columns:
            raise _fail(label, f"Row {header_number}: there are two '{key}' columns; keep one.")
        columns[key] = index
    fraction = measure.has_denominator
    expected = ["period", "numerator", "denominator"] if fraction else ["period", "value"]
    missing = [c for c in expected if c not in columns]
    if missing:
        shown = ", ".join(f"'{n}'" for n in found_names if n) or "nothing"
        kind = "a numerator and a denominator" if fraction else "one value"
        raise _fail(
            label,
            f"The columns are not right: '{measure.name}' is reported as {kind} per period, so "
            f"the first row must name the columns {', '.join(expected)} (and optionally note). "
            f"Missing: {', '.join(missing)}. Found: {shown}.",
        )
    return columns, expected


def _read_row(
    number: int,
    cells: Sequence[Any],
    layout: _Layout,
    seen: dict[dt.date, int],
    problems: list[str],
) -> Observation | None:
    """One data row as an observation, or None with its problems added to ``problems``."""
    measure = layout.measure
    before = len(problems)
    if layout.width is not None and not all(blank(c) for c in cells[layout.width :]):
        problems.append(
            f"Row {number} has more cells than the header row names. If a number has a "
            "decimal comma (3,5), write it with a point (3.5): in a comma-separated file the "
            "comma splits it in two."
        )
        return None
    period = _row_period(number, cells, layout, problems)
    numbers = _row_numbers(number, cells, layout, problems)
    note_cell = _cell(cells, layout.columns["note"]) if "note" in layout.columns else None
    note = "" if blank(note_cell) else str(note_cell).strip()
    if len(note) > 4000:
        problems.append(f"Row {number}: the note is longer than 4,000 characters.")
    if period is not None:
        if period in seen:
            problems.append(
                f"Row {number}: {period:%b %Y} appears twice (also row {seen[period]})."
                if measure.definition.frequency != "weekly"
                else f"Row {number}: {period} appears twice (also row {seen[period]})."
            )
        else:
            seen[period] = number
    if len(problems) > before or period is None:
        return None
    if measure.has_denominator and numbers.get("denominator") == 0:
        problems.append(
            f"Row {number}: the denominator is 0; a period with nothing to count has no "
            "value, so leave the row out."
        )
        return None
    try:
        observation = check(
            Observation,
            {
                "measure_id": measure.id,
                "team_id": layout.team_id,
                "period": period,
                "note": note,
                **numbers,
            },
        )
        if is_proportion(measure):
            observation.check_proportion()
    except (KitInputError, ValueError) as error:
        problems.append(f"Row {number}: {error}")
        return None
    return observation


def _row_period(
    number: int, cells: Sequence[Any], layout: _Layout, problems: list[str]
) -> dt.date | None:
    """The row's period, filed under the measure's frequency, or None with the problem."""
    period_cell = _cell(cells, layout.columns["period"])
    if blank(period_cell):
        problems.append(f"Row {number}: the period is empty.")
        return None
    try:
        return file_period(
            read_period(period_cell, layout.day_first), layout.measure.definition.frequency
        )
    except LookupError:
        problems.append(
            f"Row {number}: the date '{shown_cell(period_cell)}' could be day/month or "
            "month/day; write dates as 2026-03-01."
        )
    except (ValueError, OverflowError):
        problems.append(
            f"Row {number}: '{shown_cell(period_cell)}' is not a date the kit can read; "
            "write it like 2026-03 or 2026-03-01."
        )
    return None


def _row_numbers(
    number: int, cells: Sequence[Any], layout: _Layout, problems: list[str]
) -> dict[str, float]:
    """The row's value, or numerator and denominator, that could be read as numbers."""
    measure = layout.measure
    counts = count_fields(measure)
    numbers: dict[str, float] = {}
    for name in layout.numbers:
        cell = _cell(cells, layout.columns[name])
        if blank(cell):
            problems.append(f"Row {number}: the {name} is empty.")
            continue
        try:
            found = read_number(cell, layout.decimal_comma)
        except ValueError:
            hint = (
                "; write decimals with a point (3.5), as the file separates columns with commas"
                if isinstance(cell, str) and re.fullmatch(r"\s*[+-]?\d+,\d+\s*", cell)
                else ""
            )
            problems.append(f"Row {number}: '{shown_cell(cell)}' in {name} is not a number{hint}.")
            continue
        numbers[name] = found
        if found < 0 and (name != "value" or measure.chart in _COUNT_CHARTS):
            what = "a count" if name != "value" else f"a {measure.chart.upper()} chart value"
            problems.append(
                f"Row {number}: the {name} is negative ({shown_cell(cell)}); {what} cannot be "
                "below zero."
            )
        elif name in counts and not found.is_integer():
            problems.append(f"Row {number}: the {name} is {shown_cell(cell)}; {not_a_count(name)}")
    return numbers


def _named_width(header: Sequence[Any]) -> int:
    """How many columns the header row names (blank names at its end do not count)."""
    width = len(header)
    while width and blank(header[width - 1]):
        width -= 1
    return width


def _cell(cells: Sequence[Any], index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _semicolon(raw: bytes) -> bool:
    """Semicolon-separated files come from spreadsheets that write decimal commas."""
    first_line = raw.split(b"\n", 1)[0]
    return first_line.count(b";") > first_line.count(b",")


def import_observations(
    store: Store,
    actor: Actor,
    path: str | Path | bytes,
    measure_id: str,
    team_id: str,
    *,
    filename: str | None = None,
) -> int:
    """Import a file of one measure's data for one team, all or nothing.

    Rows for periods already stored replace them (the old values stay in the revisions).
    Returns how many data points were added or changed.
    """
    measure = store.get(Measure, measure_id, actor).record
    observations = parse_observation_file(path, measure=measure, team_id=team_id, filename=filename)
    return store.put_observations(observations, actor)
