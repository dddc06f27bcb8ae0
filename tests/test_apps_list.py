"""One list of the apps (``kit/content/apps.yaml``): every notebook has an entry, every entry a
notebook, and the landing page, top bar, header, journey map and access rules all follow it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import apps as app_list
from kit.server.template import APPS_PARTIAL, apps_partial

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def test_every_app_notebook_has_an_entry_and_every_entry_a_notebook():
    on_disk = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    listed = sorted(a.notebook for a in app_list.apps())
    assert set(on_disk) - set(listed) == set(), "notebooks with no entry in kit/content/apps.yaml"
    assert set(listed) - set(on_disk) == set(), "apps.yaml entries whose notebook does not exist"


def test_every_exercise_notebook_has_an_entry_and_every_entry_a_notebook():
    exercises = NOTEBOOKS / "exercises"
    on_disk = sorted(p.name for p in exercises.glob("*.ipynb")) if exercises.is_dir() else []
    listed = sorted(a.notebook for a in app_list.exercises())
    assert on_disk == listed


def test_ids_and_orders_are_unique_and_the_order_is_the_file_order():
    listed = app_list.apps()
    assert len({a.id for a in listed}) == len(listed)
    assert len({a.order for a in listed}) == len(listed)
    # the notebooks' number prefix is the BTS order too, so a file listing agrees with the list
    assert [a.notebook for a in listed] == sorted(a.notebook for a in listed)


def test_a_planned_step_is_not_also_an_app():
    steps = [s.step for s in app_list.journey()]
    assert len(steps) == len(set(steps))
    built = {s.step for s in app_list.journey() if s.notebook is not None}
    planned = {s.step for s in app_list.journey() if s.notebook is None}
    assert not built & planned, "a step with a notebook must leave `planned:`"
    journey = app_list.journey()
    first_planned = next((i for i, s in enumerate(journey) if s.notebook is None), len(journey))
    assert all(s.notebook is None for s in journey[first_planned:])  # built steps come first


def test_the_templates_copy_is_written_from_the_list():
    assert APPS_PARTIAL.read_text(encoding="utf-8") == apps_partial(), (
        "kit-apps.j2 is stale: run `python -m kit.server.template`"
    )


def test_the_landing_page_and_top_bar_render_from_the_list():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(APPS_PARTIAL.parent), autoescape=True)
    page = env.from_string(
        '{% from "kit-apps.j2" import apps_by_notebook, top_bar %}'
        "{% for n, label in top_bar %}[{{ n }}|{{ label }}|{{ apps_by_notebook[n][0] }}]{% endfor %}"
    ).render()
    for app in app_list.apps():
        short = app.short.replace("&", "&amp;")
        title = app.title.replace("&", "&amp;")
        assert f"[{app.notebook}|{short}|{title}]" in page


def test_the_header_and_the_journey_map_follow_the_list():
    from kit.steps.start.model import JOURNEY
    from kit.ui.app import APPS as header_links

    assert header_links == [(a.notebook, a.short) for a in app_list.apps()]
    mapped = [(nb, step) for nb, step, _ in JOURNEY if nb]
    assert mapped == [(a.notebook, a.journey.step) for a in app_list.apps() if a.journey]


def test_access_rules_come_from_the_list():
    from kit.ui.app import AppShell

    for app in app_list.apps():
        shell = AppShell(app.title, lambda context: None, css_name=app.id)
        assert shell.audience == app.audience
    assert app_list.audience_of("aim") == "team"


def test_a_step_that_contradicts_the_list_fails_at_once():
    from kit.ui.app import AppShell

    with pytest.raises(ValueError, match="apps.yaml"):
        AppShell("Aim", lambda context: None, audience="everyone", css_name="aim")
    # a shell that is not one of the listed apps keeps what it declares
    assert AppShell("Faculty", lambda c: None, audience="facilitator").audience == "facilitator"


def test_an_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="audience"):
        app_list._app(
            {
                "id": "x",
                "notebook": "x.ipynb",
                "title": "X",
                "line": "",
                "audience": "staff",
                "who": "",
                "phase": "any",
                "order": 9,
            }
        )
