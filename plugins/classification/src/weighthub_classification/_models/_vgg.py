"""VGG builders, on torchvision's :class:`VGG` and its ``make_layers``/``cfgs`` tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchvision.models.vgg import VGG, cfgs, make_layers

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, load, make_builder, set_num_classes

from .._weights._vgg import (
    VGG11_BN_Weights,
    VGG11_Weights,
    VGG13_BN_Weights,
    VGG13_Weights,
    VGG16_BN_Weights,
    VGG16_Weights,
    VGG19_BN_Weights,
    VGG19_Weights,
)

__all__ = ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]

_PAPER = (
    "`Very Deep Convolutional Networks for Large-Scale Image Recognition "
    "<https://arxiv.org/abs/1409.1556>`__"
)


def _vgg(name: str, enum: type[WeightsEnum], cfg: str, batch_norm: bool) -> Callable[..., VGG]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> VGG:
        if weights is not None:
            kwargs["init_weights"] = False
            # VGG16_Weights.IMAGENET1K_FEATURES has no categories: any num_classes goes.
            set_num_classes(weights, kwargs)
        return load(
            lambda: VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs),
            weights,
            progress,
        )

    depth = name[3:5]
    summary = f"VGG-{depth}{' with batch normalization' if batch_norm else ''} from {_PAPER}."
    return make_builder(
        name, enum, build, model_cls=VGG, summary=summary, module=TORCHVISION_SHAPED
    )


vgg11 = _vgg("vgg11", VGG11_Weights, "A", False)
vgg11_bn = _vgg("vgg11_bn", VGG11_BN_Weights, "A", True)
vgg13 = _vgg("vgg13", VGG13_Weights, "B", False)
vgg13_bn = _vgg("vgg13_bn", VGG13_BN_Weights, "B", True)
vgg16 = _vgg("vgg16", VGG16_Weights, "D", False)
vgg16_bn = _vgg("vgg16_bn", VGG16_BN_Weights, "D", True)
vgg19 = _vgg("vgg19", VGG19_Weights, "E", False)
vgg19_bn = _vgg("vgg19_bn", VGG19_BN_Weights, "E", True)
