"""The plugin hook: registers timm's architectures that have pretrained weights, from the manifest.

Builders and enums are ``"module:attribute"`` strings (``weighthub_timm._build:resnet50``,
``weighthub_timm._weights:resnet50_Weights``), so listing reads the manifest and imports neither
timm nor torch. The plugin claims the namespace ``timm``: every architecture is registered, as
``"timm/resnet50"`` (enum ``"timm/resnet50_Weights"``), in ``weighthub.models.timm``. The 33
names torchvision uses (``resnet50``, ``vgg16`` ...: the manifest's ``torchvision_names``) keep
meaning the first-party models when written without ``timm/``; the others work without it too
while no other plugin uses them.
"""

from __future__ import annotations

import weighthub
from weighthub.tasks import IMAGE_CLASSIFICATION

from ._manifest import Manifest, manifest
from ._names import enum_name

__all__ = ["NAMESPACE", "TASK", "register_catalogue", "register_models"]

TASK = IMAGE_CLASSIFICATION.name
NAMESPACE = "timm"
_PACKAGE = __name__.rpartition(".")[0]


def register_catalogue(registry: weighthub.Registry, *, catalogue: Manifest | None = None) -> None:
    """Register every architecture of the manifest.

    Each is registered as ``weighthub_timm._build:<arch>`` (the builder) and
    ``weighthub_timm._weights:<arch>_Weights`` (its enum), in the registry's namespace.

    Args:
        registry: The registry the hook is given.
        catalogue: The manifest whose architectures to register; the plugin's own by default.
    """
    architectures = (manifest() if catalogue is None else catalogue).architectures
    models: dict[str, tuple[str, str | None]] = {
        arch: ("._build", f"._weights:{enum_name(arch)}") for arch in architectures
    }
    registry.add_models(models, task=TASK, package=_PACKAGE)


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Claim the namespace ``timm`` and register every architecture of the manifest."""
    registry.claim_namespace(NAMESPACE)
    register_catalogue(registry)
