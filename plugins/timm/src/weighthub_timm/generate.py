"""Generate the plugin's manifest from the installed timm, so that a timm upgrade is one command.

::

    python -m weighthub_timm.generate                 # rewrite _data/ in place
    python -m weighthub_timm.generate --check         # exit 1 when _data/ differs from timm's
    python -m weighthub_timm.generate --results DIR   # metrics from other results CSVs
    python -m weighthub_timm.generate --output DIR    # write elsewhere

Every tag of ``timm.list_pretrained()`` becomes one entry (see :mod:`weighthub_timm._manifest`
for the format); the label sets timm ships beyond ImageNet-1k are written to ``_data/labels``.
Parameters are counted by building each tag's model on the meta device, which takes minutes.
timm's wheel ships no results tables: metrics come from ``--results DIR``, a folder of timm's
``results-*.csv`` files (``model``, ``top1``, ``top5`` columns), by default the copy committed
next to the plugin (``plugins/timm/results``), and go to ``_data/metrics.json``, which listing
never reads. A tag the tables do not list has no metrics.

This module imports timm, torch and torchvision; the plugin's listing path never imports it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ._labels import IMAGENET1K
from ._manifest import FORMAT, MANIFEST, METRICS

__all__ = [
    "build_manifest",
    "build_metrics",
    "count_params",
    "dumps",
    "dumps_metrics",
    "label_files",
    "main",
    "read_results",
]

DATA = Path(__file__).resolve().parent / "_data"
RESULTS = Path(__file__).resolve().parents[2] / "results"
"""timm's results tables as committed next to the plugin's sources (absent from its wheel)."""

# timm's results files and the dataset names weighthub's meta uses for them.
_DATASETS = {
    "imagenet": "ImageNet-1K",
    "imagenet-real": "ImageNet-ReaL",
    "imagenetv2-matched-frequency": "ImageNetV2",
    "sketch": "ImageNet-Sketch",
    "imagenet-r": "ImageNet-R",
    "imagenet-r-clean": "ImageNet-R-clean",
    "imagenet-a": "ImageNet-A",
    "imagenet-a-clean": "ImageNet-A-clean",
}
_TOP = _DATASETS["imagenet"]
_TORCHVISION_HOST = "https://download.pytorch.org/models/"
# Pretrained config fields copied as they are, when set.
_COPIED = ("license", "origin_url", "paper_name", "description", "notes", "test_crop_pct")


def count_params(name: str) -> int:
    """The parameters of the model ``timm.create_model(name)`` builds, counted on the meta device.

    Args:
        name: ``"arch.tag"``: the tag's pretrained config sets ``num_classes`` (and the input
            size of fixed-size models), as when timm loads those weights.
    """
    import timm
    import torch

    with torch.device("meta"):
        model = timm.create_model(name, pretrained=False)
    return sum(p.numel() for p in model.parameters())


def read_results(folder: Path) -> dict[str, dict[int, dict[str, dict[str, float]]]]:
    """Read timm's ``results-*.csv`` tables: ``{model: {img_size: {dataset: {"acc@1", "acc@5"}}}}``.

    timm evaluates some tags at two sizes (its train and its test size), one row each. Files
    without ``model``, ``img_size``, ``top1`` and ``top5`` columns (timm's benchmark tables) are
    skipped; a dataset timm adds later keeps its file's name (``results-foo.csv`` -> ``foo``).
    """
    metrics: dict[str, dict[int, dict[str, dict[str, float]]]] = {}
    for path in sorted(folder.glob("results-*.csv")):
        with path.open(newline="", encoding="utf-8") as stream:
            reader = csv.DictReader(stream)
            if not {"model", "img_size", "top1", "top5"} <= set(reader.fieldnames or ()):
                continue
            stem = path.stem.removeprefix("results-")
            dataset = _DATASETS.get(stem, stem)
            for row in reader:
                values = {"acc@1": float(row["top1"]), "acc@5": float(row["top5"])}
                sizes = metrics.setdefault(row["model"], {})
                sizes.setdefault(int(row["img_size"]), {})[dataset] = values
    return metrics


def _torchvision_urls() -> dict[str, str]:
    """torchvision's weights URLs -> their ``"Enum.MEMBER"`` names."""
    import torchvision.models

    urls: dict[str, str] = {}
    for model in torchvision.models.list_models():
        for member in torchvision.models.get_model_weights(model):
            urls.setdefault(member.url, f"{type(member).__name__}.{member.name}")
    return urls


def _source(cfg: dict[str, Any]) -> dict[str, Any]:
    """Where timm loads a tag from, decided by timm's own functions."""
    from timm.models._builder import _resolve_pretrained_source
    from timm.models._hub import HF_WEIGHTS_NAME, _get_safe_alternatives

    load_from, location = _resolve_pretrained_source(cfg)
    source: dict[str, Any] = {}
    if load_from == "hf-hub":
        repo, filename = location if isinstance(location, tuple) else (location, HF_WEIGHTS_NAME)
        repo, _, revision = repo.partition("@")
        source["hub"] = repo
        if revision:
            source["revision"] = revision
        # timm tries the safetensors alternatives first, except for its own loader's files.
        direct = filename.endswith(".safetensors") or cfg.get("custom_load") == "hf"
        source["files"] = [filename] if direct else [*_get_safe_alternatives(filename), filename]
    elif load_from != "url":
        msg = f"{cfg['architecture']}.{cfg['tag']}: timm loads it from {load_from!r}, not a URL."
        raise ValueError(msg)
    if cfg.get("url"):
        source["url"] = cfg["url"]
    if cfg.get("custom_load"):
        source["custom_load"] = True
    return source


def _torchvision(tag: str, url: str | None, published: dict[str, str]) -> dict[str, str] | None:
    """The torchvision mark of a tag whose checkpoint torchvision publishes, or None.

    That is a URL torchvision's weights use, or one on torchvision's host that timm tags as
    torchvision's (``tv_in1k``: torchvision's earlier Inception v3 file).
    """
    if url is None:
        return None
    if url in published:
        return {"url": url, "weights": published[url]}
    if url.startswith(_TORCHVISION_HOST) and tag.startswith(("tv_", "tv2_")):
        return {"url": url}
    return None


def _labels(cfg: dict[str, Any], sizes: dict[str, int]) -> str | None:
    """The label set of a tag's classes, as timm infers it, when its size matches."""
    from timm.data.imagenet_info import ImageNetInfo, infer_imagenet_subset

    subset = infer_imagenet_subset(cfg) if cfg.get("num_classes") else None
    if subset is None:
        return None
    if subset not in sizes:
        sizes[subset] = ImageNetInfo(subset).num_classes()
    return subset if sizes[subset] == cfg["num_classes"] else None


def build_manifest(
    *,
    num_params: Callable[[str], int] = count_params,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Collect the manifest of every pretrained tag of the installed timm.

    Args:
        num_params: Counts a tag's parameters, given ``"arch.tag"``.
        progress: Called with each tag's name before it is collected.

    Returns:
        The manifest as a JSON-ready dict (see :mod:`weighthub_timm._manifest`).
    """
    import timm
    import torchvision.models
    from timm.data.config import resolve_data_config
    from timm.models import get_arch_pretrained_cfgs

    published = _torchvision_urls()
    pretrained = timm.list_pretrained()
    available = set(pretrained)
    configs: dict[str, int] = {}
    label_sizes: dict[str, int] = {}
    architectures: dict[str, list[dict[str, Any]]] = {}
    for arch in dict.fromkeys(name.partition(".")[0] for name in pretrained):
        default = f"{arch}.{_pretrained_cfg(arch)['tag']}"
        names = [n for n in get_arch_pretrained_cfgs(arch) if n in available]
        if names[0] != default:
            msg = f"timm's first tag of {arch} is {names[0]}, but it loads {default} by default."
            raise RuntimeError(msg)
        entries = architectures[arch] = []
        for name in names:
            if progress is not None:
                progress(name)
            cfg = _pretrained_cfg(name)
            config = json.dumps(resolve_data_config(pretrained_cfg=cfg), sort_keys=True)
            entry: dict[str, Any] = {
                "tag": cfg["tag"],
                "config": configs.setdefault(config, len(configs)),
                "num_classes": cfg["num_classes"],
                "labels": _labels(cfg, label_sizes),
                "num_params": num_params(name),
                **_source(cfg),
                "torchvision": _torchvision(cfg["tag"], cfg.get("url"), published),
                "test_input_size": cfg.get("test_input_size"),
                "min_input_size": cfg.get("min_input_size"),
                "paper_ids": _paper_ids(cfg.get("paper_ids")),
                **{key: cfg.get(key) for key in _COPIED},
            }
            entries.append({k: list(v) if isinstance(v, tuple) else v for k, v in entry.items()})
    taken = set(torchvision.models.list_models())
    return {
        "format": FORMAT,
        "timm": timm.__version__,
        "torchvision_names": sorted(arch for arch in architectures if arch in taken),
        "configs": [json.loads(config) for config in configs],
        "families": _families(architectures),
        "architectures": architectures,
    }


def build_metrics(results: Path, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The metrics of the manifest's tags, from timm's results tables.

    timm's tables name most models ``arch.tag`` and a few by the bare architecture, which stands
    for its default tag (the first), as in ``timm.create_model``. Of a tag evaluated at several
    sizes, the row at the size of its own transforms is kept, so ``weights.transforms()``
    reproduces it; otherwise the largest size. Tags without an ImageNet-1K row (timm's other
    tables compare against it; one stray row of ``results-imagenet-a.csv`` has none) and tags the
    tables do not list are left out.

    Args:
        results: A folder of timm's ``results-*.csv`` files.
        data: The manifest, as :func:`build_manifest` returns it.

    Returns:
        ``{"arch.tag": {"input_size": size, "metrics": {dataset: {"acc@1", "acc@5"}}}}``.
    """
    found = read_results(results)
    metrics = {}
    for arch, entries in data["architectures"].items():
        for position, entry in enumerate(entries):
            name = f"{arch}.{entry['tag']}"
            sizes = found.get(name) or (found.get(arch) if position == 0 else None)
            sizes = {size: values for size, values in (sizes or {}).items() if _TOP in values}
            if not sizes:
                continue
            own = data["configs"][entry["config"]]["input_size"][-1]
            size = own if own in sizes else max(sizes)
            metrics[name] = {"input_size": size, "metrics": sizes[size]}
    return metrics


def _families(architectures: Iterable[str]) -> dict[str, list[str]]:
    """timm's model modules (``resnet``, ``vision_transformer`` ...) -> their architectures."""
    import timm

    pretrained = set(architectures)
    families = {}
    for module in timm.list_modules():
        members = [arch for arch in timm.list_models(module=module) if arch in pretrained]
        if members:
            families[module] = members
    return families


def _pretrained_cfg(name: str) -> dict[str, Any]:
    """timm's pretrained config of ``"arch.tag"`` (or of an architecture's default tag)."""
    from timm.models import get_pretrained_cfg

    cfg = get_pretrained_cfg(name)
    if cfg is None:
        msg = f"timm has no pretrained config {name!r}."
        raise LookupError(msg)
    found: dict[str, Any] = cfg.to_dict(remove_source=False, remove_null=False)
    return found


def _paper_ids(value: Any) -> list[str] | None:
    if not value:
        return None
    values = value.split(",") if isinstance(value, str) else list(value)
    return [v.strip() for v in values]


def dumps(data: dict[str, Any]) -> str:
    """The manifest as committed: compact JSON, one configuration or tag per line.

    Null values are left out (an absent key reads as null); the layout keeps diffs readable and
    parsing fast.
    """

    def compact(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    def entry(value: dict[str, Any]) -> str:
        return compact({k: v for k, v in value.items() if v is not None and v is not False})

    head = {k: v for k, v in data.items() if k not in ("configs", "families", "architectures")}
    lines = [compact(head)[:-1] + ',\n"configs":[']
    lines.append(",\n".join(entry(config) for config in data["configs"]) + "],")
    families = [f"{compact(name)}:{compact(archs)}" for name, archs in data["families"].items()]
    lines.append('"families":{\n' + ",\n".join(families) + "},")
    arches = [
        f"{compact(arch)}:[\n" + ",\n".join(entry(tag) for tag in tags) + "]"
        for arch, tags in data["architectures"].items()
    ]
    lines.append('"architectures":{\n' + ",\n".join(arches) + "}}\n")
    return "\n".join(lines)


def dumps_metrics(metrics: dict[str, dict[str, Any]]) -> str:
    """The metrics as committed: JSON, one tag a line."""
    lines = [f"{json.dumps(name)}:{json.dumps(values)}" for name, values in metrics.items()]
    return "{\n" + ",\n".join(lines) + "}\n"


def label_files(data: dict[str, Any]) -> dict[str, str]:
    """The label sets the manifest names, other than ImageNet-1k: ``{file name: text}``.

    Each file holds one class description a line, as ``timm.data.ImageNetInfo`` gives them.
    """
    from timm.data.imagenet_info import ImageNetInfo

    subsets = {tag["labels"] for tags in data["architectures"].values() for tag in tags}
    subsets -= {None, IMAGENET1K}
    texts = {}
    for subset in sorted(subsets):
        descriptions = ImageNetInfo(subset).label_descriptions()
        if any("\n" in d for d in descriptions):
            msg = f"A class description of {subset} spans lines; the label file cannot hold it."
            raise ValueError(msg)
        texts[f"{subset}.txt"] = "\n".join(descriptions) + "\n"
    return texts


def _outputs(data: dict[str, Any], metrics: dict[str, Any]) -> dict[Path, str]:
    labels = {Path("labels") / name: text for name, text in label_files(data).items()}
    return {Path(MANIFEST): dumps(data), Path(METRICS): dumps_metrics(metrics), **labels}


def _differences(outputs: dict[Path, str], folder: Path) -> Iterable[str]:
    for path, text in outputs.items():
        target = folder / path
        if not target.exists():
            yield f"{target} is missing"
        elif target.read_text(encoding="utf-8") != text:
            yield f"{target} differs"
    known = {folder / path for path in outputs}
    for stale in sorted((folder / "labels").glob("*.txt")):
        if stale not in known:
            yield f"{stale} is no longer generated"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m weighthub_timm.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help=f"a folder of timm's results-*.csv files (default: {RESULTS})",
    )
    parser.add_argument("--output", type=Path, default=DATA, help=f"default: {DATA}")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    if not args.results.is_dir() or not any(args.results.glob("results-*.csv")):
        parser.error(
            f"--results {args.results}: not a folder of timm's results-*.csv files; give the "
            "results folder of a timm checkout (github.com/huggingface/pytorch-image-models)"
        )
    count = [0]

    def progress(name: str) -> None:
        count[0] += 1
        if count[0] % 100 == 0:
            print(f"{count[0]} tags ({name})", file=sys.stderr, flush=True)

    data = build_manifest(progress=progress)
    outputs = _outputs(data, build_metrics(args.results, data))
    if args.check:
        problems = list(_differences(outputs, args.output))
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    for stale in (args.output / "labels").glob("*.txt"):
        if Path("labels") / stale.name not in outputs:
            stale.unlink()
    for path, text in outputs.items():
        (args.output / path).parent.mkdir(parents=True, exist_ok=True)
        (args.output / path).write_text(text, encoding="utf-8")
    tags = sum(len(tags) for tags in data["architectures"].values())
    print(
        f"{tags} tags of {len(data['architectures'])} architectures, {len(data['configs'])} data "
        f"configurations, from timm {data['timm']}, written to {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
