"""A measure's data for one team: the period-by-period grid, pasted blocks and uploaded files.

Three ways in, one rule: nothing is saved that the person has not seen. A value typed in the
grid is saved over the version loaded (a stale save raises ``EditConflict``) and a corrected
value keeps its earlier versions, which can be listed and restored. A pasted block is read by
``kit.qi.paste.parse_paste`` into a preview that asks instead of guessing (day/month order,
decimal commas); an uploaded file is read by ``kit.store.observation_import`` into a
row-by-row report. Either is saved, all or nothing, only when the person confirms it.

Missing periods (``kit.qi.periods.missing_periods``) are those with no data between the
first period reported and the last finished one; the grid shows one row per expected period,
from the collaborative's start (or the first data, when earlier) to the current period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from kit.errors import KitInputError
from kit.qi import Measure, Observation, check
from kit.qi.paste import PastePreview, parse_paste
from kit.qi.periods import expected_periods, file_period, missing_periods
from kit.qi.records import new_id
from kit.steps.aim.model import parse_number
from kit.steps.measures.model.definition import DefinitionEdits
from kit.steps.versioned import HistoryEntry, VersionedRecord, delete_versioned, save_versioned

if TYPE_CHECKING:
    from kit.store import Saved

#: the most rows the grid shows (the latest ones): five years of months, a year of weeks
MAX_GRID_ROWS = 60

RowStatus = Literal["new", "change", "same"]


def period_label(period: dt.date, frequency: str) -> str:
    """'Mar 2026', 'Q1 2026' or 'week of 02 Mar 2026': a period as the grid names it."""
    if frequency == "weekly":
        return f"week of {period:%d %b %Y}"
    if frequency == "quarterly":
        return f"Q{(period.month - 1) // 3 + 1} {period.year}"
    return f"{period:%b %Y}"


def as_text(observation: Observation) -> str:
    """A data point in a few characters: '4' or '3/1,200'."""
    if observation.value is not None:
        return f"{observation.value:g}"
    return f"{observation.numerator:,g}/{observation.denominator:,g}"


def number_fields(measure: Measure) -> tuple[str, ...]:
    """What a period's row asks for: a value, or a numerator and a denominator."""
    return ("numerator", "denominator") if measure.has_denominator else ("value",)


def _row_numbers(measure: Measure, label: str, raw: dict[str, Any]) -> dict[str, float | None]:
    """The numbers typed in a grid row, each read or refused in words."""
    return {
        name: parse_number(f"The {name} for {label}", raw.get(name))
        for name in number_fields(measure)
    }


@dataclass(frozen=True)
class GridRow:
    """One expected period: what is stored for it, and whether it is flagged as missing."""

    period: dt.date
    label: str
    saved: Saved[Observation] | None
    missing: bool

    @property
    def corrected(self) -> bool:
        """The value was changed after it was first entered (its history has more versions)."""
        return self.saved is not None and self.saved.version > 1

    def values(self) -> dict[str, str]:
        """The row as its text boxes show it."""
        obs = self.saved.record if self.saved is not None else None
        shown = {
            name: ("" if obs is None or getattr(obs, name) is None else f"{getattr(obs, name):g}")
            for name in ("value", "numerator", "denominator")
        }
        shown["note"] = obs.note if obs is not None else ""
        return shown


@dataclass(frozen=True)
class FileRow:
    """One row of an uploaded file as it would be saved."""

    period: dt.date
    label: str
    text: str
    status: RowStatus
    message: str


@dataclass(frozen=True)
class FilePreview:
    """What importing a file would do; import ``observations`` only when ``ready``.

    ``problems`` is the file's row-by-row report (``ImportReport``); with any, nothing can be
    imported.
    """

    filename: str
    measure_id: str
    rows: tuple[FileRow, ...] = ()
    problems: tuple[str, ...] = ()
    observations: tuple[Observation, ...] = ()
    summary: str = ""
    #: the version of each period's stored value when the file was read (absent: none)
    read_versions: tuple[tuple[dt.date, int], ...] = ()

    @property
    def ready(self) -> bool:
        return not self.problems and any(r.status != "same" for r in self.rows)

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status == status)


class DataEdits(DefinitionEdits):
    """Typing, pasting and uploading one team's data for the family's measures."""

    def stored(self, measure_id: str | None = None) -> dict[dt.date, Saved[Observation]]:
        """What the team has stored for a measure, by period."""
        measure = self.measure(measure_id)
        if self.team_id is None:
            return {}
        found = self.store.find(
            Observation, self.actor, team_id=self.team_id, measure_id=measure.id
        )
        return {s.record.period: s for s in found}

    def current_period(self, measure: Measure) -> dt.date:
        return file_period(self.today, measure.definition.frequency)

    def missing(self, measure_id: str | None = None) -> list[dt.date]:
        """Periods with no data between the first one reported and the last finished one."""
        measure = self.measure(measure_id)
        have = sorted(self.stored(measure.id))
        if not have:
            return []
        frequency = measure.definition.frequency
        current = self.current_period(measure)
        finished = [p for p in expected_periods(frequency, have[0], current) if p < current]
        last = max(have[-1], finished[-1]) if finished else have[-1]
        return missing_periods(have, frequency, have[0], last)

    def grid(self, measure_id: str | None = None) -> list[GridRow]:
        """One row per expected period, oldest first (at most ``MAX_GRID_ROWS``, the latest)."""
        measure = self.measure(measure_id)
        frequency = measure.definition.frequency
        stored = self.stored(measure.id)
        current = self.current_period(measure)
        begun = file_period(self.collaborative_start() or current, frequency)
        start = min([begun, *stored])
        end = max([current, *stored])
        gaps = set(self.missing(measure.id))
        periods = expected_periods(frequency, min(start, end), end)[-MAX_GRID_ROWS:]
        # what each row showed, so that typing saves over that version (a conflict otherwise)
        self._shown = {(measure.id, p): stored.get(p) for p in periods}
        return [GridRow(p, period_label(p, frequency), stored.get(p), p in gaps) for p in periods]

    # --- typing -------------------------------------------------------------------------

    def enter(
        self, period: dt.date, raw: dict[str, Any], measure_id: str | None = None
    ) -> Saved[Observation] | None:
        """Save what a grid row holds; an emptied row removes its value (kept in the history).

        Returns the stored data point, or None when the period has none now.
        """
        self._require_team_edit()
        measure = self.measure(measure_id)
        label = period_label(period, measure.definition.frequency)
        key = (measure.id, period)
        shown = self._shown
        stored = shown[key] if key in shown else self.stored(measure.id).get(period)
        numbers = _row_numbers(measure, label, raw)
        note = str(raw.get("note") or "").strip()
        if all(v is None for v in numbers.values()):
            if stored is not None:
                delete_versioned(self.store, self.actor, stored)
                shown[key] = None
                return None
            if note:
                raise KitInputError(f"Type the data for {label} before its note.")
            return None
        if any(v is None for v in numbers.values()):
            raise KitInputError(f"Type both the numerator and the denominator for {label}.")
        observation = check(
            Observation,
            {
                "id": stored.record.id if stored is not None else new_id(),
                "measure_id": measure.id,
                "team_id": self.team_id,
                "period": period,
                "note": note,
                **numbers,
            },
        )
        if stored is not None and observation == stored.record:
            return stored
        saved = save_versioned(self.store, self.actor, observation, stored)
        shown[key] = saved
        return saved

    def typed_point(
        self, period: dt.date, raw: dict[str, Any], measure_id: str | None = None
    ) -> tuple[float, float | None] | None:
        """A grid row's boxes as the chart beside the grid draws them, before the save.

        ``(value, None)`` or ``(numerator, denominator)``; None for an emptied row. A row the
        save would refuse (a word, half a rate) raises ``KitInputError`` with the same words.
        """
        measure = self.measure(measure_id)
        label = period_label(period, measure.definition.frequency)
        numbers = _row_numbers(measure, label, raw)
        if all(v is None for v in numbers.values()):
            return None
        if any(v is None for v in numbers.values()):
            raise KitInputError(f"Type both the numerator and the denominator for {label}.")
        if measure.has_denominator:
            return float(numbers["numerator"] or 0.0), float(numbers["denominator"] or 0.0)
        return float(numbers["value"] or 0.0), None

    def _versions(self, period: dt.date, measure_id: str | None) -> VersionedRecord[Observation]:
        saved = self.stored(measure_id).get(period)
        if saved is None:
            raise KitInputError("That period has no data yet, so it has no earlier versions.")
        versions = VersionedRecord(self.store, self.actor, Observation, saved.record)
        versions.load(saved, saved.record)
        return versions

    def history(
        self, period: dt.date, measure_id: str | None = None
    ) -> list[HistoryEntry[Observation]]:
        """Every version of one period's value, newest first."""
        return self._versions(period, measure_id).history(as_text, summary_in_label=True)

    def restore(self, period: dt.date, version: int, measure_id: str | None = None) -> None:
        """Make an earlier value of a period current again (as a new version)."""
        self._require_team_edit()
        self._versions(period, measure_id).restore(version)

    # --- pasting ------------------------------------------------------------------------

    def preview_paste(
        self,
        text: str,
        *,
        day_first: bool | None = None,
        decimal_comma: bool | None = None,
        measure_id: str | None = None,
    ) -> PastePreview:
        """What saving a pasted block would do, row by row; nothing is saved here."""
        measure = self.measure(measure_id)
        team_id = self.team_id or ""
        stored = self.stored(measure.id)
        existing = {p: s.record for p, s in stored.items()}
        self._paste_read = (measure.id, {p: s.version for p, s in stored.items()})
        return parse_paste(
            text,
            measure=measure,
            team_id=team_id,
            existing=existing,
            day_first=day_first,
            decimal_comma=decimal_comma,
        )

    def _read_versions(
        self, observations: list[Observation], read: tuple[str, dict[dt.date, int]] | None
    ) -> dict[tuple[str, str, dt.date], int | None]:
        """What the person saw of each period they save: the store refuses a period that
        someone else changed since (``Store.put_observations``)."""
        measure_id, versions = read or ("", {})
        return {
            (o.measure_id, o.team_id, o.period): versions.get(o.period)
            for o in observations
            if o.measure_id == measure_id
        }

    def save_paste(self, preview: PastePreview, *, over_theirs: bool = False) -> int:
        """Save the rows of a preview the person confirmed, all or nothing; how many changed.

        A period that someone else saved since the preview raises ``Conflict`` and nothing is
        saved; ``over_theirs`` (the person chose to keep theirs) saves without that check.
        """
        self._require_team_edit()
        if preview.questions:
            raise KitInputError("Answer the question above the preview first.")
        if not preview.ready:
            bad = preview.count("error") + preview.count("ask")
            raise KitInputError(
                f"{bad} row{'s need' if bad != 1 else ' needs'} fixing first (see the messages "
                "beside them); nothing was saved."
                if bad
                else "Every pasted row is already stored; there is nothing new to save."
            )
        items = preview.observations()
        read = None if over_theirs else self._read_versions(items, self._paste_read)
        return int(self.store.put_observations(items, self.actor, read_versions=read))

    # --- uploading ----------------------------------------------------------------------

    def preview_file(
        self, content: bytes, filename: str, measure_id: str | None = None
    ) -> FilePreview:
        """Read an uploaded CSV or Excel file into a preview and its row-by-row report."""
        from kit.store.observation_import import ObservationFileError, parse_observation_file

        measure = self.measure(measure_id)
        try:
            observations = parse_observation_file(
                bytes(content), measure=measure, team_id=self.team_id or "", filename=filename
            )
        except ObservationFileError as error:
            report = error.report
            head = str(report).split("\n", 1)[0]
            return FilePreview(filename, measure.id, problems=tuple(report.problems), summary=head)
        except KitInputError as error:
            return FilePreview(filename, measure.id, problems=(str(error),), summary=str(error))
        stored = self.stored(measure.id)
        frequency = measure.definition.frequency
        rows = []
        kept = []
        for obs in sorted(observations, key=lambda o: o.period):
            label = period_label(obs.period, frequency)
            old = stored.get(obs.period)
            if old is None:
                rows.append(FileRow(obs.period, label, as_text(obs), "new", "new"))
                kept.append(obs)
            elif as_text(old.record) == as_text(obs) and (
                not obs.note or obs.note == old.record.note
            ):
                rows.append(FileRow(obs.period, label, as_text(obs), "same", "already stored"))
            else:
                message = f"replaces {as_text(old.record)} (the old value stays in the history)"
                rows.append(FileRow(obs.period, label, as_text(obs), "change", message))
                kept.append(obs.model_copy(update={"id": old.record.id}))
        new, changed = sum(r.status == "new" for r in rows), sum(r.status == "change" for r in rows)
        summary = (
            f"{filename}: {len(rows)} rows read; {new} new, {changed} changed, "
            f"{len(rows) - new - changed} already stored. Nothing is saved until you import."
        )
        versions = tuple(sorted((p, s.version) for p, s in stored.items()))
        return FilePreview(filename, measure.id, tuple(rows), (), tuple(kept), summary, versions)

    def import_file(self, preview: FilePreview, *, over_theirs: bool = False) -> int:
        """Save a previewed file's rows, all or nothing; how many were added or changed.

        As with pasting, a period someone else saved since the file was read raises
        ``Conflict`` unless ``over_theirs``.
        """
        self._require_team_edit()
        if preview.problems:
            raise KitInputError(
                f"{preview.filename} has problems to fix first (listed above); nothing was saved."
            )
        if not preview.ready:
            raise KitInputError("Every row of the file is already stored; there is nothing new.")
        items = list(preview.observations)
        read = (preview.measure_id, dict(preview.read_versions))
        versions = None if over_theirs else self._read_versions(items, read)
        return int(self.store.put_observations(items, self.actor, read_versions=versions))
