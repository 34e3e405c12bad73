"""The weights enums: one per architecture, one member per tag, their URLs and meta, from timm."""

from __future__ import annotations

import copy
import pickle
import warnings

import pytest
import timm
from timm.models import get_pretrained_cfg

import weighthub
import weighthub_timm
from weighthub import categories
from weighthub.meta import validate_meta
from weighthub_timm import enum_name, member_name, tag_of, weights_enum

CATALOGUE = weighthub_timm.manifest()
ARCHITECTURES = list(CATALOGUE.architectures)


def test_one_member_per_tag_named_by_the_documented_rule(members):
    assert sorted(members) == sorted(timm.list_pretrained())
    enum = weights_enum("flexivit_base")
    assert enum.__name__ == enum_name("flexivit_base") == "flexivit_base_Weights"
    assert enum._300EP_IN1K.meta["x_timm_name"] == "flexivit_base.300ep_in1k"
    assert member_name("1200ep_in1k") == "_1200EP_IN1K"
    assert tag_of("_1200EP_IN1K") == "1200ep_in1k"
    digit_leading = [name for name in members if name.partition(".")[2][0].isdigit()]
    assert len(digit_leading) == 11
    for name, member in members.items():
        assert member.name == member_name(name.partition(".")[2])
        assert member.meta["x_timm_name"] == name


def test_default_is_the_tag_timm_loads_by_default():
    for arch in ARCHITECTURES:
        enum = weights_enum(arch)
        assert tag_of(enum.DEFAULT.name) == get_pretrained_cfg(arch).tag
    # Not the alphabetical first: timm's order.
    assert weights_enum("vit_base_patch16_224").DEFAULT.name == "AUGREG2_IN21K_FT_IN1K"
    assert weights_enum("resnet50").DEFAULT.name == "A1_IN1K"


def test_urls_are_where_timm_loads_from(members):
    assert members["resnet50.a1_in1k"].url == (
        "https://huggingface.co/timm/resnet50.a1_in1k/resolve/main/model.safetensors"
    )
    assert members["gcvit_tiny.in1k"].url == get_pretrained_cfg("gcvit_tiny.in1k").url
    hub = [m for m in members.values() if "x_hf_hub_id" in m.meta]
    assert len(hub) == 1807
    # The 37 files torchvision publishes keep torchvision's URL (test_sources.py).
    twins = [m for m in hub if "x_torchvision_weights" in m.meta]
    assert len(twins) == 37
    assert all(m.url.startswith("https://huggingface.co/") for m in hub if m not in twins)
    # timm's 17 quickgelu CLIP variants load their plain twin's file: one URL, one cached copy.
    assert len({m.url for m in members.values()}) == 1826 - 17
    twin = members["vit_base_patch16_clip_quickgelu_224.openai"]
    assert twin.url == members["vit_base_patch16_clip_224.openai"].url


def test_meta_carries_timms_facts(members):
    member = members["resnet50.a1_in1k"]
    meta = member.meta
    assert meta["categories"] is categories.IMAGENET1K
    assert meta["num_params"] == 25557032
    assert meta["license"] == "apache-2.0"
    assert meta["x_input_size"] == (3, 224, 224)
    assert meta["x_test_input_size"] == (3, 288, 288)
    assert (meta["x_crop_pct"], meta["x_test_crop_pct"], meta["x_crop_mode"]) == (
        0.95,
        1.0,
        "center",
    )
    assert meta["x_paper_ids"] == ("arXiv:2110.00476",)
    assert meta["x_hf_hub_id"] == "timm/resnet50.a1_in1k"
    assert meta["x_hf_hub_files"] == ("model.safetensors", "pytorch_model.bin")  # timm's order
    assert (
        meta["_docs"]
        == "The weights timm 1.0.31 calls ``resnet50.a1_in1k`` (the architecture's default)."
    )
    tv = members["resnet50.tv2_in1k"].meta
    assert tv["x_torchvision_url"] == "https://download.pytorch.org/models/resnet50-11ad3fa6.pth"
    assert tv["x_torchvision_weights"] == "ResNet50_Weights.IMAGENET1K_V2"
    assert members["botnet26t_256.c1_in1k"].meta["min_size"] == (224, 224)


def test_metrics_are_timms_results_at_the_weights_own_size(members):
    # plugins/timm/results/results-imagenet.csv has this tag at 288 and at 224, its
    # transforms' size; results-imagenet-real.csv likewise.
    meta = members["resnet50.a1_in1k"].meta
    assert meta["x_metrics_input_size"] == 224 == meta["x_input_size"][-1]
    assert meta["_metrics"]["ImageNet-1K"] == {"acc@1": 80.382, "acc@5": 94.598}
    assert len(meta["_metrics"]) == 8
    assert meta["_metrics"]["ImageNet-ReaL"]["acc@1"] > meta["_metrics"]["ImageNet-1K"]["acc@1"]
    # Tags timm's tables do not list (here a headless one) have none, rather than a placeholder.
    headless = members["vit_base_patch16_224.augreg_in21k"].meta
    assert "_metrics" not in headless and "x_metrics_input_size" not in headless


def test_categories_follow_the_classifier(members):
    for name, member in members.items():
        meta = member.meta
        if meta["categories"] is None:
            assert "x_label_set" not in meta
        else:
            assert len(meta["categories"]) == meta["x_num_classes"], name
    headless = members["vit_base_patch16_224.augreg_in21k"].meta
    assert headless["x_label_set"] == "imagenet-21k-goog"
    assert len(headless["categories"]) == 21843
    clip = members["vit_base_patch16_clip_224.openai"].meta
    assert (clip["categories"], clip["x_num_classes"]) == (None, 512)
    twelve_k = members["convnext_tiny.in12k"].meta["categories"]
    assert twelve_k is members["convnext_nano.in12k"].meta["categories"]  # read once, shared


def test_every_member_follows_the_schema_saying_what_timm_does_not_publish(members):
    for member in members.values():
        assert validate_meta(member.meta, "image_classification") == [], member
        # Not published by timm: present and None, never a made-up number.
        assert member.meta["_ops"] is None and member.meta["_file_size"] is None


def test_first_use_of_an_enum_warns_nothing(only_plugins):
    only_plugins("timm")
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.MetaValidationWarning)
        weighthub.get_weight("timm/vit_base_patch16_224_Weights.DEFAULT")


def test_members_copy_and_pickle_to_themselves(members):
    member = members["flexivit_base.300ep_in1k"]
    assert copy.deepcopy(member) is member
    assert pickle.loads(pickle.dumps(member)) is member
    assert weighthub_timm.weights_enum("flexivit_base") is type(member)


def test_timm_names_find_their_members():
    assert weighthub_timm.weights_of("resnet50") is weights_enum("resnet50").DEFAULT
    flexivit = weighthub_timm.weights_of("flexivit_base.300ep_in1k")
    assert flexivit is weights_enum("flexivit_base")._300EP_IN1K


def test_unknown_names_suggest_timm_names_and_the_manifests_timm_version():
    newer = (
        r"tags of timm 1\.0\.31; for a newer timm's, regenerate its manifest: "
        r"python -m weighthub_timm\.generate"
    )
    with pytest.raises(
        weighthub.UnknownModelError,
        match=r"no pretrained architecture 'resnet5'\. Did you mean 'resnet50'",
    ) as info:
        weights_enum("resnet5")
    assert info.match(newer)
    with pytest.raises(
        weighthub.UnknownWeightsMemberError, match=r"no pretrained tag 'a1_in1kk'"
    ) as info:
        weighthub_timm.weights_of("resnet50.a1_in1kk")
    assert info.match(r"Did you mean 'resnet50\.a1_in1k'")
    assert info.match(newer)
    with pytest.raises(weighthub.UnknownWeightsMemberError, match="no pretrained tag 'default'"):
        weighthub_timm.weights_of("resnet50.default")  # DEFAULT is an alias, not a tag
