"""The public lookup functions: ``list_models``, ``get_model``, ``get_weight`` and friends.

They behave as torchvision's functions of the same names, across every installed plugin.
"""

from __future__ import annotations

import fnmatch
import inspect
import types
import typing
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any, TypeVar

from ._attach import attachments_of, dangling_message
from ._errors import (
    UnknownModelError,
    UnknownWeightsError,
    close_matches_hint,
    describe_value,
    require_str,
)
from ._plugins import (
    RUNTIME_PLUGIN,
    EnumProvider,
    add_runtime_entry,
    catalogue,
    missing_plugin_hint,
    plugin_matches,
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
    "list_weights",
    "register_model",
]

F = TypeVar("F", bound=Callable[..., Any])


_MODEL_NAME = "a model name such as 'resnet50'"


def _to_patterns(patterns: Iterable[str] | str | None, argument: str) -> list[str]:
    """Return ``list_models``' ``include``/``exclude`` as a list of patterns, checking types.

    Raises:
        TypeError: ``patterns`` is neither None, a str, nor an iterable of str.
    """
    if patterns is None:
        return []
    if isinstance(patterns, str):
        return [patterns] if patterns else []
    wrong = f"list_models() takes {argument}= as a pattern (a str) or an iterable of patterns"
    if not isinstance(patterns, Iterable) or isinstance(patterns, bytes | bytearray):
        msg = f"{wrong}, got {describe_value(patterns)}."
        raise TypeError(msg)
    found = list(patterns)
    for pattern in found:
        if not isinstance(pattern, str):
            msg = f"{wrong}, got {describe_value(pattern)} among them."
            raise TypeError(msg)
    return found


def _check_filters(task: Any, plugin: Any, pretrained: Any) -> None:
    """Raise a :class:`TypeError` when a ``list_models`` filter is of the wrong type."""
    for argument, value in (("task", task), ("plugin", plugin)):
        if value is not None:
            require_str(value, "list_models()", f"{argument}= as a name or None")
    if pretrained is not None and not isinstance(pretrained, bool):
        msg = (
            "list_models() takes pretrained= as True, False or None, got "
            f"{describe_value(pretrained)}."
        )
        raise TypeError(msg)


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
        f"include= patterns first, got {describe_value(module)}; filter by task with task=, e.g. "
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
        TypeError: An argument is of the wrong type (patterns must be str), or ``module`` is
            neither a ``weighthub.models`` namespace nor patterns.

    Example:
        >>> weighthub.list_models("resnet*", exclude=["*50*"])  # doctest: +SKIP
        ['resnet101', 'resnet152', 'resnet18', 'resnet34']
        >>> weighthub.list_models(weighthub.models.quantization)[:2]  # doctest: +SKIP
        ['quantized_googlenet', 'quantized_inception_v3']
    """
    namespace, include = _namespace_argument(module, include)
    include_patterns = _to_patterns(include, "include")
    exclude_patterns = _to_patterns(exclude, "exclude")
    _check_filters(task, plugin, pretrained)
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
        entries = [e for e in entries if plugin_matches([plugin], e.plugin, e.distribution)]
    if pretrained is not None:
        entries = [e for e in entries if (e.weights_ref is not None) == pretrained]
    names = [e.name for e in entries]
    if include_patterns:
        names = sorted({n for pattern in include_patterns for n in fnmatch.filter(names, pattern)})
    for pattern in exclude_patterns:
        names = [n for n in names if not fnmatch.fnmatch(n, pattern)]
    return sorted(names)


def get_model_entry(name: str) -> ModelEntry:
    """Return the registry entry of model ``name`` (case-insensitive).

    Raises:
        UnknownModelError: (a ``ValueError``) no installed plugin provides it; the message lists
            close matches and, for a first-party model, the ``pip install`` line.
        PluginConflictError: two plugins provide it and no preference settles it.
        TypeError: ``name`` is not a str.
    """
    key = require_str(name, "get_model_entry()", _MODEL_NAME).lower()
    found = catalogue()
    found.refuse_conflict("model", key, name)
    entry = found.models.get(key)
    if entry is None:
        known = [e.name for e in found.models.values()]
        msg = (
            f"Unknown model {key}.{close_matches_hint(key, known, ignore_case=True)}"
            f"{missing_plugin_hint(key, 'models')}"
        )
        raise UnknownModelError(msg, name=name)
    return entry


def get_model_builder(name: str) -> Callable[..., Any]:
    """Return the builder function of model ``name`` (case-insensitive), importing it if needed.

    Raises:
        UnknownModelError: No installed plugin provides the model.
        TypeError: ``name`` is not a str.
    """
    return get_model_entry(require_str(name, "get_model_builder()", _MODEL_NAME)).load_builder()


def get_model(name: str, **config: Any) -> Any:
    """Build model ``name``; every keyword (``weights="DEFAULT"``, ``num_classes`` ...) goes to
    its builder.

    Raises:
        UnknownModelError: No installed plugin provides the model.
        TypeError: ``name`` is not a str.

    Example:
        >>> model = weighthub.get_model("resnet50", weights="DEFAULT")  # doctest: +SKIP
    """
    return get_model_builder(require_str(name, "get_model()", _MODEL_NAME))(**config)


def _describe_function(fn: Callable[..., Any]) -> str:
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None) or describe_value(fn)
    return f"{module}.{name}" if module else str(name)


def _evaluate_annotation(fn: Callable[..., Any], annotation: str) -> Any:
    """Evaluate the string annotation of ``weights`` alone, in ``fn``'s module.

    ``typing.get_type_hints(fn)`` would evaluate every annotation of ``fn``, and fail on one that
    has nothing to do with ``weights``.
    """
    namespace = getattr(inspect.unwrap(fn), "__globals__", None) or {}
    holder = types.SimpleNamespace(__annotations__={"weights": annotation})
    return typing.get_type_hints(holder, globalns=namespace)["weights"]


def _enum_from_annotation(fn: Callable[..., Any]) -> type[WeightsEnum]:
    shown = _describe_function(fn)
    try:
        parameter = inspect.signature(fn).parameters.get("weights")
    except (TypeError, ValueError) as exc:
        msg = f"Cannot read the signature of {shown} to find its weights enum: {exc}."
        raise ValueError(msg) from None
    if parameter is None:
        msg = (
            f"The method is missing the 'weights' argument: {shown} is not a registered model "
            "builder and has no 'weights' parameter."
        )
        raise ValueError(msg)
    annotation = parameter.annotation
    if isinstance(annotation, str):
        try:
            annotation = _evaluate_annotation(fn, annotation)
        except Exception as exc:  # evaluating an annotation runs arbitrary code
            msg = (
                f"The WeightsEnum class for the specific method couldn't be retrieved: the "
                f"'weights' annotation {annotation!r} of {shown} cannot be resolved "
                f"({type(exc).__name__}: {exc}). Import the enum in the builder's module, or "
                "register the builder with its weights (weighthub.register_model)."
            )
            raise ValueError(msg) from None
    candidates = [annotation, *typing.get_args(annotation)]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, WeightsEnum):
            return candidate
    msg = (
        "The WeightsEnum class for the specific method couldn't be retrieved. Make sure the "
        f"typing info is correct: the 'weights' annotation of {shown} is {annotation!r}, not a "
        "WeightsEnum subclass."
    )
    raise ValueError(msg)


def get_model_weights(name: Callable[..., Any] | str) -> type[WeightsEnum]:
    """Return the weights enum of a model, given its name or its builder.

    A builder that is not registered is inspected as torchvision does: its ``weights``
    parameter's annotation names the enum.

    Raises:
        UnknownModelError: The name is unknown.
        ValueError: The model has no weights enum, or an unregistered builder's ``weights``
            annotation names none.
        TypeError: ``name`` is neither a str nor a callable.
    """
    from ._namespaces import LazyObject

    if isinstance(name, LazyObject):
        name = name.resolve()
    if isinstance(name, str):
        entry = get_model_entry(name)
    elif callable(name):
        entry_or_none = next(
            (e for e in catalogue().models.values() if e.has_builder(name)),
            None,
        )
        if entry_or_none is None:
            return _enum_from_annotation(name)
        entry = entry_or_none
    else:
        msg = (
            "get_model_weights() takes a model name such as 'resnet50' (a str) or a builder "
            f"function, got {describe_value(name)}."
        )
        raise TypeError(msg)
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
        TypeError: ``name`` is not a str.
    """
    accepted = "a weights name such as 'ResNet50_Weights.IMAGENET1K_V2'"
    parts = require_str(name, "get_weight()", accepted).split(".")
    if len(parts) != 2:
        msg = f"Invalid weight name provided: '{name}'. Use 'EnumName.MEMBER'."
        raise UnknownWeightsError(msg, name=name)
    enum_name, member = parts
    found = catalogue()
    found.refuse_conflict("weights enum", enum_name, enum_name)
    entry = found.enums.get(enum_name)
    if entry is None:
        dangling = next((a for a in found.dangling if a.weights_name == enum_name), None)
        msg = (
            f"No installed plugin provides the weights enum '{enum_name}' (names are "
            f"case-sensitive).{_case_hint(enum_name, member, found.enums)}"
            f"{missing_plugin_hint(enum_name, 'enums')}"
            + ("" if dangling is None else " " + dangling_message(dangling, found))
        )
        raise UnknownWeightsError(msg, name=name)
    enum = entry.load_weights()
    verified = None if enum is None else enum.verify(member)
    if verified is None:  # an enum entry always has weights; this guards a broken registry
        msg = f"The weights enum '{enum_name}' of {entry.origin} could not be loaded."
        raise UnknownWeightsError(msg, name=name)
    return verified


def list_weights(
    model: str | None = None, *, plugin: str | None = None, task: str | None = None
) -> list[str]:
    """Return the ``"Enum.MEMBER"`` names of a model's weights, its own and attached ones.

    Imports the plugins' weights modules (plain data) but no torch and no model code. Aliases
    such as ``DEFAULT`` are skipped.

    Args:
        model: A model name (case-insensitive); None lists the weights of every model.
        plugin: Keep only weights this plugin provides (entry-point or distribution name): a
            model's own enum belongs to the model's plugin, an attached enum to the plugin that
            attaches it.
        task: Keep only weights of models of this task.

    Returns:
        The names, sorted.

    Raises:
        UnknownModelError: ``model`` is unknown.

    Example:
        >>> weighthub.list_weights("resnet18")  # doctest: +SKIP
        ['AcmePets_ResNet18_Weights.PETS_V1', 'ResNet18_Weights.IMAGENET1K_V1']
    """
    if model is not None:
        entries = [get_model_entry(model)]
    else:
        entries = [get_model_entry(name) for name in list_models()]
    names: set[str] = set()
    for entry in entries:
        if task is not None and entry.task != task:
            continue
        providers: list[tuple[EnumProvider, str, str | None]] = []
        if (
            entry.weights_ref is not None
            and catalogue().conflict("weights enum", str(entry.weights_name)) is None
        ):
            providers.append((entry, entry.plugin, entry.distribution))
        providers.extend((a, a.plugin, a.distribution) for a in attachments_of(entry))
        for provider, owner, distribution in providers:
            if plugin is not None and not plugin_matches([plugin], owner, distribution):
                continue
            enum = provider.load_weights()
            if enum is not None:
                names.update(f"{enum.__name__}.{member.name}" for member in enum)
    return sorted(names)


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
