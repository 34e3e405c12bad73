"""The build function of the models with auxiliary classifiers: GoogLeNet and Inception v3."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from torch import nn

from weighthub import WeightsEnum
from weighthub.building import BuildFn, drop_auxiliary_heads, load, set_fixed, set_num_classes

__all__ = ["auxiliary_build"]

M = TypeVar("M", bound=nn.Module)


def auxiliary_build(
    model_cls: Callable[..., M],
    heads: tuple[str, ...],
    *,
    keep_by_default: bool,
    untrained: str | None = None,
) -> BuildFn[M]:
    """torchvision's build of GoogLeNet / Inception v3, whose checkpoints hold the aux heads.

    With weights, ``transform_input`` defaults to True and the heads are built to load the
    checkpoint, then dropped unless the caller's ``aux_logits`` (default ``keep_by_default``)
    keeps them (see :func:`weighthub.building.drop_auxiliary_heads`).
    """

    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> M:
        keep: bool = kwargs.get("aux_logits", keep_by_default)
        if weights is not None:
            kwargs.setdefault("transform_input", True)
            set_fixed(kwargs, aux_logits=True, init_weights=False)
            set_num_classes(weights, kwargs)
        model = load(lambda: model_cls(**kwargs), weights, progress)
        if weights is not None:
            # build <- the builder <- its two legacy-argument wrappers <- the caller
            drop_auxiliary_heads(model, heads, keep=keep, untrained=untrained, stacklevel=5)
        return model

    return build
