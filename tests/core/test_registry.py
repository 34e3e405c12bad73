"""list_models / get_model / get_weight semantics, on models registered at runtime."""

import itertools
import pickle
import sys
import typing

import pytest

import weighthub
from weighthub import Weights, WeightsEnum

from .test_plugins import first_party_hint

NAMES = ["alexnet", "resnet18", "resnet34", "resnet50", "resnet101", "wide_resnet50_2", "vgg11"]


class Toy_Weights(WeightsEnum):
    V1 = Weights(
        url="https://example.invalid/toy-11111111.pth",
        transforms=dict,
        meta={
            "_metrics": {},
            "min_size": (1, 1),
            "num_params": 1,
            "recipe": "https://example.invalid",
            "_docs": "Toy weights.",
            "_file_size": 0.1,
            "_ops": 0.0,
        },
    )
    DEFAULT = V1


@pytest.fixture
def toy_models(monkeypatch):
    """Register torchvision-like names at runtime, with every installed plugin switched off."""
    monkeypatch.setenv("WEIGHTHUB_PLUGINS", "no-such-plugin")
    weighthub.reload_plugins()
    builders = {}
    for name in NAMES:

        def builder(*, weights: Toy_Weights | None = None, progress: bool = True, _name=name):
            return (_name, Toy_Weights.verify(weights))

        weights = "tests_core_registry_enums:Toy_Weights" if name == "resnet50" else None
        builders[name] = weighthub.register_model(name, task="toy", weights=weights)(builder)
    module = type(sys)("tests_core_registry_enums")
    module.Toy_Weights = Toy_Weights
    monkeypatch.setitem(sys.modules, "tests_core_registry_enums", module)
    return builders


FILTERS = [
    None,
    [],
    (),
    "",
    "*resnet*",
    ["*alexnet*"],
    "*not-existing-model-for-test?",
    ["*resnet*", "*alexnet*"],
    ["*resnet*", "*alexnet*", "*not-existing-model-for-test?"],
    ("*resnet*", "*alexnet*"),
    {"*resnet*", "*alexnet*"},
]
EXCLUDES = [
    None,
    [],
    (),
    "",
    "*resnet*",
    ["*alexnet*"],
    ["*not-existing-model-for-test?"],
    ["resnet34", "*not-existing-model-for-test?"],
    ["resnet34", "*resnet1*"],
    ("resnet34", "*resnet1*"),
    {"resnet34", "*resnet1*"},
]


@pytest.mark.parametrize(("include", "exclude"), list(itertools.product(FILTERS, EXCLUDES)))
def test_list_models_filters_as_torchvision(toy_models, include, exclude):
    def as_list(value):
        return [value] if isinstance(value, str) else list(value or [])

    expected = set(NAMES)
    if as_list(include):
        expected = {n for f in as_list(include) for n in NAMES if f.strip("*?") in n}
    for f in as_list(exclude):
        if f.strip("*?"):
            expected -= {n for n in NAMES if f.strip("*?") in n}
    assert set(weighthub.list_models(include=include, exclude=exclude)) == expected


def test_list_models_is_sorted_and_filters_by_task_plugin_and_weights(toy_models):
    assert weighthub.list_models() == sorted(NAMES)
    assert weighthub.list_models("resnet*", exclude=["*50*"]) == [
        "resnet101",
        "resnet18",
        "resnet34",
    ]
    assert weighthub.list_models(pretrained=True) == ["resnet50"]
    assert "resnet50" not in weighthub.list_models(pretrained=False)
    assert weighthub.list_models(task="toy") == sorted(NAMES)
    with pytest.raises(weighthub.UnknownTaskError, match="other"):
        weighthub.list_models(task="other")
    assert weighthub.list_models(plugin="<runtime>") == sorted(NAMES)


def test_get_model_builder_is_case_insensitive(toy_models):
    assert weighthub.get_model_builder("ResNet50") is toy_models["resnet50"]
    assert weighthub.get_model("RESNET18") == ("resnet18", None)


def test_get_model_passes_config_to_the_builder(toy_models):
    assert weighthub.get_model("resnet50", weights="DEFAULT") == ("resnet50", Toy_Weights.V1)


def test_unknown_model_is_a_value_error_with_close_matches(toy_models):
    with pytest.raises(
        ValueError, match=r"^Unknown model resnet5\. Did you mean 'resnet50'"
    ) as info:
        weighthub.get_model("resnet5")
    assert isinstance(info.value, weighthub.UnknownModelError)


def test_unknown_first_party_model_names_the_pip_line(toy_models):
    with pytest.raises(weighthub.UnknownModelError) as info:
        weighthub.get_model("fasterrcnn_resnet50_fpn")
    assert first_party_hint("detection") in str(info.value)


def test_get_model_weights_by_name_builder_and_annotation(toy_models):
    assert weighthub.get_model_weights("resnet50") is Toy_Weights
    assert weighthub.get_model_weights(toy_models["resnet50"]) is Toy_Weights
    with pytest.raises(ValueError, match="has no pretrained weights"):
        weighthub.get_model_weights("resnet18")

    def annotated(*, weights: typing.Union[Toy_Weights, int] | None = None):  # noqa: UP007
        return weights

    assert weighthub.get_model_weights(annotated) is Toy_Weights

    def unannotated(*, weights=None):
        return weights

    with pytest.raises(ValueError, match="couldn't be retrieved"):
        weighthub.get_model_weights(unannotated)
    with pytest.raises(ValueError, match="missing the 'weights' argument"):
        weighthub.get_model_weights(lambda: None)


def test_get_weight(toy_models):
    assert weighthub.get_weight("Toy_Weights.V1") is Toy_Weights.V1
    assert weighthub.get_weight("Toy_Weights.DEFAULT") is Toy_Weights.V1
    with pytest.raises(KeyError, match="no member 'V9'"):
        weighthub.get_weight("Toy_Weights.V9")
    for bad in ("Toy_Weights", "a.b.c"):
        with pytest.raises(ValueError, match=f"Invalid weight name provided: '{bad}'"):
            weighthub.get_weight(bad)
    with pytest.raises(weighthub.UnknownWeightsError, match=r"Did you mean 'Toy_Weights\.V1'"):
        weighthub.get_weight("toy_weights.v1")
    with pytest.raises(weighthub.UnknownWeightsError, match="Did you mean 'Toy_Weights'"):
        weighthub.get_weight("Toy_Weigths.V1")
    with pytest.raises(KeyError, match="Did you mean 'V1'"):
        Toy_Weights.verify("v1")
    with pytest.raises(ValueError) as info:
        weighthub.get_weight("ResNet50_QuantizedWeights.DEFAULT")
    assert first_party_hint("quantized") in str(info.value)


def test_runtime_registration_refuses_a_taken_name(toy_models):
    with pytest.raises(
        weighthub.PluginConflictError, match="already registered under the name 'ResNet18'"
    ):
        weighthub.register_model("ResNet18", task="toy")(lambda: None)


def test_registration_validates_its_arguments(toy_models):
    with pytest.raises(ValueError, match="not a valid identifier"):
        weighthub.register_model("my-model", task="toy")(lambda: None)
    with pytest.raises(ValueError, match="'module:attribute' string"):
        weighthub.register_model("mine", task="toy", weights="no_colon_here")(lambda: None)


def test_runtime_registrations_survive_a_reload(toy_models):
    weighthub.reload_plugins()
    assert weighthub.list_models() == sorted(NAMES)


def test_models_namespace(toy_models):
    from weighthub import models as M

    assert M.resnet50 is toy_models["resnet50"]
    assert M.Toy_Weights is Toy_Weights
    assert M.resnet50(weights=M.Toy_Weights.DEFAULT) == ("resnet50", Toy_Weights.V1)
    assert {"resnet50", "Toy_Weights", "get_model"} <= set(dir(M))
    with pytest.raises(AttributeError, match="Did you mean 'resnet50'"):
        _ = M.resnet5


def test_plugin_reference_that_does_not_import_is_a_plugin_load_error(toy_models):
    weighthub.register_model("ghost", task="toy", weights="no_such_module_here:Ghost_Weights")(
        lambda: None
    )
    with pytest.raises(ImportError, match="Could not import the weights enum of model 'ghost'"):
        weighthub.get_weight("Ghost_Weights.V1")


def test_weights_ref_resolves_lazily_by_name(toy_models):
    ref = weighthub.WeightsRef("Toy_Weights.DEFAULT")
    assert repr(ref) == "Toy_Weights.DEFAULT"
    assert ref.resolve() is Toy_Weights.V1
    assert ref == Toy_Weights.V1
    assert ref.url == Toy_Weights.V1.url
    missing = weighthub.WeightsRef("ResNet50_Weights.IMAGENET1K_V2")
    with pytest.raises(ValueError) as info:
        _ = missing.meta
    assert first_party_hint("classification") in str(info.value)
    with pytest.raises(ValueError, match=r"Enum\.MEMBER"):
        weighthub.WeightsRef("nodots")


def test_weights_ref_reads_like_a_member_and_builders_accept_it(toy_models):
    ref = weighthub.WeightsRef("Toy_Weights.V1")
    # torchvision's member: .name is the member's name, repr the qualified one.
    assert (ref.name, ref.enum_name, repr(ref), str(ref)) == (
        "V1",
        "Toy_Weights",
        "Toy_Weights.V1",
        "Toy_Weights.V1",
    )
    assert ref == Toy_Weights.V1 and ref == Toy_Weights.V1
    assert hash(ref) == hash(weighthub.WeightsRef("Toy_Weights.V1")) == hash(Toy_Weights.V1)
    assert {Toy_Weights.V1: "found"}[ref] == "found"
    assert pickle.loads(pickle.dumps(ref)) == ref
    # verify() is what builders call: a reference to one of its members is that member.
    assert Toy_Weights.verify(ref) is Toy_Weights.V1
    assert Toy_Weights.verify(weighthub.WeightsRef("Toy_Weights.DEFAULT")) is Toy_Weights.V1
    with pytest.raises(TypeError, match="expected Toy_Weights"):
        Toy_Weights.verify(weighthub.WeightsRef("Other_Weights.V1"))
