"""Tests of example-pets-weights: the conformance kit, the README table and loading the weights."""

from __future__ import annotations

from pathlib import Path

import torch

import weighthub
import weighthub.testing

README = Path(__file__).parents[1] / "README.md"


def test_plugin_conforms() -> None:
    weighthub.testing.assert_plugin_conforms("example-pets-weights")


def test_readme_table() -> None:
    weighthub.testing.check_readme_table(README, "example-pets-weights")


def test_weights_are_attached() -> None:
    assert "ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights.PETS_3_V1" in weighthub.list_weights(
        "shufflenet_v2_x0_5"
    )


def test_builder_loads_the_checkpoint() -> None:
    weights = weighthub.get_weight("ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights.DEFAULT")
    model = weighthub.get_model("shufflenet_v2_x0_5", weights=weights)
    state = model.state_dict()
    for key, tensor in weights.get_state_dict().items():
        assert torch.equal(state[key], tensor), key


def test_listing_imports_no_torch() -> None:
    # Not generated: the example also checks that its weights are listed without torch.
    import subprocess
    import sys

    code = (
        "import sys, weighthub; weighthub.list_models(); "
        "names = weighthub.list_weights('shufflenet_v2_x0_5'); "
        "member = 'ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights.PETS_3_V1'; "
        "print('torch' in sys.modules, member in names)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    ).stdout.split()
    assert out == ["False", "True"]


def test_num_classes_conflict_and_wrong_enum() -> None:
    import pytest

    member = weighthub.get_weight("ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights.PETS_3_V1")
    with pytest.raises(ValueError, match="'num_classes' expected value 3 but got 1000"):
        weighthub.get_model("shufflenet_v2_x0_5", weights=member, num_classes=1000)
    with pytest.raises(TypeError, match="ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights"):
        weighthub.get_model("shufflenet_v2_x1_0", weights=member)
