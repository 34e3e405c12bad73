"""GoogLeNet builder, on torchvision's :class:`GoogLeNet`."""

from __future__ import annotations

from typing import Any

from torchvision.models.googlenet import GoogLeNet

from weighthub import WeightsEnum
from weighthub.building import (
    drop_auxiliary_heads,
    load,
    make_builder,
    set_fixed,
    set_num_classes,
)

from .._weights._googlenet import GoogLeNet_Weights

__all__ = ["googlenet"]


def _build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> GoogLeNet:
    # The checkpoint carries the auxiliary heads (untrained): build them to load it, then drop
    # them unless the caller asked for them.
    keep_aux_logits = kwargs.get("aux_logits", False)
    if weights is not None:
        kwargs.setdefault("transform_input", True)
        set_fixed(kwargs, aux_logits=True, init_weights=False)
        set_num_classes(weights, kwargs)
    model = load(lambda: GoogLeNet(**kwargs), weights, progress)
    if weights is not None:
        drop_auxiliary_heads(
            model, ("aux1", "aux2"), keep=keep_aux_logits, untrained="googlenet", stacklevel=3
        )
    return model


googlenet = make_builder(
    "googlenet",
    GoogLeNet_Weights,
    _build,
    model_cls=GoogLeNet,
    summary="GoogLeNet (Inception v1) from `Going Deeper with Convolutions "
    "<http://arxiv.org/abs/1409.4842>`__.",
    module=__name__,
)
