"""The registered builders: weighthub's API builds timm models from the members' verified files.

Each test serves a generated checkpoint as a member's file from a loopback server (the member's
URL is mirrored there) and builds through ``weighthub.get_model``, as a user does; the reference
is timm loading the same file.
"""

from __future__ import annotations

import pytest
import timm
import torch

import weighthub
import weighthub_timm
from weighthub.testing import (
    WeightsLoadStopped,
    build_empty,
    random_state_dict,
    same_bits,
    write_unaligned_safetensors,
)
from weighthub_timm import empty_model, weights_of

ARCH, TAG = "resnet10t", "c3_in1k"


def _served(weights_server, tmp_path, name=f"{ARCH}.{TAG}"):
    member = weights_of(name)
    arch = name.partition(".")[0]
    state = random_state_dict(empty_model(arch), seed=name)
    path = write_unaligned_safetensors(tmp_path / "served.safetensors", state)
    weights_server.serve(member, path)
    return member, path


def _same_state(a: torch.nn.Module, b: torch.nn.Module, skip: tuple[str, ...] = ()) -> None:
    mine, theirs = a.state_dict(), b.state_dict()
    assert mine.keys() == theirs.keys()
    assert all(same_bits(mine[k], v) for k, v in theirs.items() if not k.startswith(skip))


def test_get_model_builds_timms_model_from_the_members_file(weights_server, tmp_path):
    member, path = _served(weights_server, tmp_path)
    model = weighthub.get_model(ARCH, weights=member)
    theirs = timm.create_model(
        f"{ARCH}.{TAG}", pretrained=True, pretrained_cfg_overlay={"file": str(path)}
    )
    assert type(model) is type(theirs)
    assert model.pretrained_cfg == {
        **theirs.pretrained_cfg,
        "file": str(weighthub.fetch(member.url)),
    }
    _same_state(model, theirs)
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        assert torch.equal(model.eval()(x), theirs.eval()(x))


def test_default_and_legacy_pretrained_load_the_default_tag(weights_server, tmp_path):
    member, _ = _served(weights_server, tmp_path, ARCH)
    enum = weighthub_timm.weights_enum(ARCH)
    assert member is enum.DEFAULT
    by_name = weighthub.get_model(ARCH, weights="DEFAULT")
    _same_state(by_name, weighthub.get_model(ARCH, weights=member))


def test_num_classes_works_as_in_timm(weights_server, tmp_path):
    member, path = _served(weights_server, tmp_path)
    ten = weighthub.get_model(ARCH, weights=member, num_classes=10)
    theirs = timm.create_model(
        ARCH, pretrained=True, pretrained_cfg_overlay={"file": str(path)}, num_classes=10
    )
    assert ten.fc.weight.shape == (10, 512) and torch.isfinite(ten.fc.weight).all()
    _same_state(ten, theirs, skip=("fc.",))
    headless = weighthub.get_model(ARCH, weights=member, num_classes=0)
    assert isinstance(headless.fc, torch.nn.Identity) and headless.num_classes == 0


def test_without_weights_the_model_is_timms_random_one():
    model = weighthub.get_model(ARCH, num_classes=7)
    assert model.fc.out_features == 7
    assert not any(p.is_meta for p in model.parameters())


def test_listeners_hear_the_load_and_describe_fetches_nothing(
    weights_server, tmp_path, recorded_loads
):
    member, _ = _served(weights_server, tmp_path)
    weighthub.get_model(ARCH, weights=member)
    assert list(recorded_loads) == [member]
    before = len(weights_server.server.requests)
    model = build_empty(weighthub.get_model_builder(ARCH), weights=member)
    assert model.fc.out_features == 1000
    assert len(weights_server.server.requests) == before and list(recorded_loads) == [member]


def test_a_stopped_load_names_the_member_before_anything_is_fetched(stopped_loads):
    member = weights_of(f"{ARCH}.{TAG}")
    with pytest.raises(WeightsLoadStopped):
        weighthub.get_model(ARCH, weights=member)
    assert list(stopped_loads) == [member]


def test_a_tag_timm_converted_from_jax_loads_its_safetensors_file(weights_server, tmp_path):
    """timm keeps custom_load (its .npz reader) in the config of tags the Hub serves converted."""
    name = "vit_tiny_patch16_224.augreg_in21k_ft_in1k"
    assert weights_of(name).meta["x_custom_load"]
    member, path = _served(weights_server, tmp_path, name)
    model = weighthub.get_model("vit_tiny_patch16_224", weights=member)
    overlay = {"file": str(path), "custom_load": False}
    _same_state(model, timm.create_model(name, pretrained=True, pretrained_cfg_overlay=overlay))
