"""Every fact the kit teaches from ``kit/content/`` names its source in the same file.

The rule, precisely:

1. Every YAML file in ``kit/content/`` is either a *teaching* file (``TEACHING_FILES``, which
   also says where the file's entries are) or a *non-teaching* file (``NON_TEACHING_FILES``,
   with the reason). A new YAML file in neither list fails the test: decide which it is.
2. A teaching file's entries are each glossary term, assessment level, topic criterion,
   change-concept group, agenda, collaborative fact, aim-builder element, measure definition or
   stretch rule. ``TEACHING_FILES`` names them: ``"terms"`` is a list or mapping of entries,
   ``".default"`` is a single entry.
3. Every entry names its source in a ``source`` field, in one of three ways, chosen per file:
   a. the file has a ``sources`` mapping (short key -> citation) at the top: each entry's
      ``source`` is one of those keys or a list of them (a file with a single key may leave
      ``source`` out of its entries);
   b. the file has one ``source`` citation at the top: it covers every entry, and an entry
      may add its own citation;
   c. the file has neither: every entry's ``source`` is its own citation.
   A citation is a string of at least 15 characters.
4. Any other top-level field named ``*_source`` also holds keys of ``sources``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.content.names import CONTENT

#: teaching files -> where their entries are (see rule 2)
TEACHING_FILES: dict[str, tuple[str, ...]] = {
    "glossary.yaml": ("terms",),
    "assessment_scale.yaml": ("levels",),
    "topic_criteria.yaml": ("criteria",),
    "change_concepts.yaml": ("groups",),
    "aim_prompts.yaml": ("elements",),
    "agendas.yaml": ("agendas",),
    "collaborative.yaml": ("facts",),
    "measure_library.yaml": ("measures",),
    "aim_stretch.yaml": (".default", "kinds"),
    "exercises.yaml": ("exercises", "rule_sets", "aims", "measure_kinds"),
}

#: files that state no fact a participant is taught -> why
NON_TEACHING_FILES = {
    "apps.yaml": "the list of the kit's apps and their notebooks: navigation, not teaching",
    "aim_words.yaml": "word lists the aim reader parses with: vocabulary, not facts",
}

MIN_CITATION = 15


def citations(data: dict[str, Any]) -> dict[str, str]:
    """The file's citations by key (a single ``source`` becomes the key ``source``)."""
    if isinstance(data.get("sources"), dict):
        return {str(k): v for k, v in data["sources"].items()}
    if "source" in data and not isinstance(data.get("source"), list | dict):
        return {"source": data["source"]}
    return {}


def _entries(data: dict[str, Any], fields: tuple[str, ...]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for field in fields:
        raw = data.get(field.lstrip("."))
        if field.startswith("."):
            found += [(field, raw)] if raw is not None else []
        elif isinstance(raw, dict):
            found += [(str(k), v) for k, v in raw.items()]
        elif isinstance(raw, list):
            found += [
                (str(e.get("key", e.get("score", i))) if isinstance(e, dict) else str(i), e)
                for i, e in enumerate(raw)
            ]
    return found


def _is_citation(text: Any) -> bool:
    return isinstance(text, str) and len(" ".join(text.split())) >= MIN_CITATION


def _keys(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def source_problems(filename: str, data: Any) -> list[str]:
    """Everything wrong with one content file under the rule above (empty when it passes)."""
    if filename in NON_TEACHING_FILES:
        return []
    if filename not in TEACHING_FILES:
        return [
            f"{filename} is new: add it to TEACHING_FILES (with where its entries are) or "
            "to NON_TEACHING_FILES (with why it teaches nothing) in tests/content/test_sources.py"
        ]
    if not isinstance(data, dict):
        return [f"{filename}: expected a mapping at the top"]
    cited = citations(data)
    by_key = isinstance(data.get("sources"), dict)
    problems = []
    if by_key and not cited:
        problems.append(f"{filename}: the `sources` mapping is empty")
    for key, text in cited.items():
        if not _is_citation(text):
            problems.append(f"{filename}: citation '{key}' is empty or too short to find")
    entries = _entries(data, TEACHING_FILES[filename])
    if not entries:
        problems.append(f"{filename}: no entries under {', '.join(TEACHING_FILES[filename])}")
    for name, entry in entries:
        named = entry.get("source") if isinstance(entry, dict) else None
        if named is None:
            if not cited or (by_key and len(cited) != 1):
                problems.append(f"{filename}: entry '{name}' names no source")
            continue
        if not by_key:
            if not _is_citation(named):
                problems.append(f"{filename}: entry '{name}' has an empty or too short source")
            continue
        for key in _keys(named):
            if key not in cited:
                problems.append(f"{filename}: entry '{name}' cites unknown source '{key}'")
    for field, value in data.items():
        if isinstance(field, str) and field.endswith("_source"):
            problems += [
                f"{filename}: {field} cites unknown source '{key}'"
                for key in _keys(value)
                if key not in cited
            ]
    return problems


def content_files() -> list[Path]:
    return sorted([*CONTENT.glob("*.yaml"), *CONTENT.glob("*.yml")])


@pytest.mark.parametrize("path", content_files(), ids=lambda p: p.name)
def test_every_teaching_entry_names_its_source(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert source_problems(path.name, data) == []


def test_a_file_is_teaching_or_not_never_both() -> None:
    assert not set(TEACHING_FILES) & set(NON_TEACHING_FILES)
    present = {p.name for p in content_files()}
    assert {"glossary.yaml", "assessment_scale.yaml", "agendas.yaml"} <= present


def test_the_rule_refuses_a_new_file_in_neither_list() -> None:
    problems = source_problems("falls_facts.yaml", {"source": "Someone et al. 2020, p. 1"})
    assert problems and "is new" in problems[0]


def test_the_rule_refuses_an_entry_without_a_source_when_there_are_several() -> None:
    data = {
        "sources": {"a": "Author A. Book one. 2001.", "b": "Author B. Book two. 2002."},
        "terms": {"x": {"term": "X", "definition": "d", "source": "a"}, "y": {"term": "Y"}},
    }
    assert source_problems("glossary.yaml", data) == ["glossary.yaml: entry 'y' names no source"]


def test_the_rule_refuses_an_unknown_key_and_an_empty_citation() -> None:
    data = {
        "sources": {"a": "Author A. Book one. 2001.", "b": " "},
        "terms": {"x": {"term": "X", "source": ["a", "c"]}},
    }
    problems = source_problems("glossary.yaml", data)
    assert "glossary.yaml: citation 'b' is empty or too short to find" in problems
    assert "glossary.yaml: entry 'x' cites unknown source 'c'" in problems


def test_a_single_citation_covers_entries_that_name_none() -> None:
    data = {"source": "Author A. Book one. 2001.", "criteria": [{"key": "gap"}]}
    assert source_problems("topic_criteria.yaml", data) == []
    problems = source_problems("topic_criteria.yaml", {"criteria": [{"key": "gap"}]})
    assert problems == ["topic_criteria.yaml: entry 'gap' names no source"]


def test_entries_may_carry_their_own_citations_when_the_file_has_none() -> None:
    data = {
        "default": {"label": "most", "source": "Institute for Healthcare Improvement, 2003."},
        "kinds": [{"key": "readmissions", "source": "Leppin AL et al. JAMA Intern Med 2014."}],
    }
    assert source_problems("aim_stretch.yaml", data) == []
    data["kinds"].append({"key": "falls"})
    data["default"]["source"] = "IHI"
    assert source_problems("aim_stretch.yaml", data) == [
        "aim_stretch.yaml: entry '.default' has an empty or too short source",
        "aim_stretch.yaml: entry 'falls' names no source",
    ]
