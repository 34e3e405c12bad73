"""torchgeo's meta keys, declared once, and its enums attached to timm's architectures.

Needs plugin namespaces (``"timm/resnet50"``, and this plugin's ``torchgeo`` namespace so that
``ResNet50_Weights`` clashes with torchvision's enum of that name): until they land, this plugin is
not installed by ``scripts/dev.py``.
"""

import weighthub


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    registry.add_meta_keys(
        dataset=str,
        in_chans=int,
        model=str,
        publication=str,
        repo=str,
        ssl_method=str,
        # torchgeo's Satlas band lists are tuples, the others lists.
        bands=list[str] | tuple[str, ...],
    )
    registry.add_weights("timm/resnet50", "example_torchgeo_weights._weights:ResNet50_Weights")
    registry.add_weights(
        "timm/vit_small_patch16_224", "example_torchgeo_weights._weights:ViTSmall16_Weights"
    )
