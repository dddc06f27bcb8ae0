"""Breakthrough Kit: teaching and facilitation tools for Breakthrough Series collaboratives.

The public surface is small on purpose: the pure layers (``kit.qi`` for domain records,
``kit.spc`` for statistics) can be used from a plain script, while ``kit.steps`` holds the
widget apps that the notebooks call.
"""

from kit.errors import Conflict, KitInputError, PermissionDenied

__all__ = ["Conflict", "KitInputError", "PermissionDenied", "__version__"]
__version__ = "0.1.0"
