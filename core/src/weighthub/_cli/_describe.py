"""``weighthub describe CHECKPOINT --model NAME``: a checkpoint's facts, as a ``Weights`` entry.

The checkpoint is loaded the way its users will load it: a provisional enum holding it is attached
to the model (:func:`~weighthub._api.provisional_attachment`) and the model's own builder is
called with it, so ``num_classes`` comes from the categories and loading is weighthub's strict,
``weights_only`` path. Before that, the checkpoint's keys and shapes are compared with the
architecture built on the meta device, so that a misfit is reported by name.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import shlex
import textwrap
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._meta import applicable_metrics
from .._registry import ModelEntry
from .._weights import Weights, WeightsEnum
from ._common import CLIError, default_member, dump_json, read_state_dict
from ._source import list_lines, literal, metrics_lines, transforms_source

__all__ = [
    "Description",
    "add_parser",
    "describe_checkpoint",
    "describe_options",
    "parse_model_kwargs",
    "read_categories",
]

_SHOWN = 5  # keys listed per kind of misfit


def add_parser(subparsers: Any) -> None:
    """Register ``describe``."""
    p = subparsers.add_parser(
        "describe",
        help="compute a checkpoint's facts and print a ready-to-paste Weights(...) entry",
        description="Load CHECKPOINT strictly into model NAME's architecture (built from the "
        "categories) and print a Weights(...) entry with its url, sha256, file size, "
        "transforms, parameter count, GFLOPs and file size in MiB, plus placeholders for what "
        "only its author knows (recipe, metrics, docs). Exit 2 when it does not fit.",
    )
    p.add_argument("checkpoint", metavar="CHECKPOINT", help="a .pth/.pt or .safetensors file")
    p.add_argument("--model", required=True, metavar="NAME", help="the model the weights are for")
    p.add_argument(
        "--categories",
        metavar="FILE",
        help="the class names, one per line or a JSON list (default: the model's DEFAULT "
        "weights' categories); detection and segmentation lists start with '__background__'",
    )
    p.add_argument("--url", metavar="URL", help="where the file will be published")
    p.add_argument(
        "--dataset",
        default="custom",
        metavar="NAME",
        help="the dataset the metrics placeholders are keyed by (default: custom)",
    )
    p.add_argument(
        "--model-kwargs",
        metavar="JSON",
        help="other architecture arguments the checkpoint needs, e.g. '{\"aux_loss\": true}'",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


@dataclass
class Description:
    """What ``describe`` found out about a checkpoint.

    Attributes:
        entry: The model's registry entry.
        path: The checkpoint file.
        url: Where the entry says the file lives.
        sha256: The file's sha256.
        file_size: Its size in bytes.
        categories: The class names the model was built for.
        model_kwargs: Other architecture arguments.
        num_params: The parameter count of the loaded model.
        ops: GFLOPs (multiply-adds, in billions) at the preset's crop size.
        min_size: The model's minimum input size.
        transforms: The preset factory (the model's default weights' one).
        dataset: The key of the metrics placeholders.
        timings: Seconds spent ``hashing``, ``loading`` and counting ``ops``.
    """

    entry: ModelEntry
    path: Path
    url: str
    sha256: str
    file_size: int
    categories: list[str] | None
    model_kwargs: dict[str, Any]
    num_params: int
    ops: float
    min_size: tuple[int, int]
    transforms: Any
    dataset: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def file_size_mib(self) -> float:
        """The file size in MiB, rounded as torchvision rounds ``_file_size``."""
        return round(self.file_size / 1024**2, 3)

    def metric_names(self) -> list[str]:
        """The metrics the task's schema requires of these categories, for the placeholders."""
        from .._api import find_task

        task = find_task(self.entry.task)
        required = (metric for _, metric in (task.metrics if task is not None else ()))
        return applicable_metrics(required, self.categories)

    def python(self, *, url: str | None = None, indent: int = 0) -> str:
        """The ``Weights(...)`` entry as Python source, formatted as ``ruff format`` would.

        ``Weights`` and ``weighthub.transforms.preset`` must be imported where it is pasted.
        """
        lines = [
            "Weights(",
            f"    url={literal(url or self.url)},",
            f"    transforms={transforms_source(self.transforms)},",
            "    meta={",
            *list_lines('"categories": ', self.categories, indent),
            f'        "num_params": {self.num_params},',
            f'        "min_size": {tuple(self.min_size)!r},',
            f'        "_ops": {self.ops},',
            f'        "_file_size": {self.file_size_mib},',
            '        "recipe": "TODO: a link to the training recipe",',
            "        # TODO: the measured metrics (NaN means not measured).",
            *metrics_lines(literal(self.dataset), self.metric_names(), indent),
            '        "_docs": "TODO: what these weights are and how they were trained.",',
            "    },",
            f'    sha256="{self.sha256}",',
            f"    file_size={self.file_size},",
        ]
        if self.model_kwargs:
            lines.append(f"    model_kwargs={literal(self.model_kwargs)},")
        lines.append(")")
        return textwrap.indent("\n".join(lines), " " * indent).lstrip()

    def as_dict(self) -> dict[str, Any]:
        """The facts as JSON-ready values, with ``python`` the entry's source."""
        return {
            "model": self.entry.name,
            "task": self.entry.task,
            "checkpoint": str(self.path),
            "url": self.url,
            "sha256": self.sha256,
            "file_size": self.file_size,
            "num_params": self.num_params,
            "_ops": self.ops,
            "_file_size": self.file_size_mib,
            "min_size": list(self.min_size),
            "categories": self.categories,
            "model_kwargs": self.model_kwargs,
            "transforms": repr(self.transforms),
            "timings": self.timings,
            "python": self.python(),
        }


def read_categories(path: str) -> list[str]:
    """Read class names: a JSON list of strings, or one name per line.

    Lines are split on ``\\n`` only (a ``\\r`` before it is dropped) and kept exactly as
    written, whatever their characters; blank lines are skipped. A file whose first name starts
    with ``[`` is read as JSON.

    Raises:
        CLIError: The file is missing, unreadable or empty.
    """
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as file:  # no \r translation
            text = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"Cannot read the categories file {path!r}: {exc}"
        raise CLIError(msg) from exc
    if text.lstrip().startswith("["):
        try:
            names = json.loads(text)
        except json.JSONDecodeError as exc:
            msg = (
                f"The categories file {path!r} is not a valid JSON list: {exc} (a file of one "
                "name per line whose first name starts with '[' must be written as a JSON list)"
            )
            raise CLIError(msg) from exc
        if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            msg = f"The categories file {path!r} must hold a JSON list of strings."
            raise CLIError(msg)
    else:
        lines = (line.removesuffix("\r") for line in text.split("\n"))
        names = [line for line in lines if line.strip()]
    if not names:
        msg = f"The categories file {path!r} lists no categories."
        raise CLIError(msg)
    return list(names)


def _load_state(path: Path) -> Mapping[str, Any]:
    import torch

    state = read_state_dict(path)
    odd = [str(k) for k, v in state.items() if not isinstance(v, torch.Tensor)]
    if odd:
        msg = (
            f"{path} is not a plain state dict: {', '.join(odd[:_SHOWN])} "
            f"{'is not a tensor' if len(odd) == 1 else 'are not tensors'}; save "
            f"model.state_dict() (wrappers such as {{'state_dict': ...}} are not unwrapped)."
        )
        raise CLIError(msg)
    return state


def _wrapper_prefix(state: Mapping[str, Any], expected: Mapping[str, Any], task: str) -> str | None:
    """The prefix every key carries when the model was saved inside a wrapper, if removing it
    makes the checkpoint fit (``module.``: DistributedDataParallel, DataParallel; ``_orig_mod.``:
    torch.compile)."""
    from ..testing._attached import state_dict_misfit

    firsts = {key.partition(".")[0] for key in state}
    if len(firsts) != 1 or not all("." in key for key in state):
        return None
    prefix = f"{firsts.pop()}."
    unwrapped = {key[len(prefix) :]: value for key, value in state.items()}
    return None if state_dict_misfit(unwrapped, expected, task=task) else prefix


def _wrapped_message(path: Path, model: str, prefix: str) -> str:
    """Say that the keys carry a wrapper's prefix, and give the command that removes it."""
    source, target = str(path), str(path.with_name(f"{path.stem}-unwrapped{path.suffix}"))
    if path.suffix == ".safetensors":
        code = (
            "from safetensors.torch import load_file, save_file; "
            f"s = load_file({source!r}); "
            f"save_file({{k.removeprefix({prefix!r}): v for k, v in s.items()}}, {target!r})"
        )
    else:
        code = (
            "import torch; "
            f"s = torch.load({source!r}, weights_only=True); "
            "torch.nn.modules.utils.consume_prefix_in_state_dict_if_present(s, "
            f"{prefix!r}); torch.save(s, {target!r})"
        )
    wrapper = {"module.": " (as DistributedDataParallel and DataParallel save a model)"}
    return (
        f"{path.name} fits {model} once the prefix {prefix!r} is stripped: every key starts with "
        f"it{wrapper.get(prefix, '')}. Strip the {prefix!r} prefix and use the new file: "
        f"python -c {shlex.quote(code)}"
    )


def _classes_hint(
    state: Mapping[str, Any],
    expected: Mapping[str, Any],
    categories: list[str] | None,
    *,
    given: bool,
) -> str:
    """When the misfit is the number of classes, how many names ``--categories`` must hold."""
    if categories is None:
        return ""
    found = set()
    for key, tensor in state.items():
        model = expected.get(key)
        if model is None or not tensor.shape or tuple(tensor.shape) == tuple(model.shape):
            continue
        if model.shape[0] == len(categories) and tensor.shape[1:] == model.shape[1:]:
            found.add(int(tensor.shape[0]))
    if len(found) != 1:
        return ""
    classes = found.pop()
    source = (
        f"--categories lists {len(categories)}"
        if given
        else f"without --categories the model's default weights' {len(categories)} were used"
    )
    background = " (the first '__background__')" if categories[:1] == ["__background__"] else ""
    return (
        f" The checkpoint has {classes} classes, but {source}: pass --categories with {classes} "
        f"names{background}, one per line or a JSON list."
    )


def _build_kwargs(builder: Any) -> dict[str, Any]:
    # A backbone's own weights would be fetched for nothing: the checkpoint holds them.
    parameters = inspect.signature(builder).parameters
    return {"weights_backbone": None} if "weights_backbone" in parameters else {}


def describe_checkpoint(
    checkpoint: str,
    model: str,
    *,
    categories: list[str] | None = None,
    url: str | None = None,
    dataset: str = "custom",
    model_kwargs: dict[str, Any] | None = None,
) -> Description:
    """Load ``checkpoint`` into ``model`` and compute its ``Weights`` facts.

    Raises:
        CLIError: The file is missing, unsafe or not a state dict, or does not fit the model.
        UnknownModelError: No installed plugin provides ``model``.
    """
    from .._api import get_model_entry, provisional_attachment
    from .._construct import build_empty
    from .._fetch._integrity import hash_file
    from .._samples import sample_input
    from ..testing._attached import state_dict_misfit
    from ..testing._checks import parameter_count
    from ..testing._ops import count_gmacs

    entry = get_model_entry(model)
    own = entry.load_weights()
    default = default_member(own) if own is not None else None
    if own is None or default is None:
        msg = f"Model {entry.name!r} from {entry.origin} has no weights enum to take defaults from."
        raise CLIError(msg)
    path = Path(checkpoint)
    if not path.is_file():
        msg = f"Checkpoint {checkpoint!r} does not exist or is not a file."
        raise CLIError(msg)
    given_categories = categories is not None
    if categories is None:
        categories = default.meta.get("categories")
    builder = entry.load_builder()  # imports torch and the model code: not the checkpoint's time
    started = time.perf_counter()
    sha256, size = hash_file(path), path.stat().st_size
    hashed = time.perf_counter()

    provisional = Weights(
        url=str(path.resolve()),
        transforms=default.transforms,
        meta={**default.meta, "categories": categories},
        model_kwargs=model_kwargs or {},
    )

    class Provisional_Weights(WeightsEnum):
        CHECKPOINT = provisional

    enum, member = Provisional_Weights, Provisional_Weights.CHECKPOINT
    with provisional_attachment(entry.name, enum):
        kwargs = _build_kwargs(builder)
        state = _load_state(path)
        try:
            expected = build_empty(builder, weights=member, **kwargs).state_dict()
        except (TypeError, ValueError) as exc:
            # A conflicting --model-kwargs, or a builder that takes another enum's weights.
            msg = f"Cannot build {entry.name} for these weights: {exc}"
            raise CLIError(msg) from exc
        problems = state_dict_misfit(state, expected, task=entry.task)
        if problems:
            prefix = _wrapper_prefix(state, expected, entry.task)
            if prefix is not None:
                raise CLIError(_wrapped_message(path, entry.name, prefix))
            count = f"{len(categories)} categories" if categories is not None else "no categories"
            msg = (
                f"{path.name} does not fit {entry.name} built with {count}: {'; '.join(problems)}."
                f"{_classes_hint(state, expected, categories, given=given_categories)}"
            )
            raise CLIError(msg)
        del state
        built = builder(weights=member, progress=False, **kwargs)
    loaded = time.perf_counter()
    args, as_list = sample_input(entry.task, entry.name, member.transforms())
    ops = round(count_gmacs(built, args, as_list=as_list), 3)
    counted = time.perf_counter()
    return Description(
        entry=entry,
        path=path,
        url=url or str(path.resolve()),
        sha256=sha256,
        file_size=size,
        categories=None if categories is None else list(categories),
        model_kwargs=dict(model_kwargs or {}),
        num_params=parameter_count(built),
        ops=ops if math.isfinite(ops) else 0.0,
        min_size=tuple(default.meta.get("min_size", (1, 1))),
        transforms=default.transforms,
        dataset=dataset,
        timings={
            "hashing": round(hashed - started, 4),
            "loading": round(loaded - hashed, 4),
            "ops": round(counted - loaded, 4),
        },
    )


def parse_model_kwargs(text: str | None) -> dict[str, Any]:
    """Parse ``--model-kwargs``: a JSON object.

    Raises:
        CLIError: It is not a JSON object.
    """
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"--model-kwargs must be a JSON object, got {text!r}: {exc}"
        raise CLIError(msg) from exc
    if not isinstance(value, dict):
        msg = f"--model-kwargs must be a JSON object, got {text!r}"
        raise CLIError(msg)
    return value


def describe_options(args: argparse.Namespace, *, url: str | None) -> Description:
    """Describe the checkpoint named by the options ``describe`` and ``new plugin`` share.

    Those are ``CHECKPOINT``/``--checkpoint``, ``--model``, ``--categories``, ``--dataset`` and
    ``--model-kwargs``; ``url`` is where the entry says the file is published.
    """
    return describe_checkpoint(
        args.checkpoint,
        args.model,
        categories=read_categories(args.categories) if args.categories else None,
        url=url,
        dataset=args.dataset,
        model_kwargs=parse_model_kwargs(args.model_kwargs),
    )


def run(args: argparse.Namespace) -> int:
    """Describe the checkpoint."""
    description = describe_options(args, url=args.url)
    if args.json:
        dump_json(description.as_dict())
        return 0
    t = description.timings
    print(
        f"# {description.entry.name} ({description.entry.task}), {description.path.name}: hashed "
        f"in {t['hashing']:.2f} s, loaded in {t['loading']:.2f} s, ops counted in {t['ops']:.2f} s"
    )
    print(description.python())
    return 0
