"""An agenda as files to hand out: an iCalendar file for calendars, a page to print.

iCalendar (RFC 5545, Internet Calendaring and Scheduling Core Object Specification, IETF
2009): one ``VEVENT`` per block, times in UTC (section 3.3.5, form 2) so no ``VTIMEZONE`` is
needed; text values escape backslash, semicolon, comma and newlines (section 3.3.11); lines
end in CRLF and are folded at 75 octets, never inside a UTF-8 character (section 3.1).

The printable page escapes everything a facilitator typed and carries its own print CSS
(A4, no page break inside a block), so it prints from any browser without the kit.
"""

from __future__ import annotations

import datetime as dt
import html

from kit.qi.agenda import Agenda, TimedBlock, block_kinds, block_uses, day_date, timed_blocks

PRODID = "-//Breakthrough Kit//Learning session agenda//EN"
#: RFC 5545 section 3.1: "Lines of text SHOULD NOT be longer than 75 octets"
FOLD_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 section 3.3.11): \\ ; , escaped, newlines as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets: CRLF and a space before each continuation.

    The continuation's leading space counts towards its 75 octets; a character is never cut.
    """
    out: list[str] = []
    current, size, limit = "", 0, FOLD_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = "", 0, FOLD_OCTETS - 1
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(
    agenda: Agenda, timed: TimedBlock, stamp: dt.datetime, kinds: dict[str, str]
) -> list[str]:
    block = timed.block
    details = [f"{kinds.get(block.kind, block.kind)}, {block.minutes} minutes"]
    if block.lead:
        details.append(f"Lead: {block.lead}")
    if block.app or block.exercise:
        details.append(block_uses(block.app, block.exercise))
    lines = [
        "BEGIN:VEVENT",
        f"UID:{agenda.id}-d{timed.day + 1}-b{timed.index + 1}@bts-kit",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(timed.start)}",
        f"DTEND:{_utc(timed.end)}",
        f"SUMMARY:{escape_text(block.title)}",
        f"DESCRIPTION:{escape_text(chr(10).join(details))}",
        f"CATEGORIES:{escape_text(kinds.get(block.kind, block.kind))}",
    ]
    if agenda.venue:
        lines.append(f"LOCATION:{escape_text(agenda.venue)}")
    lines.append("END:VEVENT")
    return lines


def agenda_ics(agenda: Agenda, *, stamp: dt.datetime | None = None) -> str:
    """The agenda as an iCalendar file: one event per block (breaks included, so the day's
    shape is in the calendar). ``stamp`` is the file's creation time (now by default)."""
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    kinds = block_kinds()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(agenda.title)}",
    ]
    for timed in timed_blocks(agenda):
        lines += _event(agenda, timed, stamp, kinds)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


PRINT_CSS = """
body{font-family:Helvetica,Arial,sans-serif;color:#222;margin:24px;}
h1{font-size:20pt;margin:0 0 4px}h2{font-size:14pt;margin:18px 0 6px}
.meta{color:#555;margin:0 0 12px}
table{border-collapse:collapse;width:100%;font-size:10.5pt}
th,td{border-bottom:1px solid #bbb;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#eee}td.time{white-space:nowrap;width:8em}td.min{text-align:right;width:4em}
tr.break td,tr.meal td{color:#666;font-style:italic}
@media print{@page{size:A4;margin:14mm}body{margin:0}
tr{page-break-inside:avoid;break-inside:avoid}h2{page-break-after:avoid;break-after:avoid}}
"""


def agenda_html(agenda: Agenda, *, collaborative: str = "") -> str:
    """A standalone page of the agenda for printing: one table per day, every text escaped."""
    kinds = block_kinds()
    esc = html.escape
    blocks = timed_blocks(agenda)
    sections = []
    for d in range(len(agenda.days)):
        rows = "".join(
            f"<tr class='{esc(t.block.kind)}'><td class='time'>{t.clock}</td>"
            f"<td>{esc(t.block.title)}</td><td>{esc(kinds.get(t.block.kind, t.block.kind))}</td>"
            f"<td>{esc(t.block.lead)}</td>"
            f"<td>{esc(block_uses(t.block.app, t.block.exercise))}</td>"
            f"<td class='min'>{t.block.minutes}</td></tr>"
            for t in blocks
            if t.day == d
        )
        when = day_date(agenda, d)
        sections.append(
            f"<h2>Day {d + 1}: {when:%A %d %B %Y}</h2><table><thead><tr><th>Time</th>"
            "<th>Block</th><th>Kind</th><th>Lead</th><th>Uses</th><th>Min</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    meta = " · ".join(
        esc(x) for x in (collaborative, agenda.venue, f"times in {agenda.timezone}") if x
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{esc(agenda.title)}</title><style>{PRINT_CSS}</style></head><body>"
        f"<h1>{esc(agenda.title)}</h1><p class='meta'>{meta}</p>{''.join(sections)}"
        "<p class='meta'>Agenda template: kit/content/agendas.yaml (sources: IHI, The "
        "Breakthrough Series, 2003; Langley et al., The Improvement Guide, 2009).</p>"
        "</body></html>"
    )
