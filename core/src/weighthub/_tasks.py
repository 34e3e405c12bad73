"""Tasks: everything that is specific to one kind of model, in one object.

A :class:`Task` carries its meta schema, the transforms preset its weights use, the sample input
that counts ops and checks transforms, how ``weighthub predict`` runs and shows it, and how the
docs tabulate and chart its weights. It holds only strings and ``"module:attribute"`` references
for anything that needs torch, resolved on first use, so registering tasks imports no torch.

Core declares the shared task, ``image_classification``; every other task is declared by the
plugin that owns it, from its ``register_models`` hook with :meth:`weighthub.Registry.add_task`
(or at runtime with :func:`weighthub.register_task`). Tasks are values: this module knows no
catalogue; look them up with :func:`weighthub.get_task` and :func:`weighthub.list_tasks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import close_matches_hint
from ._imports import resolve_reference

__all__ = [
    "CORE_TASKS",
    "IMAGE_CLASSIFICATION",
    "PREDICT_KINDS",
    "Metric",
    "Task",
    "TaskDocs",
]

PREDICT_KINDS = frozenset({"classification", "video", "detection", "segmentation"})
"""How ``weighthub predict`` can run and show a task: top-k labels of images, top-k labels of
videos, boxes (with masks and keypoints when the model gives them), or per-pixel classes."""


@dataclass(frozen=True)
class Metric:
    """One metric of a weights entry: ``meta["_metrics"][dataset][key]``, shown as ``label``."""

    dataset: str
    key: str
    label: str


@dataclass(frozen=True)
class TaskDocs:
    """How the docs show a task's weights: table columns and the chart's axes.

    Attributes:
        columns: The metric columns of the weights table.
        chart: The metric on the chart's vertical axis (against ``meta["_ops"]``).
        ops_label: What ``meta["_ops"]`` counts, e.g. ``"GFLOPS"`` (``"GIPS"`` when quantized).
        higher_is_better: Whether a higher ``chart`` value is better.
        split_by: Split the table by the first of these ``(metric key, title)`` pairs a weights
            entry carries (``""`` matches every entry); checked in order.
        chart_exclude: Leave entries carrying one of these metric keys out of the chart.
        chart_note: Said under the chart, e.g. why entries are left out.
    """

    columns: tuple[Metric, ...]
    chart: Metric
    ops_label: str = "GFLOPS"
    higher_is_better: bool = True
    split_by: tuple[tuple[str, str], ...] = ()
    chart_exclude: tuple[str, ...] = ()
    chart_note: str = ""


@dataclass(frozen=True)
class Task:
    """A kind of model: what its weights' meta must say and how each tool handles it.

    Attributes:
        name: The task name models are registered with, e.g. ``"image_classification"``.
        title: A human title, e.g. ``"Image classification"``.
        keys: Top-level ``meta`` keys required on top of :data:`weighthub.meta.BASE_KEYS`.
        metrics: Required ``(dataset, metric)`` pairs under ``meta["_metrics"]``.
        preset: The name of the :func:`weighthub.transforms.preset` its weights use, e.g.
            ``"ImageClassification"``; None when it has none.
        sample_input: ``"module:attribute"`` of ``f(model_name, transforms) -> (args, as_list)``,
            the preprocessed random input that ``_ops`` is counted on (call ``model(args)`` when
            ``as_list``, else ``model(*args)``); None: ops are not recounted.
        transforms_check: ``"module:attribute"`` of ``f(transform) -> (args, judge)``: an input
            for ``weights.transforms()`` and a function returning what is wrong with its output
            (None when nothing is); None: only scripting the transforms is checked.
        predict: How ``weighthub predict`` runs and shows it, one of :data:`PREDICT_KINDS`;
            None: predict does not support the task.
        build_options: Keyword arguments the builder needs to run the weights, e.g.
            ``(("quantize", True),)``.
        counts_from: A ``meta`` key referring to other weights whose ``num_params`` and ``_ops``
            these must repeat (``"unquantized"``), instead of counting them on the model.
        enum_name: The weights enum's name for a model, ``{model}`` being the model name without
            ``model_prefix`` (compared case-insensitively): torchvision's naming rule.
        model_prefix: Dropped from the model name for ``enum_name``, e.g. ``"quantized_"``.
        frozen_batch_norm: Trained models freeze their batch norms, so a checkpoint may lack
            their ``num_batches_tracked`` buffers.
        docs: How the docs tabulate and chart its weights; None: a generic table.
        meta_keys: The task's own optional ``meta`` keys and their types, permitted without a
            prefix and type-checked: ``{"in_chans": int, "bands": list[str]}`` (kept as sorted
            ``(key, type)`` pairs).
    """

    name: str
    title: str = ""
    keys: frozenset[str] = frozenset()
    metrics: frozenset[tuple[str, str]] = frozenset()
    preset: str | None = None
    sample_input: str | None = None
    transforms_check: str | None = None
    predict: str | None = None
    build_options: tuple[tuple[str, Any], ...] = ()
    counts_from: str | None = None
    enum_name: str = "{model}_Weights"
    model_prefix: str = ""
    frozen_batch_norm: bool = False
    docs: TaskDocs | None = field(default=None, compare=False)
    meta_keys: Mapping[str, Any] | tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.meta_keys, Mapping):
            object.__setattr__(self, "meta_keys", tuple(sorted(self.meta_keys.items())))
        if not self.name or not isinstance(self.name, str):
            msg = f"A task needs a name string, got {self.name!r}."
            raise ValueError(msg)
        if self.predict is not None and self.predict not in PREDICT_KINDS:
            hint = close_matches_hint(self.predict, PREDICT_KINDS)
            kinds = ", ".join(sorted(PREDICT_KINDS))
            msg = f"Task {self.name!r}: predict={self.predict!r} is not one of {kinds}.{hint}"
            raise ValueError(msg)

    def expected_enum_name(self, model: str) -> str:
        """The weights enum name of ``model``, lower-cased, e.g. ``"resnet50_weights"``."""
        return self.enum_name.format(model=model.lower().removeprefix(self.model_prefix)).lower()

    def load_sample_input(self) -> Callable[[str, Any], tuple[Any, bool]] | None:
        """Import and return the :attr:`sample_input` function, or None."""
        return None if self.sample_input is None else _resolve(self, self.sample_input)

    def load_transforms_check(self) -> Callable[[Any], tuple[Any, Any]] | None:
        """Import and return the :attr:`transforms_check` function, or None."""
        return None if self.transforms_check is None else _resolve(self, self.transforms_check)


def _resolve(task: Task, reference: str) -> Any:
    try:
        return resolve_reference(reference)
    except ImportError as exc:
        msg = f"Task {task.name!r}: cannot import {reference!r}: {exc}"
        raise ImportError(msg, name=exc.name) from exc


def _classification_metrics(dataset: str) -> frozenset[tuple[str, str]]:
    return frozenset({(dataset, "acc@1"), (dataset, "acc@5")})


IMAGE_CLASSIFICATION = Task(
    "image_classification",
    title="Image classification",
    keys=frozenset({"categories"}),
    metrics=_classification_metrics("ImageNet-1K"),
    preset="ImageClassification",
    sample_input="weighthub.tasks:image_sample_input",
    transforms_check="weighthub.tasks:image_transforms_check",
    predict="classification",
    docs=TaskDocs(
        (Metric("ImageNet-1K", "acc@1", "Acc@1"), Metric("ImageNet-1K", "acc@5", "Acc@5")),
        Metric("ImageNet-1K", "acc@1", "ImageNet-1K acc@1 (%)"),
    ),
)
"""The shared task core declares: used by the classification, quantized and third-party plugins."""

CORE_TASKS: tuple[Task, ...] = (IMAGE_CLASSIFICATION,)
