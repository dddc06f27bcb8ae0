"""Why a measure's operational definition is ambiguous, in words a team can act on.

A measure "works" only when two people counting the same ward in the same month get the
same number: that needs a numerator, a denominator for a proportion or rate, what is
included and excluded, where the data come from, how cases are sampled and how often, a
direction of improvement, a baseline and a target (IHI, "Science of Improvement:
Establishing Measures"; Provost & Murray, *The Health Care Data Guide*, 2011;
IHI, "The Breakthrough Series", 2003). Each rule below is a small function that returns findings; :func:`review_definition`
runs them all. Findings are advice: a measure is saved with them, and the form lists them.

The kinds of measure follow the chart rules in ``kit.spc``: a **proportion** (P chart) counts
cases that are part of the denominator (patients sampled, 14 of 20 had ...), so its numerator
can never exceed the denominator; a **rate** (U chart) counts events per unit of exposure
(falls per 1,000 patient-days), so it can; anything else is one value per period.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kit.qi.records import Measure

__all__ = [
    "DEFINITION_FIELDS",
    "Finding",
    "is_proportion",
    "is_rate",
    "measure_type",
    "review_definition",
    "unit_multiplier",
]

Severity = Literal["missing", "ambiguous", "advice"]


@dataclass(frozen=True)
class Finding:
    """One problem: a stable ``code`` for tests and styling, the form ``field`` it is about
    (``None`` for the whole record) and the ``message`` shown to the participant."""

    code: str
    message: str
    field: str | None = None
    severity: Severity = "advice"


#: the elements of an operational definition, in the order the form shows them
DEFINITION_FIELDS: dict[str, str] = {
    "numerator": "Numerator",
    "denominator": "Denominator",
    "inclusions": "Inclusions",
    "exclusions": "Exclusions",
    "data_source": "Data source",
    "sampling": "Sampling plan",
    "frequency": "Frequency",
    "direction": "Direction of improvement",
    "baseline": "Baseline",
    "target": "Target",
    "unit": "Unit",
    "multiply": "Multiplier",
}

_RATE_CHARTS = ("u", "up")
_PROPORTION_CHARTS = ("p", "pp")
_SCALE_WORDS = {"hundred": 100.0, "thousand": 1000.0, "million": 1_000_000.0}
_STOP = {
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "with", "by", "and", "or", "who",
    "which", "that", "were", "was", "is", "are", "had", "have", "has", "month", "week",
    "quarter", "each", "per", "all", "number", "total", "count", "within", "during", "from",
    "their", "as", "not", "no",
}  # fmt: skip


def is_rate(measure: Measure) -> bool:
    """Events per unit of exposure: a U chart, or a unit that reads "per ..." without a %."""
    if measure.chart in _RATE_CHARTS:
        return True
    return measure.has_denominator and measure.chart not in _PROPORTION_CHARTS and _per(measure)


def is_proportion(measure: Measure) -> bool:
    """Numerator and denominator on any chart but a U chart: the numerator can never exceed
    the denominator.

    The same rule as ``is_proportion`` in ``kit/store/store.py``, which refuses such rows when
    they are saved, so a preview never accepts what the store will refuse. A measure with a
    rate's unit on a run chart is therefore both (see :func:`check_unit_and_multiplier`).
    """
    return measure.has_denominator and measure.chart not in _RATE_CHARTS


def measure_type(measure: Measure) -> Literal["proportion", "rate", "value"]:
    """How the measure reads, in the three words the form and the help text use (a rate's
    unit makes it a rate, whatever the chart)."""
    if is_rate(measure):
        return "rate"
    return "proportion" if is_proportion(measure) else "value"


def _per(measure: Measure) -> bool:
    return bool(re.search(r"\bper\b", measure.unit, re.I)) and "%" not in measure.unit


def _scaled_rate(unit: str) -> bool:
    """A unit like "per 1,000 patient-days": a count against exposure, not an average."""
    return bool(re.search(r"\bper\s+(\d[\d,\s.]*|hundred|thousand|million)\b", unit, re.I))


def unit_multiplier(unit: str) -> float | None:
    """The multiplier a unit implies: "%" -> 100, "per 1,000 patient-days" -> 1000.

    ``None`` when the unit names no scale ("days", "minutes"), so nothing can be compared.
    """
    text = unit.strip().lower()
    if not text:
        return None
    if "%" in text or "percent" in text or "per cent" in text:
        return 100.0
    match = re.search(r"\bper\s+([\d][\d,\s.]*\d|\d)\b", text)
    if match:
        digits = re.sub(r"[,\s]", "", match[1])
        if re.fullmatch(r"\d+(\.\d+)?", digits):
            return float(digits)
    match = re.search(r"\bper\s+(hundred|thousand|million)\b", text)
    if match:
        return _SCALE_WORDS[match[1]]
    if re.search(r"\bper\s+(?!\d)\w", text):
        return 1.0
    return None


def _words(text: str) -> set[str]:
    found = set()
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _STOP or len(word) < 3:
            continue
        found.add(word[:-1] if word.endswith("s") and len(word) > 3 else word)
    return found


# --- the rules ------------------------------------------------------------------------------

Rule = Callable[[Measure], list[Finding]]


def check_numerator(measure: Measure) -> list[Finding]:
    """Every measure counts something; name exactly what."""
    if measure.definition.numerator:
        return []
    what = (
        "the value recorded each period" if measure_type(measure) == "value" else "what is counted"
    )
    return [
        Finding(
            "numerator_missing",
            f"Say {what} (the numerator): two people counting the same ward should get the "
            "same number.",
            "numerator",
            "missing",
        )
    ]


def check_denominator(measure: Measure) -> list[Finding]:
    """Proportions and rates need a denominator; one-value measures should not carry one."""
    text = measure.definition.denominator
    kind = measure_type(measure)
    if (kind == "rate" or _scaled_rate(measure.unit)) and not measure.has_denominator:
        return [
            Finding(
                "rate_without_denominator",
                f"'{measure.unit}' is a rate, but the measure is not reported with a "
                "denominator: without the exposure (patient-days, line-days) a busy month "
                "looks worse than a quiet one. Tick 'reported as numerator and denominator'.",
                "denominator",
                "ambiguous",
            )
        ]
    if measure.has_denominator and not text:
        noun = "exposure the events are counted against" if kind == "rate" else "group counted"
        return [
            Finding(
                f"{kind}_without_denominator",
                f"A {kind} needs a denominator: say which {noun}.",
                "denominator",
                "missing",
            )
        ]
    if not measure.has_denominator and text:
        return [
            Finding(
                "denominator_unused",
                "A denominator is written but the measure is reported as one value per "
                "period; tick 'reported as numerator and denominator' or clear it.",
                "denominator",
                "ambiguous",
            )
        ]
    return []


def check_subset(measure: Measure) -> list[Finding]:
    """A proportion's numerator counts some of the denominator's cases, in the same words."""
    numerator, denominator = measure.definition.numerator, measure.definition.denominator
    if not (is_proportion(measure) and numerator and denominator) or _per(measure):
        return []  # a rate's unit on a proportion has its own finding
    if _words(numerator) & _words(denominator):
        return []
    return [
        Finding(
            "numerator_not_subset",
            f"For a proportion the numerator should be some of the denominator's cases, "
            f"described in the same words (denominator: '{denominator}'; numerator: "
            f"'{numerator}'). Say it as 'of those, the ones who ...', or, if you are counting "
            "events against exposure, make it a rate (U chart).",
            "numerator",
            "ambiguous",
        )
    ]


def check_scope(measure: Measure) -> list[Finding]:
    """Inclusions, exclusions, data source and sampling plan each settle a counting question."""
    d = measure.definition
    prompts = {
        "inclusions": "Say who or what is included (which patients, wards, ages).",
        "exclusions": "Say who or what is left out, or write 'none'; otherwise people will "
        "disagree about borderline cases.",
        "data_source": "Say where the data come from (incident system, audit of notes, EHR "
        "report), so the count can be repeated.",
        "sampling": "Say how cases are chosen: all cases, or a sample (10-20 a period is "
        "usually enough) and how it is drawn.",
    }
    return [
        Finding(f"{name}_missing", prompt, name, "missing")
        for name, prompt in prompts.items()
        if not getattr(d, name)
    ]


def check_baseline_and_target(measure: Measure) -> list[Finding]:
    """A target sits on the improving side of the baseline, and percentages stay in 0-100.

    A balancing measure's target is a line not to cross (keep restraint use at today's level
    while falls come down), so it may equal the baseline or allow some slack.
    """
    findings = []
    baseline, target = measure.baseline, measure.target
    balancing = measure.measure_kind == "balancing"
    if baseline is None:
        findings.append(
            Finding(
                "baseline_missing",
                "Record a baseline: the level before the changes, from recent data.",
                "baseline",
                "missing",
            )
        )
    if target is None:
        findings.append(
            Finding(
                "target_missing",
                "Set the level this measure should not cross, so the chart can show it."
                if balancing
                else "Set a target, taken from the team's aim, so the chart can show it.",
                "target",
                "missing",
            )
        )
    if baseline is not None and target is not None and not balancing:
        better = target < baseline if measure.direction == "down" else target > baseline
        if target == baseline:
            findings.append(
                Finding(
                    "target_equals_baseline",
                    f"The target equals the baseline ({baseline:g}); an improvement target "
                    "has to move.",
                    "target",
                    "ambiguous",
                )
            )
        elif not better:
            way = "lower" if measure.direction == "down" else "higher"
            findings.append(
                Finding(
                    "target_wrong_side",
                    f"The measure improves when it goes "
                    f"{'down' if measure.direction == 'down' else 'up'}, so the target should "
                    f"be {way} than the baseline ({baseline:g}), but it is {target:g}. Check "
                    "the direction of improvement or the target.",
                    "target",
                    "ambiguous",
                )
            )
    if unit_multiplier(measure.unit) == 100.0:
        for name, value in (("baseline", baseline), ("target", target)):
            if value is not None and not 0 <= value <= 100:
                findings.append(
                    Finding(
                        f"{name}_out_of_range",
                        f"The {name} ({value:g}) is a percentage, so it must lie between 0 "
                        "and 100.",
                        name,
                        "ambiguous",
                    )
                )
    return findings


def check_unit_and_multiplier(measure: Measure) -> list[Finding]:
    """The unit says what a plotted number means; the multiplier must make it true."""
    if not measure.unit:
        return [
            Finding(
                "unit_missing",
                "Give the unit a plotted number is in ('% of patients', 'falls per 1,000 "
                "patient-days', 'days').",
                "unit",
                "missing",
            )
        ]
    implied = unit_multiplier(measure.unit)
    if not measure.has_denominator:
        if measure.multiply != 1:
            return [
                Finding(
                    "multiplier_without_denominator",
                    f"The values are multiplied by {measure.multiply:g}, but the measure is "
                    "one value per period; type values in the unit you want plotted and "
                    "use a multiplier of 1.",
                    "multiply",
                    "ambiguous",
                )
            ]
        return []
    if implied is not None and implied != measure.multiply:
        return [
            Finding(
                "multiplier_mismatch",
                f"The unit '{measure.unit}' means numerator / denominator x {implied:g}, "
                f"but the multiplier is {measure.multiply:g}: the chart would show numbers "
                f"{_ratio(implied, measure.multiply)}. Set the multiplier to {implied:g} or "
                "change the unit.",
                "multiply",
                "ambiguous",
            )
        ]
    if is_proportion(measure) and _per(measure):
        chart = "a run chart" if measure.chart == "run" else f"a {measure.chart.upper()} chart"
        return [
            Finding(
                "proportion_with_rate_unit",
                f"'{measure.unit}' reads as a rate (events per exposure), but on {chart} "
                "the kit treats the measure as a proportion, "
                "whose numerator can never exceed its denominator. Choose a U chart for events "
                "per patient-day, or a unit like '% of patients'.",
                "unit",
                "ambiguous",
            )
        ]
    return []


def _ratio(implied: float, actual: float) -> str:
    factor = implied / actual
    if factor > 1:
        return f"{factor:g} times too small"
    return f"{1 / factor:g} times too large"


#: the rules in the order the form lists their findings
RULES: tuple[Rule, ...] = (
    check_numerator,
    check_denominator,
    check_subset,
    check_scope,
    check_unit_and_multiplier,
    check_baseline_and_target,
)


def review_definition(measure: Measure) -> list[Finding]:
    """Every finding for one measure, most basic first; an empty list means none.

    Frequency and direction of improvement always hold a value (the record requires them), so
    they have no "missing" finding; the direction is checked against the target above.
    """
    return [finding for rule in RULES for finding in rule(measure)]
