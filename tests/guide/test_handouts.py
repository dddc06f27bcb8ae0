"""The printable handouts name the kit's apps and exercises by their numbers and titles, so the
page a participant holds matches the screen (titles from kit/content/apps.yaml)."""

from __future__ import annotations

import re

from tests.content.names import app_ids, exercise_ids
from tests.guide.guide_pages import GUIDE, generator

HANDOUTS = GUIDE / "handouts"


def _flat(name: str) -> str:
    return " ".join((HANDOUTS / name).read_text(encoding="utf-8").split())


def test_the_day_before_checklist_opens_every_app_by_number_and_title() -> None:
    text, names = _flat("day-before-checklist.md"), generator().app_names()
    missing = [f"{n} {names[n]}" for n in sorted(app_ids()) if f"{n} {names[n]}" not in text]
    assert missing == []


def test_the_quick_start_names_every_app() -> None:
    text = _flat("participant-quick-start.md")
    named = set(re.findall(r"\*\*(\d\d) [^*]+\*\*", text))
    named |= set(re.findall(r"\bapp (\d\d)\b", text, re.I))
    assert app_ids() <= named, app_ids() - named


def test_the_quick_start_names_every_exercise_by_its_title() -> None:
    text, titles = _flat("participant-quick-start.md"), generator().exercise_names()
    assert set(titles) == exercise_ids()
    assert [t for t in titles.values() if f"*{t}*" not in text] == []
