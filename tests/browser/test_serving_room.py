"""``bts-kit serve --room 3`` really warms the kernels it announces (issue 15, Concurrency).

No browser: the server is started as a facilitator starts it, and its kernels are counted once
the pools have filled. The other apps' pools are off (``--pool-size 0``) so only the room's
kernels start on a small test machine.
"""

from __future__ import annotations

import pytest

from kit.server.command import NOTEBOOKS
from kit.server.room import ROOM_FIRST_APPS, kernel_count

from .conftest import bts_kit_serve_command, start_server, wait_for_kernel_pool
from .test_kernels import live_kernels, wait_for_kernels

pytestmark = pytest.mark.slow


def test_serve_room_fills_a_pool_per_person(tmp_path) -> None:
    room = 3
    expected = kernel_count(room, 0, NOTEBOOKS)
    assert expected == room * len(ROOM_FIRST_APPS)
    command = [*bts_kit_serve_command(pool_size=0), "--room", str(room)]
    with start_server(tmp_path, command=command) as server:
        for app in ROOM_FIRST_APPS:
            wait_for_kernel_pool(server, app, fills=1, timeout=240)
            assert f"Kernel pool of {app} is filled with {room} kernel(s)" in server.log()
        assert wait_for_kernels(server, expected, 60) == expected, server.log()[-3000:]
        assert f"Room of {room}: warming {expected} kernels" in server.log()
        assert "GB of memory (estimate" in server.log()
        assert "deprecated" not in server.log()
        # the pools hold their size: no kernel beyond the room's is started
        assert len(live_kernels(server)) == expected
