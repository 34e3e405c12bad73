"""Cache file names are safe by construction; malformed URLs fail at once, not after retries."""

from __future__ import annotations

import json

import pytest
from _server import sha

from weighthub import InvalidFileNameError, InvalidURLError, fetch


def _tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("path", "words"),
    [
        pytest.param("/m/.", "names a folder", id="dot"),
        pytest.param("/m/..", "names a folder", id="dot-dot"),
        pytest.param("/m/%2e%2e", "names a folder", id="encoded-dot-dot"),
        pytest.param("/m/..%2F..%2Fx.pth", "path separator", id="encoded-slash"),
        pytest.param("/m/a%5Cb.pth", "path separator", id="encoded-backslash"),
        pytest.param("/m/x%0A.pth", "control characters", id="encoded-newline"),
        pytest.param("/m/" + "n" * 296 + ".pth", "300 bytes long", id="300-characters"),
    ],
)
def test_unsafe_names_from_the_url_are_refused(server, tmp_path, path, words):
    url = server.add(path, b"x")
    before = _tree(tmp_path)
    with pytest.raises(InvalidFileNameError, match=words) as info:
        fetch(url, sha256="0" * 64)
    assert isinstance(info.value, ValueError)
    assert "file_name=" in str(info.value)
    assert server.count() == 0
    assert _tree(tmp_path) == before, "no lock, partial or folder was created anywhere"


@pytest.mark.parametrize("name", ["../../x.pth", "sub/x.pth", "/abs/x.pth", "..", ""])
def test_file_name_argument_cannot_escape_the_cache(server, tmp_path, ckpt, name):
    url = server.add("/m/net.pth", ckpt)
    before = _tree(tmp_path)
    with pytest.raises(InvalidFileNameError):
        fetch(url, sha256=sha(ckpt), file_name=name)
    assert _tree(tmp_path) == before
    assert server.count() == 0


def test_long_url_name_works_with_a_file_name(server, cache, ckpt):
    url = server.add("/m/" + "n" * 296 + ".pth", ckpt)
    path = fetch(url, sha256=sha(ckpt), file_name="short.pth")
    assert path == cache / "short.pth" and path.read_bytes() == ckpt


def test_non_ascii_name_is_downloaded_and_stored(server, cache, ckpt):
    name = f"modèle-è-{sha(ckpt)[:8]}.pth"
    url = server.add(f"/m/{name}", ckpt)
    path = fetch(url)  # the hash prefix of the name verifies it
    assert path == cache / name and path.read_bytes() == ckpt
    record = json.loads((cache / f"{name}.weighthub.json").read_text(encoding="utf-8"))
    assert record["verified"] is True and record["url"] == url
    assert server.count(f"/m/{name}") == 1


def test_space_in_url_is_quoted_not_retried(server, cache, ckpt):
    url = server.add("/m/my model.pth", ckpt)
    path = fetch(url, sha256=sha(ckpt))
    assert path == cache / "my model.pth" and path.read_bytes() == ckpt
    assert server.count("/m/my model.pth") == 1


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http:///x.pth", id="no-host"),
        pytest.param("http://127.0.0.1:notaport/x.pth", id="bad-port"),
        pytest.param("http://127.0.0.1:99999/x.pth", id="port-out-of-range"),
        pytest.param("http://127.0.0.1/x\n.pth", id="newline"),
    ],
)
def test_invalid_urls_fail_at_once(cache, url, caplog):
    with pytest.raises(InvalidURLError) as info:
        fetch(url, sha256="0" * 64)
    assert isinstance(info.value, ValueError)
    assert repr(url) in str(info.value)
    assert "retrying" not in caplog.text
    assert not cache.exists() or not list(cache.iterdir())
