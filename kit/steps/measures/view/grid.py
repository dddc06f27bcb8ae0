"""The data-entry grid: one row per expected period, typed into, missing periods flagged, and
the history of a corrected value with "restore"."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as w

from kit.steps.measures.model import GridRow, number_fields
from kit.steps.measures.view.part import Part, heading
from kit.ui.step import edit_handler
from kit.ui.widgets import SharedLook, classed, guarded, set_field_error


class RowWidgets(w.HBox):
    """The widgets of one period: its label, number boxes, note and status line."""

    def __init__(
        self, part: GridPart, row: GridRow, fields: tuple[str, ...], look: SharedLook
    ) -> None:
        # every row shares its look (an 18-month grid is over a hundred widgets): a row is
        # flagged with CSS classes and words, never by changing its layout
        super().__init__(layout=look.layout(align_items="center"))
        self.part = part
        self.period = row.period
        self.label = look.html(
            f"<b>{html.escape(row.label)}</b>", "kit-measures-row-period", width="130px"
        )
        self.inputs: dict[str, w.Text] = {
            name: look.text(f"kit-measures-cell-{name}", width="110px") for name in fields
        }
        self.inputs["note"] = look.text("kit-measures-cell-note", placeholder="note", width="220px")
        self.status = look.html("", "kit-measures-row-status", margin="0 0 0 8px")
        classed(self, "kit-measures-row", f"kit-measures-row-{row.period:%Y-%m-%d}")
        self.children = [self.label, *self.inputs.values(), self.status]
        for widget in self.inputs.values():
            widget.observe(self._on_type, names="value")

    def show(self, row: GridRow, editable: bool) -> None:
        values = row.values()
        for name, widget in self.inputs.items():
            widget.value = values[name]
            widget.disabled = not editable
        self.flag(row)

    def flag(self, row: GridRow) -> None:
        """Mark the row missing or corrected (a class for the page, a word for everyone)."""
        if row.missing:
            self.add_class("kit-measures-row-missing")
            set_field_error(self.status, "Missing: no data for this period yet.")
        else:
            self.remove_class("kit-measures-row-missing")
            self.status.value = (
                "<span class='kit-small kit-muted'>corrected (see its history)</span>"
                if row.corrected
                else ""
            )

    def raw(self) -> dict[str, str]:
        return {name: widget.value for name, widget in self.inputs.items()}

    @property
    def loading(self) -> bool:
        return self.part.loading

    @property
    def alert(self) -> Any:
        return self.part.alert

    @edit_handler
    def _on_type(self, _change: dict[str, Any]) -> None:
        self.part.typed(self)


class GridPart(Part):
    """The selected measure's data, one row per expected period."""

    def __init__(self, page: Any) -> None:
        super().__init__(page, "kit-measures-grid-section")
        self.rows: list[RowWidgets] = []
        self.look = SharedLook()
        self.header = w.HTML()
        self.missing = classed(w.HTML(), "kit-measures-missing")
        self.grid = classed(w.VBox(), "kit-measures-grid")
        self.history_period = classed(
            w.Dropdown(description="Period:", options=[]), "kit-measures-history-period"
        )
        self.history = classed(
            w.Select(options=[], rows=4, layout=w.Layout(width="100%")), "kit-measures-history"
        )
        self.restore_button = classed(
            w.Button(description="Restore this value", icon="undo", layout=w.Layout(width="auto")),
            "kit-measures-restore",
        )
        self.children = [
            heading(
                "Data, period by period",
                "Type each period's data; it is saved when you pause. Empty a row to remove its "
                "value. A corrected value keeps its earlier versions below.",
            ),
            self.header,
            self.missing,
            self.grid,
            heading("Corrections: earlier values of a period"),
            self.history_period,
            self.history,
            self.restore_button,
        ]
        self.history_period.observe(self._on_history_period, names="value")
        self.restore_button.on_click(self._on_restore)

    def show(self) -> None:
        if self.model.selected_id is None:
            self.layout.display = "none"
            return
        self.layout.display = "flex"
        measure = self.model.measure()
        fields = number_fields(measure)
        titles = {"value": "Value", "numerator": "Numerator", "denominator": "Denominator"}
        cells = "".join(
            f"<span style='display:inline-block;width:114px'>{titles[f]}</span>" for f in fields
        )
        self.header.value = (
            f"<div class='kit-small'><span style='display:inline-block;width:134px'>Period</span>"
            f"{cells}<span>Note</span></div>"
        )
        rows = self.model.grid()
        editable = self.model.can_edit_team
        self.rows = [RowWidgets(self, row, fields, self.look) for row in rows]
        for widgets, row in zip(self.rows, rows, strict=True):
            widgets.show(row, editable)
        self.grid.children = self.rows
        self._show_missing(rows)
        self._show_history_periods(rows)

    def _show_missing(self, rows: list[GridRow]) -> None:
        gaps = [r.label for r in rows if r.missing]
        if gaps:
            self.missing.value = (
                f"<p class='kit-warning'>Missing: {len(gaps)} period"
                f"{'s' if len(gaps) != 1 else ''} with no data ({html.escape(', '.join(gaps[:8]))}"
                f"{' ...' if len(gaps) > 8 else ''}). A chart reads gaps as lost points.</p>"
            )
        elif not any(r.saved for r in rows):
            self.missing.value = "<p class='kit-muted'>No data yet: type, paste or upload it.</p>"
        else:
            self.missing.value = "<p class='kit-good'>No missing periods.</p>"

    def _show_history_periods(self, rows: list[GridRow]) -> None:
        options = [(r.label, r.period) for r in reversed(rows) if r.saved is not None]
        with self.page.quiet():
            self.history_period.options = options
            self.history_period.value = None
            self.history.options = []
        self.restore_button.disabled = not self.model.can_edit_team

    def refresh_flags(self) -> None:
        """After a save: the rows' flags and the missing line, without replacing any widget
        (replacing them would take the cursor out of the box being typed in)."""
        rows = self.model.grid()
        by_period = {r.period: r for r in rows}
        for widgets in self.rows:
            row = by_period.get(widgets.period)
            if row is not None:
                widgets.flag(row)
        self._show_missing(rows)
        self._show_history_periods(rows)

    # --- typing -------------------------------------------------------------------------

    def typed(self, row: RowWidgets) -> None:
        if not self.model.can_edit_team:
            return
        measure_id, period = self.model.selected_id, row.period
        self.page.autosave(f"row-{measure_id}-{period}", lambda: self._save(row, measure_id))
        self.page.chart.follow(row.period, row.raw())

    def _save(self, row: RowWidgets, measure_id: str | None) -> None:
        raw = row.raw()
        self.page.commit(
            lambda: self.model.enter(row.period, raw, measure_id),
            error_line=row.status,
            after=self.refresh_flags,
        )

    # --- history ------------------------------------------------------------------------

    @edit_handler
    def _on_history_period(self, change: dict[str, Any]) -> None:
        period: dt.date | None = change["new"]
        if period is None:
            self.history.options = []
            return
        entries = self.model.history(period)
        self.history.options = [(e.label, e.version) for e in entries]

    @guarded()
    def _on_restore(self, _button: w.Button) -> None:
        period, version = self.history_period.value, self.history.value
        if period is None or version is None:
            self.alert.show("Pick a period and one of its earlier values first.")
            return
        self.page.flush()
        if self.page.commit(lambda: self.model.restore(period, version), after=self.page.load):
            self.alert.show(
                f"The value from version {version} is current again (as a new version).",
                "success",
            )
