"""Storyboards and the collaborative summary (kit/reports): offline, escaped, complete."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kit.errors import KitInputError
from kit.qi.aims import compose_aim
from kit.reports import SUMMARY_FILE, load_records, storyboard_file, write_records, write_reports
from kit.store import Store
from tests.reports.collaborative import into_store, make_records

HOSTILE = "<script>alert(1)</script>"
TODAY = dt.date(2025, 3, 20)  # 14 months of data from January 2024


class Resources(HTMLParser):
    """Every URL a page would fetch: script, link, img, iframe, source, object, embed."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href", "data"):
            if tag in (
                "script",
                "link",
                "img",
                "iframe",
                "source",
                "object",
                "embed",
            ) and attrs.get(name):
                self.urls.append(attrs[name])


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    records = make_records(3, 14, names=[HOSTILE, "Ward 2", "Ward 3"])
    folder = tmp_path_factory.mktemp("store")
    with Store.open(f"sqlite:///{folder}/kit.sqlite3") as store:
        into_store(records, store)
        calls = []
        out = folder / "reports"
        paths = write_reports(store, out, progress=lambda *a: calls.append(a), today=TODAY)
        loaded = load_records(store)
    return records, loaded, paths, calls


def test_loader_reads_every_record_through_the_store(written):
    records, loaded, _, _ = written
    assert {t.name for t in loaded.teams} == {t.name for t in records.teams}
    assert len(loaded.measures) == 3 and len(loaded.cycles) == len(records.cycles)
    assert len(loaded.assessments) == len(records.assessments)
    assert len(loaded.reports) == len(records.reports)
    assert len(loaded.observations) == len(records.observations)


def test_one_storyboard_per_team_and_a_summary(written):
    _, _, paths, calls = written
    names = sorted(p.name for p in paths)
    assert SUMMARY_FILE in names
    assert "storyboard-ward-2.html" in names and "storyboard-script-alert-1-script.html" in names
    assert len(paths) == 4
    # progress: (done, total, label) after each step, ending at total
    assert [c[0] for c in calls] == [1, 2, 3, 4, 5]
    assert all(c[1] == 5 for c in calls)
    assert calls[1][2] == f"Storyboard: {HOSTILE}" and calls[-1][2] == "Collaborative summary"


@pytest.mark.parametrize("index", range(4))
def test_files_are_self_contained(written, index):
    page = written[2][index].read_text(encoding="utf-8")
    parser = Resources()
    parser.feed(page)
    assert parser.urls == []  # nothing is fetched: BokehJS and the charts are in the file
    assert "/* BEGIN bokeh.min.js */" in page
    assert "Bokeh.embed.embed_items" in page
    assert "@page { size: A" in page and "break-inside: avoid" in page


@pytest.mark.parametrize("index", range(4))
def test_hostile_text_appears_literally(written, index):
    page = written[2][index].read_text(encoding="utf-8")
    assert HOSTILE not in page
    if index == 0 or written[2][index].name == SUMMARY_FILE:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_storyboards_hold_each_teams_aim_and_charts(written):
    records, _, paths, _ = written
    for team in records.teams:
        path = next(p for p in paths if p.name == storyboard_file(team.name, team.id))
        page = path.read_text(encoding="utf-8")
        aim = records.aim_of(team.id)
        sentence = compose_aim(aim, placeholders=False)
        assert sentence.replace("<", "&lt;").replace(">", "&gt;") in page
        # the driver diagram and one chart per measure of the family
        assert page.count('"kit-points"') == 3
        assert "kit-driver-boxes" in page
        for measure in records.measures:
            assert f'data-measure="{measure.id}"' in page
        # the latest values are printed beside each chart (readable on paper)
        rows = records.observations
        last = rows[(rows.team_id == team.id) & (rows.measure_id == "m-restraint")].iloc[-1]
        assert f"Feb 2025 {last['value']:.3g}" in page
        assert "PDSA: Assessment card on one ward" in page  # the cycle marked on its chart


def test_storyboard_shows_assessment_with_who_and_when(written):
    page = written[2][1].read_text(encoding="utf-8")  # Ward 2: stuck, faculty 2.5, self 3.5
    assert "Tom Reilly, 05 Jan 2026" in page and "Day lead, 04 Jan 2026" in page
    assert "The team rates itself 1 higher than the faculty do." in page


def test_summary_links_every_storyboard_and_compares_teams(written):
    records, _, paths, _ = written
    page = next(p for p in paths if p.name == SUMMARY_FILE).read_text(encoding="utf-8")
    for team in records.teams:
        assert f'href="{storyboard_file(team.name, team.id)}"' in page
    assert "kit-funnel-teams" in page and "kit-teams-improving" in page
    assert "All teach, all learn" in page
    assert records.collaborative.name in page


def test_one_team_only(tmp_path):
    records = make_records(2, 13)
    paths = write_records(records, tmp_path, team="ward 2", today=TODAY, paper="A4")
    assert [p.name for p in paths] == ["storyboard-ward-2.html"]
    assert "@page { size: A4 portrait" in paths[0].read_text(encoding="utf-8")
    with pytest.raises(KitInputError, match="the teams are: Ward 1, Ward 2"):
        write_records(records, tmp_path, team="Ward 9", today=TODAY)


def test_file_names_are_safe():
    assert (
        storyboard_file("St Anne's Medical Unit", "x") == "storyboard-st-anne-s-medical-unit.html"
    )
    assert storyboard_file("Ærø ward 5", "x") == "storyboard-r-ward-5.html"
    assert storyboard_file("../../etc", "id-1") == "storyboard-etc.html"
    assert storyboard_file("日本", "t/1") == "storyboard-t1.html"
    assert re.fullmatch(r"storyboard-[a-z0-9-]+\.html", storyboard_file("a" * 300, "x"))


def test_no_collaborative_is_explained(tmp_path):
    with (
        Store.open(f"sqlite:///{tmp_path}/empty.sqlite3") as store,
        pytest.raises(KitInputError, match="no collaborative"),
    ):
        write_reports(store, Path(tmp_path) / "out")
