"""The video classification builders: torchvision's ``torchvision.models.video`` builders.

The architectures are torchvision's modules; loading goes through :func:`weighthub.construct_model`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from torch import nn
from torchvision.models.video.mvit import MSBlockConfig, MViT
from torchvision.models.video.resnet import (
    BasicBlock,
    BasicStem,
    Conv2Plus1D,
    Conv3DNoTemporal,
    Conv3DSimple,
    R2Plus1dStem,
    VideoResNet,
)
from torchvision.models.video.s3d import S3D
from torchvision.models.video.swin_transformer import SwinTransformer3d

from weighthub import WeightsEnum
from weighthub.building import (
    TORCHVISION_SHAPED,
    BuildFn,
    load,
    make_builder,
    overwrite_named_param,
    set_num_classes,
    square_min_size,
)

from ._weights import (
    MC3_18_Weights,
    MViT_V1_B_Weights,
    MViT_V2_S_Weights,
    R2Plus1D_18_Weights,
    R3D_18_Weights,
    S3D_Weights,
    Swin3D_B_Weights,
    Swin3D_S_Weights,
    Swin3D_T_Weights,
)

M = TypeVar("M", bound=nn.Module)

__all__ = [
    "mc3_18",
    "mvit_v1_b",
    "mvit_v2_s",
    "r2plus1d_18",
    "r3d_18",
    "s3d",
    "swin3d_b",
    "swin3d_s",
    "swin3d_t",
]


_ARGS_DOC = """

Args:
    weights: ``{enum}`` (or its member name), or None for random weights.
    progress: Show a download progress bar.
    **kwargs: Passed to ``{model_cls}``.
"""


def _builder(
    name: str, enum: type[WeightsEnum], build: BuildFn[M], model_cls: type[M], summary: str
) -> Callable[..., M]:
    path = {VideoResNet: "torchvision.models.video.resnet.VideoResNet"}.get(
        model_cls, f"{model_cls.__module__}.{model_cls.__name__}"
    )
    return make_builder(
        name,
        enum,
        build,
        model_cls=model_cls,
        summary=summary,
        module=TORCHVISION_SHAPED,
        args_doc=_ARGS_DOC.format(enum=enum.__name__, model_cls=path),
        legacy_default=enum.KINETICS400_V1,  # type: ignore[attr-defined]
    )


def _video_resnet(
    conv_makers: Sequence[type[Conv3DSimple | Conv3DNoTemporal | Conv2Plus1D]],
    stem: Callable[..., nn.Module],
) -> BuildFn[VideoResNet]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> VideoResNet:
        set_num_classes(weights, kwargs)
        return load(
            lambda: VideoResNet(BasicBlock, conv_makers, [2, 2, 2, 2], stem, **kwargs),
            weights,
            progress,
        )

    return build


def _build_s3d(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> S3D:
    set_num_classes(weights, kwargs)
    return load(lambda: S3D(**kwargs), weights, progress)


_CLOSER_LOOK = '"A Closer Look at Spatiotemporal Convolutions"'
r3d_18 = _builder(
    "r3d_18",
    R3D_18_Weights,
    _video_resnet([Conv3DSimple] * 4, BasicStem),
    VideoResNet,
    f"Build the 18-layer ResNet3D of {_CLOSER_LOOK}.",
)
mc3_18 = _builder(
    "mc3_18",
    MC3_18_Weights,
    _video_resnet([Conv3DSimple, Conv3DNoTemporal, Conv3DNoTemporal, Conv3DNoTemporal], BasicStem),
    VideoResNet,
    f"Build the 18-layer mixed-convolution network (MC3) of {_CLOSER_LOOK}.",
)
r2plus1d_18 = _builder(
    "r2plus1d_18",
    R2Plus1D_18_Weights,
    _video_resnet([Conv2Plus1D] * 4, R2Plus1dStem),
    VideoResNet,
    f"Build the 18-layer (2+1)D network of {_CLOSER_LOOK}.",
)
s3d = _builder(
    "s3d",
    S3D_Weights,
    _build_s3d,
    S3D,
    'Build S3D, of "Rethinking Spatiotemporal Feature Learning".',
)


# MViT: 16 blocks; the query is pooled (spatial stride 2) in blocks 1, 3 and 14, and the
# key/value stride shrinks from 8 to 1 along the network.
_MVIT_POOL_Q = frozenset({1, 3, 14})


def _mvit_stride_kv(block: int) -> list[int]:
    if block == 0:
        return [1, 8, 8]
    if block < 3:
        return [1, 4, 4]
    return [1, 2, 2] if block < 14 else [1, 1, 1]


def _mvit_blocks(
    input_channels: list[int], output_channels: list[int], *, v2: bool
) -> list[MSBlockConfig]:
    num_heads = [1] + [2] * 2 + [4] * 11 + [8] * 2
    blocks = []
    for i, heads in enumerate(num_heads):
        pooled = i in _MVIT_POOL_Q
        if v2:  # every block has a query pooling kernel, strided only where pooled
            kernel_q, stride_q = [3, 3, 3], [1, 2, 2] if pooled else [1, 1, 1]
        else:
            kernel_q, stride_q = ([3, 3, 3], [1, 2, 2]) if pooled else ([], [])
        blocks.append(
            MSBlockConfig(
                num_heads=heads,
                input_channels=input_channels[i],
                output_channels=output_channels[i],
                kernel_q=kernel_q,
                kernel_kv=[3, 3, 3],
                stride_q=stride_q,
                stride_kv=_mvit_stride_kv(i),
            )
        )
    return blocks


def _mvit_model(
    block_setting: list[MSBlockConfig],
    fixed: dict[str, bool],
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> MViT:
    if weights is not None:
        set_num_classes(weights, kwargs)
        overwrite_named_param(kwargs, "spatial_size", square_min_size(weights))
        overwrite_named_param(kwargs, "temporal_size", weights.meta["min_temporal_size"])
    return load(lambda: MViT(block_setting=block_setting, **fixed, **kwargs), weights, progress)


def _mvit(input_channels: list[int], output_channels: list[int], *, v2: bool) -> BuildFn[MViT]:
    """MViT V1-B (``v2=False``) or V2-S, 16 blocks of the given channels."""
    block_setting = _mvit_blocks(input_channels, output_channels, v2=v2)
    fixed = {
        "residual_pool": v2,
        "residual_with_cls_embed": False,
        "rel_pos_embed": v2,
        "proj_after_attn": v2,
    }

    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> MViT:
        # Fixed as in torchvision: passing either size is a TypeError ("multiple values").
        return _mvit_model(
            block_setting,
            fixed,
            weights,
            progress,
            spatial_size=(224, 224),
            temporal_size=16,
            stochastic_depth_prob=kwargs.pop("stochastic_depth_prob", 0.2),
            **kwargs,
        )

    return build


mvit_v1_b = _builder(
    "mvit_v1_b",
    MViT_V1_B_Weights,
    _mvit([96] + [192] * 2 + [384] * 11 + [768] * 2, [192] * 2 + [384] * 11 + [768] * 3, v2=False),
    MViT,
    'Build MViT V1-B, of "Multiscale Vision Transformers".',
)
mvit_v2_s = _builder(
    "mvit_v2_s",
    MViT_V2_S_Weights,
    _mvit(
        [96] * 2 + [192] * 2 + [384] * 11 + [768],
        [96] + [192] * 2 + [384] * 11 + [768] * 2,
        v2=True,
    ),
    MViT,
    'Build MViT V2-S, of "MViTv2: Improved Multiscale Vision Transformers".',
)


def _swin3d(embed_dim: int, depths: list[int], num_heads: list[int]) -> BuildFn[SwinTransformer3d]:
    def build(
        weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]
    ) -> SwinTransformer3d:
        set_num_classes(weights, kwargs)
        return load(
            lambda: SwinTransformer3d(
                patch_size=[2, 4, 4],
                embed_dim=embed_dim,
                depths=depths,
                num_heads=num_heads,
                window_size=[8, 7, 7],
                stochastic_depth_prob=0.1,
                **kwargs,
            ),
            weights,
            progress,
        )

    return build


_SWIN3D = '"Video Swin Transformer"'
swin3d_t = _builder(
    "swin3d_t",
    Swin3D_T_Weights,
    _swin3d(96, [2, 2, 6, 2], [3, 6, 12, 24]),
    SwinTransformer3d,
    f"Build Swin3D-T, of {_SWIN3D}.",
)
swin3d_s = _builder(
    "swin3d_s",
    Swin3D_S_Weights,
    _swin3d(96, [2, 2, 18, 2], [3, 6, 12, 24]),
    SwinTransformer3d,
    f"Build Swin3D-S, of {_SWIN3D}.",
)
swin3d_b = _builder(
    "swin3d_b",
    Swin3D_B_Weights,
    _swin3d(128, [2, 2, 18, 2], [4, 8, 16, 32]),
    SwinTransformer3d,
    f"Build Swin3D-B, of {_SWIN3D}.",
)
