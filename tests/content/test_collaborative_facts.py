"""One length of collaborative everywhere the kit states it.

Source: IHI, The Breakthrough Series white paper (2003): a learning system of 6 to 15
months, as cited in ``kit/content/collaborative.yaml``.
"""

from __future__ import annotations

import json
import re

import kit.content as content
from tests.content.names import ROOT

#: a month range as the kit writes one: "6 to 15 months", "6-15 months", "6–15 months"
MONTH_RANGE = re.compile(
    r"\b(\d{1,2})(?:\s*-)?\s*(?:-|–|to)\s*(\d{1,2})[\s-]*months?\b", re.IGNORECASE
)


def _texts() -> list[tuple[str, str]]:
    """(file, text) for every place the kit says something to a reader."""
    texts = [("README.md", (ROOT / "README.md").read_text(encoding="utf-8"))]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        texts.append((path.name, markdown))
    patterns = [
        "kit/content/*.yaml",
        "kit/steps/**/*.py",
        "kit/qi/*.py",
        "kit/ui/*.py",
        "facilitator-guide/**/*.md",
    ]
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            texts.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return texts


def test_the_length_has_one_figure_and_a_source() -> None:
    length = content.collaborative_length()
    assert (length["min"], length["max"]) == (6, 15)
    assert length["wording"] == "6 to 15 months"
    citation = content.load("collaborative")["sources"][length["source"]]
    assert "Breakthrough Series" in citation and "2003" in citation


def _wrong_ranges(text: str) -> list[str]:
    length = content.collaborative_length()
    return [
        match.group(0)
        for match in MONTH_RANGE.finditer(" ".join(text.split()))
        if (int(match.group(1)), int(match.group(2))) != (length["min"], length["max"])
    ]


def test_every_month_range_the_kit_prints_is_that_figure() -> None:
    wrong = {name: _wrong_ranges(text) for name, text in _texts()}
    assert {name: words for name, words in wrong.items() if words} == {}


def test_the_kit_states_the_length_somewhere() -> None:
    wording = content.collaborative_length()["wording"]
    assert sum(wording in " ".join(text.split()) for _, text in _texts()) >= 4


def test_the_range_pattern_reads_the_ways_people_write_it() -> None:
    for words in ["12-18 months", "6 to 18 months", "6–15 months", "6- to 15-month"]:
        assert MONTH_RANGE.search(words), words
    assert not MONTH_RANGE.search("the 12 months of data")


def test_readme_and_start_page_use_the_same_words() -> None:
    wording = content.collaborative_length()["wording"]
    texts = dict(_texts())
    assert wording in " ".join(texts["README.md"].split())
    assert wording in " ".join(texts["00-start-here.ipynb"].split())
