"""The CLI on Hub-hosted weights: ``lock`` pins commits, ``download --to`` bundles Hub files,
``cache ls``/``verify``/``rm`` show them by repository and revision, refusals are one line.

The weights are the ``weights-hub`` test plugin's (``WhHub_ResNet18_Weights``: two timm-style
``model.safetensors`` in two repositories, and a gated one), served by the loopback Hub.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from weighthub.testing import HubServer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

A1, TV = random.Random(1).randbytes(200_000), random.Random(2).randbytes(210_000)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def cli(hub: HubServer, test_plugins_site: Path, tmp_path: Path):
    """``python -m weighthub ...`` with the Hub plugin, a weighthub home and the loopback Hub."""
    hub.add_file("wh-test/resnet18.a1", "model.safetensors", A1)
    hub.add_file("wh-test/resnet18.tv", "model.safetensors", TV)
    hub.create_repo("wh-test/gated", gated=True, readers=["hf_reader"])
    hub.add_file("wh-test/gated", "model.safetensors", A1)
    env = {
        **os.environ,
        "PYTHONPATH": str(test_plugins_site),
        "WEIGHTHUB_PLUGINS": "hubpets,classification",
        "WEIGHTHUB_HOME": str(tmp_path / "home"),
        "COLUMNS": "200",
    }

    def run(*args: str, **more: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "weighthub", *args],
            capture_output=True,
            text=True,
            env={**env, **more},
            timeout=300,
            check=False,
        )

    return run


def test_lock_pins_the_commit_and_a_moved_main_changes_nothing(cli, hub, tmp_path):
    lockfile = tmp_path / "weights.lock"
    done = cli(
        "lock", "WhHub_ResNet18_Weights.A1", "WhHub_ResNet18_Weights.TV", "-o", str(lockfile)
    )
    assert done.returncode == 0, done.stderr
    a1_commit = hub.commit_of("wh-test/resnet18.a1")
    assert f"commit {a1_commit}" in done.stdout
    entries = {e["repo"]: e for e in tomllib.loads(lockfile.read_text())["file"]}
    assert entries["wh-test/resnet18.a1"] == {
        "url": "https://huggingface.co/wh-test/resnet18.a1/resolve/main/model.safetensors",
        "name": "model.safetensors",
        "size": len(A1),
        "sha256": _sha(A1),
        "weights": ["WhHub_ResNet18_Weights.A1"],
        "repo": "wh-test/resnet18.a1",
        "commit": a1_commit,
        "path": "model.safetensors",
    }
    assert entries["wh-test/resnet18.tv"]["sha256"] == _sha(TV)

    hub.add_file("wh-test/resnet18.a1", "model.safetensors", b"retrained" * 1000)
    mark = len(hub.requests)
    pinned = cli("download", "WhHub_ResNet18_Weights.A1", "--json", WEIGHTHUB_LOCK=str(lockfile))
    assert pinned.returncode == 0, pinned.stderr
    [record] = json.loads(pinned.stdout)
    assert Path(record["path"]).read_bytes() == A1
    assert hub.requests[mark:] == [], "locked and cached: no request at all"

    relocked = cli("lock", "WhHub_ResNet18_Weights.A1", "-o", str(lockfile))
    assert relocked.returncode != 0, "main moved: the lock says so instead of following it"
    assert "is not the file locked" in relocked.stderr


def test_a_bundle_carries_its_hub_files_and_works_offline(cli, hub, tmp_path):
    lockfile = tmp_path / "weights.lock"
    assert cli("lock", "WhHub_ResNet18_Weights.GATED", "-o", str(lockfile)).returncode != 0
    assert not lockfile.exists(), "nothing is written unless every file was locked"
    assert cli("lock", "WhHub_ResNet18_Weights.A1", "-o", str(lockfile)).returncode == 0
    bundle = tmp_path / "bundle"
    made = cli("download", "--lock", str(lockfile), "--to", str(bundle))
    assert made.returncode == 0, made.stderr
    commit = hub.commit_of("wh-test/resnet18.a1")
    carried = bundle / "checkpoints" / "huggingface" / "models--wh-test--resnet18.a1"
    assert (carried / "snapshots" / commit / "model.safetensors").read_bytes() == A1

    elsewhere = {
        "WEIGHTHUB_HOME": str(tmp_path / "other-home"),
        "WEIGHTHUB_CACHE_PATH": str(bundle),
        "WEIGHTHUB_OFFLINE": "1",
        "WEIGHTHUB_LOCK": str(lockfile),
    }
    mark = len(hub.requests)
    found = cli("download", "WhHub_ResNet18_Weights.A1", "--json", **elsewhere)
    assert found.returncode == 0, found.stderr
    assert Path(json.loads(found.stdout)[0]["path"]).is_relative_to(bundle)
    listed = cli("cache", "ls", **elsewhere)
    assert "(read-only layer, WEIGHTHUB_CACHE_PATH)" in listed.stdout
    assert hub.requests[mark:] == []


def test_cache_ls_verify_and_rm_show_hub_files_by_repo_and_revision(cli, hub, tmp_path):
    for name in ("WhHub_ResNet18_Weights.A1", "WhHub_ResNet18_Weights.TV"):
        assert cli("download", name).returncode == 0
    listed = cli("cache", "ls")
    assert listed.returncode == 0, listed.stderr
    a1 = hub.commit_of("wh-test/resnet18.a1")
    line = next(x for x in listed.stdout.splitlines() if x.startswith("wh-test/resnet18.a1"))
    assert line.split()[:3] == ["wh-test/resnet18.a1", a1[:12], "(main)"]
    assert "model.safetensors" in line and line.split()[-1] == "ok"
    hub_files = tmp_path / "home" / "checkpoints" / "huggingface"
    assert f"Hugging Face Hub files in {hub_files}" in listed.stdout
    info = cli("info", "WhHub_ResNet18_Weights.A1", "--json")
    assert json.loads(info.stdout)["weights"][0]["cache"] == {
        "kind": "hub",
        "path": str(
            hub_files / "models--wh-test--resnet18.a1/snapshots" / a1 / "model.safetensors"
        ),
        "cached": True,
        "problem": None,
    }

    blob = hub_files / "models--wh-test--resnet18.tv" / "blobs" / _sha(TV)
    blob.write_bytes(b"\0" + TV[1:])
    verified = cli("cache", "verify")
    assert verified.returncode == 1
    assert f"cache rm hf://wh-test/resnet18.tv@{hub.commit_of('wh-test/resnet18.tv')}" in (
        verified.stderr
    )
    removed = cli("cache", "rm", "WhHub_ResNet18_Weights.TV")
    assert removed.returncode == 0, removed.stderr
    assert not blob.exists()
    assert (hub_files / "models--wh-test--resnet18.a1" / "blobs" / _sha(A1)).exists()
    cleared = cli("cache", "clear", "--yes")
    assert cleared.returncode == 0, cleared.stderr
    assert not any(hub_files.glob("models--*"))


def test_a_gated_repository_is_a_one_line_error_naming_the_fix(cli, hub):
    refused = cli("download", "WhHub_ResNet18_Weights.GATED")
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    errors = [x for x in refused.stderr.splitlines() if x.startswith("weighthub: error:")]
    assert len(errors) == 1, refused.stderr
    assert "wh-test/gated is gated" in errors[0]
    assert "hf auth login" in errors[0]
    allowed = cli("download", "WhHub_ResNet18_Weights.GATED", HF_TOKEN="hf_reader")
    assert allowed.returncode == 0, allowed.stderr
    assert "hf_reader" not in allowed.stdout + allowed.stderr
