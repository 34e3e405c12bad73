"""The LR-ASPP builder, on a dilated MobileNetV3-Large backbone."""

from __future__ import annotations

from torch import nn
from torchvision.models import mobilenet_v3_large
from torchvision.models.segmentation.lraspp import LRASPP, _lraspp_mobilenetv3

from weighthub.building import MOBILENET_V3_LARGE_V1, TORCHVISION_SHAPED

from ._common import segmentation_builder
from ._weights import LRASPP_MobileNet_V3_Large_Weights

__all__ = ["lraspp_mobilenet_v3_large"]


def _head(backbone: nn.Module, num_classes: int, aux_loss: bool | None) -> LRASPP:
    return _lraspp_mobilenetv3(backbone, num_classes)  # no auxiliary classifier


lraspp_mobilenet_v3_large = segmentation_builder(
    "lraspp_mobilenet_v3_large",
    LRASPP_MobileNet_V3_Large_Weights,
    _head,
    backbone=mobilenet_v3_large,
    backbone_default=MOBILENET_V3_LARGE_V1,
    backbone_options={"dilated": True},
    backbone_doc="dilated MobileNetV3-Large",
    model_cls=LRASPP,
    summary="Build Lite R-ASPP with a MobileNetV3-Large backbone (``lraspp_mobilenet_v3_large``).",
    module=TORCHVISION_SHAPED,
    has_aux=False,
)
