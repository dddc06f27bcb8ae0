"""What every part of the measures page shares: the page it sits on, and small HTML helpers.

A part is one box of widgets over the page's ``MeasuresModel``. It saves through the page (a
``StepView``, ``kit/ui/step.py``), so the save state, the conflict banner and the alert line
are the page's, and loading any part is quiet.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import ipywidgets as w

from kit.ui.widgets import classed

if TYPE_CHECKING:
    from kit.steps.measures.model import MeasuresModel
    from kit.steps.measures.view import MeasuresView


def heading(text: str, help_text: str = "") -> w.HTML:
    more = f"<p class='kit-small kit-muted'>{html.escape(help_text)}</p>" if help_text else ""
    return w.HTML(f"<h3 class='kit-heading'>{html.escape(text)}</h3>{more}")


def advice_html(lines: list[str], css: str = "kit-warning") -> str:
    """Advice as a list (empty when there is none)."""
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<ul class='{css}'>{items}</ul>"


def text_of(widget: w.HTML) -> str:
    """An HTML widget's words, for tests and messages."""
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).replace("  ", " ").strip()


class Part(w.VBox):
    """One part of the measures page; ``show()`` sets its widgets from the model."""

    def __init__(self, page: MeasuresView, css: str) -> None:
        super().__init__()
        classed(self, css)
        self.page = page
        self.model: MeasuresModel = page.model
        self.alert = page.alert  # where ``guarded`` handlers show a failure

    @property
    def loading(self) -> bool:
        """True while the page sets widgets from the model (``edit_handler`` skips then)."""
        return self.page.loading

    def show(self) -> None:
        raise NotImplementedError
