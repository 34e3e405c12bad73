"""The registry a plugin's ``register_models`` hook fills: tasks, models, attached weights, exports.

What it records (:class:`ModelEntry`, :class:`WeightsAttachment`, :class:`Export`) lives in
:mod:`._entries`; those names are re-exported here for the modules that read the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._entries import Export, FromPlugin, ModelEntry, WeightsAttachment
from ._meta import check_meta_keys
from ._names import check_plugin_namespace, qualify
from ._tasks import Task
from ._weights import WeightsEnum

__all__ = ["Export", "ModelEntry", "Registry", "WeightsAttachment"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MODEL_REFERENCE = re.compile(r"^([a-z][a-z0-9_]*/)?[A-Za-z_][A-Za-z0-9_]*$")
_REFERENCE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_NAMESPACE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _check_namespace(namespace: str, plugin: str) -> None:
    if namespace and not _NAMESPACE.match(namespace):
        msg = (
            f"Namespace {namespace!r} from plugin {plugin!r} must be dotted identifiers such as "
            "'detection' or 'detection.backbone_utils'."
        )
        raise ValueError(msg)


class Registry(FromPlugin):
    """Collects the models (and tasks) of one plugin; passed to the ``register_models`` hook.

    Nothing a plugin adds becomes visible unless its whole hook call succeeds; the catalogue then
    merges it. Models and tasks registered at runtime (:func:`weighthub.register_model`,
    :func:`weighthub.register_task`) are one more registry, of the plugin ``"<runtime>"``, merged
    the same way.

    Attributes:
        plugin_namespace: The namespace this plugin claims (:meth:`claim_namespace`), or ``""``.
    """

    def __init__(self, plugin: str, distribution: str | None) -> None:
        self.plugin = plugin
        self.distribution = distribution
        self.plugin_namespace = ""
        self.entries: list[ModelEntry] = []
        self.attachments: list[WeightsAttachment] = []
        self.exports: list[Export] = []
        self.tasks: list[Task] = []
        self._model_names: set[str] = set()
        self._enum_names: set[str] = set()
        self.meta_keys: dict[str, Any] = {}

    def add_meta_keys(self, **keys: Any) -> None:
        """Declare the plugin's own ``meta`` keys and their types, once for all its weights.

        ``registry.add_meta_keys(in_chans=int, bands=list[str], dataset=str)`` lets every enum
        the plugin registers or attaches carry those keys without the ``x_`` prefix; their values
        are checked against the types with the rest of the meta schema. They are optional.

        Raises:
            ValueError: A key of weighthub's schema, an ``x_`` key, or a key declared before
                with another type.
            TypeError: A type values cannot be checked against.
        """
        declared = check_meta_keys(keys, f"plugin {self.plugin!r}")
        for key, spec in declared.items():
            if key in self.meta_keys and self.meta_keys[key] != spec:
                msg = (
                    f"Plugin {self.plugin!r} declares meta key {key!r} twice: as "
                    f"{self.meta_keys[key]!r} and as {spec!r}."
                )
                raise ValueError(msg)
        self.meta_keys.update(declared)

    def claim_namespace(self, namespace: str) -> None:
        """Name this plugin's models and weights enums ``"<namespace>/<name>"``.

        Call it first in the hook, before adding anything. Then ``"timm/resnet50"`` and
        ``"timm/resnet50_Weights.A1_IN1K"`` always name this plugin's model and weights, whatever
        other plugins register; the short names (``"resnet50"``) work too, but only while no other
        plugin uses them: a plugin without a namespace (the first-party ones) keeps its names, and
        a short name that several namespaces use must be qualified. Models appear in
        ``weighthub.models.<namespace>`` unless :meth:`add_model` places them elsewhere; attached
        enums too. Several plugins of one distribution may claim the same namespace; plugins of two
        distributions may not (a :class:`~weighthub.PluginConflictError` when its names are used,
        until ``WEIGHTHUB_PREFER`` picks one).

        Args:
            namespace: A lower-case identifier, usually the plugin's name (``"timm"``).

        Raises:
            ValueError: A malformed namespace, a second claim, or models or weights were added
                before it.
        """
        check_plugin_namespace(namespace, self.plugin)
        if self.plugin_namespace:
            msg = (
                f"Plugin {self.plugin!r} claims a namespace twice ({self.plugin_namespace!r}, "
                f"then {namespace!r}); a plugin has one namespace."
            )
            raise ValueError(msg)
        if self.entries or self.attachments or self.exports:
            msg = (
                f"Plugin {self.plugin!r} claims the namespace {namespace!r} after adding models "
                "or weights; call registry.claim_namespace() first in the hook."
            )
            raise ValueError(msg)
        self.plugin_namespace = namespace

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
                (the default) for ``weighthub.models`` (``weighthub.models.<namespace>`` for a
                plugin that claims a namespace, :meth:`claim_namespace`), or ``"detection"``,
                ``"quantization"``, ``"segmentation"``, ``"video"``, ``"optical_flow"`` or a
                namespace of your own for ``weighthub.models.<namespace>``.
                ``list_models(weighthub.models.<namespace>)`` lists the models placed there.
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
        if name.lower() in self._model_names:
            msg = f"Plugin {self.plugin!r} registers model {name!r} twice."
            raise ValueError(msg)
        _check_namespace(namespace, self.plugin)
        if attribute is not None and not _NAME.match(attribute):
            msg = f"Attribute {attribute!r} of model {name!r} is not a valid identifier."
            raise ValueError(msg)
        self.entries.append(
            ModelEntry(
                qualify(self.plugin_namespace, name),
                task,
                self.plugin,
                self.distribution,
                builder,
                weights,
                namespace=namespace or self.plugin_namespace,
                attribute=attribute or name,
                meta_keys=self.meta_keys,
                plugin_namespace=self.plugin_namespace,
            )
        )
        self._model_names.add(name.lower())

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
        names = set(self._model_names)
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
            self._model_names = names
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
            model: The name of the model, e.g. ``"resnet18"``, or ``"timm/resnet50"`` for a model
                of a plugin that claims a namespace (its short name works while unambiguous).
            weights: The :class:`~weighthub.WeightsEnum` subclass, or ``"module:ClassName"`` to
                import it on first use (listing then imports nothing).

        Raises:
            ValueError: A malformed model name or reference, or this plugin attaches the same
                enum name twice.
        """
        if not isinstance(model, str) or not _MODEL_REFERENCE.match(model):
            msg = (
                f"Model name {model!r} from plugin {self.plugin!r} is not a valid identifier, "
                "optionally after a namespace ('timm/resnet50')."
            )
            raise ValueError(msg)
        if isinstance(weights, str) and not _REFERENCE.match(weights):
            msg = (
                f"The weights attached to model {model!r} by plugin {self.plugin!r} must be a "
                f"WeightsEnum or a 'module:ClassName' string, got {weights!r}."
            )
            raise ValueError(msg)
        attachment = WeightsAttachment(
            model,
            self.plugin,
            self.distribution,
            weights,
            plugin_namespace=self.plugin_namespace,
            meta_keys=self.meta_keys,
        )
        if attachment.weights_name in self._enum_names:
            msg = f"Plugin {self.plugin!r} attaches weights {attachment.weights_name!r} twice."
            raise ValueError(msg)
        self.attachments.append(attachment)
        self._enum_names.add(attachment.weights_name)

    def add_export(self, name: str, obj: Any, *, namespace: str = "") -> None:
        """Place another public object, such as a model class, in a ``weighthub.models`` namespace.

        ``registry.add_export("ResNet", "torchvision.models:ResNet")`` makes
        ``weighthub.models.ResNet`` import and return torchvision's class on first access.

        Args:
            name: The attribute name.
            obj: The object, or ``"module:attribute"`` to import it on first use.
            namespace: As for :meth:`add_model` (a plugin that claims a namespace exports to
                ``weighthub.models.<namespace>`` by default); dotted names make nested namespaces
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
        namespace = namespace or self.plugin_namespace
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
