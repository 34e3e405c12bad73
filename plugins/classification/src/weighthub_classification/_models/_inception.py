"""Inception v3 builder, on torchvision's :class:`Inception3`."""

from __future__ import annotations

from torchvision.models.inception import Inception3

from weighthub.building import TORCHVISION_SHAPED, make_builder

from .._weights._inception import Inception_V3_Weights
from ._auxiliary import auxiliary_build

__all__ = ["inception_v3"]

inception_v3 = make_builder(
    "inception_v3",
    Inception_V3_Weights,
    auxiliary_build(Inception3, ("AuxLogits",), keep_by_default=True),
    model_cls=Inception3,
    summary="Inception v3 from `Rethinking the Inception Architecture for Computer Vision "
    "<http://arxiv.org/abs/1512.00567>`__.",
    module=TORCHVISION_SHAPED,
)
