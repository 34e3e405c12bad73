"""construct_model: the meta-parameter fast path is bit-identical to the ordinary path."""

from __future__ import annotations

import functools
import logging
import threading

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.vision_transformer import VisionTransformer

from weighthub import Weights, WeightsEnum, construct_model
from weighthub._construct import meta_parameters
from weighthub.testing import tensors_of


def _weights_for(path):
    class Test_Weights(WeightsEnum):
        V1 = Weights(url=path.as_uri(), transforms=lambda: None, meta={})

    return Test_Weights.V1


def _randomise_buffers(model):
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, buf in model.named_buffers():
            if buf.is_floating_point():
                if name.endswith("running_var"):
                    buf.copy_(torch.rand(buf.shape, generator=gen) + 0.5)
                else:
                    buf.copy_(torch.randn(buf.shape, generator=gen) * 0.1)


def _save(factory, tmp_path):
    torch.manual_seed(0)
    model = factory()
    _randomise_buffers(model)
    path = tmp_path / "ckpt.pth"
    torch.save(model.state_dict(), path)
    return path


def _small_vit():
    return VisionTransformer(
        image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64
    )


CASES = {
    "resnet18": (torchvision.models.resnet18, (1, 3, 64, 64)),
    "resnet50": (torchvision.models.resnet50, (1, 3, 64, 64)),
    "vit_small": (_small_vit, (2, 3, 32, 32)),
    "swin_t": (torchvision.models.swin_t, (1, 3, 64, 64)),
    "efficientnet_b0": (torchvision.models.efficientnet_b0, (1, 3, 64, 64)),
    "regnet_y_400mf": (torchvision.models.regnet_y_400mf, (1, 3, 64, 64)),
    "fasterrcnn_mobilenet_v3_large_320_fpn": (
        functools.partial(
            torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn,
            weights=None,
            weights_backbone=None,
        ),
        (3, 96, 128),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fast_path_is_bit_identical(name, tmp_path, caplog):
    factory, shape = CASES[name]
    path = _save(factory, tmp_path)

    reference = factory()
    reference.load_state_dict(torch.load(path, weights_only=True))
    reference.eval()

    with caplog.at_level(logging.DEBUG, logger="weighthub"):
        fast = construct_model(factory, _weights_for(path), progress=False)
    assert "ordinary way" not in caplog.text, caplog.text  # the fast path was taken
    fast.eval()
    assert not any(p.is_meta for p in fast.parameters())
    assert not any(b.is_meta for b in fast.buffers())
    ref_state, fast_state = reference.state_dict(), fast.state_dict()
    assert ref_state.keys() == fast_state.keys()
    for key in ref_state:
        assert torch.equal(ref_state[key], fast_state[key]), key
        assert ref_state[key].dtype == fast_state[key].dtype
    assert [p.requires_grad for p in reference.parameters()] == [
        p.requires_grad for p in fast.parameters()
    ]

    torch.manual_seed(2)
    x = torch.randn(shape)
    inputs = [x] if name.startswith("fasterrcnn") else x
    with torch.no_grad():
        expected, got = reference(inputs), fast(inputs)
    for a, b in zip(tensors_of(expected), tensors_of(got), strict=True):
        assert torch.equal(a, b)


def test_fast_false_and_none_weights(tmp_path, caplog):
    path = _save(torchvision.models.resnet18, tmp_path)
    with caplog.at_level(logging.DEBUG, logger="weighthub"):
        model = construct_model(torchvision.models.resnet18, _weights_for(path), fast=False)
    assert "fast=False" in caplog.text
    assert torch.equal(model.fc.weight, torch.load(path, weights_only=True)["fc.weight"])
    plain = construct_model(torchvision.models.resnet18, None)
    assert isinstance(plain, torchvision.models.ResNet)
    assert not any(p.is_meta for p in plain.parameters())


class _NeedsRealParams(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        # Reading parameter values at init cannot work on the meta device.
        self.register_buffer("scale", self.lin.weight.sum().reshape(1).detach().clone() * 0 + 1)
        float(self.lin.weight[0, 0])

    def forward(self, x):
        return self.lin(x) * self.scale


def test_factory_failing_under_meta_falls_back(tmp_path, caplog):
    path = _save(_NeedsRealParams, tmp_path)
    with caplog.at_level(logging.DEBUG, logger="weighthub"):
        model = construct_model(_NeedsRealParams, _weights_for(path))
    assert "meta parameters" in caplog.text
    assert torch.equal(model.lin.weight, torch.load(path, weights_only=True)["lin.weight"])


def test_quantized_model_falls_back_and_loads(tmp_path, caplog):
    torch.backends.quantized.engine = (
        "fbgemm" if "fbgemm" in torch.backends.quantized.supported_engines else "qnnpack"
    )
    factory = functools.partial(
        torchvision.models.quantization.resnet18, weights=None, quantize=True
    )
    torch.manual_seed(0)
    source = factory()
    path = tmp_path / "q.pth"
    torch.save(source.state_dict(), path)
    with caplog.at_level(logging.DEBUG, logger="weighthub"):
        model = construct_model(factory, _weights_for(path))
    assert "ordinary way" in caplog.text
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(source.eval()(x), model.eval()(x))


class _Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.out = nn.Linear(4, 10, bias=False)
        self.out.weight = self.emb.weight

    def forward(self, idx):
        return self.out(self.emb(idx))


def test_tied_parameters_stay_tied(tmp_path):
    path = _save(_Tied, tmp_path)
    model = construct_model(_Tied, _weights_for(path))
    assert model.out.weight is model.emb.weight
    assert not model.emb.weight.is_meta


class _Half(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)


def test_checkpoint_dtype_is_cast_like_the_ordinary_copy(tmp_path):
    torch.manual_seed(0)
    sd = {k: v.half() for k, v in _Half().state_dict().items()}
    path = tmp_path / "half.pth"
    torch.save(sd, path)
    model = construct_model(_Half, _weights_for(path))
    ref = _Half()
    ref.load_state_dict(sd)
    assert model.lin.weight.dtype == torch.float32
    assert torch.equal(model.lin.weight, ref.lin.weight)


def test_strict_loading_errors_are_raised(tmp_path):
    torch.save({"lin.weight": torch.zeros(3, 3)}, tmp_path / "bad.pth")
    with pytest.raises(RuntimeError, match="Missing key"):
        construct_model(_Half, _weights_for(tmp_path / "bad.pth"))


def test_patch_only_affects_the_constructing_thread():
    seen = {}
    started, release = threading.Event(), threading.Event()

    def other():
        started.wait()
        seen["other"] = nn.Linear(2, 2).weight.device.type
        release.set()

    thread = threading.Thread(target=other)
    thread.start()
    with meta_parameters():
        started.set()
        release.wait(10)
        seen["mine"] = nn.Linear(2, 2).weight.device.type
        seen["buffer"] = nn.BatchNorm1d(2).running_mean.device.type
    thread.join()
    assert seen == {"other": "cpu", "mine": "meta", "buffer": "cpu"}
    assert nn.Linear(2, 2).weight.device.type == "cpu"  # the patch is removed


def _quant_stub():
    return nn.Sequential(
        torch.ao.nn.quantized.Quantize(0.1, 0, torch.quint8),
        torch.ao.nn.quantized.DeQuantize(),
        nn.Linear(4, 4),
    )


def test_quantized_modules_are_detected_even_when_meta_construction_succeeds(tmp_path, caplog):
    path = _save(_quant_stub, tmp_path)
    with caplog.at_level(logging.DEBUG, logger="weighthub"):
        model = construct_model(_quant_stub, _weights_for(path))
    assert "quantized module" in caplog.text
    assert torch.equal(model[2].weight, torch.load(path, weights_only=True)["2.weight"])
