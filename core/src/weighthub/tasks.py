"""Tasks: what is specific to one kind of model, declared once as a :class:`Task`.

A task carries its meta schema, the transforms preset its weights use, the sample input the
conformance kit and ``weighthub describe`` count ops on, how ``weighthub predict`` runs and shows
it, and how the docs tabulate and chart its weights. Core declares :data:`IMAGE_CLASSIFICATION`;
each first-party plugin declares its own from its ``register_models`` hook
(``registry.add_task(...)``), and so can a third-party plugin. Look tasks up with
:func:`get_task` and :func:`list_tasks` (also exported from :mod:`weighthub`).

:func:`image_sample_input` and :func:`image_transforms_check` are image classification's sample
input and transforms check, for other tasks on images to reuse by reference
(``sample_input="weighthub.tasks:image_sample_input"``).
"""

from __future__ import annotations

from ._api import get_task, list_tasks
from ._samples import image_sample_input, image_transforms_check, size_pair
from ._tasks import IMAGE_CLASSIFICATION, PREDICT_KINDS, Metric, Task, TaskDocs

__all__ = [
    "IMAGE_CLASSIFICATION",
    "PREDICT_KINDS",
    "Metric",
    "Task",
    "TaskDocs",
    "get_task",
    "image_sample_input",
    "image_transforms_check",
    "list_tasks",
    "size_pair",
]

for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("weighthub._"):
        _obj.__module__ = __name__
del _name, _obj
