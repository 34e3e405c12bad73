"""Public names kept for compatibility: each still works, and warns once used, naming its
replacement.

``weighthub.meta``'s task-schema helpers predate :class:`weighthub.Task`, which now carries a
task's schema (its ``keys`` and ``metrics``) with the rest of the task; the builder helpers at the
top level of ``weighthub`` live in :mod:`weighthub.building`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

from ._api import find_task, list_tasks
from ._meta import BASE_KEYS
from ._plugins import register_task as _register_task
from ._tasks import Task

__all__ = [
    "MOVED_TO_BUILDING",
    "TASK_SCHEMA_REPLACEMENTS",
    "TaskSchema",
    "get_task_schema",
    "register_task",
    "task_schemas",
    "warn_deprecated",
]

MOVED_TO_BUILDING: Mapping[str, str] = {
    "apply_model_kwargs": "use weighthub.building.apply_model_kwargs",
    **{
        name: (
            f"use weighthub.building.{name} (code ported from torchvision: "
            f"weighthub.models._utils.{name})"
        )
        for name in (
            "handle_legacy_interface",
            "kwonly_to_pos_or_kw",
            "overwrite_named_param",
            "overwrite_value_param",
        )
    },
}
"""Builder helpers whose home is :mod:`weighthub.building`: ``weighthub.<name>`` is deprecated,
and what to use instead."""

TASK_SCHEMA_REPLACEMENTS: Mapping[str, str] = {
    "TaskSchema": (
        "a task's schema is its weighthub.Task: Task.keys and Task.metrics (required on top of "
        "weighthub.meta.BASE_KEYS)"
    ),
    "get_task_schema": (
        "use weighthub.get_task(name).keys and .metrics (weighthub.meta.validate_meta checks "
        "meta against them)"
    ),
    "task_schemas": "use weighthub.list_tasks() and weighthub.get_task(name)",
    "register_task": (
        "use weighthub.register_task(weighthub.Task(name, keys=..., metrics=...)), or "
        "registry.add_task(...) in a plugin's hook"
    ),
}
"""``weighthub.meta``'s deprecated names, and what to use instead."""


def warn_deprecated(old: str, instead: str) -> None:
    """Warn, at the caller of the caller, that ``old`` is deprecated; ``instead`` says what to
    use."""
    warnings.warn(f"{old} is deprecated: {instead}.", DeprecationWarning, stacklevel=3)


@dataclass(frozen=True)
class TaskSchema:
    """What a task requires of each weights entry's ``meta`` (deprecated: a :class:`~weighthub.Task`
    carries it).

    Attributes:
        name: The task, e.g. ``"image_classification"``.
        keys: Top-level keys required on top of :data:`~weighthub.meta.BASE_KEYS`.
        metrics: Required ``(dataset, metric)`` pairs under ``meta["_metrics"]``.
    """

    name: str
    keys: frozenset[str] = frozenset()
    metrics: frozenset[tuple[str, str]] = frozenset()

    @property
    def required_keys(self) -> frozenset[str]:
        """Every required top-level key: the base keys plus the task's own."""
        return BASE_KEYS | self.keys


TaskSchema.__module__ = "weighthub.meta"


def _schema_of(task: Task) -> TaskSchema:
    return TaskSchema(task.name, task.keys, task.metrics)


def get_task_schema(task: str) -> TaskSchema:
    """Return the schema of ``task``; a task nobody declares gets the base schema (deprecated:
    use :func:`weighthub.get_task`)."""
    declared = find_task(task)
    return TaskSchema(task) if declared is None else _schema_of(declared)


def task_schemas() -> Mapping[str, TaskSchema]:
    """Return the schemas of every declared task (core's and the installed plugins'), by name
    (deprecated: use :func:`weighthub.list_tasks` and :func:`weighthub.get_task`)."""
    return {name: get_task_schema(name) for name in list_tasks()}


def register_task(schema: TaskSchema) -> None:
    """Declare the schema of a new task, so its weights get more than the base checks
    (deprecated: use :func:`weighthub.register_task` with a :class:`~weighthub.Task`).

    Raises:
        ValueError: The task already has a different schema.
    """
    existing = find_task(schema.name)
    if existing is not None:
        if _schema_of(existing) != schema:
            msg = f"Task {schema.name!r} already has a schema: {_schema_of(existing)}."
            raise ValueError(msg)
        return
    _register_task(Task(schema.name, keys=schema.keys, metrics=schema.metrics))


for _function in (get_task_schema, task_schemas, register_task):
    _function.__module__ = "weighthub.meta"
del _function
