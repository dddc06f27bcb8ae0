"""One app per step of a Breakthrough Series collaborative; each notebook makes one call here.

Each step is a folder with ``model.py`` (state, validation, load and save through the store;
no widgets, built on ``kit/steps/base.py`` and ``kit/steps/versioned.py``) and ``view.py``
(the widgets, on the base in ``kit/ui/step.py``), and exposes ``app()``, imported only when
asked for, so that importing a model never loads widgets (``tests/qi/test_purity.py``).
"""
