"""What every section of the set-up page shares: the page it sits on, headings, warnings.

A section is one box of widgets over the page's ``SetupModel``. It saves through the page
(``SetupView``, a ``StepView`` from ``kit/ui/step.py``), so the save state, the conflict banner
and the alert line are the page's, and loading any section is quiet.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.ui.widgets import classed

if TYPE_CHECKING:
    from kit.steps.setup.model import SetupModel
    from kit.steps.setup.view import SetupView


def heading(text: str, help_text: str = "") -> w.HTML:
    more = f"<p class='kit-heading-help'>{html.escape(help_text)}</p>" if help_text else ""
    return w.HTML(f"<h3 class='kit-heading'>{html.escape(text)}</h3>{more}")


def warning_html(lines: list[str], css: str = "") -> str:
    """Advice as a list in the warning colour (empty when there is none)."""
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<ul class='kit-warning {css}'>{items}</ul>"


class Section(w.VBox):
    """One section of the set-up page; ``show()`` sets its widgets from the model."""

    def __init__(self, page: SetupView, css: str) -> None:
        super().__init__()
        classed(self, css)
        self.page = page
        self.model: SetupModel = page.model
        self.alert = page.alert  # where ``guarded`` handlers show a failure

    @property
    def loading(self) -> bool:
        """True while the page sets widgets from the model (``edit_handler`` skips then)."""
        return self.page.loading

    def show(self) -> None:
        raise NotImplementedError

    def commit(
        self,
        action: Callable[[], Any],
        error_line: w.HTML | None = None,
        after: Callable[[], Any] | None = None,
    ) -> bool:
        return self.page.commit(action, error_line=error_line, after=after)

    def quietly(self, action: Callable[[], Any]) -> None:
        """Run ``action`` (setting widgets) without it counting as an edit."""
        with self.page.quiet():
            action()
