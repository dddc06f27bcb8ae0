"""Every internal link in the facilitator guide resolves, and every app, exercise or notebook
the guide names exists (and is called by its name)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.content.names import app_ids, exercise_ids, notebook_files
from tests.guide.guide_pages import GUIDE, LINK, anchors, generator, pages, prose

APP_WITH_NAME = re.compile(r"\bapp (\d\d) \(([^)]+)\)")
APP = re.compile(r"\bapps? (\d\d)\b")
BOLD_APP = re.compile(r"\*\*(\d\d) ([^*]+)\*\*")
NOTEBOOK = re.compile(r"(?:notebooks/)?\b\d\d-[a-z0-9-]+\.ipynb\b")
EXERCISE = re.compile(r"\bexercise `([\w-]+)`")


def _link_problems(page: Path, guide: Path = GUIDE) -> list[str]:
    problems = []
    for target in LINK.findall(prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto: are outside the guide
        path_part, _, anchor = target.partition("#")
        resolved = (page.parent / path_part).resolve() if path_part else page
        where = f"{page.relative_to(guide)} -> {target}"
        if not resolved.is_relative_to(guide.resolve()):
            problems.append(f"{where}: leaves the guide (the website would not have it)")
        elif not resolved.is_file():
            problems.append(f"{where}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{where}: no heading with that anchor")
    return problems


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(GUIDE)))
def test_every_internal_link_resolves(page: Path) -> None:
    assert _link_problems(page) == []


def test_the_link_check_notices_broken_links(tmp_path: Path) -> None:
    guide = tmp_path / "guide"
    (guide / "journey").mkdir(parents=True)
    (guide / "journey" / "README.md").write_text("# Overview\n\n## How to read\n")
    (tmp_path / "README.md").write_text("# Outside the guide\n")
    page = guide / "journey" / "page.md"
    page.write_text(
        "[a](nowhere.md) [b](README.md#no-such-heading) [c](../../README.md) "
        "[d](README.md#how-to-read) `[e](code.md)` [f](https://example.org)\n",
        encoding="utf-8",
    )
    problems = _link_problems(page, guide)
    assert [p.split(": ")[-1] for p in problems] == [
        "no such file",
        "no heading with that anchor",
        "leaves the guide (the website would not have it)",
    ]


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(GUIDE)))
def test_every_app_notebook_and_exercise_named_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    apps, names = app_ids(), generator().app_names()
    assert {n for n in APP.findall(text)} <= apps
    for number, name in APP_WITH_NAME.findall(text) + BOLD_APP.findall(text):
        assert number in apps and names[number] == " ".join(name.split()), (number, name)
    for notebook in NOTEBOOK.findall(text):
        shown = notebook if notebook.startswith("notebooks/") else f"notebooks/{notebook}"
        assert shown in notebook_files(), notebook
    assert set(EXERCISE.findall(text)) <= exercise_ids()


def test_the_guide_names_every_app_that_exists() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages())
    assert app_ids() <= set(APP.findall(text))


IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
WRITTEN = re.compile(r"screenshot_path\(\s*\"([^\"]+)\"")
BROWSER_TESTS = GUIDE.parent / "tests" / "browser"


def written_by_browser_tests(folder: Path = BROWSER_TESTS) -> set[str]:
    """Every picture a browser test saves with ``screenshot_path("...")`` (refreshed into
    facilitator-guide/images/ with KIT_UPDATE_SCREENSHOTS=1)."""
    return {name for path in folder.rglob("*.py") for name in WRITTEN.findall(path.read_text())}


def pictures_shown(texts: list[str]) -> set[str]:
    """The file names of the local pictures the Markdown shows (web addresses are not ours)."""
    return {
        Path(target).name
        for text in texts
        for target in IMAGE.findall(prose(text))
        if not re.match(r"[a-z]+:", target)
    }


def test_every_screenshot_comes_from_a_browser_test() -> None:
    """Screenshots stay true because the browser walkthroughs write them: every picture the
    guide and the README show is one a browser test saves."""
    texts = [p.read_text(encoding="utf-8") for p in pages()]
    texts.append((GUIDE.parent / "README.md").read_text(encoding="utf-8"))
    shown = pictures_shown(texts)
    assert shown and shown <= written_by_browser_tests(), shown - written_by_browser_tests()


def test_no_picture_in_the_guide_is_left_without_its_browser_test() -> None:
    """A picture file no browser test writes would go stale unnoticed: every image in
    facilitator-guide/images/ is one a browser test saves."""
    files = {p.name for p in (GUIDE / "images").iterdir() if p.is_file()}
    assert files <= written_by_browser_tests(), files - written_by_browser_tests()


def test_the_screenshot_check_notices_a_picture_no_test_writes(tmp_path: Path) -> None:
    (tmp_path / "test_walk.py").write_text(
        'SHOT = screenshot_path("02-aim.png")\ntall_screenshot(p, screenshot_path(\n    "05-charts.png"), ".x")\n'
    )
    written = written_by_browser_tests(tmp_path)
    assert written == {"02-aim.png", "05-charts.png"}
    shown = pictures_shown(
        [
            "![aim](images/02-aim.png) ![old](../images/07-old.png) `![code](images/x.png)`"
            " ![web](https://example.org/y.png)"
        ]
    )
    assert shown - written == {"07-old.png"}
