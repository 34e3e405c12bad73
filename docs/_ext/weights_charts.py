"""The accuracy-versus-GFLOPs charts of the docs' weights pages, and their captions.

Draws a task's headline metric (its :class:`weighthub.TaskDocs` ``chart``) against
``meta["_ops"]`` with matplotlib's Agg backend. Pareto-optimal weights are labelled where a label
fits without overlapping another, and the caption says exactly which are; dots that coincide are
spread sideways so every entry shows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from weights_tasks import Row, TaskSpec

__all__ = ["Chart", "caption", "chart", "left_out", "spread"]


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


def spread(points: list[tuple[float, float]], radius: float = 4.0) -> tuple[list[float], int]:
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


def chart(spec: TaskSpec, rows: Sequence[Row]) -> Chart | None:
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
        offsets, moved = spread(display)
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
        moved,
        label_all,
    )


def left_out(spec: TaskSpec, rows: Sequence[Row]) -> list[str]:
    """The entries a chart cannot place: no headline metric or no ops count."""
    return [
        f"{type(row.weights).__name__}.{row.weights.name}"
        for row in rows
        if row.metric(spec.chart_metric) is None
        or not isinstance(row.meta.get("_ops"), int | float)
        or not row.meta["_ops"] > 0
    ]


def caption(spec: TaskSpec, drawn: Chart, uncharted: Sequence[str]) -> str:
    """Say exactly what the chart shows and labels."""
    direction = "higher" if spec.higher_is_better else "lower"
    parts = [
        f"Each of the {len(drawn.dots)} dots is one weights entry; {direction} is better on the "
        f"vertical axis. The {len(drawn.frontier)} red dots are Pareto-optimal: no other entry "
        "is both cheaper and better."
    ]
    missing = ", ".join(f"`{name}`" for name in drawn.unlabelled)
    if drawn.label_all:
        parts.append(
            f"Every dot is labelled except {missing}, for lack of room (see the table)."
            if drawn.unlabelled
            else "Every dot is labelled."
        )
    elif drawn.unlabelled:
        parts.append(
            f"Red dots are labelled except {missing}, for lack of room; blue dots are not "
            "labelled (see the table)."
        )
    else:
        parts.append("Every red dot is labelled; blue dots are not (see the table).")
    if drawn.spread:
        parts.append(
            f"{drawn.spread} dots that would cover each other are moved sideways a few pixels, "
            "so each shows."
        )
    if uncharted:
        names = ", ".join(f"`{name}`" for name in uncharted)
        parts.append(f"Not charted, as their meta has no {spec.chart_metric.label}: {names}.")
    if spec.chart_note:
        parts.append(spec.chart_note)
    return " ".join(parts)
