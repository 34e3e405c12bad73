"""torchvision's own builders given weighthub's weights raise, never load the legacy V1 weights.

torchvision's legacy wrapper (``torchvision.models._utils.handle_legacy_interface``) takes any
``weights=`` value that is not its own enum for ``pretrained=True``. These tests call the real
torchvision builders, offline and with ``TORCH_HOME`` in a temporary folder, and check that the
error comes before anything is fetched: no warning, no download, no cache folder.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import torchvision

import weighthub
import weighthub.testing
from weighthub import TorchvisionLegacyWeightsError, WeightsRef


@pytest.fixture
def torch_home(isolated_weighthub: Path, recorded_loads) -> Path:
    """torch.hub's home (offline, in a temporary folder); asserts nothing was fetched after."""
    home = isolated_weighthub / "torch-home"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield home
    legacy = [w for w in caught if "The current behavior is equivalent" in str(w.message)]
    assert not legacy, "torchvision took the weights for its legacy flag"
    assert not home.exists(), "torchvision fetched (or began to fetch) something"
    assert recorded_loads == []


def _raised(call) -> TorchvisionLegacyWeightsError:
    with pytest.raises(TorchvisionLegacyWeightsError) as info:
        call()
    return info.value


def test_a_first_party_member_raises_and_names_the_fixes(torch_home):
    member = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
    error = _raised(lambda: torchvision.models.resnet50(weights=member))
    message = str(error)
    assert message.startswith(
        "torchvision.models.resnet50 was given weighthub's "
        "ResNet50_Weights.IMAGENET1K_V2 as weights=."
    )
    assert "it would have loaded its legacy ResNet50_Weights.IMAGENET1K_V1 instead" in message
    assert 'weighthub.get_model("resnet50", weights="ResNet50_Weights.IMAGENET1K_V2")' in message
    assert (
        "torchvision.models.resnet50(weights="
        'torchvision.models.get_weight("ResNet50_Weights.IMAGENET1K_V2"))' in message
    )
    assert (
        "model = torchvision.models.resnet50(num_classes=1000); "
        "model.load_state_dict(weights.get_state_dict()), with weights = "
        'weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")' in message
    )
    assert (error.weights, error.builder) == (
        "ResNet50_Weights.IMAGENET1K_V2",
        "torchvision.models.resnet50",
    )
    assert isinstance(error, TypeError) and error.exit_code == 2


def test_the_fixes_it_names_are_the_weights_given(torch_home):
    member = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
    twin = torchvision.models.get_weight("ResNet50_Weights.IMAGENET1K_V2")
    assert twin.url == member.url
    assert weighthub.models.ResNet50_Weights.verify(twin) is member


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda m: torchvision.models.resnet50(m), id="positional"),
        pytest.param(lambda m: torchvision.models.resnet50(pretrained=m), id="pretrained="),
        pytest.param(lambda m: torchvision.models.get_model("resnet50", weights=m), id="get_model"),
    ],
)
def test_every_way_torchvision_takes_the_legacy_flag_raises(torch_home, call):
    member = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
    assert "torchvision.models.resnet50 was given" in str(_raised(lambda: call(member)))


def test_a_reference_raises_too(torch_home):
    ref = WeightsRef("ResNet50_Weights.IMAGENET1K_V2")
    error = _raised(lambda: torchvision.models.resnet50(weights=ref))
    assert "weighthub's ResNet50_Weights.IMAGENET1K_V2 as weights=" in str(error)


def test_backbone_weights_name_their_parameter_and_legacy_default(torch_home):
    member = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
    error = _raised(
        lambda: torchvision.models.detection.fasterrcnn_resnet50_fpn(weights_backbone=member)
    )
    message = str(error)
    assert message.startswith(
        "torchvision.models.detection.fasterrcnn_resnet50_fpn was given weighthub's "
        "ResNet50_Weights.IMAGENET1K_V2 as weights_backbone=."
    )
    assert "its legacy ResNet50_Weights.IMAGENET1K_V1 instead" in message
    assert (
        'weighthub.get_model("fasterrcnn_resnet50_fpn", '
        'weights_backbone="ResNet50_Weights.IMAGENET1K_V2")' in message
    )
    assert "load_state_dict" not in message  # that fix is for a whole model's weights


def test_a_quantized_builder_is_named_as_get_model_names_it(torch_home):
    member = weighthub.get_weight("ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2")
    error = _raised(lambda: torchvision.models.quantization.resnet50(weights=member, quantize=True))
    message = str(error)
    assert "torchvision.models.quantization.resnet50 was given" in message
    assert "its legacy ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V1 instead" in message
    assert 'weighthub.get_model("quantized_resnet50", weights=' in message
    assert "load_state_dict" not in message  # quantized tensors do not fit the float model


def test_a_builder_without_legacy_weights_still_raises(torch_home):
    member = weighthub.get_weight("RegNet_Y_128GF_Weights.IMAGENET1K_SWAG_E2E_V1")
    message = str(_raised(lambda: torchvision.models.regnet_y_128gf(weights=member)))
    assert "it has no legacy weights to load for it" in message


def test_weights_only_plugin_members_raise_with_their_architecture(torch_home, use_plugins):
    use_plugins("pets", "classification")
    member = weighthub.get_weight("WhPets_ResNet18_Weights.PETS_V1")
    message = str(_raised(lambda: torchvision.models.resnet18(weights=member)))
    assert "weighthub's WhPets_ResNet18_Weights.PETS_V1 as weights=" in message
    assert 'weighthub.get_model("resnet18", weights="WhPets_ResNet18_Weights.PETS_V1")' in message
    assert "torchvision.models.get_weight" not in message  # torchvision has no such member
    assert "model = torchvision.models.resnet18(num_classes=3)" in message


def test_timm_members_point_at_their_own_model(torch_home, use_plugins):
    use_plugins("timm", "classification")
    member = weighthub.get_weight("timm/resnet50.a1_in1k")
    error = _raised(lambda: torchvision.models.resnet50(weights=member))
    message = str(error)
    assert "weighthub's resnet50_Weights.A1_IN1K as weights=" in message
    assert 'weighthub.get_model("timm/resnet50.a1_in1k")' in message
    assert "load_state_dict" not in message  # another library's architecture
    assert error.weights == "timm/resnet50_Weights.A1_IN1K"
    # Weights of another architecture: the message cannot name a model, it says how to find it.
    vit = weighthub.get_weight("timm/vit_base_patch16_224.augreg2_in21k_ft_in1k")
    message = str(_raised(lambda: torchvision.models.resnet50(weights=vit)))
    name = "timm/vit_base_patch16_224_Weights.AUGREG2_IN21K_FT_IN1K"
    assert f"(weighthub info {name} names it)" in message
    assert f'weighthub.get_model(<that model>, weights="{name}")' in message


def test_members_are_true_everywhere_else():
    member = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
    ref = WeightsRef("ResNet50_Weights.IMAGENET1K_V2")
    assert bool(member) and bool(ref)
    assert (member or None) is member
    assert [w for w in (None, member, ref) if w] == [member, ref]
    # weighthub's own builders, whose legacy wrapper tests the same values, keep loading them.
    with weighthub.testing.record_loads(stop=True) as loads:
        with pytest.raises(weighthub.testing.WeightsLoadStopped):
            weighthub.models.resnet50(weights=member)
        with pytest.raises(weighthub.testing.WeightsLoadStopped):
            weighthub.models.resnet50(weights=ref)
    assert loads == [member, member]
