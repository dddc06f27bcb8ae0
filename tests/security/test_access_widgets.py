"""A participant's page cannot reach another team's work or the facilitator's functions by
sending crafted widget messages, nor through the objects the page holds.

The browser can set any synced trait of any widget the kernel created, shown or not, and
send any custom message: ``set_state`` and ``_handle_custom_msg`` are exactly what ipywidgets
calls for a comm message from the page (``ipywidgets/widgets/widget.py``). So each app is
built for a Riverside participant, and every widget it created gets the messages an attacker
would send: enable it, pick every option of every picker, type another team's ids into every
text field, and click every button, hidden or disabled ones included. Afterwards no row
outside Riverside's own work has changed, no widget shows another team's text, and nothing
the page holds reads another team's records. The facilitator-only apps (the dashboard, the
learning sessions) build nothing for a participant, so their faculty widgets never exist in
a participant's kernel; the exercises' hidden "Open for the room" is clicked like any other.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
import sqlalchemy as sa
from ipywidgets.widgets.widget import _instances

from kit.apps import apps, exercises
from kit.errors import PermissionDenied
from kit.qi import Aim, DriverDiagram, MonthlyReport, PDSACycle, Team
from kit.store import Actor, Store
from kit.ui.session import Identity, issue_token

from .hostile import COLLAB, OTHER_TEAM, TEAM, Seeded, fill_with_payloads

ROOT = Path(__file__).resolve().parents[2]
RIVERSIDE = Identity("participant", COLLAB, TEAM, "Riverside member")
#: what a crafted message types into every text field: another team's ids and a query
TYPED = [OTHER_TEAM, f"aim-{OTHER_TEAM}", "../team-northfield", "' OR 1=1 --"]


def step_module(notebook: str) -> str:
    """The step a notebook's one call builds (``from kit.steps import aim``)."""
    source = json.loads((ROOT / "notebooks" / notebook).read_text())
    code = "".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "code")
    return re.search(r"from kit\.steps import (\w+)", code).group(1)


STEPS = [(a.notebook, step_module(a.notebook)) for a in apps()]
EXERCISES = [e.id for e in exercises()]


def build_app(name: str, store: Store) -> Any:
    """A step (``aim``) or an exercise (``red-beads``) as a Riverside participant's page."""
    params = {"session": issue_token(RIVERSIDE)}
    if name in EXERCISES:
        from kit.exercises.views import app as exercise_app

        return exercise_app(name, store=store, params=params)
    return importlib.import_module(f"kit.steps.{name}").app(store=store, params=params)


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> tuple[Path, Seeded]:
    from kit.demo import load_demo

    path = tmp_path_factory.mktemp("access-widgets") / "kit.sqlite3"
    with Store.open(f"sqlite:///{path}") as store:
        load_demo(store)
        seeded = fill_with_payloads(store, today=dt.date(2026, 1, 1), other_team=True)
    return path, seeded


@pytest.fixture
def store(seeded_db, tmp_path) -> Iterator[Store]:
    import shutil

    target = tmp_path / "kit.sqlite3"
    shutil.copy(seeded_db[0], target)
    with Store.open(f"sqlite:///{target}") as opened:
        yield opened


def rows_outside(database_url: str, team_id: str) -> list[tuple]:
    """Every stored row that does not mention ``team_id``: what the team must not change."""
    engine = sa.create_engine(database_url)
    rows: list[tuple] = []
    try:
        with engine.connect() as conn:
            metadata = sa.MetaData()
            metadata.reflect(bind=conn)
            for table in metadata.sorted_tables:
                for row in conn.execute(sa.select(table)):
                    values = [str(v) for v in row]
                    if not any(team_id in v for v in values):
                        rows.append((table.name, *values))
    finally:
        engine.dispose()
    return sorted(rows)


def widget_text(widget: w.Widget) -> str:
    """Every string a widget sends to the page: value, labels, description, tooltips."""
    parts: list[str] = []
    for name in widget.keys:
        if name.startswith("_model") or name.startswith("_view"):
            continue
        value = getattr(widget, name, None)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, tuple | list):
            parts.extend(v for v in value if isinstance(v, str))
    return "\n".join(parts)


class Attacker:
    """Sends a page's crafted messages to every widget of the kernel, and counts them."""

    def __init__(self) -> None:
        self.messages = 0
        self.refused_by_traits = 0
        self.unguarded: list[str] = []

    def send(self, widget: w.Widget, state: dict[str, Any]) -> None:
        """A comm ``update`` message, as ipywidgets applies it."""
        self.messages += 1
        try:
            widget.set_state(state)
        except Exception as error:  # a TraitError: the kernel logs it, nothing changes
            if isinstance(error, PermissionDenied):
                self.unguarded.append(f"{type(widget).__name__} {state}: {error}")
            self.refused_by_traits += 1

    def click(self, widget: w.Button) -> None:
        """A comm ``custom`` message ``{"event": "click"}``, as a button's view sends it."""
        self.messages += 1
        try:
            widget._handle_custom_msg({"event": "click"}, [])
        except Exception as error:
            self.unguarded.append(f"click {widget.description!r}: {error!r}")

    def attack(self, widget: w.Widget) -> None:
        keys = set(widget.keys)
        if "disabled" in keys:
            self.send(widget, {"disabled": False})
        if "layout" in keys:
            widget.layout.set_state({"display": "", "visibility": "visible"})
        if "index" in keys and not isinstance(widget.index, tuple):
            labels = len(getattr(widget, "_options_labels", ()))
            for index in [*range(labels), labels + 3]:
                self.send(widget, {"index": index})
            # the options themselves are not synced: a message naming them changes nothing
            self.send(widget, {"options": [OTHER_TEAM], "_options_labels": [OTHER_TEAM]})
        elif "value" in keys and isinstance(getattr(widget, "value", None), str):
            if isinstance(widget, w.HTML | w.Label | w.HTMLMath):
                return
            for typed in TYPED:
                self.send(widget, {"value": typed})
        elif "value" in keys and isinstance(getattr(widget, "value", None), bool):
            self.send(widget, {"value": not widget.value})
        if isinstance(widget, w.Button):
            self.click(widget)


def live_widgets(before: set[str]) -> list[w.Widget]:
    return [widget for key, widget in list(_instances.items()) if key not in before]


def flush_all(widgets: list[w.Widget]) -> None:
    for widget in widgets:
        flush = getattr(widget, "flush", None)
        if callable(flush) and hasattr(widget, "_debouncers"):
            flush()


@pytest.mark.parametrize("step", [s for _n, s in STEPS] + EXERCISES)
def test_crafted_widget_messages_reach_no_other_team_and_no_faculty_function(
    store: Store, seeded_db, step: str
) -> None:
    notebook = step
    seeded = seeded_db[1]
    url = str(store.url)
    before_rows = rows_outside(url, TEAM)
    before = set(_instances)
    own_before = store.find(Aim, Actor.system(), team_id=TEAM)[0].version
    shell = build_app(step, store)
    attacker = Attacker()
    for _round in range(2):  # widgets a first round created (a new cycle's form) get a turn
        for widget in live_widgets(before):
            attacker.attack(widget)
    widgets = live_widgets(before)
    flush_all(widgets)
    assert widgets, "the app built no widgets"
    assert attacker.unguarded == [], f"{notebook}: a handler let an error through"
    shown = "\n".join(widget_text(x) for x in live_widgets(before))
    leaked = sorted(t for t in seeded.visible_in(shown) if t.startswith("other"))
    assert leaked == [], f"{notebook} shows another team's text: {leaked}"
    assert rows_outside(url, TEAM) == before_rows, f"{notebook} changed what is not Riverside's"
    assert shell.identity is not None and shell.identity.team_id == TEAM
    if step == "aim":  # the messages did reach the save path: Riverside's own aim changed
        assert store.find(Aim, Actor.system(), team_id=TEAM)[0].version > own_before
    print(
        f"{step}: {len(widgets)} widgets, {attacker.messages} crafted messages, "
        f"{attacker.refused_by_traits} refused by the widgets' traits"
    )


def test_the_objects_a_participant_page_holds_cannot_read_another_team(store: Store) -> None:
    """The page's model keeps the store and the Actor: both refuse another team's records."""
    from kit.steps import aim

    shell = aim.app(store=store, params={"session": issue_token(RIVERSIDE)})
    view = shell.content
    model = view.model
    actor = model.actor
    assert actor == Actor.participant(TEAM, RIVERSIDE.label, COLLAB) or actor.team_id == TEAM
    with pytest.raises(PermissionDenied):
        model.store.get(Aim, f"aim-{OTHER_TEAM}", actor)
    with pytest.raises(PermissionDenied):
        model.store.find(PDSACycle, actor, team_id=OTHER_TEAM)
    for cls in (Aim, DriverDiagram, PDSACycle, MonthlyReport):
        teams = {s.record.team_id for s in model.store.find(cls, actor)}
        assert teams <= {TEAM, None}, cls
    other = store.get(Aim, f"aim-{OTHER_TEAM}", Actor.system())
    with pytest.raises(PermissionDenied):
        model.store.save(
            other.record.model_copy(update={"what": "overwritten"}),
            actor,
            expected_version=other.version,
        )
    with pytest.raises(PermissionDenied):
        model.store.revisions(Aim, f"aim-{OTHER_TEAM}", actor)
    team = store.get(Team, TEAM, Actor.system())
    with pytest.raises(PermissionDenied):  # the team's own details are the faculty's to change
        model.store.save(team.record, actor, expected_version=team.version)
    with pytest.raises(PermissionDenied):
        model.select_team(OTHER_TEAM)
    assert model.team_id == TEAM
    # the Actor is frozen: the page cannot promote it
    with pytest.raises(AttributeError):
        actor.role = "facilitator"  # type: ignore[misc]
