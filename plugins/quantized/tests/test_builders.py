"""The quantized builders against torchvision's: architecture, loading, weights, legacy."""

from __future__ import annotations

import warnings

import pytest
import torch
import torchvision
from torchvision.models import quantization as tvq

import weighthub
from weighthub import Weights
from weighthub.building import load, set_num_classes
from weighthub.testing import WeightsLoadStopped, restore_registrations
from weighthub.testing.torchvision_oracle import state_dict_signature, warnings_of

NAMES = sorted(torchvision.models.list_models(tvq))


def _build_until_loading(name, **kwargs):
    """Build up to the weights load, which the ``stopped_loads`` fixture records and stops."""
    with pytest.raises(WeightsLoadStopped):
        weighthub.get_model(name, **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_float_architecture_matches_torchvision(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # GoogLeNet/Inception init warnings
        with torch.device("meta"):
            ours = weighthub.get_model(name)
            theirs = torchvision.models.get_model(name)
    assert type(ours) is type(theirs)
    assert state_dict_signature(ours) == state_dict_signature(theirs)


def _quantized_pair(name: str, backend: str | None):
    if (backend or "fbgemm") not in torch.backends.quantized.supported_engines:
        pytest.skip(f"quantized engine {backend} not available")
    kwargs = {"quantize": True} if backend is None else {"quantize": True, "backend": backend}
    torch.manual_seed(0)
    theirs = torchvision.models.get_model(name, **kwargs)
    torch.manual_seed(0)
    ours = weighthub.get_model(name, **kwargs)
    return ours, theirs


@pytest.mark.parametrize(
    ("name", "backend"),
    [("quantized_shufflenet_v2_x0_5", None), ("quantized_mobilenet_v2", "qnnpack")],
)
def test_quantized_architecture_matches_torchvision(name, backend):
    ours, theirs = _quantized_pair(name, backend)
    assert type(ours) is type(theirs)
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    assert repr(ours) == repr(theirs)


def test_quantized_mobilenet_v3_qat_path_matches_torchvision():
    if "qnnpack" not in torch.backends.quantized.supported_engines:
        pytest.skip("qnnpack not available")
    ours = weighthub.get_model("quantized_mobilenet_v3_large", quantize=True)
    theirs = tvq.mobilenet_v3_large(quantize=True)
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    assert not ours.training


def test_quantized_checkpoint_loads_to_torchvisions_outputs(weights_server):
    """A quantized state dict saved from torchvision, served as the member's file."""
    torch.manual_seed(1)
    theirs = tvq.shufflenet_v2_x0_5(quantize=True).eval()
    member = weighthub.get_weight("ShuffleNet_V2_X0_5_QuantizedWeights.IMAGENET1K_FBGEMM_V1")
    weights_server.serve(member, theirs.state_dict())
    torch.manual_seed(2)  # a different calibration: the checkpoint must overwrite everything
    ours = weighthub.get_model("quantized_shufflenet_v2_x0_5", weights=member, quantize=True)
    ours.eval()
    x = torch.rand(2, 3, 96, 96)
    with torch.inference_mode():
        torch.testing.assert_close(ours(x), theirs(x), rtol=0, atol=0)


def _float_resnet50_from_another_plugin() -> type[weighthub.WeightsEnum]:
    """Register ``resnet50`` with torchvision's float weights, as a plugin other than ours would.

    Returns the ``ResNet50_Weights`` enum registered: its members are torchvision's (same names,
    URLs, transforms and meta), and ``DEFAULT`` is ``IMAGENET1K_V2`` as in torchvision.
    """
    tv = torchvision.models.ResNet50_Weights

    def same_as(member):
        return Weights(url=member.url, transforms=member.transforms, meta=dict(member.meta))

    class ResNet50_Weights(weighthub.WeightsEnum):
        IMAGENET1K_V1 = same_as(tv.IMAGENET1K_V1)
        IMAGENET1K_V2 = same_as(tv.IMAGENET1K_V2)
        DEFAULT = IMAGENET1K_V2

    @weighthub.register_model(task="image_classification", weights=ResNet50_Weights)
    def resnet50(*, weights=None, progress=True, **kwargs):
        weights = ResNet50_Weights.verify(weights)
        set_num_classes(weights, kwargs)
        return load(lambda: torchvision.models.resnet50(**kwargs), weights, progress)

    return ResNet50_Weights


def test_default_without_quantize_resolves_to_the_float_weights(stopped_loads, only_plugins):
    """torchvision's gotcha: weights="DEFAULT" without quantize=True means the float DEFAULT.

    The float enum is whichever plugin's provides it: weighthub-classification is left out here,
    and the float ``ResNet50_Weights`` are torchvision's, registered at runtime.
    """
    only_plugins("weighthub-quantized")
    with restore_registrations():
        float_enum = _float_resnet50_from_another_plugin()
        with torch.device("meta"):
            _build_until_loading("quantized_resnet50", weights="DEFAULT")
        # Quantizing calibrates with a real forward pass, so not on the meta device.
        _build_until_loading("quantized_shufflenet_v2_x0_5", weights="DEFAULT", quantize=True)
    assert stopped_loads[0] is float_enum.IMAGENET1K_V2
    # The very weights of torchvision's member (same enum and member name, same URL).
    assert float_enum.verify(torchvision.models.ResNet50_Weights.IMAGENET1K_V2) is stopped_loads[0]
    assert stopped_loads[0].url == torchvision.models.ResNet50_Weights.IMAGENET1K_V2.url
    assert repr(stopped_loads[1]) == "ShuffleNet_V2_X0_5_QuantizedWeights.IMAGENET1K_FBGEMM_V1"


def test_default_without_quantize_resolves_through_the_classification_plugin(stopped_loads):
    pytest.importorskip("weighthub_classification")
    with torch.device("meta"):
        _build_until_loading("quantized_resnet50", weights="DEFAULT")
        _build_until_loading("quantized_mobilenet_v2", weights="IMAGENET1K_V1")
    assert repr(stopped_loads[0]) == "ResNet50_Weights.IMAGENET1K_V2"
    assert stopped_loads[0] is weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
    assert repr(stopped_loads[1]) == "MobileNet_V2_Weights.IMAGENET1K_V1"


def test_quantized_weights_without_quantize_is_torchvisions_type_error():
    ours_enum = weighthub.get_model_weights("quantized_resnet50")
    with pytest.raises(TypeError) as theirs:
        tvq.resnet50(weights=tvq.ResNet50_QuantizedWeights.DEFAULT)
    with pytest.raises(TypeError) as ours:
        weighthub.get_model("quantized_resnet50", weights=ours_enum.DEFAULT)
    assert str(ours.value) == str(theirs.value)


def test_backend_comes_from_meta(stopped_loads):
    with pytest.raises(ValueError) as ours:
        weighthub.get_model(
            "quantized_mobilenet_v2", weights="DEFAULT", quantize=True, backend="fbgemm"
        )
    assert str(ours.value) == (
        "The parameter 'backend' expected value qnnpack but got fbgemm instead."
    )
    assert stopped_loads == []


def test_num_classes_conflict_is_torchvisions_error(stopped_loads):
    with pytest.raises(ValueError) as theirs:
        tvq.resnet18(weights="DEFAULT", quantize=True, num_classes=10)
    with pytest.raises(ValueError) as ours:
        weighthub.get_model("quantized_resnet18", weights="DEFAULT", quantize=True, num_classes=10)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b(pretrained=False),
        lambda b: b(False),
        lambda b: b(pretrained=False, quantize=True),
        lambda b: b(False, True),
    ],
    ids=["keyword", "positional", "keyword-quantize", "positional-progress"],
)
def test_legacy_pretrained_false_warns_as_torchvision(call):
    ours = weighthub.get_model_builder("quantized_shufflenet_v2_x0_5")
    assert warnings_of(lambda: call(ours)) == warnings_of(lambda: call(tvq.shufflenet_v2_x0_5))


def test_legacy_pretrained_true_picks_torchvisions_defaults(stopped_loads):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _build_until_loading("quantized_shufflenet_v2_x0_5", pretrained=True, quantize=True)
    assert repr(stopped_loads[0]) == "ShuffleNet_V2_X0_5_QuantizedWeights.IMAGENET1K_FBGEMM_V1"
    assert [str(w.message) for w in caught][:2] == [
        "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
        "please use 'weights' instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and "
        "may be removed in the future. The current behavior is equivalent to passing "
        "`weights=ShuffleNet_V2_X0_5_QuantizedWeights.IMAGENET1K_FBGEMM_V1`. You can also use "
        "`weights=ShuffleNet_V2_X0_5_QuantizedWeights.DEFAULT` to get the most up-to-date "
        "weights.",
    ]


def test_legacy_pretrained_true_float_default_is_v1(stopped_loads):
    pytest.importorskip("weighthub_classification")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.device("meta"):
            _build_until_loading("quantized_resnet50", pretrained=True)
    assert repr(stopped_loads[0]) == "ResNet50_Weights.IMAGENET1K_V1"


def test_float_checkpoint_loads_into_the_quantizable_googlenet(weights_server):
    """quantize=False loads the classification plugin's float weights, as torchvision does."""
    pytest.importorskip("weighthub_classification")
    torch.manual_seed(5)
    source = torchvision.models.googlenet(aux_logits=True, init_weights=True)
    member = weighthub.get_weight("GoogLeNet_Weights.IMAGENET1K_V1")
    weights_server.serve(member, source.state_dict())

    ours = weighthub.get_model("quantized_googlenet", weights="IMAGENET1K_V1").eval()
    # torchvision's builder, step by step, without its download.
    theirs = tvq.googlenet(aux_logits=True, transform_input=True, init_weights=False)
    theirs.load_state_dict(source.state_dict())
    theirs.aux_logits, theirs.aux1, theirs.aux2 = False, None, None
    theirs.eval()
    assert ours.aux1 is None and ours.aux2 is None and ours.transform_input
    assert state_dict_signature(ours) == state_dict_signature(theirs)
    x = torch.rand(1, 3, 64, 64)
    with torch.inference_mode():
        torch.testing.assert_close(ours(x), theirs(x), rtol=0, atol=0)


def _parameters(builder):
    import inspect

    return [(p.name, p.kind, p.default) for p in inspect.signature(builder).parameters.values()]


@pytest.mark.parametrize("name", NAMES)
def test_builder_signature_and_doc_match_torchvision(name):
    """Builders made by the shared template keep torchvision's keyword-only signature."""
    ours = weighthub.get_model_builder(name)
    theirs = tvq.__dict__[name.removeprefix("quantized_")]
    assert _parameters(ours) == _parameters(theirs)
    assert ours.__name__ == name.removeprefix("quantized_")
    assert ours.__doc__.startswith("Build the quantizable ")
    assert "quantize: Return the quantized model" in ours.__doc__
