"""``weighthub new plugin DIR --name DIST``: write a complete, installable plugin.

With ``--model NAME --checkpoint FILE`` it is a *weights plugin* attaching the checkpoint to a
model another plugin registers, its ``Weights`` entry computed by ``weighthub describe``; without
``--model`` it is a *model plugin* scaffold (a placeholder builder and a generated checkpoint).
Everything is computed first and written into a temporary sibling of DIR, renamed into place at
the end: a failure leaves nothing behind.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import keyword
import os
import re
import shlex
import shutil
import sys
import tempfile
import textwrap
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

from .._markers import PROJECT_NAME
from .._tasks import IMAGE_CLASSIFICATION
from .._weights import WeightsEnum
from . import _templates as T
from ._common import CLIError
from ._describe import Description, describe_options

__all__ = ["add_parser"]

_DIST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


def add_parser(subparsers: Any) -> None:
    """Register ``new plugin``."""
    new = subparsers.add_parser(
        "new",
        help="write a new plugin package",
        description="Write a new weighthub plugin package.",
    )
    kinds = new.add_subparsers(title="kinds", metavar="<kind>")
    p = kinds.add_parser(
        "plugin",
        help="a weights plugin (with --model and --checkpoint) or a model plugin scaffold",
        description="Write an installable plugin into DIR: pyproject with the entry point, "
        "torch-free _plugin.py and _weights.py, a README with the model table, and tests that "
        "run weighthub.testing. With --model and --checkpoint the checkpoint's facts come from "
        "'weighthub describe' and the weights are attached to that model; the checkpoint is "
        "copied into the package (pkg://) unless --url says where it is published. Without "
        "--model it scaffolds a model plugin (builder + weights enum).",
    )
    p.add_argument(
        "directory", metavar="DIR", help="where to write it (must not exist or be empty)"
    )
    p.add_argument("--name", required=True, metavar="DIST", help="the distribution name")
    p.add_argument("--model", metavar="NAME", help="the model the weights are for")
    p.add_argument("--checkpoint", metavar="FILE", help="the checkpoint (.pth or .safetensors)")
    p.add_argument("--categories", metavar="FILE", help="class names, one per line or JSON")
    p.add_argument("--url", metavar="URL", help="where the checkpoint is published")
    p.add_argument(
        "--dataset",
        default="custom",
        metavar="NAME",
        help="the dataset of the weights, naming the member and the metrics (default: custom)",
    )
    p.add_argument(
        "--model-kwargs", metavar="JSON", help="other architecture arguments, a JSON object"
    )
    p.set_defaults(handler=run)
    new.set_defaults(handler=lambda args: _usage(new))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def package_name(dist: str) -> str:
    """The import package of a distribution: ``acme-pets`` -> ``acme_pets``.

    Raises:
        CLIError: The name is not a valid distribution name, is too long, gives no Python
            identifier, or would shadow a module importable here.
    """
    if not _DIST.match(dist):
        msg = f"--name {dist!r} is not a valid distribution name (letters, digits, '-', '_', '.')."
        raise CLIError(msg)
    if len(dist) > _MAX_NAME:
        msg = (
            f"--name is {len(dist)} characters long; use at most {_MAX_NAME}, so that the "
            f"package folder, the wheel and its .dist-info names stay within file-name limits: "
            f"{dist[:40]}..."
        )
        raise CLIError(msg)
    package = re.sub(r"[-_.]+", "_", dist).lower()
    if not package.isidentifier() or keyword.iskeyword(package):
        msg = (
            f"--name {dist!r} gives the package name {package!r}, which is not a Python "
            f"identifier; start it with a letter, e.g. 'acme-{dist}'."
        )
        raise CLIError(msg)
    shadowed = _shadowed(package)
    if shadowed is not None:
        msg = (
            f"--name {dist!r} would install the top-level package {package!r}, which {shadowed}; "
            f"pick a name of your own, e.g. 'acme-{dist}'."
        )
        raise CLIError(msg)
    return package


_MAX_NAME = 100
_AT_STARTUP = ("sitecustomize", "usercustomize")


def _shadowed(package: str) -> str | None:
    """Why installing a top-level package ``package`` would hide another module, or None.

    Checked against what this interpreter can import: the standard library, Python's start-up
    hooks, the top-level names of every installed distribution, and anything else on sys.path.
    """
    if package == PROJECT_NAME or package.startswith(f"{PROJECT_NAME}_"):
        return f"is {PROJECT_NAME}'s own (weighthub-* names are reserved for it)"
    if package in _AT_STARTUP:
        return (
            f"Python imports at the start of every interpreter ({package}): the plugin would run "
            "in every Python process"
        )
    if package in ("test", "tests"):
        return (
            f"is the name of many projects' test folders: an installed {package!r} package hides "
            "theirs, and theirs hides it"
        )
    if package in sys.stdlib_module_names or package in sys.builtin_module_names:
        return f"shadows the standard library's module {package!r} (import {package} would load it)"
    owners = packages_distributions().get(package)
    if owners:
        names = ", ".join(sorted(set(owners)))
        return f"shadows the package {package!r} of the installed distribution {names}"
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin is not None:  # a namespace package is just a folder
        return f"shadows the module {package!r} importable from {spec.origin}"
    return None


def _camel(package: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in package.split("_") if part)


def _member_name(dataset: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "_", dataset).strip("_").upper() or "CUSTOM"
    return f"{'W_' if stem[0].isdigit() else ''}{stem}_V1"


def _check_directory(directory: Path) -> None:
    if directory.is_symlink():
        msg = (
            f"{directory} is a symbolic link (to {directory.readlink()}); weighthub new writes "
            "a new folder and renames it into place, which would replace the link: give the "
            "folder it points to, or a new path."
        )
        raise CLIError(msg)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        msg = f"{directory} already exists and is not an empty directory; pick a new DIR."
        raise CLIError(msg)
    size = len(os.fsencode(directory.name))
    if size + _STAGING_EXTRA > _NAME_MAX:
        msg = (
            f"DIR's name is {size} bytes long ({directory.name[:40]}...); file names are "
            f"limited to {_NAME_MAX} bytes and DIR is first written under a name "
            f"{_STAGING_EXTRA} bytes longer: pick a name of at most "
            f"{_NAME_MAX - _STAGING_EXTRA} bytes."
        )
        raise CLIError(msg)


def _check_options(args: argparse.Namespace) -> None:
    if args.model is None:
        given = [o for o in ("checkpoint", "categories", "url", "model_kwargs") if getattr(args, o)]
        if given:
            names = ", ".join(f"--{o.replace('_', '-')}" for o in given)
            msg = f"{names} describe weights for an existing model: add --model NAME."
            raise CLIError(msg)
    elif args.checkpoint is None:
        msg = "--model needs --checkpoint FILE: the weights to attach to it."
        raise CLIError(msg)


def _usage_snippet(model: str, enum: str, member: str) -> str:
    return (
        f'model = weighthub.get_model("{model}", weights="{enum}.{member}")\n'
        f'weights = weighthub.get_weight("{enum}.DEFAULT")\n'
        f"preprocess = weights.transforms()"
    )


def _table(model: str, enum: type[WeightsEnum]) -> str:
    from ..testing._readme import TABLE_HEADER, table_rows

    return "\n".join([*TABLE_HEADER, *table_rows(model, enum)])


def _dependencies(distribution: str | None) -> str:
    """The plugin's requirements: weighthub and the model's distribution, each in a range.

    The range is the one the plugin guide recommends, from the installed versions: the same minor
    version before 1.0 (``weighthub>=0.1,<0.2``), the same major version after.
    """
    names = [PROJECT_NAME] if distribution is None else [PROJECT_NAME, distribution]
    return ", ".join(f'"{name}{_compatible_range(name)}"' for name in names)


def _compatible_range(distribution: str) -> str:
    from importlib.metadata import version

    numbers = [int(part) for part in re.findall(r"\d+", version(distribution))[:2]] + [0, 0]
    major, minor = numbers[:2]
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f">={major}.{minor},<{upper}"


def _weights_plugin(args: argparse.Namespace, package: str) -> dict[str, str | bytes | Path]:
    """The files of a weights plugin, by relative path (a Path value is a file to copy)."""
    checkpoint = Path(args.checkpoint)
    url = args.url or f"pkg://{package}/weights/{checkpoint.name}"
    description = describe_options(args, url=url)
    entry = description.entry
    own = entry.load_weights()
    if own is None:  # describe_checkpoint checks this; a model without weights has no template
        msg = f"Model {entry.name!r} has no weights enum to take the new weights' place from."
        raise CLIError(msg)
    enum_name = f"{_camel(package)}_{own.__name__}"
    member = _member_name(args.dataset)
    count = description.categories
    fields = {
        "dist": args.name,
        "package": package,
        "model": entry.name,
        "enum": enum_name,
        "member": member,
        "origin_paragraph": textwrap.fill(
            f"``{entry.name}`` itself comes from {entry.origin}; the weights are given as a "
            f'``"module:ClassName"`` string, so listing imports neither torch nor the weights '
            f"module.",
            width=99,
        ),
        "description": f"{enum_name}: weights for weighthub's {entry.name}",
        "dependencies": _dependencies(entry.distribution),
        "categories_note": "" if count is None else f" for {len(count)} categories",
        "entry": description.python(indent=4),
        "load_test": "",
    }
    fields["weights_doc"] = _weights_doc(args.name)
    weights_source = T.WEIGHTS_WEIGHTS.format(**fields)
    files: dict[str, str | bytes | Path] = _common_files(fields, weights_source, entry.name)
    files[f"src/{package}/_plugin.py"] = T.WEIGHTS_PLUGIN.format(**fields)
    if args.url is None:
        files[f"src/{package}/weights/{checkpoint.name}"] = checkpoint
        fields["load_test"] = T.LOAD_TEST.format(**fields)
    files["tests/test_plugin.py"] = T.WEIGHTS_TESTS.format(**fields)
    return files


def _weights_doc(dist: str) -> str:
    return textwrap.fill(
        f"The weights of {dist}. Generated by ``weighthub describe``: the facts (sha256, size, "
        "parameters, GFLOPs) are computed; the TODOs are for its author.",
        width=96,
    )


def _generated_enum(source: str, name: str) -> type[WeightsEnum]:
    """Run the generated ``_weights.py`` (weighthub's own template; torch-free) for its enum."""
    namespace: dict[str, Any] = {"__name__": "weighthub_new_preview"}
    exec(compile(source, "<generated _weights.py>", "exec"), namespace)
    enum: type[WeightsEnum] = namespace[name]
    return enum


def _common_files(
    fields: dict[str, str], weights_source: str, model: str
) -> dict[str, str | bytes | Path]:
    from ..testing._readme import README_TABLE_BEGIN, README_TABLE_END

    package = fields["package"]
    # The README table is rendered from the very enum the plugin will hold.
    enum = _generated_enum(weights_source, fields["enum"])
    return {
        "pyproject.toml": T.PYPROJECT.format(**fields),
        ".gitignore": T.GITIGNORE,
        "README.md": T.README.format(
            **fields,
            usage=_usage_snippet(model, fields["enum"], fields["member"]),
            table_begin=README_TABLE_BEGIN,
            table=_table(model, enum),
            table_end=README_TABLE_END,
        ),
        f"src/{package}/__init__.py": f'"""{fields["description"]}."""\n',
        f"src/{package}/py.typed": "",
        f"src/{package}/_weights.py": weights_source,
        "tests/__init__.py": "",
    }


def _model_plugin(args: argparse.Namespace, package: str) -> dict[str, str | bytes | Path]:
    """The files of a model plugin scaffold: TinyNet, its builder and a generated checkpoint."""
    import torch
    from torch import nn

    from .._samples import sample_input
    from ..testing._ops import count_gmacs
    from ..transforms import preset

    model = package
    enum_name = "_".join(_camel(part) for part in package.split("_")) + "_Weights"
    # A model's own weights are held to its task's schema: ImageNet-1K metrics for classification.
    dataset = "ImageNet-1K" if args.dataset == "custom" else args.dataset
    member = "IMAGENET1K_V1" if dataset == "ImageNet-1K" else _member_name(dataset)
    namespace: dict[str, Any] = {"torch": torch, "nn": nn}
    exec(compile(T.TINY_NET, "<TinyNet>", "exec"), namespace)
    torch.manual_seed(0)
    net = namespace["TinyNet"](num_classes=10)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"{model}.pth"
        torch.save(net.state_dict(), path)
        data = path.read_bytes()
    task = IMAGE_CLASSIFICATION  # the scaffold is a classifier, preprocessed by its task's preset
    transforms = preset(str(task.preset), crop_size=224)
    inputs, as_list = sample_input(task.name, model, transforms())
    description = Description(
        entry=_ScaffoldEntry(model),  # type: ignore[arg-type]
        path=Path(f"{model}.pth"),
        url=f"pkg://{package}/weights/{model}.pth",
        sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        categories=[f"class_{i}" for i in range(10)],
        model_kwargs={},
        num_params=sum(p.numel() for p in net.parameters()),
        ops=round(count_gmacs(net, inputs, as_list=as_list), 3),
        min_size=(1, 1),
        transforms=transforms,
        dataset=dataset,
    )
    fields = {
        "dist": args.name,
        "package": package,
        "model": model,
        "enum": enum_name,
        "member": member,
        "description": f"The {model} model and its weights, for weighthub",
        "dependencies": _dependencies(None),
        "categories_note": " (a generated placeholder: replace with yours)",
        "entry": description.python(indent=4),
        "tiny_net": T.TINY_NET,
    }
    fields["load_test"] = T.LOAD_TEST.format(**fields)
    fields["weights_doc"] = _weights_doc(args.name)
    files = _common_files(fields, T.MODEL_WEIGHTS.format(**fields), model)
    files[f"src/{package}/_plugin.py"] = T.MODEL_PLUGIN.format(**fields)
    files[f"src/{package}/_builder.py"] = T.MODEL_BUILDER.format(**fields)
    files[f"src/{package}/weights/{model}.pth"] = data
    files["tests/test_plugin.py"] = T.MODEL_TESTS.format(**fields)
    return files


class _ScaffoldEntry:
    """What :class:`Description` needs of a model entry, for a model not registered yet."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.task = IMAGE_CLASSIFICATION.name


_NAME_MAX = 255  # bytes per file name on Linux, macOS and Windows file systems
_STAGING = ".staging."
_STAGING_EXTRA = 1 + len(_STAGING) + 8  # DIR is written as .<name>.staging.<8 random characters>


def _write(directory: Path, files: dict[str, str | bytes | Path]) -> None:
    """Write every file into a temporary sibling of ``directory``, then rename it into place.

    Raises:
        CLIError: A file could not be written (nothing is left behind).
    """
    parent = directory.resolve().parent
    staging: Path | None = None
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}{_STAGING}", dir=parent))
        for relative, content in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        if directory.exists():
            directory.rmdir()  # checked empty before anything was computed
        staging.rename(directory)
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        reason = f"{exc.strerror}: {exc.filename}" if exc.strerror and exc.filename else exc
        msg = f"Cannot write the plugin to {directory} ({reason}); nothing was written."
        raise CLIError(msg) from exc
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise


def _shell_path(directory: Path) -> str:
    """``directory`` as pip and a shell read it: a relative path starts with ``./``."""
    text = str(directory)
    if not directory.is_absolute() and not text.startswith("."):
        text = f"./{text}"
    return text


def run(args: argparse.Namespace) -> int:
    """Write the plugin."""
    directory = Path(args.directory)
    package = package_name(args.name)
    _check_options(args)
    _check_directory(directory)
    files = _weights_plugin(args, package) if args.model else _model_plugin(args, package)
    _write(directory, files)
    kind = "weights" if args.model else "model"
    print(f"Wrote the {kind} plugin {args.name} to {directory}:")
    for relative in sorted(files):
        print(f"  {relative}")
    folder = _shell_path(directory)
    print(
        f"Next: pip install {shlex.quote(folder + '[test]')} && weighthub check "
        f"{shlex.quote(args.name)} && pytest {shlex.quote(folder)}"
    )
    return 0
