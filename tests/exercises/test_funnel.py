"""The funnel reproduces its textbook behaviour (Deming, Out of the Crisis, 1986, ch. 11):
rule 2 doubles the variance of rule 1; rules 3 and 4 diverge, their variance growing with
the number of drops."""

from __future__ import annotations

import numpy as np
import pytest

from kit.errors import KitInputError
from kit.exercises import funnel


def _stepwise(noise: np.ndarray, rule: int) -> np.ndarray:
    """The rules as a facilitator runs them, drop by drop (target 0)."""
    position, out = 0.0, []
    for e in noise:
        x = position + e
        out.append(x)
        if rule == 2:
            position = position - x
        elif rule == 3:
            position = -x
        elif rule == 4:
            position = x
    return np.array(out)


@pytest.mark.parametrize("rule", [1, 2, 3, 4])
def test_closed_forms_match_the_rules_drop_by_drop(rule) -> None:
    noise = np.array([0.5, -1.2, 0.3, 2.0, -0.7, 0.1])
    assert funnel.results(noise, rule) == pytest.approx(_stepwise(noise, rule))


def test_rule_2_doubles_the_variance_of_rule_1() -> None:
    one = funnel.drop(1, 200, rooms=500, seed=1)
    two = funnel.drop(2, 200, rooms=500, seed=1)
    assert one.var() == pytest.approx(1.0, abs=0.02)
    assert two[1:].var() / one.var() == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize("rule", [3, 4])
def test_rules_3_and_4_diverge(rule) -> None:
    results = funnel.drop(rule, 100, rooms=4000, dims=1, seed=2)
    spread = results[:, :, 0].var(axis=1)  # across rooms, at each drop
    assert spread[9] == pytest.approx(10, rel=0.1)  # k sigma^2 after k drops
    assert spread[99] == pytest.approx(100, rel=0.1)
    assert spread[99] > 50 * funnel.drop(1, 100, rooms=4000, dims=1, seed=2).var()


def test_rule_3_swings_from_side_to_side() -> None:
    results = funnel.drop(3, 200, rooms=1, dims=1, seed=3)[:, 0, 0]
    signs = np.sign(results[50:])
    assert (signs[1:] != signs[:-1]).mean() > 0.9


def test_unknown_rule_and_bad_sizes_are_refused() -> None:
    with pytest.raises(KitInputError):
        funnel.results(np.zeros(3), 5)
    with pytest.raises(KitInputError):
        funnel.drop(1, 0)


def test_compare_drops_the_same_marbles_under_every_rule() -> None:
    compared = funnel.compare(20_000, seed=4)
    landed = {rule: result for rule, (result, _var) in compared.items()}
    variance = {rule: var for rule, (_result, var) in compared.items()}
    # rule 4 is the running sum of the very noise rule 1 shows
    np.testing.assert_allclose(np.cumsum(landed[1], axis=0), landed[4])
    assert variance[1] == pytest.approx(1.0, abs=0.03)
    assert variance[2] / variance[1] == pytest.approx(2.0, abs=0.06)
    assert variance[4] > 100 * variance[1] and variance[3] > 100 * variance[1]
    with pytest.raises(KitInputError):
        funnel.compare(1)
