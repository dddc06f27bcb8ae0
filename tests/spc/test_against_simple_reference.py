"""``kit.spc`` against a deliberately simple, loop-based reference written here from the formulas.

The reference below shares no code with ``kit.spc``: it walks each phase point by point with
plain Python lists, ``statistics`` and ``math``, the way a participant would do it on paper
(the formulas cited in ``kit/spc/chart_limits.py`` and ``kit/spc/rule_sets.py``). Hundreds of seeded random series with missing values,
ties, zero denominators, phases, frozen baselines and exclusions must give the same centre
lines, limits, runs statistics and rule flags from both.
"""

from __future__ import annotations

import functools
import math
import statistics

import numpy as np
import pandas as pd
import pytest

from kit.spc import analyze, analyze_many

# --------------------------------------------------------------------------- the reference


def ref_anhoej_limits(n: int) -> tuple[int, int]:
    longest = round(math.log2(n) + 3)  # Python rounds half to even, like R
    total = 0
    for x in range(n):
        total += math.comb(n - 1, x)
        if total / 2 ** (n - 1) >= 0.05:
            return longest, x
    return longest, n - 1


@functools.cache
def ref_runs_limits(n: int) -> tuple[int, int]:
    """Swed-Eisenhart by counting arrangements step by step (dynamic programming).

    Each state is (points above used, points below used, side of the last point) and holds
    how many arrangements reach it with each number of runs.
    """
    n1, n2 = n // 2, n - n // 2
    states: dict[tuple[int, int, int], dict[int, int]] = {}
    if n1:
        states[(1, 0, 1)] = {1: 1}
    if n2:
        states[(0, 1, 0)] = {1: 1}
    for _ in range(n - 1):
        nxt: dict[tuple[int, int, int], dict[int, int]] = {}
        for (a, b, last), runs in states.items():
            for side in (0, 1):
                a2, b2 = a + side, b + (1 - side)
                if a2 > n1 or b2 > n2:
                    continue
                bucket = nxt.setdefault((a2, b2, side), {})
                for r, c in runs.items():
                    r2 = r + (side != last)
                    bucket[r2] = bucket.get(r2, 0) + c
        states = nxt
    counts: dict[int, int] = {}
    for runs in states.values():
        for r, c in runs.items():
            counts[r] = counts.get(r, 0) + c
    total = sum(counts.values())
    lower = 0
    for r in range(0, n + 2):
        if sum(c for k, c in counts.items() if k < r) / total <= 0.025:
            lower = r
    upper = n
    for u in range(n, -1, -1):
        if sum(c for k, c in counts.items() if k > u) / total <= 0.025:
            upper = u
    return lower, upper


def ref_mrbar(vals: list[float], ok: list[bool], screened: bool) -> float:
    mrs = [abs(vals[i] - vals[i - 1]) for i in range(1, len(vals)) if ok[i] and ok[i - 1]]
    if not mrs:
        return math.nan
    bar = sum(mrs) / len(mrs)
    if screened and bar > 0:
        kept = [m for m in mrs if m < 3.267 * bar]
        bar = sum(kept) / len(kept)
    return bar


def c4(n: float) -> float:
    return math.sqrt(2 / (n - 1)) * math.gamma(n / 2) / math.gamma((n - 1) / 2)


class PhaseReference:
    """One phase of one series, computed point by point with loops (no numpy, no kit.spc)."""

    def __init__(self, chart, values, den, idx, exclude, freeze, screened):
        self.chart = chart
        self.m = len(idx)
        self.excl = [i in exclude for i in idx]
        self._values(values, den, idx)
        self.base = [
            self.valid[k] and not self.excl[k] and (freeze is None or k < freeze)
            for k in range(self.m)
        ]
        self.bvals = [self.y[k] for k in range(self.m) if self.base[k]]
        self._limits(screened)
        self._runs()

    # ---- the values each chart plots
    def _values(self, values, den, idx):
        chart, m = self.chart, self.m
        if chart in ("xbar", "s"):
            self.means, self.sds, self.sizes = [], [], []
            for i in idx:
                sub = [v for v in values[i] if not math.isnan(v)]
                self.sizes.append(len(sub))
                self.means.append(sum(sub) / len(sub) if sub else math.nan)
                self.sds.append(statistics.stdev(sub) if len(sub) > 1 else math.nan)
        raw = [values[i] for i in idx] if chart not in ("xbar", "s") else None
        self.raw = raw
        if chart in ("p", "pp", "u", "up"):
            self.dd = dd = [den[i] for i in idx]
            valid = [
                (not math.isnan(v)) and (not math.isnan(d)) and d > 0
                for v, d in zip(raw, dd, strict=True)
            ]
            y = [v / d if ok else math.nan for v, d, ok in zip(raw, dd, valid, strict=True)]
        elif chart == "mr":
            y = [math.nan] * m
            for k in range(1, m):
                if not math.isnan(raw[k]) and not math.isnan(raw[k - 1]):
                    y[k] = abs(raw[k] - raw[k - 1])
            self.excl = [self.excl[k] or (k > 0 and self.excl[k - 1]) for k in range(m)]
            valid = [not math.isnan(v) for v in y]
        elif chart == "xbar":
            y = self.means
            valid = [not math.isnan(v) for v in y]
        elif chart == "s":
            y = self.sds
            valid = [(not math.isnan(v)) and s >= 2 for v, s in zip(y, self.sizes, strict=True)]
        else:
            y = list(raw)
            valid = [not math.isnan(v) for v in y]
        self.y, self.valid = y, valid

    # ---- centre line and limits
    def _limits(self, screened):
        m = self.m
        self.sig = [math.nan] * m
        self.zc = [math.nan] * m
        self.ucl = [math.nan] * m
        self.lcl = [math.nan] * m
        self.v = list(self.y)  # analysis scale
        if not self.bvals:
            self.cl_v = math.nan
            self.cl = [math.nan] * m
        elif self.chart == "run":
            self.cl_v = statistics.median(self.bvals)
            self.cl = [self.cl_v] * m
            self.zc = self.cl
        elif self.chart in ("i", "t"):
            self._xmr_limits(screened)
        elif self.chart in ("mr", "c", "g"):
            self._count_limits()
        elif self.chart in ("p", "pp", "u", "up"):
            self._ratio_limits(screened)
        else:
            self._subgroup_limits()

    def _xmr_limits(self, screened):
        m, chart, y = self.m, self.chart, self.y
        if chart == "t":
            self.v = [
                val ** (1 / 3.6) if ok else math.nan for val, ok in zip(y, self.valid, strict=True)
            ]
        bv = [self.v[k] for k in range(m) if self.base[k]]
        cl_v = self.cl_v = sum(bv) / len(bv)
        s = ref_mrbar(self.v, self.base, screened) / 1.128
        self.zc = [cl_v] * m
        self.sig = [s] * m
        if math.isnan(s):  # fewer than two neighbouring points: no limits
            self.cl = [cl_v**3.6 if chart == "t" else cl_v] * m
        elif chart == "t":
            self.cl = [cl_v**3.6] * m
            hi = cl_v + 3 * s
            lo = cl_v - 3 * s
            self.ucl = [hi**3.6 if s > 0 else cl_v**3.6] * m
            self.lcl = [(0.0 if lo < 0 else lo**3.6) if s > 0 else cl_v**3.6] * m
        else:
            self.cl = [cl_v] * m
            self.ucl = [cl_v + 3 * s if s > 0 else cl_v] * m
            self.lcl = [cl_v - 3 * s if s > 0 else cl_v] * m

    def _count_limits(self):
        m, bvals = self.m, self.bvals
        if self.chart == "mr":
            cl_v = self.cl_v = sum(bvals) / len(bvals)
            self.cl = [cl_v] * m
            self.ucl = [3.267 * cl_v] * m
            self.lcl = [0.0 if cl_v > 0 else cl_v] * m
            self.zc = self.cl
            self.sig = [cl_v * 2.267 / 3] * m
        elif self.chart == "c":
            cl_v = self.cl_v = sum(bvals) / len(bvals)
            self.cl = [cl_v] * m
            s = math.sqrt(cl_v)
            self.ucl = [cl_v + 3 * s] * m
            self.lcl = [max(0.0, cl_v - 3 * s)] * m
            self.zc, self.sig = self.cl, [s] * m
        else:  # g
            cl_v = self.cl_v = statistics.median(bvals)
            self.cl = [cl_v] * m
            mean = sum(bvals) / len(bvals)
            s = math.sqrt(mean * (mean + 1))
            self.ucl = [mean + 3 * s] * m
            self.lcl = [0.0] * m
            self.zc, self.sig = [mean] * m, [s] * m

    def _ratio_limits(self, screened):
        m, chart, raw, dd, base, sig = self.m, self.chart, self.raw, self.dd, self.base, self.sig
        num = sum(raw[k] for k in range(m) if base[k])
        dsum = sum(dd[k] for k in range(m) if base[k])
        cl_v = self.cl_v = num / dsum
        self.cl = [cl_v] * m
        self.zc = self.cl
        for k in range(m):
            if self.valid[k]:
                unit = cl_v * (1 - cl_v) if chart in ("p", "pp") else cl_v
                sig[k] = math.sqrt(unit / dd[k])
        if chart in ("pp", "up") and cl_v > 0 and (chart in ("u", "up") or cl_v < 1):
            z = [(self.y[k] - cl_v) / sig[k] if base[k] else math.nan for k in range(m)]
            sz = ref_mrbar(z, base, screened) / 1.128
            sig = self.sig = [s * sz for s in sig]
        for k in range(m):
            if not self.valid[k]:
                continue
            if sig[k] == 0 or cl_v == 0 or (chart in ("p", "pp") and cl_v == 1):
                self.ucl[k] = self.lcl[k] = cl_v
                sig[k] = 0.0
                continue
            if math.isnan(sig[k]):
                continue  # too few points for Laney's moving ranges: no limits
            self.ucl[k] = cl_v + 3 * sig[k]
            self.lcl[k] = max(0.0, cl_v - 3 * sig[k])
            if chart in ("p", "pp"):
                self.ucl[k] = min(1.0, self.ucl[k])

    def _subgroup_limits(self):
        m, base, sizes, sds, sig = self.m, self.base, self.sizes, self.sds, self.sig
        bs = [k for k in range(m) if base[k] and sizes[k] >= 2 and not math.isnan(sds[k])]
        if len({sizes[k] for k in bs}) == 1:
            sbar = sum(sds[k] for k in bs) / len(bs)
        elif bs:
            sbar = math.sqrt(
                sum((sizes[k] - 1) * sds[k] ** 2 for k in bs) / sum(sizes[k] - 1 for k in bs)
            )
        else:
            sbar = math.nan
        if self.chart == "xbar":
            cl_v = self.cl_v = sum(sizes[k] * self.means[k] for k in range(m) if base[k]) / sum(
                sizes[k] for k in range(m) if base[k]
            )
            self.cl = [cl_v] * m
            for k in range(m):
                if sizes[k] >= 2 and not math.isnan(sbar):
                    a3 = 3 / (c4(sizes[k]) * math.sqrt(sizes[k]))
                    sig[k] = a3 * sbar / 3
                    self.ucl[k] = cl_v + a3 * sbar if sbar > 0 else cl_v
                    self.lcl[k] = cl_v - a3 * sbar if sbar > 0 else cl_v
        else:
            self.cl_v = sbar
            self.cl = [sbar] * m
            for k in range(m):
                if sizes[k] >= 2:
                    c = c4(sizes[k])
                    spread = 3 * math.sqrt(1 - c * c) / c
                    sig[k] = sbar * spread / 3
                    self.ucl[k] = (1 + spread) * sbar
                    self.lcl[k] = max(0.0, 1 - spread) * sbar
        self.zc = self.cl

    # ---- outside the limits and the runs of useful points
    def _runs(self):
        m, chart, v = self.m, self.chart, self.v
        centre_a = [
            (val ** (1 / 3.6) if chart == "t" else val) if not math.isnan(val) else math.nan
            for val in self.cl
        ]
        if chart == "t" and self.bvals:
            centre_a = [self.cl_v] * m
        self.centre_a = centre_a
        # excluded points still count as outside the limits
        self.outside = [
            self.valid[k]
            and not math.isnan(self.ucl[k])
            and (self.y[k] > self.ucl[k] or self.y[k] < self.lcl[k])
            for k in range(m)
        ]
        self.seq = [k for k in range(m) if self.valid[k] and not self.excl[k]]
        self.useful = [k for k in self.seq if not math.isnan(centre_a[k]) and v[k] != centre_a[k]]
        self.sides = [1 if v[k] > centre_a[k] else -1 for k in self.useful]
        longest, crossings, cur = 0, 0, 0
        runs: list[list[int]] = []
        for j, k in enumerate(self.useful):
            if j > 0 and self.sides[j] == self.sides[j - 1]:
                cur += 1
                runs[-1].append(k)
            else:
                if j > 0:
                    crossings += 1
                cur = 1
                runs.append([k])
            longest = max(longest, cur)
        self.run_len_of = {k: len(run) for run in runs for k in run}
        self.longest, self.crossings, self.nu = longest, crossings, len(self.useful)
        self.lr_max, self.nc_min = ref_anhoej_limits(self.nu) if self.nu else (math.nan, math.nan)
        self.zc_a = [centre_a[k] if chart != "g" else self.zc[k] for k in range(m)]
        if chart in ("i", "t") and self.bvals:
            self.zc_a = [self.cl_v] * m

    # ---- the single rules
    def consecutive(self, side_of: dict[int, int], order: list[int], need: int) -> list[bool]:
        out = [False] * self.m
        block: list[int] = []
        for k in order + [None]:
            s = side_of.get(k, 0) if k is not None else 0
            if block and (k is None or s == 0 or s != side_of[block[-1]]):
                if len(block) >= need:
                    for q in block:
                        out[q] = True
                block = []
            if k is not None and s != 0:
                block.append(k)
        return out

    def trend(self, order: list[int], need: int, ties_break: bool) -> list[bool]:
        out = [False] * self.m
        v = self.v
        pts = list(order)
        kept = []
        if not ties_break:  # a repeated value neither adds nor breaks
            for k in pts:
                if kept and v[k] == v[kept[-1]]:
                    continue
                kept.append(k)
        else:
            kept = pts
        for direction in (1, -1):
            start = 0
            for j in range(1, len(kept) + 1):
                going = j < len(kept) and (v[kept[j]] - v[kept[j - 1]]) * direction > 0
                if not going:
                    if j - start >= need:
                        first, last = kept[start], kept[j - 1]
                        for q in pts:
                            if first <= q <= last:
                                out[q] = True
                    start = j
        return out

    def k_of_m(self, cond, k_need: int, window: int) -> list[bool]:
        out = [False] * self.m
        for end in range(window - 1, len(self.seq)):
            win = self.seq[end - window + 1 : end + 1]
            hits = [q for q in win if cond(q)]
            if len(hits) >= k_need:
                for q in hits:
                    out[q] = True
        return out

    def beyond(self, q: int, s: float, side: int) -> bool:
        if not (self.sig[q] > 0):
            return False
        return (self.v[q] - self.zc_a[q]) * side > s * self.sig[q]

    def both_sides(self, k_need: int, window: int, s: float, within: float | None = None):
        def cond(side):
            return lambda q: (
                self.beyond(q, s, side)
                and not (within is not None and self.beyond(q, within, side))
            )

        up = self.k_of_m(cond(1), k_need, window)
        down = self.k_of_m(cond(-1), k_need, window)
        return [a_ or b_ for a_, b_ in zip(up, down, strict=True)]

    def side_with_ties(self) -> dict[int, int]:
        v, centre_a = self.v, self.centre_a
        return {
            k: (0 if v[k] == centre_a[k] else (1 if v[k] > centre_a[k] else -1))
            for k in self.seq
            if not math.isnan(centre_a[k])
        }

    # ---- the rule sets
    def rule_flags(self, rules: str) -> tuple[dict, dict[str, list]]:
        m = self.m
        phase_row = dict(
            n_useful=self.nu,
            longest_run=self.longest,
            n_crossings=self.crossings,
            longest_run_max=self.lr_max,
            n_crossings_min=self.nc_min,
        )
        flags: dict[str, list] = {}
        if rules == "anhoej":
            flags["long_run"] = [
                k in self.run_len_of and self.run_len_of[k] > self.lr_max for k in range(m)
            ]
            phase_row["runs_signal"] = bool(self.nu) and (
                self.longest > self.lr_max or self.crossings < self.nc_min
            )
        elif rules == "ihi":
            run_chart = self.chart == "run"
            side_of = dict(zip(self.useful, self.sides, strict=True))
            flags["shift"] = self.consecutive(side_of, self.useful, 6 if run_chart else 8)
            flags["trend"] = self.trend(self.seq, 5 if run_chart else 6, ties_break=False)
            if self.nu:
                lo, hi = ref_runs_limits(self.nu)
                phase_row.update(n_runs=self.crossings + 1, runs_lower=lo, runs_upper=hi)
            if not run_chart:
                flags["two_of_three"] = self.both_sides(2, 3, 2)
        elif rules == "nhs":
            flags["shift"] = self.consecutive(self.side_with_ties(), self.seq, 7)
            flags["trend"] = self.trend(self.seq, 7, ties_break=True)
            flags["two_of_three"] = self.both_sides(2, 3, 2, within=3)
            label = []
            for k in range(m):
                lab = None
                for name, fl in (
                    ("shift", flags["shift"]),
                    ("two_of_three", flags["two_of_three"]),
                    ("trend", flags["trend"]),
                    ("outside", self.outside),
                ):
                    if fl[k]:
                        lab = name
                label.append(lab)
            flags["special_cause"] = label
        elif rules == "western_electric":
            flags["we2"] = self.both_sides(2, 3, 2)
            flags["we3"] = self.both_sides(4, 5, 1)
            flags["we4"] = self.consecutive(self.side_with_ties(), self.seq, 8)
        if self.chart == "mr":  # only the outside-limits rule is read on an MR chart
            flags = {
                k: (
                    [None if lab != "outside" else lab for lab in fl]
                    if k == "special_cause"
                    else [False] * m
                )
                for k, fl in flags.items()
            }
            if "runs_signal" in phase_row:
                phase_row["runs_signal"] = False
        return phase_row, flags


def reference(
    chart: str,
    values: list,
    den: list | None,
    phase_starts: list[int],
    exclude: list[int],
    freeze: int | None,
    rules: str,
    screened: bool = True,
) -> tuple[list[dict], list[dict]]:
    """One dict per point and one per phase, computed with loops."""
    n_all = len(values)
    cuts = sorted({0, *[s for s in phase_starts if 0 < s < n_all]}) + [n_all]
    points: list[dict] = []
    phases: list[dict] = []
    for ph, (a, b) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        ref = PhaseReference(chart, values, den, list(range(a, b)), exclude, freeze, screened)
        phase_row, flags = ref.rule_flags(rules)
        phases.append(phase_row)
        for k in range(ref.m):
            row = dict(
                cl=ref.cl[k], ucl=ref.ucl[k], lcl=ref.lcl[k], sigma_signal=ref.outside[k], phase=ph
            )
            row.update({name: fl[k] for name, fl in flags.items()})
            points.append(row)
    return points, phases


# --------------------------------------------------------------------------- random data


def make_series(rng: np.random.Generator, chart: str, size: int):
    den = None
    if chart in ("run", "i", "mr"):
        vals = rng.integers(0, 8, size).astype(float)  # small integers: many ties
    elif chart in ("c", "g"):
        vals = rng.poisson(rng.uniform(0.5, 12), size).astype(float)
    elif chart == "t":
        vals = np.round(rng.exponential(10, size) + 0.1, 1)
    elif chart in ("p", "pp"):
        den = rng.integers(0, 40, size).astype(float)
        vals = rng.binomial(den.astype(int), rng.uniform(0.05, 0.95)).astype(float)
    elif chart in ("u", "up"):
        den = np.round(rng.uniform(0, 6, size), 1)
        den[rng.random(size) < 0.1] = 0.0
        vals = rng.poisson(3 * np.maximum(den, 0.1)).astype(float)
    else:  # xbar, s
        return [list(np.round(rng.normal(10, 2, rng.integers(1, 6)), 1)) for _ in range(size)], None
    gaps = rng.random(size) < 0.1
    vals[gaps] = np.nan
    return list(vals), None if den is None else list(den)


CHARTS = ["run", "i", "mr", "c", "g", "t", "p", "pp", "u", "up", "xbar", "s"]
ZONE_CHARTS = ["i", "c", "p", "u", "run", "xbar"]


def scenarios():
    rng = np.random.default_rng(20240601)
    out = []
    for chart in CHARTS:
        rule_sets = ["anhoej", "ihi"] + (
            ["nhs", "western_electric"] if chart in ZONE_CHARTS else []
        )
        for rules in rule_sets:
            for rep in range(8):
                size = int(rng.integers(1, 45))
                n_phase = int(rng.integers(0, 3))
                starts = (
                    sorted(set(rng.choice(np.arange(1, size), n_phase).tolist()))
                    if size > 1
                    else []
                )
                n_excl = int(rng.integers(0, 4))
                exclude = sorted(set(rng.integers(0, size, n_excl).tolist()))
                freeze = None if rng.random() < 0.5 else int(rng.integers(1, 15))
                out.append(
                    (chart, rules, rep, size, starts, exclude, freeze, int(rng.integers(1e9)))
                )
    return out


SCENARIOS = scenarios()


def _close(a: float, b: float) -> bool:
    if (a is None or (isinstance(a, float) and math.isnan(a))) and (
        b is None or (isinstance(b, float) and math.isnan(b))
    ):
        return True
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize(
    "chart,rules,rep,size,starts,exclude,freeze,seed",
    SCENARIOS,
    ids=[f"{s[0]}-{s[1]}-{s[2]}" for s in SCENARIOS],
)
def test_kit_matches_loop_reference(chart, rules, rep, size, starts, exclude, freeze, seed):
    rng = np.random.default_rng(seed)
    values, den = make_series(rng, chart, size)
    res = analyze(
        values, den, chart=chart, phase_starts=starts, exclude=exclude, freeze=freeze, rules=rules
    )
    ref_points, ref_phases = reference(chart, values, den, starts, exclude, freeze, rules)
    pts = res.points
    assert len(pts) == len(ref_points)
    for k, exp in enumerate(ref_points):
        for key, want in exp.items():
            got = pts[key].iloc[k]
            if key in ("cl", "ucl", "lcl"):
                if chart == "run" and key != "cl":
                    continue
                assert _close(float(got), want), (k, key, got, want)
            else:
                missing = want is None and pd.isna(got)  # categorical labels: NaN for none
                assert got == want or missing, (k, key, got, want)
    for p, exp in enumerate(ref_phases):
        row = res.phases.iloc[p]
        for key, want in exp.items():
            assert _close(float(row[key]), float(want)), (p, key, row[key], want)


def test_analyze_many_equals_analyze_per_series():
    """The vectorised many-series path gives exactly what one call per series gives."""
    rng = np.random.default_rng(7)
    frames = []
    for team in range(12):
        size = int(rng.integers(1, 40))
        den = rng.integers(0, 30, size).astype(float)
        num = rng.binomial(den.astype(int), rng.uniform(0.1, 0.9)).astype(float)
        num[rng.random(size) < 0.1] = np.nan
        frames.append(
            pd.DataFrame({"team": f"T{team}", "period": np.arange(size), "y": num, "n": den})
        )
    frame = pd.concat(frames, ignore_index=True).sample(frac=1, random_state=1)
    frame = frame.sort_values(["period"], kind="stable")  # interleaved teams, time order kept
    for rules in ("anhoej", "ihi", "nhs", "western_electric"):
        many = analyze_many(
            frame,
            y="y",
            n="n",
            chart="p",
            rules=rules,
            freeze=12,
            phase_starts=[20],
            exclude=[3],
        )
        for team in many.keys:
            sub = frame[frame.team == team]
            one = analyze(
                sub.y,
                sub.n,
                chart="p",
                rules=rules,
                freeze=12,
                phase_starts=[s for s in [20] if s < len(sub)],
                exclude=[e for e in [3] if e < len(sub)],
                x=sub.period,
            )
            got = many.series(team)
            # Label categories are shared by the whole collaborative: compare values only.
            pd.testing.assert_frame_equal(
                got.points.reset_index(drop=True),
                one.points,
                check_dtype=False,
                check_categorical=False,
            )
            pd.testing.assert_frame_equal(got.phases, one.phases, check_dtype=False)
