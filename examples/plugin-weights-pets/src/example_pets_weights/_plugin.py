"""The entry-point module of example-pets-weights: attaches its weights to ``shufflenet_v2_x0_5``.

``shufflenet_v2_x0_5`` itself comes from plugin 'classification' (distribution 'weighthub-
classification'); the weights are given as a ``"module:ClassName"`` string, so listing imports
neither torch nor the weights module.
"""

from __future__ import annotations

import weighthub

__all__ = ["register_models"]


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Attach ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights to shufflenet_v2_x0_5."""
    registry.add_weights(
        "shufflenet_v2_x0_5",
        "example_pets_weights._weights:ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights",
    )
