"""The four rule sets, one function each, applied to all series and phases at once.

Each function reads one :class:`RuleInput` (the runs statistics and the sequence of useful
points prepared by ``kit/spc/engine.py``) and returns a :class:`RuleOutcome`: the rule set's
own per-point columns, its per-phase columns and the list of rules that fired, in the order
their names are listed on a point. The single rules live in ``kit/spc/rules.py``;
``facilitator-guide/spc-deviations.md`` says where these rule sets differ from other tools.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from kit.spc import rules as R
from kit.spc.limits import runs_limits_array
from kit.spc.options import Options

#: Perla et al. 2011, Table 1 starts at 10 useful points: fewer never signal on runs.
MIN_USEFUL_FOR_RUNS_TEST = 10
#: NHS Making Data Count's single label per point, lowest priority first.
MDC_LABELS = ["shift", "two_of_three", "trend", "outside"]


@dataclass(frozen=True)
class Fired:
    """One rule's flags per point and the side each flagged point is on (+1 up, -1 down)."""

    name: str
    flags: np.ndarray
    sense: np.ndarray


@dataclass
class RuleOutcome:
    """The columns a rule set adds to the points and phases tables, and the rules it read."""

    points: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    fired: list[Fired] = field(default_factory=list)


@dataclass(frozen=True)
class RuleInput:
    """Everything the rule sets read, per point, per useful point and per group.

    ``seq`` indexes the points taking part in the rules (valid, not excluded) in time
    order; ``useful`` marks the points off the centre line (Anhøj's useful observations)
    and ``useful_side`` / ``useful_run_length`` describe them. Per group: ``n_useful``,
    ``crossings``, ``longest_run_max`` and the Anhøj signals.
    """

    n: int
    group: np.ndarray
    n_groups: int
    seq: np.ndarray
    values: np.ndarray
    runs_centre: np.ndarray
    zone_centre: np.ndarray
    sigma: np.ndarray
    useful: np.ndarray
    useful_side: np.ndarray
    useful_run_length: np.ndarray
    n_useful: np.ndarray
    crossings: np.ndarray
    longest_run_max: np.ndarray
    long_run: np.ndarray
    few_crossings: np.ndarray
    sigma_signal: np.ndarray
    side: np.ndarray
    valid: np.ndarray
    run_chart: bool
    options: Options

    @cached_property
    def seq_group(self) -> np.ndarray:
        return self.group[self.seq]

    @cached_property
    def seq_values(self) -> np.ndarray:
        return self.values[self.seq]

    @cached_property
    def useful_group(self) -> np.ndarray:
        return self.group[self.useful]

    def scatter(self, flags_seq: np.ndarray) -> np.ndarray:
        """Flags on the sequence back onto every point."""
        out = np.zeros(self.n, dtype=bool)
        out[self.seq] = flags_seq
        return out

    def zones(self, k: float) -> tuple[np.ndarray, np.ndarray]:
        """Sequence points beyond ``k`` sigma above and below the zone centre."""
        sv, zc, sig = self.seq_values, self.zone_centre[self.seq], self.sigma[self.seq]
        with np.errstate(invalid="ignore"):
            above = (sv > zc + k * sig) & (sig > 0)
            below = (sv < zc - k * sig) & (sig > 0)
        return above, below

    def seq_side(self) -> np.ndarray:
        """Side of the runs centre per sequence point; 0 on the line (it breaks a run)."""
        sv, cl = self.seq_values, self.runs_centre[self.seq]
        with np.errstate(invalid="ignore"):
            side = np.where(sv == cl, 0, np.sign(sv - cl))
        return np.nan_to_num(side).astype(np.int8)

    def trends(self, min_length: int, ties_break: bool) -> tuple[np.ndarray, np.ndarray]:
        sg, sv = self.seq_group, self.seq_values
        up = R.trend_rule(sg, sv, min_length=min_length, ties_break=ties_break)
        down = R.trend_rule(sg, -sv, min_length=min_length, ties_break=ties_break)
        return self.scatter(up), self.scatter(down)

    def two_of_three(self, *, exclude_beyond_three: bool = False) -> np.ndarray:
        a2, b2 = self.zones(2.0)
        if exclude_beyond_three:
            a3, b3 = self.zones(3.0)
            a2, b2 = a2 & ~a3, b2 & ~b3
        sg = self.seq_group
        return self.scatter(R.k_of_m_rule(sg, a2, k=2, m=3) | R.k_of_m_rule(sg, b2, k=2, m=3))

    def any_per_group(self, flags: np.ndarray) -> np.ndarray:
        return np.bincount(self.group, weights=flags, minlength=self.n_groups) > 0


def _trend_sense(up: np.ndarray, down: np.ndarray) -> np.ndarray:
    return np.where(up, 1, np.where(down, -1, 0)).astype(np.int8)


def anhoej(r: RuleInput) -> RuleOutcome:
    """Anhøj's rules: an unusually long run or unusually few crossings of the centre line.

    Anhøj & Olesen, "Run charts revisited", PLOS ONE 2014;9(11):e113825; the critical values
    are in ``kit/spc/limits.py``. On control charts they join Shewhart's 3-sigma rule, as in
    qicharts2.
    """
    long_run = np.zeros(r.n, dtype=bool)
    long_run[np.flatnonzero(r.useful)] = r.useful_run_length > r.longest_run_max[r.useful_group]
    runs_signal = r.long_run | r.few_crossings
    out = RuleOutcome()
    out.groups.update(
        shift_signal=r.long_run, crossings_signal=r.few_crossings, runs_signal=runs_signal
    )
    out.points["long_run"] = long_run
    out.points["runs_signal"] = runs_signal[r.group] & r.valid
    out.fired.append(Fired("unusually long run", long_run, r.side))
    return out


def ihi(r: RuleInput) -> RuleOutcome:
    """IHI rules: shift, trend, too few or too many runs; on control charts also 2 of 3 and
    15 hugging the centre line.

    Run charts: Perla, Provost & Murray, BMJ Qual Saf 2011;20:46-51 (shift 6, trend 5, runs
    test from 10 useful points). Shewhart charts: Provost & Murray, The Health Care Data Guide
    (2011), chapter 4 (shift 8, trend 6, 2 of 3 beyond 2 sigma, 15 within 1 sigma).
    """
    opts = r.options
    shift_len = opts.threshold("shift", 6 if r.run_chart else 8)
    trend_len = opts.threshold("trend", 5 if r.run_chart else 6)
    shift = np.zeros(r.n, dtype=bool)
    shift[np.flatnonzero(r.useful)] = R.shift_rule(
        r.useful_group, r.useful_side, min_length=shift_len
    )
    t_up, t_down = r.trends(trend_len, ties_break=False)
    trend = t_up | t_down
    n_runs = np.where(r.n_useful > 0, r.crossings + 1, 0)
    lo, hi = runs_limits_array(r.n_useful)
    # The runs count is a run-chart rule; Shewhart charts use the Data Guide's five rules.
    enough = (r.n_useful >= MIN_USEFUL_FOR_RUNS_TEST) & r.run_chart
    with np.errstate(invalid="ignore"):
        too_few = (n_runs < lo) & enough
        too_many = (n_runs > hi) & enough
    out = RuleOutcome()
    out.groups.update(
        n_runs=n_runs, runs_lower=lo, runs_upper=hi, too_few_runs=too_few, too_many_runs=too_many
    )
    out.points.update(shift=shift, trend=trend)
    out.fired.append(Fired("shift", shift, r.side))
    out.fired.append(Fired("trend", trend, _trend_sense(t_up, t_down)))
    any_point = shift | trend
    if not r.run_chart:
        two = r.two_of_three()
        a1, b1 = r.zones(1.0)
        sig = r.sigma[r.seq]
        finite = np.isfinite(sig) & (sig > 0)
        hugging_len = opts.threshold("hugging", 15)
        hug = r.scatter(R.hugging_rule(r.seq_group, ~a1 & ~b1 & finite, min_length=hugging_len))
        out.points.update(two_of_three=two, hugging=hug)
        out.fired.append(Fired("two of three near a limit", two, r.side))
        out.fired.append(Fired("fifteen hugging the centre line", hug, np.zeros(r.n, np.int8)))
        any_point = any_point | two | hug
    out.groups["runs_signal"] = r.any_per_group(any_point) | too_few | too_many
    return out


def nhs(r: RuleInput) -> RuleOutcome:
    """NHS Making Data Count: outside the limits, 7 on one side, 7 rising or falling, 2 of 3
    between 2 and 3 sigma; one label per point with the priority outside > trend > two of
    three > shift.

    NHS England, Making Data Count (2019) and the NHSRplotthedots package vignette; a point
    on the mean breaks a run, a repeated value breaks a trend.
    """
    opts = r.options
    shift = r.scatter(
        R.shift_rule(r.seq_group, r.seq_side(), min_length=opts.threshold("shift", 7))
    )
    t_up, t_down = r.trends(opts.threshold("trend", 7), ties_break=True)
    trend = t_up | t_down
    two = r.two_of_three(exclude_beyond_three=True)
    # One label per point; later assignments win: outside > trend > two_of_three > shift.
    code = np.full(r.n, -1, dtype=np.int8)
    for k, flag in enumerate((shift, two, trend, r.sigma_signal)):
        code[flag] = k
    out = RuleOutcome()
    out.points["special_cause"] = pd.Categorical.from_codes(code, categories=MDC_LABELS)
    out.points.update(shift=shift, trend=trend, two_of_three=two)
    out.fired.append(Fired("shift", shift, r.side))
    out.fired.append(Fired("trend", trend, _trend_sense(t_up, t_down)))
    out.fired.append(Fired("two of three near a limit", two, r.side))
    out.groups["runs_signal"] = r.any_per_group(shift | trend)
    return out


def western_electric(r: RuleInput) -> RuleOutcome:
    """Western Electric rules 1-4: outside 3 sigma, 2 of 3 beyond 2 sigma, 4 of 5 beyond
    1 sigma, 8 in a row on one side (a point on the centre line breaks the run).

    Western Electric Company, Statistical Quality Control Handbook (1956), section 1-B;
    Montgomery, Introduction to Statistical Quality Control, section 5.3.6.
    """
    sg = r.seq_group
    seq_side = np.nan_to_num(np.sign(r.seq_values - r.runs_centre[r.seq])).astype(np.int8)
    a1, b1 = r.zones(1.0)
    we2 = r.two_of_three()
    we3 = r.scatter(R.k_of_m_rule(sg, a1, k=4, m=5) | R.k_of_m_rule(sg, b1, k=4, m=5))
    we4 = r.scatter(R.consecutive_rule(sg, seq_side, min_length=r.options.threshold("shift", 8)))
    out = RuleOutcome()
    out.points.update(we1=r.sigma_signal.copy(), we2=we2, we3=we3, we4=we4)
    out.fired.append(Fired("two of three near a limit", we2, r.side))
    out.fired.append(Fired("four of five away from the centre line", we3, r.side))
    out.fired.append(Fired("eight on one side", we4, r.side))
    out.groups["runs_signal"] = r.any_per_group(we4)
    return out


#: One function per rule set code (see ``kit/spc/options.py``).
RULE_SET_FUNCTIONS: dict[str, Callable[[RuleInput], RuleOutcome]] = {
    "anhoej": anhoej,
    "ihi": ihi,
    "nhs": nhs,
    "western_electric": western_electric,
}
