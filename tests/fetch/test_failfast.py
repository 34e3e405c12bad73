"""Fail fast and say why: permanent errors are not retried, retries are bounded and explained."""

from __future__ import annotations

import email.utils
import logging
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time

import pytest
from _server import Fault, LoopbackServer, sha

from weighthub import WeightsDownloadError, fetch


@pytest.fixture
def warnings_log(caplog):
    caplog.set_level(logging.WARNING, logger="weighthub")
    return caplog


def test_unresolvable_host_fails_at_once(cache, monkeypatch, warnings_log):
    monkeypatch.setenv("WEIGHTHUB_RETRY_BACKOFF", "5")  # a retry would make this test slow
    with pytest.raises(WeightsDownloadError, match=r"could not resolve no-such-host\.invalid"):
        fetch("http://no-such-host.invalid/m/net.pth", sha256="0" * 64)
    assert "retrying" not in warnings_log.text


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_4xx_is_permanent(server, status, warnings_log):
    url = server.add("/m/net.pth", b"x")
    server.fault("/m/net.pth", Fault("status", status=status))
    with pytest.raises(WeightsDownloadError, match=f"HTTP {status}"):
        fetch(url, sha256="0" * 64)
    assert server.count("/m/net.pth") == 1
    assert "retrying" not in warnings_log.text


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_408_429_and_5xx_are_retried(server, ckpt, status):
    url = server.add("/m/net.pth", ckpt)
    server.fault("/m/net.pth", Fault("status", status=status))
    assert fetch(url, sha256=sha(ckpt)).read_bytes() == ckpt
    assert server.count("/m/net.pth") == 2


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_is_honoured(server, ckpt, warnings_log, form):
    url = server.add("/m/net.pth", ckpt)
    value = "2" if form == "seconds" else email.utils.formatdate(time.time() + 2, usegmt=True)
    server.fault("/m/net.pth", Fault("status", status=429, headers={"Retry-After": value}))
    fetch(url, sha256=sha(ckpt))
    # The back-off is 0.01 s in the tests: the wait said is the server's.
    message = next(r.getMessage() for r in warnings_log.records if "retrying in" in r.getMessage())
    waited = float(message.split("retrying in ")[1].split(" s")[0])
    assert 0.9 <= waited <= 2.0, message
    assert "HTTP 429" in message and "(retry 1 of 5)" in message


def test_total_retry_time_is_bounded(server, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_RETRIES", "100")
    monkeypatch.setenv("WEIGHTHUB_RETRY_BACKOFF", "0.2")
    monkeypatch.setenv("WEIGHTHUB_RETRY_MAX_TIME", "1")
    url = server.add("/m/net.pth", b"x")
    server.fault("/m/net.pth", Fault("status", status=503, times=-1))
    with pytest.raises(WeightsDownloadError, match="WEIGHTHUB_RETRY_MAX_TIME=1") as info:
        fetch(url, sha256="0" * 64)
    assert "HTTP 503" in str(info.value)
    assert 2 <= server.count("/m/net.pth") <= 4  # 0.2 + 0.4 s fit in 1 s; 0.8 more does not


def test_messages_say_what_happened(server, monkeypatch, warnings_log):
    from _server import make_checkpoint

    data = make_checkpoint(n=600_000)
    url = server.add("/m/big.pth", data)
    server.fault("/m/big.pth", Fault("drop", after=1_500_000))
    fetch(url, sha256=sha(data))
    assert f"was interrupted after 1500000 of {len(data)} bytes" in warnings_log.text
    warnings_log.clear()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("WEIGHTHUB_RETRIES", "1")
    with pytest.raises(WeightsDownloadError, match=r"gave up after 1 retry\)"):
        fetch(f"http://127.0.0.1:{port}/x.pth", sha256="0" * 64)
    assert f"could not connect to 127.0.0.1:{port}" in warnings_log.text
    assert "(retry 1 of 1)" in warnings_log.text


@pytest.fixture
def tls_server(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [*command, "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    server = LoopbackServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_untrusted_tls_certificate_is_permanent(tls_server, warnings_log):
    url = tls_server.add("/m/net.pth", b"x").replace("http://", "https://")
    with pytest.raises(WeightsDownloadError, match=r"TLS certificate of 127\.0\.0\.1") as info:
        fetch(url, sha256="0" * 64)
    assert "SSL_CERT_FILE" in str(info.value)
    assert "retrying" not in warnings_log.text


def test_cli_shows_retries_as_warning_lines(server, tmp_path):
    # resnet18's weights through a mirror that fails once with 503, then has no such file.
    server.fault("/tv/resnet18-f37072fd.pth", Fault("status", status=503))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}
    env.update(
        WEIGHTHUB_HOME=str(tmp_path / "cli-home"),
        WEIGHTHUB_RETRY_BACKOFF="0.01",
        WEIGHTHUB_MIRROR=f"https://download.pytorch.org/models/={server.base}/tv/",
    )
    done = subprocess.run(
        [sys.executable, "-m", "weighthub", "download", "resnet18", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stderr.splitlines()
    warning = [line for line in lines if line.startswith("weighthub: warning: Downloading")]
    assert warning, done.stderr
    assert "HTTP 503" in warning[0] and "retrying in" in warning[0]
    assert any(line.startswith("weighthub: error:") and "HTTP 404" in line for line in lines)
    assert done.returncode == 1
