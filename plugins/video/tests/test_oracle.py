"""The torchvision oracle: every video enum, member, URL, meta value and transform matches."""

from __future__ import annotations

import functools
import subprocess
import sys

import pytest
import torch
from torchvision.models import get_model_weights as tv_get_model_weights
from torchvision.models import list_models as tv_list_models
from torchvision.models import video as tvv

import weighthub
import weighthub_video
from weighthub.meta import validate_meta
from weighthub.testing import torchvision_oracle as oracle
from weighthub_video._plugin import MODELS, TASK

TV_NAMES = sorted(tv_list_models(tvv))
MEMBERS = oracle.member_pairs(TV_NAMES)


def test_registers_exactly_torchvisions_video_builders():
    assert sorted(MODELS) == TV_NAMES
    assert weighthub.list_models(task=TASK) == TV_NAMES
    assert weighthub.list_models(plugin="weighthub-video") == TV_NAMES
    assert len(MEMBERS) == 10


@pytest.mark.parametrize("name", TV_NAMES)
def test_enum_names_members_and_default(name):
    tv_enum = tv_get_model_weights(name)
    builder, ours = oracle.assert_builder_matches(name)
    oracle.assert_enum_matches(ours, tv_enum)
    assert getattr(weighthub_video, name) is builder
    assert getattr(weighthub_video, tv_enum.__name__) is ours


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_member_matches_torchvision(tv_member, member):
    oracle.assert_member_matches(member, tv_member)
    assert member.meta["categories"] is weighthub.categories.KINETICS400
    assert validate_meta(member.meta, TASK) == []


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_transforms_match_torchvision(tv_member, member):
    ours, theirs = oracle.assert_transforms_match(member, tv_member)
    assert isinstance(tv_member.transforms, functools.partial)
    assert member.transforms.name == "VideoClassification"
    frames = torch.randint(0, 256, (2, 3, 120, 160), dtype=torch.uint8)
    torch.testing.assert_close(ours(frames), theirs(frames), rtol=0, atol=0)


def test_listing_imports_no_torch():
    code = (
        "import sys, weighthub, weighthub_video\n"
        "weighthub.list_models()\n"
        "weighthub.get_weight('Swin3D_B_Weights.DEFAULT').meta\n"
        "weighthub_video.R3D_18_Weights\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "False"
