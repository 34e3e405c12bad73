"""The builder of EfficientNet-Lite0; imports torch and the architecture package."""

from __future__ import annotations

from typing import Any

from efficientnet_lite_pytorch import EfficientNet
from torch import nn

from weighthub import construct_model
from weighthub.building import handle_legacy_interface, set_num_classes

from ._weights import EfficientNet_Lite0_Weights

__all__ = ["efficientnet_lite0"]


@handle_legacy_interface(weights=("pretrained", EfficientNet_Lite0_Weights.IMAGENET1K_V1))
def efficientnet_lite0(
    *,
    weights: EfficientNet_Lite0_Weights | None = None,
    progress: bool = True,
    **kwargs: Any,
) -> nn.Module:
    """Build EfficientNet-Lite0 (``efficientnet_lite_pytorch.EfficientNet``).

    Args:
        weights: The pretrained weights (a member, its name, or ``"DEFAULT"``), or None for
            random weights.
        progress: Show a progress bar if the checkpoint is downloaded (a ``pkg://`` file never is).
        **kwargs: Global parameters of ``EfficientNet.from_name`` (``num_classes``,
            ``dropout_rate``, ``drop_connect_rate`` ...). ``num_classes`` must match the weights'
            categories when weights are given.

    Returns:
        The model (in training mode, as every builder returns it).
    """
    weights = EfficientNet_Lite0_Weights.verify(weights)
    set_num_classes(weights, kwargs)
    model: nn.Module = construct_model(
        lambda: EfficientNet.from_name("efficientnet-lite0", **kwargs), weights, progress=progress
    )
    return model
