"""Local paths, file://, pkg:// and fsspec URLs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from _server import make_checkpoint, sha

from weighthub import IntegrityError, fetch, load_state_dict_from_url


def test_local_path_and_file_url_are_used_in_place(tmp_path, cache, ckpt):
    f = tmp_path / "local.pth"
    f.write_bytes(ckpt)
    assert fetch(str(f)) == f
    assert fetch(f.as_uri(), sha256=sha(ckpt)) == f
    assert not (cache / "local.pth").exists()  # no copy into the cache
    sd = load_state_dict_from_url(f.as_uri(), sha256=sha(ckpt))
    assert set(sd) == {"w", "b"}


def test_local_file_is_verified(tmp_path, ckpt):
    f = tmp_path / "local.pth"
    f.write_bytes(ckpt)
    with pytest.raises(IntegrityError, match="sha256"):
        fetch(f.as_uri(), sha256="0" * 64)
    with pytest.raises(IntegrityError, match="size"):
        fetch(str(f), file_size=3)


def test_local_file_verification_is_recorded_and_rechecked_after_change(tmp_path, cache, ckpt):
    f = tmp_path / "local.pth"
    f.write_bytes(ckpt)
    fetch(str(f), sha256=sha(ckpt))
    records = list((cache / ".local-records").iterdir())
    assert len(records) == 1
    f.write_bytes(ckpt[:-1] + bytes([ckpt[-1] ^ 1]))
    with pytest.raises(IntegrityError):
        fetch(str(f), sha256=sha(ckpt))


def test_missing_local_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        fetch((tmp_path / "nope.pth").as_uri())


@pytest.fixture
def weights_package(tmp_path, monkeypatch, ckpt):
    root = tmp_path / "site"
    pkg = root / "fake_weights_pkg"
    (pkg / "weights").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "weights" / "net.pth").write_bytes(ckpt)
    monkeypatch.syspath_prepend(str(root))
    return pkg


def test_pkg_url_loads_in_place(weights_package, cache, ckpt):
    path = fetch("pkg://fake_weights_pkg/weights/net.pth", sha256=sha(ckpt))
    assert path == weights_package / "weights" / "net.pth"
    assert not (cache / "net.pth").exists()
    sd = load_state_dict_from_url("pkg://fake_weights_pkg/weights/net.pth")
    assert set(sd) == {"w", "b"}


def test_pkg_url_errors(weights_package):
    with pytest.raises(FileNotFoundError, match="no file"):
        fetch("pkg://fake_weights_pkg/weights/other.pth")
    with pytest.raises(FileNotFoundError, match="not installed"):
        fetch("pkg://no_such_package_xyz/w.pth")


def test_memory_fsspec_url_streams_into_cache(cache, ckpt):
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe("/bucket/net.pth", ckpt)
    try:
        path = fetch("memory://bucket/net.pth", sha256=sha(ckpt))
        assert path == cache / "net.pth"
        assert path.read_bytes() == ckpt
        assert (cache / "net.pth.weighthub.json").exists()
        fs.rm("/bucket/net.pth")  # cached and recorded: the source is not needed any more
        assert fetch("memory://bucket/net.pth", sha256=sha(ckpt)) == path
        other = make_checkpoint(seed=3)
        fs.pipe("/bucket/bad.pth", other)
        with pytest.raises(IntegrityError):
            fetch("memory://bucket/bad.pth", sha256=sha(ckpt))
    finally:
        fs.rm("/bucket", recursive=True)


def test_unknown_protocol_is_a_clear_value_error():
    with pytest.raises(ValueError, match="'nosuchproto' protocol"):
        fetch("nosuchproto://x/y.pth")


@pytest.mark.skipif(importlib.util.find_spec("s3fs") is not None, reason="s3fs is installed")
def test_missing_s3fs_names_the_extra():
    with pytest.raises(ImportError, match=r"pip install 'weighthub\[s3\]' \(s3fs\)"):
        fetch("s3://bucket/net.pth")


@pytest.mark.skipif(importlib.util.find_spec("gcsfs") is not None, reason="gcsfs is installed")
def test_missing_fsspec_implementation_names_the_package():
    with pytest.raises(ImportError, match="pip install gcsfs"):
        fetch("gs://bucket/net.pth")


def test_import_does_not_import_torch():
    code = (
        "import sys, weighthub; "
        "weighthub.cache_dir(); weighthub.fetch; weighthub.WeightsEnum; weighthub.get_mirrors(); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    code_pkg = "import sys, weighthub; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code_pkg], check=True)
