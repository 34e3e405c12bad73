"""Every lookup: ``list_models``, ``get_model``, ``get_weight``, ``get_task`` and friends.

The model and weights functions behave as torchvision's functions of the same names, across every
installed plugin. Importing this module hands values the lookups they need (:mod:`._lookups`): a
member by name for ``WeightsRef``, the enums attached to a model for ``WeightsEnum.verify``, and a
task by name for the meta schema.
"""

from __future__ import annotations

import contextlib
import fnmatch
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import ModuleType
from typing import Any

from . import _lookups
from ._annotations import enum_from_annotation
from ._catalogue import Catalogue, EnumProvider
from ._distributions import missing_plugin_hint, plugin_matches
from ._errors import (
    UnknownModelError,
    UnknownTaskError,
    UnknownWeightsError,
    UnknownWeightsMemberError,
    close_matches_hint,
    describe_value,
    require_str,
)
from ._names import member_name, qualify, split_qualified, tag_of
from ._namespaces import ROOT, LazyObject, namespace_of
from ._plugins import catalogue
from ._registry import ModelEntry, WeightsAttachment
from ._tasks import Task
from ._weights import WeightsEnum

__all__ = [
    "attachments_of",
    "find_task",
    "get_model",
    "get_model_builder",
    "get_model_entry",
    "get_model_weights",
    "get_task",
    "get_weight",
    "list_models",
    "list_tasks",
    "list_weights",
    "provisional_attachment",
    "get_weight_name",
]


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
        UnknownTaskError: ``task`` is no declared task and no model's (``"detection"``: did you
            mean ``"object_detection"``?).

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
    found = catalogue()
    entries = [entry for key, entry in found.models.items() if found.conflict("model", key) is None]
    if namespace is not None:
        entries = [e for e in entries if e.namespace == namespace]
    if task is not None:
        entries = [e for e in entries if e.task == task]
        if not entries and find_task(task) is None:
            get_task(task)  # an unknown task is an error with close names, never a silent []
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

    ``"timm/resnet50"`` names a model of the plugin that claims the namespace ``timm``; its short
    name ``"resnet50"`` names it only when no other plugin uses that name.

    Raises:
        UnknownModelError: (a ``ValueError``) no installed plugin provides it; the message lists
            close matches and, for a first-party model, the ``pip install`` line.
        PluginConflictError: two plugins provide it and no preference settles it, its namespace is
            claimed by two distributions, or several namespaces use the short name.
        TypeError: ``name`` is not a str.
    """
    key = require_str(name, "get_model_entry()", _MODEL_NAME).lower()
    found = catalogue()
    entry = found.model(key)
    if entry is None:
        raise UnknownModelError(_unknown_model_message(found, key), name=name)
    return entry


def _unknown_namespace(found: Catalogue, name: str) -> str:
    """A sentence saying that the namespace of ``name`` is unknown, or ``""``."""
    namespace, _ = split_qualified(name)
    if not namespace or namespace in found.namespaces:
        return ""
    claimed = ", ".join(sorted(found.namespaces)) or "none"
    return (
        f" No installed plugin claims the namespace {namespace!r}."
        f"{close_matches_hint(namespace, found.namespaces)} Namespaces: {claimed}."
    )


def _unknown_model_message(found: Catalogue, key: str) -> str:
    namespace, short = split_qualified(key)
    unknown = _unknown_namespace(found, key)
    if unknown:
        return f"Unknown model {key}.{missing_plugin_hint(key, 'models', found.plugins) or unknown}"
    prefix = qualify(namespace, "")
    known = [e.name for e in found.models.values() if e.name.lower().startswith(prefix)]
    tagged = " (a model name; its weights are 'model.tag')" if "." in short else ""
    return (
        f"Unknown model {key}{tagged}.{close_matches_hint(key, known, ignore_case=True)}"
        f"{missing_plugin_hint(key, 'models', found.plugins)}"
    )


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

    ``"model.tag"`` builds the model with the weights of that tag (:func:`get_weight`):
    ``get_model("timm/resnet50.a1_in1k")`` is ``get_model("timm/resnet50",
    weights="timm/resnet50.a1_in1k")``.

    Raises:
        UnknownModelError: No installed plugin provides the model.
        UnknownWeightsMemberError: (a ``KeyError``) the model has no weights of that tag.
        UnknownWeightsError: (a ``ValueError``) the model has no weights enum of its own to name
            a tag of.
        TypeError: ``name`` is not a str, or it names weights and ``weights=`` is given too.

    Example:
        >>> model = weighthub.get_model("resnet50", weights="DEFAULT")  # doctest: +SKIP
    """
    model, dot, tag = require_str(name, "get_model()", _MODEL_NAME).partition(".")
    entry = get_model_entry(model)
    if dot:
        if "weights" in config:
            msg = (
                f"get_model({name!r}) names its weights already; pass either the tag or "
                f"weights=, not both (get_model({model!r}, weights=...))."
            )
            raise TypeError(msg)
        config["weights"] = _tagged_weight(entry, tag, name)
    return entry.load_builder()(**config)


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
            return enum_from_annotation(name)
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

    ``"ResNet50_Weights.DEFAULT"`` gives the default member. Enum names are case-sensitive. An
    enum of a plugin that claims a namespace is ``"timm/resnet50_Weights.A1_IN1K"`` (its short
    name works while no other plugin uses it). ``"model.tag"`` names a member of the model's own
    enum by its tag, the member name lower-cased (a leading ``_`` before a digit dropped):
    ``"timm/resnet50.a1_in1k"``, ``"timm/flexivit_base.300ep_in1k"``, ``"resnet50.default"``.

    Raises:
        UnknownWeightsError: (a ``ValueError``) the name is malformed or no plugin provides the
            enum; the message lists close matches and, for a first-party enum, the pip line.
        UnknownWeightsMemberError: (a ``KeyError``) the enum has no such member.
        TypeError: ``name`` is not a str.
    """
    accepted = "a weights name such as 'ResNet50_Weights.IMAGENET1K_V2'"
    parts = require_str(name, "get_weight()", accepted).split(".")
    if len(parts) != 2:
        msg = f"Invalid weight name provided: '{name}'. Use 'EnumName.MEMBER' or 'model.tag'."
        raise UnknownWeightsError(msg + lone_name_hint(name), name=name)
    enum_name, member = parts
    found = catalogue()
    entry = found.enum(enum_name)
    if entry is None:
        model = found.model(enum_name)
        if model is not None:
            return _tagged_weight(model, member, name)
        dangling = next((a for a in found.dangling if a.enum_key == enum_name), None)
        msg = (
            f"No installed plugin provides the weights enum '{enum_name}' (names are "
            f"case-sensitive).{_unknown_namespace(found, enum_name)}"
            f"{_case_hint(found, enum_name, member)}"
            f"{missing_plugin_hint(enum_name, 'enums', found.plugins)}"
            + ("" if dangling is None else " " + found.dangling_message(dangling))
        )
        raise UnknownWeightsError(msg, name=name)
    enum = entry.load_weights()
    verified = None if enum is None else enum.verify(member)
    if verified is None:  # an enum entry always has weights; this guards a broken registry
        msg = f"The weights enum '{enum_name}' of {entry.origin} could not be loaded."
        raise UnknownWeightsError(msg, name=name)
    return verified


def _tagged_weight(entry: ModelEntry, tag: str, name: str) -> WeightsEnum:
    """The member of ``entry``'s own enum that ``"model.tag"`` names."""
    enum = entry.load_weights()
    if enum is None:
        msg = (
            f"Model {entry.name!r} of {entry.origin} has no weights of its own to name by tag "
            f"({name!r}); name attached weights 'Enum.MEMBER' (weighthub.list_weights("
            f"{entry.name!r}) lists them)."
        )
        raise UnknownWeightsError(msg, name=name)
    member = enum.__members__.get(member_name(tag))
    if member is None:
        tags = [f"{entry.name}.{tag_of(m)}" for m in enum.__members__]
        msg = (
            f"Model {entry.name!r} has no weights tagged {tag!r}: its weights are "
            f"{', '.join(tags)}.{close_matches_hint(name, tags, ignore_case=True)}"
        )
        raise UnknownWeightsMemberError(msg, name=name, enum=enum.__name__)
    return member


def get_weight_name(member: WeightsEnum) -> str:
    """The name :func:`get_weight` takes for ``member``: ``"ResNet50_Weights.IMAGENET1K_V2"``, or
    ``"timm/resnet50_Weights.A1_IN1K"`` for an enum of a plugin that claims a namespace.

    Falls back to ``repr(member)`` for an enum no installed plugin provides.
    """
    enum = type(member)
    found = catalogue()
    keys = [enum.__name__, *found.short_name_users("weights enum", enum.__name__)]
    for key in keys:
        provider = found.enums.get(key)
        if provider is not None and _provides(provider, enum):
            return f"{key}.{member.name}"
    return repr(member)


def _provides(provider: EnumProvider, enum: type[WeightsEnum]) -> bool:
    try:
        return provider.load_weights() is enum
    except Exception:  # another plugin's broken enum is not this call's error
        return False


def lone_name_hint(name: str) -> str:
    """Say what a name without its dot is (a model, an enum, a member) and the full names."""

    def shown(names: list[str]) -> str:
        more = f" and {len(names) - 6} more" if len(names) > 6 else ""
        return ", ".join(repr(n) for n in names[:6]) + more

    found = catalogue()
    if name.lower() in found.models and found.conflict("model", name.lower()) is None:
        weights = list_weights(name)
        if weights:
            enum = weights[0].partition(".")[0]
            return (
                f" {name!r} is a model; its weights are {shown(weights)} ('{enum}.DEFAULT' "
                f"is the default), and weighthub.get_model_weights({name!r}) is its enum."
            )
        return f" {name!r} is a model without pretrained weights."
    every = list_weights() if "." not in name else []
    if name in found.enums:
        members = [w for w in every if w.partition(".")[0] == name]
        return f" {name!r} is a weights enum: name one of its members, {shown(members)}."
    named = [w for w in every if w.partition(".")[2] == name]
    if named:
        return f" Did you mean {shown(named)}?"
    return ""


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
            and catalogue().conflict("weights enum", str(entry.enum_key)) is None
        ):
            providers.append((entry, entry.plugin, entry.distribution))
        providers.extend((a, a.plugin, a.distribution) for a in attachments_of(entry))
        for provider, owner, distribution in providers:
            if plugin is not None and not plugin_matches([plugin], owner, distribution):
                continue
            enum = provider.load_weights()
            if enum is not None:
                names.update(f"{provider.enum_key}.{member.name}" for member in enum)
    return sorted(names)


def _case_hint(found: Catalogue, enum_name: str, member: str) -> str:
    """Suggest the enum as spelled (``resnet50_weights.imagenet1k_v1`` -> the real name)."""
    enums = found.enums
    same = next((e for e in enums if e.lower() == enum_name.lower()), None)
    if same is None:
        namespace, _ = split_qualified(enum_name)
        prefix = qualify(namespace, "")
        return close_matches_hint(
            enum_name, [e for e in enums if e.startswith(prefix)], ignore_case=True
        )
    entry = enums[same]
    enum = entry.load_weights()
    spelled = next(
        (m for m in (enum.__members__ if enum else ()) if m.lower() == member.lower()), member
    )
    return f" Did you mean '{same}.{spelled}'?"


def attachments_of(entry: ModelEntry) -> list[WeightsAttachment]:
    """Return the usable attachments of a model: those whose enum name nobody else claims."""
    return catalogue().attachments_of(entry)


@contextlib.contextmanager
def provisional_attachment(model: str, enum: type[WeightsEnum]) -> Iterator[ModelEntry]:
    """Attach ``enum`` to ``model`` for the duration of the block (``weighthub describe``).

    The model's builder then accepts its members exactly as it will once a plugin attaches them.

    Yields:
        The model's entry.

    Raises:
        UnknownModelError: No installed plugin provides ``model``.
    """
    entry = get_model_entry(model)
    with catalogue().provisionally_attached(entry, enum):
        yield entry


def find_task(name: str) -> Task | None:
    """Return the declared task ``name``, or None (discovers the plugins on first use)."""
    return catalogue().tasks.get(name)


def list_tasks() -> list[str]:
    """Return the names of every declared task, sorted: core's, the plugins' and runtime ones."""
    return sorted(catalogue().tasks)


def get_task(name: str) -> Task:
    """Return the task ``name``, declared by core or an installed plugin.

    Raises:
        UnknownTaskError: No such task is declared; the message names close matches.
    """
    task = find_task(name)
    if task is None:
        known = list_tasks()
        msg = (
            f"No task {name!r} is declared by weighthub or an installed plugin."
            f"{close_matches_hint(name, known, ignore_case=True)} Tasks: {', '.join(known)}."
        )
        raise UnknownTaskError(msg, name=name)
    return task


class _CatalogueLookups:
    """The lookups values need (:class:`._lookups.Lookups`), answered by the live catalogue."""

    def weight(self, name: str) -> WeightsEnum:
        return get_weight(name)

    def attached(self, enum: type[WeightsEnum]) -> Sequence[WeightsAttachment]:
        return catalogue().attached_to(enum)

    def weight_name(self, member: WeightsEnum) -> str:
        return get_weight_name(member)

    def task(self, name: str) -> Task | None:
        return find_task(name)

    def provider(self, enum: type[WeightsEnum]) -> str | None:
        found = catalogue().provider_of(enum)
        return None if found is None else found.origin


_lookups.install(_CatalogueLookups())
