"""The weights enums of timm's architectures, made from the manifest when first asked for.

``weighthub_timm._weights.resnet50_Weights`` is built on first access (module ``__getattr__``)
from the manifest's entries for ``resnet50``: one member per tag in timm's order, ``DEFAULT`` the
first (see :mod:`._names`). Each member's URL is where timm loads the tag from (the Hub file, or
the plain URL), or torchvision's URL for a file torchvision publishes (:func:`source_url`), its
transforms the :class:`weighthub.transforms.ImageClassification` preset of the
tag's data configuration (timm's evaluation transform, bit for bit), its meta the facts of
timm's pretrained config.

Torch-free: importing this module, and building any enum, imports neither torch nor timm.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from weighthub import UnknownModelError, UnknownWeightsMemberError, Weights, WeightsEnum
from weighthub.building import close_matches_hint
from weighthub.transforms import PresetFactory, preset

from ._labels import label_names
from ._manifest import manifest, metrics
from ._names import arch_of, enum_name, member_name, tag_of

__all__ = ["HUB", "hub_url", "source_url", "transforms_of", "weights_enum", "weights_of"]

HUB = "https://huggingface.co"
TIMM_REPO = "https://github.com/huggingface/pytorch-image-models"

_lock = threading.Lock()
_enums: dict[str, type[WeightsEnum]] = {}


def hub_url(repo: str, filename: str, revision: str = "main") -> str:
    """The Hub's URL of ``filename`` in model repo ``repo``, as timm publishes it."""
    return f"{HUB}/{repo}/resolve/{revision}/{filename}"


@functools.cache
def transforms_of(config: int) -> PresetFactory:
    """The preset of data configuration ``config`` (an index into the manifest's configs).

    Cached: the tags that share a configuration share one (immutable) factory.
    """
    settings = manifest().configs[config]
    _, height, width = settings["input_size"]
    return preset(
        "ImageClassification",
        crop_size=height if height == width else (height, width),
        crop_pct=settings["crop_pct"],
        crop_mode=settings["crop_mode"],
        interpolation=settings["interpolation"],
        mean=tuple(settings["mean"]),
        std=tuple(settings["std"]),
    )


def source_url(entry: dict[str, Any]) -> str:
    """The URL a tag's member fetches, given its manifest entry.

    * A checkpoint torchvision publishes and weighthub's first-party plugins carry (the entry's
      ``torchvision`` names its member, e.g. ``resnet50.tv2_in1k`` is
      ``ResNet50_Weights.IMAGENET1K_V2``): torchvision's URL, so that both names reach one
      cached file (torch.hub's ``resnet50-11ad3fa6.pth``, verified by its sha256 prefix). timm's
      architecture loads it: its pretrained config names that URL, and ``timm.create_model``
      applies the architecture's key filter (regnets) to it.
    * A Hub-hosted tag: the Hub file timm tries first (``model.safetensors``, which timm prefers
      to ``pytorch_model.bin``), a Hub file for weighthub: verified against the Hub's sha256,
      cached where huggingface_hub caches it, pinned by ``weighthub lock``.
    * Otherwise timm's plain URL (gcvit and legacy SE-Nets on GitHub, I-JEPA on
      dl.fbaipublicfiles.com).
    """
    torchvision = entry.get("torchvision") or {}
    if "weights" in torchvision:
        return str(torchvision["url"])
    if "hub" in entry:
        return hub_url(entry["hub"], entry["files"][0], entry.get("revision", "main"))
    return str(entry["url"])


def _docs(name: str, entry: dict[str, Any], default: bool, version: str) -> str:
    text = f"The weights timm {version} calls ``{name}``"
    text += " (the architecture's default)." if default else "."
    for key in ("paper_name", "description", "notes"):
        if entry.get(key):
            value = str(entry[key]).strip()
            text += f" {value}" + ("" if value.endswith(".") else ".")
    return text


def _meta(arch: str, entry: dict[str, Any], default: bool) -> dict[str, Any]:
    """The meta of one tag: weighthub's keys, and timm's facts under ``x_`` keys."""
    found = manifest()
    name = f"{arch}.{entry['tag']}"
    config = found.configs[entry["config"]]
    labels = entry.get("labels")
    hub_card = f"{HUB}/{entry['hub']}" if "hub" in entry else None
    published = metrics().get(name, {})
    meta: dict[str, Any] = {
        "categories": None if labels is None else label_names(labels),
        "num_params": entry["num_params"],
        # Not published by timm and not measurable without downloading every file.
        "_ops": None,
        "_file_size": None,
        "min_size": None,
        "recipe": entry.get("origin_url") or hub_card or TIMM_REPO,
        "_docs": _docs(name, entry, default, found.timm_version),
        "x_timm_name": name,
        "x_num_classes": entry["num_classes"],
        "x_input_size": tuple(config["input_size"]),
        "x_interpolation": config["interpolation"],
        "x_mean": tuple(config["mean"]),
        "x_std": tuple(config["std"]),
        "x_crop_pct": config["crop_pct"],
        "x_crop_mode": config["crop_mode"],
    }
    optional = {
        "license": entry.get("license"),
        "x_label_set": labels,
        "x_test_input_size": entry.get("test_input_size"),
        "x_test_crop_pct": entry.get("test_crop_pct"),
        "x_origin_url": entry.get("origin_url"),
        "x_paper_ids": entry.get("paper_ids"),
        "x_hf_hub_id": entry.get("hub"),
        "x_hf_hub_files": entry.get("files"),
        "x_custom_load": entry.get("custom_load"),
        "x_torchvision_url": entry.get("torchvision", {}).get("url"),
        "x_torchvision_weights": entry.get("torchvision", {}).get("weights"),
        "_metrics": published.get("metrics"),
        "x_metrics_input_size": published.get("input_size"),
    }
    meta.update({key: value for key, value in optional.items() if value is not None})
    for key in ("x_test_input_size", "x_paper_ids", "x_hf_hub_files"):
        if key in meta:
            meta[key] = tuple(meta[key])
    if entry.get("min_input_size"):
        meta["min_size"] = tuple(entry["min_input_size"][-2:])
    return meta


def _regenerate_hint() -> str:
    return (
        f" weighthub-timm lists the tags of timm {manifest().timm_version}; for a newer timm's, "
        f"regenerate its manifest: python -m weighthub_timm.generate"
    )


def weights_enum(arch: str) -> type[WeightsEnum]:
    """The weights enum of timm architecture ``arch``, built once per process.

    Raises:
        UnknownModelError: (a ``ValueError``) the manifest has no pretrained weights for
            ``arch``; the message names close architectures and the timm version it lists.
    """
    with _lock:
        cached = _enums.get(arch)
        if cached is not None:
            return cached
        entries = manifest().architectures.get(arch)
        if entries is None:
            hint = close_matches_hint(arch, manifest().architectures)
            msg = f"timm has no pretrained architecture {arch!r}.{hint}{_regenerate_hint()}"
            raise UnknownModelError(msg, name=arch)
        members = [
            (
                member_name(entry["tag"]),
                Weights(
                    url=source_url(entry),
                    transforms=transforms_of(entry["config"]),
                    meta=_meta(arch, entry, position == 0),
                ),
            )
            for position, entry in enumerate(entries)
        ]
        name = enum_name(arch)
        functional: Any = WeightsEnum  # the Enum functional API, which mypy does not model
        enum: type[WeightsEnum] = functional(
            name, [*members, ("DEFAULT", members[0][1])], module=__name__, qualname=name
        )
        enum.__doc__ = (
            f"timm {manifest().timm_version}'s pretrained weights of ``{arch}``: one member per "
            f"tag, ``DEFAULT`` = ``{entries[0]['tag']}``."
        )
        _enums[arch] = enum
        return enum


def weights_of(name: str) -> WeightsEnum:
    """The member of a timm name: ``"resnet50.a1_in1k"``, or ``"resnet50"`` for its default.

    Raises:
        UnknownModelError: (a ``ValueError``) an unknown architecture.
        UnknownWeightsMemberError: (a ``KeyError``) an unknown tag; the message names the
            architecture's close tags and the timm version the manifest lists.
    """
    arch, dot, tag = name.partition(".")
    enum = weights_enum(arch)
    if not dot:
        return enum.DEFAULT  # type: ignore[attr-defined,no-any-return]
    member = enum.__members__.get(member_name(tag)) if tag else None
    if member is None or tag_of(member.name) != tag:  # "default" names an alias, not a tag
        tags = [f"{arch}.{tag_of(m.name)}" for m in enum]
        msg = (
            f"timm's {arch} has no pretrained tag {tag!r}; its tags are {', '.join(tags)}."
            f"{close_matches_hint(name, tags)}{_regenerate_hint()}"
        )
        raise UnknownWeightsMemberError(msg, name=name, enum=enum.__name__)
    return member


def __getattr__(name: str) -> type[WeightsEnum]:
    arch = arch_of(name)
    if arch is not None and arch in manifest().architectures:
        return weights_enum(arch)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *map(enum_name, manifest().architectures)})
