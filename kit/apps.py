"""The kit's apps, read from ``kit/content/apps.yaml``: the one list the landing page, the top
bar, the start page's journey map, the apps' header and their access rules are built from.

Pure data (no widgets, no Jupyter), so ``kit/steps/start/model.py`` and the server's template
code can both read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

Audience = Literal["everyone", "team", "facilitator"]
AUDIENCES: tuple[str, ...] = ("everyone", "team", "facilitator")


@dataclass(frozen=True)
class JourneyStep:
    """One box on the start page's journey map; ``notebook`` is None for a planned step."""

    step: str
    question: str
    notebook: str | None = None


@dataclass(frozen=True)
class App:
    id: str
    notebook: str
    title: str
    short: str
    line: str
    audience: Audience
    who: str
    phase: str
    order: int
    journey: JourneyStep | None = None


def _app(entry: dict) -> App:
    audience = entry["audience"]
    if audience not in AUDIENCES:
        raise ValueError(
            f"apps.yaml: {entry['id']} has audience {audience!r}, not one of {AUDIENCES}"
        )
    journey = entry.get("journey")
    return App(
        id=entry["id"],
        notebook=entry["notebook"],
        title=entry["title"],
        short=entry.get("short") or entry["title"],
        line=entry["line"],
        audience=audience,
        who=entry["who"],
        phase=entry["phase"],
        order=int(entry["order"]),
        journey=JourneyStep(journey["step"], journey["question"], entry["notebook"])
        if journey
        else None,
    )


@cache
def apps() -> tuple[App, ...]:
    """The apps in BTS order."""
    from kit.content import load

    return tuple(sorted((_app(e) for e in load("apps")["apps"]), key=lambda a: a.order))


@cache
def exercises() -> tuple[App, ...]:
    """The teaching exercises under ``notebooks/exercises/``, in order."""
    from kit.content import load

    entries = load("apps").get("exercises") or []
    return tuple(sorted((_app(e) for e in entries), key=lambda a: a.order))


def journey() -> list[JourneyStep]:
    """The start page's map: the apps that are steps, then the steps still planned."""
    from kit.content import load

    steps = [a.journey for a in apps() if a.journey is not None]
    planned = load("apps").get("planned") or []
    return steps + [JourneyStep(p["step"], p["question"]) for p in planned]


def audience_of(app_id: str) -> Audience:
    """Who may open the app ``app_id`` (its ``audience`` in ``apps.yaml``)."""
    for app in (*apps(), *exercises()):
        if app.id == app_id:
            return app.audience
    raise KeyError(f"No app '{app_id}' in kit/content/apps.yaml")
