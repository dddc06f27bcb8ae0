"""Grouped reductions over flat arrays: one *group* is one phase of one series.

Every centre line, limit and moving range in ``kit.spc`` is computed per group with
reduceat / bincount tricks over arrays sorted by group, so there is no Python loop per point
or per series (see ``kit/spc/engine.py``).
"""

from __future__ import annotations

import numpy as np

from kit.spc.constants import D4


class Groups:
    """Grouped reductions over contiguous groups (``g`` sorted, every group non-empty)."""

    def __init__(self, g: np.ndarray, n_groups: int, starts: np.ndarray):
        self.g = g
        self.n = n_groups
        self.starts = starts

    def count(self, mask: np.ndarray) -> np.ndarray:
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(mask.astype(np.int64), self.starts)

    def sum(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if not self.n:
            return np.zeros(0)
        with np.errstate(invalid="ignore"):
            return np.add.reduceat(np.where(mask, values, 0.0), self.starts)

    def mean(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        cnt = self.count(mask)
        tot = self.sum(values, mask)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)

    def median(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        idx = np.flatnonzero(mask)
        keys = self.g[idx]
        vals = values[idx]
        order = np.lexsort((vals, keys))
        sv = vals[order]
        cnt = np.bincount(keys, minlength=self.n)
        start = np.concatenate(([0], np.cumsum(cnt)[:-1]))
        out = np.full(self.n, np.nan)
        has = cnt > 0
        lo = start[has] + (cnt[has] - 1) // 2
        hi = start[has] + cnt[has] // 2
        out[has] = (sv[lo] + sv[hi]) / 2.0
        return out

    def moving_ranges(
        self, values: np.ndarray, ok: np.ndarray, skip: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Moving ranges of neighbouring rows of one group that are both ``ok``.

        Returns ``(mr, pair_ok)`` aligned on the later point of each pair; a missing or
        excluded neighbour gives no moving range (it breaks the chain). Rows marked in
        ``skip`` (the excluded points, under ``mr_across_excluded``) are left out first, so
        the rows either side of them become neighbours, as qicharts2 takes its moving ranges
        over the included points only; a missing value still breaks the chain.
        """
        n = values.size
        mr = np.full(n, np.nan)
        pair_ok = np.zeros(n, dtype=bool)
        if skip is not None and n > 1:
            kept = np.flatnonzero(~skip)
            sub_mr, sub_ok = Groups(self.g[kept], self.n, self.starts).moving_ranges(
                values[kept], ok[kept]
            )
            mr[kept], pair_ok[kept] = sub_mr, sub_ok
            return mr, pair_ok
        if n > 1:
            pair_ok[1:] = ok[1:] & ok[:-1] & (self.g[1:] == self.g[:-1])
            mr[1:][pair_ok[1:]] = np.abs(values[1:] - values[:-1])[pair_ok[1:]]
        return mr, pair_ok

    def mrbar(
        self,
        values: np.ndarray,
        ok: np.ndarray,
        screened: bool,
        skip: np.ndarray | None = None,
    ) -> np.ndarray:
        """Average moving range per group, with Nelson's one-pass screening if asked.

        Screening drops moving ranges >= D4 * MRbar once and averages the rest (qicharts2's
        default; Nelson 1982). When MRbar is 0 nothing is dropped. ``skip``: see
        ``moving_ranges``.
        """
        mr, pair_ok = self.moving_ranges(values, ok, skip)
        bar = self.mean(mr, pair_ok)
        if screened:
            threshold = D4 * bar[self.g]
            keep = pair_ok & ((mr < threshold) | (bar[self.g] == 0))
            bar = self.mean(mr, keep)
        return bar
