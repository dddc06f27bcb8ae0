"""The red bead experiment reproduces its textbook behaviour (Deming, The New Economics, 1994,
ch. 7): a bin of 4,000 beads, 20% red, a 50-hole paddle; the willing workers' draws stay within
the P chart limits for the stated bin, and any ranking of workers is the system's doing."""

from __future__ import annotations

import numpy as np
import pytest

from kit.errors import KitInputError
from kit.exercises import red_beads
from kit.spc import analyze


def test_limits_for_the_stated_bin() -> None:
    """p = 0.2, n = 50: 0.2 +/- 3 * sqrt(0.2 * 0.8 / 50) (binomial sigma, Provost & Murray)."""
    lines = red_beads.limits(0.2, 50)
    assert lines.centre == 0.2
    assert lines.lower == pytest.approx(0.030294, abs=1e-6)
    assert lines.upper == pytest.approx(0.369706, abs=1e-6)
    # in beads: 10 +/- 8.49, so 19 or more red beads in a paddle is outside
    assert lines.upper * 50 == pytest.approx(18.485, abs=1e-3)


def test_draws_stay_within_the_bins_limits() -> None:
    bin_ = red_beads.Bin()
    red = red_beads.draw(bin_, seed=1, rooms=2000)  # 48,000 paddlefuls
    p = red / bin_.paddle
    lines = red_beads.limits(bin_.proportion, bin_.paddle)
    assert p.mean() == pytest.approx(0.2, abs=0.002)
    outside = ((p > lines.upper) | (p < lines.lower)).mean()
    assert outside < 0.005  # three-sigma limits: a few in a thousand
    # a room of 6 workers x 4 days rarely has any point outside
    room_outside = ((p > lines.upper) | (p < lines.lower)).any(axis=(1, 2)).mean()
    assert room_outside < 0.1


def test_the_rooms_p_chart_matches_the_kits_p_chart() -> None:
    bin_ = red_beads.Bin()
    red = red_beads.draw(bin_, seed=7)[0]
    proportions, lines = red_beads.room_chart(red, bin_.paddle)
    result = analyze(red.reshape(-1), np.full(red.size, bin_.paddle), chart="p")
    assert result.points["cl"].iloc[0] == pytest.approx(lines.centre)
    assert result.points["ucl"].iloc[0] == pytest.approx(lines.upper)
    assert result.points["lcl"].iloc[0] == pytest.approx(lines.lower)
    assert not result.points["sigma_signal"].any()
    assert proportions.size == 24


def test_the_worker_ranking_changes_with_every_room() -> None:
    bin_ = red_beads.Bin()
    firsts = {red_beads.worker_ranking(red)[0][0] for red in red_beads.draw(bin_, seed=3, rooms=30)}
    assert len(firsts) >= 4  # "best worker" is whoever the bin favoured that day
    ranking = red_beads.worker_ranking(red_beads.draw(bin_, seed=3)[0])
    assert sorted(w for w, _ in ranking) == [1, 2, 3, 4, 5, 6]


def test_impossible_bins_are_refused() -> None:
    with pytest.raises(KitInputError):
        red_beads.Bin(beads=10, red=20)
    with pytest.raises(KitInputError):
        red_beads.draw(red_beads.Bin(), workers=0)


def test_one_paddle_and_the_rooms_chart() -> None:
    bin_ = red_beads.Bin()
    rng = np.random.default_rng(5)
    paddles = [red_beads.draw_paddle(bin_, rng) for _ in range(2000)]
    assert all(0 <= red <= bin_.paddle for red in paddles)
    assert np.mean(paddles) == pytest.approx(10, abs=0.3)  # 20% of 50
    result = red_beads.p_chart_result(paddles[:24], bin_.paddle)
    assert result.points["cl"].iloc[0] == pytest.approx(np.mean(paddles[:24]) / 50)
