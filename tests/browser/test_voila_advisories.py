"""Voilà's own advisories, checked against ``bts-kit serve``: no notebook source and no traceback
reaches a page, code sent from a page to its kernel does not run, no file outside the notebook
folder can be read through Voilà's static, files or template handlers, and neither the server's
command line nor its log holds a passcode, a join code or a session token.

The checks follow the published advisories: GHSA-2q59-h24c-w6fg (Voilà < 0.5.6 read any file
through its static handler: ``GET /static/etc/passwd``) and GHSA-c3mw-737p-c7g2 (jupyter_server
wrote tokens into its log), and Voilà 0.5's rule that a page's kernel takes only widget (comm)
and kernel-info messages (``allowed_message_types`` in ``voila/app.py``). One ``bts-kit serve``
for the module, on the demo database plus a notebook that fails, to see what a failure shows.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request

import pytest

from .conftest import (
    FACILITATOR_PASSCODE,
    NOTEBOOKS,
    app_notebooks,
    check_no_page_errors,
    join_codes,
    notebook_folder,
    sign_in,
    start_server,
)
from .test_hostile_text import SLOW, open_page

pytestmark = pytest.mark.browser

TRACEBACK_MARKER = "kit-secret-traceback-marker"
FAILING = "zz-fails.ipynb"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The server ``bts-kit serve`` runs (``kit.server.command.voila_command``, its options and
    environment) on a copy of the apps plus one notebook that raises, with a secret file
    beside the notebook folder that no handler may serve."""
    tmp = tmp_path_factory.mktemp("voila-advisories")
    folder = notebook_folder(
        tmp, {FAILING: f"raise RuntimeError('{TRACEBACK_MARKER}')"}, copy_apps=True
    )
    (tmp / "outside-secret.txt").write_text("kit-outside-secret")
    with start_server(tmp, notebooks=folder) as server:
        yield server


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def code_sources() -> dict[str, list[str]]:
    """Each app notebook's code cells' source lines (what a stripped page must not show)."""
    sources = {}
    for name in app_notebooks():
        cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
        lines = [
            line.strip()
            for cell in cells
            if cell["cell_type"] == "code"
            for line in "".join(cell["source"]).splitlines()
            if line.strip()
        ]
        sources[name] = lines
    return sources


def test_no_code_cell_source_reaches_the_page(page, served):
    """The facilitator's rendered page of an app holds the notebook's text, not its code."""
    notebook = "02-aim.ipynb"
    open_page(page, served, notebook)
    sign_in(page, FACILITATOR_PASSCODE)
    html = page.content()
    for line in code_sources()[notebook]:
        assert line not in html, f"the code line {line!r} is on the page"
    status, body = fetch(served.render_url("00-start-here.ipynb"))
    assert status == 200
    for line in code_sources()["00-start-here.ipynb"]:
        assert line not in body


def test_a_failing_cell_shows_no_traceback(page, served):
    page.goto(served.render_url(FAILING), wait_until="load", timeout=SLOW)
    page.wait_for_function("() => document.body.innerText.includes('error')", timeout=120_000)
    text = page.content()
    assert TRACEBACK_MARKER not in text
    assert "Traceback" not in text and "RuntimeError" not in text
    assert "raise RuntimeError" not in text


def test_code_sent_from_the_page_to_its_kernel_does_not_run(page, served, tmp_path):
    """An ``execute_request`` (and other code-running messages) sent over the page's own
    kernel websocket is dropped; a ``kernel_info_request`` sent after it is answered, so the
    channel works and the kernel, which handles shell messages in order, has seen (and would
    have run) anything before it."""
    proof = tmp_path / "executed.txt"
    open_page(page, served, "00-start-here.ipynb")
    code = f"open({str(proof)!r}, 'w').write('ran')"
    result = page.evaluate(
        """async (code) => {
  const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const base = config.baseUrl || '/';
  const url = 'ws://' + location.host + base + 'api/kernels/' + config.kernelId + '/channels';
  const ws = new WebSocket(url);
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  const session = 'attacker-' + Math.random();
  const message = (type, channel, content) => JSON.stringify({
    header: {msg_id: type + '-' + Math.random(), username: 'x', session, msg_type: type,
             version: '5.3', date: new Date().toISOString()},
    parent_header: {}, metadata: {}, content, channel, buffers: []});
  const replies = [];
  const done = new Promise(ok => {
    ws.onmessage = event => {
      if (typeof event.data !== 'string') return;
      const msg = JSON.parse(event.data);
      replies.push(msg.header.msg_type);
      if (msg.header.msg_type === 'kernel_info_reply' && msg.parent_header.session === session)
        ok();
    };
  });
  const run = {code, silent: false, store_history: false, user_expressions: {},
               allow_stdin: false, stop_on_error: true};
  ws.send(message('execute_request', 'shell', run));
  ws.send(message('execute_request', 'control', run));
  ws.send(message('inspect_request', 'shell', {code: 'open', cursor_pos: 4, detail_level: 1}));
  ws.send(message('history_request', 'shell', {output: true, raw: true,
                                                hist_access_type: 'tail', n: 100}));
  ws.send(message('kernel_info_request', 'shell', {}));
  await done;
  ws.close();
  return replies;
}""",
        code,
    )
    assert "kernel_info_reply" in result
    for refused in ("execute_reply", "execute_result", "inspect_reply", "history_reply"):
        assert refused not in result, result
    assert not proof.exists(), "code sent from the page ran in the kernel"
    assert re.search(r'message of type "execute_request", which is not allowed', served.log())
    check_no_page_errors(page)


#: paths that tried to read files outside the notebook folder (and the notebook's source)
TRAVERSALS = [
    "static/etc/passwd",
    "voila/static/etc/passwd",
    "voila/static//etc/passwd",
    "voila/static/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "voila/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "voila/templates/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "voila/templates/bts-kit/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "voila/templates/lab/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "voila/templates//etc/passwd",
    "voila/labextensions/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "voila/files/..%2foutside-secret.txt",
    "voila/files/%2e%2e/outside-secret.txt",
    "voila/files//etc/passwd",
    "voila/files/..%2fkit.sqlite3",
    "voila/files/02-aim.ipynb",
    "voila/files/..%2f..%2fpyproject.toml",
    "voila/render/..%2foutside-secret.txt",
    "voila/render/%2Fetc%2Fpasswd",
    "voila/tree/..%2f",
    "voila/api/contents/02-aim.ipynb",
    "voila/api/contents/..%2foutside-secret.txt",
    "api/contents/02-aim.ipynb",
    "api/kernels",
    "api/sessions",
    "files/02-aim.ipynb",
]

#: what any of those files would show
SECRETS = ["root:x:0:0", "kit-outside-secret", "SQLite format", '"cell_type"', "[project]"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_handler_serves_a_file_outside_the_notebook_folder(served, path):
    status, body = fetch(served.url + path)
    leaked = [s for s in SECRETS if s in body]
    assert leaked == [], f"GET /{path} answered {status} with {leaked}"
    assert TRACEBACK_MARKER not in body and "Traceback (most recent call last)" not in body


def test_the_command_line_and_the_log_hold_no_passcode_code_or_token(page, served):
    """Sign in (a wrong passcode, the right one, a join link, a session token in the address),
    then read every process's command line and the whole log."""
    import psutil

    from kit.ui.session import Identity, issue_token

    codes = join_codes(served)
    code = next(iter(codes.values()))
    open_page(page, served, "00-start-here.ipynb")
    page.fill(".kit-signin-passcode input", "wrong-passcode-123")
    page.click(".kit-signin-button")
    page.wait_for_function(
        "() => document.querySelector('.kit-app').innerText.match(/not|wrong|incorrect/i)",
        timeout=60_000,
    )
    sign_in(page, FACILITATOR_PASSCODE)
    open_page(page, served, "02-aim.ipynb", join=code)
    previous = os.environ.get("KIT_SESSION_SECRET")
    os.environ["KIT_SESSION_SECRET"] = served.secret
    try:
        token = issue_token(Identity("participant", "demo-falls", "team-riverside", "R"))
    finally:
        if previous is None:
            os.environ.pop("KIT_SESSION_SECRET", None)
        else:
            os.environ["KIT_SESSION_SECRET"] = previous
    open_page(page, served, "02-aim.ipynb", session=token)
    fetch(f"{served.url}voila/render/nothing-here.ipynb?join={code}&session={token}&token=t0k3n")

    secrets = {
        "the facilitator passcode": FACILITATOR_PASSCODE,
        "a wrong passcode": "wrong-passcode-123",
        "a session token": token,
        "the session secret": served.secret,
        **{f"join code {c}": c for c in codes.values()},
        **{f"join code {c} without its dash": c.replace("-", "") for c in codes.values()},
    }
    server = psutil.Process(served.pid)
    processes = [server, *server.children(recursive=True)]
    for process in processes:
        try:
            cmdline = " ".join(process.cmdline())
        except psutil.NoSuchProcess:
            continue
        for what, value in secrets.items():
            if what == "the session secret":
                continue  # the environment holds it, by design; the command line must not
            assert value not in cmdline, f"{what} is on the command line: {cmdline}"
        assert served.secret not in cmdline
    log = served.log()
    for what, value in secrets.items():
        assert value not in log, f"{what} is in the server's log"
