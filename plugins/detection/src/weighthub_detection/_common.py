"""The detection builder template (:func:`detection_builder`) and its trainable-layers rule.

The backbone weights belong to the classification plugin; :mod:`weighthub.building` looks them up
by name only when asked for, so this plugin works without that one until backbone weights are
requested (then ``UnknownWeightsError`` gives the ``pip install`` line).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from torch import nn
from torchvision.models.detection._utils import overwrite_eps
from torchvision.models.detection.backbone_utils import _validate_trainable_layers
from torchvision.ops.misc import FrozenBatchNorm2d

from weighthub import WeightsEnum, WeightsRef
from weighthub.building import (
    BackboneWeights,
    LegacyDefault,
    load,
    make_builder,
    resolve_backbone,
    resolve_num_classes,
)

__all__ = [
    "DetectionConfig",
    "configure",
    "detection_builder",
]

M = TypeVar("M", bound=nn.Module)


@dataclass(frozen=True)
class DetectionConfig:
    """A detection builder's resolved options.

    Attributes:
        num_classes: The number of classes, background included.
        weights_backbone: The backbone weights to load, or None.
        is_trained: Whether any pretrained weights (model or backbone) are used.
        trainable_layers: The number of backbone stages left trainable.
    """

    num_classes: int
    weights_backbone: WeightsEnum | None
    is_trained: bool
    trainable_layers: int

    @property
    def norm_layer(self) -> Callable[..., nn.Module]:
        """``FrozenBatchNorm2d`` for pretrained models, ``BatchNorm2d`` otherwise."""
        return FrozenBatchNorm2d if self.is_trained else nn.BatchNorm2d


def configure(
    weights: WeightsEnum | None,
    num_classes: int | None,
    weights_backbone: BackboneWeights,
    trainable_backbone_layers: int | None,
    *,
    backbone_enum: str,
    max_layers: int,
    default_layers: int,
    default_num_classes: int = 91,
) -> DetectionConfig:
    """Apply torchvision's rules for ``weights``, ``num_classes``, backbone weights and layers.

    With ``weights``, the backbone weights are ignored (and not even looked up) and ``num_classes``
    must match the weights' categories. ``trainable_backbone_layers`` is validated by torchvision's
    ``_validate_trainable_layers`` (with its warning when set on an untrained model).

    Raises:
        ValueError: ``num_classes`` conflicts with the weights, or the layer count is out of range.
    """
    classes = resolve_num_classes(weights, num_classes, default=default_num_classes)
    backbone = resolve_backbone(weights, weights_backbone, backbone_enum)
    is_trained = weights is not None or backbone is not None
    layers = _validate_trainable_layers(
        is_trained, trainable_backbone_layers, max_layers, default_layers
    )
    return DetectionConfig(classes, backbone, is_trained, layers)


_ARGS_DOC = """

Args:
    weights: The COCO weights to load (a member, its name or ``"DEFAULT"``), or None.
    progress: Show a download progress bar.
    num_classes: Output classes, background included (91 without weights).
    weights_backbone: ImageNet weights of the {backbone} backbone, used when ``weights`` is
        None: a member or ``"{enum}.X"``/``"X"``/``"DEFAULT"``, looked up through weighthub
        (needs the classification plugin). None{none_note} for a random backbone.
    trainable_backbone_layers: Backbone stages left trainable, 0-{max_layers} (default
        {default_layers}).
    **kwargs: Options of ``torchvision.models.detection.{model_cls}``.
"""


def detection_builder(
    name: str,
    weights_enum: type[WeightsEnum],
    make: Callable[[DetectionConfig, bool, dict[str, Any]], M],
    *,
    backbone_default: WeightsRef,
    backbone_doc: str,
    max_layers: int,
    default_layers: int,
    model_cls: type[M],
    summary: str,
    module: str,
    random_backbone: bool = False,
    defaults: Mapping[str, Any] | None = None,
    eps_zero: WeightsEnum | None = None,
    default_num_classes: int = 91,
    head_options: Mapping[str, tuple[Any, Any]] | None = None,
    resolve_head_options: Callable[[WeightsEnum | None, dict[str, Any]], None] | None = None,
    tail_options: Mapping[str, tuple[Any, Any]] | None = None,
    check_kwargs: Callable[[dict[str, Any]], None] | None = None,
    fast: bool = True,
    legacy_default: LegacyDefault | None = None,
    args_doc: str | None = None,
) -> Callable[..., M]:
    """Create a torchvision detection builder taking ``num_classes``, ``weights_backbone`` and
    ``trainable_backbone_layers``.

    Args:
        name: The builder's name.
        weights_enum: Its weights enum.
        make: ``make(config, progress, kwargs)`` builds the model (backbone weights included,
            through :func:`weighthub.building.load_backbone`); ``kwargs`` are the caller's options
            of the model class.
        backbone_default: The backbone weights ``pretrained_backbone=True`` stands for, and the
            ``weights_backbone`` default unless ``random_backbone``.
        backbone_doc: The backbone's name in the docstring (``"ResNet-50"``).
        max_layers: The number of backbone stages.
        default_layers: The stages left trainable by default.
        model_cls: The model class.
        summary: The docstring's first line(s).
        module: The module that defines the builder.
        random_backbone: ``weights_backbone`` defaults to None (torchvision's v2 models).
        defaults: Model options that differ from the class's defaults; the caller's win.
        eps_zero: The weights trained with ``FrozenBatchNorm2d(eps=0)`` (torchvision's V1).
        default_num_classes: ``num_classes`` without weights.
        head_options: Further named parameters, ``{name: (default, annotation)}``, placed after
            ``num_classes``; ``make`` finds them in ``kwargs`` (``num_keypoints``).
        resolve_head_options: Sets them in ``kwargs`` from the weights, before anything is
            downloaded or built.
        tail_options: Further named parameters, as ``head_options``, placed after
            ``trainable_backbone_layers`` (SSDlite's ``norm_layer``).
        check_kwargs: Runs first on the caller's keyword arguments (model ``kwargs`` applied),
            before any option is resolved: for warnings that torchvision emits first.
        fast: Build on meta parameters when loading weights (see
            :func:`weighthub.construct_model`); False for a ``make`` that runs a forward pass.
        legacy_default: What ``pretrained=True`` means, when not the enum's first member.
        args_doc: The docstring's ``Args:`` section, when not the standard one.
    """
    backbone_enum = backbone_default.reference.partition(".")[0]

    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> M:
        if check_kwargs is not None:
            check_kwargs(kwargs)
        config = configure(
            weights,
            kwargs.pop("num_classes"),
            kwargs.pop("weights_backbone"),
            kwargs.pop("trainable_backbone_layers"),
            backbone_enum=backbone_enum,
            max_layers=max_layers,
            default_layers=default_layers,
            default_num_classes=default_num_classes,
        )
        if resolve_head_options is not None:
            resolve_head_options(weights, kwargs)
        options = {**(defaults or {}), **kwargs}
        model = load(lambda: make(config, progress, options), weights, progress, fast=fast)
        if eps_zero is not None and weights == eps_zero:
            overwrite_eps(model, 0.0)
        return model

    extra = dict(head_options or {})
    tail = dict(tail_options or {})
    args_doc = args_doc or _ARGS_DOC.format(
        backbone=backbone_doc,
        enum=backbone_enum,
        none_note=" (the default)" if random_backbone else "",
        max_layers=max_layers,
        default_layers=default_layers,
        model_cls=model_cls.__name__,
    )
    return make_builder(
        name,
        weights_enum,
        build,
        model_cls=model_cls,
        summary=summary,
        module=module,
        args_doc=args_doc,
        options={
            "num_classes": None,
            **{option: default for option, (default, _) in extra.items()},
            "weights_backbone": None if random_backbone else backbone_default,
            "trainable_backbone_layers": None,
            **{option: default for option, (default, _) in tail.items()},
        },
        option_types={
            "num_classes": int | None,
            **{option: annotation for option, (_, annotation) in extra.items()},
            "weights_backbone": BackboneWeights,
            "trainable_backbone_layers": int | None,
            **{option: annotation for option, (_, annotation) in tail.items()},
        },
        legacy_default=next(iter(weights_enum)) if legacy_default is None else legacy_default,
        legacy_options={"weights_backbone": ("pretrained_backbone", backbone_default)},
    )
