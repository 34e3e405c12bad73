"""One exception root: every error is a WeighthubError and the builtin callers catch today.

The attributes are checked where real code raises them, through the public API.
"""

from __future__ import annotations

import concurrent.futures
import copy
import hashlib
import inspect
import multiprocessing
import pickle
import re
from pathlib import Path

import pytest

import weighthub
import weighthub.testing

# The builtin each class subclassed before the root existed: `except <builtin>` keeps working.
BUILTINS = {
    "CachePathError": OSError,
    "IntegrityError": ValueError,
    "LockTimeoutError": TimeoutError,
    "LockfileError": ValueError,
    "MetaValidationError": ValueError,
    "NotInLockfileError": ValueError,
    "OfflineModeError": FileNotFoundError,
    "PluginConflictError": ValueError,
    "PluginLoadError": ImportError,
    "UnknownModelError": ValueError,
    "UnknownWeightsError": ValueError,
    "UnknownWeightsMemberError": KeyError,
    "UnsafeCheckpointError": pickle.UnpicklingError,
    "WeightsDownloadError": OSError,
}


def _exported(module: object) -> list[type[BaseException]]:
    objects = [getattr(module, name) for name in module.__all__]  # type: ignore[attr-defined]
    return [o for o in objects if isinstance(o, type) and issubclass(o, BaseException)]


EXCEPTIONS = [
    cls
    for cls in _exported(weighthub) + _exported(weighthub.testing)
    if not issubclass(cls, Warning)
]


def test_every_exported_exception_and_warning_has_the_root():
    exported = _exported(weighthub) + _exported(weighthub.testing)
    assert len(exported) >= len(BUILTINS) + 2
    for cls in exported:
        root = weighthub.WeighthubWarning if issubclass(cls, Warning) else weighthub.WeighthubError
        assert issubclass(cls, root), f"{cls.__name__} does not derive from {root.__name__}"
    assert issubclass(weighthub.WeighthubWarning, UserWarning)
    assert issubclass(weighthub.PluginWarning, weighthub.WeighthubWarning)
    assert issubclass(weighthub.MetaValidationWarning, weighthub.WeighthubWarning)


@pytest.mark.parametrize(("name", "builtin"), sorted(BUILTINS.items()))
def test_each_error_keeps_the_builtin_it_had(name, builtin):
    cls = getattr(weighthub, name)
    assert issubclass(cls, builtin)
    assert issubclass(cls, weighthub.WeighthubError)
    assert cls.__module__ == "weighthub"


def _keywords(cls: type[BaseException]) -> dict[str, object]:
    """A distinct value for each keyword-only attribute of ``cls``, through its whole MRO."""
    values: dict[str, object] = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or not inspect.isfunction(init):
            continue
        for parameter in inspect.signature(init).parameters.values():
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                values.setdefault(parameter.name, f"/some/{parameter.name}")
    return values


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda cls: cls.__name__)
def test_pickle_and_copy_keep_type_message_and_attributes(cls):
    if cls is weighthub.testing.WeightsLoadStopped:
        error = cls("ResNet50_Weights.IMAGENET1K_V2")
        expected = {"weights": "ResNet50_Weights.IMAGENET1K_V2"}
    else:
        keywords = _keywords(cls)
        error = cls("what went wrong", **keywords)
        expected = {name: getattr(error, name) for name in keywords}
        assert cls("what went wrong").args == error.args, "attributes never change the message"
    for twin in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(twin) is cls
        assert (str(twin), twin.args) == (str(error), error.args)
        assert {name: getattr(twin, name) for name in expected} == expected


def test_attributes_default_to_none_so_plain_raises_keep_working():
    error = weighthub.IntegrityError("bad file")
    assert (error.url, error.path, error.expected_sha256, error.actual_size) == (None,) * 4
    assert str(weighthub.WeightsDownloadError("gone")) == "gone"
    assert str(weighthub.UnknownWeightsMemberError("no member")) == "no member"


def test_an_error_raised_in_a_worker_process_arrives_whole():
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        future = pool.submit(weighthub.get_weight, "ResNet50_Weights.IMAGENET1K_V9")
        with pytest.raises(weighthub.UnknownWeightsMemberError) as info:
            future.result(timeout=120)
    assert isinstance(info.value, KeyError)
    assert (info.value.name, info.value.enum) == ("IMAGENET1K_V9", "ResNet50_Weights")
    assert "IMAGENET1K_V1" in str(info.value)


def test_unknown_names_carry_the_name_asked_for():
    with pytest.raises(ValueError, match="resnett50") as model:
        weighthub.get_model("resnett50")
    assert isinstance(model.value, weighthub.UnknownModelError)
    assert model.value.name == "resnett50"
    with pytest.raises(weighthub.WeighthubError) as enum:
        weighthub.get_weight("NoSuch_Weights.DEFAULT")
    assert isinstance(enum.value, weighthub.UnknownWeightsError)
    assert enum.value.name == "NoSuch_Weights.DEFAULT"
    with pytest.raises(KeyError) as member:
        weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V9")
    assert (member.value.name, member.value.enum) == ("IMAGENET1K_V9", "ResNet50_Weights")


def test_a_clash_names_the_contested_name_and_both_plugins(use_plugins):
    with pytest.warns(weighthub.PluginWarning):
        use_plugins("good", "clash")
        weighthub.list_models()
    with pytest.raises(weighthub.PluginConflictError) as info:
        weighthub.get_model("goodnet")
    assert info.value.name == "goodnet"
    assert sorted(info.value.plugins) == ["clash", "good"]


def test_a_strict_plugin_failure_names_plugin_and_distribution(use_plugins, monkeypatch):
    use_plugins("broken-import")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    with pytest.raises(ImportError) as info:
        weighthub.list_models()
    assert isinstance(info.value, weighthub.PluginLoadError)
    assert info.value.plugin == "broken-import"
    assert info.value.distribution == "weighthub-test-broken-import"


def test_cache_offline_and_lockfile_errors_carry_paths_and_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WEIGHTHUB_CACHE_PATH", str(tmp_path / "missing-home"))
    with pytest.raises(OSError) as layer:
        weighthub.cache_layers()
    assert isinstance(layer.value, weighthub.CachePathError)
    assert layer.value.path == tmp_path / "missing-home"
    monkeypatch.delenv("WEIGHTHUB_CACHE_PATH")

    monkeypatch.setenv("WEIGHTHUB_OFFLINE", "1")
    url = "http://127.0.0.1:9/models/net-12345678.pth"
    with pytest.raises(FileNotFoundError) as offline:
        weighthub.fetch(url)
    assert isinstance(offline.value, weighthub.OfflineModeError)
    assert offline.value.url == url
    assert offline.value.path.name == "net-12345678.pth"
    assert offline.value.path.is_relative_to(tmp_path / "home")

    with pytest.raises(ValueError) as lockfile:
        weighthub.use_lock(tmp_path / "weights.lock")
    assert isinstance(lockfile.value, weighthub.LockfileError)
    assert lockfile.value.path == tmp_path / "weights.lock"


def test_a_local_file_with_the_wrong_hash_names_file_url_and_expected_hash(tmp_path, monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_HOME", str(tmp_path / "home"))
    local = tmp_path / "net.pth"
    local.write_bytes(b"not the declared weights")
    declared = hashlib.sha256(b"the declared weights").hexdigest()
    with pytest.raises(ValueError) as info:
        weighthub.fetch(str(local), sha256=declared)
    assert isinstance(info.value, weighthub.IntegrityError)
    assert info.value.path == Path(local)
    assert info.value.url == str(local)
    assert info.value.expected_sha256 == declared


def _documented_exit_codes() -> dict[str, int]:
    """The table of docs/cli.md: ``| {class}`~weighthub.X` ... | code |`` rows."""
    text = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \{class\}`~weighthub\.(?:testing\.)?(\w+)`[^|]*\| (\d) \|$", text, re.M)
    return {name: int(code) for name, code in rows}


def test_every_error_carries_the_exit_code_the_cli_docs_give_it():
    documented = _documented_exit_codes()
    names = {cls.__name__ for cls in EXCEPTIONS}
    assert set(documented) == names, "docs/cli.md's table of exit codes lists every exception"
    for cls in EXCEPTIONS:
        assert cls.exit_code == documented[cls.__name__], cls
    # A class attribute: no instance needed, and an instance does not change it.
    assert weighthub.OfflineModeError("offline").exit_code == 2
    assert weighthub.NotInLockfileError.exit_code == weighthub.IntegrityError.exit_code == 1
