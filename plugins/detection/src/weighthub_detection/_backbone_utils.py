"""torchvision's public backbone helpers, with the backbone weights fetched by weighthub.

Exported as ``weighthub.models.detection.backbone_utils``, where torchvision code imports them
from (``torchvision.models.detection.backbone_utils``).
"""

from __future__ import annotations

from collections.abc import Callable

import torchvision.models
from torch import nn
from torchvision.models import mobilenet, resnet
from torchvision.models.detection.backbone_utils import (
    BackboneWithFPN,
    _mobilenet_extractor,
    _resnet_fpn_extractor,
)
from torchvision.ops.feature_pyramid_network import ExtraFPNBlock
from torchvision.ops.misc import FrozenBatchNorm2d

from weighthub import WeightsRef, resolve_weights
from weighthub.building import BackboneWeights, handle_legacy_interface, load_backbone

__all__ = ["BackboneWithFPN", "mobilenet_backbone", "resnet_fpn_backbone"]


def _builder(family: object, name: str) -> Callable[..., nn.Module]:
    builder = getattr(family, name, None)
    if not callable(builder) or name not in torchvision.models.list_models():
        msg = f"Unknown backbone {name!r} for {getattr(family, '__name__', family)}."
        raise ValueError(msg)
    return builder  # type: ignore[no-any-return]


def _enum_name(builder: Callable[..., nn.Module]) -> str:
    return str(torchvision.models.get_model_weights(builder).__name__)


def _legacy_default(family: object) -> Callable[[dict[str, object]], WeightsRef]:
    def default(kwargs: dict[str, object]) -> WeightsRef:
        builder = _builder(family, str(kwargs["backbone_name"]))
        return WeightsRef(f"{_enum_name(builder)}.IMAGENET1K_V1")

    return default


@handle_legacy_interface(weights=("pretrained", _legacy_default(resnet)))
def resnet_fpn_backbone(
    *,
    backbone_name: str,
    weights: BackboneWeights,
    norm_layer: Callable[..., nn.Module] = FrozenBatchNorm2d,
    trainable_layers: int = 3,
    returned_layers: list[int] | None = None,
    extra_blocks: ExtraFPNBlock | None = None,
) -> BackboneWithFPN:
    """A ResNet with an FPN on top, as torchvision's function of this name builds it.

    Args:
        backbone_name: ``"resnet18"`` ... ``"wide_resnet101_2"``.
        weights: The backbone weights: a member, a reference, a name such as ``"DEFAULT"``, or
            None.
        norm_layer: The backbone's normalisation layer.
        trainable_layers: How many of the last layers (0 to 5) stay trainable.
        returned_layers: The backbone layers fed to the FPN (default ``[1, 2, 3, 4]``).
        extra_blocks: An extra FPN block (default ``LastLevelMaxPool``).

    Returns:
        The backbone with FPN.
    """
    builder = _builder(resnet, backbone_name)
    member = resolve_weights(weights, _enum_name(builder))
    backbone = load_backbone(builder, member, progress=True, norm_layer=norm_layer)
    return _resnet_fpn_extractor(backbone, trainable_layers, returned_layers, extra_blocks)


@handle_legacy_interface(weights=("pretrained", _legacy_default(mobilenet)))
def mobilenet_backbone(
    *,
    backbone_name: str,
    weights: BackboneWeights,
    fpn: bool,
    norm_layer: Callable[..., nn.Module] = FrozenBatchNorm2d,
    trainable_layers: int = 2,
    returned_layers: list[int] | None = None,
    extra_blocks: ExtraFPNBlock | None = None,
) -> nn.Module:
    """A MobileNet feature extractor, with an FPN when ``fpn`` is true, as torchvision builds it.

    Args:
        backbone_name: ``"mobilenet_v2"``, ``"mobilenet_v3_large"`` or ``"mobilenet_v3_small"``.
        weights: As for :func:`resnet_fpn_backbone`.
        fpn: Put an FPN on top.
        norm_layer: The backbone's normalisation layer.
        trainable_layers: How many of the last stages stay trainable.
        returned_layers: With ``fpn``, the stages fed to the FPN.
        extra_blocks: With ``fpn``, an extra FPN block.

    Returns:
        The backbone.
    """
    builder = _builder(mobilenet, backbone_name)
    member = resolve_weights(weights, _enum_name(builder))
    backbone = load_backbone(builder, member, progress=True, norm_layer=norm_layer)
    extractor: nn.Module = _mobilenet_extractor(
        backbone, fpn, trainable_layers, returned_layers, extra_blocks
    )
    return extractor
