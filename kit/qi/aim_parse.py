"""Reading an aim pasted as one sentence into its elements, as far as patterns allow.

Part of the aim feedback (see ``kit/qi/aims.py``). This is deliberately simple pattern
matching, not language understanding; what it cannot read is reported as missing, which is
the helpful answer for a participant either way. The words it looks for are content, in
``kit/content/aim_words.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from kit.qi.aim_dates import MONTH_RE, find_date
from kit.qi.aim_parts import (
    AimParts,
    Direction,
    alternation,
    number,
    words,
)

__all__ = ["describes_change", "parse_free_text_aim"]


def describes_change(what: str) -> bool:
    """True when the text begins with a change to make ("train", "implement") not a result."""
    low = what.lower().strip()
    return any(re.match(rf"{verb}\b", low) for verb in words("change_verbs"))


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PERCENT = r"\s*(?:%|percent\b|per\s+cent\b)"
_WORD_NUMBERS = {"zero": 0.0, "half": 0.5, "nil": 0.0, "none": 0.0}

_STOP = (
    r"(?=\s+(?:from|to|by|at|in|on|across|within|meeting|who|will|for|among|amongst|and)\b"
    r"|\s*[,.;:()\x00]|\s*$)"
)


def _parse_number(raw: str) -> float:
    return _WORD_NUMBERS[raw] if raw in _WORD_NUMBERS else float(raw.replace(",", ""))


def _unit_after(text: str) -> str:
    """Words after the target that name its unit ("days", "falls per 1,000 patient-days")."""
    match = re.match(
        rf"\s*((?:[a-z][\w'-]*|per|\d[\d,]*)(?:\s+(?:[a-z][\w'-]*|\d[\d,]*)){{0,4}}?){_STOP}", text
    )
    if not match:
        return ""
    unit = match.group(1).strip()
    if unit.split()[0] in {"by", "for", "at", "in", "on", "among", "within", "across", "and", "of"}:
        return ""
    return unit


@dataclass
class _Numbers:
    """What the numbers of an aim say, and where in the text they were read."""

    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    relative: float | None = None
    direction: Direction | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.spans)

    @property
    def start(self) -> int | None:
        return min(a for a, _ in self.spans) if self.spans else None


_TO = r"(?:less than\s+|under\s+|below\s+|over\s+|above\s+|at least\s+|no more than\s+)?"


def _from_to(low: str, found: _Numbers) -> bool:
    """ "from 50% to 75%", "from 53 to 26 days", "from an average of 4.1 falls ... to 2.9"."""
    num = rf"({_NUM}|zero|nil|none)"
    match = re.search(
        rf"\bfrom\s+(?:an?\s+)?(?:average\s+of\s+|mean\s+of\s+|about\s+|around\s+|"
        rf"baseline\s+of\s+)?{num}({_PERCENT})?"
        rf"(?:\s+[a-z-]+(?:\s+per\s+[\d,]+\s+[a-z-]+)?)?\s+(?:down\s+|up\s+)?to\s+{_TO}"
        rf"{num}({_PERCENT})?",
        low,
    )
    if not match:
        return False
    found.baseline = _parse_number(match.group(1))
    found.target = _parse_number(match.group(3))
    unit = "" if match.group(2) or match.group(4) else _unit_after(low[match.end() :])
    found.unit = "%" if match.group(2) or match.group(4) else unit
    end = match.end() + (low[match.end() :].find(unit) + len(unit) if unit else 0)
    found.spans.append((match.start(), end))
    return True


def _baseline(low: str, found: _Numbers) -> None:
    """ "up from 70%", "down from 12", "from a baseline of 6 per month", "(baseline 40%)"."""
    match = re.search(
        rf"\b(up|down|rising|falling|increasing|decreasing)\s+from\s+({_NUM})({_PERCENT})?", low
    )
    if match:
        found.direction = "up" if match.group(1) in {"up", "rising", "increasing"} else "down"
    else:
        match = re.search(
            rf"\(?\b(?:from\s+)?(?:an?\s+|the\s+|our\s+|current\s+)?baseline"
            rf"(?:\s+(?:rate|level|value))?(?:\s+(?:of|is|was|at))?\s*:?\s*({_NUM})({_PERCENT})?\)?",
            low,
        ) or re.search(
            rf"\(?\b(?:currently|at present|presently)\s*:?\s*(?:at\s+|about\s+)?({_NUM})"
            rf"({_PERCENT})?\)?",
            low,
        )
    if not match:
        return
    groups = match.groups()[-2:]
    found.baseline = _parse_number(groups[0])
    end = match.end()
    if groups[1]:
        found.unit = found.unit or "%"
    elif not found.unit:
        found.unit = _unit_after(low[end:])
        end += low[end:].find(found.unit) + len(found.unit) if found.unit else 0
    found.spans.append((match.start(), end))


def _relative(low: str, found: _Numbers) -> None:
    """ "by 30%", "a 40% reduction", "halve", "double"."""
    match = re.search(rf"\bby\s+({_NUM}){_PERCENT}", low) or re.search(
        rf"\b({_NUM}){_PERCENT}\s+(?:reduction|decrease|increase|improvement|fewer|less|more|"
        rf"drop|rise|fall|cut)\b",
        low,
    )
    if match:
        found.relative = float(match.group(1).replace(",", "")) / 100
        found.spans.append(match.span())
        return
    fractions = (
        (r"\b(halve|by half|in half)\b", 0.5),
        (r"\bby\s+(?:a|one)[- ]third\b", 1 / 3),
        (r"\bby\s+two[- ]thirds\b", 2 / 3),
        (r"\bby\s+(?:a|one)[- ]quarter\b", 0.25),
        (r"\bdouble\b", 1.0),
    )
    for pattern, share in fractions:
        match = re.search(pattern, low)
        if match:
            found.relative = share
            found.spans.append(match.span())
            return


def _target(low: str, found: _Numbers) -> None:
    """ "to 10%", "to zero", "achieve zero pressure ulcers", "95% of patients"."""
    taken = list(found.spans)

    def free(span: tuple[int, int]) -> bool:
        return not any(a <= span[0] < b for a, b in taken)

    match = next(
        (
            m
            for m in re.finditer(
                rf"\b(?:to|(?:target|goal)(?:\s+(?:of|is))?\s*:?)\s+{_TO}({_NUM}|zero|nil|none)"
                rf"({_PERCENT})?",
                low,
            )
            if free(m.span())
        ),
        None,
    )
    if match:
        found.target = _parse_number(match.group(1))
        unit = "%" if match.group(2) else _unit_after(low[match.end() :])
        found.unit = found.unit or unit
        end = match.end() + (
            low[match.end() :].find(unit) + len(unit) if unit and unit != "%" else 0
        )
        found.spans.append((match.start(), end))
        return
    match = re.search(r"\b(?:zero|eliminate|no more)\b", low)
    if match:
        found.target = 0.0
        return  # "zero pressure ulcers" stays in *what*: it is the team's own phrase
    match = next((m for m in re.finditer(rf"\b({_NUM})({_PERCENT})", low) if free(m.span())), None)
    if match:
        found.target = float(match.group(1).replace(",", ""))
        found.unit = "%"
        found.spans.append(match.span())


def _find_numbers(text: str) -> _Numbers:
    """Baseline, target, unit and relative change from the usual ways teams write them."""
    low = text.lower()
    found = _Numbers()
    if _from_to(low, found):
        return found
    _baseline(low, found)
    _relative(low, found)
    if found.relative is None:
        _target(low, found)
    return found


def _find_where(text: str) -> str:
    """A setting: "on ward 4", "in the ICU", "at Riverside Clinic", "from St Mary's Hospital"."""
    setting = alternation("setting")
    patterns = (
        # a preposition, up to four words, then a setting word, optionally a ward number
        rf"(?i:\b(?:at|in|on|across|within|throughout|admitted\s+to|attending)\s+(?:(?:the|our|all|"
        rf"every|each|its|their|\d+|two|three|four|five|six|ten)\s+)*(?:[\w'&-]+\s+){{0,4}}?"
        rf"(?:{setting})\b(?:\s+(?:{setting})\b)*(?:\s+(?:\d+\w?|[a-z]\b))?)",
        # a capitalised name ending in a setting word after at/from/of/in
        rf"\b(?:at|from|of|in)\s+(?:St\.?\s+)?[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|of|&))*"
        rf"\s+(?i:{setting})\b",
        # any capitalised name after "at"
        r"\bat\s+(?:St\.?\s+)?[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|of|&))*",
    )
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            return re.sub(r"^(?i:admitted\s+to|attending)\s+", "", match.group(0).strip())
    return ""


def _population(text: str) -> str:
    match = re.search(
        rf"((?:[\w'-]+\s+){{0,4}})((?<![\w-])(?:{alternation('population')})\b"
        rf"(?:\s+(?:with|aged|over|under|of|living|attending|registered|\w+ing|\w+ed)\b"
        rf".*?)?){_STOP}",
        text,
        flags=re.IGNORECASE,
    )
    if not match:
        return ""
    stop = {
        *words("who_stop"),
        *words("up_verbs"),
        *words("down_verbs"),
        *words("lead_verbs"),
        *words("change_verbs"),
    }
    before: list[str] = []
    for word in reversed(match.group(1).split()):
        if word.lower() in stop or re.search(r"\d|%", word):
            break
        before.insert(0, word)
    return " ".join([*before, match.group(2).strip()])


def _find_for_whom(text: str) -> str:
    """A population with its qualifiers: "hip fracture patients", "patients with diabetes".

    A population introduced by "for" or "among" wins over one named earlier in the measure
    ("emergency admissions ... for care home residents"). The words before the population
    noun are kept back to the first article, preposition, verb or measure word, so "the share
    of heart failure patients" gives "heart failure patients"; a clause after it ("with
    diabetes", "admitted through the ED", "offered support") is kept too.
    """
    for lead in re.finditer(r"\b(?:for|among|amongst)\s+", text, flags=re.IGNORECASE):
        found = _population(text[lead.end() :])
        if found and text[lead.end() :].lower().startswith(
            tuple(f"{w} " for w in (*found.lower().split()[:1], "the", "all", "our"))
        ):
            return found
    found = _population(text)
    if found:
        return found
    match = re.search(r"\bfor\s+(everyone|everybody|all|anyone|people|us)\b", text, re.I)
    return match.group(1) if match else ""


_LEAD_IN = re.compile(
    r"^(?:(?:our\s+|the\s+)?aim(?:\s+is)?\s*[:-]?\s*|we\s+(?:aim|plan|want|will\s+aim)\s+to\s+|"
    r"we\s+will\s+|to\s+)",
    re.IGNORECASE,
)
#: "95% of eligible patients ... will have a VTE risk assessment": a share written as a result
_SHARE_CLAUSE = re.compile(
    rf"\b(?:{_NUM})\s*%\s+of\s+(?P<who>.+?)\s+will\s+(?:be\s+)?(?P<verb>have|receive|get|"
    r"attend|undergo|complete|be|meet|achieve|take|start)\s+(?P<rest>.+?)"
    r"(?=\s*[,;.(\x00]|\s+(?:up|down)\s+from\b|\s+from\b|\s+by\s+\d|$)",
    re.IGNORECASE,
)
#: "the ICU will have zero CLABSI": a place or team as the subject, the result after "will"
_WILL_CLAUSE = re.compile(
    r"^[\s\x00,]*(?P<subject>(?:the|our|all|every)\s+[^\x00]+?)\s+will\s+(?:have|achieve|reach|"
    r"see|record)\s+(?P<rest>[^\x00]+?)(?=\s*[,;.(\x00]|$)",
    re.IGNORECASE,
)
_VERB_PRESENT = {"be": "are", "get": "get", "meet": "meet", "achieve": "achieve"}


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + "\x00" * (end - start) + text[end:]
    return text


def _find_what(masked: str) -> str:
    """The result phrase: the first stretch of text that is not a date, number or place,
    up to a population clause or a vague word of time."""
    chunks = [c.strip(" ,.;:") for c in masked.split("\x00")]
    head = next((c for c in chunks if re.search(r"[A-Za-z]{2}", c)), "")
    head = _LEAD_IN.sub("", head)
    head = re.split(r"\s+(?:as soon as|soon)\b", head, maxsplit=1, flags=re.IGNORECASE)[0]
    # "falls for older inpatients" ends the result; "screened for sepsis" is part of it
    for lead in re.finditer(r"\s+(?:for|among|amongst)\s+", head, flags=re.IGNORECASE):
        rest = head[lead.end() :]
        first = rest.split(maxsplit=1)[0].lower() if rest.split() else ""
        who = _population(rest)
        if first in words("vague_who") or (
            who and first in {who.lower().split()[0], "the", "all", "our"}
        ):
            head = head[: lead.start()]
            break
    head = re.sub(
        rf"\s+(?:{'|'.join(words('vague_amount'))})$", "", head.strip(" ,.;:"), flags=re.I
    )
    return head.strip(" ,.;:")


def _date_span(low: str, span: tuple[int, int]) -> tuple[int, int]:
    """Widen a date's span over the words that introduce it ("by", "no later than")."""
    lead = re.search(
        r"\b(?:by|before|no later than|until)\s+(?:the\s+end\s+of\s+)?$", low[: span[0]]
    )
    return (lead.start() if lead else span[0], span[1])


def _direction(low: str, numbers: _Numbers) -> Direction | None:
    # the first word that says which way decides; "improve" does not, the numbers then do
    stems = (*words("up_stems"), *words("down_stems"))
    verb = re.search(rf"\b(?:{'|'.join(stems)})\w*", low)
    if verb:
        return "down" if verb.group(0).startswith(words("down_stems")) else "up"
    if numbers.direction:
        return numbers.direction
    base, target = numbers.baseline, numbers.target
    if base is not None and target is not None and target != base:
        return "up" if target > base else "down"
    if target == 0.0:
        return "down"
    return None


def _vague(low: str, by_when: dt.date | None, numbers: _Numbers) -> dict[str, str]:
    vague: dict[str, str] = {}
    if by_when is None:
        for phrase in words("vague_time"):
            if re.search(rf"\b{re.escape(phrase)}\b", low):
                vague["by_when"] = phrase
                break
        season = re.search(r"\b(spring|summer|autumn|fall|winter)\b", low)
        if season and "by_when" not in vague:
            vague["by_when"] = season.group(1)
    if not numbers and numbers.target is None:
        for phrase in (*words("vague_amount"), *words("vague_direction")):
            if re.search(rf"\b{re.escape(phrase)}\b", low):
                vague["how_much"] = phrase
                break
    return vague


def _unsure(masked: str, parts: AimParts) -> dict[str, str]:
    """What the reader saw but could not read: said back as a question, never guessed."""
    unsure: dict[str, str] = {}
    low = masked.lower()
    if parts.by_when is None:
        hint = re.search(rf"\b(?:fy\s*\d{{2,4}}|{MONTH_RE}|20\d\d|q[1-4])\b", low)
        if hint:
            unsure["by_when"] = (
                f"I could not read '{hint.group(0)}' as a date: write it as a day, month and "
                "year, for example 31 March 2027."
            )
    placed = f"{parts.for_whom} {parts.where}".lower()
    # a number that is part of the measure ("within 1 hour", "30-day") is not a loose number
    loose = rf"(?<![\w-])(?:{_NUM})(?:{_PERCENT})?(?![\w-]|\s*(?:hours?|minutes?|days?|weeks?|months?|years?)\b)"
    left = [n for n in re.findall(loose, low) if n.strip() not in placed]
    if parts.baseline is None and parts.target is None and parts.relative_target is None and left:
        unsure["how_much"] = (
            f"I found {', '.join(repr(n.strip()) for n in left)} but could not tell the "
            "baseline from the target: write them as 'from <baseline> to <target>' with a unit."
        )
    elif parts.baseline is not None and parts.target is None and parts.relative_target is None:
        unsure["how_much"] = (
            f"I read a baseline of {number(parts.baseline)} but no target I could be sure of."
        )
    return unsure


def parse_free_text_aim(
    text: str, *, today: dt.date | None = None, set_on: dt.date | None = None
) -> AimParts:
    """Read an aim written as one sentence into its elements, as far as patterns allow.

    This is deliberately simple pattern matching, not language understanding: it finds
    numbers ("from 50% to 75%", "up from 70%", "from a baseline of 6 per month", "by 30%",
    "to zero"), dates in any position (see :func:`kit.qi.aim_dates.find_date`; relative dates count from
    ``set_on``, the day the aim was set, else ``today``), vague words ("some", "soon"), a
    population with its qualifiers ("hip fracture patients") and a setting ("on Ward 4").
    What it cannot find is reported as missing, and what it found but could not read is
    asked back (``AimParts.unsure``) rather than guessed. Text in capitals is read in lower
    case.
    """
    as_of = set_on or today or dt.date.today()
    clean = " ".join(text.split())
    shouting = clean.isupper()
    if shouting:
        clean = clean.lower()
    clean = _LEAD_IN.sub("", clean)
    low = clean.lower()
    by_when, date_note, span = find_date(clean, as_of)
    masked = _blank(clean, [_date_span(low, span)] if span else [])
    numbers = _find_numbers(masked)
    masked = _blank(masked, numbers.spans)
    where = _find_where(masked)
    dated = _blank(clean, [_date_span(low, span)] if span else [])
    share = _SHARE_CLAUSE.search(dated)
    will = _WILL_CLAUSE.search(dated)
    if share:
        verb = share.group("verb").lower()
        what = f"the share of {share.group('who')} who {_VERB_PRESENT.get(verb, verb)} {share.group('rest')}"
        masked = _blank(masked, [share.span()])
        numbers.direction = numbers.direction or "up"  # a share that "will have" goes up
    elif will:
        what = _find_what(will.group("rest"))
        if not where and re.search(rf"(?i)\b(?:{alternation('setting')})\b", will.group("subject")):
            where = f"in {will.group('subject')}"
        masked = _blank(masked, [will.span()])
    else:
        what = _find_what(masked)
        if where and what.endswith(where):
            what = what[: -len(where)].strip(" ,.;:")  # "Reduce falls on Ward 4" ...
        if where and where in what and not what.endswith(where):
            pass  # ... but "the share of stroke patients at X who receive ..." keeps it
        at = masked.find(where) if where else -1
        masked = _blank(masked, [(at, at + len(where))]) if at >= 0 else masked
    direction = _direction(low, numbers)
    target, note = numbers.target, ""
    if numbers.relative is not None and numbers.baseline is not None and direction:
        sign = 1 if direction == "up" else -1
        target = round(numbers.baseline * (1 + sign * numbers.relative), 3)
        note = (
            f"read a {'rise' if sign > 0 else 'fall'} of {number(numbers.relative * 100)}% "
            f"from {number(numbers.baseline)} as a target of {number(target)}"
        )
    parts = AimParts(
        what=what,
        for_whom=_find_for_whom(dated),
        where=where,
        baseline=numbers.baseline,
        target=target,
        unit=numbers.unit,
        direction=direction,
        by_when=by_when,
        relative_target=numbers.relative,
        vague=_vague(low, by_when, numbers),
        change_not_result=describes_change(clean) and not numbers,
        date_note=date_note,
        number_note=note,
    )
    unsure = _unsure(masked, parts)
    vague = {k: v for k, v in parts.vague.items() if k not in unsure}
    parts = replace(parts, unsure=unsure, vague=vague)
    if shouting:
        parts = replace(
            parts,
            what=_acronyms(parts.what),
            for_whom=_acronyms(parts.for_whom),
            where=_acronyms(parts.where),
        )
    return parts


def _acronyms(text: str) -> str:
    """ "reduce clabsi in the icu" -> "reduce CLABSI in the ICU", for aims read from capitals."""
    for word in words("acronyms"):
        text = re.sub(rf"(?<![\w&]){re.escape(word.lower())}(?![\w&])", word, text)
    return text
