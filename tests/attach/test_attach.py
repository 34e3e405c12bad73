"""Weights plugins: enums attached to models that other plugins register (Registry.add_weights)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

import pytest
import torch

import weighthub
from weighthub import models as M


def _same_state(model, path):
    expected = torch.load(path, weights_only=True)
    actual = model.state_dict()
    assert actual.keys() == expected.keys()
    for key, tensor in expected.items():
        assert torch.equal(actual[key], tensor), key


def test_list_weights_has_own_and_attached_enums(pets):
    names = weighthub.list_weights("resnet18")
    assert names == ["ResNet18_Weights.IMAGENET1K_V1", "WhPets_ResNet18_Weights.PETS_V1"]
    assert "WhPets_ResNet18_Weights.DEFAULT" not in weighthub.list_weights()
    assert weighthub.list_weights("resnet18", plugin="weighthub-test-pets") == [
        "WhPets_ResNet18_Weights.PETS_V1"
    ]
    assert weighthub.list_weights(task="semantic_segmentation", plugin="pets") == [
        "WhPets_DeepLabV3_Weights.PETS_V1"
    ]
    with pytest.raises(weighthub.UnknownModelError, match="resnet18"):
        weighthub.list_weights("resnet81")


def test_builder_loads_attached_member_bit_identical(pets):
    member = M.WhPets_ResNet18_Weights.PETS_V1
    assert weighthub.get_weight("WhPets_ResNet18_Weights.PETS_V1") is member
    assert weighthub.get_weight("WhPets_ResNet18_Weights.DEFAULT") is member
    direct = M.resnet18(weights=member)
    assert direct.fc.out_features == 3
    _same_state(direct, pets["resnet18_pets.pth"])
    by_name = weighthub.get_model("resnet18", weights="WhPets_ResNet18_Weights.PETS_V1")
    _same_state(by_name, pets["resnet18_pets.pth"])
    # The model's own enum and its DEFAULT are untouched.
    assert weighthub.get_model_weights("resnet18") is M.ResNet18_Weights
    assert M.ResNet18_Weights.DEFAULT is M.ResNet18_Weights.IMAGENET1K_V1


def test_num_classes_follows_categories(pets):
    member = M.WhPets_ResNet18_Weights.PETS_V1
    assert M.resnet18(weights=member, num_classes=3).fc.out_features == 3
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 3 but got 10"):
        M.resnet18(weights=member, num_classes=10)


def test_unrelated_enum_is_a_type_error_naming_the_accepted_enums(pets):
    with pytest.raises(TypeError, match=r"ResNet18_Weights or an enum attached .*WhPets_ResNet18"):
        M.resnet18(weights=M.ResNet34_Weights.DEFAULT)
    with pytest.raises(TypeError, match="expected ResNet34_Weights but received WhPets"):
        M.resnet34(weights=M.WhPets_ResNet18_Weights.PETS_V1)
    with pytest.raises(KeyError, match="PETS_V2"):
        M.resnet18(weights="WhPets_ResNet18_Weights.PETS_V2")


def test_detection_builder_takes_attached_weights_and_model_kwargs(pets):
    member = M.WhPets_FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.PETS_V1
    model = M.fasterrcnn_mobilenet_v3_large_320_fpn(weights=member)
    assert model.roi_heads.box_predictor.cls_score.out_features == 4
    assert model.roi_heads.detections_per_img == 7  # from model_kwargs
    _same_state(model, pets["fasterrcnn_pets.pth"])
    with pytest.raises(ValueError, match="'box_detections_per_img' expected value 7 but got 9"):
        M.fasterrcnn_mobilenet_v3_large_320_fpn(weights=member, box_detections_per_img=9)
    with pytest.raises(ValueError, match="'num_classes' expected value 4 but got 91"):
        M.fasterrcnn_mobilenet_v3_large_320_fpn(weights=member, num_classes=91)


def test_segmentation_builder_reads_aux_loss_from_model_kwargs(pets):
    member = weighthub.get_weight("WhPets_DeepLabV3_Weights.PETS_V1")
    model = weighthub.get_model("deeplabv3_mobilenet_v3_large", weights=member)
    assert model.aux_classifier is None
    _same_state(model, pets["deeplabv3_pets.pth"])
    with pytest.raises(ValueError, match="'aux_loss' expected value False but got True"):
        weighthub.get_model("deeplabv3_mobilenet_v3_large", weights=member, aux_loss=True)


def test_model_kwargs_must_not_set_num_classes():
    with pytest.raises(ValueError, match="num_classes"):
        weighthub.Weights("x.pth", transforms=None, meta={}, model_kwargs={"num_classes": 3})
    with pytest.raises(TypeError, match="model_kwargs"):
        weighthub.Weights("x.pth", transforms=None, meta={}, model_kwargs=[("aux_loss", True)])


def test_clash_makes_the_enum_unusable_and_names_both_distributions(pets, use_plugins):
    with pytest.warns(weighthub.PluginWarning, match="WhPets_ResNet18_Weights") as record:
        use_plugins("pets", "petsclash", "classification", "detection", "segmentation")
        weighthub.list_models()
    (warning,) = [w for w in record if issubclass(w.category, weighthub.PluginWarning)]
    assert "weighthub-test-pets" in str(warning.message)
    assert "weighthub-test-pets-clash" in str(warning.message)
    with pytest.raises(weighthub.PluginConflictError, match="weighthub-test-pets-clash"):
        weighthub.get_weight("WhPets_ResNet18_Weights.PETS_V1")
    assert weighthub.list_weights("resnet18") == ["ResNet18_Weights.IMAGENET1K_V1"]
    with pytest.raises(KeyError, match="names weights of enum 'WhPets_ResNet18_Weights'"):
        M.resnet18(weights="WhPets_ResNet18_Weights.PETS_V1")
    # Settled by preference: the winner's enum works again.
    os.environ["WEIGHTHUB_PREFER"] = "weighthub-test-pets"
    try:
        weighthub.reload_plugins()
        assert (
            weighthub.get_weight("WhPets_ResNet18_Weights.PETS_V1").meta["categories"][0] == "cat"
        )
    finally:
        del os.environ["WEIGHTHUB_PREFER"]


def test_dangling_attachment_warns_once_and_spares_the_others(use_plugins, monkeypatch):
    use_plugins("dangling", "classification", "pets", "detection", "segmentation")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert "resnet18" in weighthub.list_models()
        weighthub.list_weights()
    messages = [str(w.message) for w in record if issubclass(w.category, weighthub.PluginWarning)]
    dangling = [m for m in messages if "raft_small" in m]
    assert len(dangling) == 1, messages
    assert "'dangling'" in dangling[0]
    assert "weighthub-test-dangling" in dangling[0]
    assert "Its plugin 'weighthub-optical-flow' is installed but disabled" in dangling[0]
    with pytest.raises(weighthub.UnknownWeightsError, match="raft_small"):
        weighthub.get_weight("WhDangling_Raft_Small_Weights.X")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    weighthub.reload_plugins()
    with pytest.raises(weighthub.PluginLoadError, match="raft_small"):
        weighthub.list_models()


def test_attached_schema_keys_metrics_by_any_dataset():
    from weighthub.meta import validate_meta

    meta = {
        "categories": [f"breed {i}" for i in range(37)],
        "min_size": (1, 1),
        "num_params": 1,
        "recipe": "r",
        "_metrics": {"Pets": {"acc@1": 1.0, "acc@5": 2.0}},
        "_ops": 0.0,
        "_file_size": 0.1,
        "_docs": "d",
    }
    assert validate_meta(meta, "image_classification", attached=True) == []
    assert ("_metrics.ImageNet-1K.acc@1", "missing") in validate_meta(meta, "image_classification")
    half = {**meta, "_metrics": {"Pets": {"acc@1": 1.0}, "Other": {"acc@5": 2.0}}}
    ((field, problem),) = validate_meta(half, "image_classification", attached=True)
    assert field == "_metrics"
    assert "'acc@1' and 'acc@5' for at least one dataset" in problem
    assert validate_meta(meta, "optical_flow", attached=True) == []


@pytest.mark.parametrize("attached", [True, False])
def test_top_k_accuracy_is_required_only_with_more_than_k_categories(attached):
    from weighthub.meta import validate_meta

    dataset = "Pets" if attached else "ImageNet-1K"
    meta = {
        "categories": ["cat", "dog", "rabbit"],
        "min_size": (1, 1),
        "num_params": 1,
        "recipe": "r",
        "_metrics": {dataset: {"acc@1": 91.0}},
        "_ops": 0.0,
        "_file_size": 0.1,
        "_docs": "d",
    }
    assert validate_meta(meta, "image_classification", attached=attached) == []
    six = {**meta, "categories": [*meta["categories"], "hamster", "parrot", "snake"]}
    problems = validate_meta(six, "image_classification", attached=attached)
    assert len(problems) == 1 and "acc@5" in "".join(problems[0]), problems


def test_attached_meta_is_checked_against_the_models_task(use_plugins):
    # The clash plugin's enum lacks most keys: its first use warns, naming the attached schema.
    use_plugins("petsclash", "classification")
    with pytest.warns(weighthub.MetaValidationWarning, match="for attached weights"):
        weighthub.get_weight("WhPets_ResNet18_Weights.OTHER")


def test_listing_weights_imports_no_torch(pets, test_plugins_site):
    code = (
        "import sys, json, weighthub;"
        "names = weighthub.list_weights();"
        "models = weighthub.list_models();"
        "print(json.dumps([len(names), 'torch' in sys.modules, 'torchvision' in sys.modules]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    env["PYTHONPATH"] = str(test_plugins_site)
    env["WEIGHTHUB_PLUGINS"] = "pets,classification,detection,segmentation"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    count, torch_loaded, torchvision_loaded = json.loads(out)
    assert count > 80
    assert not torch_loaded
    assert not torchvision_loaded


def test_conformance_kit_checks_attached_enums(pets):
    from weighthub.testing import check_plugin

    report = check_plugin("weighthub-test-pets", ops_sample=None, skip=("transforms",))
    by_weights = {}
    for failure in report.failures:
        by_weights.setdefault(failure.weights, []).append(failure)
    assert "WhPets_ResNet18_Weights.PETS_V1" in report.checked_weights
    assert not [f for f in report.failures if f.model == "resnet18"], report.format()
    # The detection and segmentation meta carry made-up counts: the kit names them.
    detection = "WhPets_FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.PETS_V1"
    checks = {f.check for f in by_weights[detection]}
    assert {"num_params", "ops"} <= checks, report.format()
    assert "checkpoint" not in checks  # the checkpoint itself fits
    assert any("meta num_params is 18930229" in f.message for f in by_weights[detection])


def test_quantizable_builder_takes_attached_float_weights(pets, use_plugins, pets_checkpoints):
    use_plugins("pets", "classification", "quantized", "detection", "segmentation")
    member = M.WhPets_ResNet18_Weights.PETS_V1
    model = weighthub.get_model("quantized_resnet18", weights=member, quantize=False)
    assert model.fc.out_features == 3
    _same_state(model, pets_checkpoints["resnet18_pets.pth"])
    with pytest.raises(TypeError, match="ResNet18_QuantizedWeights"):
        weighthub.get_model("quantized_resnet18", weights=member, quantize=True)


def test_clash_in_strict_mode_raises(pets, use_plugins, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    use_plugins("pets", "petsclash", "classification", "detection", "segmentation")
    with pytest.raises(weighthub.PluginConflictError, match="weighthub-test-pets-clash"):
        weighthub.list_models()


def test_video_and_optical_flow_builders_take_attached_weights(
    use_plugins, motion_checkpoints, monkeypatch, tmp_path
):
    monkeypatch.setenv("WEIGHTHUB_HOME", str(tmp_path / "home"))
    use_plugins("motion", "video", "optical-flow")
    video = M.s3d(weights=M.WhMotion_S3D_Weights.GESTURES_V1)
    assert video.classifier[-1].out_channels == 3
    _same_state(video, motion_checkpoints["s3d_gestures.pth"])
    flow = weighthub.get_model("raft_small", weights="WhMotion_Raft_Small_Weights.DEFAULT")
    _same_state(flow, motion_checkpoints["raft_small_drones.pth"])
    with pytest.raises(TypeError, match="WhMotion_S3D_Weights"):
        weighthub.get_model("raft_small", weights=M.WhMotion_S3D_Weights.GESTURES_V1)
    assert weighthub.list_weights(plugin="motion") == [
        "WhMotion_Raft_Small_Weights.DRONES_V1",
        "WhMotion_S3D_Weights.GESTURES_V1",
    ]


def test_an_attached_enum_named_like_a_first_party_enum_is_refused(use_plugins, monkeypatch):
    with pytest.warns(weighthub.PluginWarning, match="'ResNet18_Weights'") as record:
        use_plugins("samename", "classification")
        weighthub.list_models()
    (warning,) = [w for w in record if "ResNet18_Weights" in str(w.message)]
    assert "weighthub-classification" in str(warning.message)
    assert "weighthub-test-samename" in str(warning.message)
    # The first-party enum keeps its name, its members and its listing.
    assert weighthub.get_weight("ResNet18_Weights.IMAGENET1K_V1").url.startswith("https://download")
    assert weighthub.list_weights("resnet18") == ["ResNet18_Weights.IMAGENET1K_V1"]
    with pytest.raises(weighthub.UnknownWeightsMemberError):
        weighthub.get_weight("ResNet18_Weights.THIRD_PARTY_V1")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    weighthub.reload_plugins()
    with pytest.raises(weighthub.PluginConflictError, match="weighthub-test-samename") as info:
        weighthub.list_models()
    assert "weighthub-classification" in str(info.value)
