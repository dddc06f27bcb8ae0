"""The status grid's rows: a team's statuses in words, one line per team with its name as the
button that opens its detail (drawn by ``kit/steps/dashboard/view.py``)."""

from __future__ import annotations

import html

import ipywidgets as w

from kit.qi.dashboard import TeamStatus
from kit.ui.widgets import SharedLook

REPORT_WORDS = {
    "submitted": "submitted",
    "draft": "draft",
    "not_started": "not started",
    "not_due": "not due yet",
}


def _yes(flag: bool) -> str:
    return "✔" if flag else "<span class='kit-muted'>–</span>"


def _cell(text: str, width: str) -> str:
    return f"<div style='width:{width};display:inline-block;vertical-align:top'>{text}</div>"


def _signal_words(status: TeamStatus) -> str:
    if not status.signals:
        return "<span class='kit-muted'>no chart yet</span>"
    parts = []
    if status.improving:
        parts.append("<b style='color:#1a7f37'>improving</b>")
    if status.concern:
        parts.append("<b style='color:#b3261e'>concern</b>")
    return " · ".join(parts) or "no signal"


def _report_words(status: TeamStatus) -> str:
    word = html.escape(REPORT_WORDS.get(status.report_status, status.report_status))
    if status.overdue_reports:
        word += (
            f" · <b style='color:#b3261e'>{status.overdue_reports} overdue</b>"
            f" ({status.days_overdue} d)"
        )
    return word


def _assessment_words(status: TeamStatus) -> str:
    pair = status.assessment
    if pair is None:
        return "<span class='kit-muted'>not rated</span>"

    def score(value: float | None) -> str:
        return f"{value:.1f}" if value is not None else "–"

    gap = f" · gap {pair.gap:+.1f}" if pair.gap is not None else ""
    return f"{pair.month:%b %Y}: faculty {score(pair.faculty)}, self {score(pair.team)}{gap}"


def _cycle_words(status: TeamStatus) -> str:
    cycle = status.latest_cycle
    if cycle is None:
        return "<span class='kit-muted'>none yet</span>"
    return f"{html.escape(cycle.title)} <span class='kit-muted'>({html.escape(cycle.stage)})</span>"


COLUMNS = (
    ("Aim", "5%"),
    ("Driver diagram", "7%"),
    ("Measures", "7%"),
    ("Data this period", "9%"),
    ("Complete", "7%"),
    ("Signals", "11%"),
    ("Report", "14%"),
    ("Latest PDSA", "18%"),
    ("Latest assessment", "22%"),
)


def status_cells(status: TeamStatus) -> str:
    """The grid's cells after the team's button, as one HTML line."""
    values = (
        _yes(status.aim_set),
        _yes(status.driver_diagram),
        str(status.measures_defined),
        f"{status.measures_with_data} of {status.measures_defined}",
        f"{status.completeness:.0%}",
        _signal_words(status),
        _report_words(status),
        _cycle_words(status),
        _assessment_words(status),
    )
    return "".join(_cell(v, width) for v, (_h, width) in zip(values, COLUMNS, strict=True))


class TeamRow(w.HBox):
    """One team's line of the grid: its name as the button that opens its detail."""

    def __init__(self, status: TeamStatus, look: SharedLook) -> None:
        # every row shares its look: 100 rows would otherwise send the browser 700 models
        # where 300 do (issue 14). Classes and text go in with each widget's first state, not
        # as changes after it: a facilitator's sign-in builds every row at once, and each
        # change is one more message for the page to apply
        team_id = status.team_id
        button = w.Button(
            description=status.name,
            tooltip=self.tooltip(status),
            layout=look.layout(width="18%"),
            style=look.style(w.ButtonStyle),
            _dom_classes=("kit-dashboard-open", f"kit-dashboard-open-{team_id}"),
        )
        cells = look.html(status_cells(status), "kit-dashboard-cells", width="82%")
        super().__init__(
            [button, cells],
            layout=look.layout(align_items="flex-start", padding="2px 0"),
            _dom_classes=("kit-row-divided", "kit-dashboard-row", f"kit-dashboard-row-{team_id}"),
        )
        # set after the widget is made: ``open`` is also the name of Widget's own method,
        # which making the widget calls
        self.team_id = team_id
        self.open = button
        self.cells = cells

    @staticmethod
    def tooltip(status: TeamStatus) -> str:
        return f"Open the detail of {status.name}"  # a long name is cut short

    def show(self, status: TeamStatus) -> None:
        """The team's statuses anew; only what changed is sent to the page."""
        self.open.description = status.name
        self.open.tooltip = self.tooltip(status)
        self.cells.value = status_cells(status)


__all__ = ["COLUMNS", "TeamRow", "status_cells"]
