"""Which tasks the docs' weights pages show, looked up from the registry, and reading their rows.

Every page in ``docs/models/`` that includes ``../generated/<slug>.md`` is a first-party plugin's
(distribution ``weighthub-<slug>``); its task is the one that plugin's models are registered with,
and how that task is tabulated and charted comes from its :class:`weighthub.TaskDocs`. Nothing
here names a task.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.util import logging

from weighthub.tasks import Metric, Task, TaskDocs

__all__ = ["Row", "TaskSpec", "discover", "docs_of", "first_party_specs", "rows_of", "warn"]

logger = logging.getLogger("weights_tables")

MODELS_PAGES = Path(__file__).resolve().parent.parent / "models"
_INCLUDE = re.compile(r"```\{include\} \.\./generated/([\w-]+)\.md")

GENERIC = TaskDocs((), Metric("", "", ""))
"""For a task that declares no docs: no metric columns, no chart."""


@dataclass(frozen=True)
class TaskSpec:
    """A first-party plugin's page and the task it shows (None: the plugin is not loaded)."""

    slug: str
    task_object: Task | None = None

    @property
    def plugin(self) -> str:
        return self.slug

    @property
    def distribution(self) -> str:
        return f"weighthub-{self.slug}"

    @property
    def task(self) -> str:
        return "" if self.task_object is None else self.task_object.name

    @property
    def title(self) -> str:
        return self.slug if self.task_object is None else self.task_object.title

    @property
    def docs(self) -> TaskDocs:
        return docs_of(self.task_object)

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return self.docs.columns

    @property
    def chart_metric(self) -> Metric:
        return self.docs.chart

    @property
    def ops_label(self) -> str:
        return self.docs.ops_label

    @property
    def higher_is_better(self) -> bool:
        return self.docs.higher_is_better

    @property
    def split_by(self) -> tuple[tuple[str, str], ...]:
        return self.docs.split_by

    @property
    def chart_exclude(self) -> tuple[str, ...]:
        return self.docs.chart_exclude

    @property
    def chart_note(self) -> str:
        return self.docs.chart_note


def docs_of(task: Task | None) -> TaskDocs:
    """How a task is tabulated and charted; :data:`GENERIC` when it does not say."""
    return GENERIC if task is None or task.docs is None else task.docs


def first_party_slugs(pages: Path = MODELS_PAGES) -> list[str]:
    """The slugs of the generated fragments the model pages include, in page order."""
    slugs = []
    for page in sorted(pages.glob("*.md")):
        slugs.extend(m.group(1) for m in _INCLUDE.finditer(page.read_text(encoding="utf-8")))
    return [slug for slug in slugs if slug != "third-party"]


def first_party_specs() -> tuple[TaskSpec, ...]:
    """One spec per first-party page, its task looked up from the models its plugin registers."""
    import weighthub

    specs = []
    for slug in first_party_slugs():
        distribution = f"weighthub-{slug}"
        names = weighthub.list_models(plugin=distribution)  # none: the page says why
        tasks = sorted({weighthub.get_model_entry(name).task for name in names})
        if len(tasks) > 1:
            warn(f"{distribution} registers models of several tasks ({tasks}); showing {tasks[0]}")
        specs.append(TaskSpec(slug, weighthub.get_task(tasks[0]) if tasks else None))
    return tuple(specs)


@dataclass
class Row:
    """One weights member and the facts the tables show."""

    model: str
    weights: Any  # a WeightsEnum member
    is_default: bool

    @property
    def meta(self) -> dict[str, Any]:
        return self.weights.meta  # type: ignore[no-any-return]

    def metric(self, metric: Metric) -> float | None:
        value = self.meta.get("_metrics", {}).get(metric.dataset, {}).get(metric.key)
        if not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
            return None  # not published
        return value


def warn(message: str) -> None:
    logger.warning(message, type="weights_tables", subtype="plugin")


def _reemit(caught: Iterable[warnings.WarningMessage]) -> None:
    for item in caught:
        warn(f"{item.category.__name__}: {item.message}")


def rows_of(models: Sequence[str]) -> list[Row]:
    import weighthub

    rows: list[Row] = []
    for name in models:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                enum = weighthub.get_model_weights(name)
            except Exception as exc:  # a broken plugin must not hide the other models
                warn(f"Cannot read the weights of model {name!r}: {type(exc).__name__}: {exc}")
                continue
        _reemit(caught)
        default = getattr(enum, "DEFAULT", None)
        rows.extend(Row(name, member, member is default) for member in enum)
    return rows


def discover() -> list[Any]:
    """Discover the plugins once, turning discovery warnings into Sphinx warnings."""
    import weighthub

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        weighthub.reload_plugins()
        found = weighthub.plugins()
    _reemit(caught)
    return found
