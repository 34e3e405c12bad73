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
"""

from __future__ import annotations

from ._conformance import CHECKS, assert_plugin_conforms, check_model, check_plugin
from ._readme import README_TABLE_BEGIN, README_TABLE_END, check_readme_table, models_table
from ._report import ConformanceReport, Failure

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
]
