"""The charter: editable by the facilitator (fields and faculty), a summary for participants."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from kit.steps.setup.model import FACULTY_ROLES
from kit.steps.setup.view.section import Section, heading
from kit.ui.step import edit_handler
from kit.ui.widgets import classed, field_error, guarded, set_field_error

if TYPE_CHECKING:
    from kit.steps.setup.view import SetupView

_FIELDS = [
    ("name", "Name", w.Text, "e.g. Safer Wards Falls Collaborative"),
    ("topic", "Topic", w.Text, "The one topic the collaborative works on"),
    ("aim", "Collaborative aim", w.Textarea, "What, how much, by when, for whom, where"),
    ("sponsor", "Sponsor", w.Text, "Who sponsors and funds the collaborative"),
]


def _role_options() -> list[tuple[str, str]]:
    return [(label, key) for key, label in FACULTY_ROLES.items()]


class CharterSection(Section):
    """The collaborative's name, topic, aim, sponsor and faculty, saved as they are typed."""

    def __init__(self, page: SetupView) -> None:
        super().__init__(page, "kit-setup-charter")
        self.inputs: dict[str, w.Widget] = {}
        self.errors: dict[str, w.HTML] = {}
        rows = []
        for field, label, cls, placeholder in _FIELDS:
            box = classed(
                cls(description=label, placeholder=placeholder, layout=w.Layout(width="70%")),
                f"kit-setup-{field}",
            )
            box.style.description_width = "140px"
            error = field_error(box)
            box.observe(lambda _change, f=field: self._on_change(f), names="value")
            self.inputs[field], self.errors[field] = box, error
            rows.append(w.HBox([box, error]))

        self.faculty_rows = classed(w.VBox(), "kit-setup-faculty")
        self.faculty_error = field_error(self.faculty_rows)
        self.faculty_new_name = classed(
            w.Text(placeholder="Name", layout=w.Layout(width="240px")), "kit-setup-faculty-new-name"
        )
        self.faculty_new_role = classed(
            w.Dropdown(options=_role_options(), value="expert", layout=w.Layout(width="200px")),
            "kit-setup-faculty-new-role",
        )
        add = self.faculty_add_button = classed(
            w.Button(description="Add to faculty", icon="plus"), "kit-setup-faculty-add"
        )
        add.on_click(self._on_add_faculty)
        self.children = [
            heading(
                "Charter",
                "The collaborative's name, its one topic, its aim and who sponsors it.",
            ),
            *rows,
            w.HTML(
                "<b>Faculty</b>: a chair, 5-8 experts, an improvement advisor (owns the "
                "measurement system) and a director (logistics, calls)."
            ),
            self.faculty_rows,
            w.HBox([self.faculty_new_name, self.faculty_new_role, add, self.faculty_error]),
        ]

    def show(self) -> None:
        record = self.model.collaborative.record
        for field, box in self.inputs.items():
            box.value = getattr(record, field)
            set_field_error(self.errors[field], None)
        self._show_faculty()

    @edit_handler
    def _on_change(self, field: str) -> None:
        self.page.autosave(f"charter-{field}", lambda: self._save(field))

    def _save(self, field: str) -> None:
        value = self.inputs[field].value
        self.commit(lambda: self.model.update_charter(**{field: value}), self.errors[field])

    # --- faculty ---------------------------------------------------------------------------

    def _show_faculty(self) -> None:
        rows = []
        for index, (name, role) in enumerate(self.model.faculty):
            name_box = classed(
                w.Text(value=name, layout=w.Layout(width="240px")), "kit-setup-faculty-name"
            )
            role_box = classed(
                w.Dropdown(options=_role_options(), value=role, layout=w.Layout(width="200px")),
                "kit-setup-faculty-role",
            )
            remove = classed(
                w.Button(description="Remove", icon="trash", layout=w.Layout(width="100px")),
                "kit-setup-faculty-remove",
            )
            name_box.observe(
                lambda change, i=index: self._on_faculty_edit(i, name=change["new"]), names="value"
            )
            role_box.observe(
                lambda change, i=index: self._on_faculty_edit(i, role=change["new"]), names="value"
            )
            remove.on_click(lambda _b, i=index: self._on_remove_faculty(i))
            rows.append(w.HBox([name_box, role_box, remove]))
        self.faculty_rows.children = rows

    @edit_handler
    def _on_faculty_edit(self, index: int, **fields: str) -> None:
        def save() -> None:
            self.commit(
                lambda: self.model.update_faculty_member(index, **fields), self.faculty_error
            )

        if "role" in fields:  # a choice is saved at once, typing when it pauses
            save()
        else:
            self.page.autosave(f"faculty-{index}", save)

    @guarded()
    def _on_add_faculty(self, _button: w.Button) -> None:
        self.page.flush()
        name, role = self.faculty_new_name.value, self.faculty_new_role.value

        def refresh() -> None:
            with self.page.quiet():
                self.faculty_new_name.value = ""
                self._show_faculty()

        self.commit(lambda: self.model.add_faculty_member(name, role), self.faculty_error, refresh)

    @guarded()
    def _on_remove_faculty(self, index: int) -> None:
        self.page.flush()
        self.commit(
            lambda: self.model.remove_faculty_member(index),
            self.faculty_error,
            lambda: self.quietly(self._show_faculty),
        )


class SummarySection(Section):
    """The charter, read-only, for participants."""

    def __init__(self, page: SetupView) -> None:
        super().__init__(page, "kit-setup-summary-section")
        self.table = classed(w.HTML(), "kit-setup-summary")
        self.children = [heading("The collaborative"), self.table]

    def show(self) -> None:
        record = self.model.collaborative.record
        faculty = ", ".join(
            f"{html.escape(f.name)} ({FACULTY_ROLES[str(f.role)].lower()})" for f in record.faculty
        )
        rows = [
            ("Name", html.escape(record.name)),
            ("Topic", html.escape(record.topic) or "<i>not chosen yet</i>"),
            ("Collaborative aim", html.escape(record.aim) or "<i>not written yet</i>"),
            ("Sponsor", html.escape(record.sponsor)),
            ("Faculty", faculty),
        ]
        self.table.value = (
            "<table cellpadding='3'>"
            + "".join(
                f"<tr><th align='left' valign='top'>{k}</th><td>{v}</td></tr>" for k, v in rows
            )
            + "</table>"
        )
