"""Deming's red bead experiment: willing workers, a fixed system, and the P chart that shows it.

The set-up follows Deming (The New Economics, 2nd ed., 1994, ch. 7; Out of the Crisis, 1986):
a bin of 4,000 beads of which 800 (20%) are red, a paddle with 50 holes, six willing workers
who each draw one paddleful a day for four days. Every red bead is a defect the worker is
blamed for; yet every difference between workers and days comes from the bin (the system),
which the P chart of the room's draws shows: the points stay within limits computed from the
bin's own proportion. Beads go back into the bin after every draw, so each paddleful is a
hypergeometric sample of the same bin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kit.errors import KitInputError


@dataclass(frozen=True)
class Bin:
    """The system: how many beads, how many red, and how many holes in the paddle."""

    beads: int = 4000
    red: int = 800
    paddle: int = 50

    def __post_init__(self) -> None:
        if not 0 <= self.red <= self.beads or not 1 <= self.paddle <= self.beads:
            raise KitInputError(
                "The bin needs at least as many beads as red beads and paddle holes."
            )

    @property
    def proportion(self) -> float:
        return self.red / self.beads


@dataclass(frozen=True)
class Limits:
    """P chart lines for a paddle of ``n`` beads from a bin of proportion ``p``."""

    centre: float
    lower: float
    upper: float


def limits(proportion: float, paddle: int) -> Limits:
    """Three-sigma P chart limits, sigma from the binomial model (Provost & Murray, The Health
    Care Data Guide, 2011, ch. 5); the lower limit stops at 0."""
    sigma = np.sqrt(proportion * (1 - proportion) / paddle)
    return Limits(proportion, max(0.0, proportion - 3 * sigma), min(1.0, proportion + 3 * sigma))


def draw(
    bin_: Bin, workers: int = 6, days: int = 4, seed: int | None = None, rooms: int = 1
) -> np.ndarray:
    """Red beads per paddleful: an array of rooms x days x workers (the beads are returned)."""
    if workers < 1 or days < 1 or rooms < 1:
        raise KitInputError("The experiment needs at least one worker, one day and one room.")
    rng = np.random.default_rng(seed)
    white = bin_.beads - bin_.red
    return rng.hypergeometric(bin_.red, white, bin_.paddle, size=(rooms, days, workers))


def room_chart(red: np.ndarray, paddle: int) -> tuple[np.ndarray, Limits]:
    """The room's chart: each draw's proportion in order (day by day, worker by worker), and the
    P chart limits from the room's own average, as the facilitator draws it on the day."""
    proportions = np.asarray(red, dtype=float).reshape(-1) / paddle
    return proportions, limits(float(proportions.mean()), paddle)


def worker_ranking(red: np.ndarray) -> list[tuple[int, int]]:
    """Workers by their total red beads, best first: the ranking that means nothing."""
    totals = np.asarray(red).sum(axis=0)
    order = np.argsort(totals, kind="stable")
    return [(int(w) + 1, int(totals[w])) for w in order]


def draw_paddle(bin_: Bin, rng: np.random.Generator) -> int:
    """One willing worker's paddleful: red beads in it (the beads then go back)."""
    return int(rng.hypergeometric(bin_.red, bin_.beads - bin_.red, bin_.paddle))


def p_chart_result(red: list[int], paddle: int) -> Any:
    """The kit's P chart analysis (``kit.spc``) of paddlefuls in chart order, under the IHI
    rules: what the room's chart draws."""
    from kit.spc import analyze

    return analyze(red, [paddle] * len(red), chart="p", rules="ihi")
