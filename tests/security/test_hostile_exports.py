"""Every exported file keeps hostile text as text: storyboards, the summary, the agenda as a page
and as a calendar, and the measure data as CSV and Excel.

The collaborative is the demo with a script or HTML payload in every free-text field
(``tests/security/hostile.py``). An HTML export passes when its parsed markup has no element,
event handler or ``javascript:`` link the payloads brought, and its text shows each payload
as typed; the calendar when no payload adds a property; the spreadsheets when each payload
is a plain cell. The browser test (``tests/browser/test_hostile_text.py``) opens the same
files in Chromium and checks that nothing ran.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kit.demo import load_demo
from kit.qi import Agenda, Team
from kit.qi.agenda_export import agenda_html, agenda_ics
from kit.reports.write import write_reports
from kit.store import Actor, Store
from kit.store.workbook import export_observations_csv, export_observations_xlsx

from .hostile import COLLAB, PWNED, SYSTEM, TEAM, Seeded, fill_with_payloads, unescaped

#: elements only a payload would bring into an export
FOREIGN_TAGS = {"img", "svg", "iframe", "a", "b", "i", "textarea"}


class Markup(HTMLParser):
    """The text a browser shows (entities decoded, scripts and styles left out) and every
    element with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def parse(page: str) -> Markup:
    parser = Markup()
    parser.feed(page)
    parser.close()
    return parser


def injected(page: str) -> list[str]:
    """What the payloads would have added to the page's markup, as readable lines."""
    found = []
    for tag, attrs in parse(page).elements:
        handlers = [a for a in attrs if a.startswith("on")]
        links = [a for a, v in attrs.items() if v.strip().lower().startswith("javascript:")]
        if handlers or links:
            found.append(f"<{tag}> with {handlers + links}")
        if tag in FOREIGN_TAGS and PWNED in " ".join(attrs.values()):
            found.append(f"<{tag} {attrs}>")
    return found


def shown_text(page: str) -> str:
    return " ".join(" ".join(parse(page).text).split())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Store, Seeded, Path]:
    folder = tmp_path_factory.mktemp("hostile-exports")
    store = Store.open(f"sqlite:///{folder / 'kit.sqlite3'}")
    load_demo(store)
    seeded = fill_with_payloads(store, today=dt.date(2026, 1, 1))
    yield store, seeded, folder
    store.close()


@pytest.fixture(scope="module")
def reports(hostile) -> dict[str, str]:
    store, _seeded, folder = hostile
    out = folder / "reports"
    files = write_reports(store, out, actor=SYSTEM, collaborative_id=COLLAB)
    return {path.name: path.read_text(encoding="utf-8") for path in files}


def test_storyboards_and_summary_show_payloads_as_text(hostile, reports) -> None:
    _store, seeded, _folder = hostile
    assert len(reports) == 8  # seven storyboards and the summary
    for name, page in reports.items():
        assert unescaped(page, seeded) == [], name
        assert injected(page) == [], name
        text = shown_text(page)
        assert seeded.cut_in(text) == [], name
    riverside = next(p for n, p in reports.items() if n.startswith("storyboard-team0-"))
    shown = seeded.visible_in(shown_text(riverside))
    # the team's own name, its aim, drivers and change ideas, its cycles and its reports
    for prefix in ("team0.name", "aim0.for_whom", "diagram0.change_ideas", "pdsa"):
        assert any(tag.startswith(prefix) for tag in shown), (prefix, sorted(shown))
    summary = seeded.visible_in(shown_text(reports["summary.html"]))
    assert {"collab0.name", "team0.name", "teamname0"} <= summary


def test_a_hostile_team_name_makes_a_plain_file_name(reports) -> None:
    for name in reports:
        assert Path(name).name == name and "/" not in name and "\\" not in name
        assert all(ch.isalnum() or ch in "-_." for ch in name), name


def test_the_printable_agenda_escapes_every_block(hostile) -> None:
    store, seeded, _folder = hostile
    agenda = store.find(Agenda, SYSTEM, collaborative_id=COLLAB)[0].record
    page = agenda_html(agenda, collaborative=seeded.values["collab0.name"])
    assert unescaped(page, seeded) == []
    assert injected(page) == []
    text = shown_text(page)
    blocks = {t for t in seeded.tags("agenda") if ".blocks." in t}
    assert blocks and blocks <= seeded.visible_in(text)
    assert seeded.cut_in(text) == []


def _unfold(ics: str) -> list[str]:
    """RFC 5545 content lines: a line starting with a space continues the one before."""
    lines: list[str] = []
    for raw in ics.split("\r\n"):
        if raw.startswith(" ") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def _ics_value(value: str) -> str:
    return (
        value.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";")
    ).replace("\\\\", "\\")


def test_the_calendar_keeps_payloads_inside_their_property(hostile) -> None:
    store, seeded, _folder = hostile
    saved = store.find(Agenda, SYSTEM, collaborative_id=COLLAB)[0]
    data = saved.record.model_dump()
    # a block title that tries to add a property and a second event to the calendar
    data["days"][0]["blocks"][0]["title"] = "Break\r\nATTACH:http://evil.example\nBEGIN:VEVENT"
    data["days"][0]["blocks"][1]["lead"] = "lead;ROLE=CHAIR:x,y\\"
    agenda = Agenda.model_validate(data)
    ics = agenda_ics(agenda, stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    lines = _unfold(ics)
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in lines]
    assert "ATTACH" not in names
    assert names.count("BEGIN") == names.count("END")
    events = names.count("BEGIN") - 1  # the calendar itself
    assert events == sum(len(d.blocks) for d in agenda.days)
    values = "\n".join(_ics_value(line.split(":", 1)[1]) for line in lines if ":" in line)
    assert "Break\nATTACH:http://evil.example\nBEGIN:VEVENT" in values
    assert "lead;ROLE=CHAIR:x,y\\" in values
    block_titles = [t for t in seeded.tags("agenda") if t.endswith(".title") and ".blocks." in t]
    assert block_titles
    for tag in block_titles[2:]:
        assert seeded.values[tag] in values, tag


@pytest.mark.parametrize("actor", [SYSTEM, Actor.participant(TEAM, "M", COLLAB)], ids=str)
def test_measure_data_exports_keep_payloads_as_plain_cells(hostile, tmp_path, actor) -> None:
    store, seeded, _folder = hostile
    team_name = store.get(Team, TEAM, SYSTEM).record.name
    expected = {team_name, *(seeded.values[t] for t in seeded.tags("measure0") if "name" in t)}
    path = export_observations_csv(store, actor, tmp_path / "data.csv", COLLAB)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        cells = {cell for row in csv.reader(handle) for cell in row}
    assert expected <= cells
    xlsx = export_observations_xlsx(store, actor, tmp_path / "data.xlsx", COLLAB)
    with zipfile.ZipFile(xlsx) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/")]
    xml = "".join(sheets)
    assert "<f>" not in xml and "<f " not in xml  # no formula in any cell
    assert "<script" not in xml  # the payloads are XML-escaped text
    for value in expected:
        assert value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in xml
