"""Writing every storyboard and the collaborative summary to a folder, with progress.

``bts-kit report [--team NAME] [--out DIR]`` calls :func:`write_reports`; so does the
dashboard's download. Reports for a hundred teams take a while, so the caller gets
``progress(done, total, label)`` after each file to draw a bar.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kit.errors import KitInputError
from kit.qi.dashboard import CollaborativeRecords, TeamStatus, team_statuses
from kit.qi.presenters import suggest
from kit.reports.data import load_records
from kit.reports.render import Paper
from kit.reports.storyboard import measure_charts, storyboard_html
from kit.reports.summary import summary_html

if TYPE_CHECKING:  # pragma: no cover
    from kit.store import Actor, Store

__all__ = ["Progress", "SUMMARY_FILE", "storyboard_file", "write_records", "write_reports"]

Progress = Callable[[int, int, str], None]
SUMMARY_FILE = "summary.html"


def storyboard_file(team_name: str, team_id: str) -> str:
    """A safe, readable file name: ``storyboard-st-annes-medical-unit.html``."""
    ascii_name = unicodedata.normalize("NFKD", team_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"storyboard-{slug or re.sub(r'[^A-Za-z0-9_-]', '', team_id) or 'team'}.html"


def _file_names(statuses: list[TeamStatus]) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = set()
    for status in statuses:
        name = storyboard_file(status.name, status.team_id)
        if name in used:  # two teams with the same name: the id tells them apart
            safe_id = re.sub(r"[^A-Za-z0-9_-]", "", status.team_id)
            name = name.removesuffix(".html") + f"-{safe_id}.html"
        used.add(name)
        names[status.team_id] = name
    return names


def _pick(statuses: list[TeamStatus], team: str) -> TeamStatus:
    wanted = team.strip().casefold()
    for status in statuses:
        if status.team_id == team or status.name.strip().casefold() == wanted:
            return status
    known = ", ".join(sorted(s.name for s in statuses)) or "none"
    raise KitInputError(f"There is no team called {team!r}; the teams are: {known}.")


def write_records(
    records: CollaborativeRecords,
    out_dir: str | Path,
    *,
    team: str | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    paper: Paper | None = None,
    rules: str = "anhoej",
) -> list[Path]:
    """Write the storyboards (and, without ``team``, the summary) of records already read."""
    from kit.spc.api import RULE_SET_NAMES

    report = progress or (lambda done, total, label: None)
    day = today or dt.date.today()
    statuses = team_statuses(records, day, rules=rules)
    chosen = [_pick(statuses, team)] if team else statuses
    total = len(chosen) + (0 if team else 1) + 1
    report(1, total, "Read the collaborative")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = _file_names(statuses)
    charts = measure_charts(records, rules=rules)
    generated = f"{day:%d %B %Y}"
    rules_name = RULE_SET_NAMES[rules]
    written = []
    for done, status in enumerate(chosen, start=2):
        html = storyboard_html(
            records, status, charts, paper=paper or "A3", generated=generated,
            rules_name=rules_name,
        )  # fmt: skip
        path = out / names[status.team_id]
        path.write_text(html, encoding="utf-8")
        written.append(path)
        report(done, total, f"Storyboard: {status.name}")
    if not team:
        html = summary_html(
            records, statuses, suggest(records, statuses), links=names, paper=paper or "A4",
            generated=generated, rules_name=rules_name,
        )  # fmt: skip
        path = out / SUMMARY_FILE
        path.write_text(html, encoding="utf-8")
        written.append(path)
        report(total, total, "Collaborative summary")
    return written


def write_reports(
    store: Store,
    out_dir: str | Path,
    team: str | None = None,
    progress: Progress | None = None,
    *,
    actor: Actor | None = None,
    collaborative_id: str | None = None,
    today: dt.date | None = None,
    paper: Paper | None = None,
    rules: str = "anhoej",
) -> list[Path]:
    """Write a storyboard per team and the collaborative summary into ``out_dir``.

    ``team`` (a team's name, any case, or its id) writes that team's storyboard only.
    ``progress(done, total, label)`` is called after each step. Storyboards default to A3
    landscape (a poster) and the summary to A4 portrait; ``paper`` sets both. Returns the
    files written. ``KitInputError`` says what is wrong (no collaborative, unknown team).
    """
    records = load_records(store, actor=actor, collaborative_id=collaborative_id)
    return write_records(
        records, out_dir, team=team, progress=progress, today=today, paper=paper, rules=rules
    )
