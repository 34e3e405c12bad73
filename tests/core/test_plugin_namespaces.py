"""Plugin namespaces: "<namespace>/<name>" always works, short names only when unambiguous,
first-party names never change, and a namespace belongs to one distribution.

The plugins are real distributions (tests/fixtures/plugins/ns-*): ``weighthub-test-ns-alpha``
(plugins ``alpha`` and ``alphaextra``, namespace ``alpha``), ``weighthub-test-ns-beta``
(``beta``, namespace ``beta``) and ``weighthub-test-ns-alpha-fork`` (``alphafork``, which claims
``alpha`` too). alpha attaches weights to ``resnet18``, torchvision's: the tests enable the
classification plugin next to them.
"""

from __future__ import annotations

import warnings

import pytest

import weighthub
import weighthub.models

ALPHA = "weighthub-test-ns-alpha"


@pytest.fixture
def no_plugin_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.PluginWarning)
        yield


def test_full_names_always_work_and_list_as_such(use_plugins, no_plugin_warnings):
    use_plugins(ALPHA, "beta", "classification")
    assert weighthub.list_models(plugin="alpha") == [
        "alpha/alphanet",
        "alpha/resnet18",
        "alpha/sharednet",
    ]
    assert weighthub.list_models("*/sharednet") == ["alpha/sharednet", "beta/sharednet"]
    assert weighthub.get_model("alpha/sharednet")["built"] == "alpha/sharednet"
    assert weighthub.get_model("beta/SharedNet")["built"] == "beta/sharednet"  # any case
    alpha = weighthub.get_weight("alpha/SharedNet_Weights.IN1K")
    beta = weighthub.get_weight("beta/SharedNet_Weights.BETA_V1")
    assert type(alpha) is not type(beta)
    assert type(alpha).__name__ == type(beta).__name__ == "SharedNet_Weights"
    assert weighthub.get_weight_name(alpha) == "alpha/SharedNet_Weights.IN1K"
    assert weighthub.get_weight_name(beta) == "beta/SharedNet_Weights.BETA_V1"
    assert set(weighthub.list_weights("alpha/sharednet")) == {
        "alpha/SharedNet_Weights.IN1K",
        "alpha/SharedNet_Weights._300EP_IN1K",
        "alpha/Alpha_Extra_SharedNet_Weights.EXTRA_V1",  # the second plugin of the distribution
    }
    for name in weighthub.list_weights(plugin=ALPHA) + weighthub.list_weights(plugin="beta"):
        assert weighthub.get_weight_name(weighthub.get_weight(name)) == name


def test_first_party_names_never_change_and_never_warn(use_plugins, no_plugin_warnings):
    use_plugins(ALPHA, "beta", "classification")
    assert weighthub.get_model_entry("resnet18").plugin == "classification"
    assert weighthub.get_model_entry("alpha/resnet18").plugin == "alpha"
    torchvision_enum = weighthub.get_model_weights("resnet18")
    assert weighthub.get_weight("ResNet18_Weights.IMAGENET1K_V1") in torchvision_enum
    assert weighthub.get_weight("ResNet50_Weights.DEFAULT").url.startswith("https://download")
    assert weighthub.models.ResNet18_Weights is torchvision_enum
    assert "resnet18" in weighthub.list_models() and "alpha/resnet18" in weighthub.list_models()
    # alpha's ResNet18_Weights, attached to torchvision's resnet18, is alpha's by its full name.
    alpha_v1 = weighthub.get_weight("alpha/ResNet18_Weights.ALPHA_V1")
    assert "alpha/ResNet18_Weights.ALPHA_V1" in weighthub.list_weights("resnet18")
    assert torchvision_enum.verify("alpha/ResNet18_Weights.ALPHA_V1") is alpha_v1
    assert torchvision_enum.verify(alpha_v1) is alpha_v1


def test_short_names_work_while_unambiguous(use_plugins, no_plugin_warnings):
    use_plugins(ALPHA, "beta", "classification")
    assert weighthub.get_model("alphanet")["built"] == "alpha/alphanet"
    assert weighthub.get_weight("AlphaNet_Weights.IN1K") is weighthub.get_weight(
        "alpha/AlphaNet_Weights.IN1K"
    )
    assert weighthub.models.alphanet is weighthub.get_model_builder("alpha/alphanet")
    with pytest.raises(weighthub.PluginConflictError) as caught:
        weighthub.get_model("sharednet")
    message = str(caught.value)
    assert "'alpha/sharednet'" in message and "'beta/sharednet'" in message
    assert "weighthub-test-ns-alpha" in message and "weighthub-test-ns-beta" in message
    assert isinstance(caught.value, ValueError)
    with pytest.raises(weighthub.PluginConflictError, match="alpha/SharedNet_Weights"):
        weighthub.get_weight("SharedNet_Weights.DEFAULT")
    assert not hasattr(weighthub.models, "sharednet")  # ambiguous: an AttributeError, not a crash
    # Alone, beta's short name is beta's (and its weights for alpha's model are dangling).
    with pytest.warns(weighthub.PluginWarning, match="'alpha/alphanet', which no loaded plugin"):
        use_plugins("beta")
        assert weighthub.get_model("sharednet")["built"] == "beta/sharednet"


def test_a_preference_picks_the_short_name(use_plugins, monkeypatch, no_plugin_warnings):
    monkeypatch.setenv("WEIGHTHUB_PREFER", "beta")
    use_plugins(ALPHA, "beta", "classification")
    assert weighthub.get_model("sharednet")["built"] == "beta/sharednet"
    assert weighthub.get_model("alpha/sharednet")["built"] == "alpha/sharednet"


def test_model_tag_names_the_models_own_weights(use_plugins, no_plugin_warnings):
    use_plugins(ALPHA, "beta", "classification")
    own = weighthub.get_model_weights("alpha/sharednet")
    assert weighthub.get_weight("alpha/sharednet.in1k") is own.IN1K
    assert weighthub.get_weight("alpha/sharednet.300ep_in1k") is own._300EP_IN1K
    assert weighthub.get_weight("alpha/sharednet.IN1K") is own.IN1K
    built = weighthub.get_model("alpha/sharednet.300ep_in1k")
    assert built["weights"] is own._300EP_IN1K
    default = weighthub.get_model("alpha/sharednet", weights="DEFAULT")
    assert default["weights"] is own._300EP_IN1K
    by_full_name = weighthub.get_model("alpha/sharednet", weights="alpha/sharednet.in1k")
    assert by_full_name["weights"] is own.IN1K
    with pytest.raises(TypeError, match="not both"):
        weighthub.get_model("alpha/sharednet.in1k", weights="DEFAULT")
    with pytest.raises(weighthub.UnknownWeightsMemberError) as caught:
        weighthub.get_weight("alpha/sharednet.in1kk")
    assert "Did you mean 'alpha/sharednet.in1k'" in str(caught.value)
    with pytest.raises(weighthub.UnknownWeightsError, match="no weights of its own"):
        weighthub.get_weight("alpha/resnet18.v1")


def test_weights_attached_across_namespaces(use_plugins, no_plugin_warnings):
    use_plugins(ALPHA, "beta", "classification")
    member = weighthub.get_weight("beta/ResNet50_Weights.BANDS13_V1")
    built = weighthub.get_model("alpha/alphanet", weights="beta/ResNet50_Weights.BANDS13_V1")
    assert built["weights"] is member
    assert weighthub.get_model("alpha/alphanet", weights=member)["weights"] is member
    full = "beta/ResNet50_Weights.BANDS13_V1"
    assert weighthub.resolve_weights(full, "ResNet50_Weights") is member
    assert weighthub.WeightsRef(full).resolve() is member
    assert "beta/ResNet50_Weights.BANDS13_V1" in weighthub.list_weights("alpha/alphanet")
    assert weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2").meta["num_params"] == 25557032
    assert weighthub.models.beta.ResNet50_Weights is type(member)
    assert weighthub.models.ResNet50_Weights is not type(member)


def test_namespaces_are_module_namespaces(use_plugins, no_plugin_warnings):
    use_plugins(ALPHA, "beta", "classification")
    assert weighthub.models.alpha.sharednet is weighthub.get_model_builder("alpha/sharednet")
    assert weighthub.models.beta.sharednet is weighthub.get_model_builder("beta/sharednet")
    assert weighthub.models.alpha.SharedNet_Weights is weighthub.get_model_weights(
        "alpha/sharednet"
    )
    assert weighthub.list_models(weighthub.models.alpha) == [
        "alpha/alphanet",
        "alpha/resnet18",
        "alpha/sharednet",
    ]


def test_unknown_names_suggest_full_names(use_plugins):
    use_plugins(ALPHA, "beta", "classification")
    with pytest.raises(weighthub.UnknownModelError, match="Did you mean 'alpha/sharednet'"):
        weighthub.get_model("alpha/sharedne")
    with pytest.raises(weighthub.UnknownModelError) as caught:
        weighthub.get_model("alpah/sharednet")
    assert "no installed plugin claims the namespace 'alpah'" in str(caught.value).lower()
    assert "Did you mean 'alpha'?" in str(caught.value)
    with pytest.raises(weighthub.UnknownWeightsError, match="Did you mean 'alpha'"):
        weighthub.get_weight("alpah/SharedNet_Weights.IN1K")


def test_a_namespace_two_distributions_claim_is_a_clear_error(use_plugins):
    with pytest.warns(weighthub.PluginWarning) as caught:
        use_plugins(ALPHA, "alphafork", "beta", "classification")
        weighthub.list_models()
    [warning] = [w for w in caught if "namespace" in str(w.message)]
    message = str(warning.message)
    assert "'alpha'" in message
    assert "weighthub-test-ns-alpha'" in message and "weighthub-test-ns-alpha-fork" in message
    assert "WEIGHTHUB_PREFER" in message
    with pytest.raises(weighthub.PluginConflictError) as raised:
        weighthub.get_model("alpha/sharednet")
    assert "weighthub-test-ns-alpha-fork" in str(raised.value)
    assert not [name for name in weighthub.list_models() if name.startswith("alpha/")]
    assert weighthub.get_model("beta/sharednet")["built"] == "beta/sharednet"  # others unharmed
    assert weighthub.get_model("sharednet")["built"] == "beta/sharednet"


@pytest.mark.parametrize("winner", ["alphafork", ALPHA])
def test_a_preference_gives_the_namespace_to_one_distribution(use_plugins, monkeypatch, winner):
    monkeypatch.setenv("WEIGHTHUB_PREFER", winner)
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.PluginWarning)
        use_plugins(ALPHA, "alphafork", "classification")
        names = [name for name in weighthub.list_models() if name.startswith("alpha/")]
    if winner == "alphafork":
        assert names == ["alpha/forknet", "alpha/sharednet"]
        assert weighthub.get_model("alpha/sharednet") == {"built": "alpha/forknet (fork)"}
    else:
        assert "alpha/forknet" not in names and "alpha/alphanet" in names


def test_strict_mode_makes_a_claimed_namespace_an_error(use_plugins, monkeypatch):
    use_plugins(ALPHA, "alphafork", "classification")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    weighthub.reload_plugins()
    with pytest.raises(weighthub.PluginConflictError, match="namespace 'alpha' is claimed"):
        weighthub.list_models()


def test_claiming_a_namespace_is_checked():
    registry = weighthub.Registry("mine", "my-dist")
    with pytest.raises(ValueError, match="lower-case identifier"):
        registry.claim_namespace("My/Space")
    registry.add_model("net", task="image_classification", builder="mine:net")
    with pytest.raises(ValueError, match="first in the hook"):
        registry.claim_namespace("mine")
    fresh = weighthub.Registry("mine", "my-dist")
    fresh.claim_namespace("mine")
    with pytest.raises(ValueError, match="twice"):
        fresh.claim_namespace("other")
    fresh.add_model("net", task="image_classification", builder="mine:net")
    [entry] = fresh.entries
    assert (entry.name, entry.short_name, entry.namespace, entry.attribute) == (
        "mine/net",
        "net",
        "mine",
        "net",
    )


def test_the_tag_mangling_is_reversible():
    for tag in ("a1_in1k", "300ep_in1k", "in1k", "augreg2_in21k_ft_in1k", "1k"):
        assert weighthub.tag_of(weighthub.member_name(tag)) == tag
        assert weighthub.member_name(tag).isidentifier()
    assert weighthub.member_name("300ep_in1k") == "_300EP_IN1K"
    assert weighthub.member_name("_300EP_IN1K") == "_300EP_IN1K"
