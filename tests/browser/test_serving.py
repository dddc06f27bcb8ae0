"""Every app page renders in the browser with no error text, and says who is signed in."""

from __future__ import annotations

import pytest

from .conftest import (
    FACILITATOR_PASSCODE,
    TEAM_NAMES,
    app_notebooks,
    declared_audience,
    header_text,
    open_app,
    sign_in,
)

pytestmark = pytest.mark.browser

ERROR_TEXT = ("Traceback", "Error", "There was an error when executing")
APPS = app_notebooks()


def assert_no_error_text(page) -> None:
    body = page.inner_text("body")
    for text in ERROR_TEXT:
        assert text not in body, f"{text!r} on the page:\n{body[:3000]}"
    assert (
        page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']").count()
        == 0
    )


@pytest.mark.parametrize("notebook", APPS)
def test_app_renders_for_a_team_via_join_link(page, kit_server, notebook):
    open_app(page, kit_server, notebook, join="RIV-2026")
    header = header_text(page)
    assert "Signed in as" in header and TEAM_NAMES["team-riverside"] in header
    assert "(team)" in header
    if declared_audience(notebook) == "facilitator":
        page.wait_for_selector(".kit-refusal")
    else:
        assert page.locator(".kit-refusal").count() == 0
    assert_no_error_text(page)


@pytest.mark.parametrize("notebook", APPS)
def test_app_renders_for_the_facilitator_signing_in(page, kit_server, notebook):
    open_app(page, kit_server, notebook)
    assert "Not signed in" in header_text(page)
    sign_in(page, FACILITATOR_PASSCODE)
    header = header_text(page)
    assert "Signed in as" in header and "(facilitator)" in header
    assert page.locator(".kit-refusal").count() == 0
    assert_no_error_text(page)


def test_landing_page_lists_the_apps_in_order_and_no_files(page, kit_server):
    response = page.goto(kit_server.url)
    assert response.status == 200
    listed = page.eval_on_selector_all(
        "ol.kit-apps li.kit-app", "items => items.map(li => li.dataset.notebook)"
    )
    assert listed == APPS, "the landing page must list every app, in BTS order"
    for notebook in APPS:
        link = page.locator(f"li.kit-app[data-notebook='{notebook}'] a")
        assert link.get_attribute("href").endswith(f"voila/render/{notebook}")
        assert link.inner_text().strip()
    body = page.inner_text("body")
    assert ".ipynb" not in body, "file names on the landing page: a raw listing?"
    assert "Not signed in" in body
    assert page.locator("a[href*='voila/tree']").count() == 0
    assert_no_error_text(page)


def test_landing_page_names_who_is_signed_in(page, kit_server):
    open_app(page, kit_server, APPS[0], join="RIV-2026")
    token = page.get_attribute(".kit-app-links a[href*='session=']", "href").split("session=")[1]
    page.goto(f"{kit_server.url}?session={token}")
    # the page posts the token to the server, which sets the HttpOnly cookie and says who it is
    page.wait_for_selector("#kit-identity[data-kit-checked]")
    identity = page.inner_text("#kit-identity")
    assert f"Signed in as {TEAM_NAMES['team-riverside']}" in identity
    assert "session=" not in page.url, "the token must move into a cookie, out of the address"


def test_sources_are_stripped_and_the_page_works_offline(page, kit_server):
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None
        ),
    )
    open_app(page, kit_server, APPS[0], join="RIV-2026")
    assert page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .cm-editor").count() == 0
    assert "from kit.steps import" not in page.content()
    assert outside == [], f"the page reached outside the server: {outside}"


CHART_APP = "01-setup-and-topic.ipynb"


def test_chart_pages_get_bokehjs_from_the_server_as_a_cached_file(page, kit_server):
    import bokeh

    documents, scripts, outside = [], [], []

    def on_response(response) -> None:
        if "/voila/render/" in response.url:
            documents.append(response)
        elif "/voila/kit/bokeh/" in response.url:
            scripts.append(response)
        elif not response.url.startswith(("http://127.0.0.1", "data:")):
            outside.append(response.url)

    page.on("response", on_response)
    open_app(page, kit_server, CHART_APP, join="RIV-2026")
    page.wait_for_selector(".kit-setup-timeline-chart canvas")
    page.wait_for_selector(".kit-setup-ratings-chart canvas")
    assert page.evaluate("window.Bokeh.version") == bokeh.__version__
    assert [s.url.rsplit("/", 1)[-1] for s in scripts] == ["bokeh.min.js"]
    assert scripts[0].status in (200, 304)
    assert "no-cache" in scripts[0].headers.get("cache-control", "")
    # the kernel did not send its own inline copy (2.8 MB of escaped text per page)
    assert len(documents[0].body()) < 300_000
    assert outside == []
    assert_no_error_text(page)


def test_the_kernel_websocket_is_compressed(page, kit_server):
    """Widget state travels as JSON over the kernel's websocket (1.7 MB for a 100-team
    dashboard): the server agrees to the browser's permessage-deflate offer."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    extensions: list[str] = []
    cdp.on(
        "Network.webSocketHandshakeResponseReceived",
        lambda e: extensions.append(
            {k.lower(): v for k, v in e["response"].get("headers", {}).items()}.get(
                "sec-websocket-extensions", ""
            )
        ),
    )
    open_app(page, kit_server, "02-aim.ipynb", join="RIV-2026")
    assert extensions and all("permessage-deflate" in e for e in extensions), extensions


def test_pages_without_charts_do_not_load_bokehjs(page, kit_server):
    open_app(page, kit_server, APPS[0], join="RIV-2026")
    assert page.locator("script[src*='voila/kit/bokeh/']").count() == 0
    assert page.evaluate("typeof window.Bokeh") == "undefined"


@pytest.mark.parametrize(
    "path",
    ["compiler.js", "bokeh.js", "../../../../server/views/app_index.html", "..%2Fjs%2Fbokeh.js"],
)
def test_the_bokeh_route_serves_nothing_else(kit_server, path):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{kit_server.url}voila/kit/bokeh/{path}", timeout=30)
    assert refused.value.code in (403, 404)
