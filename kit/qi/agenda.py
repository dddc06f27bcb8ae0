"""A meeting's agenda as blocks with durations, and the clock arithmetic both apps need.

A facilitator plans each meeting of a collaborative (the prework meeting, learning sessions 1-3,
the closing congress) as blocks: plenary, team time, storyboard round, report-outs, evaluation.
Each block has minutes, a lead and optionally the app or exercise it uses. The templates are
``kit/content/agendas.yaml`` (the facilitator guide renders the same file); a saved agenda is an
``Agenda`` record, one per collaborative and meeting, versioned by the store like every record.

Times are never stored: each block starts where the one before ends, so changing one block's
minutes moves every later block (``timed_blocks``). The presenter view asks ``presenter_state``
what is on now, given a clock; tests give it a clock of their own.

The record is registered with the store's ``RECORD_TYPES`` here (``kit/qi/records.py`` is near
the module size limit); ``kit/qi/__init__.py`` imports this module, so any import of ``kit.qi``
registers it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kit.content import agenda as agenda_template
from kit.content import load
from kit.errors import KitInputError
from kit.qi.records import RECORD_TYPES, Name, Record, Text

Meeting = Literal["prework", "ls1", "ls2", "ls3", "congress"]
BlockKind = Literal[
    "plenary",
    "team_time",
    "storyboard_round",
    "breakout",
    "report_out",
    "evaluation",
    "break",
    "meal",
]
#: the longest block the kit accepts: a whole day
MAX_BLOCK_MINUTES = 600
#: the latest a day may end: blocks past midnight are a typing mistake
DAY_MINUTES = 24 * 60


class AgendaBlock(BaseModel):
    """One block of a day: what, how long, who leads it, and the app it uses, if any."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)
    kind: BlockKind = Field(default="plenary", title="Kind of block")
    title: Name = Field(title="Title")
    minutes: int = Field(ge=5, le=MAX_BLOCK_MINUTES, title="Minutes")
    lead: Text = Field(default="", title="Lead")
    #: an app's number from kit/content/apps.yaml ("02"), or empty
    app: str = Field(default="", max_length=20, title="App")
    exercise: str = Field(default="", max_length=100, title="Exercise")


class AgendaDay(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    starts: dt.time = Field(default=dt.time(9, 0), title="Day starts")
    blocks: list[AgendaBlock] = Field(default_factory=list, title="Blocks")


class Agenda(Record):
    """A collaborative's agenda for one meeting; its days follow each other from ``date``."""

    kind: ClassVar[str] = "agenda"
    collaborative_id: str = Field(title="Collaborative")
    meeting: Meeting = Field(title="Meeting")
    title: Name = Field(title="Title")
    date: dt.date = Field(title="First day")
    #: an IANA time zone ("Europe/London"); the calendar file converts to UTC with it
    timezone: str = Field(default="UTC", max_length=64, title="Time zone")
    venue: Text = Field(default="", title="Venue")
    template: str = Field(default="", max_length=40, title="Template")
    days: list[AgendaDay] = Field(default_factory=list, max_length=5, title="Days")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value


RECORD_TYPES.setdefault(Agenda.kind, Agenda)


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``; a message naming it when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise KitInputError(
            f"'{name}' is not a time zone; use a name such as Europe/London or UTC."
        ) from None


def time_zones() -> list[str]:
    """The time zones a facilitator can pick, UTC first."""
    return ["UTC", *sorted(z for z in available_timezones() if "/" in z and z != "UTC")]


def block_kinds() -> dict[str, str]:
    """Kind of block -> its name in the agenda ("team_time" -> "Team time")."""
    return dict(load("agendas")["block_kinds"])


def lead_roles() -> dict[str, str]:
    """The template's lead keys -> their names ("improvement_advisor" -> "Improvement advisor")."""
    return dict(load("agendas")["lead_roles"])


#: the block editor's value for an exercise (its one dropdown offers apps and exercises)
EXERCISE_PREFIX = "exercise:"


def block_uses(app: str, exercise: str) -> str:
    """What a block uses, in words: "App 05 Charts", "Exercise: Red beads", or "".

    Why names, not ids: the printed agenda, the calendar and the projector are read by people
    who never see ``apps.yaml``; an id the list does not know is shown as it is."""
    from kit.apps import apps, exercises

    parts = []
    if app:
        short = {a.notebook[:2]: a.short for a in apps()}.get(app)
        parts.append(f"App {app} {short}" if short else f"App {app}")
    if exercise:
        title = {e.id: e.title for e in exercises()}.get(exercise, exercise)
        parts.append(f"Exercise: {title}")
    return " · ".join(parts)


def agenda_from_template(
    collaborative_id: str,
    meeting: str,
    date: dt.date,
    variant: str | None = None,
    *,
    timezone: str = "UTC",
    record_id: str | None = None,
) -> Agenda:
    """A new agenda from the template in ``kit/content/agendas.yaml`` (leads in words)."""
    from kit.content import agendas

    template = agenda_template(meeting, variant)
    leads = lead_roles()
    days = [
        AgendaDay(
            starts=dt.time.fromisoformat(day["starts"]),
            blocks=[
                AgendaBlock(
                    kind=block["kind"],
                    title=block["title"],
                    minutes=block["minutes"],
                    lead=leads.get(block.get("lead", ""), block.get("lead", "")),
                    app=str(block.get("app", "")),
                    exercise=str(block.get("exercise", "")),
                )
                for block in day["blocks"]
            ],
        )
        for day in template["days"]
    ]
    return Agenda(
        id=record_id or f"agenda-{collaborative_id}-{meeting}",
        collaborative_id=collaborative_id,
        meeting=meeting,  # type: ignore[arg-type]
        title=agendas()[meeting]["name"],
        date=date,
        timezone=timezone,
        template=variant or agendas()[meeting]["default_variant"],
        days=days,
    )


# --- times ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimedBlock:
    """A block with its place (day and position, from 0) and its start and end, in local time."""

    day: int
    index: int
    block: AgendaBlock
    start: dt.datetime
    end: dt.datetime

    @property
    def clock(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def day_date(agenda: Agenda, day: int) -> dt.date:
    return agenda.date + dt.timedelta(days=day)


def timed_blocks(agenda: Agenda) -> list[TimedBlock]:
    """Every block with its start and end (time-zone aware, in the agenda's zone).

    Each day's first block starts when the day starts; each later block when the one before
    ends. A day that runs past midnight is refused with the day and the time it would end.
    """
    tz = zone(agenda.timezone)
    out: list[TimedBlock] = []
    for d, day in enumerate(agenda.days):
        start = dt.datetime.combine(day_date(agenda, d), day.starts, tzinfo=tz)
        total = day.starts.hour * 60 + day.starts.minute
        for i, block in enumerate(day.blocks):
            total += block.minutes
            if total > DAY_MINUTES:
                raise KitInputError(
                    f"Day {d + 1} would run past midnight at '{block.title}'; shorten a block "
                    "or start the day earlier."
                )
            end = start + dt.timedelta(minutes=block.minutes)
            out.append(TimedBlock(d, i, block, start, end))
            start = end
    return out


def day_minutes(agenda: Agenda) -> list[int]:
    """The minutes each day's blocks add up to."""
    return [sum(b.minutes for b in day.blocks) for day in agenda.days]


# --- the presenter -------------------------------------------------------------------------


@dataclass(frozen=True)
class PresenterState:
    """What the projector shows at one moment.

    ``phase`` is ``before`` (the day has not started: ``current`` is None and ``following``
    is the first block), ``running`` (``current`` is on, ``remaining`` is its time left) or
    ``over`` (every block has ended).
    """

    now: dt.datetime
    phase: Literal["before", "running", "over"]
    current: TimedBlock | None
    following: TimedBlock | None
    remaining: dt.timedelta

    @property
    def remaining_text(self) -> str:
        """Time left as m:ss (or h:mm:ss when an hour or more)."""
        seconds = max(0, int(self.remaining.total_seconds()))
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def presenter_state(blocks: list[TimedBlock], now: dt.datetime) -> PresenterState:
    """What is on at ``now`` (time-zone aware): the block running, its time left, what's next.

    A block owns its start and not its end: at 10:00 exactly the 09:00-10:00 block is over and
    the 10:00 block is on. Gaps between days count as "before" the next day's first block.
    """
    if now.tzinfo is None:
        raise KitInputError("The presenter's clock must say which time zone it is in.")
    for k, timed in enumerate(blocks):
        if now < timed.start:
            return PresenterState(now, "before", None, timed, timed.start - now)
        if timed.start <= now < timed.end:
            following = blocks[k + 1] if k + 1 < len(blocks) else None
            return PresenterState(now, "running", timed, following, timed.end - now)
    return PresenterState(now, "over", None, None, dt.timedelta(0))


def describe(value: Any) -> str:
    """A one-line summary of an agenda for its history list."""
    if not isinstance(value, Agenda):
        return ""
    counts = ", ".join(f"day {d + 1}: {m} min" for d, m in enumerate(day_minutes(value)))
    return f"{value.title} on {value.date:%d %b %Y} ({counts or 'no blocks'})"
