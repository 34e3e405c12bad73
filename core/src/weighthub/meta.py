"""The meta schema of weights entries, per task.

Every weights entry's ``meta`` carries the base keys (:data:`BASE_KEYS`); each task adds its own
required keys and metrics (see :func:`task_schemas`). A third-party task gets the base schema, or a
schema of its own through :func:`register_task`. Plugin-specific keys start with ``x_``.
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
