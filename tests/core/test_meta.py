import pytest

from weighthub import meta

VALID = {
    "categories": [f"class {i}" for i in range(10)],
    "min_size": (1, 1),
    "num_params": 10,
    "recipe": "https://example.invalid",
    "_metrics": {"ImageNet-1K": {"acc@1": 1.0, "acc@5": 2.0}},
    "_ops": 0.5,
    "_file_size": 1.25,
    "_docs": "docs",
}


def test_valid_classification_meta_has_no_problems():
    assert meta.validate_meta(VALID, "image_classification") == []


def test_missing_keys_and_metrics_are_named():
    broken = {k: v for k, v in VALID.items() if k not in {"categories", "_ops"}}
    broken["_metrics"] = {"ImageNet-1K": {"acc@1": 1.0}}
    problems = dict(meta.validate_meta(broken, "image_classification"))
    assert problems == {
        "categories": "missing",
        "_ops": "missing",
        "_metrics.ImageNet-1K.acc@5": "missing",
    }


def test_unknown_keys_are_refused_unless_prefixed():
    problems = dict(
        meta.validate_meta({**VALID, "colour": "red", "x_colour": "red"}, "image_classification")
    )
    assert list(problems) == ["colour"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("num_params", "10"),
        ("num_params", True),
        ("min_size", [1, 1]),
        ("_ops", "1"),
        ("categories", [1]),
    ],
)
def test_wrong_types_are_named(key, value):
    problems = dict(meta.validate_meta({**VALID, key: value}, "image_classification"))
    assert key in problems


def test_nan_metrics_are_allowed_as_torchvision_uses_them():
    nan = float("nan")
    assert (
        meta.validate_meta(
            {**VALID, "_metrics": {"ImageNet-1K": {"acc@1": nan, "acc@5": nan}}},
            "image_classification",
        )
        == []
    )


def test_each_task_requires_its_metrics():
    schemas = meta.task_schemas()
    assert set(schemas) == {
        "image_classification",
        "quantized_image_classification",
        "object_detection",
        "semantic_segmentation",
        "video_classification",
        "optical_flow",
    }
    assert ("COCO-val2017", "box_map") in schemas["object_detection"].metrics
    assert schemas["quantized_image_classification"].keys == {
        "categories",
        "backend",
        "unquantized",
    }
    assert schemas["optical_flow"].required_keys == meta.BASE_KEYS


def test_a_new_task_gets_the_base_schema_and_can_register_its_own():
    assert meta.get_task_schema("depth_estimation").required_keys == meta.BASE_KEYS
    schema = meta.TaskSchema(
        "depth_estimation_test", frozenset({"categories"}), frozenset({("NYU", "rmse")})
    )
    meta.register_task(schema)
    meta.register_task(schema)
    problems = dict(meta.validate_meta(VALID, "depth_estimation_test"))
    assert problems == {"_metrics.NYU.rmse": "missing"}
    with pytest.raises(ValueError, match="already has a schema"):
        meta.register_task(meta.TaskSchema("depth_estimation_test"))
