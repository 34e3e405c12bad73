"""weighthub-classification: torchvision's image-classification models for weighthub.

Registers the 80 builders of ``torchvision.models`` (``resnet50``, ``vit_b_16`` ...) and their 115
pretrained weights, with torchvision's names, URLs, preprocessing and meta::

    import weighthub

    model = weighthub.get_model("resnet50", weights="DEFAULT")

The builders and enums can also be imported from this package (lazily; importing the package
itself imports no torch)::

    from weighthub_classification import ResNet50_Weights, resnet50
"""

from __future__ import annotations

import importlib
from typing import Any

from ._catalogue import MODELS

_BUILDERS: dict[str, str] = {name: module for name, (module, _, _) in MODELS.items()}
_ENUMS: dict[str, str] = {enum: module for _, module, enum in MODELS.values()}

__all__ = sorted(_BUILDERS) + sorted(_ENUMS)


def __getattr__(name: str) -> Any:
    if name in _BUILDERS:
        module = importlib.import_module(f"{__name__}._models._{_BUILDERS[name]}")
    elif name in _ENUMS:
        module = importlib.import_module(f"{__name__}._weights._{_ENUMS[name]}")
    else:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
