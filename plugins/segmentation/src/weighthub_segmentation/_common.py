"""What every segmentation builder shares: backbone weights by name, num_classes and aux_loss.

The backbone weights belong to the classification plugin. They are looked up by name through
weighthub, and only when asked for, so this plugin works without the classification plugin as long
as no backbone weights are requested; requesting them without it raises weighthub's
``UnknownWeightsError``, whose message carries the ``pip install`` line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from torch import nn

import weighthub
from weighthub import WeightsEnum, WeightsRef

__all__ = [
    "MOBILENET_V3_LARGE_V1",
    "RESNET50_V1",
    "RESNET101_V1",
    "BackboneWeights",
    "backbone_refs_by_name",
    "configure",
    "legacy_backbone",
    "load_backbone",
    "resolve_backbone_weights",
]

BackboneWeights: TypeAlias = WeightsEnum | WeightsRef | str | None
"""What ``weights_backbone`` accepts: a member, a reference, a name, or None."""

# The torchvision defaults of `weights_backbone`, by name: resolved only when used.
RESNET50_V1 = WeightsRef("ResNet50_Weights.IMAGENET1K_V1")
RESNET101_V1 = WeightsRef("ResNet101_Weights.IMAGENET1K_V1")
MOBILENET_V3_LARGE_V1 = WeightsRef("MobileNet_V3_Large_Weights.IMAGENET1K_V1")


def legacy_backbone(ref: WeightsRef) -> Callable[[dict[str, Any]], WeightsEnum]:
    """Return the ``pretrained_backbone=True`` default for ``handle_legacy_interface``.

    Args:
        ref: The weights; looked up only when a caller passes ``pretrained_backbone=True``.
    """

    def default(kwargs: dict[str, Any]) -> WeightsEnum:
        return ref.resolve()

    return default


F = TypeVar("F", bound=Callable[..., Any])


def backbone_refs_by_name(builder: F) -> F:
    """Pass an explicit ``weights_backbone=WeightsRef(...)`` on as its name.

    ``handle_legacy_interface`` would take any non-enum, non-string value for a legacy boolean;
    a reference by name keeps its meaning (and stays unresolved while ``weights`` is given).
    """

    @functools.wraps(builder)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ref = kwargs.get("weights_backbone")
        if isinstance(ref, WeightsRef):
            kwargs["weights_backbone"] = ref.name
        return builder(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def resolve_backbone_weights(
    weights_backbone: BackboneWeights, enum_name: str
) -> WeightsEnum | None:
    """Turn a builder's ``weights_backbone`` argument into a weights member.

    Args:
        weights_backbone: None; any ``WeightsEnum`` member (taken as is: its checkpoint must fit
            the backbone); a ``WeightsRef``; or a name of a member of ``enum_name``:
            ``"IMAGENET1K_V1"``, ``"DEFAULT"`` or ``"ResNet50_Weights.IMAGENET1K_V1"``.
        enum_name: The backbone's weights enum, e.g. ``"ResNet50_Weights"``.

    Returns:
        The member, or None.

    Raises:
        UnknownWeightsError: The plugin providing ``enum_name`` is not installed.
        UnknownWeightsMemberError: The enum has no such member.
        TypeError: A name of another enum, or an argument of another type.
    """
    if weights_backbone is None or isinstance(weights_backbone, WeightsEnum):
        return weights_backbone
    if isinstance(weights_backbone, WeightsRef):
        return weights_backbone.resolve()
    if isinstance(weights_backbone, str):
        member = weights_backbone.replace(enum_name + ".", "")
        if "." in member:
            msg = (
                f"Invalid Weight class provided; expected {enum_name} but received "
                f"{member.partition('.')[0]}."
            )
            raise TypeError(msg)
        return weighthub.get_weight(f"{enum_name}.{member}")
    msg = (
        f"weights_backbone must be a WeightsEnum member, its name or None, got "
        f"{type(weights_backbone).__name__}."
    )
    raise TypeError(msg)


def load_backbone(
    builder: Callable[..., nn.Module],
    weights: WeightsEnum | None,
    *,
    progress: bool,
    **kwargs: Any,
) -> nn.Module:
    """Build a torchvision classification network and load backbone weights into it.

    Args:
        builder: The torchvision builder of the architecture (``torchvision.models.resnet50``); it
            is called with ``weights=None`` and the weights are loaded by weighthub.
        weights: The backbone weights, or None for random initialisation.
        progress: Show a download progress bar.
        **kwargs: Architecture options for ``builder`` (``replace_stride_with_dilation`` ...).

    Returns:
        The network.

    Raises:
        ValueError: ``kwargs`` sets ``num_classes`` unlike the weights' categories.
    """
    if weights is not None:
        categories = weights.meta.get("categories")
        if categories is not None:
            weighthub.overwrite_named_param(kwargs, "num_classes", len(categories))

    def factory() -> nn.Module:
        return builder(weights=None, **kwargs)

    return weighthub.construct_model(factory, weights, progress=progress)


def configure(
    weights: WeightsEnum | None,
    num_classes: int | None,
    aux_loss: bool | None,
    weights_backbone: BackboneWeights,
    *,
    backbone_enum: str,
) -> tuple[int, bool | None, WeightsEnum | None]:
    """Apply torchvision's rules for ``weights``, ``num_classes``, ``aux_loss`` and the backbone.

    With ``weights``, the backbone weights are ignored (and not even looked up), ``num_classes``
    must match the weights' categories and ``aux_loss`` must be True or None (the checkpoints hold
    the auxiliary classifier). Without, ``num_classes`` defaults to 21.

    Returns:
        ``(num_classes, aux_loss, backbone weights)``.

    Raises:
        ValueError: ``num_classes`` or ``aux_loss`` conflicts with the weights.
    """
    if weights is None:
        backbone = resolve_backbone_weights(weights_backbone, backbone_enum)
        return (21 if num_classes is None else num_classes), aux_loss, backbone
    classes = weighthub.overwrite_value_param(
        "num_classes", num_classes, len(weights.meta["categories"])
    )
    return classes, weighthub.overwrite_value_param("aux_loss", aux_loss, True), None
