"""The Voilà application ``bts-kit serve`` runs: ``python -m kit.server.voila_app``.

Voilà 0.5 with what the kit adds: gzip-compressed responses and websocket messages, BokehJS as a cached script file
(``kit.server.bokeh_script``), the sign-in cookie's routes (``kit.server.session_cookie``), the kit's pool refill policy and a cell timeout that spares
preheated kernels (``kit.server.kernels``), and a log that hides sign-in secrets
(``kit.server.log_redaction``).
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Run the kit's Voilà until interrupted.

    Voilà's page brings about 5 MB of JavaScript and CSS (BokehJS adds 1.3 MB on chart pages);
    compressed, that is a quarter of it over a workshop room's Wi-Fi. Voilà builds its Tornado
    application from ``init_settings`` before it applies ``tornado_settings``, so compression
    has to be switched on there.
    """
    import warnings

    from voila.app import Voila

    # ``bts-kit serve --room`` passes the pools as one JSON option (kit/server/room.py), the
    # only form that carries a dict of dicts; traitlets still reads it but warns on every start
    warnings.filterwarnings(
        "ignore", message=r"--kernel_pools_config=.*deprecated", category=DeprecationWarning
    )

    from kit.server import log_redaction
    from kit.server.bokeh_script import bokeh_handlers
    from kit.server.kernels import cell_timeout, install_refill_policy
    from kit.server.session_cookie import session_handlers

    class KitVoila(Voila):
        def initialize(self, argv=None) -> None:
            super().initialize(argv)
            executor = self.config.VoilaExecutor
            if self.voila_configuration.preheat_kernel and "timeout_func" not in executor:
                executor.timeout_func = cell_timeout(executor.get("timeout"))

        def init_settings(self) -> dict:
            settings = super().init_settings()
            settings.setdefault("compress_response", True)
            # the widgets' state travels as JSON over the kernel's websocket (a 100-team
            # dashboard sends about 1.7 MB of it); permessage-deflate, which browsers offer,
            # sends a fraction of that over the room's Wi-Fi
            settings.setdefault("websocket_compression_options", {})
            if self.voila_configuration.preheat_kernel:
                install_refill_policy(self.kernel_manager)
            return settings

        def init_handlers(self) -> list:
            # ahead of Voilà's own routes, whose last one catches every path
            return (
                bokeh_handlers(self.server_url)
                + session_handlers(self.server_url)
                + super().init_handlers()
            )

    log_redaction.install()  # before Voilà logs its first request (kit/server/log_redaction.py)
    KitVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
