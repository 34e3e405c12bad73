"""The plugin hook: registers timm's architectures that have pretrained weights, from the manifest.

Builders and enums are ``"module:attribute"`` strings (``weighthub_timm._build:resnet50``,
``weighthub_timm._weights:resnet50_Weights``), so listing reads the manifest and imports neither
timm nor torch. The models appear in ``weighthub.models.timm``.

Until weighthub has plugin namespaces (``"timm/resnet50"``), a timm architecture whose name is
already taken is left out, so that nothing clashes: the 33 names torchvision uses (``resnet50``,
``vgg16``, ``convnext_tiny`` ...: the manifest's ``torchvision_names``) stay the first-party
plugins', and a name a plugin discovered before this one registers (the example plugin's
``efficientnet_lite0``) stays that plugin's. A plugin discovered after this one that uses a timm
name still clashes. :func:`register_catalogue` is what the namespace work calls to register them
all under the plugin's namespace.
"""

from __future__ import annotations

from collections.abc import Collection

import weighthub
from weighthub.tasks import IMAGE_CLASSIFICATION

from ._manifest import Manifest, manifest
from ._names import enum_name

__all__ = ["TASK", "register_catalogue", "register_models"]

TASK = IMAGE_CLASSIFICATION.name
NAMESPACE = "timm"
_PACKAGE = __name__.rpartition(".")[0]


def register_catalogue(
    registry: weighthub.Registry,
    *,
    skip: Collection[str] = (),
    catalogue: Manifest | None = None,
) -> None:
    """Register every architecture of the manifest but those in ``skip``.

    Each is registered as ``weighthub_timm._build:<arch>`` (the builder) and
    ``weighthub_timm._weights:<arch>_Weights`` (its enum), in ``weighthub.models.timm``.

    Args:
        registry: The registry the hook is given.
        skip: Architecture names to leave out.
        catalogue: The manifest whose architectures to register; the plugin's own by default.
    """
    architectures = (manifest() if catalogue is None else catalogue).architectures
    models: dict[str, tuple[str, str | None]] = {
        arch: ("._build", f"._weights:{enum_name(arch)}")
        for arch in architectures
        if arch not in skip
    }
    registry.add_models(models, task=TASK, package=_PACKAGE, namespace=NAMESPACE)


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Register timm's architectures whose names are not taken (see the module's docstring)."""
    found = manifest()
    # During discovery, list_models() answers with the plugins discovered so far.
    taken = {name.lower() for name in weighthub.list_models()}
    skip = found.torchvision_names | {a for a in found.architectures if a.lower() in taken}
    register_catalogue(registry, skip=skip)
