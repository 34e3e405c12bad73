"""GoogLeNet builder, on torchvision's :class:`GoogLeNet`."""

from __future__ import annotations

from torchvision.models.googlenet import GoogLeNet

from weighthub.building import TORCHVISION_SHAPED, make_builder

from .._weights._googlenet import GoogLeNet_Weights
from ._auxiliary import auxiliary_build

__all__ = ["googlenet"]

googlenet = make_builder(
    "googlenet",
    GoogLeNet_Weights,
    # The checkpoint's auxiliary heads are untrained: kept only on request, with a warning.
    auxiliary_build(GoogLeNet, ("aux1", "aux2"), keep_by_default=False, untrained="googlenet"),
    model_cls=GoogLeNet,
    summary="GoogLeNet (Inception v1) from `Going Deeper with Convolutions "
    "<http://arxiv.org/abs/1409.4842>`__.",
    module=TORCHVISION_SHAPED,
)
