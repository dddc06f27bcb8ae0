"""Import a measure's data from a CSV or Excel file, with a row-by-row report of problems.

Teams keep their data in spreadsheets; the kit takes the file as it is and either imports
every row or nothing, listing each problem by the row number the person sees in their
spreadsheet ("Row 4: 'abc' in numerator is not a number").

Accepted files
- CSV (comma, semicolon or tab separated; UTF-8 with or without BOM, or Windows-1252) or
  Excel .xlsx (the first sheet). At most 5 MB and 10,000 data rows.
- A header row naming the columns, in any case and order: ``period`` plus ``value`` for
  measures reported as one number, or ``period``, ``numerator`` and ``denominator`` for
  measures reported as a fraction; ``note`` is optional, other columns are ignored.
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
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.errors import KitInputError
from kit.qi.records import Measure, Observation
from kit.qi.validation import check
from kit.store.access import Actor
from kit.store.store import Store, is_proportion

MAX_FILE_BYTES = 5 * 1024 * 1024
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
_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%b").lower(),
        dt.date(2000, number, 1).strftime("%B").lower(),
    )
} | {"sept": 9}


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
    return (
        f"The file is too large ({size / 2**20:.1f} MB); the limit is "
        f"{MAX_FILE_BYTES // 2**20} MB. Import one measure at a time."
    )


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
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _fail(
            label, "This is not an Excel file the kit can read; save it as .xlsx or CSV."
        ) from None
    except Exception:  # openpyxl raises many kinds on damaged files
        raise _fail(label, "This Excel file is damaged or not an .xlsx file.") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise _fail(label, "The Excel file has no sheets.")
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 50:
                raise _fail(label, f"The file has more than {MAX_ROWS:,} rows; split it up.")
            rows.append((number, list(row)))
        return rows
    finally:
        book.close()


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


# --- cells ---------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any, decimal_comma: bool) -> float:
    """A cell as a finite number, or ValueError."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text) and not decimal_comma:
            text = text.replace(",", "")
        elif decimal_comma and re.fullmatch(r"[+-]?\d+,\d+", text):
            text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            raise ValueError
        number = float(text)
    if not math.isfinite(number):
        raise ValueError
    return number


_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[T ].*)?")
_SLASH = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_NAMED = re.compile(r"([A-Za-z]+)\.?[\s\-/,]*(\d{4}|\d{2})")
_NAMED_DAY = re.compile(r"(\d{1,2})[\s\-/]+([A-Za-z]+)\.?[\s\-/,]*(\d{4}|\d{2})")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _parse_period(value: Any, day_first: bool | None) -> dt.date:
    """A cell as a date; ``day_first`` settles slash dates (None: they are ambiguous)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
        return dt.date(int(year), int(month), int(day or 1))
    if match := _SLASH.fullmatch(text):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        if first > 12 and second > 12:  # 13/13/2026: no month either way, so no date
            raise ValueError
        if day_first is None:
            raise LookupError
        day, month = (first, second) if day_first else (second, first)
        return dt.date(year, month, day)
    if match := _MONTH_YEAR.fullmatch(text):
        return dt.date(int(match[2]), int(match[1]), 1)
    if (match := _NAMED.fullmatch(text)) and match[1].lower() in _MONTHS:
        return dt.date(_year(match[2]), _MONTHS[match[1].lower()], 1)
    if (match := _NAMED_DAY.fullmatch(text)) and match[2].lower() in _MONTHS:
        return dt.date(_year(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    raise ValueError


def _day_first(cells: Sequence[Any]) -> bool | None:
    """Decide how to read slash dates from the whole column (see the module docstring)."""
    pairs = [
        (int(m[1]), int(m[2]))
        for c in cells
        if isinstance(c, str)
        and (m := _SLASH.fullmatch(c.strip()))
        and min(int(m[1]), int(m[2])) <= 12  # one that is no date either way says nothing
    ]
    if not pairs:
        return None
    if any(a > 12 for a, _ in pairs) and not any(b > 12 for _, b in pairs):
        return True
    if any(b > 12 for _, b in pairs) and not any(a > 12 for a, _ in pairs):
        return False
    firsts = {a for a, _ in pairs}
    seconds = {b for _, b in pairs}
    if len(pairs) > 1 and len(firsts) == 1 and len(seconds) > 1:
        return True
    if len(pairs) > 1 and len(seconds) == 1 and len(firsts) > 1:
        return False
    return None


def _file_period(day: dt.date, frequency: str) -> dt.date:
    if frequency == "monthly":
        return day.replace(day=1)
    if frequency == "quarterly":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


def _shown(value: Any) -> str:
    text = str(value).strip()
    return text if len(text) <= 30 else text[:27] + "..."


# --- parsing -------------------------------------------------------------------------------


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
    rows = [(n, cells) for n, cells in rows if not all(_blank(c) for c in cells)]
    if not rows:
        raise _fail(label, "The file is empty.")
    header_number, header_cells = rows[0]
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
    data_rows = rows[1:]
    if not data_rows:
        raise _fail(label, "The file has a header row but no data.")
    if len(data_rows) > MAX_ROWS:
        raise _fail(label, f"The file has {len(data_rows):,} rows; the limit is {MAX_ROWS:,}.")

    report = ImportReport(label, rows_read=len(data_rows))
    decimal_comma = not raw.startswith(b"PK") and _semicolon(raw)
    day_first = _day_first([_cell(cells, columns["period"]) for _, cells in data_rows])
    seen: dict[dt.date, int] = {}
    result: list[Observation] = []
    for number, cells in data_rows:
        problems = report.problems
        before = len(problems)
        period_cell = _cell(cells, columns["period"])
        period: dt.date | None = None
        if _blank(period_cell):
            problems.append(f"Row {number}: the period is empty.")
        else:
            try:
                period = _file_period(
                    _parse_period(period_cell, day_first), measure.definition.frequency
                )
            except LookupError:
                problems.append(
                    f"Row {number}: the date '{_shown(period_cell)}' could be day/month or "
                    "month/day; write dates as 2026-03-01."
                )
            except (ValueError, OverflowError):
                problems.append(
                    f"Row {number}: '{_shown(period_cell)}' is not a date the kit can read; "
                    "write it like 2026-03 or 2026-03-01."
                )
        numbers: dict[str, float | None] = {}
        for name in expected[1:]:
            cell = _cell(cells, columns[name])
            if _blank(cell):
                problems.append(f"Row {number}: the {name} is empty.")
                continue
            try:
                numbers[name] = _number(cell, decimal_comma)
            except ValueError:
                problems.append(f"Row {number}: '{_shown(cell)}' in {name} is not a number.")
                continue
            if numbers[name] < 0 and (name != "value" or measure.chart in _COUNT_CHARTS):
                what = "a count" if name != "value" else f"a {measure.chart.upper()} chart value"
                problems.append(
                    f"Row {number}: the {name} is negative ({_shown(cell)}); {what} cannot be "
                    "below zero."
                )
        note_cell = _cell(cells, columns["note"]) if "note" in columns else None
        note = "" if _blank(note_cell) else str(note_cell).strip()
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
            continue
        if fraction and numbers.get("denominator") == 0:
            problems.append(
                f"Row {number}: the denominator is 0; a period with nothing to count has no "
                "value, so leave the row out."
            )
            continue
        try:
            observation = check(
                Observation,
                {
                    "measure_id": measure.id,
                    "team_id": team_id,
                    "period": period,
                    "note": note,
                    **numbers,
                },
            )
            if is_proportion(measure):
                observation.check_proportion()
        except (KitInputError, ValueError) as error:
            problems.append(f"Row {number}: {error}")
            continue
        result.append(observation)
    if report.problems:
        raise ObservationFileError(report)
    return result


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
