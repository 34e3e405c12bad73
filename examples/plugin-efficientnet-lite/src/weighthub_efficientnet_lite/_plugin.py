"""The entry-point module: registers ``efficientnet_lite0`` with weighthub.

The builder and the weights enum are given as ``"module:attribute"`` strings (see
``weighthub.hookspecs``), so ``weighthub.list_models()`` imports neither torch nor the model code.
"""

from __future__ import annotations

import weighthub

__all__ = ["register_models"]


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Register EfficientNet-Lite0."""
    registry.add_model(
        "efficientnet_lite0",
        task="image_classification",
        builder="weighthub_efficientnet_lite._builder:efficientnet_lite0",
        weights="weighthub_efficientnet_lite._weights:EfficientNet_Lite0_Weights",
    )
