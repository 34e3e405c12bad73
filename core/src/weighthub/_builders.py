"""Helpers for builders that attached weights need: the architecture arguments weights imply."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ._legacy import overwrite_named_param
from ._weights import WeightsEnum

__all__ = ["apply_model_kwargs"]


def apply_model_kwargs(
    weights: WeightsEnum | None, kwargs: dict[str, Any], *, handled: Collection[str] = ()
) -> None:
    """Set the architecture arguments ``weights.model_kwargs`` declares into ``kwargs``.

    Call it in a builder right after ``weights = MyNet_Weights.verify(weights)``, next to the
    ``num_classes`` rule (``overwrite_named_param(kwargs, "num_classes", len(categories))``):
    weights attached by weights plugins may need other arguments (``aux_loss=True``,
    ``num_keypoints=5``) than the model's defaults.

    Args:
        weights: The verified weights, or None (then nothing happens).
        kwargs: The builder's keyword arguments, updated in place.
        handled: Arguments the builder takes as named parameters and reads from
            ``weights.model_kwargs`` itself; they are left out of ``kwargs``.

    Raises:
        ValueError: The caller passed a different value for one of them (torchvision's message).

    Example::

        def mynet(*, weights=None, progress=True, **kwargs):
            weights = MyNet_Weights.verify(weights)
            weighthub.apply_model_kwargs(weights, kwargs)
            ...
    """
    if weights is None:
        return
    # torchvision's own members (which quantized builders may be handed) have no model_kwargs.
    for param, value in getattr(weights, "model_kwargs", {}).items():
        if param not in handled:
            overwrite_named_param(kwargs, param, value)
