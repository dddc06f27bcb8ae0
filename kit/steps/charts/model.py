"""The charts step's state: a team's measures, each read as a chart, and how it is read.

No widgets and no Bokeh here (``tests/qi/test_purity.py``). The model reads the team's
measures, data, aim and PDSA cycles from the store, asks ``kit.spc`` for each chart, and
saves two things: the collaborative's rule set (the facilitator's choice, on the
``Collaborative`` record) and each chart's settings (phases, frozen baseline, excluded points,
one ``ChartSettings`` record per team and measure). A team may look at its data under another
rule set; that choice lives in the model only and is never saved. The rules for each reading
are pure functions in ``kit/steps/charts/reading.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kit.errors import KitInputError, PermissionDenied
from kit.qi.chart_settings import ChartSettings
from kit.qi.records import Aim, Collaborative, Measure, PDSACycle, Team
from kit.steps.base import StepModel
from kit.steps.charts import reading as rd
from kit.steps.versioned import VersionedRecord
from kit.store.access import Actor

_KIND_ORDER = {"outcome": 0, "process": 1, "balancing": 2}


@dataclass
class Reading:
    """One measure's chart as the page shows it: the analysis and its words."""

    measure: Measure
    choice: rd.ChartChoice
    periods: list[dt.date]
    result: Any  # kit.spc.SPCResult, None while there are no data
    target: float | None
    target_source: str
    annotations: list[dict[str, Any]]
    explanation: list[str]
    direction: str
    rule_set: str
    settings: ChartSettings
    reasons: dict[int, str] = field(default_factory=dict)

    @property
    def rule_set_name(self) -> str:
        return rd.RULE_SETS[self.rule_set]


class ChartsModel(StepModel):
    """One team's charts. A participant reads and sets up their own team's; faculty read any
    team's and choose the collaborative's rule set."""

    def __init__(self, store: Any, actor: Actor, team_id: str | None = None) -> None:
        super().__init__(store, actor)
        self.team_id: str | None = None
        self.collaborative = VersionedRecord(
            store, actor, Collaborative, Collaborative(id="collab", name="Collaborative")
        )
        #: the rule set a team looks at for now (None: the collaborative's); never saved
        self.viewing_rules: str | None = None
        self.measures: list[Measure] = []
        self.aim: Aim | None = None
        self.cycles: list[PDSACycle] = []
        self._data: Any = None
        #: each measure's series and notes as read from ``_data`` (emptied when it is read again)
        self._cache: dict[tuple[str, str], Any] = {}
        self._settings: dict[str, VersionedRecord[ChartSettings]] = {}
        self._load_collaborative()
        chosen = team_id or actor.team_id
        if chosen:
            self.select_team(chosen)

    # --- who and what ------------------------------------------------------------------

    def _load_collaborative(self) -> None:
        found = self.store.find(Collaborative, self.actor)
        mine = [s for s in found if s.record.id == self.collaborative_id] or found
        if mine:
            self.collaborative.load(mine[0], mine[0].record)

    @property
    def can_edit(self) -> bool:
        """A team sets up its own charts; faculty look without changing them."""
        return (
            not self.is_facilitator
            and self.team_id is not None
            and (self.team_id == self.own_team_id)
        )

    def teams(self) -> list[tuple[str, str]]:
        """(name, id) of the teams this person may look at, by name."""
        if not self.is_facilitator:
            team = self.store.get(Team, str(self.own_team_id), self.actor).record
            return [(team.name, team.id)]
        found = self.store.find(Team, self.actor, collaborative_id=self.collaborative_id)
        return sorted(((s.record.name, s.record.id) for s in found), key=lambda t: t[0].lower())

    def select_team(self, team_id: str) -> None:
        if not self.is_facilitator and team_id != self.own_team_id:
            raise PermissionDenied("Each team sees only its own charts.")
        self.team_id = team_id
        self.reload_data()

    def reload(self) -> ChartsModel:
        """Read the rule set, measures, data, aim, cycles and settings again."""
        self._load_collaborative()
        self.reload_data()
        return self

    def reload_data(self) -> None:
        if self.team_id is None:
            return
        team_id = self.team_id
        measures = [
            s.record
            for s in self.store.find(Measure, self.actor, collaborative_id=self.collaborative_id)
            if s.record.team_id in (None, team_id)
        ]
        self.measures = sorted(measures, key=lambda m: (_KIND_ORDER.get(m.measure_kind, 3),))
        aims = self.store.find(Aim, self.actor, team_id=team_id)
        self.aim = aims[-1].record if aims else None
        self.cycles = [s.record for s in self.store.find(PDSACycle, self.actor, team_id=team_id)]
        self._data = self.store.observations(self.actor, team_id=team_id)
        self._cache = {}
        self._settings = {}
        for saved in self.store.find(ChartSettings, self.actor, team_id=team_id):
            record = VersionedRecord(self.store, self.actor, ChartSettings, saved.record)
            record.load(saved, saved.record)
            self._settings[saved.record.measure_id] = record

    # --- rule sets ---------------------------------------------------------------------

    @property
    def collaborative_rules(self) -> str:
        return self.collaborative.record.rule_set

    @property
    def rules(self) -> str:
        """The rule set the charts are read with now."""
        return self.viewing_rules or self.collaborative_rules

    def set_collaborative_rules(self, rules: str) -> None:
        """The facilitator's choice for every team's charts (saved on the collaborative)."""
        if rules not in rd.RULE_SETS:
            raise KitInputError(f"Choose one of: {', '.join(rd.RULE_SETS.values())}.")
        if not self.is_facilitator:
            raise PermissionDenied(
                "Only the facilitator chooses the collaborative's rule set; you can look at "
                "your data under another one without changing it for everyone."
            )
        record = self.collaborative.record.model_copy(update={"rule_set": rules})
        self.collaborative.save(record)
        self.viewing_rules = None

    def view_with(self, rules: str | None) -> None:
        """Look at the charts under another rule set, for now only (nothing is saved)."""
        if rules is not None and rules not in rd.RULE_SETS:
            raise KitInputError(f"Choose one of: {', '.join(rd.RULE_SETS.values())}.")
        self.viewing_rules = None if rules == self.collaborative_rules else rules

    # --- one measure -------------------------------------------------------------------

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KitInputError("That measure is not one of this team's measures.")

    def settings(self, measure_id: str) -> ChartSettings:
        held = self._settings.get(measure_id)
        if held is not None:
            return held.record
        return rd.blank_settings(str(self.team_id), measure_id)

    def _series(
        self, measure: Measure, typed: dict[dt.date, rd.Typed] | None = None
    ) -> tuple[list[dt.date], list[float], list[float] | None]:
        """The measure's periods and values (numerators and denominators when it has them),
        with ``typed`` (values in the data page's boxes, not saved yet) laid over them."""
        series = self._stored_series(measure)
        if typed:
            return rd.with_typed(*series, typed)
        return series

    def _stored_series(
        self, measure: Measure
    ) -> tuple[list[dt.date], list[float], list[float] | None]:
        """Read from the loaded table once per measure (the data page reads it per keystroke)."""
        cached = self._cache.get(("series", measure.id))
        if cached is None:
            cached = self._cache[("series", measure.id)] = self._series_from_table(measure)
        periods, values, dens = cached
        return list(periods), list(values), None if dens is None else list(dens)

    def _series_from_table(
        self, measure: Measure
    ) -> tuple[list[dt.date], list[float], list[float] | None]:
        data = self._data
        empty: list[float] | None = [] if measure.has_denominator else None
        if data is None or data.empty:
            return [], [], empty
        rows = data[data["measure_id"] == measure.id].sort_values("period")
        if measure.has_denominator:
            rows = rows[rows["numerator"].notna() & rows["denominator"].notna()]
            periods = [p.date() for p in rows["period"]]
            return periods, rows["numerator"].tolist(), rows["denominator"].tolist()
        rows = rows[rows["value"].notna()]
        return [p.date() for p in rows["period"]], rows["value"].tolist(), None

    def notes(self, measure: Measure) -> list[tuple[dt.date, str]]:
        cached = self._cache.get(("notes", measure.id))
        if cached is not None:
            return list(cached)
        data = self._data
        if data is None or data.empty:
            return []
        rows = data[(data["measure_id"] == measure.id) & (data["note"].fillna("") != "")]
        found = [(p.date(), str(n)) for p, n in zip(rows["period"], rows["note"], strict=True)]
        self._cache[("notes", measure.id)] = found
        return list(found)

    def periods(self, measure_id: str) -> list[dt.date]:
        return self._series(self.measure(measure_id))[0]

    def read(
        self,
        measure_id: str,
        rules: str | None = None,
        *,
        typed: dict[dt.date, rd.Typed] | None = None,
    ) -> Reading:
        """The chart of one measure: which chart and why, the analysis, its lines and words.

        ``typed``: values being typed on the data page, read before they are saved."""
        from kit.spc import analyze

        measure = self.measure(measure_id)
        periods, values, dens = self._series(measure, typed)
        settings = self.settings(measure_id)
        choice = rd.choose_chart(measure, len(periods))
        rules = rules or self.rules
        target, source = rd.target_for(measure, self.aim)
        marks = rd.annotations(measure, self.cycles, self.notes(measure), periods)
        direction = rd.direction_words(measure)
        if not periods:
            return Reading(
                measure, choice, [], None, target, source, [],
                ["There are no data for this measure yet; enter them on the data page."],
                direction, rules, settings,
            )  # fmt: skip
        given = rd.analysis_input(settings, periods)
        import pandas as pd

        y: list[float] = values
        n = dens
        if dens is not None and choice.chart not in ("p", "pp", "u", "up"):
            y = [v / d if d else float("nan") for v, d in zip(values, dens, strict=True)]
            n = None
        result = analyze(
            y,
            n,
            chart=choice.chart,
            x=pd.Series(pd.to_datetime(periods)),
            phase_starts=given.phase_starts or None,
            freeze=given.freeze,
            exclude=given.exclude or None,
            rules=rules,
            direction=measure.direction,
            multiply=measure.multiply,
        )
        words = result.explain()
        return Reading(
            measure, choice, periods, result, target, source, marks, words, direction, rules,
            settings, given.reasons,
        )  # fmt: skip

    # --- saving a chart's settings --------------------------------------------------------

    def _change(
        self, measure_id: str, edit: Callable[[ChartSettings, list[dt.date]], ChartSettings]
    ) -> ChartSettings:
        if not self.can_edit:
            raise PermissionDenied(
                "Only the team can change how its charts are set up; you can look at them."
            )
        current = self.settings(measure_id)
        changed = edit(current, self.periods(measure_id))
        held = self._settings.get(measure_id)
        if held is None:
            held = VersionedRecord(self.store, self.actor, ChartSettings, current)
            self._settings[measure_id] = held
        return held.save(changed).record

    def add_phase(self, measure_id: str, period: dt.date) -> ChartSettings:
        return self._change(measure_id, lambda s, ps: rd.add_phase(s, period, ps))

    def remove_phase(self, measure_id: str, period: dt.date) -> ChartSettings:
        return self._change(measure_id, lambda s, _ps: rd.remove_phase(s, period))

    def freeze_baseline(self, measure_id: str, period: dt.date | None) -> ChartSettings:
        return self._change(measure_id, lambda s, ps: rd.freeze_baseline(s, period, ps))

    def exclude(self, measure_id: str, period: dt.date, reason: str) -> ChartSettings:
        return self._change(measure_id, lambda s, ps: rd.exclude_point(s, period, reason, ps))

    def include(self, measure_id: str, period: dt.date) -> ChartSettings:
        return self._change(measure_id, lambda s, _ps: rd.include_point(s, period))

    def history(self, measure_id: str) -> list[str]:
        """The chart settings' saved versions, newest first, as one line each."""
        held = self._settings.get(measure_id)
        if held is None:
            return []
        return [e.label for e in held.history(describe_settings)]


def describe_settings(settings: ChartSettings) -> str:
    """One line for the history list: what the chart's set-up was."""
    parts = [f"{len(settings.phase_starts) + 1} phase(s)"]
    if settings.baseline_end:
        parts.append(f"baseline frozen to {settings.baseline_end:%b %Y}")
    if settings.excluded:
        parts.append(f"{len(settings.excluded)} point(s) excluded")
    return ", ".join(parts)
