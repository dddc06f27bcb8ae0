"""Changing one box of a driver diagram: reword it, relink it, tag its change concept, delete it.

A part of the change-package page (``kit/steps/change_package/view.py``), which it saves
through, so conflicts and errors show where every other edit's do. The concept card shown
beside a change idea lives here too; the page's "add a change idea" form uses it as well.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.content import find_change_concept
from kit.errors import KitInputError
from kit.qi.drivers import find_box
from kit.steps.change_package.model import concept_source
from kit.ui.step import edit_handler
from kit.ui.widgets import classed, guarded, wide

if TYPE_CHECKING:
    from kit.steps.change_package.view import ChangePackageView

_KIND_LABEL = {"primary": "Primary", "secondary": "Secondary", "change_idea": "Change idea"}


def short(text: str, n: int = 60) -> str:
    """Text cut to ``n`` characters for a list's label."""
    return text if len(text) <= n else text[: n - 1] + "…"


def concept_card(key: str | None) -> str:
    """The card for a change concept: name, group, the kit's paraphrase, and the source."""
    if not key:
        return ""
    try:
        card = find_change_concept(key)
    except KitInputError as error:
        return f"<div class='kit-concept-card kit-error'>{html.escape(str(error))}</div>"
    group = "" if card["is_group"] else f" · group: {html.escape(card['group_name'])}"
    return (
        "<div class='kit-concept-card'>"
        f"<b>{html.escape(card['name'])}</b><span class='kit-muted'>{group}</span><br>"
        f"{html.escape(card['description'])}<br>"
        f"<span class='kit-small kit-muted'>Paraphrased from Langley et al., "
        f"<i>The Improvement Guide</i>. Source: {html.escape(concept_source())}</span></div>"
    )


class BoxEditor(w.VBox):
    """Pick a box, then change its words, its links to the left, its concept, or delete it."""

    def __init__(self, page: ChangePackageView, concepts: list[tuple[str, str]]) -> None:
        super().__init__(layout=w.Layout(width="100%", padding="4px 8px", margin="0 6px 0 0"))
        classed(self, "kit-panel-light", "kit-cp-editor")
        self.page = page
        self.model = page.model
        self.alert = page.alert
        self.box_picker = classed(
            w.Dropdown(description="Box:", layout=w.Layout(width="100%")), "kit-cp-box"
        )
        self.box_text = classed(w.Text(layout=wide()), "kit-cp-box-text")
        self.box_links_label = w.HTML()
        self.box_links = classed(w.SelectMultiple(rows=5, layout=wide()), "kit-cp-box-links")
        self.box_concept = classed(
            w.Dropdown(options=concepts, value="", layout=wide()), "kit-cp-box-concept"
        )
        self.box_card = classed(w.HTML(), "kit-cp-box-card")
        self.box_save = classed(
            w.Button(description="Save changes", icon="save", button_style="primary"),
            "kit-cp-box-save",
        )
        self.box_delete = classed(
            w.Button(description="Delete box", icon="trash", button_style="danger"),
            "kit-cp-box-delete",
        )
        self.box_cascade = classed(
            w.Checkbox(description="also delete what is left unlinked below it", indent=False),
            "kit-cp-box-cascade",
        )
        self.box_concept_row = w.VBox([w.HTML("Change concept"), self.box_concept, self.box_card])
        for button in (self.box_save, self.box_delete):
            button.layout.width = "auto"
        self.children = [
            w.HTML("<h4 class='kit-h-tight'>Change, relink or delete a box</h4>"),
            self.box_picker,
            self.box_text,
            self.box_links_label,
            self.box_links,
            self.box_concept_row,
            w.HBox([self.box_save, self.box_delete, self.box_cascade]),
        ]
        self.box_picker.observe(self._on_pick_box, names="value")
        self.box_concept.observe(self._on_box_concept, names="value")
        self.box_save.on_click(self._on_save_box)
        self.box_delete.on_click(self._on_delete_box)

    @property
    def loading(self) -> bool:
        return self.page.loading

    def show(self) -> None:
        """The boxes to pick from (keeping the one picked, if it is still there)."""
        previous = self.box_picker.value
        boxes = [(f"{_KIND_LABEL[k]}: {short(t, 70)}", i) for k, i, t in self.model.boxes()]
        self.box_picker.options = [("(choose a box)", ""), *boxes]
        self.box_picker.value = previous if previous in {b[1] for b in boxes} else ""
        self._show_box()

    def _hide_links(self) -> None:
        self.box_links_label.value = ""
        self.box_links.options = []
        self.box_links.layout.display = "none"

    def _show_box(self) -> None:
        box_id = self.box_picker.value
        d = self.model.diagram
        editing = bool(box_id)
        for widget in (self.box_text, self.box_links, self.box_save, self.box_delete):
            widget.disabled = not editing
        if not editing:
            self.box_text.value = ""
            self._hide_links()
            self.box_concept_row.layout.display = "none"
            return
        kind, box = find_box(d, box_id)
        self.box_text.value = box.text
        if kind == "primary":
            self._hide_links()
        elif kind == "secondary":
            self.box_links_label.value = "Feeds primary drivers:"
            self.box_links.layout.display = None
            self.box_links.options = [(short(p.text), p.id) for p in d.primary_drivers]
            self.box_links.value = tuple(box.primary_ids)
        else:
            self.box_links_label.value = "Acts on secondary drivers:"
            self.box_links.layout.display = None
            self.box_links.options = [(short(s.text), s.id) for s in d.secondary_drivers]
            self.box_links.value = tuple(box.secondary_ids)
        if kind == "change_idea":
            self.box_concept_row.layout.display = None
            keys = {v for _label, v in self.box_concept.options}
            self.box_concept.value = box.change_concept if box.change_concept in keys else ""
            self.box_card.value = concept_card(box.change_concept)
        else:
            self.box_concept_row.layout.display = "none"

    @guarded()
    def _on_box_concept(self, change: dict[str, Any]) -> None:
        self.box_card.value = concept_card(change["new"])

    @edit_handler
    def _on_pick_box(self, _change: dict[str, Any]) -> None:
        self._show_box()

    @guarded()
    def _on_save_box(self, _button: w.Button) -> None:
        box_id = self.box_picker.value
        if not box_id:
            raise KitInputError("Choose a box first.")
        kind, _box = find_box(self.model.diagram, box_id)
        self.page.save_edit(
            self.model.update_box,
            box_id,
            text=self.box_text.value,
            links=list(self.box_links.value) if kind != "primary" else None,
            change_concept=self.box_concept.value if kind == "change_idea" else None,
            message="Saved.",
        )

    @guarded()
    def _on_delete_box(self, _button: w.Button) -> None:
        box_id = self.box_picker.value
        if not box_id:
            raise KitInputError("Choose a box first.")
        self.page.save_edit(
            self.model.delete,
            box_id,
            cascade=self.box_cascade.value,
            then=lambda: setattr(self.box_cascade, "value", False),
        )
