"""Environment variables the kit's server sets for the app kernels it starts.

They live here, apart from ``kit.server`` (Jupyter server code) and ``kit.ui`` (widgets), so
that neither side imports the other's heavy dependencies just to agree on a name.
"""

#: "1" when the page template loads BokehJS as a script file (``kit.server.bokeh_script``),
#: so an app kernel does not send its own inline copy (``kit.ui.app.load_bokeh``)
BOKEH_FROM_PAGE = "KIT_BOKEH_FROM_PAGE"
