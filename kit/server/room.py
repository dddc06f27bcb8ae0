"""``bts-kit serve --room N``: kernels warmed for a room of N people, and what they cost in memory.

At the start of a learning session everybody opens the start page within a minute, then the
app the session begins with. Voilà starts a kernel per page, and a cold kernel takes seconds of
CPU, so a room arriving at once on a small server waits (issue 15 measured six pages opened at
once taking up to 38 s). Preheating one kernel per expected visitor for those first apps moves
that work to before the session. Every other app keeps the ordinary pool (``--pool-size``).

Each preheated kernel holds memory for the whole session, so the server says how much before it
starts them, and refuses a room that would not fit in the memory available.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

#: the apps a room opens first: the start page (signing in), then the aim app that Learning
#: Session 1 begins with (facilitator-guide: the first team activity is writing the aim)
ROOM_FIRST_APPS = ("00-start-here.ipynb", "02-aim.ipynb")

#: resident memory of one app kernel with pandas and Bokeh loaded, in MB: the figure measured
#: for the kit's apps in /work/shared/STACK.md ("Kernel memory ... 130 MB with pandas and Bokeh"),
#: which tests/benchmarks/bench_serving.py re-measures per app
KERNEL_RSS_MB = 130

#: notebooks in this folder are never preheated (``voila_command``'s ``preheat_denylist``)
NOT_PREHEATED = "exercises/"


def room_pools(room: int, pool_size: int) -> dict[str, dict[str, int]]:
    """Voilà's ``VoilaKernelManager.kernel_pools_config`` for a room of ``room`` people."""
    pools: dict[str, dict[str, int]] = {"default": {"pool_size": max(pool_size, 0)}}
    for app in ROOM_FIRST_APPS:
        pools[app] = {"pool_size": max(room, pool_size)}
    return pools


def pools_argument(room: int, pool_size: int) -> str:
    """The command-line option that sets the pools (traitlets reads the dict as JSON)."""
    pools = json.dumps(room_pools(room, pool_size), separators=(",", ":"))
    return f"--VoilaKernelManager.kernel_pools_config={pools}"


def preheated_notebooks(notebooks: Path) -> list[str]:
    """The notebooks Voilà preheats in folder mode, as the pool keys name them."""
    names = sorted(p.relative_to(notebooks).as_posix() for p in notebooks.rglob("*.ipynb"))
    return [n for n in names if not n.startswith(NOT_PREHEATED) and "/." not in f"/{n}"]


def kernel_count(room: int, pool_size: int, notebooks: Path) -> int:
    """How many kernels the server holds once every pool is full."""
    pools = room_pools(room, pool_size)
    default = pools["default"]["pool_size"]
    return sum(pools.get(n, {}).get("pool_size", default) for n in preheated_notebooks(notebooks))


def available_memory_mb() -> float | None:
    """Memory the system can give new processes without swapping, in MB (None if unknown)."""
    try:
        import psutil

        return psutil.virtual_memory().available / 2**20
    except Exception:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


@dataclass(frozen=True)
class RoomEstimate:
    """The kernels a room needs and the memory they take, against what the machine has."""

    room: int
    kernels: int
    per_kernel_mb: int
    available_mb: float | None

    @property
    def total_mb(self) -> int:
        return self.kernels * self.per_kernel_mb

    @property
    def fits(self) -> bool:
        return self.available_mb is None or self.total_mb <= self.available_mb

    def message(self) -> str:
        line = (
            f"Room of {self.room}: warming {self.kernels} kernels ({self.room} each for "
            f"{', '.join(ROOM_FIRST_APPS)}, plus the other apps' pools), about "
            f"{self.total_mb / 1024:.1f} GB of memory (estimate: {self.per_kernel_mb} MB per "
            "kernel as measured for the kit's apps)"
        )
        if self.available_mb is None:
            return line + "; the memory available on this machine is unknown."
        line += f"; {self.available_mb / 1024:.1f} GB is available."
        if not self.fits:
            line += (
                " That does not fit: give a smaller --room, a smaller --pool-size, or run on "
                "a machine with more memory."
            )
        return line


def estimate(
    room: int, pool_size: int, notebooks: Path, available_mb: float | None = None
) -> RoomEstimate:
    """The memory estimate ``bts-kit serve --room`` prints (``available_mb`` for tests)."""
    return RoomEstimate(
        room=room,
        kernels=kernel_count(room, pool_size, notebooks),
        per_kernel_mb=KERNEL_RSS_MB,
        available_mb=available_memory_mb() if available_mb is None else available_mb,
    )
