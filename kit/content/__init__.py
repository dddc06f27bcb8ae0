"""Reference content as data: change concepts, topic criteria, assessment scale, glossary.

Content lives in YAML beside this module, not in Python literals, so that facilitators can
reword it (collaboratives customise the assessment scale, for example) without touching
code. Files are read through ``importlib.resources`` so they work from an installed wheel as
well as from a checkout, and each file is parsed once per process.

The loaders return plain ``dict``/``list`` structures; treat them as read-only (they are
cached and shared), copy before changing anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kit.errors import KitInputError

__all__ = [
    "ASSESSMENT_SCORES",
    "agenda",
    "agenda_timetable",
    "agendas",
    "aim_prompts",
    "assessment_levels",
    "assessment_scale",
    "collaborative_facts",
    "collaborative_length",
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


def glossary() -> dict[str, dict[str, Any]]:
    """Term key -> ``{"term", "definition", "source"}`` for tooltips and the facilitator guide.

    ``source`` is a key (or list of keys) of the file's ``sources``; ``load("glossary")``
    gives the citations.
    """
    return load("glossary")["terms"]


#: every score the assessment scale allows: 1.0 to 5.0 in steps of 0.5
ASSESSMENT_SCORES: tuple[float, ...] = tuple(1.0 + i / 2 for i in range(9))


def _assessment_score(raw: object) -> float:
    """A level's score as a float, refused unless it is one of ``ASSESSMENT_SCORES``."""
    try:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise TypeError(raw)
        score = float(raw)
    except (TypeError, ValueError):
        raise KitInputError(f"'{raw}' is not a score on the assessment scale.") from None
    if score not in ASSESSMENT_SCORES:
        raise KitInputError(
            f"{raw} is not a level of the assessment scale: use 1.0 to 5.0 in steps of 0.5."
        )
    return score


def assessment_levels(
    overrides: Mapping[Any, str | Mapping[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """The nine levels with a collaborative's own wording merged over the kit's defaults.

    Collaboratives reword the scale for their topic (IHI's template expects it), so the
    wording is data the collaborative owns; the scores never change. ``overrides`` maps a
    score (1.0-5.0 in 0.5 steps, as a number or a string such as ``"2.5"``) to a new
    description, or to a mapping with ``label`` and/or ``description``. Each returned level
    has ``score``, ``label``, ``description``, ``source`` and ``customised`` (True when the
    collaborative changed its wording). Pure: the shared defaults are never modified.
    Raises ``KitInputError`` for a score off the scale or empty wording.
    """
    levels = [
        {**level, "score": float(level["score"]), "customised": False}
        for level in assessment_scale()["levels"]
    ]
    by_score = {level["score"]: level for level in levels}
    for raw_score, wording in (overrides or {}).items():
        level = by_score[_assessment_score(raw_score)]
        fields = {"description": wording} if isinstance(wording, str) else dict(wording)
        unknown = set(fields) - {"label", "description"}
        if unknown:
            raise KitInputError(
                f"Level {level['score']:.1f} can change only its label and description, "
                f"not {', '.join(sorted(unknown))}."
            )
        for field, text in fields.items():
            if not isinstance(text, str) or not text.strip():
                raise KitInputError(f"The {field} of level {level['score']:.1f} cannot be empty.")
            level[field] = " ".join(text.split())
        level["customised"] = True
    return levels


def collaborative_facts() -> dict[str, Any]:
    """Facts about a collaborative's shape (length, teams, sessions), each with its source."""
    return load("collaborative")["facts"]


def collaborative_length() -> dict[str, Any]:
    """The length of a collaborative: ``{"min", "max", "wording", "source", ...}`` in months.

    One figure for every page that states it (the start page, the aim builder, the guide).
    """
    return collaborative_facts()["length_months"]


def agendas() -> dict[str, Any]:
    """Timed agenda templates by meeting key (``prework``, ``ls1``, ``ls2``, ``ls3``,
    ``congress``), each with its variants (two days by default, a shorter one that says what
    it cuts). The learning-session app and the facilitator guide read the same file."""
    return load("agendas")["agendas"]


def agenda(meeting: str, variant: str | None = None) -> dict[str, Any]:
    """One meeting's agenda variant (its default when ``variant`` is None)."""
    meetings = agendas()
    if meeting not in meetings:
        raise KitInputError(
            f"There is no agenda for '{meeting}'; choose one of {', '.join(meetings)}."
        )
    template = meetings[meeting]
    key = variant or template["default_variant"]
    if key not in template["variants"]:
        raise KitInputError(
            f"'{template['name']}' has no '{key}' agenda; choose one of "
            f"{', '.join(template['variants'])}."
        )
    return template["variants"][key]


def aim_prompts() -> dict[str, Any]:
    """Help text for each element of the aim builder."""
    return load("aim_prompts")


def _clock(start: str, minutes: int) -> str:
    hours, mins = (int(part) for part in start.split(":"))
    total = hours * 60 + mins + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


def agenda_timetable(meeting: str, variant: str | None = None) -> list[list[dict[str, Any]]]:
    """The agenda's days as lists of blocks with their clock times (``starts``, ``ends``).

    The guide's tables and the learning-session app's timers both need the times; computing
    them here from each day's start and the blocks' minutes keeps the two the same. Each
    block is a copy of the template's (``kind``, ``title``, ``minutes``, ``lead``, optional
    ``app``/``exercise``) with the two times added.
    """
    days = []
    for day in agenda(meeting, variant)["days"]:
        elapsed, blocks = 0, []
        for block in day["blocks"]:
            blocks.append(
                {
                    **block,
                    "starts": _clock(day["starts"], elapsed),
                    "ends": _clock(day["starts"], elapsed + block["minutes"]),
                }
            )
            elapsed += block["minutes"]
        days.append(blocks)
    return days
