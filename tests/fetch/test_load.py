"""Safe loading: zip/legacy/safetensors, malicious pickles, the weights_only opt-out."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
import torch
from _server import sha

from weighthub import (
    CheckpointFormatError,
    UnsafeCheckpointError,
    load_checkpoint,
    load_state_dict_from_url,
)


def _sd():
    gen = torch.Generator().manual_seed(0)
    return {"a": torch.randn(3, 4, generator=gen), "n": torch.tensor(5)}


def _equal(x, y):
    return x.keys() == y.keys() and all(torch.equal(x[k], y[k]) for k in x)


def test_zip_checkpoint_is_memory_mapped(tmp_path):
    f = tmp_path / "a.pth"
    torch.save(_sd(), f)
    sd = load_checkpoint(f)
    assert _equal(sd, _sd())
    # A memory-mapped checkpoint shows up in the process's memory map (Linux).
    maps = Path("/proc/self/maps")
    if maps.exists():
        assert str(f) in maps.read_text()
        del sd
        g = tmp_path / "b.pth"
        torch.save(_sd(), g)
        sd = load_checkpoint(g, mmap=False)
        assert str(g) not in maps.read_text()


def test_legacy_checkpoint_falls_back_to_no_mmap(tmp_path):
    f = tmp_path / "legacy.pth"
    torch.save(_sd(), f, _use_new_zipfile_serialization=False)
    assert _equal(load_checkpoint(f, mmap=True), _sd())


def test_safetensors_loads_through_safetensors(tmp_path):
    from safetensors.torch import save_file

    f = tmp_path / "m.safetensors"
    save_file(_sd(), str(f))
    assert _equal(load_checkpoint(f), _sd())
    assert _equal(load_state_dict_from_url(f.as_uri()), _sd())


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("legacy", [False, True])
def test_malicious_pickle_is_refused_and_never_runs(tmp_path, legacy):
    marker = tmp_path / "PWNED"
    f = tmp_path / "evil.pth"
    torch.save(
        {"a": torch.zeros(2), "evil": _Payload(marker)},
        f,
        _use_new_zipfile_serialization=not legacy,
    )
    with pytest.raises(UnsafeCheckpointError) as info:
        load_checkpoint(f)
    assert isinstance(info.value, pickle.UnpicklingError)
    assert str(f) in str(info.value) and "system" in str(info.value)
    with pytest.raises(UnsafeCheckpointError):
        load_state_dict_from_url(f.as_uri())
    assert not marker.exists()


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("writer", ["pickle", "torch.save"])
def test_a_malicious_pickle_of_any_protocol_is_unsafe(tmp_path, protocol, writer):
    # torch's weights-only unpickler stops at protocol 4/5's first FRAME opcode, before it sees
    # the import: the refusal must still say "unsafe" and name what the pickle imports.
    marker = tmp_path / "PWNED"
    f = tmp_path / "evil.pth"
    payload = {"a": torch.zeros(2), "evil": _Payload(marker)}
    if writer == "pickle":
        f.write_bytes(pickle.dumps({"evil": _Payload(marker)}, protocol=protocol))
    else:
        torch.save(payload, f, _use_new_zipfile_serialization=False, pickle_protocol=protocol)
    with pytest.raises(UnsafeCheckpointError) as info:
        load_checkpoint(f)
    assert str(f) in str(info.value) and "system" in str(info.value)
    assert not marker.exists()


def test_a_harmless_legacy_file_of_protocol_5_is_not_called_unsafe(tmp_path):
    f = tmp_path / "old.pth"
    torch.save(_sd(), f, _use_new_zipfile_serialization=False, pickle_protocol=5)
    try:
        loaded = load_checkpoint(f)
    except CheckpointFormatError as exc:  # torch's weights-only reader stops at protocol 5
        assert not isinstance(exc, UnsafeCheckpointError)
        assert "old.pth" in str(exc)
    else:
        assert _equal(loaded, _sd())


def test_weights_only_false_warns_naming_the_file(tmp_path):
    f = tmp_path / "old.pth"
    torch.save(_sd(), f)
    with pytest.warns(UserWarning, match="old.pth"):
        sd = load_checkpoint(f, weights_only=False)
    assert _equal(sd, _sd())


def test_wrapped_checkpoint_is_returned_as_loaded(tmp_path):
    f = tmp_path / "wrapped.pth"
    torch.save({"state_dict": _sd(), "epoch": 3}, f)
    loaded = load_checkpoint(f)
    assert set(loaded) == {"state_dict", "epoch"}


def test_map_location(tmp_path):
    f = tmp_path / "a.pth"
    torch.save(_sd(), f)
    assert load_checkpoint(f, map_location="meta")["a"].is_meta
    assert load_checkpoint(f, map_location=torch.device("cpu"))["a"].device.type == "cpu"


def test_weights_enum_get_state_dict_goes_through_fetch(server, cache):
    import io

    from weighthub import Weights, WeightsEnum

    buf = io.BytesIO()
    torch.save(_sd(), buf)
    data = buf.getvalue()
    url = server.add("/m/enum.pth", data)

    class Net_Weights(WeightsEnum):
        V1 = Weights(url=url, transforms=lambda: None, meta={}, sha256=sha(data))

    assert _equal(Net_Weights.V1.get_state_dict(progress=False, check_hash=True), _sd())
    assert (cache / "enum.pth").exists()
    assert _equal(Net_Weights.V1.get_state_dict(), _sd())
    assert server.count() == 1
