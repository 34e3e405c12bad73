"""Weights memory-mapped from an unaligned safetensors file give the bits of copied weights.

The file is laid out on purpose with its tensors off the 64-byte boundaries (as Hub files often
are); the model gets them by assignment, unaligned, and ``align_tensors`` copies only what
``matvec_operands`` names.
"""

from __future__ import annotations

import pytest
import torch
import torchvision
from torch import nn

import weighthub
from weighthub.building import ALIGNMENT, MATVEC_RULE, align_tensors, is_aligned, matvec_operands
from weighthub.testing import build_empty, random_state_dict, write_unaligned_safetensors


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """mobilenet_v3_small (squeeze-and-excitation, a two-layer head), laid out unaligned."""
    state = random_state_dict(build_empty(torchvision.models.mobilenet_v3_small), seed=3)
    path = tmp_path_factory.mktemp("alignment") / "mobilenet_v3_small.safetensors"
    write_unaligned_safetensors(path, state, data_start=8)
    return path, state


def _assigned(path):
    model = build_empty(torchvision.models.mobilenet_v3_small)
    model.load_state_dict(weighthub.load_checkpoint(path), assign=True, strict=True)
    return model.eval()


def _copied(state):
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v3_small()
    model.load_state_dict(state, strict=True)
    return model.eval()


def test_the_file_really_puts_tensors_off_the_boundaries(checkpoint):
    path, _ = checkpoint
    loaded = weighthub.load_checkpoint(path)
    offsets = {t.data_ptr() % ALIGNMENT for t in loaded.values()}
    assert len(offsets) > 1
    assert 0 not in {loaded["classifier.3.weight"].data_ptr() % 16}


def test_matvec_operands_are_the_head_and_the_squeeze_excitation_layers(checkpoint):
    model = _assigned(checkpoint[0])
    names = matvec_operands(model, (1, 3, 224, 224))
    assert {"classifier.0.weight", "classifier.0.bias", "classifier.3.weight"} <= names
    se = {n for n in names if ".fc1." in n or ".fc2." in n}
    assert se and all(".block.2." in n or ".block.1." in n for n in se)
    # Spatial convolutions and the stem never take the matrix-vector path.
    assert "features.0.0.weight" not in names
    assert not any(n.endswith("running_mean") for n in names)
    assert model.features[0][0].weight.device.type == "cpu"  # the model itself is untouched


def test_aligned_model_gives_the_bits_of_a_copied_load_at_every_batch_size(checkpoint):
    path, state = checkpoint
    model = _assigned(path)
    names = matvec_operands(model, (1, 3, 224, 224))
    before = {n: t for n, t in model.named_parameters() if n in names}
    assert any(not is_aligned(t) for t in before.values())
    copied = align_tensors(model, names)

    assert copied
    assert all(is_aligned(t) for n, t in model.named_parameters() if n in names)
    assert all(model.get_parameter(n) is p for n, p in before.items())  # same Parameter objects
    untouched = [n for n, t in model.named_parameters() if n not in names and not is_aligned(t)]
    assert untouched  # the rest stays memory-mapped where the file put it

    reference = _copied(state)
    for name, tensor in reference.state_dict().items():
        assert torch.equal(model.state_dict()[name], tensor), name
    generator = torch.Generator().manual_seed(0)
    with torch.inference_mode():
        for batch in (1, 2, 3):
            x = torch.randn(batch, 3, 224, 224, generator=generator)
            assert torch.equal(model(x), reference(x)), f"batch {batch}"


def test_align_tensors_ignores_aligned_unknown_and_meta_names():
    model = nn.Linear(4, 3)
    with torch.device("meta"):
        empty = nn.Linear(4, 3)
    assert align_tensors(model, ["weight", "bias", "nothing"]) == []
    assert align_tensors(empty, ["weight"]) == []
    assert is_aligned(empty.weight)
    assert is_aligned(torch.empty(0))


def test_align_tensors_keeps_tied_parameters_tied():
    storage = torch.zeros(64 + 12)
    model = nn.Sequential(nn.Linear(3, 4, bias=False), nn.Linear(4, 3, bias=False))
    model[1].weight = nn.Parameter(storage[1:13].view(3, 4))  # 4 bytes past an aligned start
    model[0].weight = model[1].weight
    assert not is_aligned(model[1].weight)

    assert align_tensors(model, ["0.weight", "1.weight"]) == ["0.weight"]
    assert model[0].weight is model[1].weight
    assert is_aligned(model[1].weight)


def test_a_forward_that_cannot_run_on_meta_tensors_raises():
    class ReadsValues(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x) * float(self.fc.weight.sum())

    with pytest.raises((RuntimeError, NotImplementedError)):
        matvec_operands(ReadsValues(), (1, 4))


class _SharedEncoding(nn.Module):
    """A module used under two names, as CoaT's position encodings are (``cpe1`` and a block's)."""

    def __init__(self) -> None:
        super().__init__()
        self.encoding = nn.Linear(4, 4)
        self.blocks = nn.ModuleList([nn.Sequential(self.encoding, nn.ReLU())])
        self.head = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks[0](x))


def test_tracing_leaves_every_name_of_a_shared_module_its_own_tensors():
    model = _SharedEncoding()
    before = {name: t for name, t in model.state_dict(keep_vars=True).items()}
    operands = matvec_operands(model, (1, 4))
    after = model.state_dict(keep_vars=True)
    assert {name for name, t in after.items() if t.is_meta} == set()
    assert all(after[name] is tensor for name, tensor in before.items())
    assert "head.weight" in operands


class _RelativePositionMlp(nn.Module):
    """maxvit_rmlp's position bias: a two-layer MLP over every relative offset, one output per
    head (here one head), so the last layer multiplies many rows by one weight vector."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(2, 512)
        self.fc2 = nn.Linear(512, 1)

    def forward(self, coords: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(self.fc1(coords)))


def test_a_linear_layer_with_one_output_feature_is_a_matvec_operand():
    torch.manual_seed(0)
    model = _RelativePositionMlp().eval()
    assert MATVEC_RULE >= 2
    operands = matvec_operands(model, (15, 15, 2))
    assert {"fc2.weight", "fc2.bias"} <= operands
    assert "fc1.weight" not in operands  # 225 rows into 512 features: matrix-matrix

    copied = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    storage = torch.zeros(512 + 64)
    storage[3:515] = copied["fc2.weight"].flatten()
    model.fc2.weight = nn.Parameter(storage[3:515].view(1, 512))  # 12 bytes past a boundary
    assert not is_aligned(model.fc2.weight)
    assert align_tensors(model, operands) == ["fc2.weight"]

    reference = _RelativePositionMlp().eval()
    reference.load_state_dict(copied)
    coords = torch.randn(15, 15, 2, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        assert torch.equal(model(coords), reference(coords))
