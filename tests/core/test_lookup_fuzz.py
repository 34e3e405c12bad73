"""Property-based fuzzing of the public lookups: only their documented exceptions ever escape.

The lookups run against the real ``good`` test plugin (installed by the session, discovered through
its entry point). Hypothesis runs derandomized, so a CI run is repeatable.
"""

from __future__ import annotations

import enum
import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import weighthub

pytestmark = pytest.mark.filterwarnings("ignore::weighthub.MetaValidationWarning")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

KNOWN = [
    "goodnet",
    "GoodNet",
    "plainnet",
    "GoodNet_Weights.IMAGENET1K_V1",
    "GoodNet_Weights.DEFAULT",
    "GoodNet_Weights",
    "IMAGENET1K_V1",
    "DEFAULT",
    "resnet50",
    "ResNet50_Weights.DEFAULT",
]


class Other_Weights(enum.Enum):
    A = 1


def _function_with(annotation: object):
    def builder(*, weights=None, progress=True):
        return None

    builder.__annotations__ = {"weights": annotation}
    return builder


def _no_weights_parameter(x: int) -> int:
    return x


names = st.one_of(
    st.text(max_size=40),
    st.sampled_from(KNOWN),
    st.builds(lambda n, s: n + s, st.sampled_from(KNOWN), st.text(max_size=4)),
    st.builds(lambda s, n: s + n, st.text(max_size=4), st.sampled_from(KNOWN)),
    st.builds(lambda n: n.swapcase(), st.sampled_from(KNOWN)),
    st.builds(lambda a, b: f"{a}.{b}", st.sampled_from(KNOWN), st.sampled_from(KNOWN)),
)
others = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=10),
    st.lists(st.text(max_size=5), max_size=3),
    st.lists(st.integers(), min_size=1, max_size=3),
    st.tuples(st.sampled_from(KNOWN)),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(
        [
            object(),
            Other_Weights.A,
            print,
            len,
            _no_weights_parameter,
            functools.partial(print),
            type,
            b"goodnet",
            bytearray(b"x"),
            ...,
        ]
    ),
)
builders = st.builds(
    _function_with,
    st.sampled_from(
        [
            "Undefined_Weights",
            "Undefined_Weights | None",
            "int",
            "1 +",
            "",
            "Optional[Nope]",
            int,
            None,
            Other_Weights,
        ]
    ),
)
anything = st.one_of(names, others, builders)

MODEL_ERRORS = (weighthub.UnknownModelError, weighthub.PluginConflictError, TypeError)
WEIGHT_ERRORS = (
    weighthub.UnknownWeightsError,
    weighthub.UnknownWeightsMemberError,
    weighthub.PluginConflictError,
    TypeError,
)


def _call(function, *args, documented, **kwargs):
    """Call ``function``; return normally or raise only a documented exception (checked here)."""
    try:
        return function(*args, **kwargs)
    except documented as exc:
        assert not isinstance(exc, AttributeError | NameError), exc
        if type(exc) is TypeError:
            wrong = [a for a in (*args, *kwargs.values()) if not isinstance(a, str)]
            assert any(type(a).__qualname__ in str(exc) for a in wrong), str(exc)
        return exc


@pytest.fixture
def good(use_plugins):
    use_plugins("good")
    weighthub.list_models()


@FUZZ
@given(value=anything)
def test_model_lookups_raise_only_documented_errors(good, value):
    _call(weighthub.get_model_entry, value, documented=MODEL_ERRORS)
    _call(weighthub.get_model_builder, value, documented=MODEL_ERRORS)
    # "model.tag" names the weights too: their errors are get_model's.
    _call(weighthub.get_model, value, documented=(*MODEL_ERRORS, *WEIGHT_ERRORS))
    result = _call(weighthub.get_model_weights, value, documented=(*MODEL_ERRORS, ValueError))
    if isinstance(value, str) and value.lower() == "goodnet":
        assert result.__name__ == "GoodNet_Weights"


@FUZZ
@given(value=anything)
def test_weight_lookups_raise_only_documented_errors(good, value):
    result = _call(weighthub.get_weight, value, documented=WEIGHT_ERRORS)
    if isinstance(result, weighthub.WeightsEnum):
        assert type(result).__name__ == "GoodNet_Weights"
    enum_class = weighthub.get_model_weights("goodnet")
    member = _call(
        enum_class.verify,
        value,
        documented=(weighthub.UnknownWeightsMemberError, TypeError),
    )
    if value is None:
        assert member is None
    elif not isinstance(member, Exception):
        assert isinstance(member, enum_class)


@FUZZ
@given(
    include=st.one_of(anything, st.lists(anything, max_size=3)),
    exclude=st.one_of(st.none(), anything),
    task=st.one_of(st.none(), anything),
    pretrained=st.one_of(st.none(), st.booleans(), others),
)
def test_list_models_raises_only_type_errors(good, include, exclude, task, pretrained):
    # By keyword: the first positional parameter is torchvision's module (or include patterns).
    result = _call(
        weighthub.list_models,
        include=include,
        exclude=exclude,
        task=task,
        plugin=task,
        pretrained=pretrained,
        documented=(TypeError, weighthub.UnknownTaskError),  # a str naming no task is an error
    )
    if isinstance(result, list):
        assert set(result) <= {"goodnet", "plainnet"}


def test_the_reported_cases(good):
    """Issue 10's reproductions: each is now a TypeError or ValueError that says what is wrong."""
    with pytest.raises(TypeError, match=r"get_weight\(\) takes a weights name .*got None"):
        weighthub.get_weight(None)
    with pytest.raises(TypeError, match=r"got 0 \(int\)"):
        weighthub.get_model(0)
    with pytest.raises(TypeError, match=r"got \[\] \(list\)"):
        weighthub.get_model_builder([])
    with pytest.raises(TypeError, match=r"include= .*got 0 \(int\)"):
        weighthub.list_models(0)
    undefined = _function_with("Undefined_Weights | None")
    with pytest.raises(ValueError, match=r"'Undefined_Weights \| None'.*NameError") as info:
        weighthub.get_model_weights(undefined)
    assert "builder" in str(info.value)
    enum_class = weighthub.get_model_weights("goodnet")
    with pytest.raises(TypeError, match=r"received int: 3 \(int\)\. Pass a GoodNet_Weights"):
        enum_class.verify(3)


def test_torchvision_compatible_forms_still_work(good):
    enum_class = weighthub.get_model_weights("goodnet")
    assert enum_class.verify(None) is None
    assert enum_class.verify("DEFAULT") is enum_class.IMAGENET1K_V1
    assert enum_class.verify("GoodNet_Weights.IMAGENET1K_V1") is enum_class.IMAGENET1K_V1
    assert enum_class.verify(enum_class.IMAGENET1K_V1) is enum_class.IMAGENET1K_V1
    assert weighthub.get_model_weights(weighthub.get_model_builder("goodnet")) is enum_class
    annotated = _function_with(enum_class | None)
    assert weighthub.get_model_weights(annotated) is enum_class
    namespace = {"GoodNet_Weights": enum_class}
    exec("def builder(*, weights: 'GoodNet_Weights | None' = None, x: 'Nope' = 0): pass", namespace)
    assert weighthub.get_model_weights(namespace["builder"]) is enum_class, "only weights= counts"
