"""The plugin module of ``weighthub-optical-flow``: registers its models by reference only.

Imported by ``weighthub.list_models()``, so it must import neither torch nor the builders.
"""

from __future__ import annotations

import weighthub
from weighthub.tasks import Metric

OPTICAL_FLOW = weighthub.Task(
    "optical_flow",
    title="Optical flow",
    preset="OpticalFlow",
    sample_input="weighthub_optical_flow._task:sample_input",
    transforms_check="weighthub_optical_flow._task:transforms_check",
    docs=weighthub.TaskDocs(
        (
            Metric("Sintel-Train-Cleanpass", "epe", "Sintel clean EPE"),
            Metric("Sintel-Train-Finalpass", "epe", "Sintel final EPE"),
            Metric("Kitti-Train", "fl_all", "Kitti F1-all"),
        ),
        Metric("Sintel-Train-Finalpass", "epe", "Sintel-Train final pass EPE (lower is better)"),
        higher_is_better=False,
    ),
)
"""Its schema is the base one: RAFT's metrics differ per training schedule."""
TASK = OPTICAL_FLOW.name

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
    """Declare the optical flow task and register the 2 RAFT models."""
    registry.add_task(OPTICAL_FLOW)
    models = {name: ("._builders", f"._weights:{enum}") for name, enum in MODELS.items()}
    registry.add_models(models, task=TASK, package=_PACKAGE, namespace="optical_flow")
    registry.add_exports(CLASSES, "torchvision.models.optical_flow", namespace="optical_flow")
