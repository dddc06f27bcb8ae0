"""One app per step of a Breakthrough Series collaborative; each notebook makes one call here.

Each step is a folder with ``model.py`` (state, validation, load and save through the store; no
widgets) and ``view.py`` (the widget tree and its named handlers), and exposes ``app()``.
"""
