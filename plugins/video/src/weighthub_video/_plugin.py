"""The plugin module of ``weighthub-video``: registers its models by reference only.

Imported by ``weighthub.list_models()``, so it must import neither torch nor the builders.
"""

from __future__ import annotations

import weighthub

TASK = "video_classification"

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
    """Register the 9 video classification models."""
    for name, enum in MODELS.items():
        registry.add_model(
            name,
            task=TASK,
            builder=f"{_PACKAGE}._builders:{name}",
            weights=f"{_PACKAGE}._weights:{enum}",
            namespace="video",
        )
    for class_name in CLASSES:
        registry.add_export(class_name, f"torchvision.models.video:{class_name}", namespace="video")
