"""``"module:attribute"`` references: how plugins name objects that are imported on first use.

Builders, weights enums, exports and a task's torch code are registered as references so that
listing imports no model code (and no torch); this is where one is imported.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["object_name", "resolve_reference"]


def resolve_reference(
    reference: str,
    *,
    missing: str = "Module {module!r} has no attribute {attribute!r} (from {reference!r}).",
) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute.

    Args:
        reference: ``"package.module:attribute"``; the attribute may be dotted.
        missing: The message when the module lacks the attribute, formatted with ``module``,
            ``attribute`` and ``reference``.

    Raises:
        ImportError: The module cannot be imported or lacks the attribute.
    """
    module_name, _, attribute = reference.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            msg = missing.format(module=module_name, attribute=attribute, reference=reference)
            raise ImportError(msg, name=module_name) from None
    return obj


def object_name(obj: Any) -> str:
    """Return the attribute name under which ``obj`` (or ``"module:attr"``) is known."""
    if isinstance(obj, str):
        return obj.rpartition(":")[2].rpartition(".")[2]
    return str(getattr(obj, "__name__", repr(obj)))
