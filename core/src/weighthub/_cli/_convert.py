"""``weighthub convert CHECKPOINT --to safetensors``: a ``.safetensors`` copy of a checkpoint.

The checkpoint is loaded with ``weights_only=True``; the copy is written to a temporary file, read
back and compared tensor by tensor before it is renamed into place.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._common import CLIError, CLIFailure, format_bytes, read_state_dict

__all__ = ["add_parser", "convert_to_safetensors"]


def add_parser(subparsers: Any) -> None:
    """Register ``convert``."""
    p = subparsers.add_parser(
        "convert",
        help="write a .safetensors copy of a checkpoint",
        description="Load CHECKPOINT safely (weights_only), write a .safetensors copy, read it "
        "back and compare every tensor, then print its sha256 and size. Tensors that share "
        "memory are written as separate copies (and listed); entries that are not tensors are "
        "an error.",
    )
    p.add_argument("checkpoint", metavar="CHECKPOINT", help="a file written by torch.save")
    p.add_argument(
        "--to", required=True, choices=["safetensors"], help="the output format (safetensors)"
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="the output file (default: CHECKPOINT with the .safetensors suffix); never "
        "overwritten",
    )
    p.set_defaults(handler=run)


def _shared_groups(state: Mapping[str, Any]) -> list[list[str]]:
    """Names of tensors that share memory, grouped (safetensors stores each tensor on its own)."""
    by_storage: dict[tuple[str, int], list[str]] = {}
    for name, tensor in state.items():
        if tensor.numel() == 0:
            continue
        key = (str(tensor.device), tensor.untyped_storage().data_ptr())
        by_storage.setdefault(key, []).append(name)
    return [names for names in by_storage.values() if len(names) > 1]


def convert_to_safetensors(source: Path, target: Path) -> list[list[str]]:
    """Write ``source`` as ``target`` (safetensors), verified; return the shared-tensor groups.

    Raises:
        CLIError: The file is missing, unsafe, not a state dict, or ``target`` exists.
        CLIFailure: The copy read back differs (nothing is left at ``target``).
    """
    import torch
    from safetensors.torch import load_file, save_file

    if not source.is_file():
        msg = f"Checkpoint {str(source)!r} does not exist or is not a file."
        raise CLIError(msg)
    if target.exists():
        msg = f"{target} already exists; remove it or pick another -o OUT."
        raise CLIError(msg)
    state = read_state_dict(source, mmap=False)
    odd = sorted(f"{k!r} ({type(v).__name__})" for k, v in state.items() if not torch.is_tensor(v))
    if odd:
        msg = (
            f"{source} holds entries that are not tensors, which safetensors cannot store: "
            f"{', '.join(odd[:8])}{' ...' if len(odd) > 8 else ''}. Save model.state_dict() only."
        )
        raise CLIError(msg)
    shared = _shared_groups(state)
    tensors = {name: tensor.detach().contiguous().clone() for name, tensor in state.items()}
    descriptor, staging = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(descriptor)
    try:
        save_file(tensors, staging)
        written = load_file(staging)
        differing = [
            name
            for name, tensor in tensors.items()
            if name not in written
            or written[name].dtype != tensor.dtype
            or not torch.equal(written[name], tensor)
        ]
        if differing or written.keys() != tensors.keys():
            msg = f"The safetensors copy differs from {source} at {', '.join(differing[:5])}."
            raise CLIFailure(msg)
        Path(staging).replace(target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return shared


def run(args: argparse.Namespace) -> int:
    """Convert and report."""
    from .._fetch._integrity import hash_file

    source = Path(args.checkpoint)
    target = Path(args.output) if args.output else source.with_suffix(".safetensors")
    shared = convert_to_safetensors(source, target)
    for names in shared:
        print(
            f"note: {', '.join(names)} share memory in the checkpoint; written as separate copies",
            file=sys.stderr,
        )
    size = target.stat().st_size
    print(f"{target}")
    print(f"sha256: {hash_file(target)}")
    print(f"file_size: {size} ({format_bytes(size)})")
    return 0
