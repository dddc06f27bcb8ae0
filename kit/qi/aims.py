"""Formative feedback on a team's aim: one sentence from its elements, and what is missing.

An effective aim states **what** improves, **how much** (a numeric baseline and target),
**by when**, **for whom** and **where** (IHI, "How to Improve: Setting Aims"). "Some is not a
number; soon is not a time." The aim builder keeps the elements apart (``records.Aim``) so
the feedback can name the one that is missing; a participant may also paste an aim written
elsewhere, and :func:`review_free_text_aim` reads it with simple patterns and gives the same
feedback. Both paths share one set of element checks, so the messages are identical.

This module is the one import for callers; the work is split along its seams:
``kit/qi/aim_parts.py`` (the elements, verdict types, number and date wording),
``kit/qi/aim_compose.py`` (the sentence), ``kit/qi/aim_parse.py`` (reading pasted text, with
``kit/qi/aim_dates.py`` for its dates),
``kit/qi/aim_stretch.py`` (how far the target moves, per kind of measure) and
``kit/qi/aim_review.py`` (the checks). Word lists are content in ``kit/content/aim_words.yaml``;
the stretch thresholds, each with its source, in ``kit/content/aim_stretch.yaml``.
"""

from __future__ import annotations

from kit.qi.aim_compose import compose_aim
from kit.qi.aim_parse import parse_free_text_aim
from kit.qi.aim_parts import (
    ELEMENT_LABELS,
    ELEMENTS,
    AimFinding,
    AimParts,
    AimReview,
    Direction,
    Element,
    Status,
    Stretch,
)
from kit.qi.aim_review import (
    MAX_MONTHS_AHEAD,
    MIN_MONTHS_AHEAD,
    MODEST_BELOW,
    TIMID_BELOW,
    check_stretch,
    review_aim,
    review_free_text_aim,
)
from kit.qi.aim_stretch import StretchRule, check_relative, stretch_rule

__all__ = [
    "ELEMENTS",
    "ELEMENT_LABELS",
    "MAX_MONTHS_AHEAD",
    "MIN_MONTHS_AHEAD",
    "MODEST_BELOW",
    "TIMID_BELOW",
    "AimFinding",
    "AimParts",
    "AimReview",
    "Direction",
    "Element",
    "Status",
    "Stretch",
    "StretchRule",
    "check_relative",
    "check_stretch",
    "compose_aim",
    "parse_free_text_aim",
    "review_aim",
    "review_free_text_aim",
    "stretch_rule",
]
