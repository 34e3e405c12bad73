"""Swin Transformer (V1 and V2) builders, on torchvision's :class:`SwinTransformer`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.swin_transformer import (
    PatchMergingV2,
    SwinTransformer,
    SwinTransformerBlockV2,
)

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._swin_transformer import (
    Swin_B_Weights,
    Swin_S_Weights,
    Swin_T_Weights,
    Swin_V2_B_Weights,
    Swin_V2_S_Weights,
    Swin_V2_T_Weights,
)

__all__ = ["swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b"]

_V1_PAPER = (
    "`Swin Transformer: Hierarchical Vision Transformer using Shifted Windows "
    "<https://arxiv.org/abs/2103.14030>`__"
)
_V2_PAPER = (
    "`Swin Transformer V2: Scaling Up Capacity and Resolution <https://arxiv.org/abs/2111.09883>`__"
)

# size -> (embed_dim, depths, num_heads, stochastic_depth_prob)
_SIZES: dict[str, tuple[int, list[int], list[int], float]] = {
    "t": (96, [2, 2, 6, 2], [3, 6, 12, 24], 0.2),
    "s": (96, [2, 2, 18, 2], [3, 6, 12, 24], 0.3),
    "b": (128, [2, 2, 18, 2], [4, 8, 16, 32], 0.5),
}


def _swin(name: str, enum: type[WeightsEnum]) -> Callable[..., SwinTransformer]:
    size = name[-1]
    v2 = name.startswith("swin_v2")
    embed_dim, depths, num_heads, depth_prob = _SIZES[size]
    version_kwargs: dict[str, Any] = (
        {"block": SwinTransformerBlockV2, "downsample_layer": PatchMergingV2} if v2 else {}
    )

    def build(
        weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]
    ) -> SwinTransformer:
        set_num_classes(weights, kwargs)
        return load(
            lambda: SwinTransformer(
                patch_size=[4, 4],
                embed_dim=embed_dim,
                depths=depths,
                num_heads=num_heads,
                window_size=[8, 8] if v2 else [7, 7],
                stochastic_depth_prob=depth_prob,
                **version_kwargs,
                **kwargs,
            ),
            weights,
            progress,
        )

    summary = f"Swin{'V2' if v2 else ''}-{size.upper()} from {_V2_PAPER if v2 else _V1_PAPER}."
    return make_builder(
        name, enum, build, model_cls=SwinTransformer, summary=summary, module=TORCHVISION_SHAPED
    )


swin_t = _swin("swin_t", Swin_T_Weights)
swin_s = _swin("swin_s", Swin_S_Weights)
swin_b = _swin("swin_b", Swin_B_Weights)
swin_v2_t = _swin("swin_v2_t", Swin_V2_T_Weights)
swin_v2_s = _swin("swin_v2_s", Swin_V2_S_Weights)
swin_v2_b = _swin("swin_v2_b", Swin_V2_B_Weights)
