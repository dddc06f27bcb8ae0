"""Synthetic Breakthrough Series collaboratives for teaching: seeded, pure, and the kit's own records.

``generate(Settings(topic="sepsis", teams=30, months=36, seed=7))`` returns every record a
collaborative keeps (:mod:`kit.datasets.generator`); :mod:`kit.datasets.export` writes them as
tidy CSV files and as a workbook the kit imports. Imports numpy and pandas only, never widgets,
Bokeh or a database driver. Synthetic: no patient data.
"""

from kit.datasets.generator import Generated, Settings, generate
from kit.datasets.simulate import TeamPlan
from kit.datasets.topics import TOPICS, MeasureSpec, TopicSpec

__all__ = ["TOPICS", "Generated", "MeasureSpec", "Settings", "TeamPlan", "TopicSpec", "generate"]
