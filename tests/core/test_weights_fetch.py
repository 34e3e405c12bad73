"""``WeightsEnum.fetch()``: the verified cached file of a member, with what the member declares.

For code that takes a file rather than a state dict (timm's ``pretrained_cfg_overlay=dict(file=
...)``): the same file ``get_state_dict`` loads, checked the same way, under the member's own
cache name.
"""

from __future__ import annotations

import hashlib
import io

import pytest
import torch

import weighthub
from weighthub import Weights, WeightsEnum
from weighthub.transforms import preset


def _checkpoint() -> bytes:
    torch.manual_seed(0)
    buffer = io.BytesIO()
    torch.save(torch.nn.Linear(3, 2).state_dict(), buffer)
    return buffer.getvalue()


DATA = _checkpoint()


def _enum(sha256: str) -> type[WeightsEnum]:
    weights = Weights(
        url="https://weights.invalid/fetch/model.pth",
        transforms=preset("ImageClassification", crop_size=8),
        meta={"categories": ["a", "b"]},
        sha256=sha256,
        file_size=len(DATA),
        file_name="tiny-linear.pth",
    )
    return WeightsEnum("Tiny_Weights", {"V1": weights})  # type: ignore[return-value]


def test_fetch_returns_the_verified_cached_file_under_the_members_name(weights_server):
    member = _enum(hashlib.sha256(DATA).hexdigest()).V1
    weights_server.serve(member, DATA)
    path = member.fetch(progress=False)
    assert path.name == "tiny-linear.pth"
    assert path.parent == weighthub.cache_dir()
    assert path.read_bytes() == DATA
    # A hit: no request; and it is the file get_state_dict loads.
    requests = weights_server.server.count()
    assert member.fetch(progress=False) == path
    state = member.get_state_dict(progress=False)
    assert weights_server.server.count() == requests == 1
    assert torch.equal(state["weight"], torch.load(path, weights_only=True)["weight"])


def test_fetch_checks_the_declared_sha256_and_leaves_nothing_behind(weights_server):
    member = _enum("0" * 64).V1
    weights_server.serve(member, DATA)  # turns hash checks off: the bytes do not match
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEIGHTHUB_CHECK_HASH", "1")
        with pytest.raises(weighthub.IntegrityError, match="0000000000"):
            member.fetch(progress=False)
    assert not (weighthub.cache_dir() / "tiny-linear.pth").exists()
    # check_hash=False, as for get_state_dict, takes the file anyway (its size still checked).
    with pytest.warns(UserWarning, match="without verification"):
        assert member.fetch(progress=False, check_hash=False).read_bytes() == DATA
