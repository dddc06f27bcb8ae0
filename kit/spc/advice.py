"""Which chart fits which kind of data, with the reason in plain words and its source.

The reasons are shown to participants as they are: no statistical jargon ("sigma") and no
code (option names) in them; ``facilitator-guide/spc-deviations.md`` has the options.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.errors import KitInputError


@dataclass(frozen=True)
class ChartAdvice:
    """A recommended chart, why, and what else to consider."""

    chart: str
    reason: str
    alternatives: tuple[str, ...] = ()
    source: str = "Provost & Murray, The Health Care Data Guide (2011), chapter 5"


_ADVICE = {
    "count": ChartAdvice(
        "c",
        "You count events (falls, complaints) in periods that give a similar opportunity for "
        "them: the same ward with a similar census (occupied beds) over a similar number of "
        "days. A C chart's limits come from the Poisson model of counts. Months differ in "
        "length and wards fill and empty: when the opportunity changes much (beds opened or "
        "closed, periods of different length), count it too (patient-days) and use a U chart.",
        ("u", "run"),
        "Provost & Murray, The Health Care Data Guide (2011), chapters 5 and 6 (area of "
        "opportunity); Montgomery, Introduction to Statistical Quality Control, section 7.3",
    ),
    "proportion": ChartAdvice(
        "p",
        "Each period has a numerator and a denominator of the same units (patients who got "
        "the bundle out of patients eligible). A P chart widens its limits when the "
        "denominator is small. With very large denominators (thousands a month) the limits "
        "get too tight; then use P' (Laney 2002).",
        ("pp", "run"),
        "Provost & Murray, The Health Care Data Guide (2011), chapter 6; Laney, Quality "
        "Engineering 2002;14(4):531-537",
    ),
    "rate": ChartAdvice(
        "u",
        "You count events over a varying exposure (infections per 1,000 line-days, falls "
        "per 1,000 patient-days). A U chart adjusts its limits to each period's exposure, and "
        "the chart can show the rate per 1,000 for easier reading. With very large exposures "
        "use U' (Laney 2002).",
        ("up", "run"),
        "Provost & Murray, The Health Care Data Guide (2011), chapter 6; Laney, Quality "
        "Engineering 2002;14(4):531-537",
    ),
    "continuous": ChartAdvice(
        "i",
        "One measured value per period (days to the third next available appointment, "
        "minutes door to needle). An I chart (XmR) estimates the variation from the moving "
        "ranges between neighbouring points. With several measurements per period, use "
        "Xbar and S charts.",
        ("xbar", "s", "run"),
    ),
    "subgroups": ChartAdvice(
        "xbar",
        "Several measurements per period: the Xbar chart follows the average and the S chart "
        "the spread within each period; read them together.",
        ("s", "i"),
    ),
    "time_between": ChartAdvice(
        "t",
        "Events are rare, so most periods count zero and a count chart says little. Plot "
        "the time between events instead: a T chart transforms the times so that limits "
        "make sense, and a longer time between harms is an improvement.",
        ("g", "run"),
        "Provost & Murray, The Health Care Data Guide (2011), chapter 9; Nelson, J Qual "
        "Technol 1994;26:239-240",
    ),
    "cases_between": ChartAdvice(
        "g",
        "Events are rare and you know how many cases (operations, admissions) passed "
        "between them. A G chart plots those cases; its median line is used for runs and its "
        "upper limit shows an unusually long gap, which is good news for a harm.",
        ("t", "run"),
        "Provost & Murray, The Health Care Data Guide (2011), chapter 9; Benneyan, Health Care "
        "Manag Sci 2001;4:305-318",
    ),
    "few_points": ChartAdvice(
        "run",
        "With fewer than about 15-20 points, control limits are only trial limits and "
        "unreliable. A run chart needs no distribution and its runs rules can be read from "
        "about 10 useful points; until then it is too early to judge.",
        (),
        "Provost & Murray, The Health Care Data Guide (2011), chapters 3 and 5; Perla, Provost "
        "& Murray, BMJ Qual Saf 2011;20:46-51",
    ),
}

_ALIASES = {
    "counts": "count",
    "events": "count",
    "percentage": "proportion",
    "percent": "proportion",
    "ratio": "proportion",
    "binary": "proportion",
    "rates": "rate",
    "measurement": "continuous",
    "measurements": "continuous",
    "time": "continuous",
    "time between rare events": "time_between",
    "time_between_events": "time_between",
    "time between events": "time_between",
    "cases between rare events": "cases_between",
    "cases between events": "cases_between",
    "cases_between_events": "cases_between",
    "rare events": "cases_between",
}


def recommend_chart(data_type: str) -> ChartAdvice:
    """Recommend a chart for a measure's kind of data, and say why.

    ``data_type`` is one of: count, proportion, rate, continuous, subgroups, time_between
    (time between rare events), cases_between (cases between rare events), few_points.
    Follows the chart-selection guidance of Provost & Murray, *The Health Care Data Guide*
    (2011), chapter 5, and the qicharts2 vignette.
    """
    key = str(data_type).strip().lower().replace("-", " ")
    key = _ALIASES.get(key, key).replace(" ", "_")
    key = _ALIASES.get(key, key)
    if key not in _ADVICE:
        raise KitInputError(
            f"Unknown kind of data {data_type!r}. Choose one of: {', '.join(_ADVICE)}."
        )
    return _ADVICE[key]
