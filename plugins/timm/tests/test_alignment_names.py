"""The names of the tensors to align are traced once per configuration and kept in the cache.

Each test builds from a checkpoint written with every tensor off the 64-byte boundaries, in an
empty cache of its own (``WEIGHTHUB_HOME``), and checks against timm itself; what the kept entry
says is observed through what the build aligns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import timm
import torch
from test_build import _checkpoint, _timm_model, assert_same_outputs, assert_same_state
from timm.models import get_model_input_config

import weighthub
from weighthub.building import MATVEC_RULE, is_aligned, matvec_operands
from weighthub_timm import build_model, empty_model

ARCH = "test_vit"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("WEIGHTHUB_HOME", str(folder))
    return folder


@pytest.fixture
def checkpoint(tmp_path) -> Path:
    return _checkpoint(ARCH, tmp_path)


def _entries(home: Path) -> list[Path]:
    folder = weighthub.cache_dir() / ".weighthub-timm" / "alignment"
    assert folder.is_relative_to(home)
    return sorted(folder.rglob("*.json"))


def _traced() -> frozenset[str]:
    model = empty_model(ARCH)
    return matvec_operands(model, (1, *get_model_input_config(model)["input_size"]))


def test_the_first_build_keeps_the_traced_names_for_the_next(home, checkpoint):
    build_model(ARCH, checkpoint)
    (entry,) = _entries(home)
    versions = entry.parent.name
    # A new revision of the rule never reads names an older one found.
    assert versions == f"{timm.__version__}+{torch.__version__}+r{MATVEC_RULE}"
    kept = json.loads(entry.read_text())
    assert set(kept["names"]) == _traced() and kept["names"]
    assert json.loads(kept["key"])[0] == ARCH
    ours = build_model(ARCH, checkpoint)  # from the kept names
    assert _entries(home) == [entry]
    theirs = _timm_model(ARCH, checkpoint)
    assert_same_state(ours, theirs)
    assert_same_outputs(ours, theirs, batches=(1, 2))


def test_the_kept_names_are_what_the_next_build_aligns(home, checkpoint):
    build_model(ARCH, checkpoint)
    (entry,) = _entries(home)
    kept = json.loads(entry.read_text())
    kept["names"] = ["pos_embed"]  # a tensor no matrix-vector kernel reads
    entry.write_text(json.dumps(kept))
    model = build_model(ARCH, checkpoint)
    tensors = dict(model.named_parameters())
    assert is_aligned(tensors["pos_embed"])
    assert not is_aligned(tensors["head.weight"])  # not named this time: left memory-mapped


def test_other_arguments_are_another_configuration(home, checkpoint, tmp_path):
    build_model(ARCH, checkpoint)
    (tmp_path / "ten").mkdir()
    build_model(ARCH, _checkpoint(ARCH, tmp_path / "ten", num_classes=10), num_classes=10)
    assert len(_entries(home)) == 2
    # A value that is not JSON (a norm layer class) makes a configuration that is not kept.
    build_model(ARCH, checkpoint, norm_layer=torch.nn.LayerNorm)
    assert len(_entries(home)) == 2


@pytest.mark.parametrize("damage", ["garbage", "wrong key", "names not strings", "symlink", "dir"])
def test_a_damaged_entry_is_traced_again_and_the_model_stays_exact(
    home, checkpoint, tmp_path, damage
):
    build_model(ARCH, checkpoint)
    (entry,) = _entries(home)
    kept = json.loads(entry.read_text())
    entry.unlink()
    if damage == "garbage":
        entry.write_bytes(b"\x00not json")
    elif damage == "wrong key":
        entry.write_text(json.dumps({**kept, "key": "another model", "names": []}))
    elif damage == "names not strings":
        entry.write_text(json.dumps({**kept, "names": [1, 2]}))
    elif damage == "symlink":
        victim = tmp_path / "victim.json"
        victim.write_text(json.dumps({**kept, "names": []}))
        entry.symlink_to(victim)
    else:
        entry.mkdir()
    ours = build_model(ARCH, checkpoint)
    assert_same_outputs(ours, _timm_model(ARCH, checkpoint), batches=(1,))
    if damage == "symlink":
        assert not entry.is_symlink(), "the planted link is replaced, not written through"
        assert json.loads((tmp_path / "victim.json").read_text())["names"] == []
    if damage != "dir":
        assert set(json.loads(entry.read_text())["names"]) == _traced()


def test_a_cache_it_cannot_write_to_is_left_alone(home, checkpoint):
    # Where the entries would go is a file (as a read-only cache, it refuses the folder; root
    # would write through permissions).
    blocker = weighthub.cache_dir() / ".weighthub-timm"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder")
    ours = build_model(ARCH, checkpoint)
    assert blocker.read_text() == "not a folder"
    assert_same_outputs(ours, _timm_model(ARCH, checkpoint), batches=(1,))
