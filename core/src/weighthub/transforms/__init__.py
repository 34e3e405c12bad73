"""Preprocessing transforms of pretrained weights.

* :func:`preset` and :class:`PresetFactory` declare a transform without importing torch; weights
  enums use them as ``Weights(transforms=preset("ImageClassification", crop_size=224))``.
* :class:`ImageClassification`, :class:`ObjectDetection`, :class:`SemanticSegmentation`,
  :class:`VideoClassification` and :class:`OpticalFlow` are the transforms themselves
  (``torch.nn.Module`` objects behaving exactly as torchvision's presets). They are imported
  lazily, on first access, so ``import weighthub.transforms`` does not import torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._factory import PresetFactory, preset

if TYPE_CHECKING:
    from ._presets import (
        ImageClassification,
        ObjectDetection,
        OpticalFlow,
        SemanticSegmentation,
        VideoClassification,
    )

__all__ = [
    "preset",
    "PresetFactory",
    "ImageClassification",
    "ObjectDetection",
    "SemanticSegmentation",
    "VideoClassification",
    "OpticalFlow",
]

_LAZY = frozenset(
    {
        "ImageClassification",
        "ObjectDetection",
        "SemanticSegmentation",
        "VideoClassification",
        "OpticalFlow",
    }
)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module("._presets", __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
