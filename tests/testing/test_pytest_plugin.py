"""weighthub.testing.pytest_plugin: opt-in fixtures that work through public settings only."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

import weighthub
import weighthub.testing
from weighthub import Weights, WeightsEnum
from weighthub.testing import Fault, Interpreter, Outcome, python_without
from weighthub.transforms import preset


@pytest.fixture(autouse=True)
def _no_weighthub_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inner pytest sessions start from no WEIGHTHUB_* setting at all."""
    for name in [n for n in os.environ if n.startswith("WEIGHTHUB_")]:
        monkeypatch.delenv(name)


def _run(pytester: pytest.Pytester, conftest: str, tests: str) -> pytest.RunResult:
    pytester.makeconftest(textwrap.dedent(conftest))
    pytester.makepyfile(textwrap.dedent(tests))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")


OPT_IN = 'pytest_plugins = ["weighthub.testing.pytest_plugin"]\n'


def test_fixtures_exist_only_after_opting_in(pytester: pytest.Pytester) -> None:
    tests = """
        def test_uses(isolated_weighthub):
            pass
    """
    without = _run(pytester, "", tests)
    without.assert_outcomes(errors=1)
    without.stdout.fnmatch_lines(["*fixture 'isolated_weighthub' not found*"])
    _run(pytester, OPT_IN, tests).assert_outcomes(passed=1)


def test_isolated_weighthub_clears_settings_and_goes_offline(pytester: pytest.Pytester) -> None:
    tests = """
        import os
        import weighthub

        def test_isolated(isolated_weighthub, tmp_path):
            assert os.environ["WEIGHTHUB_HOME"] == str(isolated_weighthub)
            assert isolated_weighthub.parent == tmp_path
            assert weighthub.cache_dir() == isolated_weighthub / "checkpoints"
            assert weighthub.offline_mode()
            assert "WEIGHTHUB_MIRROR" not in os.environ
            assert weighthub.get_mirrors() == {}
            assert os.environ["TORCH_HOME"].startswith(str(tmp_path))
    """
    conftest = OPT_IN + textwrap.dedent("""
        import os, weighthub
        os.environ["WEIGHTHUB_MIRROR"] = "https://a/=https://b/"
        weighthub.set_mirrors({"https://c/": "https://d/"})
        weighthub.set_offline(False)
    """)
    _run(pytester, conftest, tests).assert_outcomes(passed=1)


def test_only_plugins_lasts_until_the_test_ends(pytester: pytest.Pytester) -> None:
    tests = """
        import weighthub

        def test_only_video(only_plugins):
            only_plugins("weighthub-video")
            assert {p.name for p in weighthub.plugins() if p.status == "loaded"} == {"video"}
            assert "resnet50" not in weighthub.list_models()
            assert "r3d_18" in weighthub.list_models()

        def test_everything_again():
            assert "resnet50" in weighthub.list_models()
    """
    _run(pytester, OPT_IN, tests).assert_outcomes(passed=2)


Served_Weights = WeightsEnum(  # type: ignore[call-overload]
    "Served_Weights",
    {
        "HASHED": Weights(
            url="https://weights.invalid/kit/hashed.pth",
            transforms=preset("ImageClassification", crop_size=8),
            meta={},
            sha256=hashlib.sha256(b"exact bytes").hexdigest(),
        ),
        "SIZED": Weights(
            url="https://weights.invalid/kit/sized.pth",
            transforms=preset("ImageClassification", crop_size=8),
            meta={},
            file_size=3,
        ),
        "PREFIXED": Weights(
            url="https://weights.invalid/kit/prefixed-0123abcd.pth",
            transforms=preset("ImageClassification", crop_size=8),
            meta={},
        ),
    },
)


def test_serve_keeps_hash_checks_when_the_bytes_match(weights_server) -> None:
    url = weights_server.serve(Served_Weights.HASHED, b"exact bytes")
    assert url.startswith("http://127.0.0.1:")
    assert "WEIGHTHUB_CHECK_HASH" not in os.environ
    path = weighthub.fetch(Served_Weights.HASHED.url, sha256=Served_Weights.HASHED.sha256)
    assert path.read_bytes() == b"exact bytes"
    assert path.parent == weighthub.cache_dir()
    assert weights_server.server.count() == 1


def test_serve_turns_hash_checks_off_for_generated_bytes(weights_server) -> None:
    weights_server.serve(Served_Weights.PREFIXED, b"generated")
    assert os.environ["WEIGHTHUB_CHECK_HASH"] == "0"
    assert not weighthub.offline_mode()
    with pytest.warns(UserWarning, match="without verification"):
        path = weighthub.fetch(Served_Weights.PREFIXED.url)
    assert path.name == "prefixed-0123abcd.pth"  # the member's file name, as for any mirror
    assert path.read_bytes() == b"generated"


def test_serve_keeps_the_servers_faults(weights_server) -> None:
    served = weights_server.serve(Served_Weights.HASHED, b"exact bytes")
    path = served.removeprefix(weights_server.server.base)
    weights_server.server.fault(path, Fault("status", status=503))
    weighthub.fetch(Served_Weights.HASHED.url, sha256=Served_Weights.HASHED.sha256)
    assert weights_server.server.count(path) == 2  # the 503, then the retry


def test_serve_refuses_a_checkpoint_of_the_wrong_declared_size(weights_server) -> None:
    with pytest.raises(ValueError, match=r"Served_Weights\.SIZED declares file_size=3.*9 bytes"):
        weights_server.serve(Served_Weights.SIZED, b"too large")


def test_hub_server_points_huggingface_hubs_settings_into_tmp_path(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_the_users_own")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("http_proxy", "http://proxy.invalid:3128")
    hub = request.getfixturevalue("hub_server")
    assert os.environ["HF_ENDPOINT"] == hub.endpoint
    assert os.environ["HF_HOME"] == str(tmp_path / "hf-home")
    assert os.environ["HF_HUB_CACHE"] == str(tmp_path / "hf-home" / "hub")
    assert not {"HF_TOKEN", "HF_HUB_OFFLINE", "http_proxy"} & set(os.environ)
    hub.add_file("org/m", "a.bin", b"abc")
    with urllib.request.urlopen(hub.url("org/m", "a.bin"), timeout=30) as answer:  # via the CDN
        assert answer.read() == b"abc"
    assert [r.origin for r in hub.requests] == [hub.endpoint, hub.cdn_origin]


def test_torch_hub_cache_feeds_torchvisions_own_loading(torch_hub_cache, tmp_path) -> None:
    import torch
    import torchvision

    member = torchvision.models.SqueezeNet1_1_Weights.IMAGENET1K_V1
    written = torch_hub_cache.add(member, {"x": torch.ones(2)})
    assert written.parent == torch_hub_cache.folder
    assert str(torch_hub_cache.folder).startswith(str(tmp_path))
    assert torch.equal(member.get_state_dict(check_hash=True)["x"], torch.ones(2))


def test_recorded_loads_let_loads_happen(weights_server, recorded_loads) -> None:
    import torch

    weights_server.serve(Served_Weights.PREFIXED, {"x": torch.arange(3)})
    with pytest.warns(UserWarning, match="without verification"):
        loaded = Served_Weights.PREFIXED.get_state_dict(progress=False)
    assert torch.equal(loaded["x"], torch.arange(3))
    assert recorded_loads == [Served_Weights.PREFIXED]
    assert weights_server.server.count() == 1


def test_python_without_hides_a_distribution_and_nothing_else(tmp_path) -> None:
    code = (
        "from importlib.metadata import distributions\n"
        "names = {d.metadata['Name'] for d in distributions()}\n"
        "import weighthub, weighthub_video, pluggy\n"
        "print(sorted(n for n in names if n.startswith('weighthub')))\n"
        "import importlib.util; print(importlib.util.find_spec('weighthub_classification'))\n"
    )
    result = python_without("weighthub-classification", folder=tmp_path).run(code, timeout=120)
    assert result.returncode == 0, result.stderr
    shown, spec = result.stdout.splitlines()
    assert "'weighthub-classification'" not in shown
    assert "'weighthub'" in shown and "'weighthub-video'" in shown
    assert spec == "None"
    everything = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "'weighthub-classification'" in everything.stdout


def test_errors_of_runs_each_call_and_returns_what_it_raised(tmp_path) -> None:
    interpreter = python_without("weighthub-classification", folder=tmp_path)
    errors = interpreter.errors_of(
        "import weighthub\ncount = 0",
        [
            "weighthub.get_model_builder('resnet50')",
            "count += 1",  # no error; the namespace is shared with the next calls
            "raise KeyError(f'count is {count}')",
            "import warnings\nwarnings.simplefilter('error')",
            "warnings.warn('now an error', UserWarning)",
        ],
        catch=(weighthub.UnknownModelError, KeyError, UserWarning),
        timeout=120,
    )
    assert len(errors) == 5
    assert errors[0] is not None and "pip install weighthub-classification" in errors[0]
    assert errors[1:] == [None, "'count is 1'", None, "now an error"]


def test_errors_of_fails_on_an_error_it_does_not_catch(tmp_path) -> None:
    interpreter = python_without(folder=tmp_path)
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        interpreter.errors_of("pass", ["1 / 0"], catch=(ValueError,), timeout=120)
    with pytest.raises(AssertionError, match="ModuleNotFoundError"):
        interpreter.errors_of("import no_such_module_here", [], timeout=120)


def test_outcomes_of_returns_each_value_or_exception() -> None:
    interpreter = Interpreter([sys.executable], dict(os.environ))
    calls = ["x = 2", "x + 1", "pathlib.Path('a')", "{}['k']", "[x, None]"]
    assert interpreter.outcomes_of("import pathlib", calls, timeout=120) == [
        Outcome(),
        Outcome(value=3),
        Outcome(value="a"),  # str() of what JSON cannot hold
        Outcome(error="builtins.KeyError", message="'k'"),
        Outcome(value=[2, None]),
    ]


def test_pip_install_target_installs_entry_points_and_nothing_else(tmp_path) -> None:
    good = Path(__file__).parents[1] / "fixtures" / "plugins" / "good"
    site = weighthub.testing.pip_install_target(tmp_path / "site", good)
    assert site == tmp_path / "site"
    (installed,) = importlib.metadata.distributions(path=[str(site)])
    assert installed.metadata["Name"] == "weighthub-test-good"
    (entry_point,) = installed.entry_points
    assert (entry_point.group, entry_point.value) == ("weighthub.plugins", "wh_test_good._plugin")
    assert importlib.util.find_spec("wh_test_good") is None  # not in this environment


def test_pip_install_target_failure_shows_pips_output(tmp_path) -> None:
    with pytest.raises(AssertionError, match=r"(?s)pip install --target .*does-not-exist"):
        weighthub.testing.pip_install_target(tmp_path / "site", tmp_path / "does-not-exist")
