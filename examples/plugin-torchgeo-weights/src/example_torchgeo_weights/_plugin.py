"""torchgeo's namespace, its meta keys declared once, and its enums attached to timm's models.

The plugin claims the namespace ``torchgeo``: its enums are ``"torchgeo/ResNet50_Weights"`` and
``"torchgeo/ViTSmall16_Weights"`` (``weighthub.models.torchgeo.ResNet50_Weights``), so keeping
torchgeo's names clashes with nothing: ``ResNet50_Weights`` written alone stays torchvision's.
They attach to weighthub-timm's ``"timm/resnet50"`` and ``"timm/vit_small_patch16_224"``, the
architectures torchgeo builds with ``timm.create_model(..., in_chans=...)``.
"""

from __future__ import annotations

import weighthub

__all__ = ["NAMESPACE", "register_models"]

NAMESPACE = "torchgeo"


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Claim ``torchgeo``, declare torchgeo's meta keys and attach its two enums."""
    registry.claim_namespace(NAMESPACE)
    registry.add_meta_keys(
        dataset=str,
        in_chans=int,
        model=str,
        publication=str,
        repo=str,
        ssl_method=str,
        # torchgeo's Satlas band lists are tuples, the others lists.
        bands=list[str] | tuple[str, ...],
        # weighthub's addition: torchgeo says the sensor in member names and docs, not in meta.
        sensor=str,
    )
    registry.add_weights("timm/resnet50", "example_torchgeo_weights._weights:ResNet50_Weights")
    registry.add_weights(
        "timm/vit_small_patch16_224", "example_torchgeo_weights._weights:ViTSmall16_Weights"
    )
