"""Conformance kit for weighthub plugins: check that a plugin's models and weights behave.

For plugin authors, including third parties. One call checks every model a plugin registers,
the way torchvision's own test-suite checks its models:

* ``meta_schema``: each weights entry's ``meta`` follows its task's schema
  (:func:`weighthub.meta.validate_meta`);
* ``naming``: the enum is named after the builder (``resnet50`` -> ``ResNet50_Weights``;
  ``quantized_resnet50`` -> ``ResNet50_QuantizedWeights``), members are upper-case, and there
  is a ``DEFAULT`` alias;
* ``signature``: the builder takes keyword-only ``weights=None`` annotated with its enum, and
  ``progress=True``;
* ``num_params``: equals the parameter count of the architecture, built on the meta device
  (nothing is allocated or downloaded);
* ``ops``: ``_ops`` equals the multiply-accumulates of one forward pass, recounted for a
  sample of the smallest models (real, randomly initialised, never downloaded);
* ``transforms``: ``torch.jit.script(weights.transforms())`` works and gives the task's shape;
* ``get_weight``: ``weighthub.get_weight("Enum.MEMBER")`` finds every member and ``DEFAULT``;
* ``copy_pickle``: copy, deepcopy and pickle return the member itself;
* ``legacy``: ``builder(pretrained=False)`` and ``builder(False)`` warn as torchvision does.

Every check runs even when others fail; a report lists all failures. In a plugin's tests::

    def test_plugin_conforms():
        weighthub.testing.assert_plugin_conforms("weighthub-myplugin")

Use :func:`check_plugin` for the :class:`ConformanceReport` itself, :func:`check_model` for one
model, and ``skip=("legacy",)`` for checks that do not apply (e.g. a plugin whose builders never
had a ``pretrained`` argument).

:func:`check_readme_table` keeps a README's table of models and weights (:func:`models_table`) in
step with the registered meta.

Test helpers reach weighthub only through its public settings and hooks. Opt in to the pytest
fixtures of :mod:`weighthub.testing.pytest_plugin` with ``pytest_plugins =
["weighthub.testing.pytest_plugin"]`` in your top-level ``conftest.py``; they build on
:class:`WeightsServer` (a :class:`LoopbackServer`, with injectable :class:`Fault` s, serving
generated checkpoints as a member's), :class:`TorchHubCache` (torchvision's cache),
:func:`record_loads` and :func:`python_without` (a Python that does not see some distributions);
:func:`pip_install_target` installs distributions into a folder for real entry-point discovery.
:func:`restore_registrations` undoes :func:`weighthub.register_model` calls.
:func:`build_empty` builds a model without allocating parameters or loading weights;
:func:`random_state_dict` fills its shapes with random weights and
:func:`write_unaligned_safetensors` writes them with tensors off the 64-byte boundaries;
:func:`same_bits` and :func:`tensors_of` compare tensors and model outputs bit for bit.

:class:`HubServer` (fixture ``hub_server``) is a Hugging Face Hub and its CDN on loopback, with
repositories built from bytes, faults and a request log, for tests against ``huggingface_hub``
(run it in a subprocess: :meth:`Interpreter.outcomes_of`) and of code that shares its cache.
"""

from __future__ import annotations

from .._construct import build_empty
from ._checkpoints import random_state_dict, same_bits, tensors_of, write_unaligned_safetensors
from ._conformance import CHECKS, assert_plugin_conforms, check_model, check_plugin
from ._environments import Interpreter, Outcome, pip_install_target, python_without
from ._hub import HubServer, running_hub
from ._hub_repos import HubFile
from ._readme import README_TABLE_BEGIN, README_TABLE_END, check_readme_table, models_table
from ._recording import LoadRecorder, WeightsLoadStopped, record_loads, restore_registrations
from ._report import ConformanceReport, Failure
from ._server import Answer, Fault, LoopbackServer, Request, running_server
from ._serving import TorchHubCache, WeightsServer

__all__ = [
    "check_plugin",
    "check_model",
    "assert_plugin_conforms",
    "ConformanceReport",
    "Failure",
    "CHECKS",
    "models_table",
    "check_readme_table",
    "README_TABLE_BEGIN",
    "README_TABLE_END",
    "build_empty",
    "random_state_dict",
    "write_unaligned_safetensors",
    "same_bits",
    "tensors_of",
    "record_loads",
    "restore_registrations",
    "LoadRecorder",
    "WeightsLoadStopped",
    "WeightsServer",
    "TorchHubCache",
    "LoopbackServer",
    "Fault",
    "running_server",
    "Request",
    "Answer",
    "HubServer",
    "HubFile",
    "running_hub",
    "python_without",
    "Interpreter",
    "Outcome",
    "pip_install_target",
]
