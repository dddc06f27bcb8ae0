"""Data in bulk: a block pasted from a spreadsheet, or a CSV or Excel file, each previewed row
by row before anything is saved."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from kit.qi.paste import PastePreview
from kit.steps.measures.model import FilePreview
from kit.steps.measures.view.part import Part, heading
from kit.ui.widgets import classed, guarded

_STATUS_WORDS = {
    "new": "New",
    "change": "Changes a value",
    "same": "Already stored",
    "error": "Cannot be read",
    "ask": "Question",
}


def _status_cell(status: str) -> str:
    css = {"error": "kit-finding-missing", "ask": "kit-finding-weak", "change": "kit-finding-weak"}
    return f"<td class='{css.get(status, 'kit-finding-ok')}'>{_STATUS_WORDS[status]}</td>"


def paste_table(preview: PastePreview) -> str:
    """The preview as a table: each pasted line, what it becomes, and its messages."""
    rows = []
    for r in preview.rows:
        period = f"{r.period:%Y-%m-%d}" if r.period else ""
        cells = html.escape(" | ".join(r.cells))
        messages = html.escape(" ".join(r.messages))
        rows.append(
            f"<tr class='kit-measures-paste-row kit-measures-paste-{r.status}'><td>{r.line}</td>"
            f"<td>{cells}</td><td>{period}</td>{_status_cell(r.status)}<td>{messages}</td></tr>"
        )
    notes = "".join(f"<li>{html.escape(m)}</li>" for m in preview.messages)
    counts = ", ".join(
        f"{preview.count(s)} {_STATUS_WORDS[s].lower()}"  # type: ignore[arg-type]
        for s in _STATUS_WORDS
        if preview.count(s)  # type: ignore[arg-type]
    )
    verdict = (
        "<p class='kit-good'>Ready: nothing is saved until you click 'Save these rows'.</p>"
        if preview.ready
        else "<p class='kit-weak'>Not ready to save: fix or answer what is marked, then "
        "preview again.</p>"
    )
    return (
        f"<p class='kit-small'>{html.escape(counts)}</p>{verdict}"
        f"<ul class='kit-small'>{notes}</ul>"
        "<table class='kit-table'><tr><th>Line</th><th>Pasted</th><th>Period</th><th>Status</th>"
        f"<th>Message</th></tr>{''.join(rows)}</table>"
    )


def file_table(preview: FilePreview) -> str:
    if preview.problems:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in preview.problems)
        return (
            f"<div role='alert'><p class='kit-error'>{html.escape(preview.summary)}</p>"
            f"<ul class='kit-measures-upload-problems'>{items}</ul></div>"
        )
    rows = "".join(
        f"<tr class='kit-measures-upload-{r.status}'><td>{html.escape(r.label)}</td>"
        f"<td>{html.escape(r.text)}</td>{_status_cell(r.status)}<td>{html.escape(r.message)}</td></tr>"
        for r in preview.rows
    )
    return (
        f"<p>{html.escape(preview.summary)}</p><table class='kit-table'><tr><th>Period</th>"
        f"<th>Data</th><th>Status</th><th>Message</th></tr>{rows}</table>"
    )


def once_checked(save: Callable[..., int], preview: Any) -> Callable[[], int]:
    """The save for the page's ``commit``: the first try is refused (the conflict banner) when
    someone else changed a period since the preview; the banner's "Keep mine" runs it again,
    and that second try saves over theirs, as the person chose."""
    tries = 0

    def attempt() -> int:
        nonlocal tries
        tries += 1
        return save(preview, over_theirs=tries > 1)

    return attempt


class PastePart(Part):
    """Paste cells copied from a spreadsheet, preview what they become, then save them."""

    def __init__(self, page: Any) -> None:
        super().__init__(page, "kit-measures-paste-section")
        self.text = classed(
            w.Textarea(
                placeholder="Paste cells copied from Excel, LibreOffice or Google Sheets: a "
                "period column, then the value (or numerator and denominator), then a note",
                layout=w.Layout(width="100%", height="140px"),
            ),
            "kit-measures-paste",
        )
        self.preview_button = classed(
            w.Button(description="Preview", icon="eye", layout=w.Layout(width="auto")),
            "kit-measures-paste-preview-button",
        )
        self.save_button = classed(
            w.Button(
                description="Save these rows",
                icon="save",
                button_style="primary",
                disabled=True,
                layout=w.Layout(width="auto"),
            ),
            "kit-measures-paste-save",
        )
        self.questions = classed(w.VBox(), "kit-measures-paste-questions")
        self.preview = classed(w.HTML(), "kit-measures-paste-preview")
        self.answers: dict[str, bool] = {}
        self.current: PastePreview | None = None
        self._previewed_text: str | None = None
        self.children = [
            heading(
                "Paste from a spreadsheet",
                "Copy the cells (several rows and columns at once), paste them here and "
                "preview: each row says what it becomes. Nothing is saved before you confirm.",
            ),
            self.text,
            self.preview_button,
            self.questions,
            self.preview,
            self.save_button,
        ]
        self.text.observe(self._on_text, names="value")
        self.preview_button.on_click(self._on_preview)
        self.save_button.on_click(self._on_save)

    def show(self) -> None:
        self.layout.display = "flex" if self.model.selected_id else "none"
        self._forget()
        editable = self.model.can_edit_team
        self.text.disabled = self.preview_button.disabled = not editable

    def _forget(self) -> None:
        self.current, self._previewed_text = None, None
        self.answers = {}
        self.preview.value = ""
        self.questions.children = []
        self.save_button.disabled = True

    def _on_text(self, _change: dict[str, Any]) -> None:
        if self.current is not None and self.text.value != self._previewed_text:
            self._forget()  # a preview belongs to the block it was made from

    def _run_preview(self) -> None:
        preview = self.model.preview_paste(self.text.value, **self.answers)  # type: ignore[arg-type]
        self.current, self._previewed_text = preview, self.text.value
        self.preview.value = paste_table(preview)
        self.questions.children = [self._question(q) for q in preview.questions]
        self.save_button.disabled = not (preview.ready and self.model.can_edit_team)

    def _question(self, question: Any) -> w.Widget:
        choice = classed(
            w.RadioButtons(
                options=[(text, answer) for answer, text in question.options.items()],
                value=None,
            ),
            f"kit-measures-paste-question-{question.key.replace('_', '-')}",
        )

        @guarded()
        def answer(_self: Any, change: dict[str, Any]) -> None:
            if change["new"] is None:
                return
            self.answers[question.key] = bool(change["new"])
            self._run_preview()

        choice.observe(lambda change: answer(self, change), names="value")
        return w.VBox(
            [w.HTML(f"<p class='kit-weak'><b>{html.escape(question.text)}</b></p>"), choice]
        )

    @guarded()
    def _on_preview(self, _button: w.Button) -> None:
        self.answers = {}
        self._run_preview()

    @guarded()
    def _on_save(self, _button: w.Button) -> None:
        preview = self.current
        if preview is None or self.text.value != self._previewed_text:
            self.alert.show("Preview the pasted block first; nothing was saved.")
            return
        self.page.flush()
        if self.page.commit(once_checked(self.model.save_paste, preview), after=self.page.load):
            count = len(preview.observations())
            self.text.value = ""
            self.alert.show(
                f"Saved {count} period{'s' if count != 1 else ''} from the pasted block.",
                "success",
            )


class UploadPart(Part):
    """Upload a CSV or Excel file, read its row-by-row report, then import it."""

    def __init__(self, page: Any) -> None:
        super().__init__(page, "kit-measures-upload-section")
        self.upload = classed(
            w.FileUpload(accept=".csv,.xlsx,.txt", multiple=False, description="Choose file"),
            "kit-measures-upload",
        )
        self.report = classed(w.HTML(), "kit-measures-upload-report")
        self.import_button = classed(
            w.Button(
                description="Import",
                icon="upload",
                button_style="primary",
                disabled=True,
                layout=w.Layout(width="auto"),
            ),
            "kit-measures-import",
        )
        self.current: FilePreview | None = None
        self.children = [
            heading(
                "Upload a CSV or Excel file",
                "A header row names the columns: period and value, or period, numerator and "
                "denominator (note optional). The file is checked row by row first; it is "
                "imported whole or not at all.",
            ),
            self.upload,
            self.report,
            self.import_button,
        ]
        self.upload.observe(self._on_upload, names="value")
        self.import_button.on_click(self._on_import)

    def show(self) -> None:
        self.layout.display = "flex" if self.model.selected_id else "none"
        self.current = None
        self.report.value = ""
        self.import_button.disabled = True
        self.upload.value = ()  # the same file can be chosen again
        self.upload.disabled = not self.model.can_edit_team

    @guarded()
    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        name = item["name"] if isinstance(item, dict) else item.name
        content = item["content"] if isinstance(item, dict) else item.content
        preview = self.model.preview_file(bytes(content), name)
        self.current = preview
        self.report.value = file_table(preview)
        self.import_button.disabled = not (preview.ready and self.model.can_edit_team)

    @guarded()
    def _on_import(self, _button: w.Button) -> None:
        preview = self.current
        if preview is None:
            self.alert.show("Choose a file first; nothing was imported.")
            return
        self.page.flush()
        if self.page.commit(once_checked(self.model.import_file, preview), after=self.page.load):
            count = len(preview.observations)
            self.alert.show(
                f"Imported {count} period{'s' if count != 1 else ''} from {preview.filename}.",
                "success",
            )
