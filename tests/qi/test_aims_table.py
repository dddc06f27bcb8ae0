"""Sixty-odd pasted aims, each with the verdict an improvement advisor would give.

The table (tests/qi/aim_table.yaml) holds aims written the way teams write them: dates
first, percentages, zero targets, relative targets, capitals, clinical populations, changes
posing as aims and vague themes. For each, the reader must give the advisor's verdict per
element, read the numbers, and compose a sentence that keeps the team's words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from kit.qi.aim_parts import words
from kit.qi.aims import ELEMENTS, review_free_text_aim

TODAY = dt.date(2026, 11, 26)
TABLE: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).with_name("aim_table.yaml")).read_text(encoding="utf-8")
)
KINDS = (
    "date first",
    "percent",
    "zero",
    "relative",
    "capitals",
    "clinical population",
    "change",
    "theme",
)


def test_the_table_samples_every_kind_of_writing() -> None:
    assert len(TABLE) >= 60
    assert len({row["aim"] for row in TABLE}) == len(TABLE)
    counts = Counter(kind for row in TABLE for kind in row["kinds"])
    assert all(counts[kind] >= 5 for kind in KINDS), counts


@pytest.mark.parametrize("row", TABLE, ids=[row["aim"][:50] for row in TABLE])
def test_pasted_aim(row: dict[str, Any]) -> None:
    review = review_free_text_aim(row["aim"], TODAY)
    messages = {f.element: f.message for f in review.findings}
    assert review.status == row["verdict"], messages
    assert review.passes is all(row["verdict"][e] == "ok" for e in ELEMENTS)

    parts = review.parts
    assert parts is not None
    read = row["read"]
    assert parts.baseline == read.get("baseline")
    assert parts.target == read.get("target")
    assert parts.unit == read.get("unit", "")
    assert parts.relative_target == pytest.approx(read.get("relative"), abs=1e-3)
    when = read.get("by_when")
    assert parts.by_when == (dt.date.fromisoformat(when) if when else None)

    sentence = review.sentence.lower()
    for kept in row["keep"]:
        assert kept.lower() in sentence, review.sentence
    if "capitals" in row["kinds"]:  # read in lower case, abbreviations restored
        shouted = [w for w in re.findall(r"[A-Za-z&]+", review.sentence) if w.isupper()]
        assert set(shouted) <= set(words("acronyms")), review.sentence
    assert "improve by" not in sentence and "improve train" not in sentence
    for element, said in row.get("says", {}).items():
        assert said in messages[element], messages[element]
