"""The meta schema: which ``meta`` keys each task requires and permits, and their checks.

The schema is torchvision's (``test_schema_meta_validation``), moved into the library so that every
plugin is held to it: at first use of a weights enum, and by :mod:`weighthub.testing`. A task's
schema is the :class:`~weighthub.Task` itself (its ``keys``, ``metrics`` and ``meta_keys``); a task
given by name is looked up through the lookups handed down to values (:mod:`._lookups`), never in
the catalogue. A plugin's own keys (``in_chans: int``, ``bands: list[str]``), declared once with
:meth:`weighthub.Registry.add_meta_keys` or on its task, are handed in as ``domain_keys``.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._errors import close_matches_hint
from ._lookups import installed
from ._tasks import Task

__all__ = [
    "BASE_KEYS",
    "EXTENSION_PREFIX",
    "PERMITTED_KEYS",
    "applicable_metrics",
    "check_meta_keys",
    "type_problem",
    "validate_meta",
]

BASE_KEYS: frozenset[str] = frozenset(
    {"min_size", "num_params", "recipe", "_docs", "_file_size", "_ops"}
)
"""Keys every weights entry carries, whatever its task (``weighthub describe`` computes
``num_params``, ``_ops`` and ``_file_size``). ``_ops``, ``_file_size`` and ``min_size`` may be
None where a catalogue does not publish them (timm's, made without downloading its files): said,
never guessed. ``_metrics`` is optional: absent when none are published; present, it holds the
task's metrics."""

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
"""Top-level keys allowed in ``meta``. Plugins declare their own (``registry.add_meta_keys``) or
prefix them with ``x_``."""

EXTENSION_PREFIX = "x_"

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _spec_name(spec: Any) -> str:
    return spec.__name__ if isinstance(spec, type) and not typing.get_args(spec) else str(spec)


def type_problem(value: Any, spec: Any) -> str | None:
    """What is wrong with ``value`` as a ``spec`` (``int``, ``list[str]``, ``str | None`` ...).

    Returns:
        None when it conforms, else ``"must be a list[str], got 'B2' (str)"``.
    """
    return (
        None
        if _conforms(value, spec)
        else (f"must be {_spec_name(spec)}, got {value!r} ({type(value).__name__})")
    )


def _conforms(value: Any, spec: Any) -> bool:
    if spec is Any:
        return True
    if spec is None or spec is type(None):
        return value is None
    origin, args = typing.get_origin(spec), typing.get_args(spec)
    if origin is typing.Union or isinstance(spec, types.UnionType):
        return any(_conforms(value, arg) for arg in args)
    if origin is typing.Literal:
        return value in args
    if origin is None:
        if spec is float:
            return isinstance(value, int | float) and not isinstance(value, bool)
        if spec is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, spec)
    if origin in (list, tuple) and not isinstance(value, origin):
        return False
    if origin is list:
        return not args or all(_conforms(item, args[0]) for item in value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_conforms(item, args[0]) for item in value)
        return len(value) == len(args) and all(map(_conforms, value, args))
    if origin is dict:
        return isinstance(value, dict) and all(
            _conforms(k, args[0]) and _conforms(v, args[1]) for k, v in value.items()
        )
    return isinstance(value, origin)


def _valid_spec(spec: Any) -> bool:
    if spec is Any or spec is None or (isinstance(spec, type) and not typing.get_args(spec)):
        return True
    origin = typing.get_origin(spec)
    if origin is typing.Literal:
        return True
    return origin is not None and all(
        arg is Ellipsis or _valid_spec(arg) for arg in typing.get_args(spec)
    )


def check_meta_keys(keys: Mapping[str, Any], owner: str) -> dict[str, Any]:
    """Check a declaration of domain meta keys (``{"in_chans": int, "bands": list[str]}``).

    Args:
        keys: Key name -> its type: a class, ``list[X]``, ``tuple[X, ...]``, ``dict[K, V]``, a
            union (``str | None``), ``typing.Literal[...]`` or ``typing.Any``.
        owner: Who declares them, for messages (``"plugin 'torchgeo'"``).

    Returns:
        The declaration as a dict.

    Raises:
        ValueError: A key that is not an identifier, is weighthub's own, or starts with ``x_``.
        TypeError: A type weighthub cannot check values against.
    """
    for key, spec in keys.items():
        if not isinstance(key, str) or not _KEY.match(key):
            msg = f"Meta key {key!r} declared by {owner} must be an identifier such as 'in_chans'."
            raise ValueError(msg)
        if key in PERMITTED_KEYS or key.startswith(EXTENSION_PREFIX):
            why = "weighthub's own" if key in PERMITTED_KEYS else "free to use undeclared"
            msg = (
                f"Meta key {key!r} declared by {owner} is {why}: declare only the keys your "
                "weights add, without a prefix."
            )
            raise ValueError(msg)
        if not _valid_spec(spec):
            msg = (
                f"Meta key {key!r} declared by {owner} has the type {spec!r}; use a class, "
                "list[X], tuple[X, ...], dict[K, V], a union, typing.Literal or typing.Any."
            )
            raise TypeError(msg)
    return dict(keys)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_problems(meta: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """Yield ``(field, problem)`` for values of the wrong type."""
    if "num_params" in meta and (
        not isinstance(meta["num_params"], int) or isinstance(meta["num_params"], bool)
    ):
        yield "num_params", f"must be an int, got {meta['num_params']!r}"
    for key in ("_ops", "_file_size"):
        if meta.get(key) is not None and not _is_number(meta[key]):
            yield key, f"must be a number or None (not published), got {meta[key]!r}"
    if meta.get("min_size") is not None:
        size = meta["min_size"]
        if not (
            isinstance(size, tuple) and len(size) == 2 and all(isinstance(s, int) for s in size)
        ):
            yield "min_size", f"must be an (height, width) tuple of ints or None, got {size!r}"
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
    meta: Mapping[str, Any],
    task: str | Task,
    *,
    attached: bool = False,
    headless: bool = False,
    domain_keys: Mapping[str, Any] | None = None,
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
        headless: The weights lack the model's head (``Weights(missing_head=...)``): the task's
            ``categories`` and metrics are not required, and ``categories`` must be None if
            given.
        domain_keys: The keys the plugin declares (``registry.add_meta_keys``), with their types;
            the task's own ``meta_keys`` are added to them. They are permitted unprefixed and
            their values are checked.

    Returns:
        ``(field, problem)`` pairs; empty when the meta follows the schema.
    """
    declared = installed().task(task) if isinstance(task, str) else task
    keys = BASE_KEYS | (frozenset() if declared is None else declared.keys)
    required: frozenset[tuple[str, str]] = frozenset() if declared is None else declared.metrics
    domain = {**dict(() if declared is None else declared.meta_keys), **(domain_keys or {})}
    if headless:
        keys, required = keys - {"categories"}, frozenset()
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
    for key in sorted(set(meta) - PERMITTED_KEYS - set(domain)):
        if not key.startswith(EXTENSION_PREFIX):
            hint = close_matches_hint(key, PERMITTED_KEYS | set(domain))
            problems.append(
                (
                    key,
                    f"not a permitted key: declare it once with its type in your plugin's "
                    f"register_models hook (registry.add_meta_keys({key}=...)) or prefix it with "
                    f"{EXTENSION_PREFIX!r}.{hint}",
                )
            )
    for key, spec in sorted(domain.items()):
        if key in meta:
            problem = type_problem(meta[key], spec)
            if problem is not None:
                problems.append((key, problem))
    if headless and meta.get("categories") is not None:
        problems.append(
            ("categories", "must be None or absent: the weights declare a missing_head")
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
