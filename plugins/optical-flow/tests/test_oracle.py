"""The torchvision oracle: every RAFT enum, member, URL, meta value and transform matches."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torchvision.models import get_model_weights as tv_get_model_weights
from torchvision.models import list_models as tv_list_models
from torchvision.models import optical_flow as tvof

import weighthub
import weighthub_optical_flow
from weighthub.meta import validate_meta
from weighthub.testing import torchvision_oracle as oracle
from weighthub_optical_flow._plugin import MODELS, TASK

TV_NAMES = sorted(tv_list_models(tvof))
MEMBERS = oracle.member_pairs(TV_NAMES)


def test_registers_exactly_torchvisions_optical_flow_builders():
    assert sorted(MODELS) == TV_NAMES == ["raft_large", "raft_small"]
    assert weighthub.list_models(task=TASK) == TV_NAMES
    assert weighthub.list_models(plugin="weighthub-optical-flow") == TV_NAMES
    assert len(MEMBERS) == 8


@pytest.mark.parametrize("name", TV_NAMES)
def test_enum_names_members_and_default(name):
    tv_enum = tv_get_model_weights(name)
    builder, ours = oracle.assert_builder_matches(name)
    oracle.assert_enum_matches(ours, tv_enum)
    assert getattr(weighthub_optical_flow, name) is builder
    assert getattr(weighthub_optical_flow, tv_enum.__name__) is ours


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_member_matches_torchvision(tv_member, member):
    oracle.assert_member_matches(member, tv_member)
    assert "categories" not in member.meta
    # Metric names per dataset: epe on Sintel, fl_all (+ per_image_epe on Kitti-Train) on KITTI.
    assert member.meta["_metrics"] == tv_member.meta["_metrics"]
    assert validate_meta(member.meta, TASK) == []


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_transforms_match_torchvision(tv_member, member):
    ours, theirs = oracle.assert_transforms_match(member, tv_member)
    assert member.transforms.name == "OpticalFlow"
    assert dict(member.transforms.keywords) == {}
    assert repr(ours) == "OpticalFlow()"
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
