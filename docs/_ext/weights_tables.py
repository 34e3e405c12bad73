"""Generate the per-task weights tables (and, through :mod:`weights_charts`, charts) from the meta.

torchvision builds its model tables in ``docs/source/conf.py`` from each weights entry's ``meta``;
this extension does the same across every installed weighthub plugin. On ``builder-inited`` it
writes, into ``docs/generated/`` (git-ignored):

* ``<slug>.md`` per first-party page (:mod:`weights_tasks` finds them and their tasks): a MyST
  fragment with the weights table(s) and the chart, or a short "install weighthub-<x>" note when
  the page's plugin is not installed. The pages in ``docs/models/`` include it. The metric
  columns come from the task's :class:`weighthub.TaskDocs`.
* ``<slug>.png`` per task with models: the headline metric against GFLOPs (GIPS for quantized
  models), drawn by :mod:`weights_charts`.
* ``third-party.md``: the models of every installed plugin that is not first-party, but those
  another page lists (``weights_tables_listed_elsewhere``: weighthub-timm's catalogue, which
  :mod:`timm_catalogue` writes), and the weights each attaches to other plugins' models, with
  the domain meta keys ``weights_tables_meta_columns`` names for its distribution (torchgeo's
  port: ``sensor``, ``bands`` ...).
* ``meta-schema.md``: the meta schema of every declared task.

Plugin load failures, name conflicts and meta-schema problems found while reading the meta are
reported as Sphinx warnings, so ``sphinx -W`` fails on them rather than silently dropping models.
Files are rewritten only when their content changes, which keeps incremental builds incremental.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

# The sibling modules, also when a test loads this file by its path.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from weights_charts import caption, chart, left_out, spread  # noqa: E402
from weights_tasks import (  # noqa: E402
    Row,
    TaskSpec,
    discover,
    docs_of,
    first_party_specs,
    rows_of,
)

__all__ = [
    "NONE",
    "Report",
    "break_after_dots",
    "caption",
    "chart",
    "generate",
    "left_out",
    "list_table",
    "rows_of",
    "setup",
    "spread",
    "write",
]

logger = logging.getLogger(__name__)

NONE = "\N{EN DASH}"  # shown for a missing value


def __getattr__(name: str) -> Any:
    # TASKS: the first-party pages and their tasks, looked up when asked for (it discovers plugins).
    if name == "TASKS":
        return first_party_specs()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


@dataclass
class Report:
    """What one generation run produced, for the build log."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Formatting


def _number(value: float | None, spec: str = "") -> str:
    """Format a meta number: as written in the meta (``repr``), or with ``spec``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NONE
    return format(value, spec) if spec else repr(value)


def _params(meta: dict[str, Any]) -> str:
    value = meta.get("num_params")
    return f"{value / 1e6:.1f}M" if isinstance(value, int | float) else NONE


def _recipe(meta: dict[str, Any]) -> str:
    url = meta.get("recipe")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return NONE
    return f"[link](<{url}>)"


def _facts(meta: dict[str, Any]) -> list[str]:
    """The cells every weights table ends with: parameters, operations, file size, recipe."""
    return [
        _params(meta),
        _number(meta.get("_ops"), ".2f"),
        _number(meta.get("_file_size"), ".1f"),
        _recipe(meta),
    ]


def _weights_cell(row: Row) -> str:
    text = f"`{type(row.weights).__name__}.{row.weights.name}`"
    return f"{text} (default)" if row.is_default else text


def list_table(
    header: Sequence[str], body: Iterable[Sequence[str]], classes: Sequence[str] = ()
) -> str:
    """A MyST ``list-table`` of class ``weights-table`` (the CSS's and the browser check's), and
    of ``classes``."""
    lines = [
        "```{list-table}",
        ":header-rows: 1",
        f":class: {' '.join(['weights-table', *classes])}",
        "",
    ]
    for cells in [header, *body]:
        lines.append(f"* - {cells[0]}")
        lines.extend(f"  - {cell}" for cell in cells[1:])
    lines.append("```")
    return "\n".join(lines) + "\n"


def _task_table(spec: TaskSpec, rows: Sequence[Row]) -> str:
    metrics = [m for m in spec.metrics if any(r.metric(m) is not None for r in rows)]
    header = [
        "Model",
        "Weights",
        *(m.label for m in metrics),
        "Params",
        spec.ops_label,
        "Size (MiB)",
        "Recipe",
    ]
    body = [
        [
            f"`{row.model}`",
            _weights_cell(row),
            *(_number(row.metric(m)) for m in metrics),
            *_facts(row.meta),
        ]
        for row in rows
    ]
    return list_table(header, body)


def _split(spec: TaskSpec, rows: Sequence[Row]) -> list[tuple[str, list[Row]]]:
    if not spec.split_by:
        return [("", list(rows))]
    groups: dict[str, list[Row]] = {title: [] for _, title in spec.split_by}
    for row in rows:
        metrics = row.meta.get("_metrics", {}).get(spec.chart_metric.dataset, {})
        for key, title in spec.split_by:
            if not key or key in metrics:
                groups[title].append(row)
                break
    # Checked most specific first, shown plain first: object detection, then masks, then keypoints.
    return [(title, groups[title]) for _, title in reversed(spec.split_by) if groups[title]]


def _install_note(spec: TaskSpec, status: str | None, error: str | None) -> str:
    install = (
        f"`pip install {spec.distribution}` (from a weighthub checkout: "
        f"`pip install ./plugins/{spec.plugin}`)"
    )
    if status == "failed":
        return (
            f":::{{note}}\nThe plugin `{spec.distribution}` is installed but failed to load "
            f"when these docs were built ({error}), so its models are not listed.\n:::\n"
        )
    if status == "disabled":
        return (
            f":::{{note}}\nThe plugin `{spec.distribution}` was disabled (`WEIGHTHUB_PLUGINS` / "
            "`WEIGHTHUB_DISABLE_PLUGINS`) when these docs were built, so its models are not "
            "listed.\n:::\n"
        )
    return (
        f":::{{note}}\nInstall `{spec.distribution}` to list these models: {install}. The plugin "
        "was not installed when these docs were built.\n:::\n"
    )


def _task_page(spec: TaskSpec, plugin: Any | None, chart_name: str) -> tuple[str, bytes | None]:
    import weighthub

    if plugin is None or plugin.status != "loaded":
        status = None if plugin is None else plugin.status
        return _install_note(spec, status, None if plugin is None else plugin.error), None
    models = weighthub.list_models(task=spec.task, plugin=spec.distribution)
    pretrained = weighthub.list_models(task=spec.task, plugin=spec.distribution, pretrained=True)
    rows = rows_of(pretrained)
    parts = [
        f"`{plugin.distribution}` {plugin.version} registers {len(models)} models with "
        f'{len(rows)} weights. Metrics are copied from each entry\'s `meta["_metrics"]`; '
        f'{spec.ops_label} is `meta["_ops"]`, the file size `meta["_file_size"]`. '
        "`(default)` marks the member that `DEFAULT` points to.\n"
    ]
    for title, group in _split(spec, rows):
        if title:
            parts.append(f"## {title}\n")
        parts.append(_task_table(spec, group))
    untrained = sorted(set(models) - set(pretrained))
    if untrained:
        names = ", ".join(f"`{n}`" for n in untrained)
        parts.append(f"Models without pretrained weights: {names}.\n")
    charted = [
        row
        for row in rows
        if not any(
            key in row.meta.get("_metrics", {}).get(spec.chart_metric.dataset, {})
            for key in spec.chart_exclude
        )
    ]
    drawn = chart(spec, charted)
    if drawn is not None:
        parts.append(
            f"## {spec.chart_metric.label} versus {spec.ops_label}\n\n"
            f"```{{image}} /generated/{chart_name}\n"
            f":alt: {spec.chart_metric.label} against {spec.ops_label} for every "
            f"{spec.title.lower()} weights entry\n"
            ":width: 100%\n```\n\n"
            f"{caption(spec, drawn, left_out(spec, charted))}\n"
        )
    return "\n".join(parts), None if drawn is None else drawn.png


def _generic_table(task: str, rows: Sequence[Row]) -> str:
    import weighthub

    if task in weighthub.list_tasks() and docs_of(weighthub.get_task(task)).columns:
        return _task_table(TaskSpec("", weighthub.get_task(task)), rows)
    header = ["Model", "Weights", "Metrics", "Params", "GFLOPS", "File size (MiB)", "Recipe"]
    body = []
    for row in rows:
        metrics = "; ".join(
            f"{dataset} " + ", ".join(f"{k} {_number(v)}" for k, v in values.items())
            for dataset, values in row.meta.get("_metrics", {}).items()
        )
        body.append(
            [
                f"`{row.model}`",
                _weights_cell(row),
                metrics or NONE,
                *_facts(row.meta),
            ]
        )
    return list_table(header, body)


def _meta_cell(value: Any) -> str:
    """A domain meta value in a table cell: a list or tuple as its items, plain text."""
    if value is None:
        return NONE
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or NONE
    return str(value)


def _attached_rows(plugin: str) -> list[Row]:
    """The weights ``plugin`` attaches to other plugins' models, one row per member."""
    import weighthub

    rows = []
    for model in weighthub.list_models():
        if weighthub.get_model_entry(model).plugin == plugin:
            continue  # its own models' weights are in its models table
        for name in weighthub.list_weights(model, plugin=plugin):
            rows.append(Row(model, weighthub.get_weight(name), False))
    return rows


def _attached_tables(rows: Sequence[Row], columns: Sequence[str]) -> list[str]:
    """Attached weights, one table per model: their full names, the domain ``columns`` of their
    meta, and the facts every table shows."""
    import weighthub

    header = ["Weights", *columns, "Params", "GFLOPS", "Size (MiB)", "Recipe"]
    parts = []
    for model in dict.fromkeys(row.model for row in rows):
        body = [
            [
                f"`{weighthub.get_weight_name(row.weights)}`",
                *(_meta_cell(row.meta.get(column)) for column in columns),
                *_facts(row.meta),
            ]
            for row in rows
            if row.model == model
        ]
        parts += [f"On `{model}`:\n", list_table(header, body)]
    return parts


def _third_party_page(
    found: Sequence[Any],
    first_party: Iterable[TaskSpec],
    elsewhere: Iterable[str] = (),
    meta_columns: Mapping[str, Sequence[str]] | None = None,
) -> str:
    import weighthub

    ours = {spec.distribution for spec in first_party} | set(elsewhere)
    others = [p for p in found if (p.distribution or "") not in ours]
    if not others:
        return (
            ":::{note}\nNo third-party plugin was installed when these docs were built. Install "
            "one (for example `pip install ./examples/plugin-efficientnet-lite`) and rebuild to "
            "list its models here.\n:::\n"
        )
    parts = []
    for plugin in others:
        title = f"{plugin.distribution or plugin.name} {plugin.version or ''}".strip()
        parts.append(f"## {title}\n")
        if plugin.status != "loaded":
            parts.append(
                f"Not loaded ({plugin.status}){': ' + plugin.error if plugin.error else ''}.\n"
            )
            continue
        models = weighthub.list_models(plugin=plugin.name)
        tasks: dict[str, list[str]] = {}
        for name in models:
            tasks.setdefault(weighthub.get_model_entry(name).task, []).append(name)
        parts.append(
            f"Entry point `{plugin.name} = {plugin.module}`; {len(models)} model(s). "
            f"Distribution `{plugin.distribution}`.\n"
        )
        for task, names in sorted(tasks.items()):
            rows = rows_of(
                [n for n in names if weighthub.get_model_entry(n).weights_ref is not None]
            )
            parts.append(f"Task `{task}`:\n")
            if rows:
                parts.append(_generic_table(task, rows))
            plain = [n for n in names if weighthub.get_model_entry(n).weights_ref is None]
            if plain:
                parts.append(
                    "Without pretrained weights: " + ", ".join(f"`{n}`" for n in plain) + ".\n"
                )
        attached = _attached_rows(plugin.name)
        if attached:
            columns = (meta_columns or {}).get(plugin.distribution or plugin.name, ())
            parts.append(
                f"{len(attached)} weights attached to other plugins' models"
                + (
                    f", with their `meta` keys {', '.join(f'`{c}`' for c in columns)}"
                    if columns
                    else ""
                )
                + ":\n"
            )
            parts.extend(_attached_tables(attached, columns))
    return "\n".join(parts)


def _schema_page() -> str:
    """The meta schema of every known task: the declared tasks' keys and metrics, and
    :mod:`weighthub.meta`'s base and permitted keys."""
    import weighthub
    from weighthub import meta

    def keys(names: Iterable[str]) -> str:
        return ", ".join(f"`{n}`" for n in sorted(names)) or NONE

    tasks = [weighthub.get_task(name) for name in weighthub.list_tasks()]
    body = [
        [
            f"`{task.name}`",
            keys(task.keys),
            ", ".join(f"`{m}` on `{d}`" for d, m in sorted(task.metrics)) or NONE,
        ]
        for task in tasks
    ]
    table = list_table(["Task", "Required keys (besides the base keys)", "Required metrics"], body)
    return (
        f"Base keys, required for every task: {keys(meta.BASE_KEYS)}.\n\n"
        f"Permitted top-level keys: {keys(meta.PERMITTED_KEYS)}, "
        "plus any key starting with `x_`.\n\n"
        "Top-k accuracy (`acc@k`) is required only of weights with more than k categories: with "
        "k or fewer it is 100% by definition.\n\n" + table
    )


# ---------------------------------------------------------------------------------------------
# Sphinx glue


def write(path: Path, content: bytes, report: Report) -> None:
    """Write ``content`` to ``path`` unless it holds it already (incremental builds stay so)."""
    if path.exists() and path.read_bytes() == content:
        report.unchanged.append(path.name)
        return
    path.write_bytes(content)
    report.written.append(path.name)


def generate(
    outdir: Path,
    listed_elsewhere: Iterable[str] = (),
    meta_columns: Mapping[str, Sequence[str]] | None = None,
) -> Report:
    """Write every generated fragment and chart into ``outdir``; return what changed.

    Args:
        outdir: The folder of the generated fragments.
        listed_elsewhere: Distributions the third-party page leaves out: another page lists them.
        meta_columns: Per distribution, the domain ``meta`` keys its attached weights' table shows
            as columns (``{"example-torchgeo-weights": ["sensor", "bands"]}``).
    """
    outdir.mkdir(parents=True, exist_ok=True)
    report = Report()
    found = discover()
    by_distribution = {p.distribution: p for p in found if p.distribution}
    expected = {"third-party.md", "meta-schema.md"}
    write(outdir / "meta-schema.md", _schema_page().encode(), report)
    specs = first_party_specs()
    for spec in specs:
        chart_name = f"{spec.slug}.png"
        text, png = _task_page(spec, by_distribution.get(spec.distribution), chart_name)
        write(outdir / f"{spec.slug}.md", text.encode(), report)
        expected.add(f"{spec.slug}.md")
        if png is not None:
            write(outdir / chart_name, png, report)
            expected.add(chart_name)
    third_party = _third_party_page(found, specs, listed_elsewhere, meta_columns)
    write(outdir / "third-party.md", third_party.encode(), report)
    for stale in outdir.iterdir():
        if stale.is_file() and stale.name not in expected:
            stale.unlink()
    return report


def _on_builder_inited(app: Sphinx) -> None:
    outdir = Path(app.srcdir) / app.config.weights_tables_output
    report = generate(
        outdir,
        app.config.weights_tables_listed_elsewhere,
        app.config.weights_tables_meta_columns,
    )
    logger.info(
        "weights_tables: wrote %d file(s), %d unchanged, in %s",
        len(report.written),
        len(report.unchanged),
        outdir,
    )


def break_after_dots(doctree: nodes.Node) -> int:
    """Let the weights tables' dotted names wrap only after a dot, never inside an identifier.

    ``ConvNeXt_Base_Weights.IMAGENET1K_V1`` becomes the two texts ``ConvNeXt_Base_Weights.`` and
    ``IMAGENET1K_V1`` with an HTML ``<wbr>`` between them (copying the name copies no extra
    character); each text is its own ``<span class="pre">``, which never wraps. Returns how many
    names were changed.
    """
    changed = 0
    for table in doctree.findall(nodes.table):
        if "weights-table" not in table["classes"]:
            continue
        for literal in list(table.findall(nodes.literal)):
            text = literal.astext()
            parts = text.split(".")
            if len(parts) < 2 or any(not part for part in parts):
                continue
            children: list[nodes.Node] = []
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                children.append(nodes.Text(part if last else f"{part}."))
                if not last:
                    children.append(nodes.raw("", "<wbr>", format="html"))
            literal.children = []
            literal.extend(children)
            changed += 1
    return changed


def _on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    break_after_dots(doctree)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("weights_tables_output", "generated", "env", types=[str])
    app.add_config_value("weights_tables_listed_elsewhere", [], "env", types=[list])
    app.add_config_value("weights_tables_meta_columns", {}, "env", types=[dict])
    app.connect("builder-inited", _on_builder_inited)
    app.connect("doctree-resolved", _on_doctree_resolved)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
