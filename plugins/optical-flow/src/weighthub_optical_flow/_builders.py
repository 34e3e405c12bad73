"""The RAFT builders: torchvision's ``raft_large`` and ``raft_small``.

RAFT is assembled from torchvision's blocks (feature and context encoders, correlation block,
update block, mask predictor); loading goes through :func:`weighthub.construct_model`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from torch import nn
from torchvision.models.optical_flow.raft import (
    RAFT,
    BottleneckBlock,
    CorrBlock,
    FeatureEncoder,
    FlowHead,
    MaskPredictor,
    MotionEncoder,
    RecurrentBlock,
    ResidualBlock,
    UpdateBlock,
)

from weighthub import WeightsEnum
from weighthub.building import TORCHVISION_SHAPED, BuildFn, load, make_builder

from ._weights import Raft_Large_Weights, Raft_Small_Weights

__all__ = ["raft_large", "raft_small"]


@dataclass(frozen=True)
class _RaftConfig:
    """The hyper-parameters that tell RAFT-large from RAFT-small."""

    feature_encoder_layers: tuple[int, int, int, int, int]
    feature_encoder_block: type[nn.Module]
    feature_encoder_norm_layer: type[nn.Module]
    context_encoder_layers: tuple[int, int, int, int, int]
    context_encoder_block: type[nn.Module]
    context_encoder_norm_layer: type[nn.Module] | None
    corr_block_num_levels: int
    corr_block_radius: int
    motion_encoder_corr_layers: tuple[int, ...]
    motion_encoder_flow_layers: tuple[int, ...]
    motion_encoder_out_channels: int
    recurrent_block_hidden_state_size: int
    recurrent_block_kernel_size: tuple[Any, ...]
    recurrent_block_padding: tuple[Any, ...]
    flow_head_hidden_size: int
    use_mask_predictor: bool


_LARGE = _RaftConfig(
    feature_encoder_layers=(64, 64, 96, 128, 256),
    feature_encoder_block=ResidualBlock,
    feature_encoder_norm_layer=nn.InstanceNorm2d,
    context_encoder_layers=(64, 64, 96, 128, 256),
    context_encoder_block=ResidualBlock,
    context_encoder_norm_layer=nn.BatchNorm2d,
    corr_block_num_levels=4,
    corr_block_radius=4,
    motion_encoder_corr_layers=(256, 192),
    motion_encoder_flow_layers=(128, 64),
    motion_encoder_out_channels=128,
    recurrent_block_hidden_state_size=128,
    recurrent_block_kernel_size=((1, 5), (5, 1)),
    recurrent_block_padding=((0, 2), (2, 0)),
    flow_head_hidden_size=256,
    use_mask_predictor=True,
)

_SMALL = _RaftConfig(
    feature_encoder_layers=(32, 32, 64, 96, 128),
    feature_encoder_block=BottleneckBlock,
    feature_encoder_norm_layer=nn.InstanceNorm2d,
    context_encoder_layers=(32, 32, 64, 96, 160),
    context_encoder_block=BottleneckBlock,
    context_encoder_norm_layer=None,
    corr_block_num_levels=4,
    corr_block_radius=3,
    motion_encoder_corr_layers=(96,),
    motion_encoder_flow_layers=(64, 32),
    motion_encoder_out_channels=82,
    recurrent_block_hidden_state_size=96,
    recurrent_block_kernel_size=(3,),
    recurrent_block_padding=(1,),
    flow_head_hidden_size=128,
    use_mask_predictor=False,
)


def _make_raft(config: _RaftConfig, parts: dict[str, Any], kwargs: dict[str, Any]) -> RAFT:
    """Assemble RAFT; ``parts`` are the caller's replacement blocks (None: build the default)."""
    c = config
    feature_encoder = parts["feature_encoder"] or FeatureEncoder(
        block=c.feature_encoder_block,
        layers=c.feature_encoder_layers,
        norm_layer=c.feature_encoder_norm_layer,
    )
    context_encoder = parts["context_encoder"] or FeatureEncoder(
        block=c.context_encoder_block,
        layers=c.context_encoder_layers,
        norm_layer=c.context_encoder_norm_layer,
    )
    corr_block = parts["corr_block"] or CorrBlock(
        num_levels=c.corr_block_num_levels, radius=c.corr_block_radius
    )
    update_block = parts["update_block"]
    if update_block is None:
        motion_encoder = MotionEncoder(
            in_channels_corr=corr_block.out_channels,
            corr_layers=c.motion_encoder_corr_layers,
            flow_layers=c.motion_encoder_flow_layers,
            out_channels=c.motion_encoder_out_channels,
        )
        # The context encoder's output is split into the hidden state and the context.
        out_channels_context = c.context_encoder_layers[-1] - c.recurrent_block_hidden_state_size
        recurrent_block = RecurrentBlock(
            input_size=motion_encoder.out_channels + out_channels_context,
            hidden_size=c.recurrent_block_hidden_state_size,
            kernel_size=c.recurrent_block_kernel_size,
            padding=c.recurrent_block_padding,
        )
        flow_head = FlowHead(
            in_channels=c.recurrent_block_hidden_state_size, hidden_size=c.flow_head_hidden_size
        )
        update_block = UpdateBlock(
            motion_encoder=motion_encoder, recurrent_block=recurrent_block, flow_head=flow_head
        )
    mask_predictor = parts["mask_predictor"]
    if mask_predictor is None and c.use_mask_predictor:
        mask_predictor = MaskPredictor(
            in_channels=c.recurrent_block_hidden_state_size, hidden_size=256, multiplier=0.25
        )
    return RAFT(
        feature_encoder=feature_encoder,
        context_encoder=context_encoder,
        corr_block=corr_block,
        update_block=update_block,
        mask_predictor=mask_predictor,
        **kwargs,
    )


def _raft(config: _RaftConfig) -> BuildFn[RAFT]:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> RAFT:
        names = ("feature_encoder", "context_encoder", "corr_block", "update_block")
        parts = {name: kwargs.pop(name, None) for name in (*names, "mask_predictor")}
        return load(lambda: _make_raft(config, parts, kwargs), weights, progress)

    return build


_ARGS_DOC = """

Args:
    weights: ``{enum}`` (or its member name), or None for random weights.
    progress: Show a download progress bar.
    **kwargs: Passed to ``torchvision.models.optical_flow.RAFT``; ``feature_encoder``,
        ``context_encoder``, ``corr_block``, ``update_block`` and ``mask_predictor`` replace
        the default blocks.
"""
_PAPER = '"RAFT: Recurrent All Pairs Field Transforms for Optical Flow"'

raft_large = make_builder(
    "raft_large",
    Raft_Large_Weights,
    _raft(_LARGE),
    model_cls=RAFT,
    summary=f"Build RAFT-large, of {_PAPER}.",
    module=TORCHVISION_SHAPED,
    args_doc=_ARGS_DOC.format(enum="Raft_Large_Weights"),
    legacy_default=Raft_Large_Weights.C_T_SKHT_V2,
)
raft_small = make_builder(
    "raft_small",
    Raft_Small_Weights,
    _raft(_SMALL),
    model_cls=RAFT,
    summary=f"Build RAFT-small, of {_PAPER}.",
    module=TORCHVISION_SHAPED,
    args_doc=_ARGS_DOC.format(enum="Raft_Small_Weights"),
    legacy_default=Raft_Small_Weights.C_T_V2,
)
