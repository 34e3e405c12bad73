"""DenseNet builders, on torchvision's :class:`DenseNet`.

torchvision's DenseNet checkpoints predate a module rename: they name layers ``norm.1``,
``conv.2`` ... where the model has ``norm1``, ``conv2``. torchvision renames the keys while
loading; here the model gets a ``load_state_dict`` pre-hook doing the same, so any loader
(including weighthub's fast meta-device path, and a user's own ``load_state_dict``) works.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from torch import nn
from torchvision.models.densenet import DenseNet

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, BuildFn, load, make_builder, set_num_classes

from .._weights._densenet import (
    DenseNet121_Weights,
    DenseNet161_Weights,
    DenseNet169_Weights,
    DenseNet201_Weights,
)

__all__ = ["densenet121", "densenet161", "densenet169", "densenet201"]

_PAPER = "`Densely Connected Convolutional Networks <https://arxiv.org/abs/1608.06993>`__"

# "...denselayer1.norm.1.weight" -> "...denselayer1.norm1.weight"
_LEGACY_KEY = re.compile(
    r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$"
)


def _rename_legacy_keys(
    module: nn.Module, state_dict: dict[str, Any], prefix: str, *args: Any
) -> None:
    """``load_state_dict`` pre-hook: rename the checkpoints' old ``norm.1``-style keys in place."""
    for key in list(state_dict):
        match = _LEGACY_KEY.match(key)
        if match is not None and key.startswith(prefix):
            state_dict[match.group(1) + match.group(2)] = state_dict.pop(key)


def _densenet(
    growth_rate: int, block_config: tuple[int, int, int, int], num_init_features: int
) -> BuildFn[DenseNet]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> DenseNet:
        set_num_classes(weights, kwargs)

        def factory() -> DenseNet:
            model = DenseNet(growth_rate, block_config, num_init_features, **kwargs)
            if weights is not None:
                model.register_load_state_dict_pre_hook(_rename_legacy_keys)
            return model

        return load(factory, weights, progress)

    return build


def _builder(
    name: str, enum: type[WeightsEnum], build: BuildFn[DenseNet], depth: int
) -> Callable[..., DenseNet]:
    summary = f"DenseNet-{depth} from {_PAPER}."
    return make_builder(
        name, enum, build, model_cls=DenseNet, summary=summary, module=TORCHVISION_SHAPED
    )


densenet121 = _builder("densenet121", DenseNet121_Weights, _densenet(32, (6, 12, 24, 16), 64), 121)
densenet161 = _builder("densenet161", DenseNet161_Weights, _densenet(48, (6, 12, 36, 24), 96), 161)
densenet169 = _builder("densenet169", DenseNet169_Weights, _densenet(32, (6, 12, 32, 32), 64), 169)
densenet201 = _builder("densenet201", DenseNet201_Weights, _densenet(32, (6, 12, 48, 32), 64), 201)
