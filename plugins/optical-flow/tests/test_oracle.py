"""The torchvision oracle: every RAFT enum, member, URL, meta value and transform matches."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torchvision.models import get_model_builder as tv_get_model_builder
from torchvision.models import get_model_weights as tv_get_model_weights
from torchvision.models import list_models as tv_list_models
from torchvision.models import optical_flow as tvof

import weighthub
import weighthub_optical_flow
from weighthub.meta import validate_meta
from weighthub_optical_flow._plugin import MODELS, TASK

TV_NAMES = sorted(tv_list_models(tvof))
MEMBERS = [
    (tv_member, weighthub.get_model_weights(name)[tv_member.name])
    for name in TV_NAMES
    for tv_member in tv_get_model_weights(name)
]


def test_registers_exactly_torchvisions_optical_flow_builders():
    assert sorted(MODELS) == TV_NAMES == ["raft_large", "raft_small"]
    assert weighthub.list_models(task=TASK) == TV_NAMES
    assert weighthub.list_models(plugin="weighthub-optical-flow") == TV_NAMES
    assert len(MEMBERS) == 8


@pytest.mark.parametrize("name", TV_NAMES)
def test_enum_names_members_and_default(name):
    tv_enum, ours = tv_get_model_weights(name), weighthub.get_model_weights(name)
    assert ours.__name__ == tv_enum.__name__
    assert [m.name for m in ours] == [m.name for m in tv_enum]
    assert ours.DEFAULT.name == tv_enum.DEFAULT.name
    assert weighthub.get_weight(f"{tv_enum.__name__}.DEFAULT") is ours.DEFAULT
    builder = weighthub.get_model_builder(name)
    assert builder.__name__ == tv_get_model_builder(name).__name__
    assert weighthub.get_model_weights(builder) is ours
    assert getattr(weighthub_optical_flow, name) is builder
    assert getattr(weighthub_optical_flow, tv_enum.__name__) is ours


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_member_matches_torchvision(tv_member, member):
    assert repr(member) == repr(tv_member)
    assert member.url == tv_member.url
    assert set(member.meta) == set(tv_member.meta)
    assert "categories" not in member.meta
    for key, value in tv_member.meta.items():
        assert member.meta[key] == value, key
        assert type(member.meta[key]) is type(value), key
    # Metric names per dataset: epe on Sintel, fl_all (+ per_image_epe on Kitti-Train) on KITTI.
    assert member.meta["_metrics"] == tv_member.meta["_metrics"]
    assert validate_meta(member.meta, TASK) == []


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_transforms_match_torchvision(tv_member, member):
    factory = member.transforms
    assert isinstance(factory, weighthub.transforms.PresetFactory)
    assert factory.name == tv_member.transforms.__name__ == "OpticalFlow"
    assert dict(factory.keywords) == {}
    ours, theirs = factory(), tv_member.transforms()
    assert repr(ours) == repr(theirs) == "OpticalFlow()"
    assert ours.describe() == theirs.describe()
    a = torch.randint(0, 256, (1, 3, 32, 40), dtype=torch.uint8)
    b = torch.randint(0, 256, (1, 3, 32, 40), dtype=torch.uint8)
    for mine, their in zip(ours(a, b), theirs(a, b), strict=True):
        torch.testing.assert_close(mine, their, rtol=0, atol=0)


def test_listing_imports_no_torch():
    code = (
        "import sys, weighthub, weighthub_optical_flow\n"
        "weighthub.list_models()\n"
        "weighthub.get_weight('Raft_Large_Weights.DEFAULT').meta\n"
        "weighthub_optical_flow.Raft_Small_Weights\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "False"
