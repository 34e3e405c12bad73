"""``weighthub.categories``: lazily loaded dataset category lists, equal to torchvision's."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from torchvision.models import _meta as tv_meta

from weighthub import categories

EXPECTED = [
    # attribute, torchvision list, length, first, last
    ("IMAGENET1K", tv_meta._IMAGENET_CATEGORIES, 1000, "tench", "toilet tissue"),
    ("COCO", tv_meta._COCO_CATEGORIES, 91, "__background__", "toothbrush"),
    ("COCO_PERSON", tv_meta._COCO_PERSON_CATEGORIES, 2, "no person", "person"),
    ("COCO_PERSON_KEYPOINT_NAMES", tv_meta._COCO_PERSON_KEYPOINT_NAMES, 17, "nose", "right_ankle"),
    ("VOC", tv_meta._VOC_CATEGORIES, 21, "__background__", "tvmonitor"),
    ("KINETICS400", tv_meta._KINETICS400_CATEGORIES, 400, "abseiling", "zumba"),
]


@pytest.mark.parametrize(("name", "torchvision_list", "length", "first", "last"), EXPECTED)
def test_lists(name, torchvision_list, length, first, last):
    value = getattr(categories, name)
    assert type(value) is list
    assert all(type(item) is str for item in value)
    assert len(value) == length
    assert value[0] == first
    assert value[-1] == last
    assert value == torchvision_list


@pytest.mark.parametrize("name", categories.__all__)
def test_same_object_on_every_access(name):
    first = getattr(categories, name)
    assert getattr(categories, name) is first
    from weighthub.categories import __getattr__ as module_getattr

    assert module_getattr(name) is first


def test_coco_placeholders():
    assert categories.COCO.count("N/A") == 10
    assert len(set(categories.IMAGENET1K)) == 1000
    assert len(set(categories.KINETICS400)) == 400


def test_namespace():
    assert categories.__all__ == [
        "IMAGENET1K",
        "COCO",
        "COCO_PERSON",
        "COCO_PERSON_KEYPOINT_NAMES",
        "VOC",
        "KINETICS400",
    ]
    assert set(categories.__all__) <= set(dir(categories))
    with pytest.raises(AttributeError, match="no attribute 'IMAGENET21K'"):
        _ = categories.IMAGENET21K  # type: ignore[attr-defined]


def test_lazy_and_torch_free():
    code = textwrap.dedent(
        """
        import sys
        from weighthub import categories
        assert "_load" in vars(categories)
        assert categories._load.cache_info().currsize == 0
        assert len(categories.VOC) == 21
        assert categories._load.cache_info().currsize == 1
        assert "torch" not in sys.modules
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
