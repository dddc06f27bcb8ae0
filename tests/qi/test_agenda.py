"""Agendas: blocks add up, times follow from minutes, the presenter's "now", and the files
handed out (iCalendar read back by a reader written here from RFC 5545, sharing no code)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from kit.content import agenda as template
from kit.content import agendas
from kit.errors import KitInputError
from kit.qi import RECORD_TYPES, check
from kit.qi.agenda import (
    Agenda,
    AgendaBlock,
    AgendaDay,
    agenda_from_template,
    day_minutes,
    presenter_state,
    timed_blocks,
)
from kit.qi.agenda_export import agenda_html, agenda_ics, escape_text, fold

LONDON = "Europe/London"


def ls1(**changes) -> Agenda:
    agenda = agenda_from_template("collab", "ls1", dt.date(2026, 3, 4), timezone=LONDON)
    return agenda.model_copy(update=changes)


def small(minutes=(30, 45, 15), starts=dt.time(9, 0), tz="UTC") -> Agenda:
    return Agenda(
        id="a",
        collaborative_id="c",
        meeting="ls2",
        title="LS2",
        date=dt.date(2026, 6, 10),
        timezone=tz,
        days=[
            AgendaDay(
                starts=starts,
                blocks=[
                    AgendaBlock(title=f"Block {i + 1}", minutes=m) for i, m in enumerate(minutes)
                ],
            )
        ],
    )


def test_the_record_is_known_to_the_store():
    assert RECORD_TYPES["agenda"] is Agenda


@pytest.mark.parametrize("meeting", list(agendas()))
def test_every_template_loads_and_its_days_add_up_to_the_stated_length(meeting):
    for key in agendas()[meeting]["variants"]:
        agenda = agenda_from_template("c", meeting, dt.date(2026, 1, 5), key)
        days = template(meeting, key)["days"]
        assert day_minutes(agenda) == [d["minutes"] for d in days]
        assert sum(day_minutes(agenda)) == template(meeting, key)["length_minutes"]


def test_blocks_follow_each_other_from_the_day_start():
    blocks = timed_blocks(small())
    assert [b.clock for b in blocks] == ["09:00-09:30", "09:30-10:15", "10:15-10:30"]
    assert blocks[0].start == dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("UTC"))


def test_the_second_day_is_the_next_date():
    blocks = timed_blocks(ls1())
    second = [b for b in blocks if b.day == 1]
    assert second[0].start.date() == dt.date(2026, 3, 5)
    assert second[0].start.hour == 9
    assert blocks[-1].end.strftime("%H:%M") == "16:30"


def test_a_longer_block_moves_every_later_block_and_no_earlier_one():
    before = timed_blocks(small())
    longer = small(minutes=(30, 60, 15))
    after = timed_blocks(longer)
    assert after[0] == before[0]
    assert after[1].start == before[1].start
    assert after[1].end - before[1].end == dt.timedelta(minutes=15)
    assert after[2].start - before[2].start == dt.timedelta(minutes=15)
    assert after[2].end.strftime("%H:%M") == "10:45"


def test_a_day_past_midnight_is_refused_in_words():
    with pytest.raises(KitInputError, match="past midnight at 'Block 3'"):
        timed_blocks(small(minutes=(300, 300, 200), starts=dt.time(13, 0)))


@pytest.mark.parametrize(("field", "value"), [("minutes", 3), ("minutes", 601), ("title", "")])
def test_block_values_are_checked(field, value):
    data = {"title": "Plenary", "minutes": 30, field: value}
    with pytest.raises(KitInputError):
        check(AgendaBlock, data)


def test_an_unknown_time_zone_is_refused_in_words():
    data = small().model_dump() | {"timezone": "Mars/Olympus"}
    with pytest.raises(KitInputError, match="'Mars/Olympus' is not a time zone"):
        check(Agenda, data)


# --- presenter ------------------------------------------------------------------------------


def test_before_the_day_the_first_block_is_next():
    blocks = timed_blocks(small())
    state = presenter_state(blocks, blocks[0].start - dt.timedelta(minutes=10))
    assert state.phase == "before"
    assert state.current is None
    assert state.following is blocks[0]
    assert state.remaining_text == "10:00"


def test_during_a_block_it_is_current_with_its_time_left_and_the_next():
    blocks = timed_blocks(small())
    state = presenter_state(blocks, blocks[1].start + dt.timedelta(minutes=20, seconds=15))
    assert state.current is blocks[1]
    assert state.following is blocks[2]
    assert state.remaining_text == "24:45"


def test_a_block_ends_exactly_when_the_next_begins():
    blocks = timed_blocks(small())
    assert presenter_state(blocks, blocks[0].end).current is blocks[1]
    assert presenter_state(blocks, blocks[0].end - dt.timedelta(seconds=1)).current is blocks[0]


def test_after_the_last_block_the_day_is_over():
    blocks = timed_blocks(small())
    state = presenter_state(blocks, blocks[-1].end)
    assert (state.phase, state.current, state.following) == ("over", None, None)


def test_the_clock_is_read_in_any_zone():
    blocks = timed_blocks(ls1())  # London, summer time from 29 March; 4 March is GMT
    utc_now = dt.datetime(2026, 3, 4, 9, 5, tzinfo=dt.UTC)
    assert presenter_state(blocks, utc_now).current is blocks[0]


def test_a_naive_clock_is_refused():
    with pytest.raises(KitInputError, match="time zone"):
        presenter_state(timed_blocks(small()), dt.datetime(2026, 6, 10, 9, 0))


def test_hours_left_show_hours():
    blocks = timed_blocks(small(minutes=(120,)))
    assert presenter_state(blocks, blocks[0].start).remaining_text == "2:00:00"


# --- iCalendar: an independent reader -----------------------------------------------------


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: CRLF followed by one space or tab continues the line."""
    assert "\n" not in text.replace("\r\n", ""), "bare LF in the file"
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def events(text: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfold(text):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return found


STAMP = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC)


def test_one_event_per_block_with_utc_times():
    agenda = ls1()
    text = agenda_ics(agenda, stamp=STAMP)
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-1] == "END:VCALENDAR"
    found = events(text)
    blocks = timed_blocks(agenda)
    assert len(found) == len(blocks) == sum(len(d.blocks) for d in agenda.days)
    assert found[0]["DTSTART"] == "20260304T090000Z"  # London is on GMT in early March
    assert found[0]["DTEND"] == "20260304T093000Z"
    assert found[-1]["DTEND"] == "20260305T163000Z"
    assert found[0]["DTSTAMP"] == "20260201T120000Z"
    assert len({e["UID"] for e in found}) == len(found)
    assert [unescape(e["SUMMARY"]) for e in found] == [b.block.title for b in blocks]


def test_summer_time_is_converted_to_utc():
    agenda = ls1(date=dt.date(2026, 7, 1))
    assert events(agenda_ics(agenda, stamp=STAMP))[0]["DTSTART"] == "20260701T080000Z"


def test_commas_semicolons_backslashes_and_newlines_are_escaped_and_read_back():
    tricky = "Welcome; aims, drivers\\ideas"
    agenda = small()
    agenda.days[0].blocks[0] = AgendaBlock(title=tricky, minutes=30, lead="Ana, Bo; Cy")
    agenda = agenda.model_copy(update={"venue": "Hall 2\nSecond floor"})
    text = agenda_ics(agenda, stamp=STAMP)
    first = events(text)[0]
    assert first["SUMMARY"] == "Welcome\\; aims\\, drivers\\\\ideas"
    assert unescape(first["SUMMARY"]) == tricky
    assert unescape(first["LOCATION"]) == "Hall 2\nSecond floor"
    assert "Lead: Ana, Bo; Cy" in unescape(first["DESCRIPTION"])


def test_long_lines_are_folded_at_75_octets_without_cutting_a_character():
    title = "Storyboard round: résultats de la période d'action " * 4
    agenda = small()
    agenda.days[0].blocks[0] = AgendaBlock(title=title.strip()[:200], minutes=30)
    text = agenda_ics(agenda, stamp=STAMP)
    for physical in text.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
        physical.encode("utf-8").decode("utf-8")  # each line is whole characters
    assert unescape(events(text)[0]["SUMMARY"]) == title.strip()[:200]


@pytest.mark.parametrize("length", [74, 75, 76, 150, 151])
def test_fold_boundaries(length):
    line = "X" * length
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts[0]) == min(length, 75)
    assert all(p.startswith(" ") and len(p) <= 75 for p in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_fold_keeps_multibyte_characters_whole():
    line = "A" + "é" * 60  # 121 octets
    parts = fold(line).split("\r\n")
    assert [len(p.encode()) for p in parts] == [75, 47]


def test_escape_text_order_does_not_double_escape():
    assert escape_text("a\\,b") == "a\\\\\\,b"
    assert escape_text("a\r\nb") == "a\\nb"


# --- the printable page ----------------------------------------------------------------------


def test_the_printable_page_escapes_what_was_typed_and_prints_on_a4():
    agenda = small()
    agenda.days[0].blocks[0] = AgendaBlock(
        title="<script>alert(1)</script>", minutes=30, lead="A & B"
    )
    page = agenda_html(agenda, collaborative="Falls <Collab>")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A &amp; B" in page and "Falls &lt;Collab&gt;" in page
    assert "@media print" in page and "size:A4" in page
    assert "09:00-09:30" in page and "Wednesday 10 June 2026" in page


def test_a_block_says_what_it_uses_by_name_not_by_id():
    from kit.qi.agenda import block_uses

    assert block_uses("05", "") == "App 05 Charts"
    assert block_uses("", "red-beads") == "Exercise: The red beads"
    assert block_uses("", "") == ""
    assert block_uses("", "no-such-exercise") == "Exercise: no-such-exercise"
