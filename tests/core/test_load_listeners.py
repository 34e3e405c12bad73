"""weighthub.add_load_listener: told of every load, before anything is fetched; and building
without loading weights (describe, new plugin, the kit), a switch of the building context that
construction and ``get_state_dict`` read: nothing is patched, other threads load."""

from __future__ import annotations

import threading

import pytest
import torch
from torch import nn

import weighthub
from weighthub import Weights, WeightsEnum
from weighthub.testing import WeightsLoadStopped, build_empty, record_loads
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


# --- building without loading ------------------------------------------------------------


def _builder(*, weights=None, progress=True):
    return weighthub.construct_model(tiny, Tiny_Weights.verify(weights), progress=progress)


def test_build_empty_fetches_nothing_and_allocates_nothing():
    # The URL cannot be fetched: building for these weights must not try.
    with record_loads(stop=True) as loads:
        model = build_empty(_builder, weights=Tiny_Weights.V1)
    assert loads == []
    assert model.weight.is_meta
    assert model.weight.shape == (2, 3)


def test_building_empty_in_one_thread_leaves_loading_in_the_others_alone(served):
    inside, loaded = threading.Event(), threading.Event()
    seen = {}

    def builder(*, weights):
        inside.set()
        assert loaded.wait(60)
        seen["state"] = weights.get_state_dict(progress=False)
        return _builder(weights=weights, progress=False)

    def build():
        seen["model"] = build_empty(builder, weights=Tiny_Weights.V1)

    thread = threading.Thread(target=build)
    thread.start()
    try:
        assert inside.wait(60)
        with record_loads() as loads:  # listeners hear every thread
            state = Tiny_Weights.V1.get_state_dict(progress=False)
            model = weighthub.construct_model(tiny, Tiny_Weights.V1, progress=False)
    finally:
        loaded.set()
        thread.join(60)
    assert torch.equal(state["weight"], served["weight"])
    assert torch.equal(model.weight, served["weight"])
    assert not model.weight.is_meta
    assert loads == [Tiny_Weights.V1, Tiny_Weights.V1]  # this thread's two loads, no others
    assert seen["state"] == {}
    assert seen["model"].weight.is_meta
    # Once out of the block, that thread's context loads again.
    assert torch.equal(Tiny_Weights.V1.get_state_dict(progress=False)["bias"], served["bias"])


def test_the_fallback_keeps_buffers_real_and_parameters_empty():
    class NeedsRealBuffers(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("index", torch.arange(4))
            if self.index.is_meta:  # computes with a buffer, as RegNet and Swin do
                raise NotImplementedError("needs a real buffer")
            self.linear = nn.Linear(4, 4)

    def builder(*, weights=None):
        return weighthub.construct_model(NeedsRealBuffers, Tiny_Weights.verify(weights))

    model = build_empty(builder, weights=Tiny_Weights.V1)
    assert model.linear.weight.is_meta
    assert torch.equal(model.index, torch.arange(4))
    assert not nn.Linear(2, 2).weight.is_meta  # nothing stays switched on


def test_a_builder_that_loads_by_itself_builds_empty_too():
    """torchvision's builders call ``model.load_state_dict(weights.get_state_dict())``."""

    def builder(*, weights=None):
        model = nn.Sequential(tiny(), nn.BatchNorm1d(2))
        if weights is not None:
            model.load_state_dict(weights.get_state_dict(progress=False))
        return model

    with record_loads(stop=True) as loads:
        model = build_empty(builder, weights=Tiny_Weights.V1)
    assert loads == []
    assert model[0].weight.is_meta
    with pytest.raises(RuntimeError, match="Missing key"):
        model.load_state_dict({})  # out of the block, loading is strict again
