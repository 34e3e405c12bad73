"""``weighthub info NAME``: everything known about a model or a set of weights."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .._weights import WeightsEnum
from ._common import (
    Resolved,
    default_member,
    dump_json,
    format_bytes,
    plain_text,
    plugin_version,
    resolve,
    shown_value,
    wrap,
)

__all__ = ["add_parser", "cache_state", "transforms_text"]

_LABEL = 14  # width of the "field:" column of the text output


def add_parser(subparsers: Any) -> None:
    """Register ``info``."""
    p = subparsers.add_parser(
        "info",
        help="describe a model or a set of weights",
        description="Describe a model (resnet50) or weights (ResNet50_Weights.IMAGENET1K_V2, "
        "ResNet50_Weights.DEFAULT): metrics, file size, parameters, GFLOPs, recipe, URL, "
        "preprocessing, and whether the checkpoint is cached.",
    )
    p.add_argument("name", metavar="NAME", help="a model name or 'EnumName.MEMBER'")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=run)


def cache_state(member: WeightsEnum) -> dict[str, Any]:
    """Say where the checkpoint of ``member`` is (or would be) and whether it is there.

    Remote checkpoints live in a read-only layer (``WEIGHTHUB_CACHE_PATH``, searched first) or in
    the cache under their URL's own entry (:mod:`.._fetch._keys`); Hugging Face Hub files in a Hub
    cache, at the commit their revision last resolved to; local and ``pkg://`` files are used where
    they are (after mirrors are applied).
    """
    from .._fetch import cache_dir, cache_layers, rewrite_url
    from .._fetch._hub_fetch import locate_hub
    from .._fetch._keys import cache_entry
    from .._fetch._sources import resolve_source, url_file_name

    url = rewrite_url(member.url)
    hub = locate_hub(member.url) if url == member.url else None
    if hub is not None:
        where, cached = hub
        return {"kind": "hub", "path": str(where), "cached": cached, "problem": None}
    try:
        source = resolve_source(url)
    except (FileNotFoundError, ValueError, ImportError) as exc:
        return {"kind": "local", "path": None, "cached": False, "problem": str(exc)}
    if source.kind == "local" and source.path is not None:
        return {"kind": "local", "path": str(source.path), "cached": True, "problem": None}
    name = member.file_name or url_file_name(member.url)
    in_layers = [
        found
        for layer in cache_layers()
        if (found := cache_entry(layer, name, member.url)).is_file()
    ]
    path = in_layers[0] if in_layers else cache_entry(cache_dir(), name, member.url)
    return {"kind": "remote", "path": str(path), "cached": path.is_file(), "problem": None}


def transforms_text(member: WeightsEnum) -> tuple[str, str | None]:
    """Return the transforms' constructor as text, and their ``describe()`` (None if unavailable).

    ``describe()`` needs the built transform, hence torch.
    """
    factory = member.transforms
    name = getattr(factory, "name", None) or getattr(factory, "__name__", type(factory).__name__)
    keywords = dict(getattr(factory, "keywords", {}) or {})
    spec = f"{name}({', '.join(f'{k}={v!r}' for k, v in keywords.items())})"
    try:
        built = factory()
        describe = built.describe() if hasattr(built, "describe") else None
    except Exception as exc:  # a broken third-party transform must not hide the rest
        describe = f"(cannot build the transforms: {type(exc).__name__}: {exc})"
    return spec, describe


def _record(member: WeightsEnum, default: WeightsEnum | None) -> dict[str, Any]:
    from .._api import get_weight_name

    meta = dict(member.meta)
    spec, describe = transforms_text(member)
    categories = meta.pop("categories", None)
    return {
        "name": get_weight_name(member),
        "default": member is default,
        "url": member.url,
        "sha256": member.sha256,
        "file_size": member.file_size,
        "file_size_mib": meta.pop("_file_size", None),
        "num_params": meta.pop("num_params", None),
        "gflops": meta.pop("_ops", None),
        "metrics": meta.pop("_metrics", None),
        "recipe": meta.pop("recipe", None),
        "min_size": meta.pop("min_size", None),
        "num_categories": len(categories) if categories is not None else None,
        "categories": categories,
        "docs": meta.pop("_docs", None),
        "transforms": spec,
        "transforms_description": describe,
        "cache": cache_state(member),
        "meta": meta,
    }


def _attached_weights(resolved: Resolved) -> tuple[list[WeightsEnum], dict[str, str]]:
    """The members attached to the resolved models (or the model an attached member is for),
    and, by enum name, the origin of each attached enum."""
    from .._api import attachments_of
    from .._plugins import catalogue

    members: list[WeightsEnum] = []
    origins: dict[str, str] = {}
    if resolved.explicit and not resolved.models:
        enum_name = type(resolved.members[0]).__name__
        for group in catalogue().attachments.values():
            for attachment in group:
                if attachment.weights_name == enum_name and attachment.target is not None:
                    resolved.models.append(attachment.target)
                    origins[enum_name] = attachment.origin
        return members, origins
    for entry in resolved.models:
        for attachment in attachments_of(entry):
            enum = attachment.load_weights()
            origins[enum.__name__] = attachment.origin
            if not resolved.explicit:
                members.extend(enum)
    return members, origins


def _collect(resolved: Resolved) -> dict[str, Any]:
    from .._api import get_weight_name

    attached, origins = _attached_weights(resolved)
    models = []
    for entry in resolved.models:
        enum = entry.load_weights()
        default = default_member(enum) if enum is not None else None
        models.append(
            {
                "name": entry.name,
                "task": entry.task,
                "plugin": entry.plugin,
                "distribution": entry.distribution,
                "version": plugin_version(entry),
                "builder": entry.builder_ref
                if isinstance(entry.builder_ref, str)
                else getattr(entry.builder_ref, "__qualname__", repr(entry.builder_ref)),
                "weights_enum": entry.enum_key,
                "default": get_weight_name(default) if default is not None else None,
                "attached_enums": origins,
            }
        )
    weights = []
    for member in [*resolved.members, *attached]:
        default = default_member(type(member))
        record = _record(member, default)
        record["attached_by"] = origins.get(type(member).__name__)
        weights.append(record)
    return {"query": resolved.name, "models": models, "weights": weights}


def _field(label: str, value: Any, width: int = _LABEL) -> str:
    head = f"{label}:" if label else ""
    return f"  {head:<{width}}{wrap(str(value), width + 2)}"


def _metrics_text(metrics: Any) -> str:
    if not isinstance(metrics, dict):
        return shown_value(metrics)
    parts = []
    for dataset, values in metrics.items():
        if isinstance(values, dict):
            shown = ", ".join(f"{k} {shown_value(v)}" for k, v in values.items())
            parts.append(f"{dataset}: {shown}")
        else:
            parts.append(f"{dataset}: {shown_value(values)}")
    return "; ".join(parts)


def _print_weights(w: dict[str, Any], width: int) -> None:
    def _line(label: str, value: Any) -> str:
        return _field(label, value, width)

    print(f"\n{w['name']}{'  (default)' if w['default'] else ''}")
    if w["attached_by"]:
        print(_line("attached by", w["attached_by"]))
    print(_line("url", w["url"]))
    size = []
    if w["file_size_mib"] is not None:
        size.append(f"{w['file_size_mib']} MiB")
    if w["file_size"] is not None:
        size.append(f"{w['file_size']:,} bytes declared")
    print(_line("file size", ", ".join(size) or "unknown"))
    if w["sha256"]:
        print(_line("sha256", w["sha256"]))
    cache = w["cache"]
    if cache["kind"] == "local":
        state = f"local file {cache['path']}" if cache["cached"] else f"missing: {cache['problem']}"
    elif cache["cached"]:
        size_now = format_bytes(Path(cache["path"]).stat().st_size)
        state = f"yes, {cache['path']} ({size_now})"
    else:
        state = f"no (would be {cache['path']})"
    print(_line("cached", state))
    if w["num_params"] is not None:
        print(_line("params", f"{w['num_params']:,}"))
    if w["gflops"] is not None:
        print(_line("GFLOPs", shown_value(w["gflops"])))
    if w["min_size"] is not None:
        print(_line("min size", "x".join(str(s) for s in w["min_size"])))
    if w["categories"] is not None:
        shown = ", ".join(w["categories"][:4])
        more = ", ..." if len(w["categories"]) > 4 else ""
        print(_line("categories", f"{w['num_categories']} ({shown}{more})"))
    if w["metrics"] is not None:
        print(_line("metrics", _metrics_text(w["metrics"])))
    if w["recipe"] is not None:
        print(_line("recipe", w["recipe"]))
    for key, value in w["meta"].items():
        print(_line(key.lstrip("_"), plain_text(shown_value(value))))
    print(_line("transforms", w["transforms"]))
    if w["transforms_description"]:
        print(_line("", plain_text(w["transforms_description"])))
    if w["docs"]:
        print(_line("docs", plain_text(w["docs"])))


def run(args: argparse.Namespace) -> int:
    """Print what is known about NAME."""
    info = _collect(resolve(args.name))
    if args.json:
        dump_json(info)
        return 0
    # One label column for everything, wide enough for the plugins' own meta keys.
    width = max([_LABEL, *(len(k.lstrip("_")) + 2 for w in info["weights"] for k in w["meta"])])
    for model in info["models"]:
        origin = f"plugin {model['plugin']!r}"
        if model["distribution"]:
            origin += f" from {model['distribution']} {model['version'] or ''}".rstrip()
        print(f"{model['name']}  ({model['task']}, {origin})")
        print(_field("builder", model["builder"], width))
        if model["weights_enum"] is None:
            print(_field("weights", "none (no pretrained weights)", width))
        else:
            default = f"{model['weights_enum']} (default: {model['default']})"
            print(_field("weights", default, width))
        for enum_name, origin in model["attached_enums"].items():
            print(_field("attached", f"{enum_name} from {origin}", width))
    if not info["models"]:
        print(f"{args.name} (no installed model uses these weights)")
    for weights in info["weights"]:
        _print_weights(weights, width)
    return 0
