"""One readable aim sentence from its elements, composed live as the team types.

Part of the aim feedback (see ``kit/qi/aims.py``): the builder and the pasted-aim path both
show this sentence, so it must keep every element the team wrote.
"""

from __future__ import annotations

import re

from kit.qi.aim_parts import AimParts, Direction, date_words, from_to, number, quantity, words
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
    if what and _starts_with_verb(what):
        head = what[0].upper() + what[1:]
    else:
        verb = {"up": "Increase", "down": "Reduce"}.get(direction or "", "Improve")
        head = f"{verb} {what or hole('what will improve')}".strip()
    pieces = [head]

    unit = parts.unit
    if parts.baseline is not None and parts.target is not None:
        pieces.append(f"from {from_to(parts.baseline, parts.target, unit)}")
    elif parts.target is not None:
        pieces.append(f"from {hole('baseline')} to {quantity(parts.target, unit)}".strip())
    elif parts.relative_target is not None:
        pieces.append(f"by {number(parts.relative_target * 100)}%")
    elif parts.baseline is not None:
        pieces.append(f"from {quantity(parts.baseline, unit)} to {hole('target')}".strip())
    else:
        pieces.append(hole("from baseline to target"))

    said = what.lower()
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
