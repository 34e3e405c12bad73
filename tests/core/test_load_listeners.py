"""weighthub.add_load_listener: told of every load, before anything is fetched."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import weighthub
from weighthub import Weights, WeightsEnum
from weighthub.testing import WeightsLoadStopped, record_loads
from weighthub.transforms import preset

Tiny_Weights = WeightsEnum(  # type: ignore[call-overload]
    "Tiny_Weights",
    {
        "V1": Weights(
            url="https://weights.invalid/listeners/tiny.pth",
            transforms=preset("ImageClassification", crop_size=8),
            meta={"categories": ["a", "b"]},
        )
    },
)


def tiny() -> nn.Module:
    return nn.Linear(3, 2)


@pytest.fixture
def served(weights_server):
    torch.manual_seed(0)
    state_dict = tiny().state_dict()
    weights_server.serve(Tiny_Weights.V1, state_dict)
    return state_dict


def test_get_state_dict_tells_listeners(served):
    with record_loads() as loads:
        loaded = Tiny_Weights.V1.get_state_dict(progress=False)
    assert loads == [Tiny_Weights.V1]
    assert torch.equal(loaded["weight"], served["weight"])


def test_construct_model_tells_listeners_once(served):
    with record_loads() as loads:
        model = weighthub.construct_model(tiny, Tiny_Weights.V1, progress=False)
        weighthub.construct_model(tiny, None)
    assert loads == [Tiny_Weights.V1]
    assert torch.equal(model.weight, served["weight"])


def test_another_librarys_member_is_told_by_construct_model(torch_hub_cache):
    import torchvision

    member = torchvision.models.ResNet18_Weights.IMAGENET1K_V1
    with record_loads(stop=True) as loads, pytest.raises(WeightsLoadStopped) as info:
        weighthub.construct_model(torchvision.models.resnet18, member)
    assert loads == [member]
    assert info.value.weights is member
    assert not torch_hub_cache.folder.exists()  # stopped before torchvision's download


def test_a_raising_listener_stops_the_load_before_any_request(weights_server, served):
    def refuse(weights: object) -> None:
        raise PermissionError(f"no {weights!r}")

    remove = weighthub.add_load_listener(refuse)
    try:
        with pytest.raises(PermissionError, match=r"no Tiny_Weights\.V1"):
            Tiny_Weights.V1.get_state_dict()
    finally:
        remove()
    assert weights_server.server.count() == 0
    Tiny_Weights.V1.get_state_dict(progress=False)
    assert weights_server.server.count() == 1


def test_listeners_are_told_before_offline_mode_refuses(isolated_weighthub):
    with record_loads() as loads, pytest.raises(weighthub.OfflineModeError):
        Tiny_Weights.V1.get_state_dict()
    assert loads == [Tiny_Weights.V1]


def test_remove_takes_out_that_listener_only(served):
    with record_loads() as outer:
        with record_loads() as inner:  # equal to outer (both empty), removed by identity
            pass
        Tiny_Weights.V1.get_state_dict(progress=False)
    assert outer == [Tiny_Weights.V1]
    assert inner == []
    remove = weighthub.add_load_listener(outer)
    remove()
    remove()  # a second call does nothing
    Tiny_Weights.V1.get_state_dict(progress=False)
    assert outer == [Tiny_Weights.V1]
