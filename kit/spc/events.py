"""From per-point rule flags to *events*: one event per thing that happened on the chart.

Several rules often fire on one sustained shift (a long run, two-of-three windows, points
outside the limits), and a single step change fires a long run on each side of it. Read as
a participant reads them, those are one event. This module groups the flags of one series
so that ``kit/spc/explain.py`` can say one sentence per event, dated at the change:

- signals of the same side in the same phase that overlap or lie within the rule's window
  of each other (3 points for two of three, 5 for four of five) join one event;
- two sustained events on opposite sides that meet (nothing but neutral points between)
  are one step change, dated at the first point of the second;
- a sustained event with less of its phase before it than after it is the earlier level:
  the change is dated where it ends, at the next point; otherwise it is dated where it
  starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Which per-point columns each rule set explains (``kit/spc/rule_sets.py`` makes them).
RULE_COLUMNS = {
    "anhoej": ("sigma_signal", "long_run"),
    "ihi": ("sigma_signal", "shift", "trend", "two_of_three", "hugging"),
    "nhs": ("sigma_signal", "shift", "trend", "two_of_three"),
    "western_electric": ("we1", "we2", "we3", "we4"),
}
RUN_RULES = ("long_run", "shift", "we4")
ZONE_RULES = ("two_of_three", "we2", "we3")
OUTSIDE_RULES = ("sigma_signal", "we1", "outside")
#: How far apart (in useful points) two flags of a windowed rule can be in one event.
WINDOW = {"two_of_three": 3, "we2": 3, "we3": 5}


@dataclass
class Event:
    """One thing that happened: a sustained change, a step, a trend, a point out of limits.

    ``side`` is where the flagged points are (+1 above, -1 below; for a trend +1 up).
    ``counts`` holds the flagged points per rule. ``change_at`` is the row the change is
    dated at and ``change`` its direction (+1 up, -1 down); ``before`` and ``after`` count
    the points of the runs on each side of a dated change (0 when not known).
    """

    kind: str  # "sustained", "outside", "trend" or "hugging"
    phase: int
    side: int
    first: int
    last: int
    counts: dict[str, int] = field(default_factory=dict)
    change_at: int | None = None
    change: int = 0
    before: int = 0
    after: int = 0
    outside: dict[int, int] = field(default_factory=dict)  # side -> points outside the limits

    @property
    def run_count(self) -> int:
        return max((self.counts.get(r, 0) for r in RUN_RULES), default=0)

    @property
    def has_run(self) -> bool:
        return self.run_count > 0


def _episodes(
    flags: np.ndarray, phase: np.ndarray, side: np.ndarray, neutral: np.ndarray
) -> list[tuple[int, int, int]]:
    """(first row, last row, number of flagged rows) of each unbroken stretch of flags.

    Flags stay in one stretch while they are in one phase, on one side, and only neutral
    rows (missing, excluded, on the centre line) lie between them.
    """
    out: list[tuple[int, int, int]] = []
    start = last = -1
    count = 0
    for i in np.flatnonzero(flags).tolist():
        joined = (
            last >= 0
            and phase[i] == phase[last]
            and side[i] == side[last]
            and bool(neutral[last + 1 : i].all())
        )
        if joined:
            last = i
            count += 1
            continue
        if last >= 0:
            out.append((start, last, count))
        start = last = i
        count = 1
    if last >= 0:
        out.append((start, last, count))
    return out


def _kind(rule: str) -> str:
    if rule in RUN_RULES or rule in ZONE_RULES:
        return "sustained"
    if rule in OUTSIDE_RULES:
        return "outside"
    return rule  # trend, hugging


class _Series:
    """The arrays of one series that event finding reads."""

    def __init__(self, points: Any):
        self.phase = points["phase"].to_numpy()
        self.y = points["y"].to_numpy(float)
        cl = points["cl"].to_numpy(float)
        with np.errstate(invalid="ignore"):
            self.side = np.nan_to_num(np.sign(self.y - cl)).astype(int)
        self.neutral = ~np.isfinite(self.y) | (self.side == 0) | points["excluded"].to_numpy(bool)
        # Position among the useful points: gaps are counted in useful points only.
        self.pos = np.cumsum(~self.neutral)

    def gap(self, a: int, b: int) -> int:
        """Useful points from row ``a`` to row ``b`` (1 when b is a's next useful point)."""
        return int(self.pos[b] - self.pos[a])

    def run_from(self, row: int, step: int = 1) -> int:
        """Useful points in a row on ``row``'s side, from ``row`` on (``step=-1``: back)."""
        side, phase, k = self.side[row], self.phase[row], 0
        i = row
        while 0 <= i < self.side.size and self.phase[i] == phase:
            if not self.neutral[i]:
                if self.side[i] != side:
                    break
                k += 1
            i += step
        return k

    def run_before(self, row: int) -> int:
        """Useful points in a row on one side just before ``row`` (same phase)."""
        earlier = np.flatnonzero(
            (self.phase == self.phase[row]) & ~self.neutral & (np.arange(self.side.size) < row)
        )
        return self.run_from(int(earlier[-1]), -1) if earlier.size else 0

    def useful_rows(self, phase: int) -> np.ndarray:
        return np.flatnonzero((self.phase == phase) & ~self.neutral)


def _raw_events(points: Any, rules: str, chart: str, s: _Series) -> list[Event]:
    out: list[Event] = []
    for col in RULE_COLUMNS[rules]:
        if col not in points or (col in OUTSIDE_RULES and chart == "run"):
            continue
        flags = points[col].to_numpy(bool)
        if col == "trend":
            for a, b, count in _episodes(flags, s.phase, np.ones(len(flags)), ~np.isfinite(s.y)):
                seg = s.y[a : b + 1][np.isfinite(s.y[a : b + 1])]
                up = 1 if seg[-1] >= seg[0] else -1
                out.append(Event("trend", int(s.phase[a]), up, a, b, {col: count}, a, up))
            continue
        neutral = s.neutral if col != "hugging" else ~np.isfinite(s.y)
        side = s.side if col != "hugging" else np.zeros(len(flags), int)
        for a, b, count in _episodes(flags, s.phase, side, neutral):
            e = Event(_kind(col), int(s.phase[a]), int(side[a]), a, b, {col: count})
            if col in OUTSIDE_RULES:
                e.outside = {e.side: count}
            out.append(e)
    return out


def _window(e: Event) -> int:
    return max((WINDOW.get(rule, 1) for rule in e.counts), default=1)


def _add(into: Event, e: Event) -> None:
    """Count ``e``'s flags into ``into`` (the rows are joined by the caller)."""
    for rule, count in e.counts.items():
        into.counts[rule] = into.counts.get(rule, 0) + count
    for side, count in e.outside.items():
        into.outside[side] = into.outside.get(side, 0) + count


def _merge_same_side(events: list[Event], s: _Series) -> list[Event]:
    """Join signals of one side and phase that overlap or lie within a rule's window."""
    merged: list[Event] = []
    for e in sorted(events, key=lambda e: (e.phase, e.first, e.last)):
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind in ("sustained", "outside")
            and e.kind in ("sustained", "outside")
            and prev.phase == e.phase
            and prev.side == e.side
            and s.gap(prev.last, e.first) <= max(_window(prev), _window(e))
        ):
            prev.first, prev.last = min(prev.first, e.first), max(prev.last, e.last)
            _add(prev, e)
            if e.kind == "sustained":
                prev.kind = "sustained"
            continue
        merged.append(e)
    return merged


def _date_changes(events: list[Event], s: _Series) -> list[Event]:
    """Turn back-to-back opposite sustained events into one step, and date every change.

    The counts before and after a change are read from the data (useful points in a row on
    each side of it), so the sentence built from them is true whichever rules fired.
    """
    out: list[Event] = []
    for e in events:
        if e.kind != "sustained":
            out.append(e)
            continue
        prev = next((p for p in reversed(out) if p.kind == "sustained"), None)
        if (
            prev is not None
            and prev.phase == e.phase
            and prev.side == -e.side
            and (prev.has_run or e.has_run)
            and s.gap(prev.last, e.first) <= 1
        ):
            chained = prev.before > 0 and prev.after > 0  # prev is itself a step
            step = Event("sustained", e.phase, e.side, e.first, e.last, dict(e.counts))
            step.outside = dict(e.outside)
            if not chained:
                out.remove(prev)  # the earlier event is the first half of this step
                step.first, step.counts, step.outside = (
                    prev.first,
                    dict(prev.counts),
                    dict(prev.outside),
                )
                _add(step, e)
            step.change_at, step.change = e.first, e.side
            step.before, step.after = s.run_before(e.first), s.run_from(e.first)
            out.append(step)
            continue
        useful = s.useful_rows(e.phase)
        later = useful[useful > e.last]
        if e.has_run and later.size and (useful < e.first).sum() < later.size:
            # Less of the phase before the run than after it: the run is the earlier level,
            # and the change is where it ends.
            e.change_at, e.change = int(later[0]), -e.side
            e.before = s.run_before(e.change_at)
        else:
            e.change_at, e.change = e.first, e.side
            e.after = e.run_count
        out.append(e)
    return out


def find_events(points: Any, rules: str, chart: str) -> list[Event]:
    """Every event in one series' points table, in time order."""
    if points.empty:
        return []
    s = _Series(points)
    events = _date_changes(_merge_same_side(_raw_events(points, rules, chart, s), s), s)
    return sorted(
        events, key=lambda e: (e.phase, e.change_at if e.change_at is not None else e.first)
    )
