"""The RAFT builders against torchvision's: architecture, loading, a real forward, legacy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.models import optical_flow as tvof
from torchvision.transforms import functional as F

import weighthub
from weighthub.testing import WeightsLoadStopped
from weighthub.testing.torchvision_oracle import state_dict_signature, warnings_of

NAMES = ["raft_large", "raft_small"]


def _photo_pair(
    photo: Image.Image, size: int = 128, shift: int = 4
) -> tuple[torch.Tensor, torch.Tensor]:
    """Two (1, 3, size, size) uint8 frames of the grace_hopper photo, the second shifted right."""
    image = torch.from_numpy(np.array(photo)).permute(2, 0, 1)
    image = F.resize(image, [size + 16, size + 16], antialias=True)
    first = image[:, 8 : 8 + size, 8 : 8 + size]
    second = image[:, 8 : 8 + size, 8 - shift : 8 - shift + size]
    return first.unsqueeze(0).contiguous(), second.unsqueeze(0).contiguous()


@pytest.mark.parametrize("name", NAMES)
def test_architecture_matches_torchvision(name):
    with torch.device("meta"):
        ours = weighthub.get_model(name)
        theirs = getattr(tvof, name)()
    assert type(ours) is type(theirs)
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    assert repr(ours) == repr(theirs)


def test_replacement_blocks_are_used_as_in_torchvision():
    with torch.device("meta"):
        encoder = tvof.raft.FeatureEncoder(
            block=tvof.raft.BottleneckBlock, layers=(32, 32, 64, 96, 128)
        )
        ours = weighthub.get_model("raft_small", feature_encoder=encoder)
        theirs = tvof.raft_small(feature_encoder=encoder)
    assert ours.feature_encoder is encoder
    assert state_dict_signature(ours) == state_dict_signature(theirs)


def test_raft_small_forward_on_real_frames(photo):
    weights = weighthub.get_weight("Raft_Small_Weights.DEFAULT")
    img1, img2 = weights.transforms()(*_photo_pair(photo))
    assert img1.shape == (1, 3, 128, 128)
    assert img1.min() >= -1 and img1.max() <= 1
    torch.manual_seed(0)
    model = weighthub.get_model("raft_small").eval()
    with torch.inference_mode():
        flows = model(img1, img2, num_flow_updates=3)
    assert isinstance(flows, list)
    assert len(flows) == 3
    for flow in flows:
        assert flow.shape == (1, 2, 128, 128)
        assert torch.isfinite(flow).all()


def test_checkpoint_loads_to_torchvisions_outputs(weights_server, photo):
    """A generated checkpoint, served as the member's file (meta-device fast path)."""
    torch.manual_seed(4)
    theirs = tvof.raft_small().eval()
    member = weighthub.get_weight("Raft_Small_Weights.C_T_V2")
    weights_server.serve(member, theirs.state_dict())
    ours = weighthub.get_model("raft_small", weights=member).eval()
    img1, img2 = member.transforms()(*_photo_pair(photo))
    with torch.inference_mode():
        mine = ours(img1, img2, num_flow_updates=2)
        their = theirs(img1, img2, num_flow_updates=2)
    for a, b in zip(mine, their, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize(
    "call",
    [lambda b: b(pretrained=False), lambda b: b(False), lambda b: b(False, True)],
    ids=["keyword", "positional", "positional-progress"],
)
def test_legacy_pretrained_false_warns_as_torchvision(call):
    ours = weighthub.get_model_builder("raft_small")
    with torch.device("meta"):
        assert warnings_of(lambda: call(ours)) == warnings_of(lambda: call(tvof.raft_small))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("raft_large", "Raft_Large_Weights.C_T_SKHT_V2"), ("raft_small", "Raft_Small_Weights.C_T_V2")],
)
def test_legacy_pretrained_true_picks_torchvisions_default(stopped_loads, name, expected):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(WeightsLoadStopped):
            weighthub.get_model(name, pretrained=True)
    assert repr(stopped_loads[0]) == expected
    assert f"`weights={expected}`" in str(caught[-1].message)
