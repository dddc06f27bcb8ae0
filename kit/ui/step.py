"""The base every step's view stands on: quiet loading, autosave, commit, conflict, errors.

How a new app is built (the aim, change-package and set-up apps are worked examples):

1. ``kit/steps/<step>/model.py``: a ``StepModel`` (``kit/steps/base.py``) over the store and
   the store's ``Actor``, no widgets. Each record it edits is a ``VersionedRecord``
   (``kit/steps/versioned.py``), which saves over the version loaded, raises
   ``EditConflict`` when someone saved since, and lists and restores the history. It has
   ``reload()``.
2. ``kit/steps/<step>/view.py``: a ``StepView[YourModel]`` subclass. It builds its widgets, places
   ``self.conflict`` (the banner) where a conflict should show, and implements
   ``show_model()``, which sets every widget from the model. Call ``self.load()`` (never
   ``show_model()`` directly): it runs inside ``quiet()``, so loading is never taken for an
   edit. Handlers for edits are decorated with ``@edit_handler``; they save through
   ``self.commit(action, error_line=..., after=...)`` at once (a click, a choice), or through
   ``self.autosave(key, action)`` when typing pauses. ``flush()`` saves what is waiting.
3. ``view.py`` also has ``build(context)``, which makes the model with ``context.actor`` and
   returns the view, and ``app()``, which wraps ``build`` in ``AppShell`` (``kit/ui/app.py``:
   sign-in, audience, header). The step's ``__init__.py`` imports ``app`` lazily (copy
   ``kit/steps/aim/__init__.py``), the notebook's one cell calls it, and the app is listed
   once in the list of apps (``APPS`` in ``kit/ui/app.py``, to become a content file).

What the base guarantees, so no view writes it again: the header's save state follows every
save ("Unsaved changes…", "Saving…", "Saved 10:32:05", "Not saved: ..."); a stale save shows
one banner saying who saved and what they changed, with "Reload theirs" (drop my unsaved
edits, show theirs) and "Keep mine" (apply my edit again on top of their version); a bad
value shows beside its field, or on the app's one alert line; an unexpected failure is
logged with its traceback and shown as a sentence, never a traceback.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import ipywidgets as w

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.ui.widgets import Debouncer, classed, guarded, message_for, set_field_error

if TYPE_CHECKING:
    from kit.ui.app import AppContext

log = logging.getLogger("kit.ui")


class Reloadable(Protocol):
    """What the base needs of a model: reading it again from the store ("Reload theirs")."""

    def reload(self) -> Any: ...


#: the step's model class (``StepView[AimModel]``), so ``self.model`` is typed in each view
M = TypeVar("M", bound=Reloadable)


class ConflictBanner(w.HBox):
    """Shown when someone else saved first: who, what they changed, and the two ways on."""

    def __init__(self, css_prefix: str = "") -> None:
        super().__init__(layout=w.Layout(display="none"))
        self.message = classed(w.HTML(), "kit-conflict-message")
        self.reload_button = classed(
            w.Button(description="Reload theirs", icon="refresh", button_style="warning"),
            "kit-conflict-reload",
        )
        self.keep_button = classed(
            w.Button(description="Keep mine", icon="save"), "kit-conflict-keep"
        )
        for button in (self.reload_button, self.keep_button):
            button.layout.width = "auto"
        classed(self, "kit-conflict")
        if css_prefix:  # the step's own hooks, e.g. kit-aim-conflict, kit-aim-reload
            classed(self, f"{css_prefix}-conflict")
            classed(self.reload_button, f"{css_prefix}-reload")
            classed(self.keep_button, f"{css_prefix}-keep")
        self.children = [self.message, self.reload_button, self.keep_button]

    @property
    def visible(self) -> bool:
        return self.layout.display != "none"

    def show(self, error: Conflict) -> None:
        text = str(error)
        changed = getattr(error, "changed", [])
        if changed:
            text += f" They changed: {', '.join(changed)}."
        theirs = getattr(error, "theirs", {})
        if theirs:
            text += " Their version: " + "; ".join(f"{k} {v}" for k, v in theirs.items()) + "."
        self.message.value = f"<div role='alert'>{html.escape(text)}</div>"
        self.layout.display = "flex"

    def hide(self) -> None:
        self.layout.display = "none"
        self.message.value = ""

    @property
    def text(self) -> str:
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self.message.value))


def edit_handler(handler: Callable) -> Callable:
    """A handler for a participant's edit: skipped while the view loads, failures shown."""
    safe = guarded()(handler)

    @functools.wraps(handler)
    def run(self: StepView, *args: Any, **kwargs: Any) -> Any:
        if self.loading:
            return None
        return safe(self, *args, **kwargs)

    return run


class StepView(w.VBox, Generic[M]):
    """One step's widgets over its model. Subclasses build widgets and ``show_model()``."""

    #: the view's own CSS class and the prefix of its hooks, e.g. "kit-aim"
    css_class: ClassVar[str] = ""
    #: what the alert line says after "Reload theirs"
    reloaded_message: ClassVar[str] = "Reloaded: you now see the latest saved version."

    def __init__(self, context: AppContext, model: M) -> None:
        super().__init__()
        if self.css_class:
            self.add_class(self.css_class)
        self.context = context
        self.model = model
        self.alert = context.alert
        self.save_state = context.save_state
        self._quiet_depth = 0
        self._debouncers: dict[str, Debouncer] = {}
        self._waiting: dict[str, Callable[[], Any]] = {}
        self._retry: Callable[[], bool] | None = None
        self.conflict = ConflictBanner(self.css_class)
        self.conflict.reload_button.on_click(self._on_reload_theirs)
        self.conflict.keep_button.on_click(self._on_keep_mine)

    # --- loading -----------------------------------------------------------------------

    def show_model(self) -> None:
        """Set every widget from the model. Called by ``load()``, inside ``quiet()``."""
        raise NotImplementedError

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Set widgets without their observers taking it for an edit (nests)."""
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    @property
    def loading(self) -> bool:
        return self._quiet_depth > 0

    def load(self) -> None:
        """Show the model in every widget; nothing is saved by it."""
        with self.quiet():
            self.show_model()

    @edit_handler
    def show_team(self, change: dict[str, Any]) -> None:
        """A facilitator picked another team: the model reads that team's work, the page
        shows it. Observe a team picker's ``value`` with it (errors land on the alert line)."""
        if change["new"] and change["new"] != getattr(self.model, "team_id", None):
            self.model.select_team(change["new"])  # type: ignore[attr-defined]
            self.load()

    # --- saving ------------------------------------------------------------------------

    def autosave(self, key: str, action: Callable[[], Any]) -> None:
        """Run ``action`` once typing in field ``key`` pauses (the latest action wins)."""
        self._waiting[key] = action
        self.save_state.set("pending")
        if key not in self._debouncers:
            self._debouncers[key] = Debouncer(lambda: self._fire(key))
        self._debouncers[key]()

    def _fire(self, key: str) -> None:
        """The timer's callback: nothing may escape it, or the failure would go unseen."""
        action = self._waiting.pop(key, None)
        if action is None:
            return
        try:
            action()
        except Exception as error:
            log.exception("an autosave in %s failed", type(self).__name__)
            self.save_state.failed(error)
            self.alert.show(message_for(error))

    @property
    def pending(self) -> bool:
        return any(d.pending for d in self._debouncers.values())

    def flush(self) -> None:
        """Save now every edit waiting for typing to pause (a click elsewhere, a test)."""
        for debouncer in list(self._debouncers.values()):
            debouncer.flush()

    def commit(
        self,
        action: Callable[[], Any],
        *,
        error_line: w.HTML | None = None,
        after: Callable[[], Any] | None = None,
    ) -> bool:
        """Run one model edit with the save state in the header; True when it was saved.

        A conflict shows the banner (and "Keep mine" runs this same edit again); a bad value
        or a refusal is shown on ``error_line`` when given, else on the alert line; anything
        else is logged and shown as a sentence. ``after`` (refreshing what the edit changed)
        runs only after a save.
        """
        self.save_state.set("saving")
        try:
            action()
        except Conflict as error:
            self.save_state.failed(error)
            self._retry = lambda: self.commit(action, error_line=error_line, after=after)
            self.conflict.show(error)
            return False
        except (KitInputError, PermissionDenied) as error:
            self.save_state.failed(error)
            self._show_error(str(error), error_line)
            return False
        except Exception as error:  # never a traceback on the page
            log.exception("saving in %s failed", type(self).__name__)
            self.save_state.failed(error)
            self.alert.show(message_for(error))
            return False
        if error_line is not None:
            set_field_error(error_line, None)
        self.save_state.saved()
        self.conflict.hide()
        self._retry = None
        if after is not None:
            try:
                after()
            except Exception as error:
                log.exception("refreshing %s failed", type(self).__name__)
                self.alert.show(message_for(error))
        return True

    def _show_error(self, text: str, error_line: w.HTML | None) -> None:
        if error_line is not None:
            set_field_error(error_line, text)
        else:
            self.alert.show(text)

    # --- after a conflict ----------------------------------------------------------------

    def reload_theirs(self) -> None:
        """Drop the unsaved edits and show what is saved now."""
        self._waiting.clear()
        self._retry = None
        self.model.reload()
        self.conflict.hide()
        self.load()
        self.save_state.set("idle")
        self.alert.show(self.reloaded_message, "info")

    def keep_mine(self) -> None:
        """Apply the edit that failed again, over the version saved since."""
        retry = self._retry
        if retry is None:
            self.conflict.hide()
            return
        self.model.reload()
        if retry():
            self.load()
            self.alert.show("Your change is saved, on top of the other person's.", "success")

    @guarded()
    def _on_reload_theirs(self, _button: w.Button) -> None:
        self.reload_theirs()

    @guarded()
    def _on_keep_mine(self, _button: w.Button) -> None:
        self.keep_mine()


class TeamModel(Protocol):
    team_id: str | None

    def teams(self) -> list[tuple[str, str]]: ...

    def select_team(self, team_id: str) -> None: ...


TM = TypeVar("TM", bound=TeamModel)


def model_for_team(context: Any, make: Callable[[str | None], TM]) -> TM:
    """The step's model on the team the page shows.

    A participant sees their own team; a facilitator the team named by the link's
    ``?team=``, else the first team by name, so a facilitator never lands on an empty page."""
    team_id = context.identity.team_id
    if context.identity.is_facilitator:
        team_id = context.params.get("team") or None
    model = make(team_id)
    if model.team_id is None and context.identity.is_facilitator:
        teams = model.teams()
        if teams:
            model.select_team(teams[0][1])
    return model
