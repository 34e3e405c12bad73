"""What a plugin registers: model entries, attached weights and exports, each resolved lazily.

A :class:`ModelEntry` holds a model's builder and weights enum either as objects or as
``"module:attribute"`` strings; a string is imported on first use, so listing models imports no
model code. :class:`WeightsAttachment` is a weights enum one plugin attaches to another's model;
:class:`Export` is a name a plugin contributes to a ``weighthub.models`` namespace.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._errors import MetaValidationError, MetaValidationWarning, PluginLoadError
from ._imports import object_name, resolve_reference
from ._meta import validate_meta
from ._names import qualify, split_qualified
from ._settings import strict_mode
from ._weights import WeightsEnum

__all__ = ["Export", "FromPlugin", "ModelEntry", "WeightsAttachment"]


class FromPlugin:
    """What a plugin provides, and its ``origin`` for messages.

    ``plugin_namespace`` is the namespace the plugin claims (``"timm"``), or ``""``.
    """

    plugin: str
    distribution: str | None
    plugin_namespace: str = ""

    @property
    def origin(self) -> str:
        """``"plugin 'x' (distribution 'y')"``, for messages."""
        if self.distribution is None:
            return f"plugin {self.plugin!r}"
        return f"plugin {self.plugin!r} (distribution {self.distribution!r})"


@dataclass(eq=False)
class ModelEntry(FromPlugin):
    """One registered model.

    Attributes:
        name: The model name as registered, e.g. ``"resnet50"``; ``"timm/resnet50"`` for a plugin
            that claims a namespace.
        task: The task, e.g. ``"image_classification"``; picks the meta schema.
        plugin: The name of the plugin that registered it (its entry-point name), or
            ``"<runtime>"`` for :func:`weighthub.register_model`.
        distribution: The distribution that ships the plugin, or None at runtime.
        namespace: Where the builder and enum appear under ``weighthub.models``: ``""`` for
            ``weighthub.models`` itself, ``"detection"`` for ``weighthub.models.detection``.
        attribute: The builder's name in that namespace (``"resnet50"`` for
            ``quantized_resnet50`` in ``quantization``); usually ``name`` without a namespace.
        plugin_namespace: The namespace the plugin claims, or ``""``.
        meta_keys: The meta keys its plugin declares (:meth:`weighthub.Registry.add_meta_keys`),
            shared with the plugin's registry.
    """

    name: str
    task: str
    plugin: str
    distribution: str | None
    builder_ref: Callable[..., Any] | str = field(repr=False)
    weights_ref: type[WeightsEnum] | str | None = field(repr=False)
    namespace: str = field(default="", kw_only=True)
    attribute: str = field(default="", kw_only=True)
    meta_keys: dict[str, Any] = field(default_factory=dict, kw_only=True, repr=False)
    plugin_namespace: str = field(default="", kw_only=True)
    _builder: Callable[..., Any] | None = field(default=None, init=False, repr=False)
    _weights: type[WeightsEnum] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.attribute = self.attribute or self.short_name

    @property
    def short_name(self) -> str:
        """The name without the plugin's namespace: ``"resnet50"`` for ``"timm/resnet50"``."""
        return split_qualified(self.name)[1]

    @property
    def weights_name(self) -> str | None:
        """The weights enum's class name, known without importing it."""
        return None if self.weights_ref is None else object_name(self.weights_ref)

    @property
    def enum_key(self) -> str | None:
        """The enum's name in the catalogue: ``"timm/resnet50_Weights"`` in a namespace."""
        name = self.weights_name
        return None if name is None else qualify(self.plugin_namespace, name)

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
        for field_name, problem in validate_meta(
            member.meta,
            task,
            attached=attached,
            headless=bool(member.missing_head),
            domain_keys=provider.meta_keys,
        )
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
class WeightsAttachment(FromPlugin):
    """A weights enum that one plugin attaches to a model another plugin (or itself) registers.

    Attributes:
        model: The name of the model the weights are for, e.g. ``"resnet18"``.
        plugin: The name of the plugin that attaches them.
        distribution: The distribution that ships that plugin, or None.
        target: The model's entry, set at discovery; None while the model is not found.
        plugin_namespace: The namespace the attaching plugin claims, or ``""``: its enum is
            ``"<namespace>/<Enum>"``.
        meta_keys: The meta keys its plugin declares, shared with the plugin's registry.
    """

    model: str
    plugin: str
    distribution: str | None
    weights_ref: type[WeightsEnum] | str = field(repr=False)
    target: ModelEntry | None = field(default=None, repr=False)
    meta_keys: dict[str, Any] = field(default_factory=dict, kw_only=True, repr=False)
    plugin_namespace: str = field(default="", kw_only=True)
    _weights: type[WeightsEnum] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def weights_name(self) -> str:
        """The enum's class name, known without importing it."""
        return object_name(self.weights_ref)

    @property
    def enum_key(self) -> str:
        """The enum's name in the catalogue: ``"torchgeo/ResNet50_Weights"`` in a namespace."""
        return qualify(self.plugin_namespace, self.weights_name)

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
