"""``weighthub check``: the conformance kit from the command line."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

import pytest


def test_check_passes_on_the_example_plugin(cli):
    try:
        distribution("weighthub-efficientnet-lite")
    except PackageNotFoundError:
        pytest.skip("the example plugin weighthub-efficientnet-lite is not installed")
    result = cli("check", "weighthub-efficientnet-lite", "--json", timeout=600)
    assert result.code == 0, result.out + result.err
    report = result.json()
    assert report["ok"] is True
    assert report["failures"] == []
    text = cli("check", "efficientnet-lite", "--ops-sample", "0", timeout=600)
    assert text.code == 0, text.out + text.err
    assert text.out.strip()


def test_check_fails_on_a_broken_plugin(broken_cli):
    result = broken_cli("check", "weighthub-clitest-broken", "--ops-sample", "0", timeout=600)
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err
    assert "clitest_broken" in result.out
    data = broken_cli("check", "clitest-broken", "--json", "--ops-sample", "0", timeout=600)
    assert data.code == 1
    report = data.json()
    assert report["ok"] is False
    assert report["failures"]


def test_check_unknown_plugin_exits_2(cli, expect_error):
    expect_error(
        cli("check", "no-such-plugin"),
        contains="No plugin 'no-such-plugin' is installed.",
    )
    expect_error(cli("check", "clitest", "--ops-sample", "-1"), contains="--ops-sample")
