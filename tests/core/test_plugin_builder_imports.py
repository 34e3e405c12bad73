"""A plugin importing another plugin's builder from ``weighthub.models`` at import (issue 19, 6).

The fixtures are real distributions: ``acme-test-borrow`` does ``from weighthub.models import
resnet18`` at the top of its plugin module, and sorts before ``weighthub-classification``, which
provides resnet18 and so is discovered after it. ``acme-test-cycle-a`` and ``-b`` import each
other's builders that way.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

import weighthub
import weighthub.models as models_namespace


def _status(name: str) -> weighthub.PluginInfo:
    (info,) = [p for p in weighthub.plugins() if p.name == name]
    return info


def test_a_plugin_imports_a_later_plugins_builder_at_import(use_plugins, isolated_weighthub):
    use_plugins("borrow", "classification")
    with warnings.catch_warnings():
        warnings.simplefilter("error", weighthub.PluginWarning)
        models = weighthub.list_models()
    assert "wh_borrow_resnet18" in models
    assert "resnet18" in models
    assert _status("borrow").status == "loaded"
    assert _status("classification").status == "loaded"
    model = weighthub.get_model("wh_borrow_resnet18")
    assert type(model).__name__ == "ResNet"
    assert model.fc.out_features == 7
    # The weights it attaches to the borrowed builder's model are listed, also in the namespace
    # filled while discovery was running.
    member = weighthub.get_weight("WhBorrow_ResNet18_Weights.SEVEN_V1")
    assert member.meta["num_params"] == 11180103
    assert "WhBorrow_ResNet18_Weights.SEVEN_V1" in weighthub.list_weights("resnet18")
    assert "WhBorrow_ResNet18_Weights" in dir(models_namespace)
    assert models_namespace.resnet18 is weighthub.get_model_builder("resnet18")


def test_the_builder_import_works_on_a_fresh_interpreter(test_plugins_site, isolated_weighthub):
    # The first lookup of a new process is the one that discovers: nothing is imported before.
    code = (
        "import weighthub.models as m; "
        "print(m.wh_borrow_resnet18().fc.out_features, "
        "[p.status for p in __import__('weighthub').plugins() if p.name == 'borrow'])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(isolated_weighthub.parent / "home"),
        "PYTHONPATH": str(test_plugins_site),
        "WEIGHTHUB_HOME": str(isolated_weighthub),
        "WEIGHTHUB_PLUGINS": "borrow,classification",
        "WEIGHTHUB_STRICT": "1",
    }
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["7", "['loaded']"]


def test_plugins_importing_each_others_builders_are_named(use_plugins, isolated_weighthub):
    use_plugins("cycle_a", "cycle_b")
    with pytest.warns(weighthub.PluginWarning) as caught:
        models = weighthub.list_models()
    assert "cycle_a_net" not in models
    assert "cycle_b_net" not in models
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2, messages
    for plugin, message in zip(("cycle_b", "cycle_a"), messages, strict=True):
        assert f"Skipping weighthub plugin {plugin!r}" in message
        assert "plugin 'cycle_a' (distribution 'acme-test-cycle-a')" in message
        assert "plugin 'cycle_b' (distribution 'acme-test-cycle-b')" in message
        assert "import each other's builders at import time" in message
        assert "import the builder inside the function that uses it" in message
    assert _status("cycle_a").status == "failed"
    assert _status("cycle_b").status == "failed"


def test_strict_mode_raises_one_error_naming_both(use_plugins, isolated_weighthub, monkeypatch):
    use_plugins("cycle_a", "cycle_b")
    monkeypatch.setenv("WEIGHTHUB_STRICT", "1")
    weighthub.reload_plugins()
    with pytest.raises(weighthub.PluginLoadError) as caught:
        weighthub.list_models()
    message = str(caught.value)
    assert caught.value.plugin == "cycle_a"
    assert "distribution 'acme-test-cycle-a'" in message
    assert "distribution 'acme-test-cycle-b'" in message
    assert "weighthub.models.cycle_a_net" in message
    cause = caught.value.__cause__
    while cause is not None and not getattr(cause, "cycle", ()):
        cause = cause.__cause__
    assert cause is not None and cause.cycle == ("cycle_a", "cycle_b")
