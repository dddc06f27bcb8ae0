"""The server's log hides sign-in secrets in every address it writes
(``kit/server/log_redaction.py``); the browser test reads a real server's log."""

from __future__ import annotations

import logging

import pytest

from kit.server.log_redaction import HIDDEN, install, redact


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("404 GET /voila/render/x.ipynb?join=EAS-2026 (127.0.0.1) 2.1ms", "EAS-2026"),
        ("403 GET /voila/render/02-aim.ipynb?team=a&session=eyJh.c2ln", "eyJh.c2ln"),
        ("uri '/voila/render/a.ipynb?code=RIV-2026'", "RIV-2026"),
        ("GET /kit/session?handoff=abc.def&_xsrf=2|x", "abc.def"),
        ("GET /api/kernels?token=t0k3n", "t0k3n"),
    ],
)
def test_sensitive_parameters_are_hidden(line: str, secret: str) -> None:
    hidden = redact(line)
    assert secret not in hidden
    assert HIDDEN in hidden


def test_other_parameters_and_words_stay() -> None:
    line = "GET /voila/render/05-charts.ipynb?team=team-riverside&barcode=1&episode=2"
    assert redact(line) == line


def test_every_log_record_of_the_process_is_redacted(caplog) -> None:
    previous = logging.getLogRecordFactory()
    try:
        install()
        install()  # twice is once
        with caplog.at_level(logging.WARNING, logger="tornado.access"):
            logging.getLogger("tornado.access").warning(
                "%d %s %s", 404, "GET", "/voila/render/x.ipynb?join=KXM-4Q7"
            )
        assert "KXM-4Q7" not in caplog.text
        assert f"join={HIDDEN}" in caplog.text
    finally:
        logging.setLogRecordFactory(previous)
