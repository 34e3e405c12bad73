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
"""

from __future__ import annotations

import sys

from .. import _api  # noqa: F401  (torchvision code reads models._api.__all__)
from .._api import get_model, get_model_builder, get_model_weights, get_weight, list_models
from .._namespaces import Namespace, install_finder
from .._weights import Weights, WeightsEnum

__all__ = [
    "Weights",
    "WeightsEnum",
    "get_model",
    "get_model_builder",
    "get_model_weights",
    "get_weight",
    "list_models",
]

install_finder()
sys.modules[__name__].__class__ = Namespace
del sys, Namespace, install_finder
