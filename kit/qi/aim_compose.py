"""One readable aim sentence from its elements, composed live as the team types.

Part of the aim feedback (see ``kit/qi/aims.py``): the builder and the pasted-aim path both
show this sentence, so it must keep every element the team wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kit.qi.aim_parse import describes_change
from kit.qi.aim_parts import (
    AimParts,
    Direction,
    date_words,
    from_to,
    is_percent,
    number,
    quantity,
    words,
)
from kit.qi.records import Aim

__all__ = ["compose_aim", "is_blank", "parts_from_aim"]


def _starts_with_verb(text: str) -> bool:
    """True when the team began *what* with their own verb, which the sentence then keeps."""
    lead_verbs = {*words("up_verbs"), *words("down_verbs"), *words("lead_verbs")}
    first = text.split(maxsplit=1)[0].lower() if text.split() else ""
    return first in lead_verbs or first.removesuffix("s") in lead_verbs


def is_blank(parts: AimParts) -> bool:
    """No element filled in at all."""
    texts = (parts.what, parts.for_whom, parts.where)
    numbers = (parts.baseline, parts.target, parts.relative_target)
    return not any(t.strip() for t in texts) and parts.by_when is None and numbers == (None,) * 3


def _infer_direction(parts: AimParts) -> Direction | None:
    if parts.direction:
        return parts.direction
    if parts.baseline is not None and parts.target is not None:
        if parts.target > parts.baseline:
            return "up"
        if parts.target < parts.baseline:
            return "down"
    return None


def _head(what: str, direction: Direction | None, change: bool, hole: Callable[[str], str]) -> str:
    """The verb and the result. A change posing as an aim ("Train all nurses ...") is not
    dressed up as a result: with placeholders the sentence asks for the result instead."""
    if what and (change or describes_change(what)) and hole("x"):
        return "[What will improve once the change works]"
    if what.lower().startswith("zero "):
        return f"Achieve {what}"
    if what and (_starts_with_verb(what) or describes_change(what)):
        return what[0].upper() + what[1:]
    verb = {"up": "Increase", "down": "Reduce"}.get(direction or "", "Improve")
    return f"{verb} {what or hole('what will improve')}".strip()


def _amount(parts: AimParts, what: str, hole: Callable[[str], str]) -> str:
    """Baseline to target, with the unit said once: left out when *what* already says it
    ("falls per 1,000 patient-days from 4.1 to 2.9"), and "from a baseline of 6 per month"
    when the team's own words already say the target ("achieve zero pressure ulcers")."""
    unit = parts.unit
    base, target = parts.baseline, parts.target
    low_unit, low_what = unit.lower().strip(), what.lower()
    if (
        low_unit
        and not is_percent(unit)
        and ((" " in low_unit and low_unit in low_what) or low_what.endswith(low_unit))
    ):
        unit = ""
    if target == 0 and re.search(r"\b(?:zero|eliminate)\b", what.lower()):
        if base is None:
            return hole("from a baseline of ...")
        return f"from a baseline of {quantity(base, unit)}"
    if base is not None and target is not None:
        return f"from {from_to(base, target, unit)}"
    if target is not None:
        return f"from {hole('baseline')} to {quantity(target, unit)}".strip()
    if parts.relative_target is not None:
        return (
            f"by {number(round(parts.relative_target * 100, 1))}% from {hole('baseline')}".strip()
        )
    if base is not None:
        return f"from {quantity(base, unit)} to {hole('target')}".strip()
    return hole("from baseline to target")


def compose_aim(aim: Aim | AimParts, *, placeholders: bool = True) -> str:
    """One readable sentence from the aim's elements, composed live as the team types.

    The verb follows the direction ("Increase ... from X to Y" when higher is better,
    "Reduce ... from X to Y" when lower is better); if the team already began *what* with a
    verb ("raise the share of ...") their verb is kept. Missing elements show as bracketed
    placeholders (``[for whom]``) so the sentence itself shows what is left to write; pass
    ``placeholders=False`` for a clean sentence that leaves them out.
    """
    parts = parts_from_aim(aim) if isinstance(aim, Aim) else aim
    direction = _infer_direction(parts)
    if is_blank(parts) and not placeholders:
        return ""

    def hole(name: str) -> str:
        return f"[{name}]" if placeholders else ""

    what = parts.what.strip().rstrip(".")
    pieces = [_head(what, direction, parts.change_not_result, hole)]
    pieces.append(_amount(parts, what, hole))

    said = pieces[0].lower()  # what the sentence already says, not what was typed
    who = parts.for_whom.strip()
    if who and who.lower() in said:
        pass  # already in the sentence ("the share of patients with diabetes ...")
    elif who:
        pieces.append(who if who.lower().startswith(("for ", "among ")) else f"for {who}")
    else:
        pieces.append(hole("for whom"))

    where = parts.where.strip()
    bare_where = re.sub(r"^(?:at|in|on|from|of|across|within|throughout)\s+", "", where.lower())
    if where and (bare_where in said or bare_where in who.lower()):
        pass  # already said, in *what* or *for whom*
    elif where:
        where = re.sub(r"^(?:from|of)\s+", "", where, flags=re.IGNORECASE)
        pieces.append(
            where
            if where.lower().startswith(tuple(f"{p} " for p in words("place_prepositions")))
            else f"at {where}"
        )
    else:
        pieces.append(hole("where"))

    pieces.append(f"by {date_words(parts.by_when)}" if parts.by_when else hole("by when"))
    return " ".join(w for w in pieces if w) + "."


def parts_from_aim(aim: Aim) -> AimParts:
    return AimParts(
        what=aim.what,
        for_whom=aim.for_whom,
        where=aim.where,
        baseline=aim.baseline,
        target=aim.target,
        unit=aim.unit,
        direction=aim.direction,
        by_when=aim.by_when,
    )
