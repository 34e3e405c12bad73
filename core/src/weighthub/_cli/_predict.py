"""``weighthub predict``: run pretrained weights on images (or videos) with their own preprocessing.

Classification prints the top-k labels with softmax probabilities; detection prints the boxes above
``--threshold`` and ``--save`` draws them; segmentation prints the classes found with their share of
the pixels and ``--save`` draws the colour overlay; video classification reads a folder of frames,
an animated GIF, or a video file (with torchcodec).
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .._errors import UnknownWeightsMemberError, close_matches_hint
from .._registry import ModelEntry
from .._tasks import Task
from .._weights import WeightsEnum
from ._common import CLIError, dump_json
from ._failure import error_line
from ._media import load_image, load_video, output_paths, save_image

if TYPE_CHECKING:
    from pathlib import Path

    import torch
    from PIL import Image

__all__ = ["add_parser"]

T = TypeVar("T")

_DEFAULT_TOPK = 5

_Predict = Callable[[Any, Callable[..., Any], list[tuple[str, Any]]], list[dict[str, Any]]]
"""Turns ``(model, preprocess, [(path, input), ...])`` into the inputs' results."""


def add_parser(subparsers: Any) -> None:
    """Register ``predict``."""
    p = subparsers.add_parser(
        "predict",
        help="run a pretrained model on images or videos",
        description="Run a model with its pretrained weights and their preprocessing on images "
        "(batched). Classification: top-k labels with probabilities. Detection: boxes above "
        "--threshold; --save draws them. Segmentation: classes found; --save draws the overlay. "
        "Video classification: each INPUT is a folder of frames, an animated GIF or a video file.",
    )
    p.add_argument("inputs", nargs="+", metavar="IMAGE", help="image files (or videos)")
    p.add_argument(
        "--model",
        "-m",
        required=True,
        metavar="M",
        help="the model name ('resnet50', 'timm/resnet50'), or 'model.tag' for that tag's weights",
    )
    p.add_argument(
        "--weights",
        "-w",
        default="DEFAULT",
        metavar="W",
        help="the weights: a member name (IMAGENET1K_V1, or one of weights a plugin attaches to "
        "the model) or 'Enum.MEMBER' (default: DEFAULT)",
    )
    p.add_argument(
        "--topk",
        "-k",
        type=int,
        metavar="K",
        help="classification: labels to show (default 5, or all the categories when fewer)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        metavar="S",
        help="detection only: minimum score of the boxes shown (default 0.5)",
    )
    p.add_argument(
        "--save",
        metavar="OUT",
        help="detection/segmentation: write the annotated image to OUT (a folder when there are "
        "several inputs: OUT/<stem>_pred.png)",
    )
    p.add_argument("--batch-size", type=int, default=8, metavar="N", help="images per batch (8)")
    p.add_argument(
        "--clip-len",
        type=int,
        metavar="T",
        help="video: frames sampled evenly from each input (default: 16, or the weights' "
        "min_temporal_size if larger)",
    )
    p.add_argument("--no-progress", action="store_true", help="no download progress bar")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(positionals="inputs", handler=run)


def _label(categories: Sequence[str] | None, index: int) -> str:
    if categories is not None and 0 <= index < len(categories):
        return str(categories[index])
    return str(index)


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _topk(
    logits: torch.Tensor, k: int, categories: Sequence[str] | None
) -> list[list[dict[str, Any]]]:
    import torch

    probabilities = torch.softmax(logits.float(), dim=1)
    scores, indices = probabilities.topk(min(k, probabilities.shape[1]), dim=1)
    return [
        [
            {
                "rank": rank + 1,
                "index": int(i),
                "label": _label(categories, int(i)),
                "score": float(s),
            }
            for rank, (s, i) in enumerate(zip(row_scores, row_indices, strict=True))
        ]
        for row_scores, row_indices in zip(scores.tolist(), indices.tolist(), strict=True)
    ]


def _predict_all(
    ctx: _Context, load: Callable[[str], Any], predict: _Predict
) -> list[dict[str, Any]]:
    """Read the inputs with ``load``; when any could be read, build the model and ``predict``.

    The model is built once, for all the batches (``--batch-size``), and not at all when no input
    could be read.
    """
    loaded = ctx.load_all(load)
    results: list[dict[str, Any]] = []
    if not loaded:
        return results
    model, preprocess = ctx.build()
    for chunk in _batches(loaded, ctx.args.batch_size):
        results.extend(predict(model, preprocess, chunk))
    return results


def _top_labels(ctx: _Context, **facts: Any) -> _Predict:
    """Classify a batch: each result has its input, ``facts`` and its top-k labels."""

    def predict(
        model: Any, preprocess: Callable[..., Any], chunk: list[tuple[str, Any]]
    ) -> list[dict[str, Any]]:
        import torch

        batch = torch.stack([preprocess(item) for _, item in chunk])
        with torch.inference_mode():
            logits = model(batch)
        return [
            {"input": path, **facts, "predictions": predictions}
            for (path, _), predictions in zip(
                chunk, _topk(logits, ctx.args.topk, ctx.categories), strict=True
            )
        ]

    return predict


def _classify(ctx: _Context) -> list[dict[str, Any]]:
    return _predict_all(ctx, load_image, _top_labels(ctx))


def _classify_video(ctx: _Context) -> list[dict[str, Any]]:
    minimum = int(ctx.weights.meta.get("min_temporal_size", 1))
    clip_len = ctx.args.clip_len or max(16, minimum)
    if clip_len < minimum:
        msg = f"--clip-len {clip_len} is below the weights' min_temporal_size {minimum}"
        raise CLIError(msg)

    def load(path: str) -> Any:
        return load_video(path, clip_len, model=ctx.name)

    return _predict_all(ctx, load, _top_labels(ctx, frames=clip_len))


def _draw_detections(
    image: Image.Image, output: dict[str, torch.Tensor], keep: torch.Tensor, labels: list[str]
) -> torch.Tensor:
    from torchvision.transforms.functional import pil_to_tensor
    from torchvision.utils import draw_bounding_boxes, draw_keypoints, draw_segmentation_masks

    canvas: torch.Tensor = pil_to_tensor(image)
    if not bool(keep.any()):
        return canvas
    if "masks" in output:
        canvas = draw_segmentation_masks(canvas, output["masks"][keep][:, 0] > 0.5, alpha=0.5)
    canvas = draw_bounding_boxes(canvas, output["boxes"][keep], labels=labels, width=3)
    if "keypoints" in output:
        canvas = draw_keypoints(
            canvas, output["keypoints"][keep][..., :2], colors="yellow", radius=3
        )
    return canvas


def _detect(ctx: _Context) -> list[dict[str, Any]]:
    saves = ctx.save_paths()
    threshold = 0.5 if ctx.args.threshold is None else ctx.args.threshold

    def predict(
        model: Any, preprocess: Callable[..., Any], chunk: list[tuple[str, Any]]
    ) -> list[dict[str, Any]]:
        import torch

        with torch.inference_mode():
            outputs = model([preprocess(image) for _, image in chunk])
        results: list[dict[str, Any]] = []
        for (path, image), output in zip(chunk, outputs, strict=True):
            keep = output["scores"] >= threshold
            detections = [
                {
                    "label": _label(ctx.categories, int(label)),
                    "index": int(label),
                    "score": float(score),
                    "box": [round(float(v), 2) for v in box],
                }
                for box, label, score in zip(
                    output["boxes"][keep],
                    output["labels"][keep],
                    output["scores"][keep],
                    strict=True,
                )
            ]
            result: dict[str, Any] = {"input": path, "detections": detections}
            if saves is not None:
                names = [f"{d['label']} {d['score']:.2f}" for d in detections]
                save_image(_draw_detections(image, output, keep, names), saves[path])
                result["saved"] = str(saves[path])
            results.append(result)
        return results

    return _predict_all(ctx, load_image, predict)


def _segment(ctx: _Context) -> list[dict[str, Any]]:
    saves = ctx.save_paths()

    def predict(
        model: Any, preprocess: Callable[..., Any], chunk: list[tuple[str, Any]]
    ) -> list[dict[str, Any]]:
        import torch
        from torch.nn.functional import interpolate
        from torchvision.transforms.functional import pil_to_tensor
        from torchvision.utils import draw_segmentation_masks

        results: list[dict[str, Any]] = []
        for path, image in chunk:  # one by one: each image is labelled at its own size
            with torch.inference_mode():
                output = model(preprocess(image).unsqueeze(0))
                logits = output["out"] if isinstance(output, dict) else output
                logits = interpolate(
                    logits, size=(image.height, image.width), mode="bilinear", align_corners=False
                )
                labels = logits.argmax(1)[0]
            counts = torch.bincount(labels.flatten(), minlength=logits.shape[1])
            total = labels.numel()
            classes = [
                {
                    "label": _label(ctx.categories, i),
                    "index": i,
                    "fraction": round(int(c) / total, 4),
                }
                for i, c in sorted(enumerate(counts.tolist()), key=lambda pair: -pair[1])
                if c > 0
            ]
            result: dict[str, Any] = {"input": path, "classes": classes}
            if saves is not None:
                first = 1 if ctx.categories and ctx.categories[0] == "__background__" else 0
                masks = labels.unsqueeze(0) == torch.arange(first, logits.shape[1]).view(-1, 1, 1)
                canvas = pil_to_tensor(image)
                if bool(masks.any()):
                    canvas = draw_segmentation_masks(canvas, masks, alpha=0.6)
                save_image(canvas, saves[path])
                result["saved"] = str(saves[path])
            results.append(result)
        return results

    return _predict_all(ctx, load_image, predict)


_TOPK = (_classify, _classify_video)

# How each kind of task runs (Task.predict, one of weighthub._tasks.PREDICT_KINDS).
_HANDLERS: dict[str, Callable[[_Context], list[dict[str, Any]]]] = {
    "classification": _classify,
    "video": _classify_video,
    "detection": _detect,
    "segmentation": _segment,
}


class _Context:
    """What a task handler needs: the inputs, the weights and a way to build the model."""

    def __init__(
        self,
        args: argparse.Namespace,
        builder: Callable[..., Any],
        weights: WeightsEnum,
        task: Task,
    ) -> None:
        self.args = args
        self.inputs: list[str] = list(args.inputs)
        self.builder = builder
        self.weights = weights
        self.task = task
        self.name: str = args.model
        self.categories: Sequence[str] | None = weights.meta.get("categories")
        self.failures: list[dict[str, str]] = []

    def load_all(self, load: Callable[[str], T]) -> list[tuple[str, T]]:
        """Read every input; report each unreadable one on stderr and carry on with the rest."""
        loaded: list[tuple[str, T]] = []
        for path in self.inputs:
            try:
                loaded.append((path, load(path)))
            except CLIError as exc:
                self.failures.append({"input": path, "error": str(exc)})
                error_line(str(exc))
        return loaded

    def save_paths(self) -> dict[str, Path] | None:
        """Where ``--save`` writes each input's drawing; None without ``--save``."""
        if not self.args.save:
            return None
        return dict(zip(self.inputs, output_paths(self.inputs, self.args.save), strict=True))

    def build(self) -> tuple[Any, Callable[..., Any]]:
        """Build the model in eval mode with its weights, and the preprocessing transform."""
        extra = dict(self.task.build_options)
        model = self.builder(weights=self.weights, progress=not self.args.no_progress, **extra)
        model.eval()
        return model, self.weights.transforms()


def _print_results(ctx: _Context, results: list[dict[str, Any]]) -> None:
    for result in results:
        print(f"{result['input']}:")
        for p in result.get("predictions", []):
            print(f"  {p['rank']:>2}  {p['score']:.4f}  {p['label']}")
        if "detections" in result:
            if not result["detections"]:
                threshold = 0.5 if ctx.args.threshold is None else ctx.args.threshold
                print(f"  no detection with a score >= {threshold}")
            for d in result["detections"]:
                box = ", ".join(f"{v:.1f}" for v in d["box"])
                print(f"  {d['score']:.3f}  {d['label']}  [{box}]")
        for c in result.get("classes", []):
            print(f"  {c['fraction'] * 100:6.2f}%  {c['label']}")
        if "saved" in result:
            print(f"  saved {result['saved']}")


def _pick_weights(entry: ModelEntry, name: str) -> WeightsEnum:
    """The weights ``--weights`` names: of the model's own enum, or of an enum attached to it.

    A bare member name (``CUSTOM_V1``) is looked up in the model's own enum first, then in the
    enums that weights plugins attach to the model; ``Enum.MEMBER`` names either kind.

    Raises:
        CLIError: The model has no weights at all, or several attached enums have the member.
        UnknownWeightsMemberError: No enum of the model has it; the message lists them all.
    """
    from .._plugins import catalogue

    own = entry.load_weights()
    attached = [attachment.load_weights() for attachment in catalogue().attachments_of(entry)]
    enum_name, dot, member = name.rpartition(".")
    if own is not None and (not attached or dot or member in own.__members__):
        # verify() takes attached enums' "Enum.MEMBER" names, and its errors name them.
        return cast(WeightsEnum, own.verify(name))
    hits = [
        enum[member]
        for enum in attached
        if member in enum.__members__ and (not dot or enum.__name__ == enum_name)
    ]
    if len(hits) == 1:
        return hits[0]
    if hits:
        msg = (
            f"--weights {name} names weights of several enums attached to {entry.name!r}: "
            f"{', '.join(map(str, hits))}; pass one of these names."
        )
        raise CLIError(msg)
    if own is None and not attached:
        msg = f"Model {entry.name!r} has no pretrained weights; predict needs them."
        raise CLIError(msg)
    own_names = list(own.__members__) if own is not None else []
    attached_names = [str(m) for enum in attached for m in enum]  # without aliases
    bare = own_names + [m.name for enum in attached for m in enum]
    listed = ", ".join(own_names) + (" and, attached by plugins, " if own_names else "")
    msg = (
        f"Model {entry.name!r} has no weights {name!r}: its weights are {listed}"
        f"{', '.join(attached_names)}.{close_matches_hint(member, bare, ignore_case=True)}"
    )
    raise UnknownWeightsMemberError(msg, name=name, enum=own.__name__ if own is not None else None)


def run(args: argparse.Namespace) -> int:
    """Predict on every input and print (or dump) the results."""
    from .._api import find_task, get_model_entry, get_weight, list_tasks

    model, tagged, _ = args.model.partition(".")
    if tagged and args.weights != "DEFAULT":
        msg = f"--model {args.model} names its weights already; drop --weights {args.weights}."
        raise CLIError(msg)
    entry = get_model_entry(model)
    if tagged:
        args.weights = get_weight(args.model)  # "timm/resnet50.a1_in1k": that tag's weights
    args.model = entry.name
    task = find_task(entry.task)
    handler = None if task is None or task.predict is None else _HANDLERS[task.predict]
    if task is None or handler is None:
        supported = ", ".join(
            name for name in list_tasks() if (t := find_task(name)) is not None and t.predict
        )
        msg = (
            f"predict does not support the task {entry.task!r} of model {entry.name!r} "
            f"(it supports {supported})."
        )
        raise CLIError(msg)
    if (args.topk is not None and args.topk < 1) or args.batch_size < 1:
        msg = "--topk and --batch-size must be at least 1"
        raise CLIError(msg)
    if args.save and handler not in (_detect, _segment):
        msg = f"--save draws detections and segmentations; {entry.name!r} is {entry.task}"
        raise CLIError(msg)
    if args.threshold is not None and handler is not _detect:
        msg = f"--threshold filters detection boxes; {entry.name!r} is {entry.task}" + (
            ", so use --topk to choose how many labels to show" if handler in _TOPK else ""
        )
        raise CLIError(msg)
    weights = args.weights if tagged else _pick_weights(entry, args.weights)
    categories = weights.meta.get("categories")
    if handler in _TOPK and categories is None:
        msg = (
            f"{weights} has no classes to predict: its meta carries no categories (a headless "
            "backbone's outputs are features, not class scores). Pick weights with a "
            f"classifier ('weighthub info {entry.name}' lists them), or use these as a backbone "
            "in Python."
        )
        raise CLIError(msg)
    if args.topk is None:
        args.topk = _DEFAULT_TOPK
    elif handler in _TOPK and categories is not None and args.topk > len(categories):
        warnings.warn(
            f"--topk {args.topk} is more than the {len(categories)} categories of {weights}; "
            f"showing all {len(categories)}.",
            UserWarning,
            stacklevel=1,
        )
    ctx = _Context(args, entry.load_builder(), weights, task)
    results = handler(ctx)
    if args.json:
        dump_json(
            {
                "model": entry.name,
                "weights": str(weights),
                "task": entry.task,
                "results": results,
                "errors": ctx.failures,
            }
        )
    else:
        _print_results(ctx, results)
    if ctx.failures and len(ctx.inputs) > 1:
        error_line(
            f"{len(ctx.failures)} of {len(ctx.inputs)} inputs could not be read; the others are "
            "done."
        )
    return 1 if ctx.failures else 0
