"""Every message the troubleshooting page quotes is one the kit really shows."""

from __future__ import annotations

import ast
import re

from tests.content.names import ROOT
from tests.guide.guide_pages import GUIDE

ROW = re.compile(r'^\| "(?P<message>[^|]+?)"(?: \(in the status line\))? \|', re.M)


def _kit_strings() -> list[str]:
    """The constant text of every string literal in ``kit/`` (placeholders split it)."""
    parts: list[str] = []
    for path in (ROOT / "kit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                parts.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts += [
                    v.value
                    for v in node.values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                ]
    parts.append((ROOT / "Makefile").read_text(encoding="utf-8"))
    return parts


def quoted_messages() -> list[str]:
    return ROW.findall((GUIDE / "troubleshooting.md").read_text(encoding="utf-8"))


def test_the_page_quotes_the_messages_people_meet() -> None:
    assert len(quoted_messages()) >= 25


def test_every_quoted_message_is_in_the_kit() -> None:
    strings = _kit_strings()
    missing = []
    for message in quoted_messages():
        fragments = [f.strip() for f in message.replace("*", "").split("…") if f.strip()]
        if not all(any(f in s for s in strings) for f in fragments):
            missing.append(message)
    assert missing == []
