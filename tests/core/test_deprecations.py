"""Deprecated public names still work, and warn once used, naming their replacement."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import weighthub
import weighthub.models._utils as tv_utils
from weighthub import building, meta

MOVED_TO_BUILDING = [
    "apply_model_kwargs",
    "handle_legacy_interface",
    "kwonly_to_pos_or_kw",
    "overwrite_named_param",
    "overwrite_value_param",
]


@pytest.mark.parametrize("name", MOVED_TO_BUILDING)
def test_top_level_builder_helpers_are_aliases_of_weighthub_building(name):
    with pytest.warns(DeprecationWarning, match=rf"weighthub\.building\.{name}") as caught:
        alias = getattr(weighthub, name)
    assert alias is getattr(building, name)
    assert Path(caught[0].filename) == Path(__file__), "the warning points at the caller"
    assert name not in weighthub.__all__
    assert name in building.__all__


@pytest.mark.parametrize("name", [n for n in MOVED_TO_BUILDING if n != "apply_model_kwargs"])
def test_torchvisions_own_path_keeps_them_without_a_warning(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert getattr(tv_utils, name) is getattr(building, name)
    with pytest.warns(DeprecationWarning, match=rf"weighthub\.models\._utils\.{name}"):
        getattr(weighthub, name)


def test_star_imports_bring_no_deprecated_name():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        names: dict[str, object] = {}
        exec("from weighthub import *\nfrom weighthub.meta import *", names)
    assert not set(MOVED_TO_BUILDING) & set(names)
    assert not {"TaskSchema", "get_task_schema", "task_schemas", "register_task"} & set(
        meta.__all__
    )


@pytest.mark.parametrize(
    ("name", "replacement"),
    [
        ("TaskSchema", r"weighthub\.Task"),
        ("get_task_schema", r"weighthub\.get_task\(name\)"),
        ("task_schemas", r"weighthub\.list_tasks\(\)"),
        ("register_task", r"weighthub\.register_task\(weighthub\.Task\("),
    ],
)
def test_the_old_task_helpers_name_their_replacement(name, replacement):
    with pytest.warns(DeprecationWarning, match=rf"weighthub\.meta\.{name} is deprecated: .*"):
        getattr(meta, name)
    with pytest.warns(DeprecationWarning, match=replacement):
        getattr(meta, name)


def test_the_old_task_helpers_still_answer_from_the_tasks():
    with pytest.warns(DeprecationWarning):
        schemas = meta.task_schemas()
    assert set(schemas) == set(weighthub.list_tasks())
    task = weighthub.get_task("image_classification")
    assert (schemas[task.name].keys, schemas[task.name].metrics) == (task.keys, task.metrics)
    with pytest.warns(DeprecationWarning):
        assert meta.get_task_schema("nobody_declares_this").required_keys == meta.BASE_KEYS


def test_an_unknown_attribute_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = meta.nope
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = weighthub.nope
