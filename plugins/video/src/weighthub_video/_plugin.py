"""The plugin module of ``weighthub-video``: registers its models by reference only.

Imported by ``weighthub.list_models()``, so it must import neither torch nor the builders.
"""

from __future__ import annotations

import weighthub
from weighthub.tasks import Metric

_KINETICS = "Kinetics-400"

VIDEO_CLASSIFICATION = weighthub.Task(
    "video_classification",
    title="Video classification",
    keys=frozenset({"categories"}),
    metrics=frozenset({(_KINETICS, "acc@1"), (_KINETICS, "acc@5")}),
    preset="VideoClassification",
    sample_input="weighthub_video._task:sample_input",
    transforms_check="weighthub_video._task:transforms_check",
    predict="video",
    docs=weighthub.TaskDocs(
        (Metric(_KINETICS, "acc@1", "Acc@1"), Metric(_KINETICS, "acc@5", "Acc@5")),
        Metric(_KINETICS, "acc@1", "Kinetics-400 acc@1 (%)"),
    ),
)
TASK = VIDEO_CLASSIFICATION.name

# Registered name -> weights enum; every builder is ``_builders:<name>``.
MODELS: dict[str, str] = {
    "r3d_18": "R3D_18_Weights",
    "mc3_18": "MC3_18_Weights",
    "r2plus1d_18": "R2Plus1D_18_Weights",
    "s3d": "S3D_Weights",
    "mvit_v1_b": "MViT_V1_B_Weights",
    "mvit_v2_s": "MViT_V2_S_Weights",
    "swin3d_t": "Swin3D_T_Weights",
    "swin3d_s": "Swin3D_S_Weights",
    "swin3d_b": "Swin3D_B_Weights",
}

_PACKAGE = "weighthub_video"

# torchvision's model classes, exported in weighthub.models.video.
CLASSES = (
    "MViT",
    "S3D",
    "SwinTransformer3d",
    "VideoResNet",
)


@weighthub.hookimpl
def register_models(registry: weighthub.Registry) -> None:
    """Declare the video classification task and register its 9 models."""
    registry.add_task(VIDEO_CLASSIFICATION)
    models = {name: ("._builders", f"._weights:{enum}") for name, enum in MODELS.items()}
    registry.add_models(models, task=TASK, package=_PACKAGE, namespace="video")
    registry.add_exports(CLASSES, "torchvision.models.video", namespace="video")
