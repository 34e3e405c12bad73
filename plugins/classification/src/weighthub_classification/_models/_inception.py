"""Inception v3 builder, on torchvision's :class:`Inception3`."""

from __future__ import annotations

from typing import Any

from torchvision.models.inception import Inception3

from weighthub import WeightsEnum
from weighthub.building import (
    drop_auxiliary_heads,
    load,
    make_builder,
    set_fixed,
    set_num_classes,
)

from .._weights._inception import Inception_V3_Weights

__all__ = ["inception_v3"]


def _build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> Inception3:
    # The checkpoint carries the auxiliary head: build it to load it, then drop it if the
    # caller passed aux_logits=False.
    keep_aux_logits = kwargs.get("aux_logits", True)
    if weights is not None:
        kwargs.setdefault("transform_input", True)
        set_fixed(kwargs, aux_logits=True, init_weights=False)
        set_num_classes(weights, kwargs)
    model = load(lambda: Inception3(**kwargs), weights, progress)
    if weights is not None:
        drop_auxiliary_heads(model, ("AuxLogits",), keep=keep_aux_logits)
    return model


inception_v3 = make_builder(
    "inception_v3",
    Inception_V3_Weights,
    _build,
    model_cls=Inception3,
    summary="Inception v3 from `Rethinking the Inception Architecture for Computer Vision "
    "<http://arxiv.org/abs/1512.00567>`__.",
    module=__name__,
)
