"""The plugin module of ``weighthub-optical-flow``: registers its models by reference only.

Imported by ``weighthub.list_models()``, so it must import neither torch nor the builders.
"""

from __future__ import annotations

import weighthub

TASK = "optical_flow"

# Registered name -> weights enum; every builder is ``_builders:<name>``.
MODELS: dict[str, str] = {
    "raft_large": "Raft_Large_Weights",
    "raft_small": "Raft_Small_Weights",
}

_PACKAGE = "weighthub_optical_flow"

# torchvision's model classes, exported in weighthub.models.optical_flow.
CLASSES = ("RAFT",)


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Register the 2 RAFT optical flow models."""
    for name, enum in MODELS.items():
        registry.add_model(
            name,
            task=TASK,
            builder=f"{_PACKAGE}._builders:{name}",
            weights=f"{_PACKAGE}._weights:{enum}",
            namespace="optical_flow",
        )
    for class_name in CLASSES:
        registry.add_export(
            class_name, f"torchvision.models.optical_flow:{class_name}", namespace="optical_flow"
        )
