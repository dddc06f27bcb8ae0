"""Reference content as data: change concepts, topic criteria, assessment scale, glossary.

Content lives in YAML beside this module, not in Python literals, so that facilitators can
reword it (collaboratives customise the assessment scale, for example) without touching
code. Files are read through ``importlib.resources`` so they work from an installed wheel as
well as from a checkout, and each file is parsed once per process.

The loaders return plain ``dict``/``list`` structures; treat them as read-only (they are
cached and shared), copy before changing anything.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from kit.errors import KitInputError

__all__ = [
    "aim_prompts",
    "assessment_scale",
    "change_concept_keys",
    "change_concepts",
    "find_change_concept",
    "glossary",
    "load",
    "topic_criteria",
]


@cache
def load(name: str) -> Any:
    """Parse ``kit/content/<name>`` (``.yaml`` added when no suffix is given), once per process.

    Raises ``KitInputError`` naming the file when it is missing, so a typo in a content name
    reads as a message rather than a traceback from deep inside importlib.
    """
    filename = name if "." in name else f"{name}.yaml"
    resource = resources.files(__name__).joinpath(filename)
    if not resource.is_file():
        raise KitInputError(f"The kit has no content file called '{filename}'.")
    text = resource.read_text(encoding="utf-8")
    if filename.endswith((".yaml", ".yml")):
        return yaml.safe_load(text)
    return text


def change_concepts() -> dict[str, Any]:
    """The change-concept card deck: ``{"source", "edition_note", "groups": [...]}``.

    Each group has ``key``, ``name``, ``description`` and ``concepts`` (each with ``key``,
    ``name``, ``description``). Descriptions are the kit's own paraphrases; cite ``source``.
    """
    return load("change_concepts")


@cache
def _concept_index() -> dict[str, dict[str, Any]]:
    """Every group and concept by key, so tags can be checked and shown in one lookup."""
    index: dict[str, dict[str, Any]] = {}
    for group in change_concepts()["groups"]:
        index[group["key"]] = {
            "key": group["key"],
            "name": group["name"],
            "description": group["description"],
            "group": group["key"],
            "group_name": group["name"],
            "is_group": True,
        }
        for concept in group["concepts"]:
            index[concept["key"]] = {
                **concept,
                "group": group["key"],
                "group_name": group["name"],
                "is_group": False,
            }
    return index


def change_concept_keys() -> frozenset[str]:
    """Keys a change idea may be tagged with: any concept key, or a whole group's key."""
    return frozenset(_concept_index())


def find_change_concept(key: str) -> dict[str, Any]:
    """The card for ``key`` (a concept or a group), with its group's key and name added."""
    try:
        return _concept_index()[key]
    except KeyError:
        raise KitInputError(
            f"'{key}' is not a change concept in the card deck; pick one from the list."
        ) from None


def topic_criteria() -> dict[str, Any]:
    """BTS topic-selection criteria with questions, default weights and 1-5 anchors."""
    return load("topic_criteria")


def assessment_scale() -> dict[str, Any]:
    """The collaborative assessment scale, levels 1.0-5.0 in steps of 0.5."""
    return load("assessment_scale")


def glossary() -> dict[str, dict[str, str]]:
    """Term key -> ``{"term", "definition"}`` for tooltips and the facilitator guide."""
    return load("glossary")["terms"]


def aim_prompts() -> dict[str, Any]:
    """Help text for each element of the aim builder."""
    return load("aim_prompts")
