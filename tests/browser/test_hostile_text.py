"""Hostile text end to end: script and HTML typed into every free-text field is shown as typed
in every app, on the dashboard and in the exported files, and never runs.

The collaborative is the demo with a payload in every free-text field
(``tests/security/hostile.py``: ``<script>``, ``onerror``, ``onload``, ``javascript:`` links,
``{{7*7}}``, markdown and entity tricks). Every payload would set ``window.__kit_pwned``; a page
passes when that stays undefined, no dialog opened, no element carries a payload's handler or
``javascript:`` link, and the fields the app shows read exactly as typed: a field whose tag
``[aim0.what]`` shows without its whole payload after it has been interpreted or cut. Each
app is opened once as the facilitator and once as a Riverside participant (one page per app;
the facilitator-only apps once). Two payloads are then typed through the aim and change-package
forms, to prove the input path too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.security.hostile import COLLAB, PAYLOADS, PWNED, TEAM, Seeded, fill_with_payloads

from .conftest import (
    app_notebooks,
    check_no_page_errors,
    declared_audience,
    start_server,
    wait_for_kernel_pool,
)
from .waits import wait_for_database, wait_until_settled

pytestmark = pytest.mark.browser

#: a page's time to show its app on a machine shared by many test runs
SLOW = 180_000

#: every string the page shows or holds in a form: text, field values, options, chart data and
#: the tooltips of an SVG chart
PAGE_TEXT = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('input, textarea')) parts.push(el.value);
  for (const el of document.querySelectorAll('option')) parts.push(el.textContent);
  // a label cut to fit a chart picture keeps its whole text as its tooltip
  for (const el of document.querySelectorAll('svg title')) parts.push(el.textContent);
  for (const doc of (window.Bokeh ? window.Bokeh.documents : []))
    for (const model of doc.all_models) {
      if (!model.data) continue;
      for (const column of Object.values(model.data))
        if (Array.isArray(column))
          for (const value of column) if (typeof value === 'string') parts.push(value);
    }
  return parts.join('\\n').replace(/\\u00a0/g, ' ');  // a Dropdown shows spaces as &nbsp;
}"""

#: what a payload that became markup would leave: a handler or a javascript: link
INJECTED = """(marker) => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value || '';
      if (attr.name.startsWith('on') && value.includes(marker)) found.push(el.tagName + ' ' + attr.name);
      if (/^\\s*javascript:/i.test(value)) found.push(el.tagName + ' ' + attr.name + '=' + value);
    }
    if (el.tagName === 'IFRAME' && (el.getAttribute('srcdoc') || '').includes(marker))
      found.push('IFRAME srcdoc');
  }
  return found;
}"""

#: per app, the fields that must be on the page (tag prefixes), for each role
EXPECTED = {
    "00-start-here.ipynb": ["collab0.name", "collab0.aim"],
    "01-setup-and-topic.ipynb": ["collab0.name", "topic0.title"],
    "02-aim.ipynb": ["aim0.what", "aim0.free_text"],
    "03-change-package.ipynb": ["package0.primary_drivers"],
    "04-measures-and-data.ipynb": ["measure0.name"],
    "05-charts.ipynb": ["measure0.name"],
    "06-pdsa.ipynb": ["pdsa"],
    # the page opens on the current period, which has no report yet: the team's name shows
    "07-monthly-report.ipynb": ["team0.name", "collab0.name"],
    "08-dashboard.ipynb": ["teamname0"],
    "09-assessment.ipynb": ["team0.name"],
    "10-learning-sessions.ipynb": ["agenda.days.0.blocks.0.title"],
}

#: where a participant's page opens on their own team's work instead
PARTICIPANT_EXPECTED = {
    "03-change-package.ipynb": ["diagram0.primary_drivers"],
    "07-monthly-report.ipynb": ["collab0.name"],  # no team picker: the header names the app
}


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from kit.demo import load_demo
    from kit.store import Store

    tmp = tmp_path_factory.mktemp("hostile-text")
    database_url = f"sqlite:///{tmp / 'kit.sqlite3'}"
    with Store.open(database_url) as store:
        load_demo(store)
        seeded = fill_with_payloads(store, today=dt.date(2026, 1, 1))
    with start_server(tmp, database_url=database_url, load_demo=False) as server:
        server.seeded = seeded
        yield server


@pytest.fixture
def watch(page):
    """Record dialogs (alert, confirm, prompt) a script might open, and dismiss them."""
    dialogs: list[str] = []

    def seen(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", seen)
    # a page is rendered with its kernel before it arrives: on a busy machine that is slow
    page.set_default_navigation_timeout(180_000)
    return dialogs


def token(server, role: str) -> str:
    import os

    from kit.ui.session import Identity, issue_token

    previous = os.environ.get("KIT_SESSION_SECRET")
    os.environ["KIT_SESSION_SECRET"] = server.secret
    try:
        if role == "facilitator":
            return issue_token(Identity("facilitator", COLLAB, None, "Facilitator"))
        return issue_token(Identity("participant", COLLAB, TEAM, "Riverside member"))
    finally:
        if previous is None:
            os.environ.pop("KIT_SESSION_SECRET", None)
        else:
            os.environ["KIT_SESSION_SECRET"] = previous


def open_page(page, server, notebook: str, **query: str):
    """``open_app`` with room for a busy machine: the notebook's preheated kernel is waited
    for first (the log says when its pool is filled), then the page gets three minutes."""
    wait_for_kernel_pool(server, notebook, 1)
    page.goto(server.render_url(notebook, **query), wait_until="domcontentloaded", timeout=SLOW)
    page.wait_for_selector(".kit-app .kit-header .kit-who", timeout=SLOW)
    check_no_page_errors(page)
    return page


def page_text(page) -> str:
    return page.evaluate(PAGE_TEXT)


def assert_nothing_ran(page, dialogs: list[str], where: str) -> None:
    assert page.evaluate(f"() => typeof window.{PWNED}") == "undefined", f"a payload ran on {where}"
    assert dialogs == [], f"{where} opened a dialog: {dialogs}"
    assert page.evaluate(INJECTED, PWNED) == [], f"{where} holds a payload as markup"
    check_no_page_errors(page)


def wait_for_fields(page, seeded: Seeded, prefixes: list[str], where: str) -> set[str]:
    """Wait until a field of each prefix shows in full; returns every field shown."""
    wanted = {p: [t for t in seeded.values if t.startswith(p)] for p in prefixes}
    values = {p: [seeded.values[t] for t in tags] for p, tags in wanted.items()}
    for prefix, texts in values.items():
        assert texts, f"nothing was seeded under {prefix}"
        page.wait_for_function(
            f"(texts) => {{ const text = ({PAGE_TEXT})();"
            " return texts.some(t => text.includes(t)); }",
            arg=texts,
            # a field may live only in a chart's data, which a loaded machine draws last
            timeout=SLOW,
        )
    text = page_text(page)
    assert seeded.cut_in(text) == [], f"{where} changed these fields' text: {seeded.cut_in(text)}"
    return seeded.visible_in(text)


def cases() -> list[tuple[str, str]]:
    found = []
    for notebook in app_notebooks():
        found.append((notebook, "facilitator"))
        if declared_audience(notebook) != "facilitator":
            found.append((notebook, "participant"))
    return found


@pytest.mark.parametrize(("notebook", "role"), cases(), ids=lambda v: v.split(".")[0])
def test_every_app_shows_hostile_text_as_typed_and_runs_none(
    page, watch, hostile_server, notebook, role
):
    seeded = hostile_server.seeded
    where = f"{notebook} as {role}"
    open_page(page, hostile_server, notebook, session=token(hostile_server, role))
    expected = PARTICIPANT_EXPECTED.get(notebook, EXPECTED[notebook])
    shown = wait_for_fields(
        page, seeded, EXPECTED[notebook] if role == "facilitator" else expected, where
    )
    assert_nothing_ran(page, watch, where)
    if role == "participant":
        assert not any(t.startswith("other") for t in shown), f"{where} shows another team"
    print(f"{where}: {len(shown)} hostile fields shown as typed")


def test_exported_storyboard_summary_and_agenda_show_text_and_run_nothing(
    page, watch, hostile_server, tmp_path
):
    from kit.qi import Agenda
    from kit.qi.agenda_export import agenda_html
    from kit.reports.write import write_reports
    from kit.store import Actor, Store

    seeded = hostile_server.seeded
    with Store.open(hostile_server.database_url) as store:
        files = write_reports(store, tmp_path, actor=Actor.system(), collaborative_id=COLLAB)
        agenda = store.find(Agenda, Actor.system(), collaborative_id=COLLAB)[0].record
    agenda_page = tmp_path / "agenda.html"
    agenda_page.write_text(agenda_html(agenda, collaborative=seeded.values["collab0.name"]))
    storyboard = next(p for p in files if p.name.startswith("storyboard-team0-"))
    summary = next(p for p in files if p.name == "summary.html")
    for path, prefixes in (
        (storyboard, ["team0.name", "aim0.for_whom", "pdsa"]),
        (summary, ["collab0.name", "teamname0"]),
        (agenda_page, ["agenda.days.0.blocks.0.title", "agenda.days.1.blocks.0.lead"]),
    ):
        page.goto(Path(path).as_uri(), wait_until="load")
        wait_for_fields(page, seeded, prefixes, path.name)
        assert_nothing_ran(page, watch, path.name)


def _aim_what(server) -> str:
    from kit.qi import Aim
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        return store.find(Aim, Actor.system(), team_id=TEAM)[0].record.what


def test_payloads_typed_into_the_aim_and_a_change_idea_are_kept_and_shown_as_typed(
    page, watch, hostile_server
):
    typed_aim = f"fewer falls {PAYLOADS[1]}"
    typed_idea = f"Socks {PAYLOADS[0]}"
    participant = token(hostile_server, "participant")
    open_page(page, hostile_server, "02-aim.ipynb", session=participant)
    page.wait_for_selector(".kit-aim-what input")
    page.fill(".kit-aim-what input", typed_aim)
    wait_until_settled(page)
    wait_for_database(lambda: _aim_what(hostile_server), lambda v: v == typed_aim)

    open_page(page, hostile_server, "03-change-package.ipynb", session=participant)
    page.wait_for_selector(".kit-cp-idea-text input")
    page.fill(".kit-cp-idea-text input", typed_idea)
    page.click(".kit-cp-add-idea")
    wait_for_database(lambda: _ideas(hostile_server), lambda ideas: typed_idea in ideas)

    page.reload(wait_until="domcontentloaded")
    page.wait_for_function(f"(t) => ({PAGE_TEXT})().includes(t)", arg=typed_idea, timeout=60_000)
    assert_nothing_ran(page, watch, "the change package after typing")
    open_page(page, hostile_server, "02-aim.ipynb", session=participant)
    page.wait_for_function(f"(t) => ({PAGE_TEXT})().includes(t)", arg=typed_aim, timeout=60_000)
    assert_nothing_ran(page, watch, "the aim after typing")


def _ideas(server) -> list[str]:
    from kit.qi import DriverDiagram
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        diagram = store.find(DriverDiagram, Actor.system(), team_id=TEAM)[0].record
    return [c.text for c in diagram.change_ideas]
