import copy
import functools
import pickle

import pytest

import weighthub
from weighthub import Weights, WeightsEnum, building


class Tiny_Weights(WeightsEnum):
    V1 = Weights(
        url="https://example.invalid/tiny-abcdef12.pth",
        transforms=functools.partial(dict, size=3),
        meta={"acc": float("nan"), "categories": ["a", "b"]},
    )
    V2 = Weights(
        url="https://example.invalid/tiny-v2-12345678.pth",
        transforms=functools.partial(dict, size=4),
        meta={},
        sha256="A" * 64,
        file_size=10,
    )
    DEFAULT = V2


class Other_Weights(WeightsEnum):
    V1 = Weights(url="https://example.invalid/other.pth", transforms=dict, meta={})


def test_default_is_an_alias_skipped_by_iteration_and_len():
    assert Tiny_Weights.DEFAULT is Tiny_Weights.V2
    assert Tiny_Weights.DEFAULT.name == "V2"
    assert list(Tiny_Weights) == [Tiny_Weights.V1, Tiny_Weights.V2]
    assert len(Tiny_Weights) == 2
    assert "DEFAULT" in Tiny_Weights.__members__


def test_properties_forward_to_the_value():
    member = Tiny_Weights.V2
    assert member.url.endswith("tiny-v2-12345678.pth")
    assert member.meta == {}
    assert member.sha256 == "a" * 64, "sha256 is normalised to lower case"
    assert member.file_size == 10
    assert member.transforms(size=5) == {"size": 5}, "keyword overrides reach the constructor"
    assert Tiny_Weights.V1.transforms() == {"size": 3}


@pytest.mark.parametrize(
    "given", [Tiny_Weights.V1, "V1", "Tiny_Weights.V1"], ids=["member", "name", "qualified"]
)
def test_verify_accepts_members_and_names(given):
    assert Tiny_Weights.verify(given) is Tiny_Weights.V1


def test_verify_default_and_none():
    assert Tiny_Weights.verify("DEFAULT") is Tiny_Weights.V2
    assert Tiny_Weights.verify("Tiny_Weights.DEFAULT") is Tiny_Weights.V2
    assert Tiny_Weights.verify(None) is None


def test_verify_unknown_member_is_a_key_error_with_close_matches():
    with pytest.raises(KeyError) as info:
        Tiny_Weights.verify("V22")
    assert isinstance(info.value, weighthub.UnknownWeightsMemberError)
    message = str(info.value)
    assert "Tiny_Weights has no member 'V22'" in message
    assert "V1, V2, DEFAULT" in message
    assert "Did you mean" in message


def test_verify_is_case_sensitive():
    with pytest.raises(KeyError):
        Tiny_Weights.verify("v1")


def test_verify_rejects_a_member_of_another_enum():
    with pytest.raises(TypeError, match="expected Tiny_Weights but received Other_Weights"):
        Tiny_Weights.verify(Other_Weights.V1)
    with pytest.raises(TypeError, match="received int"):
        Tiny_Weights.verify(3)


def test_repr_and_str():
    assert repr(Tiny_Weights.V1) == "Tiny_Weights.V1"
    assert str(Tiny_Weights.DEFAULT) == "Tiny_Weights.V2"


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
def test_copies_are_the_member(copier):
    for member in Tiny_Weights:
        assert copier(member) is member


def test_pickle_round_trip_is_the_member_even_with_nan_meta():
    for member in Tiny_Weights:
        assert pickle.loads(pickle.dumps(member)) is member


def test_weights_equality_handles_copied_partials():
    value = Tiny_Weights.V1.value
    assert copy.deepcopy(value) == value
    assert value != Tiny_Weights.V2.value
    assert value.__eq__("x") is NotImplemented
    assert hash(value) == hash(value.url)


def test_weights_rejects_malformed_integrity_data():
    with pytest.raises(ValueError, match="64 hex digits"):
        Weights(url="u", transforms=dict, meta={}, sha256="abc")
    with pytest.raises(ValueError, match="positive"):
        Weights(url="u", transforms=dict, meta={}, file_size=0)


def test_verify_maps_a_torchvision_member_with_the_same_name_and_url():
    from torchvision.models import ResNet50_Weights as TorchvisionWeights

    class ResNet50_Weights(WeightsEnum):
        IMAGENET1K_V2 = Weights(url=TorchvisionWeights.IMAGENET1K_V2.url, transforms=dict, meta={})
        IMAGENET1K_V1 = Weights(
            url="https://example.invalid/elsewhere.pth", transforms=dict, meta={}
        )

    assert (
        ResNet50_Weights.verify(TorchvisionWeights.IMAGENET1K_V2) is ResNet50_Weights.IMAGENET1K_V2
    )
    with pytest.raises(TypeError, match=r"torchvision\.models\.resnet\.ResNet50_Weights") as info:
        ResNet50_Weights.verify(TorchvisionWeights.IMAGENET1K_V1)
    assert "is not the same weights" in str(info.value)


def test_a_foreign_member_is_not_mistaken_for_a_legacy_flag():
    from torchvision.models import ResNet50_Weights as TorchvisionWeights

    @building.handle_legacy_interface(weights=("pretrained", Tiny_Weights.V1))
    def builder(*, weights=None):
        return weights

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert builder(weights=TorchvisionWeights.IMAGENET1K_V2) is TorchvisionWeights.IMAGENET1K_V2


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("resnet50", "'resnet50' is a model; its weights are 'ResNet50_Weights.IMAGENET1K_V1'"),
        ("ResNet50_Weights", "name one of its members, 'ResNet50_Weights.IMAGENET1K_V1'"),
        ("IMAGENET1K_V2", "Did you mean 'EfficientNet_B1_Weights.IMAGENET1K_V2'"),
    ],
)
def test_get_weight_says_what_a_name_without_its_dot_is(name, needle):
    with pytest.raises(weighthub.UnknownWeightsError) as info:
        weighthub.get_weight(name)
    assert needle in str(info.value)
