"""The torchvision oracle: every video enum, member, URL, meta value and transform matches."""

from __future__ import annotations

import functools
import subprocess
import sys

import pytest
import torch
from torchvision.models import get_model_builder as tv_get_model_builder
from torchvision.models import get_model_weights as tv_get_model_weights
from torchvision.models import list_models as tv_list_models
from torchvision.models import video as tvv

import weighthub
import weighthub_video
from weighthub.meta import validate_meta
from weighthub_video._plugin import MODELS, TASK

TV_NAMES = sorted(tv_list_models(tvv))
MEMBERS = [
    (tv_member, weighthub.get_model_weights(name)[tv_member.name])
    for name in TV_NAMES
    for tv_member in tv_get_model_weights(name)
]


def test_registers_exactly_torchvisions_video_builders():
    assert sorted(MODELS) == TV_NAMES
    assert weighthub.list_models(task=TASK) == TV_NAMES
    assert weighthub.list_models(plugin="weighthub-video") == TV_NAMES
    assert len(MEMBERS) == 10


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
    assert getattr(weighthub_video, name) is builder
    assert getattr(weighthub_video, tv_enum.__name__) is ours


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_member_matches_torchvision(tv_member, member):
    assert repr(member) == repr(tv_member)
    assert member.url == tv_member.url
    assert set(member.meta) == set(tv_member.meta)
    for key, value in tv_member.meta.items():
        assert member.meta[key] == value, key
        assert type(member.meta[key]) is type(value), key
    assert member.meta["categories"] is weighthub.categories.KINETICS400
    assert validate_meta(member.meta, TASK) == []


@pytest.mark.parametrize(("tv_member", "member"), MEMBERS, ids=[repr(m) for m, _ in MEMBERS])
def test_transforms_match_torchvision(tv_member, member):
    factory, tv_partial = member.transforms, tv_member.transforms
    assert isinstance(factory, weighthub.transforms.PresetFactory)
    assert isinstance(tv_partial, functools.partial)
    assert factory.name == tv_partial.func.__name__ == "VideoClassification"
    assert dict(factory.keywords) == tv_partial.keywords
    ours, theirs = factory(), tv_partial()
    assert repr(ours) == repr(theirs)
    assert ours.describe() == theirs.describe()
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
