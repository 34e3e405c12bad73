"""Generate the per-task weights tables and accuracy-versus-GFLOPs charts from the registered meta.

torchvision builds its model tables in ``docs/source/conf.py`` from each weights entry's ``meta``;
this extension does the same across every installed weighthub plugin. On ``builder-inited`` it
writes, into ``docs/generated/`` (git-ignored):

* ``<slug>.md`` per first-party task: a MyST fragment with the weights table(s) and the chart, or a
  short "install weighthub-<x>" note when the task's plugin is not installed. The pages in
  ``docs/models/`` include it.
* ``<slug>.png`` per task with models: the headline metric against GFLOPs (GIPS for quantized
  models), drawn with matplotlib's Agg backend. Pareto-optimal weights are labelled where a label
  fits without overlapping another, and the caption says exactly which are; dots that coincide are
  spread sideways so every entry shows.
* ``third-party.md``: the models of every installed plugin that is not first-party.

Plugin load failures, name conflicts and meta-schema problems found while reading the meta are
reported as Sphinx warnings, so ``sphinx -W`` fails on them rather than silently dropping models.
Files are rewritten only when their content changes, which keeps incremental builds incremental.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_NONE = "\N{EN DASH}"  # shown for a missing value


@dataclass(frozen=True)
class Metric:
    """One metric column: ``meta["_metrics"][dataset][key]``."""

    dataset: str
    key: str
    label: str


@dataclass(frozen=True)
class TaskSpec:
    """A first-party task and how its tables and chart look."""

    slug: str
    task: str
    title: str
    plugin: str
    metrics: tuple[Metric, ...]
    chart_metric: Metric
    ops_label: str = "GFLOPS"
    higher_is_better: bool = True
    # Split the weights into several tables by the first of these metric keys they carry.
    split_by: tuple[tuple[str, str], ...] = ()
    # Leave weights carrying one of these metric keys out of the chart, and say why.
    chart_exclude: tuple[str, ...] = ()
    chart_note: str = ""

    @property
    def distribution(self) -> str:
        return f"weighthub-{self.plugin}"


def _classification(dataset: str) -> tuple[Metric, ...]:
    return (Metric(dataset, "acc@1", "Acc@1"), Metric(dataset, "acc@5", "Acc@5"))


COCO = "COCO-val2017"
VOC_LABELS = "COCO-val2017-VOC-labels"

TASKS: tuple[TaskSpec, ...] = (
    TaskSpec(
        "classification",
        "image_classification",
        "Image classification",
        "classification",
        _classification("ImageNet-1K"),
        Metric("ImageNet-1K", "acc@1", "ImageNet-1K acc@1 (%)"),
    ),
    TaskSpec(
        "quantized",
        "quantized_image_classification",
        "Quantized image classification",
        "quantized",
        _classification("ImageNet-1K"),
        Metric("ImageNet-1K", "acc@1", "ImageNet-1K acc@1 (%)"),
        ops_label="GIPS",
    ),
    TaskSpec(
        "detection",
        "object_detection",
        "Object detection, instance segmentation and keypoints",
        "detection",
        (
            Metric(COCO, "box_map", "Box mAP"),
            Metric(COCO, "mask_map", "Mask mAP"),
            Metric(COCO, "kp_map", "Keypoint mAP"),
        ),
        Metric(COCO, "box_map", "COCO-val2017 box mAP"),
        split_by=(
            ("kp_map", "Keypoint detection"),
            ("mask_map", "Instance segmentation"),
            ("", "Object detection"),
        ),
        chart_exclude=("kp_map",),
        chart_note="Keypoint R-CNN is left out: its box mAP counts people only.",
    ),
    TaskSpec(
        "segmentation",
        "semantic_segmentation",
        "Semantic segmentation",
        "segmentation",
        (Metric(VOC_LABELS, "miou", "Mean IoU"), Metric(VOC_LABELS, "pixel_acc", "Pixelwise acc.")),
        Metric(VOC_LABELS, "miou", "COCO-val2017 (VOC labels) mean IoU"),
    ),
    TaskSpec(
        "video",
        "video_classification",
        "Video classification",
        "video",
        _classification("Kinetics-400"),
        Metric("Kinetics-400", "acc@1", "Kinetics-400 acc@1 (%)"),
    ),
    TaskSpec(
        "optical-flow",
        "optical_flow",
        "Optical flow",
        "optical-flow",
        (
            Metric("Sintel-Train-Cleanpass", "epe", "Sintel clean EPE"),
            Metric("Sintel-Train-Finalpass", "epe", "Sintel final EPE"),
            Metric("Kitti-Train", "fl_all", "Kitti F1-all"),
        ),
        Metric("Sintel-Train-Finalpass", "epe", "Sintel-Train final pass EPE (lower is better)"),
        higher_is_better=False,
    ),
)
FIRST_PARTY = frozenset(spec.distribution for spec in TASKS)


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


@dataclass
class Report:
    """What one generation run produced, for the build log."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reading the registry


def _warn(message: str) -> None:
    logger.warning(message, type="weights_tables", subtype="plugin")


def _reemit(caught: Iterable[warnings.WarningMessage]) -> None:
    for item in caught:
        _warn(f"{item.category.__name__}: {item.message}")


def _rows(models: Sequence[str]) -> list[Row]:
    import weighthub

    rows: list[Row] = []
    for name in models:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                enum = weighthub.get_model_weights(name)
            except Exception as exc:  # a broken plugin must not hide the other models
                _warn(f"Cannot read the weights of model {name!r}: {type(exc).__name__}: {exc}")
                continue
        _reemit(caught)
        default = getattr(enum, "DEFAULT", None)
        rows.extend(Row(name, member, member is default) for member in enum)
    return rows


def _discover() -> list[Any]:
    """Discover the plugins once, turning discovery warnings into Sphinx warnings."""
    import weighthub

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        weighthub.reload_plugins()
        found = weighthub.plugins()
    _reemit(caught)
    return found


# ---------------------------------------------------------------------------------------------
# Formatting


def _number(value: float | None, spec: str = "") -> str:
    """Format a meta number: as written in the meta (``repr``), or with ``spec``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _NONE
    return format(value, spec) if spec else repr(value)


def _params(meta: dict[str, Any]) -> str:
    value = meta.get("num_params")
    return f"{value / 1e6:.1f}M" if isinstance(value, int | float) else _NONE


def _recipe(meta: dict[str, Any]) -> str:
    url = meta.get("recipe")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return _NONE
    return f"[link](<{url}>)"


def _weights_cell(row: Row) -> str:
    text = f"`{type(row.weights).__name__}.{row.weights.name}`"
    return f"{text} (default)" if row.is_default else text


def _list_table(header: Sequence[str], body: Iterable[Sequence[str]]) -> str:
    lines = ["```{list-table}", ":header-rows: 1", ":class: weights-table", ""]
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
            _params(row.meta),
            _number(row.meta.get("_ops"), ".2f"),
            _number(row.meta.get("_file_size"), ".1f"),
            _recipe(row.meta),
        ]
        for row in rows
    ]
    return _list_table(header, body)


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


# ---------------------------------------------------------------------------------------------
# Charts


def _pareto(points: Sequence[tuple[float, float]], higher_is_better: bool) -> set[int]:
    """Return the indices of the points no other point beats on both cost and quality."""
    sign = 1.0 if higher_is_better else -1.0
    best: set[int] = set()
    for i, (x, y) in enumerate(points):
        dominated = any(
            (x2 <= x and sign * y2 >= sign * y) and (x2 < x or sign * y2 > sign * y)
            for j, (x2, y2) in enumerate(points)
            if j != i
        )
        if not dominated:
            best.add(i)
    return best


@dataclass
class Chart:
    """A drawn chart and what its caption must say about it."""

    png: bytes
    dots: list[str]  # the label of every dot drawn
    frontier: list[str]  # the labels of the red (Pareto-optimal) dots
    labelled: list[str]  # every label drawn
    unlabelled: list[str]  # dots that were to be labelled but found no free place
    spread: int  # how many dots were moved sideways off a coincident one
    label_all: bool  # few dots: every one gets a label, not only the red ones


def _spread(points: list[tuple[float, float]], radius: float = 4.0) -> tuple[list[float], int]:
    """Offsets (display px) that move dots drawn on top of each other apart, sideways.

    Dots closer than ``radius`` px in both directions form a group, spread symmetrically around
    their place 7 px apart, so every weights entry shows. Returns the x offsets and how many moved.
    """
    offsets = [0.0] * len(points)
    seen: set[int] = set()
    moved = 0
    for i in range(len(points)):
        if i in seen:
            continue
        group = [
            j
            for j in range(i, len(points))
            if j not in seen
            and abs(points[j][0] - points[i][0]) < radius
            and abs(points[j][1] - points[i][1]) < radius
        ]
        seen.update(group)
        if len(group) > 1:
            for rank, j in enumerate(group):
                offsets[j] = (rank - (len(group) - 1) / 2) * 7.0
            moved += len(group)
    return offsets, moved


def _place_label(
    ax: Any, renderer: Any, text: str, xy: tuple[float, float], taken: list[Any]
) -> bool:
    """Annotate ``xy`` with ``text`` at the first offset whose box overlaps no other label."""
    right = ax.transData.transform(xy)[0] > ax.bbox.x0 + 0.72 * ax.bbox.width
    near = (1, -1) if right else (-1, 1)  # the side with more room first, then the other
    steps = [(4, 3), (4, -10), (4, 12), (4, -19), (4, 21), (12, -30), (12, 32), (16, -42), (16, 44)]
    for sign, (dx, dy) in [(s, step) for step in steps for s in near]:
        note = ax.annotate(
            text,
            xy,
            xytext=(-sign * dx, dy),
            textcoords="offset points",
            ha="left" if sign < 0 else "right",
            fontsize=7,
            arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "0.5"} if abs(dy) > 12 else None,
        )
        box = note.get_window_extent(renderer).expanded(1.05, 1.15)
        inside = ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1 and ax.bbox.y0 <= box.y0
        if inside and box.y1 <= ax.bbox.y1 and not any(box.overlaps(other) for other in taken):
            taken.append(box)
            return True
        note.remove()
    return False


def _chart(spec: TaskSpec, rows: Sequence[Row]) -> Chart | None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.transforms import offset_copy

    data = [
        (row, float(row.meta["_ops"]), float(value))
        for row in rows
        if (value := row.metric(spec.chart_metric)) is not None
        and isinstance(row.meta.get("_ops"), int | float)
        and row.meta["_ops"] > 0
    ]
    if not data:
        return None
    xs = [x for _, x, _ in data]
    ys = [y for _, _, y in data]
    frontier = _pareto(list(zip(xs, ys, strict=True)), spec.higher_is_better)
    label_all = len(data) <= 16
    names = [row.model for row, _, _ in data]
    labels = [
        row.model if names.count(row.model) == 1 else f"{row.model} {row.weights.name}"
        for row, _, _ in data
    ]

    fig, ax = plt.subplots(figsize=(10, 6), dpi=100)
    try:
        if max(xs) / min(xs) > 30:
            ax.set_xscale("log")
        ax.set_xlabel(
            f"{spec.ops_label} (log scale)" if ax.get_xscale() == "log" else spec.ops_label
        )
        ax.set_ylabel(spec.chart_metric.label)
        ax.set_title(f"{spec.title}: {spec.chart_metric.label} vs {spec.ops_label}", fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        ax.scatter(xs, ys, s=0)  # sets the limits before dots are placed in display space
        ax.margins(x=0.05, y=0.08)
        fig.tight_layout()
        fig.canvas.draw()
        display = [tuple(ax.transData.transform((x, y))) for x, y in zip(xs, ys, strict=True)]
        offsets, spread = _spread(display)
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            shifted = offset_copy(ax.transData, fig=fig, x=offsets[i], y=0, units="dots")
            ax.scatter(
                [x],
                [y],
                c="#d62728" if i in frontier else "#1f77b4",
                s=22,
                alpha=0.85,
                edgecolors="white",
                linewidths=0.5,
                transform=shifted,
                zorder=3,
            )
        renderer = fig.canvas.get_renderer()
        taken: list[Any] = []
        labelled: list[str] = []
        unlabelled: list[str] = []
        order = sorted(range(len(data)), key=lambda i: (i not in frontier, xs[i]))
        for i in order:
            if not (label_all or i in frontier):
                continue
            if _place_label(ax, renderer, labels[i], (xs[i], ys[i]), taken):
                labelled.append(labels[i])
            else:
                unlabelled.append(labels[i])
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    finally:
        plt.close(fig)
    return Chart(
        buffer.getvalue(),
        labels,
        [labels[i] for i in sorted(frontier, key=lambda i: xs[i])],
        labelled,
        unlabelled,
        spread,
        label_all,
    )


def _left_out(spec: TaskSpec, rows: Sequence[Row]) -> list[str]:
    """The entries a chart cannot place: no headline metric or no ops count."""
    return [
        f"{type(row.weights).__name__}.{row.weights.name}"
        for row in rows
        if row.metric(spec.chart_metric) is None
        or not isinstance(row.meta.get("_ops"), int | float)
        or not row.meta["_ops"] > 0
    ]


def _caption(spec: TaskSpec, chart: Chart, left_out: Sequence[str]) -> str:
    """Say exactly what the chart shows and labels."""
    direction = "higher" if spec.higher_is_better else "lower"
    parts = [
        f"Each of the {len(chart.dots)} dots is one weights entry; {direction} is better on the "
        f"vertical axis. The {len(chart.frontier)} red dots are Pareto-optimal: no other entry "
        "is both cheaper and better."
    ]
    missing = ", ".join(f"`{name}`" for name in chart.unlabelled)
    if chart.label_all:
        parts.append(
            f"Every dot is labelled except {missing}, for lack of room (see the table)."
            if chart.unlabelled
            else "Every dot is labelled."
        )
    elif chart.unlabelled:
        parts.append(
            f"Red dots are labelled except {missing}, for lack of room; blue dots are not "
            "labelled (see the table)."
        )
    else:
        parts.append("Every red dot is labelled; blue dots are not (see the table).")
    if chart.spread:
        parts.append(
            f"{chart.spread} dots that would cover each other are moved sideways a few pixels, "
            "so each shows."
        )
    if left_out:
        names = ", ".join(f"`{name}`" for name in left_out)
        parts.append(f"Not charted, as their meta has no {spec.chart_metric.label}: {names}.")
    if spec.chart_note:
        parts.append(spec.chart_note)
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# Pages


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
    rows = _rows(pretrained)
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
    chart = _chart(spec, charted)
    if chart is not None:
        parts.append(
            f"## {spec.chart_metric.label} versus {spec.ops_label}\n\n"
            f"```{{image}} /generated/{chart_name}\n"
            f":alt: {spec.chart_metric.label} against {spec.ops_label} for every "
            f"{spec.title.lower()} weights entry\n"
            ":width: 100%\n```\n\n"
            f"{_caption(spec, chart, _left_out(spec, charted))}\n"
        )
    return "\n".join(parts), None if chart is None else chart.png


def _generic_table(task: str, rows: Sequence[Row]) -> str:
    spec = next((s for s in TASKS if s.task == task), None)
    if spec is not None:
        return _task_table(spec, rows)
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
                metrics or _NONE,
                _params(row.meta),
                _number(row.meta.get("_ops"), ".2f"),
                _number(row.meta.get("_file_size"), ".1f"),
                _recipe(row.meta),
            ]
        )
    return _list_table(header, body)


def _third_party_page(found: Sequence[Any]) -> str:
    import weighthub

    others = [p for p in found if (p.distribution or "") not in FIRST_PARTY]
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
            rows = _rows([n for n in names if weighthub.get_model_entry(n).weights_ref is not None])
            parts.append(f"Task `{task}`:\n")
            if rows:
                parts.append(_generic_table(task, rows))
            plain = [n for n in names if weighthub.get_model_entry(n).weights_ref is None]
            if plain:
                parts.append(
                    "Without pretrained weights: " + ", ".join(f"`{n}`" for n in plain) + ".\n"
                )
    return "\n".join(parts)


def _schema_page() -> str:
    """The meta schema of every known task, from :mod:`weighthub.meta`."""
    from weighthub import meta

    def keys(names: Iterable[str]) -> str:
        return ", ".join(f"`{n}`" for n in sorted(names)) or _NONE

    schemas = meta.task_schemas()
    body = [
        [
            f"`{name}`",
            keys(schema.keys),
            ", ".join(f"`{m}` on `{d}`" for d, m in sorted(schema.metrics)) or _NONE,
        ]
        for name, schema in schemas.items()
    ]
    table = _list_table(["Task", "Required keys (besides the base keys)", "Required metrics"], body)
    return (
        f"Base keys, required for every task: {keys(meta.BASE_KEYS)}.\n\n"
        f"Permitted top-level keys: {keys(meta.PERMITTED_KEYS)}, "
        "plus any key starting with `x_`.\n\n" + table
    )


# ---------------------------------------------------------------------------------------------
# Sphinx glue


def _write(path: Path, content: bytes, report: Report) -> None:
    if path.exists() and path.read_bytes() == content:
        report.unchanged.append(path.name)
        return
    path.write_bytes(content)
    report.written.append(path.name)


def generate(outdir: Path) -> Report:
    """Write every generated fragment and chart into ``outdir``; return what changed."""
    outdir.mkdir(parents=True, exist_ok=True)
    report = Report()
    found = _discover()
    by_distribution = {p.distribution: p for p in found if p.distribution}
    expected = {"third-party.md", "meta-schema.md"}
    _write(outdir / "meta-schema.md", _schema_page().encode(), report)
    for spec in TASKS:
        chart_name = f"{spec.slug}.png"
        text, png = _task_page(spec, by_distribution.get(spec.distribution), chart_name)
        _write(outdir / f"{spec.slug}.md", text.encode(), report)
        expected.add(f"{spec.slug}.md")
        if png is not None:
            _write(outdir / chart_name, png, report)
            expected.add(chart_name)
    _write(outdir / "third-party.md", _third_party_page(found).encode(), report)
    for stale in outdir.iterdir():
        if stale.is_file() and stale.name not in expected:
            stale.unlink()
    return report


def _on_builder_inited(app: Sphinx) -> None:
    outdir = Path(app.srcdir) / app.config.weights_tables_output
    report = generate(outdir)
    logger.info(
        "weights_tables: wrote %d file(s), %d unchanged, in %s",
        len(report.written),
        len(report.unchanged),
        outdir,
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("weights_tables_output", "generated", "env", types=[str])
    app.connect("builder-inited", _on_builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
