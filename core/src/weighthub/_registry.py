"""The model registry: what plugins register, and resolving it lazily.

A :class:`ModelEntry` holds a model's builder and weights enum either as objects or as
``"module:attribute"`` strings; a string is imported on first use, so listing models imports no
model code.
"""

from __future__ import annotations

import importlib
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import MetaValidationError, MetaValidationWarning, PluginLoadError
from ._meta import validate_meta
from ._settings import strict_mode
from ._tasks import Task
from ._weights import WeightsEnum

__all__ = ["Export", "ModelEntry", "Registry", "WeightsAttachment", "resolve_reference"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REFERENCE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_NAMESPACE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def resolve_reference(reference: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute.

    Raises:
        ImportError: The module cannot be imported or lacks the attribute.
    """
    module_name, _, attribute = reference.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            msg = f"Module {module_name!r} has no attribute {attribute!r} (from {reference!r})."
            raise ImportError(msg, name=module_name) from None
    return obj


def _object_name(obj: Any) -> str:
    """Return the attribute name under which ``obj`` (or ``"module:attr"``) is known."""
    if isinstance(obj, str):
        return obj.rpartition(":")[2].rpartition(".")[2]
    return str(getattr(obj, "__name__", repr(obj)))


class _FromPlugin:
    """What a plugin provides, and its ``origin`` for messages."""

    plugin: str
    distribution: str | None

    @property
    def origin(self) -> str:
        """``"plugin 'x' (distribution 'y')"``, for messages."""
        if self.distribution is None:
            return f"plugin {self.plugin!r}"
        return f"plugin {self.plugin!r} (distribution {self.distribution!r})"


@dataclass(eq=False)
class ModelEntry(_FromPlugin):
    """One registered model.

    Attributes:
        name: The model name as registered, e.g. ``"resnet50"``.
        task: The task, e.g. ``"image_classification"``; picks the meta schema.
        plugin: The name of the plugin that registered it (its entry-point name), or
            ``"<runtime>"`` for :func:`weighthub.register_model`.
        distribution: The distribution that ships the plugin, or None at runtime.
        namespace: Where the builder and enum appear under ``weighthub.models``: ``""`` for
            ``weighthub.models`` itself, ``"detection"`` for ``weighthub.models.detection``.
        attribute: The builder's name in that namespace (``"resnet50"`` for
            ``quantized_resnet50`` in ``quantization``); usually ``name``.
    """

    name: str
    task: str
    plugin: str
    distribution: str | None
    builder_ref: Callable[..., Any] | str = field(repr=False)
    weights_ref: type[WeightsEnum] | str | None = field(repr=False)
    namespace: str = field(default="", kw_only=True)
    attribute: str = field(default="", kw_only=True)
    _builder: Callable[..., Any] | None = field(default=None, init=False, repr=False)
    _weights: type[WeightsEnum] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.attribute = self.attribute or self.name

    @property
    def weights_name(self) -> str | None:
        """The weights enum's class name, known without importing it."""
        return None if self.weights_ref is None else _object_name(self.weights_ref)

    def _resolve(self, reference: str, what: str) -> Any:
        return _resolve(reference, f"the {what} of model {self.name!r}", self)

    def has_builder(self, fn: object) -> bool:
        """Whether ``fn`` is this model's builder, as registered or as imported; imports nothing."""
        return fn is self.builder_ref or (self._builder is not None and fn is self._builder)

    def load_builder(self) -> Callable[..., Any]:
        """Import (once) and return the builder function."""
        with self._lock:
            if self._builder is None:
                ref = self.builder_ref
                builder = self._resolve(ref, "builder") if isinstance(ref, str) else ref
                if not callable(builder):
                    msg = f"The builder of {self.name!r} from {self.origin} is not callable."
                    raise PluginLoadError(msg, plugin=self.plugin, distribution=self.distribution)
                self._builder = builder
            return self._builder

    def load_weights(self) -> type[WeightsEnum] | None:
        """Import (once), validate and return the weights enum, or None if there is none.

        The first resolution checks every member's meta against the task's schema: a warning
        by default, a :class:`~weighthub.MetaValidationError` under ``WEIGHTHUB_STRICT=1``.
        """
        if self.weights_ref is None:
            return None
        with self._lock:
            if self._weights is None:
                self._weights = _load_enum(
                    self.weights_ref, f"model {self.name!r}", self, self.task
                )
            return self._weights


def _resolve(reference: str, what: str, provider: ModelEntry | WeightsAttachment) -> Any:
    where = {"plugin": provider.plugin, "distribution": provider.distribution}
    try:
        return resolve_reference(reference)
    except ImportError as exc:
        msg = f"Could not import {what} from {provider.origin}: {exc}"
        raise PluginLoadError(msg, name=exc.name, **where) from exc
    except SystemExit as exc:
        # A plugin never ends the caller's process, even from a lazily imported module.
        msg = (
            f"Could not import {what} from {provider.origin}: importing {reference!r} called "
            f"sys.exit({exc.code!r})."
        )
        raise PluginLoadError(msg, name=reference.partition(":")[0], **where) from exc


def _load_enum(
    ref: type[WeightsEnum] | str,
    owner: str,
    provider: ModelEntry | WeightsAttachment,
    task: str,
    *,
    attached: bool = False,
) -> type[WeightsEnum]:
    """Resolve a weights enum reference, check it is one and validate its members' meta."""
    origin = provider.origin
    where = {"plugin": provider.plugin, "distribution": provider.distribution}
    enum = _resolve(ref, f"the weights enum of {owner}", provider) if isinstance(ref, str) else ref
    if not (isinstance(enum, type) and issubclass(enum, WeightsEnum)):
        msg = f"The weights of {owner} from {origin} must be a WeightsEnum subclass, got {enum!r}."
        raise PluginLoadError(msg, **where)
    problems = [
        f"{member!r} field {field_name!r}: {problem}"
        for member in enum
        for field_name, problem in validate_meta(member.meta, task, attached=attached)
    ]
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        msg = (
            f"Weights meta of {origin}, enum {enum.__name__}, breaks the {task!r} "
            f"schema{' for attached weights' if attached else ''}: {shown}."
        )
        if strict_mode():
            raise MetaValidationError(msg, name=enum.__name__, task=task, **where)
        warnings.warn(msg, MetaValidationWarning, stacklevel=4)
    return enum


@dataclass(eq=False)
class WeightsAttachment(_FromPlugin):
    """A weights enum that one plugin attaches to a model another plugin (or itself) registers.

    Attributes:
        model: The name of the model the weights are for, e.g. ``"resnet18"``.
        plugin: The name of the plugin that attaches them.
        distribution: The distribution that ships that plugin, or None.
        target: The model's entry, set at discovery; None while the model is not found.
    """

    model: str
    plugin: str
    distribution: str | None
    weights_ref: type[WeightsEnum] | str = field(repr=False)
    target: ModelEntry | None = field(default=None, repr=False)
    _weights: type[WeightsEnum] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def weights_name(self) -> str:
        """The enum's class name, known without importing it."""
        return _object_name(self.weights_ref)

    @property
    def task(self) -> str:
        """The task of the model the weights are attached to."""
        if self.target is None:
            msg = f"{self.weights_name} is attached to model {self.model!r}, which is not found."
            raise LookupError(msg)
        return self.target.task

    def load_weights(self) -> type[WeightsEnum]:
        """Import (once), validate and return the enum.

        Its meta is checked against the model's task, with metrics keyed by any dataset
        (:func:`weighthub.meta.validate_meta` with ``attached=True``).
        """
        with self._lock:
            if self._weights is None:
                self._weights = _load_enum(
                    self.weights_ref,
                    f"the weights attached to model {self.model!r}",
                    self,
                    self.task,
                    attached=True,
                )
            return self._weights


@dataclass(eq=False)
class Export:
    """Another public object a plugin places in a ``weighthub.models`` namespace.

    Attributes:
        name: Its attribute name, e.g. ``"ResNet"``.
        namespace: ``""`` for ``weighthub.models``, ``"detection"``, ``"detection.backbone_utils"``.
        plugin: The plugin that exported it.
        distribution: The distribution that ships the plugin.
    """

    name: str
    namespace: str
    plugin: str
    distribution: str | None
    obj_ref: Any = field(repr=False)
    _obj: Any = field(default=None, init=False, repr=False)
    _loaded: bool = field(default=False, init=False, repr=False)

    def load(self) -> Any:
        """Import (once) and return the object."""
        if not self._loaded:
            ref = self.obj_ref
            try:
                self._obj = resolve_reference(ref) if isinstance(ref, str) else ref
            except ImportError as exc:
                msg = (
                    f"Could not import {self.name!r} of plugin {self.plugin!r} for "
                    f"weighthub.models{'.' if self.namespace else ''}{self.namespace}: {exc}"
                )
                raise PluginLoadError(
                    msg, name=exc.name, plugin=self.plugin, distribution=self.distribution
                ) from exc
            self._loaded = True
        return self._obj


def _check_namespace(namespace: str, plugin: str) -> None:
    if namespace and not _NAMESPACE.match(namespace):
        msg = (
            f"Namespace {namespace!r} from plugin {plugin!r} must be dotted identifiers such as "
            "'detection' or 'detection.backbone_utils'."
        )
        raise ValueError(msg)


class Registry(_FromPlugin):
    """Collects the models (and tasks) of one plugin; passed to the ``register_models`` hook.

    Nothing a plugin adds becomes visible unless its whole hook call succeeds.
    """

    def __init__(self, plugin: str, distribution: str | None) -> None:
        self.plugin = plugin
        self.distribution = distribution
        self.entries: list[ModelEntry] = []
        self.attachments: list[WeightsAttachment] = []
        self.exports: list[Export] = []
        self.tasks: list[Task] = []

    def add_task(self, task: Task) -> None:
        """Declare a task this plugin's models (or other plugins') are registered with.

        The task carries everything task-specific (meta schema, sample input, predict, docs);
        see :class:`weighthub.Task`. Declare it in the same hook that registers its models.

        Raises:
            TypeError: ``task`` is not a :class:`~weighthub.Task`.
            ValueError: This plugin declares the task name twice.
        """
        if not isinstance(task, Task):
            msg = f"Plugin {self.plugin!r}: add_task() takes a weighthub.Task, got {task!r}."
            raise TypeError(msg)
        if any(t.name == task.name for t in self.tasks):
            msg = f"Plugin {self.plugin!r} declares task {task.name!r} twice."
            raise ValueError(msg)
        self.tasks.append(task)

    def add_model(
        self,
        name: str,
        *,
        task: str,
        builder: Callable[..., Any] | str,
        weights: type[WeightsEnum] | str | None = None,
        namespace: str = "",
        attribute: str | None = None,
    ) -> None:
        """Register one model.

        Args:
            name: The model's name, a lower-case Python identifier by convention
                (``get_model`` looks names up case-insensitively).
            task: The name of a :class:`~weighthub.Task` declared by core, this plugin
                (:meth:`add_task`) or another plugin; ``weighthub.list_tasks()`` lists them. A
                name nobody declares is accepted: its weights get the base meta schema only,
                ``weighthub predict`` refuses it and the conformance kit skips the task's checks.
            builder: The builder function, or ``"module:attribute"`` to import it on first use.
                It takes keyword-only ``weights`` and ``progress`` plus model options.
            weights: The model's :class:`~weighthub.WeightsEnum` subclass, or
                ``"module:ClassName"``, or None when the model has no pretrained weights.
            namespace: Where the builder and enum appear, as torchvision places them: ``""``
                (the default) for ``weighthub.models``, or ``"detection"``, ``"quantization"``,
                ``"segmentation"``, ``"video"``, ``"optical_flow"`` or a namespace of your own
                for ``weighthub.models.<namespace>``. ``list_models(weighthub.models.<namespace>)``
                lists the models placed there.
            attribute: The builder's name in that namespace, when it differs from ``name``
                (torchvision's ``quantization.resnet50`` is registered as ``quantized_resnet50``).

        Raises:
            ValueError: A malformed name, namespace or reference, or the name is already in this
                plugin.
        """
        if not _NAME.match(name):
            msg = f"Model name {name!r} from plugin {self.plugin!r} is not a valid identifier."
            raise ValueError(msg)
        if not task or not isinstance(task, str):
            msg = f"Model {name!r} from plugin {self.plugin!r} needs a task string."
            raise ValueError(msg)
        for ref, what in ((builder, "builder"), (weights, "weights")):
            if isinstance(ref, str) and not _REFERENCE.match(ref):
                msg = (
                    f"The {what} of model {name!r} from plugin {self.plugin!r} must be an "
                    f"object or a 'module:attribute' string, got {ref!r}."
                )
                raise ValueError(msg)
        if any(entry.name.lower() == name.lower() for entry in self.entries):
            msg = f"Plugin {self.plugin!r} registers model {name!r} twice."
            raise ValueError(msg)
        _check_namespace(namespace, self.plugin)
        if attribute is not None and not _NAME.match(attribute):
            msg = f"Attribute {attribute!r} of model {name!r} is not a valid identifier."
            raise ValueError(msg)
        self.entries.append(
            ModelEntry(
                name,
                task,
                self.plugin,
                self.distribution,
                builder,
                weights,
                namespace=namespace,
                attribute=attribute or name,
            )
        )

    def add_models(
        self,
        models: Mapping[str, tuple[str, str | None]],
        *,
        task: str,
        package: str = "",
        namespace: str = "",
    ) -> None:
        """Register several models of one task by reference, as :meth:`add_model` does one.

        ``registry.add_models({"r3d_18": ("._builders", "._weights:R3D_18_Weights")},
        task="video_classification", package="weighthub_video", namespace="video")`` registers
        ``weighthub_video._builders:r3d_18``. Nothing is registered unless every model is valid.

        Args:
            models: Model name -> ``(builder, weights)``: ``"module:attribute"`` references, or
                None for a model without weights. A reference starting with ``"."`` is relative
                to ``package``; a builder given as a module alone is the model's name in it.
            task: As for :meth:`add_model`.
            package: The package relative references start from, usually the plugin's.
            namespace: As for :meth:`add_model`. Each builder appears there under its own
                attribute name (``("._builders:resnet50", ...)`` registered as
                ``quantized_resnet50`` is ``weighthub.models.quantization.resnet50``).

        Raises:
            ValueError: A relative reference without ``package``, or as for :meth:`add_model`.
        """
        registered = len(self.entries)
        try:
            for name, (builder, weights) in models.items():
                builder = self._absolute(builder, package, name)
                builder += "" if ":" in builder else f":{name}"
                weights = None if weights is None else self._absolute(weights, package, name)
                attribute = builder.rpartition(":")[2]
                self.add_model(
                    name,
                    task=task,
                    builder=builder,
                    weights=weights,
                    namespace=namespace,
                    attribute=attribute,
                )
        except Exception:
            del self.entries[registered:]
            raise

    def _absolute(self, reference: str, package: str, model: str) -> str:
        if reference.startswith(".") and not package:
            msg = (
                f"Model {model!r} from plugin {self.plugin!r} has the relative reference "
                f"{reference!r}: pass add_models(package=...), the package it is relative to."
            )
            raise ValueError(msg)
        return package + reference if reference.startswith(".") else reference

    def add_weights(self, model: str, weights: type[WeightsEnum] | str) -> None:
        """Attach a weights enum to a model that another plugin (or this one) registers.

        The model's builder then accepts the enum's members, sets ``num_classes`` from their
        ``meta["categories"]`` and applies their ``model_kwargs``; ``get_weight`` and
        ``weighthub.models`` find the enum by name. Attaching to a model no installed plugin
        registers warns once (raises under ``WEIGHTHUB_STRICT=1``).

        Args:
            model: The name of the model, e.g. ``"resnet18"``.
            weights: The :class:`~weighthub.WeightsEnum` subclass, or ``"module:ClassName"`` to
                import it on first use (listing then imports nothing).

        Raises:
            ValueError: A malformed model name or reference, or this plugin attaches the same
                enum name twice.
        """
        if not isinstance(model, str) or not _NAME.match(model):
            msg = f"Model name {model!r} from plugin {self.plugin!r} is not a valid identifier."
            raise ValueError(msg)
        if isinstance(weights, str) and not _REFERENCE.match(weights):
            msg = (
                f"The weights attached to model {model!r} by plugin {self.plugin!r} must be a "
                f"WeightsEnum or a 'module:ClassName' string, got {weights!r}."
            )
            raise ValueError(msg)
        attachment = WeightsAttachment(model, self.plugin, self.distribution, weights)
        if any(a.weights_name == attachment.weights_name for a in self.attachments):
            msg = f"Plugin {self.plugin!r} attaches weights {attachment.weights_name!r} twice."
            raise ValueError(msg)
        self.attachments.append(attachment)

    def add_export(self, name: str, obj: Any, *, namespace: str = "") -> None:
        """Place another public object, such as a model class, in a ``weighthub.models`` namespace.

        ``registry.add_export("ResNet", "torchvision.models:ResNet")`` makes
        ``weighthub.models.ResNet`` import and return torchvision's class on first access.

        Args:
            name: The attribute name.
            obj: The object, or ``"module:attribute"`` to import it on first use.
            namespace: As for :meth:`add_model`; dotted names make nested namespaces
                (``"detection.backbone_utils"``).

        Raises:
            ValueError: A malformed name, namespace or reference.
        """
        if not _NAME.match(name):
            msg = f"Export name {name!r} from plugin {self.plugin!r} is not a valid identifier."
            raise ValueError(msg)
        _check_namespace(namespace, self.plugin)
        if isinstance(obj, str) and not _REFERENCE.match(obj):
            msg = (
                f"Export {name!r} from plugin {self.plugin!r} must be an object or a "
                f"'module:attribute' string, got {obj!r}."
            )
            raise ValueError(msg)
        self.exports.append(Export(name, namespace, self.plugin, self.distribution, obj))

    def add_exports(self, names: Iterable[str], module: str, *, namespace: str = "") -> None:
        """Export several attributes of one module, as :meth:`add_export` does one.

        ``registry.add_exports(["FCN", "LRASPP"], "torchvision.models.segmentation",
        namespace="segmentation")`` exports ``"torchvision.models.segmentation:FCN"`` and
        ``"...:LRASPP"`` under their own names. Nothing is exported unless every name is valid.

        Raises:
            ValueError: As for :meth:`add_export`.
        """
        exported = len(self.exports)
        try:
            for name in names:
                self.add_export(name, f"{module}:{name}", namespace=namespace)
        except Exception:
            del self.exports[exported:]
            raise
