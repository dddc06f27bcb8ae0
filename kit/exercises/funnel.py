"""Deming's funnel experiment: four rules for adjusting a process, and what tampering costs.

A marble is dropped through a funnel held over a target (0); where it lands varies with
common-cause noise of standard deviation ``sigma``. After each drop the funnel is moved by a
rule (Deming, Out of the Crisis, 1986, ch. 11, after Lloyd S. Nelson):

1. never move the funnel: results scatter with variance sigma^2, the least possible;
2. move it from its last position by minus the last error: variance doubles (2 sigma^2);
3. set it at the target minus the last error: results swing from side to side, ever wider;
4. set it over the last result: a random walk away from the target.

Rules 3 and 4 diverge: the spread after k drops grows like k sigma^2. Each rule is written in
closed form over all drops at once, so a room's thousand drops are a few numpy calls.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from kit.errors import KitInputError

Rule = Literal[1, 2, 3, 4]
RULES: dict[int, str] = {
    1: "Leave the funnel over the target.",
    2: "Move the funnel from where it is by minus the last error.",
    3: "Set the funnel over the target minus the last error.",
    4: "Set the funnel over where the last marble landed.",
}


def results(noise: np.ndarray, rule: int) -> np.ndarray:
    """Where each marble lands (drops along axis 0) given each drop's common-cause noise.

    The funnel starts over the target. With ``e`` the noise and ``x`` the result:
    rule 1: x_k = e_k; rule 2: x_k = e_k - e_(k-1); rule 3: x_k = e_k - x_(k-1);
    rule 4: x_k = e_k + x_(k-1).
    """
    e = np.asarray(noise, dtype=float)
    if rule == 1:
        return e.copy()
    if rule == 2:
        out = e.copy()
        out[1:] -= e[:-1]
        return out
    if rule == 3:
        sign = np.where(np.arange(e.shape[0]) % 2 == 0, 1.0, -1.0).reshape(
            (-1,) + (1,) * (e.ndim - 1)
        )
        return sign * np.cumsum(sign * e, axis=0)
    if rule == 4:
        return np.cumsum(e, axis=0)
    raise KitInputError(f"There is no rule {rule}; the funnel has rules 1 to 4.")


def drop(
    rule: int,
    drops: int = 50,
    *,
    sigma: float = 1.0,
    dims: int = 2,
    seed: int | None = None,
    rooms: int = 1,
) -> np.ndarray:
    """Results of ``drops`` marbles under ``rule``: an array of drops x rooms x dims."""
    if drops < 1 or rooms < 1 or dims not in (1, 2) or sigma <= 0:
        raise KitInputError("Drop at least one marble, in one or two dimensions, with sigma > 0.")
    rng = np.random.default_rng(seed)
    return results(rng.normal(0.0, sigma, size=(drops, rooms, dims)), rule)


def compare(
    drops: int = 50, *, seed: int | None = None, sigma: float = 1.0
) -> dict[int, tuple[np.ndarray, float]]:
    """The four rules on the same marbles: rule -> (results, drops x 2; variance about the
    target per direction). Using one set of noise for all four shows that only the rule
    differs."""
    if drops < 2:
        raise KitInputError("Drop at least two marbles to compare the rules.")
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, sigma, size=(drops, 2))
    out = {}
    for rule in RULES:
        landed = results(noise, rule)
        out[rule] = (landed, float((landed**2).mean()))
    return out
