"""The meta schema: which ``meta`` keys each task requires and permits, and their checks.

The schema is torchvision's (``test_schema_meta_validation``), moved into the library so that every
plugin is held to it: at first use of a weights enum, and by :mod:`weighthub.testing`. A task's
schema is the :class:`~weighthub.Task` itself (its ``keys`` and ``metrics``); a task given by name
is looked up through the lookups handed down to values (:mod:`._lookups`), never in the catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._lookups import installed
from ._tasks import Task

__all__ = [
    "BASE_KEYS",
    "EXTENSION_PREFIX",
    "PERMITTED_KEYS",
    "applicable_metrics",
    "validate_meta",
]

BASE_KEYS: frozenset[str] = frozenset(
    {"_metrics", "min_size", "num_params", "recipe", "_docs", "_file_size", "_ops"}
)
"""Keys every weights entry carries, whatever its task."""

PERMITTED_KEYS: frozenset[str] = frozenset(
    {
        "backend",
        "categories",
        "keypoint_names",
        "license",
        "_metrics",
        "min_size",
        "min_temporal_size",
        "num_params",
        "recipe",
        "unquantized",
        "_docs",
        "_ops",
        "_file_size",
    }
)
"""Top-level keys allowed in ``meta``. Plugins may add their own keys prefixed with ``x_``."""

EXTENSION_PREFIX = "x_"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_problems(meta: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """Yield ``(field, problem)`` for values of the wrong type."""
    if "num_params" in meta and (
        not isinstance(meta["num_params"], int) or isinstance(meta["num_params"], bool)
    ):
        yield "num_params", f"must be an int, got {meta['num_params']!r}"
    for key in ("_ops", "_file_size"):
        if key in meta and not _is_number(meta[key]):
            yield key, f"must be a number, got {meta[key]!r}"
    if "min_size" in meta:
        size = meta["min_size"]
        if not (
            isinstance(size, tuple) and len(size) == 2 and all(isinstance(s, int) for s in size)
        ):
            yield "min_size", f"must be an (height, width) tuple of ints, got {size!r}"
    for key in ("recipe", "license", "_docs", "backend"):
        if key in meta and not isinstance(meta[key], str):
            yield key, f"must be a string, got {type(meta[key]).__name__}"
    for key in ("categories", "keypoint_names"):
        value = meta.get(key)
        if value is not None and not (
            isinstance(value, list | tuple) and all(isinstance(c, str) for c in value)
        ):
            yield key, "must be a list of strings or None"
    metrics = meta.get("_metrics")
    if metrics is not None:
        if not isinstance(metrics, Mapping):
            yield "_metrics", "must map dataset names to {metric: value} dicts"
            return
        for dataset, values in metrics.items():
            if not isinstance(values, Mapping):
                yield f"_metrics.{dataset}", "must map metric names to numbers"
                continue
            for metric, value in values.items():
                if not _is_number(value):
                    yield f"_metrics.{dataset}.{metric}", f"must be a number, got {value!r}"


_TOP_K = re.compile(r"acc@(\d+)")


def applicable_metrics(metrics: Iterable[str], categories: Sequence[str] | None) -> list[str]:
    """The metric names (sorted) that weights with ``categories`` can be required to publish.

    Top-k accuracy (``acc@k``) is required only of weights with more than ``k`` categories: with
    ``k`` or fewer it is 100% whatever the weights, so a 3-class model publishes ``acc@1`` alone.
    """
    count = None if categories is None else len(categories)
    return sorted(
        metric
        for metric in set(metrics)
        if count is None or (top := _TOP_K.fullmatch(metric)) is None or int(top[1]) < count
    )


def _any_dataset_problems(
    metrics: Mapping[str, Any],
    required: frozenset[tuple[str, str]],
    categories: Sequence[str] | None,
) -> Iterable[tuple[str, str]]:
    wanted = applicable_metrics((metric for _, metric in required), categories)
    if not wanted:
        return
    for values in metrics.values():
        if isinstance(values, Mapping) and all(metric in values for metric in wanted):
            return
    yield (
        "_metrics",
        f"needs {' and '.join(map(repr, wanted))} for at least one dataset, e.g. "
        f"{{'<dataset>': {{{', '.join(f'{m!r}: ...' for m in wanted)}}}}}",
    )


def validate_meta(
    meta: Mapping[str, Any], task: str | Task, *, attached: bool = False
) -> list[tuple[str, str]]:
    """Check one weights entry's ``meta`` against the schema of ``task``.

    The schema is :data:`BASE_KEYS` plus the task's own ``keys`` and ``metrics``
    (:class:`weighthub.Task`); a task nobody declares gets the base schema.

    Args:
        meta: The ``meta`` dict of a :class:`~weighthub.Weights`.
        task: The task of the model the weights belong to, or its name.
        attached: The weights are attached to a model by a weights plugin
            (:meth:`weighthub.Registry.add_weights`). Their metrics are then keyed by their own
            dataset: the task's metric names (``acc@1`` and ``acc@5`` for classification) are
            required for at least one dataset, whichever it is. Either way, ``acc@k`` is
            required only with more than ``k`` categories (:func:`applicable_metrics`).

    Returns:
        ``(field, problem)`` pairs; empty when the meta follows the schema.
    """
    declared = installed().task(task) if isinstance(task, str) else task
    keys = BASE_KEYS | (frozenset() if declared is None else declared.keys)
    required: frozenset[tuple[str, str]] = frozenset() if declared is None else declared.metrics
    problems: list[tuple[str, str]] = []
    problems.extend((key, "missing") for key in sorted(keys - set(meta)))
    metrics = meta.get("_metrics")
    categories = meta.get("categories")
    if not isinstance(categories, Sequence) or isinstance(categories, str):
        categories = None
    if isinstance(metrics, Mapping) and attached:
        problems.extend(_any_dataset_problems(metrics, required, categories))
    elif isinstance(metrics, Mapping):
        applicable = set(applicable_metrics((m for _, m in required), categories))
        for dataset, metric in sorted(required):
            if metric not in applicable:
                continue
            values = metrics.get(dataset)
            if not isinstance(values, Mapping) or metric not in values:
                problems.append((f"_metrics.{dataset}.{metric}", "missing"))
    for key in sorted(set(meta) - PERMITTED_KEYS):
        if not key.startswith(EXTENSION_PREFIX):
            problems.append(
                (key, f"not a permitted key (plugin-specific keys start with {EXTENSION_PREFIX!r})")
            )
    problems.extend(_type_problems(meta))
    value = meta.get("num_params")
    if isinstance(value, int) and value <= 0:
        problems.append(("num_params", f"must be positive, got {value}"))
    for key in ("_ops", "_file_size"):
        number = meta.get(key)
        if isinstance(number, int | float) and (math.isnan(number) or number < 0):
            problems.append((key, f"must be a non-negative number, got {number}"))
    return problems
