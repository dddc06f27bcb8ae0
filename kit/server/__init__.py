"""The Voilà plumbing behind ``bts-kit serve`` and the kit's Jupyter server extension.

One module per job, named for it:

- ``command``: what ``bts-kit serve`` starts (the Voilà command line, its environment, the demo
  collaborative for an empty database).
- ``voila_app``: the Voilà application that command runs (``python -m kit.server.voila_app``).
- ``extension``: the Jupyter server extension for Voilà under JupyterHub or Binder
  (``jpserver_extensions={"kit.server.extension": True}``).
- ``kernels``: the kernel manager, the pool refill policy and the cell timeout for preheated
  kernels.
- ``bokeh_script``: the handler that serves BokehJS as a cached script file.
- ``session_cookie``: the routes that set, read and clear the HttpOnly sign-in cookie.
- ``template``: where the kit's Voilà template lives and the app list it is built from.

This ``__init__`` imports nothing, so ``import kit.server.template`` (the hosting configs read
``SHARE``) stays cheap and loads neither Voilà nor Jupyter.
"""
