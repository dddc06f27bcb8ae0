"""Signal rules, one small function each, vectorised over many series at once.

Every function works on a *sequence*: the points that take part in the rule, in time
order, already compressed (missing values and excluded points removed) and sorted by
``group`` (one group per phase of one series). Rules never look across a group boundary.
Thresholds are keyword arguments so that a documented deviation from a published rule set
is a parameter, not a fork. Each docstring names the source of the rule.
"""

from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------- helpers


def _same_as_previous(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """True where a point continues the previous point's run (same group and same key)."""
    out = np.zeros(group.shape, dtype=bool)
    if group.size > 1:
        out[1:] = (group[1:] == group[:-1]) & (key[1:] == key[:-1])
    return out


def run_lengths(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Length of the run of equal ``key`` values that each point belongs to."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    start = ~_same_as_previous(group, key)
    run_id = np.cumsum(start) - 1
    return np.bincount(run_id)[run_id]


def segment_max(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Maximum of ``values`` per group (0 for an empty group); ``group`` must be sorted."""
    out = np.zeros(n_groups, dtype=values.dtype if values.size else np.int64)
    if values.size:
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        out[group[starts]] = np.maximum.reduceat(values, starts)
    return out


def _windows_any(hit_end: np.ndarray, m: int) -> np.ndarray:
    """For each point i: does any window ending at i..i+m-1 have ``hit_end`` set?"""
    n = hit_end.size
    cs = np.concatenate(([0], np.cumsum(hit_end)))
    idx = np.arange(n)
    hi = np.minimum(idx + m, n)
    return (cs[hi] - cs[idx]) > 0


# --------------------------------------------------------------------------- rules


def consecutive_rule(group: np.ndarray, side: np.ndarray, *, min_length: int) -> np.ndarray:
    """Points in a run of at least ``min_length`` consecutive points with the same non-zero side.

    The building block of every "N points on one side of the centre line" rule. Whether a
    point on the centre line breaks the run is decided by the caller: pass it with
    ``side == 0`` to break (NHS Making Data Count, Western Electric), or leave it out of the
    sequence so it neither counts nor breaks (IHI, Perla et al. 2011; Anhøj 2014).
    """
    lengths = run_lengths(group, side)
    return (side != 0) & (lengths >= min_length)


def shift_rule(group: np.ndarray, side: np.ndarray, *, min_length: int = 6) -> np.ndarray:
    """IHI run-chart shift: ``min_length`` (6) or more consecutive points on one side.

    Perla, Provost & Murray, BMJ Qual Saf 2011;20:46-51, rule 1. The Health Care Data Guide
    (Provost & Murray 2011) uses 8 on Shewhart charts; NHS Making Data Count uses 7 with a
    point on the mean breaking the run; Western Electric uses 8.
    """
    return consecutive_rule(group, side, min_length=min_length)


def trend_rule(
    group: np.ndarray, values: np.ndarray, *, min_length: int = 5, ties_break: bool = False
) -> np.ndarray:
    """Points in a trend: ``min_length`` or more consecutive points all going up or all down.

    IHI run charts (Perla et al. 2011, rule 2): 5 points, and a repeated value neither adds
    to nor breaks the trend (``ties_break=False``). Health Care Data Guide Shewhart rules: 6
    points. NHS Making Data Count: 7 points strictly rising or falling, so a repeated value
    breaks the trend (``ties_break=True``).
    """
    n = values.size
    flags = np.zeros(n, dtype=bool)
    if n < 2:
        return flags
    # Without ties_break, repeats are dropped: they neither add to nor break the trend.
    keep = np.ones(n, dtype=bool) if ties_break else ~_same_as_previous(group, values)
    kg = group[keep]
    kv = values[keep]
    m = kv.size
    if m < 2:
        return flags
    # diff j (j >= 1) joins kept point j-1 and j; sign 0 marks a group start or a tie.
    sign = np.zeros(m, dtype=np.int8)
    same_group = kg[1:] == kg[:-1]
    sign[1:] = np.where(same_group, np.sign(kv[1:] - kv[:-1]), 0).astype(np.int8)
    # Runs of equal non-zero diff signs: k diffs span k + 1 points.
    lengths = run_lengths(kg, sign)
    qualifying = (sign != 0) & (lengths + 1 >= min_length)
    kept_flag = qualifying.copy()
    kept_flag[:-1] |= qualifying[1:]  # the point before the first diff belongs to the trend
    if ties_break:
        return kept_flag
    # Map back: a dropped repeat sits inside a trend when the diff after its kept twin does.
    kept_index = np.cumsum(keep) - 1
    flags[keep] = kept_flag
    dup = ~keep
    after = kept_index[dup] + 1
    inside = np.zeros(dup.sum(), dtype=bool)
    ok = after < m
    inside[ok] = qualifying[after[ok]]
    flags[dup] = inside
    return flags


def outside_limits_rule(y: np.ndarray, lcl: np.ndarray, ucl: np.ndarray) -> np.ndarray:
    """A point beyond the control limits (Shewhart 1931; rule 1 in every rule set).

    Strict inequalities: a point exactly on a limit is not a signal. NaN limits never fire.
    """
    with np.errstate(invalid="ignore"):
        return (y > ucl) | (y < lcl)


def k_of_m_rule(group: np.ndarray, beyond: np.ndarray, *, k: int, m: int) -> np.ndarray:
    """Points that are ``beyond`` and lie in a window of ``m`` consecutive points of which at
    least ``k`` are ``beyond`` (call once per side, so the points are on the same side).

    Western Electric Handbook (1956): 2 of 3 beyond 2 sigma (``k=2, m=3``) and 4 of 5 beyond
    1 sigma (``k=4, m=5``); the Health Care Data Guide and NHS Making Data Count use 2 of 3.
    A window needs ``m`` points in the same phase, so a phase shorter than ``m`` never fires.
    """
    n = beyond.size
    if n < m or m < 1:
        return np.zeros(n, dtype=bool)
    cs = np.concatenate(([0], np.cumsum(beyond)))
    end = np.arange(m - 1, n)
    counts = cs[end + 1] - cs[end + 1 - m]
    same = group[end] == group[end + 1 - m]
    hit_end = np.zeros(n, dtype=bool)
    hit_end[end] = (counts >= k) & same
    return beyond & _windows_any(hit_end, m)


def hugging_rule(
    group: np.ndarray, within_one_sigma: np.ndarray, *, min_length: int = 15
) -> np.ndarray:
    """``min_length`` (15) or more consecutive points within 1 sigma of the centre line.

    Health Care Data Guide (Provost & Murray 2011) rule 5: too little variation, often a sign
    that limits were computed from mixed data or that the data are being adjusted.
    """
    return consecutive_rule(group, within_one_sigma.astype(np.int8), min_length=min_length)


def anhoej_runs(
    group: np.ndarray, side: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Anhøj's runs statistics per group, from the sequence of useful points.

    Anhøj & Olesen, PLOS ONE 2014;9(11):e113825. ``side`` holds +1/-1 for useful points only
    (points on the centre line are left out: they neither count nor break a run). Returns
    ``(n_useful, longest_run, n_crossings, run_length_per_point)``.
    """
    n_useful = np.bincount(group, minlength=n_groups)
    lengths = run_lengths(group, side)
    longest = segment_max(lengths, group, n_groups)
    crossings = np.zeros(n_groups, dtype=np.int64)
    if group.size > 1:
        cross = (group[1:] == group[:-1]) & (side[1:] != side[:-1])
        crossings = np.bincount(group[1:][cross], minlength=n_groups)
    return n_useful, longest, crossings, lengths
