"""``weighthub convert CHECKPOINT --to safetensors``: a verified copy, its sha256 and size."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file


def _convert(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    return subprocess.run(
        [sys.executable, "-m", "weighthub", "convert", *args, "--to", "safetensors"],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def _single_error(result, needle):
    assert result.returncode == 2, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("weighthub: error:")]
    assert len(errors) == 1, result.stderr
    assert needle in errors[0]


def test_converts_verifies_and_reports_shared_tensors(tmp_path):
    torch.manual_seed(0)
    tied = torch.randn(5, 3)
    state = {"embed.weight": tied, "head.weight": tied, "bias": torch.arange(3, dtype=torch.int64)}
    source = tmp_path / "model.pth"
    torch.save(state, source)
    result = _convert(str(source))
    assert result.returncode == 0, result.stderr
    target = tmp_path / "model.safetensors"
    data = target.read_bytes()
    assert f"sha256: {hashlib.sha256(data).hexdigest()}" in result.stdout
    assert f"file_size: {len(data)} " in result.stdout
    assert "embed.weight, head.weight share memory" in result.stderr
    written = load_file(target)
    assert written.keys() == state.keys()
    for name, tensor in state.items():
        assert written[name].dtype == tensor.dtype
        assert torch.equal(written[name], tensor)
    # Never overwritten.
    _single_error(_convert(str(source)), "already exists")
    assert target.read_bytes() == data


def test_non_tensor_entries_are_named(tmp_path):
    source = tmp_path / "training.pth"
    torch.save({"weight": torch.zeros(2), "epoch": 7, "optimizer": {"lr": 0.1}}, source)
    result = _convert(str(source), "-o", str(tmp_path / "out.safetensors"))
    _single_error(result, "'epoch' (int), 'optimizer' (dict)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training.pth"]


class _Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


@pytest.mark.parametrize("case", ["malicious", "missing"])
def test_unsafe_or_missing_checkpoint(tmp_path, case):
    source = tmp_path / "evil.pth"
    if case == "malicious":
        torch.save({"w": _Payload()}, source)
    result = _convert(str(source), cwd=tmp_path)
    _single_error(result, "not a safe checkpoint" if case == "malicious" else "does not exist")
    assert not (tmp_path / "pwned.txt").exists()
    assert not (tmp_path / "evil.safetensors").exists()
