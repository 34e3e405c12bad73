"""The manifest: timm's pretrained catalogue as data, read once per process, without timm or torch.

``_data/manifest.json`` is written by ``python -m weighthub_timm.generate`` from the installed
timm and committed. Its top level::

    {
      "format": 1,
      "timm": "1.0.31",                   # the timm version it was generated from
      "torchvision_names": [...],         # architectures whose names torchvision already uses
      "configs": [{...}, ...],            # the distinct evaluation data configurations
      "families": {"resnet": [...], ...}, # timm's model modules and their architectures
      "architectures": {"resnet50": [{...tag...}, ...], ...}
    }

A data configuration is what ``timm.data.resolve_data_config(pretrained_cfg=...)`` returns:
``input_size``, ``interpolation``, ``mean``, ``std``, ``crop_pct``, ``crop_mode``. Each
architecture's tags are in timm's order, so the first is the one
``timm.create_model(arch, pretrained=True)`` loads. A tag's keys (an absent key is null):

``tag``, ``config``
    The tag, and the index of its data configuration in ``configs``.
``num_classes``, ``labels``, ``num_params``
    The classifier's width (0 for a headless backbone); the label set its classes are
    (``imagenet-1k``, ``imagenet-12k`` ...: see :mod:`._labels`); its parameter count, computed
    on the meta device when the manifest was generated.
``hub``, ``files``, ``url``, ``custom_load``
    Where timm loads the weights from: the Hub repo and the files it tries there, in order (the
    safetensors file first, as timm prefers it), or else ``url``; timm's legacy ``url`` is kept
    for Hub tags too. ``custom_load``: timm reads the URL's file with the model's own loader
    (JAX ``.npz``).
``torchvision``
    ``{"url": ..., "weights": "ResNet50_Weights.IMAGENET1K_V2"}`` for a checkpoint torchvision
    publishes (``weights`` is absent when torchvision's enums no longer list the URL).
``test_input_size``, ``test_crop_pct``, ``min_input_size``, ``license``, ``origin_url``,
``paper_ids``, ``paper_name``, ``description``, ``notes``
    timm's pretrained config fields of those names.

Metrics live apart, in ``_data/metrics.json``, so that listing never parses them; :func:`metrics`
reads them when a weights enum is first built. From timm's results tables, one line a tag::

    "resnet50.a1_in1k": {"input_size": 288,   # the image size timm evaluated at
                         "metrics": {"ImageNet-1K": {"acc@1": 81.2, "acc@5": 95.1}, ...}}
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

__all__ = ["FORMAT", "MANIFEST", "METRICS", "Manifest", "manifest", "metrics"]

FORMAT = 1
_PACKAGE = __name__.rpartition(".")[0]
MANIFEST = "manifest.json"
"""The manifest's file name in the package's ``_data`` folder."""
METRICS = "metrics.json"
"""The metrics' file name in the package's ``_data`` folder."""


@dataclass(frozen=True)
class Manifest:
    """The parsed manifest.

    Attributes:
        timm_version: The timm version it was generated from.
        torchvision_names: Architectures whose names torchvision (and so weighthub's first-party
            plugins) already uses.
        configs: The distinct evaluation data configurations.
        families: timm's model modules (``resnet``, ``vision_transformer`` ...), each with its
            architectures that have pretrained weights: the families the docs' catalogue groups
            tags by. Every architecture is in exactly one.
        architectures: Each architecture's tags, in timm's order (the first is the default).
    """

    timm_version: str
    torchvision_names: frozenset[str]
    configs: list[dict[str, Any]]
    families: dict[str, list[str]]
    architectures: dict[str, list[dict[str, Any]]]

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse the manifest's JSON text.

        Raises:
            ValueError: Not a manifest of the format this plugin reads.
        """
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            msg = (
                f"The weighthub-timm manifest has format {found!r}; this plugin reads format "
                f"{FORMAT}. Regenerate it: python -m weighthub_timm.generate"
            )
            raise ValueError(msg)
        return cls(
            data["timm"],
            frozenset(data["torchvision_names"]),
            data["configs"],
            data["families"],
            data["architectures"],
        )


@functools.cache
def manifest() -> Manifest:
    """The plugin's manifest, parsed on first use."""
    text = (files(_PACKAGE) / "_data" / MANIFEST).read_text(encoding="utf-8")
    return Manifest.from_json(text)


@functools.cache
def metrics() -> dict[str, dict[str, Any]]:
    """The published metrics of each tag that has any (the format is in the module's docs)."""
    text = (files(_PACKAGE) / "_data" / METRICS).read_text(encoding="utf-8")
    found: dict[str, dict[str, Any]] = json.loads(text)
    return found
