"""The chart types, rule sets and options one computation in ``kit/spc/engine.py`` takes."""

from __future__ import annotations

from dataclasses import dataclass, field

CHARTS = ("run", "i", "mr", "xbar", "s", "p", "pp", "u", "up", "c", "g", "t")
RULE_SETS = ("anhoej", "ihi", "nhs", "western_electric")
RATIO_CHARTS = ("p", "pp", "u", "up")


@dataclass
class Options:
    """One validated options object per computation (see ``kit/spc/inputs.py``)."""

    chart: str = "run"
    rules: str = "anhoej"
    freeze: int | None = None
    screened_mr: bool = True
    #: qicharts2's moving ranges: an excluded point is skipped and its neighbours are joined
    mr_across_excluded: bool = False
    xmr_factor: float | None = None
    direction: str | None = None
    multiply: float = 1.0
    thresholds: dict[str, int] = field(default_factory=dict)

    def threshold(self, name: str, default: int) -> int:
        """A rule's length: the rule set's published value unless the caller overrides it."""
        return int(self.thresholds.get(name, default))
