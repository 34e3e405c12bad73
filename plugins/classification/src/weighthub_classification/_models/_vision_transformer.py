"""Vision Transformer builders, on torchvision's :class:`VisionTransformer`.

With weights, ``image_size`` comes from ``meta["min_size"]`` (384 or 518 for the SWAG
end-to-end weights), as in torchvision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.vision_transformer import VisionTransformer

from weighthub import WeightsEnum
from weighthub.building import (
    TORCHVISION_SHAPED,
    load,
    make_builder,
    overwrite_named_param,
    set_num_classes,
    square_min_size,
)

from .._weights._vision_transformer import (
    ViT_B_16_Weights,
    ViT_B_32_Weights,
    ViT_H_14_Weights,
    ViT_L_16_Weights,
    ViT_L_32_Weights,
)

__all__ = ["vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"]

_PAPER = (
    "`An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale "
    "<https://arxiv.org/abs/2010.11929>`__"
)

# size -> (num_layers, num_heads, hidden_dim, mlp_dim)
_SIZES = {
    "b": (12, 12, 768, 3072),
    "l": (24, 16, 1024, 4096),
    "h": (32, 16, 1280, 5120),
}
_SIZE_NAMES = {"b": "Base", "l": "Large", "h": "Huge"}


def _vit(name: str, enum: type[WeightsEnum]) -> Callable[..., VisionTransformer]:
    size, patch_size = name.split("_")[1], int(name.split("_")[2])
    num_layers, num_heads, hidden_dim, mlp_dim = _SIZES[size]

    def build(
        weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]
    ) -> VisionTransformer:
        if weights is not None:
            set_num_classes(weights, kwargs)
            overwrite_named_param(kwargs, "image_size", square_min_size(weights)[0])
        image_size = kwargs.pop("image_size", 224)
        return load(
            lambda: VisionTransformer(
                image_size=image_size,
                patch_size=patch_size,
                num_layers=num_layers,
                num_heads=num_heads,
                hidden_dim=hidden_dim,
                mlp_dim=mlp_dim,
                **kwargs,
            ),
            weights,
            progress,
        )

    summary = f"ViT-{_SIZE_NAMES[size]}/{patch_size} from {_PAPER}."
    return make_builder(
        name, enum, build, model_cls=VisionTransformer, summary=summary, module=TORCHVISION_SHAPED
    )


vit_b_16 = _vit("vit_b_16", ViT_B_16_Weights)
vit_b_32 = _vit("vit_b_32", ViT_B_32_Weights)
vit_l_16 = _vit("vit_l_16", ViT_L_16_Weights)
vit_l_32 = _vit("vit_l_32", ViT_L_32_Weights)
vit_h_14 = _vit("vit_h_14", ViT_H_14_Weights)
