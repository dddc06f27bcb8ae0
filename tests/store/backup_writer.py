"""A writer process for ``test_backup``: keeps saving until its stop file appears.

Run as ``python -m tests.store.backup_writer URL READY STOP``. It creates a collaborative and
then alternates between creating new ones and updating the first, touching ``READY`` once the
first save has committed, so the test knows the database is being written to.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kit.qi import Collaborative, check
from kit.store import Actor, Store


def main(url: str, ready: Path, stop: Path) -> None:
    actor = Actor.system()
    with Store.open(url) as store:
        first = store.save(check(Collaborative, {"name": "Writer 0"}), actor, expected_version=None)
        ready.touch()
        n = 0
        while not stop.exists():
            n += 1
            store.save(check(Collaborative, {"name": f"Writer {n}"}), actor, expected_version=None)
            first = store.save(
                first.record.model_copy(update={"topic": f"edit {n}"}),
                actor,
                expected_version=first.version,
            )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
