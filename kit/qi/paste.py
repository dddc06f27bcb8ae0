"""A block pasted from a spreadsheet, read into a preview with a message for every row.

When cells are copied from Excel, LibreOffice or Google Sheets, the clipboard holds rows
separated by line breaks (Windows ones from Excel) and cells separated by tabs, with a cell
quoted when it holds a tab or a line break. The data-entry grid shows what the kit read
before anything is saved, so nothing is guessed silently:

- A **header row** is optional. With one, columns are found by name (``period``/``month``/
  ``date``/``week``, ``value``, ``numerator``, ``denominator``, ``note``, as in file import);
  without one, they are taken in the order period, value (or numerator, denominator), note,
  and the preview says so.
- **Extra columns** (including cells beyond the last column on only some rows) are ignored and
  named in the preview; **ragged rows** (too few cells) are errors for that row only.
- **Blank lines** are skipped and counted.
- **Decimal commas** (12,5) are read as decimals when the block shows it; a block whose
  commas could be either (1,250 alone) asks, through :attr:`PastePreview.questions`.
- **Dates** follow file import (``kit.qi.periods``): a slash date that could be day/month or
  month/day, with nothing in the block to settle it, asks instead of guessing.

The caller answers a question by parsing again with ``day_first=`` or ``decimal_comma=``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kit.errors import KitInputError
from kit.qi.definitions import is_proportion
from kit.qi.periods import (
    SLASH_DATE,
    file_period,
    missing_periods,
    parse_number,
    parse_period,
    shown,
)
from kit.qi.periods import day_first as detect_day_first
from kit.qi.records import Measure, Observation
from kit.qi.validation import check

__all__ = ["MAX_PASTE_ROWS", "PastePreview", "PasteRow", "Question", "parse_paste"]

#: a paste is a few years of data at most; larger blocks belong in a file upload
MAX_PASTE_ROWS = 2000

RowStatus = Literal["new", "change", "same", "error", "ask"]

_ALIASES = {
    "period": "period",
    "month": "period",
    "date": "period",
    "week": "period",
    "quarter": "period",
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
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
#: 1.250,5: a dot between thousands and a decimal comma, as continental spreadsheets show them
_DOTTED_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+,\d+")


@dataclass(frozen=True)
class Question:
    """Something the block does not settle: ``key`` is the keyword argument that answers it,
    ``options`` maps each answer to its wording."""

    key: Literal["day_first", "decimal_comma"]
    text: str
    options: dict[bool, str]


@dataclass(frozen=True)
class PasteRow:
    """One pasted line as read: ``line`` counts from 1 within the block, blank lines included."""

    line: int
    cells: tuple[str, ...]
    status: RowStatus
    messages: tuple[str, ...] = ()
    observation: Observation | None = None

    @property
    def period(self) -> dt.date | None:
        return self.observation.period if self.observation else None


@dataclass(frozen=True)
class PastePreview:
    """What a paste would do; save ``observations()`` only when ``ready``."""

    rows: tuple[PasteRow, ...]
    columns: tuple[str, ...]
    header: bool
    messages: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    missing_periods: tuple[dt.date, ...] = field(default=())

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ready(self) -> bool:
        """Every row read, nothing to ask, and something to save."""
        return (
            not self.questions
            and not any(r.status in ("error", "ask") for r in self.rows)
            and any(r.status in ("new", "change") for r in self.rows)
        )

    def observations(self) -> list[Observation]:
        """The rows that add or change a value (rows equal to what is stored are left out)."""
        return [r.observation for r in self.rows if r.status in ("new", "change") and r.observation]


# --- reading the block ----------------------------------------------------------------------


def _split(text: str) -> list[list[str]]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", strict=False)
    return [[cell.strip() for cell in row] for row in reader]


def _expected(measure: Measure) -> list[str]:
    return ["numerator", "denominator"] if measure.has_denominator else ["value"]


def _is_period(text: str) -> bool:
    try:
        parse_period(text, True)
    except (ValueError, LookupError, OverflowError):
        return False
    return True


def _is_header(cells: Sequence[str], measure: Measure) -> bool:
    """A first row is a header when it holds no period and no numbers where data would."""
    if cells and cells[0] and _is_period(cells[0]):
        return False
    values = cells[1 : 1 + len(_expected(measure))]
    return not any(_looks_numeric(c) for c in values if c)


def _positional_roles(width: int, measure: Measure, rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns in the order period, value(s), note; any further column is ignored.

    The column after the values is a note only when it holds some text: a column of numbers
    there (a rate the spreadsheet worked out, say) is not a note, so it is ignored and said.
    """
    roles = ["period", *_expected(measure)]
    if width > len(roles):
        index = len(roles)
        cells = [row[index] for row in rows if index < len(row) and row[index]]
        roles.append("ignored" if cells and all(map(_looks_numeric, cells)) else "note")
    return (roles + ["ignored"] * width)[:width]


def _columns(
    first: Sequence[str], width: int, measure: Measure, rows: Sequence[Sequence[str]]
) -> tuple[list[str], bool, list[str]]:
    """Each column's role, whether the first row is a header, and what to tell the person.

    A header's names are used when they include the columns the measure needs. A header of
    the spreadsheet's own names (Month, Falls, Bed-days) is read by position, and the preview
    says so. A header that names some of the kit's columns but not all is refused, because
    reading it by position would contradict its own names.
    """
    needed = ["period", *_expected(measure)]
    if not _is_header(first, measure):
        roles = _positional_roles(width, measure, rows)
        wanted = ", ".join(r for r in roles if r != "ignored")
        return roles, False, [f"No header row: the columns were read as {wanted}."]
    names = [re.sub(r"[\s_]+", " ", c).strip().lower() for c in first]
    usable = {*needed, "note"}
    aliases = [_ALIASES.get(name) for name in names]
    named = [role if role in usable else "ignored" for role in aliases]
    named += ["ignored"] * (width - len(named))
    if all(role in named for role in needed):
        return named, True, []
    if any(role in aliases for role in ("value", "numerator", "denominator")):
        kind = "a numerator and a denominator" if measure.has_denominator else "one value"
        missing = [role for role in needed if role not in named]
        raise KitInputError(
            f"The header row has no {', '.join(missing)} column: '{measure.name}' is reported "
            f"as {kind} per period, so name the columns {', '.join(needed)} (and optionally "
            "note), or paste without the header row."
        )
    roles = _positional_roles(width, measure, rows[1:])
    wanted = ", ".join(r for r in roles if r != "ignored")
    quoted = ", ".join(f"'{shown(c)}'" for c in first if c)
    return (
        roles,
        True,
        [
            f"The first row ({quoted}) was read as a header and skipped; the columns were "
            f"read in order as {wanted}."
        ],
    )


def _column_messages(
    roles: list[str], measure: Measure, rows: list[list[str]], header: Sequence[str] | None
) -> list[str]:
    messages = []
    for index, role in enumerate(roles):
        if role != "ignored":
            continue
        cells = [row[index] for row in rows if index < len(row) and row[index]]
        numeric = cells and all(_looks_numeric(c) for c in cells)
        hint = ""
        if numeric and not measure.has_denominator:
            hint = (
                f" It holds numbers, but '{measure.name}' takes one value per period; if these "
                "are numerators and denominators, the measure needs a denominator."
            )
        elif numeric:
            hint = " It holds numbers; notes are text."
        name = (
            f" ('{shown(header[index])}')"
            if header and index < len(header) and header[index]
            else ""
        )
        messages.append(f"Column {index + 1}{name} was not used.{hint}")
    return messages


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?[\d.,\s\u00a0]+", text)) and any(c.isdigit() for c in text)


def _decimal_comma(cells: list[str]) -> bool | None:
    """True/False when the block shows how commas are used; ``None`` when it must ask."""
    decimal = thousands = ambiguous = False
    for raw in cells:
        text = raw.replace(" ", "").replace("\u00a0", "")
        if "," not in text:
            if _DOT_DECIMAL.fullmatch(text):
                thousands = True
            continue
        if _DOTTED_THOUSANDS.fullmatch(text) or re.fullmatch(r"[+-]?0,\d+", text):
            decimal = True
        elif _THOUSANDS.fullmatch(text):
            if "." in text or text.count(",") > 1:
                thousands = True
            else:
                ambiguous = True
        elif _DECIMAL_COMMA.fullmatch(text):
            decimal = True
    if decimal and not thousands:
        return True
    if thousands and not decimal:
        return False
    if decimal and thousands:
        return None
    return None if ambiguous else False


def _cell(cells: Sequence[str], roles: Sequence[str], role: str) -> str:
    return cells[roles.index(role)] if role in roles and roles.index(role) < len(cells) else ""


# --- one row --------------------------------------------------------------------------------


@dataclass
class _Context:
    measure: Measure
    team_id: str
    roles: list[str]
    day_first: bool | None
    decimal_comma: bool | None
    existing: Mapping[dt.date, Observation]
    seen: dict[dt.date, int]


@dataclass
class _Notes:
    """A row's problems: ``errors`` must be fixed in the sheet, ``asks`` wait for an answer."""

    errors: list[str] = field(default_factory=list)
    asks: list[str] = field(default_factory=list)


def _label(period: dt.date, frequency: str) -> str:
    return f"the week of {period:%d %b %Y}" if frequency == "weekly" else f"{period:%b %Y}"


def _read_period(cell: str, line: int, ctx: _Context, notes: _Notes) -> dt.date | None:
    if not cell:
        notes.errors.append(f"Line {line}: the period is empty.")
        return None
    try:
        day = parse_period(cell, ctx.day_first)
    except LookupError:
        notes.asks.append(
            f"Line {line}: '{shown(cell)}' could be day/month or month/day; answer the "
            "question above."
        )
        return None
    except (ValueError, OverflowError):
        notes.errors.append(
            f"Line {line}: '{shown(cell)}' is not a period the kit can read; write it like "
            "2026-03 or Mar 2026."
        )
        return None
    return file_period(day, ctx.measure.definition.frequency)


def _read_numbers(
    cells: Sequence[str], line: int, ctx: _Context, notes: _Notes
) -> dict[str, float]:
    numbers: dict[str, float] = {}
    for name in _expected(ctx.measure):
        cell = _cell(cells, ctx.roles, name)
        if not cell:
            notes.errors.append(f"Line {line}: the {name} is missing.")
            continue
        if ctx.decimal_comma is None and "," in cell:
            notes.asks.append(
                f"Line {line}: '{shown(cell)}' could be a decimal or a thousands figure; "
                "answer the question above."
            )
            continue
        percent = cell.endswith("%")
        if percent and (name != "value" or "%" not in ctx.measure.unit):
            notes.errors.append(
                f"Line {line}: '{shown(cell)}' is a percentage, but the {name} of "
                f"'{ctx.measure.name}' is "
                + ("a count." if name != "value" else f"in {ctx.measure.unit or 'its own unit'}.")
            )
            continue
        try:
            text = cell.removesuffix("%")
            if ctx.decimal_comma and _DOTTED_THOUSANDS.fullmatch(text.replace(" ", "")):
                text = text.replace(".", "")
            numbers[name] = parse_number(text, bool(ctx.decimal_comma))
        except ValueError:
            notes.errors.append(f"Line {line}: '{shown(cell)}' in {name} is not a number.")
            continue
        if numbers[name] < 0 and name != "value":
            notes.errors.append(
                f"Line {line}: the {name} is negative; a count cannot be below zero."
            )
    if ctx.measure.has_denominator and numbers.get("denominator") == 0:
        notes.errors.append(
            f"Line {line}: the denominator is 0; a period with nothing to count has no value, "
            "so leave it out."
        )
    return numbers


def _read_row(cells: list[str], line: int, ctx: _Context) -> PasteRow:
    notes = _Notes()
    period = _read_period(_cell(cells, ctx.roles, "period"), line, ctx, notes)
    numbers = _read_numbers(cells, line, ctx, notes)
    frequency = ctx.measure.definition.frequency
    if period is not None:
        if period in ctx.seen:
            notes.errors.append(
                f"Line {line}: {_label(period, frequency)} is pasted twice "
                f"(also line {ctx.seen[period]})."
            )
        else:
            ctx.seen[period] = line
    if notes.errors or notes.asks or period is None:
        status: RowStatus = "error" if notes.errors else "ask"
        return PasteRow(line, tuple(cells), status, tuple(notes.errors + notes.asks))
    try:
        observation = check(
            Observation,
            {
                "measure_id": ctx.measure.id,
                "team_id": ctx.team_id,
                "period": period,
                "note": _cell(cells, ctx.roles, "note"),
                **numbers,
            },
        )
        if is_proportion(ctx.measure):
            observation.check_proportion()
    except (KitInputError, ValueError) as error:
        return PasteRow(line, tuple(cells), "error", (f"Line {line}: {error}",))
    return _compare(observation, line, cells, ctx)


def _compare(observation: Observation, line: int, cells: list[str], ctx: _Context) -> PasteRow:
    stored = ctx.existing.get(observation.period)
    if stored is None:
        return PasteRow(line, tuple(cells), "new", (), observation)
    fields = ("value", "numerator", "denominator")
    if all(getattr(stored, f) == getattr(observation, f) for f in fields) and (
        stored.note == observation.note or not observation.note
    ):
        when = _label(observation.period, ctx.measure.definition.frequency)
        message = f"Line {line}: {when} already holds this value."
        return PasteRow(line, tuple(cells), "same", (message,), stored)
    when = _label(observation.period, ctx.measure.definition.frequency)
    message = (
        f"Line {line}: replaces {_as_text(stored)} for {when} with "
        f"{_as_text(observation)} (the old value stays in the history)."
    )
    kept = observation.model_copy(update={"id": stored.id})
    return PasteRow(line, tuple(cells), "change", (message,), kept)


def _as_text(observation: Observation) -> str:
    if observation.value is not None:
        return f"{observation.value:g}"
    return f"{observation.numerator:g}/{observation.denominator:g}"


# --- the whole block ------------------------------------------------------------------------


def _questions(period_cells: list[str], number_cells: list[str], ctx: _Context) -> list[Question]:
    questions = []
    if ctx.day_first is None and any(SLASH_DATE.fullmatch(c) for c in period_cells):
        example = next(c for c in period_cells if SLASH_DATE.fullmatch(c))
        questions.append(
            Question(
                "day_first",
                f"Is '{example}' day/month/year or month/day/year? Nothing in the pasted "
                "dates settles it.",
                {True: "Day first (31/01/2026)", False: "Month first (01/31/2026)"},
            )
        )
    if ctx.decimal_comma is None and any("," in c for c in number_cells):
        example = next(c for c in number_cells if "," in c)
        questions.append(
            Question(
                "decimal_comma",
                f"Is the comma in '{example}' a decimal comma or a thousands separator?",
                {True: f"Decimal comma ({example} is a decimal)", False: "Thousands separator"},
            )
        )
    return questions


def parse_paste(
    text: str,
    *,
    measure: Measure,
    team_id: str,
    existing: Mapping[dt.date, Observation] | None = None,
    day_first: bool | None = None,
    decimal_comma: bool | None = None,
) -> PastePreview:
    """Read a pasted block for one measure and team into a preview; nothing is saved here.

    ``existing`` holds what is stored for the measure and team, by period, so the preview can
    say which rows add a value, which change one and which repeat it. ``day_first`` and
    ``decimal_comma`` answer the preview's questions; left ``None``, they are decided from the
    block when it settles them, and asked about when it does not.
    Raises ``KitInputError`` for an empty block or one too large to be a paste.
    """
    lines = _split(text)
    numbered = [(i + 1, row) for i, row in enumerate(lines) if any(row)]
    if not numbered:
        raise KitInputError("Nothing was pasted: copy the cells in the spreadsheet first.")
    if len(numbered) > MAX_PASTE_ROWS:
        raise KitInputError(
            f"The block has {len(numbered):,} rows; paste at most {MAX_PASTE_ROWS:,}, or "
            "upload the file instead."
        )
    messages = []
    skipped = len(lines) - len(numbered)
    if skipped:
        messages.append(f"{skipped} blank line{'s were' if skipped > 1 else ' was'} skipped.")
    width = max(len(row) for _, row in numbered)
    roles, header, column_notes = _columns(
        numbered[0][1], width, measure, [row for _, row in numbered]
    )
    messages += column_notes
    data = numbered[1:] if header else numbered
    if not data:
        raise KitInputError("Only a header row was pasted: copy the rows of data too.")
    names = numbered[0][1] if header else None
    messages += _column_messages(roles, measure, [row for _, row in data], names)
    period_cells = [_cell(row, roles, "period") for _, row in data]
    number_cells = [_cell(row, roles, n) for _, row in data for n in _expected(measure)]
    ctx = _Context(
        measure=measure,
        team_id=team_id,
        roles=roles,
        day_first=day_first if day_first is not None else detect_day_first(period_cells),
        decimal_comma=decimal_comma if decimal_comma is not None else _decimal_comma(number_cells),
        existing=existing or {},
        seen={},
    )
    questions = _questions(period_cells, number_cells, ctx)
    rows = tuple(_read_row(row, line, ctx) for line, row in data)
    gaps = missing_periods(list(ctx.seen), measure.definition.frequency)
    if gaps:
        frequency = measure.definition.frequency
        listed = ", ".join(_label(g, frequency) for g in gaps[:6]) + (
            " ..." if len(gaps) > 6 else ""
        )
        messages.append(f"No data pasted for {listed}; those periods stay empty.")
    return PastePreview(
        rows=rows,
        columns=tuple(roles),
        header=header,
        messages=tuple(messages),
        questions=tuple(questions),
        missing_periods=tuple(gaps),
    )
