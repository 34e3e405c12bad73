"""Tasks as one object: core's and the first-party plugins' declarations, and a third-party task
declared end to end by a real plugin distribution (``tests/fixtures/plugins/task-depth``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import weighthub
from weighthub import meta
from weighthub.tasks import IMAGE_CLASSIFICATION

FIRST_PARTY_TASKS = {
    "image_classification",
    "quantized_image_classification",
    "object_detection",
    "semantic_segmentation",
    "video_classification",
    "optical_flow",
}


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}


def test_every_task_a_model_is_registered_with_is_declared():
    assert set(weighthub.list_tasks()) >= FIRST_PARTY_TASKS
    for name in weighthub.list_models():
        task = weighthub.get_model_entry(name).task
        assert task in weighthub.list_tasks(), (name, task)
    assert weighthub.get_task("image_classification") is IMAGE_CLASSIFICATION


def test_mask_and_keypoint_rcnn_are_object_detection_and_no_phantom_task_is_listed():
    assert weighthub.get_model_entry("maskrcnn_resnet50_fpn").task == "object_detection"
    assert weighthub.get_model_entry("keypointrcnn_resnet50_fpn").task == "object_detection"
    assert not {"instance_segmentation", "keypoint_detection"} & set(weighthub.list_tasks())


def test_an_unknown_task_names_close_matches():
    with pytest.raises(weighthub.UnknownTaskError, match="Did you mean 'object_detection'") as info:
        weighthub.get_task("object_detecton")
    assert info.value.name == "object_detecton"
    with pytest.raises(ValueError, match="not one of"):
        weighthub.Task("x", predict="clasification")


def test_the_schema_is_the_declared_tasks():
    task = weighthub.get_task("quantized_image_classification")
    assert meta.get_task_schema(task.name).keys == task.keys
    assert task.expected_enum_name("quantized_resnet50") == "resnet50_quantizedweights"
    assert dict(task.build_options) == {"quantize": True}


def test_a_third_party_task_end_to_end(use_plugins):
    use_plugins("depth")
    task = weighthub.get_task("depth_estimation")
    assert task.title == "Depth estimation"
    assert meta.get_task_schema("depth_estimation").metrics == {("NYUv2", "abs_rel")}
    problems = dict(meta.validate_meta({"_metrics": {"NYUv2": {}}}, "depth_estimation"))
    assert problems["_metrics.NYUv2.abs_rel"] == "missing"
    # The kit runs the task's own sample input (one channel) and transforms check.
    report = weighthub.testing.check_plugin("depth")
    assert report.ok, report
    assert "_ops recomputed for the 1 smallest: depthnet" in report.notes
    assert not [note for note in report.notes if "not recounted" in note]
    weights = weighthub.get_weight("DepthNet_Weights.DEFAULT")
    model = weighthub.get_model_builder("depthnet")(weights=None)
    args, _ = weighthub.tasks.image_sample_input("depthnet", weights.transforms())
    with pytest.raises(RuntimeError, match="channels"):
        model(*args)  # classification's three-channel sample: the kit must not use it here


def test_a_third_party_task_lists_without_torch_and_predict_refuses_it(test_plugins_site, tmp_path):
    env = {**_base_env(), "PYTHONPATH": str(test_plugins_site), "WEIGHTHUB_PLUGINS": "depth"}
    code = (
        "import sys, weighthub\n"
        "assert 'depth_estimation' in weighthub.list_tasks()\n"
        "assert weighthub.list_models() == ['depthnet']\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('torch', 'torchvision')]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    image = tmp_path / "x.jpg"
    image.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "weighthub", "predict", "-m", "depthnet", str(image)],
        env={**env, "WEIGHTHUB_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr
    assert "predict does not support the task 'depth_estimation'" in result.stderr


def test_a_task_declared_differently_by_another_source_is_refused():
    with pytest.raises(ValueError, match="already has a schema"):
        meta.register_task(meta.TaskSchema("object_detection"))


def test_list_models_of_an_unknown_task_is_an_error_not_an_empty_list():
    assert "fasterrcnn_resnet50_fpn" in weighthub.list_models(task="object_detection")
    with pytest.raises(weighthub.UnknownTaskError, match="'object_detection'") as info:
        weighthub.list_models(task="detection")
    assert info.value.name == "detection"
    assert isinstance(info.value, ValueError)
