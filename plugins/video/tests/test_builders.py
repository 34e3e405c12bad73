"""The video builders against torchvision's: architecture, loading, a real forward, legacy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.models import get_model as tv_get_model
from torchvision.models import list_models as tv_list_models
from torchvision.models import video as tvv

import weighthub
from weighthub.testing import WeightsLoadStopped
from weighthub.testing.torchvision_oracle import state_dict_signature, warnings_of

NAMES = sorted(tv_list_models(tvv))


def _photo_frames(photo: Image.Image, count: int, shift: int = 3) -> torch.Tensor:
    """``count`` uint8 frames (T, C, H, W) of the grace_hopper photo, panning right."""
    image = torch.from_numpy(np.array(photo)).permute(2, 0, 1)
    return torch.stack([torch.roll(image, shifts=i * shift, dims=2) for i in range(count)])


@pytest.mark.parametrize("name", NAMES)
def test_architecture_matches_torchvision(name):
    with torch.device("meta"):
        ours = weighthub.get_model(name)
        theirs = tv_get_model(name)
    assert type(ours) is type(theirs)
    assert state_dict_signature(ours) == state_dict_signature(theirs)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("r3d_18", {"num_classes": 7}),
        ("mvit_v2_s", {"num_classes": 7, "stochastic_depth_prob": 0.1, "dropout": 0.3}),
        ("swin3d_t", {"num_classes": 7, "mlp_ratio": 2.0}),
        ("s3d", {"num_classes": 7, "dropout": 0.5}),
    ],
)
def test_builder_kwargs_match_torchvision(name, kwargs):
    with torch.device("meta"):
        ours = weighthub.get_model(name, **kwargs)
        theirs = tv_get_model(name, **kwargs)
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    assert repr(ours) == repr(theirs)


def test_r3d_18_forward_on_real_frames(photo):
    weights = weighthub.get_weight("R3D_18_Weights.DEFAULT")
    clip = weights.transforms()(_photo_frames(photo, 4))
    assert clip.shape == (3, 4, 112, 112)
    torch.manual_seed(0)
    model = weighthub.get_model("r3d_18").eval()
    with torch.inference_mode():
        out = model(clip.unsqueeze(0))
    assert out.shape == (1, 400)
    assert torch.isfinite(out).all()


def test_checkpoint_loads_to_torchvisions_outputs(weights_server, photo):
    """A generated checkpoint, served as the member's file (meta-device fast path)."""
    torch.manual_seed(3)
    theirs = tvv.mc3_18().eval()
    member = weighthub.get_weight("MC3_18_Weights.KINETICS400_V1")
    weights_server.serve(member, theirs.state_dict())
    ours = weighthub.get_model("mc3_18", weights=member).eval()
    clip = member.transforms()(_photo_frames(photo, 4)).unsqueeze(0)
    with torch.inference_mode():
        torch.testing.assert_close(ours(clip), theirs(clip), rtol=0, atol=0)


def test_num_classes_conflict_is_torchvisions_error(stopped_loads):
    with pytest.raises(ValueError) as theirs:
        tvv.r3d_18(weights="DEFAULT", num_classes=10)
    with pytest.raises(ValueError) as ours:
        weighthub.get_model("r3d_18", weights="DEFAULT", num_classes=10)
    assert str(ours.value) == str(theirs.value)


def test_mvit_fixed_sizes_are_torchvisions():
    """As in torchvision, spatial_size/temporal_size are fixed by the builder (a TypeError)."""
    with pytest.raises(TypeError, match="multiple values for keyword argument 'temporal_size'"):
        tvv.mvit_v2_s(temporal_size=8)
    with pytest.raises(TypeError, match="multiple values for keyword argument 'temporal_size'"):
        weighthub.get_model("mvit_v2_s", temporal_size=8)


@pytest.mark.parametrize(
    "call",
    [lambda b: b(pretrained=False), lambda b: b(False), lambda b: b(False, True)],
    ids=["keyword", "positional", "positional-progress"],
)
def test_legacy_pretrained_false_warns_as_torchvision(call):
    ours = weighthub.get_model_builder("mc3_18")
    with torch.device("meta"):
        assert warnings_of(lambda: call(ours)) == warnings_of(lambda: call(tvv.mc3_18))


def test_legacy_pretrained_true_picks_torchvisions_default(stopped_loads):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(WeightsLoadStopped):
            weighthub.get_model("swin3d_b", pretrained=True)
    assert repr(stopped_loads[0]) == "Swin3D_B_Weights.KINETICS400_V1"
    assert "`weights=Swin3D_B_Weights.KINETICS400_V1`" in str(caught[-1].message)
