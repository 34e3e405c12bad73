"""The catalogue: attachments found by index, lookups handed to values, one road for
registrations (plugins' hooks and runtime calls end in the same merge)."""

from __future__ import annotations

import sys

import pytest

import weighthub
from weighthub import Task, Weights, WeightsEnum, meta


def _work_of(call):
    """Call ``call``; return how many weighthub functions ran and how many model entries did."""
    calls = 0
    entries = set()

    def profile(frame, event, arg):
        nonlocal calls
        if event == "call" and frame.f_globals.get("__name__", "").startswith("weighthub"):
            calls += 1
            me = frame.f_locals.get("self")
            if isinstance(me, weighthub.ModelEntry):
                entries.add(id(me))

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return calls, len(entries)


def test_verify_of_an_attached_member_does_not_scan_the_catalogue(use_plugins, monkeypatch):
    work = {}
    for models, attached in ((20, 10), (2000, 1000)):
        monkeypatch.setenv("WH_TEST_BULK_MODELS", str(models))
        monkeypatch.setenv("WH_TEST_BULK_ATTACHED", str(attached))
        use_plugins("bulk")
        [record] = [p for p in weighthub.plugins() if p.status == "loaded"]
        assert (record.models, record.attached) == (models, attached)
        own = weighthub.get_model_weights("bulk_7")
        member = weighthub.get_weight("BulkAttached7_Weights.V1")
        assert own.verify(member) is member  # the first call imports and validates the enums
        assert own.verify("BulkAttached7_Weights.V1") is member
        work[models] = (
            _work_of(lambda own=own, member=member: own.verify(member)),
            _work_of(lambda own=own: own.verify("BulkAttached7_Weights.V1")),
        )
    assert work[20] == work[2000]  # the same work whatever the size of the catalogue
    (by_member, touched), (by_name, touched_by_name) = work[2000]
    assert touched == touched_by_name == 1  # the model whose own enum it is, nothing else
    assert by_member < 30 and by_name < 30


def test_another_models_enum_of_the_same_name_is_not_attached(use_plugins, monkeypatch):
    monkeypatch.setenv("WH_TEST_BULK_MODELS", "3")
    monkeypatch.setenv("WH_TEST_BULK_ATTACHED", "1")
    use_plugins("bulk")
    member = weighthub.get_weight("BulkAttached0_Weights.V1")
    impostor = WeightsEnum("Bulk0_Weights", {"V1": weighthub.get_weight("Bulk0_Weights.V1").value})
    with pytest.raises(TypeError, match="Invalid Weight class"):
        impostor.verify(member)


def test_without_lookups_values_see_an_empty_catalogue(use_plugins, monkeypatch):
    """Values never import the catalogue: what they know of it was handed to them by _api."""
    from weighthub import _lookups

    monkeypatch.setenv("WH_TEST_BULK_MODELS", "3")
    monkeypatch.setenv("WH_TEST_BULK_ATTACHED", "1")
    use_plugins("bulk")
    own = weighthub.get_model_weights("bulk_0")
    member = weighthub.get_weight("BulkAttached0_Weights.V1")
    assert own.verify(member) is member
    previous = _lookups.install(None)
    try:
        with pytest.raises(TypeError, match="Invalid Weight class"):
            own.verify(member)  # nothing is attached
        with pytest.raises(weighthub.UnknownWeightsError, match="no catalogue is installed"):
            weighthub.WeightsRef("BulkAttached0_Weights.V1").resolve()
        problems = dict(meta.validate_meta({}, "image_classification"))
        assert "categories" not in problems  # no task is declared: the base schema only
    finally:
        _lookups.install(previous)
    assert own.verify(member) is member
    assert "categories" in dict(meta.validate_meta({}, "image_classification"))


class Runtime_Weights(WeightsEnum):
    V1 = Weights(
        url="https://example.invalid/runtime-0123abcd.pth",
        transforms=dict,
        meta={
            "_metrics": {"Runs": {"rmse": 1.0}},
            "min_size": (1, 1),
            "num_params": 1,
            "recipe": "https://example.invalid",
            "_docs": "Runtime weights.",
            "_file_size": 0.1,
            "_ops": 0.0,
        },
    )


RUNS = Task("runtime_depth", title="Runtime depth", metrics=frozenset({("Runs", "rmse")}))


def test_register_task_declares_a_task_at_runtime_as_a_plugin_would(monkeypatch):
    monkeypatch.setenv("WEIGHTHUB_PLUGINS", "no-such-plugin")
    weighthub.reload_plugins()
    with weighthub.testing.restore_registrations():
        assert weighthub.register_task(RUNS) is RUNS
        assert weighthub.register_task(RUNS) is RUNS  # the same declaration again: nothing
        assert weighthub.get_task("runtime_depth") is RUNS
        problems = dict(meta.validate_meta({"_metrics": {"Runs": {}}}, "runtime_depth"))
        assert problems["_metrics.Runs.rmse"] == "missing"
        with pytest.raises(weighthub.PluginConflictError, match="already declared differently"):
            weighthub.register_task(Task("runtime_depth", title="Another"))
        with pytest.raises(TypeError, match=r"takes a weighthub\.Task"):
            weighthub.register_task("runtime_depth")

        @weighthub.register_model(task="runtime_depth", weights=Runtime_Weights)
        def runtime_net(*, weights: Runtime_Weights | None = None, progress: bool = True):
            return Runtime_Weights.verify(weights)

        weighthub.reload_plugins()  # runtime registrations are merged again, like a plugin's
        assert "runtime_depth" in weighthub.list_tasks()
        assert weighthub.list_models(task="runtime_depth") == ["runtime_net"]
        assert weighthub.list_weights(plugin="<runtime>") == ["Runtime_Weights.V1"]
        assert weighthub.get_model("runtime_net", weights="V1") is Runtime_Weights.V1
    assert "runtime_depth" not in weighthub.list_tasks()
    assert weighthub.list_models() == []
