"""The meta schema of weights entries, per task.

Every weights entry's ``meta`` carries the base keys (:data:`BASE_KEYS`); each task adds its own
required keys and metrics (see :func:`task_schemas`), declared by its :class:`weighthub.Task`. A
task nobody declares gets the base schema; :func:`register_task` declares one from a schema alone.
Plugin-specific keys start with ``x_``.
"""

from __future__ import annotations

from ._meta import (
    BASE_KEYS,
    PERMITTED_KEYS,
    TaskSchema,
    get_task_schema,
    register_task,
    task_schemas,
    validate_meta,
)

__all__ = [
    "BASE_KEYS",
    "PERMITTED_KEYS",
    "TaskSchema",
    "get_task_schema",
    "register_task",
    "task_schemas",
    "validate_meta",
]
