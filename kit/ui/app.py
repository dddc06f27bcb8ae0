"""The shell every app lives in: header (collaborative, who is signed in, save state), sign-in,
refusal for the wrong audience, and an error boundary so no traceback reaches a page.

A step provides ``build(context) -> widget``; the shell resolves who is asking (join link,
session link or cookie, else a sign-in form), checks the audience and calls ``build`` once.
A sign-in made on the page (the form, a join link) is handed to the kit's server for the
session cookie (``kit/ui/session.py``, ``kit/server/session_cookie.py``), so it lasts across
reloads, the top bar and new tabs; the header's "Sign out" clears it.
"""

from __future__ import annotations

import html
import importlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as w

from kit.apps import Audience, apps, audience_of
from kit.envnames import BOKEH_FROM_PAGE
from kit.errors import KitInputError, PermissionDenied
from kit.ui.session import (
    Identity,
    client_key,
    handoff_html,
    identify,
    issue_token,
    request_parameters,
    sign_in_participant,
    sign_in_with_passcode,
    waits_for_request,
)
from kit.ui.widgets import Alert, SaveState, after_this_cell, guarded, message_for

log = logging.getLogger("kit.ui")

#: the apps in BTS order: notebook, header link text (one list: ``kit/content/apps.yaml``)
APPS = [(app.notebook, app.short) for app in apps()]


def _audience(css_name: str, declared: Audience | None) -> Audience:
    """Who may open the app: its ``audience`` in ``kit/content/apps.yaml`` when the app is
    listed there (``css_name`` is its id), else what the shell declared (tests' own shells).

    A step that declares an audience the list contradicts is a mistake in one of the two, and
    it fails at once rather than letting the wrong people in.
    """
    try:
        listed = audience_of(css_name)
    except KeyError:
        return declared or "everyone"
    if declared is not None and declared != listed:
        raise ValueError(
            f"App '{css_name}' declares audience '{declared}' but kit/content/apps.yaml says "
            f"'{listed}'"
        )
    return listed


@dataclass
class AppContext:
    """What a step's builder gets: the store, who is asking, and the shell's shared widgets."""

    store: Any
    identity: Identity
    save_state: SaveState
    alert: Alert
    params: dict[str, str] = field(default_factory=dict)
    #: keep a changed identity (a participant who gave their name to vote) for this sign-in
    remember: Callable[[Identity], None] | None = None

    @property
    def actor(self):
        return self.identity.actor()

    def sign_in_as(self, identity: Identity) -> None:
        """This page now speaks for ``identity``, and so do the sign-in's later pages."""
        self.identity = identity
        if self.remember is not None:
            self.remember(identity)


def _open_store():
    from kit.store import Store

    return Store.open()


class AppShell(w.VBox):
    """One app page. ``start()`` resolves the visitor and builds the step."""

    def __init__(
        self,
        title: str,
        build: Callable[[AppContext], w.Widget],
        *,
        audience: Audience | None = None,
        store: Any = None,
        css_name: str = "",
    ) -> None:
        super().__init__()
        self.add_class("kit-app")
        if css_name:
            self.add_class(f"kit-app-{css_name}")
        self.title = title
        self.audience: Audience = _audience(css_name, audience)
        self._build = build
        self._store = store
        self.identity: Identity | None = None
        self.params: dict[str, str] = {}
        self.alert = Alert()
        self.save_state = SaveState()
        self.header = w.HTML()
        self.header.add_class("kit-header")
        self.body = w.VBox()
        self.body.add_class("kit-body")
        #: where a sign-in made on this page is handed to the server (``handoff_html``)
        self.handoff = w.HTML(layout=w.Layout(display="none"))
        self.handoff.add_class("kit-handoff")
        top = w.HBox(
            [self.header, self.save_state],
            layout=w.Layout(justify_content="space-between", align_items="center"),
        )
        self.children = [top, self.alert, self.body, self.handoff]
        if not page_has_bokeh():  # not served with the kit's template: bring its stylesheet
            self.children = [w.HTML(stylesheet()), *self.children]
        self.content: w.Widget | None = None
        self._loading = w.HTML("<p class='kit-loading' role='status'>Opening your work…</p>")

    @property
    def store(self):
        if self._store is None:
            self._store = _open_store()
        return self._store

    # --- lifecycle -----------------------------------------------------------------------

    def start(self, params: dict[str, str] | None = None) -> AppShell:
        """Find out who is asking and show them the step, a sign-in form or a refusal."""
        try:
            # open the database before waiting for the visitor: a preheated kernel does this
            # work while it sits in the pool, not while someone watches the page load
            _ = self.store
            self.params = request_parameters() if params is None else dict(params)
            self.identity = identify(self.store, self.params, client=client_key(self.params))
            if self.params.get("join"):
                if self.identity is None:
                    self.alert.show(
                        "That join link's code is not recognised; type your code below."
                    )
                else:
                    self._hand_off(self.identity)
            self._render()
        except Exception as error:
            log.exception("app %s failed to start", self.title)
            self.alert.show(message_for(error))
        return self

    def _render(self) -> None:
        self._render_header()
        if self.identity is None:
            self.body.children = [self._sign_in_form()]
            return
        if self.audience == "facilitator" and not self.identity.is_facilitator:
            self.body.children = [self._refusal()]
            return
        self.body.children = [self._loading]
        after_this_cell(self._build_body)

    def _build_body(self) -> None:
        """Build the step for the signed-in visitor (after the page's cell, in a kernel)."""
        context = AppContext(
            self.store, self.identity, self.save_state, self.alert, self.params, self._remember
        )
        try:
            self.content = self._build(context)
            self.body.children = [self.content]
        except Exception as error:
            log.exception("app %s failed to build", self.title)
            self.body.children = []
            self.alert.show(message_for(error))

    # --- pieces ------------------------------------------------------------------------

    def _collaborative_name(self) -> str:
        if self.identity is None:
            return ""
        from kit.qi import Collaborative

        try:
            return self.store.get(
                Collaborative, self.identity.collaborative_id, self.identity.actor()
            ).record.name
        except Exception:
            return ""

    def _render_header(self) -> None:
        title = html.escape(self.title)
        if self.identity is None:
            who = '<span class="kit-who">Not signed in</span>'
            links = ""
        else:
            role = "facilitator" if self.identity.is_facilitator else "team"
            who = (
                f'<span class="kit-who">Signed in as <b>{html.escape(self.identity.label)}</b> '
                f"({role})</span>"
            )
            token = issue_token(self.identity)
            links = " · ".join(
                f'<a href="{name}?session={token}">{html.escape(label)}</a>' for name, label in APPS
            )
            # the kit's server clears the cookie and opens the landing page
            # (kit/server/session_cookie.py); relative to voila/render/<app>
            links += ' · <a class="kit-signout" href="../kit/signout">Sign out</a>'
            collab = self._collaborative_name()
            if collab:
                title = f"{title} <span style='font-weight:400'>· {html.escape(collab)}</span>"
        self.header.value = (
            f'<div><h2 style="margin:4px 0">{title}</h2>{who}'
            f'<div class="kit-app-links" style="font-size:90%;margin-top:2px">{links}</div></div>'
        )

    def _sign_in_form(self) -> w.Widget:
        code = w.Text(placeholder="e.g. RIV-2026", description="Join code:")
        code.add_class("kit-signin-code")
        person = w.Text(placeholder="so that your vote is your own", description="Your name:")
        person.add_class("kit-signin-name")
        passcode = w.Password(description="Passcode:", placeholder="facilitator only")
        passcode.add_class("kit-signin-passcode")
        button = w.Button(description="Sign in", button_style="primary")
        button.add_class("kit-signin-button")
        self._sign_in_error = w.HTML()
        self._sign_in_error.add_class("kit-signin-error")
        intro = w.HTML(
            "<p>Type the <b>join code</b> your facilitator gave your team, and your name. "
            "Facilitators type the <b>facilitator passcode</b> instead.</p>"
        )
        self._code, self._person, self._passcode = code, person, passcode
        self._sign_in_button = button
        button.on_click(self._on_sign_in)
        for field_ in (code, passcode):
            field_.continuous_update = False  # Enter (or leaving the field) signs in
            field_.observe(self._on_code_entered, "value")
        box = w.VBox(
            [
                intro,
                w.HBox([code, person]),
                w.HBox([passcode, button]),
                self._sign_in_error,
            ]
        )
        box.add_class("kit-signin")
        return box

    def _on_code_entered(self, change: dict) -> None:
        if change["new"].strip() and self.identity is None:
            self._on_sign_in(self._sign_in_button)

    @guarded()
    def _on_sign_in(self, _button: w.Button) -> None:
        if self.identity is not None:  # already signed in (Enter, then a click)
            return
        client = client_key(self.params)
        try:
            if self._passcode.value.strip():
                identity = sign_in_with_passcode(self.store, self._passcode.value, client=client)
            else:
                identity = sign_in_participant(
                    self.store, self._code.value, self._person.value, client=client
                )
        except (PermissionDenied, KitInputError) as error:
            # beside the form, where the person is looking (the lock-out says when to retry)
            self._sign_in_error.value = (
                f"<p class='kit-error' role='alert'>{html.escape(str(error))}</p>"
            )
            raise
        self._passcode.value = ""
        self.identity = identity
        self._hand_off(identity)
        self.alert.show(f"Welcome, {identity.person or identity.label}.", "success")
        self._render()

    def _hand_off(self, identity: Identity) -> None:
        """Ask the page to exchange a one-time token for the session cookie."""
        try:
            self.handoff.value = handoff_html(identity)
        except Exception:  # the sign-in still works on this page
            log.exception("could not hand the sign-in to the page")

    def _remember(self, identity: Identity) -> None:
        self.identity = identity
        self._hand_off(identity)
        self._render_header()

    def _refusal(self) -> w.Widget:
        box = w.HTML(
            "<div class='kit-refusal' role='alert'><h3>This app is for the collaborative's "
            "faculty</h3><p>You are signed in as a team member, so it is not available to you. "
            "Your team's apps are listed at the top of the page; if you are faculty, sign out "
            "and sign in with the facilitator passcode.</p></div>"
        )
        box.add_class("kit-refusal")
        return box


def stylesheet() -> str:
    """The kit template's stylesheet (colours of errors, warnings, findings), for pages that
    are not served with the template: JupyterLab, plain Voilà."""
    from pathlib import Path

    path = Path(__file__).parent.parent / "share/jupyter/voila/templates/bts-kit/kit-style.html"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        log.warning("the kit's stylesheet is missing: %s", path)
        return ""


def page_has_bokeh() -> bool:
    """True when this kernel serves a page whose template already loaded BokehJS.

    The server sets ``KIT_BOKEH_FROM_PAGE`` when it serves the kit's template, which loads the
    script on every app whose notebook declares charts: ``bts-kit serve`` always, and
    ``kit.server.extension`` as a server extension (JupyterHub, Binder) when Voilà uses that template.
    Voilà marks its kernels with ``VOILA_*`` variables; in JupyterLab they are absent, and the
    app loads its own copy.
    """
    under_voila = "VOILA_KERNEL_ID" in os.environ or "VOILA_BASE_URL" in os.environ
    return under_voila and os.environ.get(BOKEH_FROM_PAGE) == "1"


def load_bokeh() -> None:
    """Make BokehJS available to the page's charts, without the internet.

    Served by the kit, the page already has it as a cached script file (``page_has_bokeh``);
    anywhere else (JupyterLab, plain Voilà) it goes into the output inline and lean.
    """
    if page_has_bokeh():
        return
    from bokeh.io import output_notebook
    from bokeh.resources import Resources

    output_notebook(resources=Resources(mode="inline", components=["bokeh"]), hide_banner=True)


def preload(modules: Sequence[str]) -> None:
    """Import the modules an app's charts come from, and run their ``warm_up()`` if they have
    one, while a preheated kernel waits in the pool for its visitor.

    Why: a page's kernel otherwise imports Bokeh's models, jupyter_bokeh and the chart code
    (and fills Bokeh's per-class property caches) after the visitor has asked for the page:
    0.3 to 0.7 s of the request's time on the chart apps
    (``tests/benchmarks/bench_serving.py``). A cold kernel, or JupyterLab, gains nothing from
    it, so it happens only under preheating.
    """
    if not waits_for_request():
        return
    for name in modules:
        try:
            module = importlib.import_module(name)
            warm_up = getattr(module, "warm_up", None)
            if callable(warm_up):
                warm_up()
        except Exception:  # the page still works, only its first chart is slower
            log.exception("could not preload %s", name)


def run(shell: AppShell, *, uses_bokeh: bool = False, charts: Sequence[str] = ()) -> AppShell:
    """What a notebook's one call does: load chart resources if needed, start, return the app.

    ``charts`` names the chart modules the app draws with (``preload``).
    """
    if uses_bokeh:
        try:
            load_bokeh()
        except Exception:
            log.exception("could not load BokehJS")
    if charts:  # an app whose charts are optional (04's) keeps its kernel small
        preload([*(["jupyter_bokeh"] if uses_bokeh else []), *charts])
    return shell.start()
