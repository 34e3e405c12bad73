"""The public lookup functions: ``list_models``, ``get_model``, ``get_weight`` and friends.

They behave as torchvision's functions of the same names, across every installed plugin.
"""

from __future__ import annotations

import fnmatch
import inspect
import json
import typing
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources import files
from types import ModuleType
from typing import Any, TypeVar

from ._errors import (
    PluginConflictError,
    UnknownModelError,
    UnknownWeightsError,
    close_matches_hint,
)
from ._plugins import (
    RUNTIME_PLUGIN,
    _matches,
    add_runtime_entry,
    catalogue,
    conflict_message,
    environment_hint,
)
from ._registry import ModelEntry
from ._weights import WeightsEnum

__all__ = [
    "get_model",
    "get_model_builder",
    "get_model_entry",
    "get_model_weights",
    "get_weight",
    "list_models",
    "register_model",
]

F = TypeVar("F", bound=Callable[..., Any])


@cache
def _first_party() -> dict[str, dict[str, list[str]]]:
    text = files("weighthub").joinpath("_data/first_party.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, list[str]]] = json.loads(text)
    return data


def _missing_plugin_hint(name: str, kind: str) -> str:
    """Say which first-party plugin provides ``name`` and how to get it."""
    for plugin, names in _first_party().items():
        if name in names[kind]:
            distribution = f"weighthub-{plugin}"
            record = next(
                (
                    p
                    for p in catalogue().plugins
                    if _matches([distribution], p.name, p.distribution)
                ),
                None,
            )
            if record is None:
                return (
                    f" It is provided by the plugin {distribution!r}, which is not installed: "
                    f"pip install {distribution} (from a weighthub checkout: "
                    f"pip install ./plugins/{plugin})."
                )
            if record.status == "failed":
                return f" Its plugin {distribution!r} failed to load: {record.error}"
            if record.status == "disabled":
                return (
                    f" Its plugin {distribution!r} is installed but disabled{environment_hint()}."
                )
    return ""


def _to_patterns(patterns: Iterable[str] | str | None) -> list[str]:
    if not patterns:
        return []
    return [patterns] if isinstance(patterns, str) else list(patterns)


def _namespace_argument(
    module: ModuleType | Iterable[str] | str | None, include: Iterable[str] | str | None
) -> tuple[str | None, Iterable[str] | str | None]:
    """Split ``list_models``'s first argument into (namespace or None, include patterns).

    torchvision's first parameter is a models namespace; weighthub also takes the include
    patterns there (``list_models("resnet*")``).

    Raises:
        TypeError: Neither a ``weighthub.models`` namespace nor patterns, or patterns twice.
    """
    from ._namespaces import ROOT, namespace_of

    if module is None:
        return None, include
    namespace = namespace_of(module)
    if namespace is not None:
        return namespace, include
    if isinstance(module, ModuleType):
        name = module.__name__
        ours = ROOT + name[len("torchvision.models") :] if name.startswith("torchvision.") else ""
        instead = f"pass {ours} instead, or " if ours else ""
        msg = (
            f"list_models() takes a weighthub.models namespace, not the module {name!r}: "
            f"{instead}filter by task with task=, e.g. list_models(task='object_detection')."
        )
        raise TypeError(msg)
    if isinstance(module, str | list | tuple | set | frozenset | dict):
        if include:
            msg = f"list_models() got include patterns twice: {module!r} and include={include!r}."
            raise TypeError(msg)
        return None, module
    msg = (
        "list_models() takes a weighthub.models namespace (weighthub.models.detection ...) or "
        f"include patterns first, got {type(module).__name__}; filter by task with task=, e.g. "
        "list_models(task='object_detection')."
    )
    raise TypeError(msg)


def list_models(
    module: ModuleType | Iterable[str] | str | None = None,
    include: Iterable[str] | str | None = None,
    exclude: Iterable[str] | str | None = None,
    *,
    task: str | None = None,
    plugin: str | None = None,
    pretrained: bool | None = None,
) -> list[str]:
    """Return the sorted names of the models of every installed plugin.

    Imports neither torch nor any model code: only the plugins' light entry-point modules.

    Args:
        module: As in torchvision, a namespace: ``weighthub.models`` (the models placed there,
            the classification ones for the first-party plugins) or ``weighthub.models.detection``,
            ``.quantization``, ``.segmentation``, ``.video``, ``.optical_flow``. Include patterns
            may be given here instead (``list_models("resnet*")``).
        include: fnmatch pattern(s); a model matching any of them is kept. Empty keeps all.
        exclude: fnmatch pattern(s); a model matching any of them is dropped.
        task: Keep only models of this task, e.g. ``"object_detection"``.
        plugin: Keep only models of this plugin (entry-point or distribution name).
        pretrained: True keeps models that declare a weights enum; False those that do not.

    Returns:
        The model names, sorted.

    Raises:
        TypeError: ``module`` is neither a ``weighthub.models`` namespace nor patterns.

    Example:
        >>> weighthub.list_models("resnet*", exclude=["*50*"])  # doctest: +SKIP
        ['resnet101', 'resnet152', 'resnet18', 'resnet34']
        >>> weighthub.list_models(weighthub.models.quantization)[:2]  # doctest: +SKIP
        ['quantized_googlenet', 'quantized_inception_v3']
    """
    namespace, include = _namespace_argument(module, include)
    entries = [
        entry
        for key, entry in catalogue().models.items()
        if catalogue().conflict("model", key) is None
    ]
    if namespace is not None:
        entries = [e for e in entries if e.namespace == namespace]
    if task is not None:
        entries = [e for e in entries if e.task == task]
    if plugin is not None:
        entries = [e for e in entries if _matches([plugin], e.plugin, e.distribution)]
    if pretrained is not None:
        entries = [e for e in entries if (e.weights_ref is not None) == pretrained]
    names = [e.name for e in entries]
    include_patterns = _to_patterns(include)
    if include_patterns:
        names = sorted({n for pattern in include_patterns for n in fnmatch.filter(names, pattern)})
    for pattern in _to_patterns(exclude):
        names = [n for n in names if not fnmatch.fnmatch(n, pattern)]
    return sorted(names)


def get_model_entry(name: str) -> ModelEntry:
    """Return the registry entry of model ``name`` (case-insensitive).

    Raises:
        UnknownModelError: (a ``ValueError``) no installed plugin provides it; the message lists
            close matches and, for a first-party model, the ``pip install`` line.
        PluginConflictError: two plugins provide it and no preference settles it.
    """
    key = name.lower()
    found = catalogue()
    clash = found.conflict("model", key)
    if clash is not None:
        raise PluginConflictError(conflict_message("model", name, clash))
    entry = found.models.get(key)
    if entry is None:
        known = [e.name for e in found.models.values()]
        msg = (
            f"Unknown model {key}.{close_matches_hint(key, known, ignore_case=True)}"
            f"{_missing_plugin_hint(key, 'models')}"
        )
        raise UnknownModelError(msg)
    return entry


def get_model_builder(name: str) -> Callable[..., Any]:
    """Return the builder function of model ``name`` (case-insensitive), importing it if needed.

    Raises:
        UnknownModelError: No installed plugin provides the model.
    """
    return get_model_entry(name).load_builder()


def get_model(name: str, **config: Any) -> Any:
    """Build model ``name``; every keyword (``weights="DEFAULT"``, ``num_classes`` ...) goes to
    its builder.

    Example:
        >>> model = weighthub.get_model("resnet50", weights="DEFAULT")  # doctest: +SKIP
    """
    return get_model_builder(name)(**config)


def _enum_from_annotation(fn: Callable[..., Any]) -> type[WeightsEnum]:
    parameter = inspect.signature(fn).parameters.get("weights")
    if parameter is None:
        msg = "The method is missing the 'weights' argument."
        raise ValueError(msg)
    annotation = parameter.annotation
    if isinstance(annotation, str):
        annotation = typing.get_type_hints(fn).get("weights")
    candidates = [annotation, *typing.get_args(annotation)]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, WeightsEnum):
            return candidate
    msg = (
        "The WeightsEnum class for the specific method couldn't be retrieved. Make sure the "
        "typing info is correct."
    )
    raise ValueError(msg)


def get_model_weights(name: Callable[..., Any] | str) -> type[WeightsEnum]:
    """Return the weights enum of a model, given its name or its builder.

    Raises:
        UnknownModelError: The name is unknown.
        ValueError: The model has no weights enum.
    """
    from ._namespaces import LazyObject

    if isinstance(name, LazyObject):
        name = name.resolve()
    if isinstance(name, str):
        entry = get_model_entry(name)
    else:
        entry_or_none = next(
            (e for e in catalogue().models.values() if e.builder_ref is name or e._builder is name),
            None,
        )
        if entry_or_none is None:
            return _enum_from_annotation(name)
        entry = entry_or_none
    enum = entry.load_weights()
    if enum is None:
        msg = f"Model {entry.name!r} from {entry.origin} has no pretrained weights."
        raise ValueError(msg)
    return enum


def get_weight(name: str) -> WeightsEnum:
    """Return the weights member named ``"Enum.MEMBER"``, from any installed plugin.

    ``"ResNet50_Weights.DEFAULT"`` gives the default member. Enum names are case-sensitive.

    Raises:
        UnknownWeightsError: (a ``ValueError``) the name is malformed or no plugin provides the
            enum; the message lists close matches and, for a first-party enum, the pip line.
        UnknownWeightsMemberError: (a ``KeyError``) the enum has no such member.
    """
    parts = name.split(".")
    if len(parts) != 2:
        msg = f"Invalid weight name provided: '{name}'. Use 'EnumName.MEMBER'."
        raise UnknownWeightsError(msg)
    enum_name, member = parts
    found = catalogue()
    clash = found.conflict("weights enum", enum_name)
    if clash is not None:
        raise PluginConflictError(conflict_message("weights enum", enum_name, clash))
    entry = found.enums.get(enum_name)
    if entry is None:
        msg = (
            f"No installed plugin provides the weights enum '{enum_name}' (names are "
            f"case-sensitive).{_case_hint(enum_name, member, found.enums)}"
            f"{_missing_plugin_hint(enum_name, 'enums')}"
        )
        raise UnknownWeightsError(msg)
    enum = entry.load_weights()
    assert enum is not None
    verified = enum.verify(member)
    assert verified is not None
    return verified


def _case_hint(enum_name: str, member: str, enums: Iterable[str]) -> str:
    """Suggest the enum as spelled (``resnet50_weights.imagenet1k_v1`` -> the real name)."""
    same = next((e for e in enums if e.lower() == enum_name.lower()), None)
    if same is None:
        return close_matches_hint(enum_name, enums, ignore_case=True)
    entry = catalogue().enums[same]
    enum = entry.load_weights()
    spelled = next(
        (m for m in (enum.__members__ if enum else ()) if m.lower() == member.lower()), member
    )
    return f" Did you mean '{same}.{spelled}'?"


def register_model(
    name: str | None = None, *, task: str, weights: type[WeightsEnum] | str | None = None
) -> Callable[[F], F]:
    """Register a builder at runtime (notebooks, tests), through the same registry as plugins.

    Args:
        name: The model name; defaults to the function's name.
        task: The model's task; see :meth:`weighthub.Registry.add_model`.
        weights: Its weights enum, or ``"module:ClassName"``.

    Returns:
        A decorator that registers the function and returns it unchanged.

    Raises:
        PluginConflictError: A plugin or an earlier registration already uses the name.

    Example::

        @weighthub.register_model(task="image_classification", weights=TinyNet_Weights)
        def tinynet(*, weights=None, progress=True, **kwargs): ...
    """

    def decorator(fn: F) -> F:
        from ._registry import Registry

        registry = Registry(RUNTIME_PLUGIN, None)
        registry.add_model(name or fn.__name__, task=task, builder=fn, weights=weights)
        add_runtime_entry(registry.entries[0])
        return fn

    return decorator
