"""Print the README's model table, generated from the weights' meta.

Run from a checkout with the plugin installed::

    python plugins/classification/scripts/model_table.py

``tests/test_readme.py`` checks that the README contains exactly this table.
"""

from __future__ import annotations

import math

import weighthub

HEADER = (
    "| model | weights | acc@1 | acc@5 | params (M) | GFLOPs | file size (MB) |\n"
    "|---|---|---:|---:|---:|---:|---:|"
)


def _number(value: float, digits: int) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


def model_table() -> str:
    """Return the Markdown table of every model and weights of the plugin."""
    rows = [HEADER]
    for name in weighthub.list_models(plugin="classification"):
        enum = weighthub.get_model_weights(name)
        for member in enum:
            meta = member.meta
            metrics = meta["_metrics"]["ImageNet-1K"]
            default = " (DEFAULT)" if member is enum.DEFAULT else ""
            rows.append(
                f"| `{name}` | `{enum.__name__}.{member.name}`{default} "
                f"| {_number(metrics['acc@1'], 3)} | {_number(metrics['acc@5'], 3)} "
                f"| {meta['num_params'] / 1e6:.1f} | {meta['_ops']:.2f} "
                f"| {meta['_file_size']:.1f} |"
            )
    return "\n".join(rows)


if __name__ == "__main__":
    print(model_table())
