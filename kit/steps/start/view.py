"""The start page: a clickable journey map, who you are, and the join codes for faculty."""

from __future__ import annotations

import html

import ipywidgets as w

from kit.steps.start import model
from kit.ui import AppContext, AppShell, issue_token, run


def _journey(token: str) -> w.HTML:
    """The steps as boxes in a wrapping row. Each arrow sits in one flex item with the box it
    points to, so a wrap moves arrow and box together and never leaves an arrow at a line's end
    (issue 10)."""
    items = []
    for i, (notebook, title, line) in enumerate(model.JOURNEY, start=1):
        inner = (
            f"<div style='font-weight:700;color:#1f3a5f'>{i}. {html.escape(title)}</div>"
            f"<div style='font-size:90%'>{html.escape(line)}</div>"
        )
        style = (
            "display:block;flex:1;min-width:0;box-sizing:border-box;overflow-wrap:anywhere;"
            "padding:10px;border-radius:6px;"
            "background:#eef3f8;border:1px solid #c9d6e3;text-decoration:none;color:#1b2733"
        )
        if notebook:
            box = (
                f"<a class='kit-journey-step' href='{notebook}?session={token}' style='{style}'>"
                f"{inner}</a>"
            )
        else:
            box = (
                f"<div class='kit-journey-step' style='{style};opacity:0.7'>{inner}"
                "<i>coming soon</i></div>"
            )
        arrow = "" if i == 1 else _ARROW
        items.append(f"<div class='kit-journey-item' style='{_ITEM_STYLE}'>{arrow}{box}</div>")
    return w.HTML(
        f"<div class='kit-journey' style='display:flex;gap:6px;flex-wrap:wrap'>{''.join(items)}</div>"
    )


#: one flex item of the journey: the arrow (from the second step on) and its box
_ITEM_STYLE = "display:flex;align-items:center;gap:6px;flex:1;min-width:180px"
_ARROW = (
    "<div class='kit-journey-arrow' aria-hidden='true' style='font-size:20px;color:#2a7ab0'>→</div>"
)


def _codes_table(rows: list[model.TeamCode]) -> w.HTML:
    body = "".join(
        f"<tr><td>{html.escape(r.team)}</td><td>{html.escape(r.organisation)}</td>"
        f"<td><code class='kit-join-code'>{html.escape(r.code)}</code></td>"
        f"<td>{html.escape(', '.join(r.missing_roles)) or 'all three roles filled'}</td></tr>"
        for r in rows
    )
    table = (
        "<h3>Join codes to hand out</h3><p>Give each team its code, or send them a join link: "
        "the start page's address followed by <code>?join=CODE</code>.</p>"
        "<table class='kit-codes' style='border-collapse:collapse' cellpadding='4'>"
        "<tr><th align='left'>Team</th><th align='left'>Organisation</th><th align='left'>Code</th>"
        f"<th align='left'>Missing BTS roles</th></tr>{body}</table>"
    )
    return w.HTML(table)


def build(context: AppContext) -> w.Widget:
    collab = model.collaborative(context.store, context.actor)
    token = issue_token(context.identity)
    intro = w.HTML(
        f"<h3>{html.escape(collab.name)}</h3><p><b>Topic:</b> {html.escape(collab.topic)}</p>"
        f"<p><b>Collaborative aim:</b> {html.escape(collab.aim)}</p>"
    )
    parts: list[w.Widget] = [intro, _journey(token)]
    if context.identity.is_facilitator:
        parts.append(_codes_table(model.join_codes(context.store, context.actor)))
    box = w.VBox(parts)
    box.add_class("kit-start")
    return box


def app(store=None, params: dict[str, str] | None = None) -> AppShell:
    """The start page; ``params`` stands in for the page's query string in tests."""
    shell = AppShell("Start here", build, audience="everyone", store=store, css_name="start")
    if params is not None:
        return shell.start(params)
    return run(shell)
