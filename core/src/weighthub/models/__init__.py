"""torchvision's ``torchvision.models`` namespace, filled by the installed plugins, lazily.

Example::

    from weighthub import models

    model = models.resnet50(weights=models.ResNet50_Weights.DEFAULT)
    detector = models.detection.fasterrcnn_resnet50_fpn_v2(weights="DEFAULT")
    models.list_models(models.quantization)  # ['quantized_googlenet', ...]
    model = models.__dict__["resnet18"](weights=None)  # the pytorch/examples idiom

As in torchvision, ``weighthub.models`` holds the classification builders, their enums and model
classes, and ``weighthub.models.detection``, ``.quantization``, ``.segmentation``, ``.video`` and
``.optical_flow`` hold the others; each plugin declares where its models go. Every name resolves
on first use: importing these modules, ``dir()`` and scanning ``__dict__`` import no torch. Any
model or enum is also reachable here by its registered name (``models.quantized_resnet50``).

torchvision's implementation modules are here too (``models.resnet.Bottleneck``,
``models.detection.transform.GeneralizedRCNNTransform``): torchvision's objects, with weighthub's
builders and enums (see ``weighthub.models._submodules``). Weights downloads go through
``models._api.load_state_dict_from_url``, which code written for torchvision may patch.
"""

from __future__ import annotations

import sys
from typing import Any

from .._api import get_model, get_model_builder, get_model_weights, get_weight, list_models
from .._loads import install_url_loader
from .._namespaces import Namespace, install_finder
from .._weights import Weights, WeightsEnum
from . import _api, _utils  # noqa: F401  (torchvision code imports and patches them)
from ._submodules import install_submodule_finder

__all__ = [
    "Weights",
    "WeightsEnum",
    "get_model",
    "get_model_builder",
    "get_model_weights",
    "get_weight",
    "list_models",
]


def _load_state_dict_from_url(url: str, *args: Any, **kwargs: Any) -> Any:
    # Looked up at call time, so that patching _api.load_state_dict_from_url (torchvision's
    # disable_weight_loading fixture does) stubs every weights download.
    return _api.load_state_dict_from_url(url, *args, **kwargs)


install_finder()
install_submodule_finder()
install_url_loader(_load_state_dict_from_url)
sys.modules[__name__].__class__ = Namespace
del sys, Namespace, install_finder, install_submodule_finder, install_url_loader
