"""The legacy interface helpers, held to torchvision's TestHandleLegacyInterface expectations."""

import warnings

import pytest

import weighthub
from weighthub import Weights, WeightsEnum, building


class ModelWeights(WeightsEnum):
    Sentinel = Weights(url="https://pytorch.org", transforms=lambda x: x, meta=dict())
    Other = Weights(url="https://pytorch.org/other", transforms=lambda x: x, meta=dict())


@building.handle_legacy_interface(weights=("pretrained", ModelWeights.Sentinel))
def builder(*, weights=None):
    return weights


pytestmark = pytest.mark.filterwarnings("error")


def calls(fn, *args, **kwargs):
    """Call ``fn`` and return its result with the texts of the warnings it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    assert all(w.category is UserWarning for w in caught)
    return result, [str(w.message) for w in caught]


@pytest.mark.parametrize("kwargs", [{}, {"weights": None}, {"weights": ModelWeights.Sentinel}])
def test_no_warn(kwargs):
    builder(**kwargs)


@pytest.mark.parametrize("pretrained", [True, False])
def test_pretrained_positional(pretrained):
    result, texts = calls(builder, pretrained)
    assert result is (ModelWeights.Sentinel if pretrained else None)
    assert len(texts) == 2
    assert texts[0] == (
        "Using 'weights' as positional parameter(s) is deprecated since 0.13 and may be removed "
        "in the future. Please use keyword parameter(s) instead."
    )
    assert not any("The parameter 'pretrained'" in t for t in texts)


@pytest.mark.parametrize("pretrained", [True, False])
def test_pretrained_keyword(pretrained):
    result, texts = calls(builder, pretrained=pretrained)
    assert result is (ModelWeights.Sentinel if pretrained else None)
    assert len(texts) == 2
    assert texts[0] == (
        "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
        "please use 'weights' instead."
    )
    expected = (
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and "
        "may be removed in the future. The current behavior is equivalent to passing "
        f"`weights={'ModelWeights.Sentinel' if pretrained else None}`."
    )
    if pretrained:
        expected += (
            " You can also use `weights=ModelWeights.DEFAULT` to get the most up-to-date weights."
        )
    assert texts[1] == expected


@pytest.mark.parametrize("pretrained", [True, False])
@pytest.mark.parametrize("positional", [True, False])
def test_equivalent_behavior_weights(pretrained, positional):
    kwargs = {} if positional else {"pretrained": pretrained}
    args = (pretrained,) if positional else ()
    _, texts = calls(builder, *args, **kwargs)
    assert f"weights={ModelWeights.Sentinel if pretrained else None}" in texts[-1]


def test_a_member_given_as_pretrained_is_the_weights_loaded_not_the_legacy_default():
    # torchvision's wrapper would test it for truth and load its *_V1 instead.
    result, texts = calls(builder, pretrained=ModelWeights.Other)
    assert result is ModelWeights.Other
    assert texts[0].startswith("The parameter 'pretrained' is deprecated")
    assert texts[1].endswith("equivalent to passing `weights=ModelWeights.Other`.")


def test_multi_params():
    @building.handle_legacy_interface(
        weights=("pretrained", ModelWeights.Sentinel),
        weights_other=("pretrained_other", ModelWeights.Sentinel),
    )
    def multi(*, weights=None, weights_other=None):
        return weights, weights_other

    for param in ("pretrained", "pretrained_other"):
        _, texts = calls(multi, **{param: True})
        assert f"The parameter '{param}' is deprecated" in texts[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert multi(pretrained=False, pretrained_other=False) == (None, None)
    assert len(caught) == 4


def test_default_callable():
    @building.handle_legacy_interface(
        weights=("pretrained", lambda kwargs: ModelWeights.Sentinel if kwargs["flag"] else None)
    )
    def with_flag(*, weights=None, flag=True):
        return weights

    result, texts = calls(with_flag, pretrained=True, flag=True)
    assert result is ModelWeights.Sentinel
    assert "deprecated" in texts[0]
    with pytest.raises(ValueError, match="No weights available for model with_flag"):
        with_flag(pretrained=True, flag=False)


def test_kwonly_to_pos_or_kw_needs_a_keyword_only_parameter():
    with pytest.raises(TypeError, match="Found no keyword-only parameter on function 'f'"):

        @building.kwonly_to_pos_or_kw
        def f(a):
            return a


def test_three_positional_names_are_listed_with_and():
    @building.kwonly_to_pos_or_kw
    def f(*, a=0, b=0, c=0):
        return a, b, c

    result, texts = calls(f, 1, 2, 3)
    assert result == (1, 2, 3)
    assert texts == [
        "Using 'a', 'b', and 'c' as positional parameter(s) is deprecated since 0.13 and may be "
        "removed in the future. Please use keyword parameter(s) instead."
    ]


def test_overwrite_named_param():
    kwargs = {}
    building.overwrite_named_param(kwargs, "num_classes", 1000)
    assert kwargs == {"num_classes": 1000}
    building.overwrite_named_param(kwargs, "num_classes", 1000)
    with pytest.raises(
        ValueError, match=r"^The parameter 'num_classes' expected value 1000 but got 10 instead\.$"
    ):
        building.overwrite_named_param({"num_classes": 10}, "num_classes", 1000)


def test_overwrite_value_param():
    assert building.overwrite_value_param("num_classes", None, 91) == 91
    assert building.overwrite_value_param("num_classes", 91, 91) == 91
    with pytest.raises(ValueError, match="expected value 91 but got 3 instead"):
        building.overwrite_value_param("num_classes", 3, 91)


def test_a_weights_ref_default_resolves_only_when_pretrained_is_true():
    @building.handle_legacy_interface(
        weights=("pretrained", weighthub.WeightsRef("NoSuchPlugin_Weights.V1"))
    )
    def by_ref(*, weights=None):
        return weights

    result, texts = calls(by_ref, pretrained=False)
    assert result is None
    assert "equivalent to passing `weights=None`" in texts[1]
    with pytest.raises(ValueError, match="NoSuchPlugin_Weights"):
        by_ref(pretrained=True)


def test_an_explicit_weights_ref_is_a_weights_value_not_a_legacy_flag():
    ref = weighthub.WeightsRef("Some_Weights.V1")
    assert builder(weights=ref) is ref


@pytest.mark.parametrize("through", ["get_model", "builder"])
def test_legacy_warnings_point_at_the_callers_line(through):
    # pretrained=False: the warnings are the same, and nothing is downloaded.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if through == "get_model":
            weighthub.get_model("resnet18", pretrained=False)
        else:
            weighthub.models.resnet18(False)
    assert len(caught) == 2, [str(w.message) for w in caught]
    assert {w.filename for w in caught} == {__file__}, "the user's line, not weighthub's"
