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

from weighthub.building import lazy_exports

from ._catalogue import MODELS

_LAZY = {name: f"_models._{module}" for name, (module, _, _) in MODELS.items()}
_LAZY.update({enum: f"_weights._{module}" for _, module, enum in MODELS.values()})
__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
