"""The video classification builders: torchvision's ``torchvision.models.video`` builders.

The architectures are torchvision's modules; loading goes through :func:`weighthub.construct_model`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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

import weighthub
from weighthub import WeightsEnum, handle_legacy_interface, overwrite_named_param

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


def _num_classes(weights: WeightsEnum | None, kwargs: dict[str, Any]) -> None:
    if weights is not None:
        overwrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))


def _video_resnet(
    conv_makers: Sequence[type[Conv3DSimple | Conv3DNoTemporal | Conv2Plus1D]],
    stem: Callable[..., nn.Module],
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> VideoResNet:
    _num_classes(weights, kwargs)
    return weighthub.construct_model(
        lambda: VideoResNet(BasicBlock, conv_makers, [2, 2, 2, 2], stem, **kwargs),
        weights,
        progress=progress,
    )


@handle_legacy_interface(weights=("pretrained", R3D_18_Weights.KINETICS400_V1))
def r3d_18(
    *, weights: R3D_18_Weights | None = None, progress: bool = True, **kwargs: Any
) -> VideoResNet:
    """Build the 18-layer ResNet3D of "A Closer Look at Spatiotemporal Convolutions".

    Args:
        weights: ``R3D_18_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.resnet.VideoResNet``.
    """
    weights = R3D_18_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    return _video_resnet([Conv3DSimple] * 4, BasicStem, weights, progress, **kwargs)


@handle_legacy_interface(weights=("pretrained", MC3_18_Weights.KINETICS400_V1))
def mc3_18(
    *, weights: MC3_18_Weights | None = None, progress: bool = True, **kwargs: Any
) -> VideoResNet:
    """Build the 18-layer mixed-convolution network (MC3) of "A Closer Look at Spatiotemporal
    Convolutions".

    Args:
        weights: ``MC3_18_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.resnet.VideoResNet``.
    """
    weights = MC3_18_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    conv_makers: list[type[Conv3DSimple | Conv3DNoTemporal]] = [Conv3DSimple]
    conv_makers += [Conv3DNoTemporal] * 3
    return _video_resnet(conv_makers, BasicStem, weights, progress, **kwargs)


@handle_legacy_interface(weights=("pretrained", R2Plus1D_18_Weights.KINETICS400_V1))
def r2plus1d_18(
    *, weights: R2Plus1D_18_Weights | None = None, progress: bool = True, **kwargs: Any
) -> VideoResNet:
    """Build the 18-layer (2+1)D network of "A Closer Look at Spatiotemporal Convolutions".

    Args:
        weights: ``R2Plus1D_18_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.resnet.VideoResNet``.
    """
    weights = R2Plus1D_18_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    return _video_resnet([Conv2Plus1D] * 4, R2Plus1dStem, weights, progress, **kwargs)


@handle_legacy_interface(weights=("pretrained", S3D_Weights.KINETICS400_V1))
def s3d(*, weights: S3D_Weights | None = None, progress: bool = True, **kwargs: Any) -> S3D:
    """Build S3D, of "Rethinking Spatiotemporal Feature Learning".

    Args:
        weights: ``S3D_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.S3D``.
    """
    weights = S3D_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    _num_classes(weights, kwargs)
    return weighthub.construct_model(lambda: S3D(**kwargs), weights, progress=progress)


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


def _mvit(
    block_setting: list[MSBlockConfig],
    stochastic_depth_prob: float,
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> MViT:
    if weights is not None:
        _num_classes(weights, kwargs)
        height, width = weights.meta["min_size"]
        if height != width:
            msg = f"MViT weights need a square min_size, got {weights.meta['min_size']}."
            raise ValueError(msg)
        overwrite_named_param(kwargs, "spatial_size", weights.meta["min_size"])
        overwrite_named_param(kwargs, "temporal_size", weights.meta["min_temporal_size"])
    spatial_size = kwargs.pop("spatial_size", (224, 224))
    temporal_size = kwargs.pop("temporal_size", 16)
    options = {
        "residual_pool": kwargs.pop("residual_pool", False),
        "residual_with_cls_embed": kwargs.pop("residual_with_cls_embed", True),
        "rel_pos_embed": kwargs.pop("rel_pos_embed", False),
        "proj_after_attn": kwargs.pop("proj_after_attn", False),
    }
    return weighthub.construct_model(
        lambda: MViT(
            spatial_size=spatial_size,
            temporal_size=temporal_size,
            block_setting=block_setting,
            stochastic_depth_prob=stochastic_depth_prob,
            **options,
            **kwargs,
        ),
        weights,
        progress=progress,
    )


@handle_legacy_interface(weights=("pretrained", MViT_V1_B_Weights.KINETICS400_V1))
def mvit_v1_b(
    *, weights: MViT_V1_B_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MViT:
    """Build MViT V1-B, of "Multiscale Vision Transformers".

    Args:
        weights: ``MViT_V1_B_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.MViT``.
    """
    weights = MViT_V1_B_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    input_channels = [96] + [192] * 2 + [384] * 11 + [768] * 2
    output_channels = [192] * 2 + [384] * 11 + [768] * 3
    return _mvit(
        spatial_size=(224, 224),
        temporal_size=16,
        block_setting=_mvit_blocks(input_channels, output_channels, v2=False),
        residual_pool=False,
        residual_with_cls_embed=False,
        stochastic_depth_prob=kwargs.pop("stochastic_depth_prob", 0.2),
        weights=weights,
        progress=progress,
        **kwargs,
    )


@handle_legacy_interface(weights=("pretrained", MViT_V2_S_Weights.KINETICS400_V1))
def mvit_v2_s(
    *, weights: MViT_V2_S_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MViT:
    """Build MViT V2-S, of "MViTv2: Improved Multiscale Vision Transformers".

    Args:
        weights: ``MViT_V2_S_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.MViT``.
    """
    weights = MViT_V2_S_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    input_channels = [96] * 2 + [192] * 2 + [384] * 11 + [768]
    output_channels = [96] + [192] * 2 + [384] * 11 + [768] * 2
    return _mvit(
        spatial_size=(224, 224),
        temporal_size=16,
        block_setting=_mvit_blocks(input_channels, output_channels, v2=True),
        residual_pool=True,
        residual_with_cls_embed=False,
        rel_pos_embed=True,
        proj_after_attn=True,
        stochastic_depth_prob=kwargs.pop("stochastic_depth_prob", 0.2),
        weights=weights,
        progress=progress,
        **kwargs,
    )


def _swin3d(
    embed_dim: int,
    depths: list[int],
    num_heads: list[int],
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> SwinTransformer3d:
    _num_classes(weights, kwargs)
    return weighthub.construct_model(
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
        progress=progress,
    )


@handle_legacy_interface(weights=("pretrained", Swin3D_T_Weights.KINETICS400_V1))
def swin3d_t(
    *, weights: Swin3D_T_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer3d:
    """Build Swin3D-T, of "Video Swin Transformer".

    Args:
        weights: ``Swin3D_T_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.swin_transformer.SwinTransformer3d``.
    """
    weights = Swin3D_T_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    return _swin3d(96, [2, 2, 6, 2], [3, 6, 12, 24], weights, progress, **kwargs)


@handle_legacy_interface(weights=("pretrained", Swin3D_S_Weights.KINETICS400_V1))
def swin3d_s(
    *, weights: Swin3D_S_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer3d:
    """Build Swin3D-S, of "Video Swin Transformer".

    Args:
        weights: ``Swin3D_S_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.swin_transformer.SwinTransformer3d``.
    """
    weights = Swin3D_S_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    return _swin3d(96, [2, 2, 18, 2], [3, 6, 12, 24], weights, progress, **kwargs)


@handle_legacy_interface(weights=("pretrained", Swin3D_B_Weights.KINETICS400_V1))
def swin3d_b(
    *, weights: Swin3D_B_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer3d:
    """Build Swin3D-B, of "Video Swin Transformer".

    Args:
        weights: ``Swin3D_B_Weights`` (or its member name), or None for random weights.
        progress: Show a download progress bar.
        **kwargs: Passed to ``torchvision.models.video.swin_transformer.SwinTransformer3d``.
    """
    weights = Swin3D_B_Weights.verify(weights)
    weighthub.apply_model_kwargs(weights, kwargs)
    return _swin3d(128, [2, 2, 18, 2], [4, 8, 16, 32], weights, progress, **kwargs)
