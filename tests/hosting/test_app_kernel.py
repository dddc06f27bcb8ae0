"""The app kernels ``bts-kit serve`` starts (``kit.server.kernel_launcher``): a working
ipykernel that never loads debugpy, found through the kernel spec only the Voilà server sees."""

from __future__ import annotations

import json
import os

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from kit.server.command import serve_environment
from kit.server.template import APP_KERNELS


def test_the_voila_server_finds_the_app_kernel_spec_first(tmp_path):
    env = serve_environment(f"sqlite:///{tmp_path / 'kit.sqlite3'}")
    paths = env["JUPYTER_PATH"].split(os.pathsep)
    assert paths[0] == str(APP_KERNELS)
    spec = json.loads((APP_KERNELS / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][:3] == ["python", "-m", "kit.server.kernel_launcher"]


def test_an_app_kernel_runs_code_without_loading_the_debugger():
    specs = KernelSpecManager(kernel_dirs=[str(APP_KERNELS / "kernels")])
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        outputs: list[str] = []

        def keep(message: dict) -> None:
            if message["msg_type"] == "stream":
                outputs.append(message["content"]["text"])

        reply = client.execute_interactive(
            "import sys, ipywidgets\n"
            "print(sorted(m for m in sys.modules if m.startswith(('debugpy', 'pydevd'))"
            " and sys.modules[m] is not None), 6 * 7)",
            timeout=60,
            output_hook=keep,
        )
        assert reply["content"]["status"] == "ok"
        assert "".join(outputs).strip() == "[] 42"
        info = client.kernel_info(reply=True, timeout=30)
        assert info["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
