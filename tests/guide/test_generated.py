"""The guide's generated parts (the glossary page, the agenda tables) are what the content
files say today, so the guide, the apps' tooltips and the learning-session app agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kit.content as content
from tests.content.names import exercise_ids
from tests.guide.guide_pages import GUIDE, generator


def test_generated_pages_are_current() -> None:
    stale = [str(p.relative_to(GUIDE)) for p in generator().stale()]
    assert stale == [], "run: python facilitator-guide/_tools/generate.py"


def test_every_glossary_term_is_on_the_glossary_page() -> None:
    page = (GUIDE / "glossary.md").read_text(encoding="utf-8")
    for entry in content.glossary().values():
        assert f"### {entry['term']}\n" in page
        assert " ".join(entry["definition"].split()) in page


def test_every_agenda_appears_in_the_journey_pages() -> None:
    journey = "\n".join(p.read_text(encoding="utf-8") for p in (GUIDE / "journey").glob("*.md"))
    for key in content.agendas():
        assert f"<!-- agenda:{key} -->" in journey
    for meeting in content.agendas().values():
        for variant in meeting["variants"].values():
            for day in variant["days"]:
                for block in day["blocks"]:
                    assert f"| {block['minutes']} | {block['title']} |" in journey


def test_the_agenda_table_times_follow_the_minutes() -> None:
    table = generator().agenda_tables("ls1")
    assert "| 09:00 | 30 | Welcome: the collaborative aim; all teach, all learn |" in table
    assert "| 16:30 | | End |" in table
    assert "**One day: 7 h 30 min**" in table and "What this version cuts" in table


def test_every_stage_of_the_journey_has_the_same_sections() -> None:
    """Each stage page says what it is for, which apps support it, what the facilitator should
    know, what to expect and what tends to go wrong (issue 16's list for the journey)."""
    for page in sorted((GUIDE / "journey").glob("*.md")):
        if page.name == "README.md":
            continue
        headings = {line[3:].strip() for line in page.read_text().splitlines() if line[:3] == "## "}
        assert {"Apps", "Facilitator notes", "Expected outputs", "What tends to go wrong"} <= (
            headings
        ), page.name
        assert "Purpose" in headings, page.name
        assert any("produce" in heading for heading in headings), page.name
        purpose = page.read_text().split("## Purpose\n", 1)[1].split("\n## ", 1)[0]
        assert "(IHI, *The Breakthrough Series* white" in " ".join(purpose.split()), page.name


EXERCISE_ROW = re.compile(
    r"^\| exercise `(?P<id>[\w-]+)` \([^)]*\) \| [^|]+ \| (?P<where>[^|]+) \| (?:yes|no) "
    r"\| (?P<minutes>\d+) \|$",
    re.M,
)
MEETING_WORDS = {"prework meeting": "prework", "LS1": "ls1", "LS2": "ls2", "LS3": "ls3"}


def _exercise_rows() -> dict[str, tuple[set[str], int]]:
    """The exercises page's table: exercise id -> (meetings it names, minutes)."""
    text = (GUIDE / "exercises.md").read_text(encoding="utf-8")
    words = re.compile("|".join(re.escape(w) for w in MEETING_WORDS))
    return {
        m["id"]: ({MEETING_WORDS[w] for w in words.findall(m["where"])}, int(m["minutes"]))
        for m in EXERCISE_ROW.finditer(text)
    }


def test_the_agendas_place_the_exercises_where_the_exercise_scripts_say() -> None:
    """The exercises page says where the agenda templates put each exercise and for how long;
    the templates (which app 10 loads) hold exactly those blocks in each meeting's default."""
    rows = _exercise_rows()
    assert set(rows) == exercise_ids()
    for exercise, (meetings, minutes) in rows.items():
        placed = set()
        for key, meeting in content.agendas().items():
            for name, variant in meeting["variants"].items():
                for day in variant["days"]:
                    for block in day["blocks"]:
                        if block.get("exercise") == exercise:
                            assert block["minutes"] == minutes, (key, name, block["title"])
                            if name == meeting["default_variant"]:
                                placed.add(key)
        assert placed == meetings, exercise


def test_the_learning_sessions_teach_with_the_exercises() -> None:
    used = {
        block["exercise"]
        for key in ("ls1", "ls2")
        for day in content.agenda(key)["days"]
        for block in day["blocks"]
        if block.get("exercise")
    }
    assert {"red-beads", "spot-the-signal", "funnel", "good-aim", "measure-kind"} <= used


STAGE_PAGES = {
    "prework": "prework.md",
    "ls1": "learning-session-1.md",
    "ls2": "learning-session-2.md",
    "ls3": "learning-session-3.md",
    "congress": "closing-congress.md",
}
APP_NUMBER = re.compile(r"\bapps? (\d\d)\b")


def test_each_stage_names_the_apps_its_agendas_use() -> None:
    """The journey overview's row and the stage page's Apps section name every app a block of
    the meeting's agendas uses, so a facilitator reading the page knows what to have open."""
    overview = (GUIDE / "journey" / "README.md").read_text(encoding="utf-8")
    for key, page in STAGE_PAGES.items():
        used = {
            block["app"]
            for variant in content.agendas()[key]["variants"].values()
            for day in variant["days"]
            for block in day["blocks"]
            if block.get("app")
        }
        row = next(line for line in overview.splitlines() if f"]({page})" in line)
        text = (GUIDE / "journey" / page).read_text(encoding="utf-8")
        apps_section = text.split("\n## Apps\n", 1)[1].split("\n## ", 1)[0]
        assert used <= set(APP_NUMBER.findall(row)), (key, used - set(APP_NUMBER.findall(row)))
        named = set(APP_NUMBER.findall(apps_section))
        assert used <= named, (key, used - named)


VARIANT_LABEL = re.compile(r"^\*\*[^*]+: (?P<length>[^*]+)\*\*$")
DAY_LABEL = re.compile(r"^\*Day \d+ \((?P<length>[^)]+)\)\*$")
TIMED_ROW = re.compile(
    r"^\| (?P<time>\d\d:\d\d) \|\s*(?P<minutes>\d*)\s*\|\s*(?P<block>[^|]+?)\s*\|"
)


def _minutes(length: str) -> int:
    """'7 h 30 min', '1 h', '45 min', 'one day, 7 h 30 min' -> minutes."""
    hours = re.search(r"(\d+) h\b", length)
    rest = re.search(r"(\d+) min\b", length)
    assert hours or rest, length
    return (int(hours[1]) * 60 if hours else 0) + (int(rest[1]) if rest else 0)


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def agenda_problems(text: str) -> list[str]:
    """Every timed agenda table in a page (generated or written by hand) runs without gaps
    from its first time, ends where its blocks end, and adds up to the length its label
    states: the day's, and over its days the variant's."""
    problems: list[str] = []
    variant: tuple[str, int, list[int]] | None = None
    day_length: int | None = None
    rows: list[tuple[int, int | None, str]] = []

    def close_table() -> None:
        nonlocal rows, day_length
        if not rows:
            return
        total = 0
        for (start, minutes, block), (following, _, _) in zip(rows, rows[1:], strict=False):
            if minutes is None:
                problems.append(f"'{block}' has no minutes")
                continue
            total += minutes
            if start + minutes != following:
                problems.append(f"'{block}' ends at {start + minutes}, next starts {following}")
        if rows[-1][2].strip() != "End":
            problems.append(f"the table after '{variant and variant[0]}' has no End row")
        if day_length is not None and total != day_length:
            problems.append(
                f"a day of {variant and variant[0]} adds up to {total}, not {day_length}"
            )
        if variant:
            variant[2].append(total)
        rows, day_length = [], None

    def close_variant() -> None:
        close_table()
        if variant and variant[2] and sum(variant[2]) != variant[1]:
            problems.append(f"'{variant[0]}' adds up to {sum(variant[2])}, not {variant[1]}")

    for line in text.splitlines():
        if (found := VARIANT_LABEL.match(line)) and re.search(r"\d+ (h|min)\b", line):
            close_variant()
            variant, day_length = (line, _minutes(found["length"]), []), None
        elif found := DAY_LABEL.match(line):
            close_table()
            day_length = _minutes(found["length"])
        elif found := TIMED_ROW.match(line):
            minutes = int(found["minutes"]) if found["minutes"] else None
            rows.append((_clock(found["time"]), minutes, found["block"]))
        elif line.startswith("## ") or (rows and not line.startswith("|")):
            close_table()
            if line.startswith("## "):
                close_variant()
                variant = None
    close_variant()
    return problems


@pytest.mark.parametrize(
    "page",
    sorted(p for p in (GUIDE / "journey").glob("*.md") if p.name != "README.md"),
    ids=lambda p: p.name,
)
def test_every_stage_has_a_timed_agenda_that_adds_up(page: Path) -> None:
    """Issue 16: each stage of the journey has a timed agenda, and every agenda's blocks add up
    to the length it states (the generated tables and the ones written on the page alike)."""
    text = page.read_text(encoding="utf-8")
    assert "| time | minutes | block |" in text, page.name
    assert agenda_problems(text) == []


def test_the_agenda_check_notices_blocks_that_do_not_add_up() -> None:
    page = "\n".join(
        [
            "**Call (default): 1 h**",
            "",
            "| time | minutes | block | lead | app or exercise |",
            "|---|---|---|---|---|",
            "| 13:00 | 20 | Welcome | Chair | |",
            "| 13:25 | 30 | Presentations | Teams | |",
            "| 13:55 | | End | | |",
            "",
        ]
    )
    assert agenda_problems(page) == [
        "'Welcome' ends at 800, next starts 805",
        "'**Call (default): 1 h**' adds up to 50, not 60",
    ]
