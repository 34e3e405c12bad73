"""The meta schema of weights entries, per task.

Every weights entry's ``meta`` carries the base keys (:data:`BASE_KEYS`); each task adds its own
required keys and metrics, declared by its :class:`weighthub.Task` (``Task.keys``,
``Task.metrics``). A task nobody declares gets the base schema. Plugin-specific keys start with
``x_``. :func:`validate_meta` checks one entry's ``meta``.

``TaskSchema``, ``get_task_schema``, ``task_schemas`` and ``register_task`` are deprecated: a
:class:`weighthub.Task` carries its schema (look it up with :func:`weighthub.get_task`, declare
one at runtime with :func:`weighthub.register_task`).
"""

from __future__ import annotations

from typing import Any

from . import _deprecated
from ._deprecated import TASK_SCHEMA_REPLACEMENTS, warn_deprecated
from ._meta import BASE_KEYS, PERMITTED_KEYS, validate_meta

__all__ = ["BASE_KEYS", "PERMITTED_KEYS", "validate_meta"]


def __getattr__(name: str) -> Any:
    instead = TASK_SCHEMA_REPLACEMENTS.get(name)
    if instead is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    warn_deprecated(f"weighthub.meta.{name}", instead)
    return getattr(_deprecated, name)
