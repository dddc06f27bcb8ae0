"""Measures and data: the team's family of measures, each measure's operational definition,
and its data, typed, pasted or uploaded.

No widgets here (``tests/qi/test_purity.py``). The model is one object, ``MeasuresModel``,
written in one module per part of the app: ``state.py`` (the team looked at and its
measures), ``family.py`` (advice on the family, adopting from the measure library, adding and
removing), ``definition.py`` (the operational-definition form and its review) and ``data.py``
(the grid, pasting and uploading). Every rule it applies lives in ``kit.qi`` (``family``,
``definitions``, ``paste``, ``periods``) or the store; this model only joins them to the
store and to who is signed in.
"""

from __future__ import annotations

from kit.steps.measures.model.data import (
    FilePreview,
    FileRow,
    GridRow,
    as_text,
    number_fields,
    period_label,
)
from kit.steps.measures.model.definition import CHARTS, TEXT_FIELDS, DefinitionDraft
from kit.steps.measures.model.family import KINDS

__all__ = [
    "CHARTS",
    "KINDS",
    "TEXT_FIELDS",
    "DefinitionDraft",
    "FilePreview",
    "FileRow",
    "GridRow",
    "MeasuresModel",
    "as_text",
    "number_fields",
    "period_label",
]

from kit.steps.measures.model.data import DataEdits


class MeasuresModel(DataEdits):
    """The measures app's state for one signed-in person, loaded from and saved to the store."""
