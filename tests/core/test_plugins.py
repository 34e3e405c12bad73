"""Discovery against real distributions that the session installs (tests/fixtures/plugins)."""

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import weighthub


def test_a_good_plugin_is_discovered_through_its_entry_point(use_plugins):
    use_plugins("good")
    assert weighthub.list_models() == ["goodnet", "plainnet"]
    [record] = [p for p in weighthub.plugins() if p.status != "disabled"]
    assert record.name == "good"
    assert record.distribution == "weighthub-test-good"
    assert record.version == "1.2.3"
    assert (record.status, record.error, record.models) == ("loaded", None, 2)
    assert record.module == "wh_test_good._plugin"


def test_listing_imports_no_model_code(use_plugins):
    use_plugins("good")
    weighthub.list_models()
    assert "wh_test_good._builders" not in sys.modules
    assert "wh_test_good._weights" not in sys.modules
    weighthub.get_model_builder("goodnet")
    assert "wh_test_good._builders" in sys.modules


def test_a_plugin_that_fails_to_import_is_skipped_with_one_warning(use_plugins):
    with pytest.warns(weighthub.PluginWarning) as caught:
        use_plugins("good", "broken-import")
        models = weighthub.list_models()
    assert models == ["goodnet", "plainnet"]
    [warning] = [w for w in caught if issubclass(w.category, weighthub.PluginWarning)]
    message = str(warning.message)
    assert "'broken-import'" in message
    assert "weighthub-test-broken-import" in message
    assert "a_module_that_does_not_exist" in message
    failed = {p.name: p for p in weighthub.plugins()}["broken-import"]
    assert failed.status == "failed"
    assert "ModuleNotFoundError" in failed.error


def test_a_plugin_whose_hook_raises_is_skipped_and_leaves_nothing(use_plugins):
    with pytest.warns(weighthub.PluginWarning, match="registration exploded halfway"):
        use_plugins("good", "broken-hook")
        assert "halfnet" not in weighthub.list_models()
    record = {p.name: p for p in weighthub.plugins()}["broken-hook"]
    assert (record.status, record.models) == ("failed", 0)


def test_strict_mode_raises_an_import_error_naming_the_distribution(use_plugins, monkeypatch):
    use_plugins("broken-import")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    with pytest.raises(ImportError, match="weighthub-test-broken-import") as info:
        weighthub.list_models()
    assert isinstance(info.value, weighthub.PluginLoadError)


def test_name_clash_names_both_distributions_and_is_never_silent(use_plugins):
    with pytest.warns(weighthub.PluginWarning, match="weighthub-test-clash"):
        use_plugins("good", "clash")
        models = weighthub.list_models()
    assert "goodnet" not in models, "a clashing name is not listed as if it were fine"
    assert "clashnet" in models
    with pytest.raises(ValueError, match="weighthub-test-clash") as info:
        weighthub.get_model("goodnet")
    assert "weighthub-test-good" in str(info.value)
    assert isinstance(info.value, weighthub.PluginConflictError)
    assert "WEIGHTHUB_PREFER" in str(info.value)
    with pytest.raises(weighthub.PluginConflictError, match="weights enum name 'GoodNet_Weights'"):
        weighthub.get_weight("GoodNet_Weights.DEFAULT")


@pytest.mark.filterwarnings("ignore::weighthub.MetaValidationWarning")
@pytest.mark.parametrize("winner", ["clash", "weighthub-test-clash"])
def test_a_preference_settles_a_clash(use_plugins, monkeypatch, winner):
    monkeypatch.setenv("WEIGHTHUB_PREFER", winner)
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.PluginWarning)
        use_plugins("good", "clash")
        assert weighthub.get_model("goodnet") == "the clash plugin's goodnet"
        assert repr(weighthub.get_weight("GoodNet_Weights.DEFAULT")) == "GoodNet_Weights.OTHER_V1"


def test_prefer_plugins_from_python(use_plugins):
    use_plugins("good", "clash")
    try:
        weighthub.prefer_plugins(["good"])
        assert weighthub.get_model_builder("goodnet").__module__ == "wh_test_good._builders"
    finally:
        weighthub.prefer_plugins(None)


def test_strict_mode_makes_a_clash_an_error(use_plugins, monkeypatch):
    use_plugins("good", "clash")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    with pytest.raises(weighthub.PluginConflictError):
        weighthub.list_models()


def test_block_list_wins_over_allow_list(use_plugins):
    use_plugins("good", "clash", disable="weighthub-test-clash")
    assert weighthub.list_models() == ["goodnet", "plainnet"]
    statuses = {p.name: p.status for p in weighthub.plugins() if p.name in ("good", "clash")}
    assert statuses == {"good": "loaded", "clash": "disabled"}


def test_a_disabled_first_party_plugin_is_named_in_the_error(use_plugins):
    use_plugins("good")
    with pytest.raises(weighthub.UnknownModelError) as info:
        weighthub.get_model("resnet50")
    assert first_party_hint("classification") in str(info.value)


def first_party_hint(plugin):
    """What the error says about a first-party plugin in this environment."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        distribution(f"weighthub-{plugin}")
    except PackageNotFoundError:
        return f"pip install weighthub-{plugin}"
    return f"Its plugin 'weighthub-{plugin}' is installed but disabled (active filters:"


def test_a_missing_first_party_plugin_gives_the_pip_line(tmp_path):
    """Run core from its source folder with no site-packages: no plugin is installed at all."""
    import pluggy

    (tmp_path / "pluggy").symlink_to(Path(pluggy.__file__).parent)
    code = (
        "import weighthub\n"
        "try:\n"
        "    weighthub.get_model('resnet50')\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
    )
    core_src = Path(weighthub.__file__).parent.parent
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        env={"PYTHONPATH": f"{core_src}:{tmp_path}"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == (
        "Unknown model resnet50. It is provided by the plugin 'weighthub-classification', which "
        "is not installed: pip install weighthub-classification (from a weighthub checkout: "
        "pip install ./plugins/classification)."
    )


def test_meta_problems_warn_once_naming_plugin_enum_member_and_field(use_plugins):
    use_plugins("good")
    with pytest.warns(weighthub.MetaValidationWarning) as caught:
        weighthub.get_weight("GoodNet_Weights.IMAGENET1K_V1")
    message = str(caught[0].message)
    for part in ("'good'", "weighthub-test-good", "GoodNet_Weights", "IMAGENET1K_V2", "num_params"):
        assert part in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weighthub.get_weight("GoodNet_Weights.IMAGENET1K_V2")


def test_meta_problems_raise_in_strict_mode(use_plugins, monkeypatch):
    use_plugins("good")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    with pytest.raises(weighthub.MetaValidationError, match=r"GoodNet_Weights\.IMAGENET1K_V2"):
        weighthub.get_model_weights("goodnet")


def test_import_and_listing_do_not_import_torch_or_model_code(test_plugins_site):
    code = (
        "import sys, weighthub\n"
        "models = weighthub.list_models()\n"
        "assert 'goodnet' in models, models\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('torch', 'torchvision')]\n"
        "assert not heavy, heavy\n"
        "assert 'wh_test_good._builders' not in sys.modules\n"
    )
    env = {"PYTHONPATH": str(test_plugins_site), "WEIGHTHUB_PLUGINS": "good"}
    subprocess.run([sys.executable, "-c", code], check=True, env={**_base_env(), **env})


def test_first_party_plugins_list_without_torch():
    code = "import sys, weighthub\nweighthub.list_models()\nassert 'torch' not in sys.modules\n"
    subprocess.run([sys.executable, "-c", code], check=True, env=_base_env())


def _base_env():
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("WEIGHTHUB_")}


def test_a_plugin_calling_sys_exit_at_import_is_skipped(use_plugins):
    with pytest.warns(weighthub.PluginWarning, match="'sysexit-import'.*SystemExit: 3"):
        use_plugins("good", "sysexit-import")
        assert weighthub.list_models() == ["goodnet", "plainnet"]
    record = {p.name: p for p in weighthub.plugins()}["sysexit-import"]
    assert record.status == "failed"
    assert "sys.exit()" in record.error


def test_a_hook_calling_sys_exit_is_skipped_and_leaves_nothing(use_plugins):
    with pytest.warns(weighthub.PluginWarning, match="exitnet plugin gave up") as caught:
        use_plugins("good", "sysexit-hook")
        assert weighthub.list_models() == ["goodnet", "plainnet"]
    assert len([w for w in caught if issubclass(w.category, weighthub.PluginWarning)]) == 1
    record = {p.name: p for p in weighthub.plugins()}["sysexit-hook"]
    assert (record.status, record.models) == ("failed", 0)


def test_sys_exit_in_a_plugin_never_ends_the_callers_process(test_plugins_site):
    code = (
        "import warnings, weighthub\n"
        "warnings.simplefilter('ignore')\n"
        "print(weighthub.list_models())\n"
        "print('still running')\n"
    )
    env = {"PYTHONPATH": str(test_plugins_site), "WEIGHTHUB_PLUGINS": "good,sysexit-import"}
    for allowed in ("good,sysexit-import", "good,sysexit-hook"):
        env["WEIGHTHUB_PLUGINS"] = allowed
        done = subprocess.run(
            [sys.executable, "-c", code],
            env={**_base_env(), **env},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (allowed, done.stderr)
        assert done.stdout.splitlines() == ["['goodnet', 'plainnet']", "still running"]


def test_sys_exit_in_strict_mode_is_a_plugin_load_error(use_plugins, monkeypatch):
    use_plugins("sysexit-import")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    with pytest.raises(weighthub.PluginLoadError, match="weighthub-test-sysexit-import"):
        weighthub.list_models()


def test_keyboard_interrupt_in_a_hook_still_reaches_the_user(use_plugins):
    use_plugins("good", "interrupt-hook")
    with pytest.raises(KeyboardInterrupt):
        weighthub.list_models()
    # Nothing half-discovered was kept: the next lookup discovers again (and is interrupted again).
    with pytest.raises(KeyboardInterrupt):
        weighthub.list_models()


def test_a_hook_that_calls_back_into_the_registry_works_without_warnings(use_plugins):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        use_plugins("good", "reentrant-hook")
        assert weighthub.list_models() == ["goodnet", "plainnet", "reentrantnet"]
    record = {p.name: p for p in weighthub.plugins()}["reentrant-hook"]
    assert (record.status, record.error, record.models) == ("loaded", None, 1)
    import wh_test_reentrant_hook._plugin as plugin

    # Its hook ran once, and saw the plugins loaded before it ('good' sorts first).
    assert plugin.SEEN == [["goodnet", "plainnet"], ["good"]]


def test_sys_exit_in_a_lazily_imported_builder_is_a_plugin_load_error(use_plugins):
    use_plugins("sysexit-builder")
    assert weighthub.list_models() == ["exitbuildernet"]
    with pytest.raises(weighthub.PluginLoadError, match=r"exitbuildernet.*sys\.exit\(5\)") as info:
        weighthub.get_model("exitbuildernet")
    assert "weighthub-test-sysexit-builder" in str(info.value)
    assert isinstance(info.value, ImportError)
