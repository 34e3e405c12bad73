"""Generated checkpoints: random weights of a model's shapes, written where tests want them.

:func:`random_state_dict` fills a model's state (meta parameters included) with random values;
:func:`write_unaligned_safetensors` writes a safetensors file whose tensors do not start on the
64-byte boundaries PyTorch's allocator uses, as files from the Hugging Face Hub often do, so a
test can check that memory-mapping them changes no output bit; :func:`same_bits` and
:func:`tensors_of` compare two models' tensors and outputs bit for bit.
"""

from __future__ import annotations

import json
import math
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = ["random_state_dict", "same_bits", "tensors_of", "write_unaligned_safetensors"]

_DTYPES = {
    "float64": "F64",
    "float32": "F32",
    "float16": "F16",
    "bfloat16": "BF16",
    "int64": "I64",
    "int32": "I32",
    "int16": "I16",
    "int8": "I8",
    "uint8": "U8",
    "bool": "BOOL",
}


def random_state_dict(model: nn.Module, seed: int | str = 0) -> dict[str, torch.Tensor]:
    """The model's ``state_dict()`` with every floating-point parameter drawn at random.

    Parameters may be on the meta device (a model built without allocating them): each becomes a
    CPU tensor of its shape and dtype, drawn from N(0, 1/fan_in) for matrices and kernels (so deep
    models keep finite outputs) and N(0, 0.1) otherwise, plus 1 for one-dimensional ``weight``
    s (norm scales). Batch-norm running statistics are drawn too (variances around 0.5 to 1);
    other buffers (position indices, counters) are kept as they are, and meta ones become zeros.

    Args:
        model: The model whose state to fill.
        seed: The random seed; a string is hashed, so ``seed=arch_name`` is reproducible.

    Returns:
        A new state dict of contiguous CPU tensors.
    """
    import torch

    number = zlib.crc32(seed.encode()) if isinstance(seed, str) else seed
    generator = torch.Generator().manual_seed(number)
    params = {id(p) for p in model.parameters()}
    out: dict[str, torch.Tensor] = {}
    for name, tensor in model.state_dict(keep_vars=True).items():
        if name.endswith(("running_mean", "running_var")) and tensor.is_floating_point():
            noise = torch.randn(tensor.shape, generator=generator) * 0.1
            out[name] = (noise.abs() + 0.5 if name.endswith("var") else noise).to(tensor.dtype)
            continue
        if tensor.is_meta and id(tensor) not in params:  # a buffer without values
            out[name] = torch.zeros(tensor.shape, dtype=tensor.dtype)
            continue
        if id(tensor) not in params or not tensor.is_floating_point():
            out[name] = tensor.detach().to("cpu").contiguous()
            continue
        scale = 1 / math.sqrt(tensor[0].numel()) if tensor.ndim >= 2 else 0.1
        value = torch.randn(tensor.shape, generator=generator) * scale
        if tensor.ndim == 1 and name.endswith("weight"):
            value += 1
        out[name] = value.to(tensor.dtype)
    return out


def write_unaligned_safetensors(
    path: str | os.PathLike[str],
    tensors: Mapping[str, torch.Tensor],
    *,
    data_start: int = 8,
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Write a safetensors file whose data section starts ``data_start`` bytes past a boundary.

    The header is padded so that the first tensor starts at ``data_start`` modulo 64 (8 by
    default, a multiple of 8 as every safetensors writer keeps it); the tensors follow in name
    order, each at its predecessor's end, so their offsets modulo 64 vary with their sizes.
    Memory-mapping the file (``safetensors.torch.load_file``) gives tensors at those
    offsets. The file is an ordinary safetensors file that any reader loads.

    Args:
        path: The file to write.
        tensors: Contiguous CPU tensors by name.
        data_start: Where the data starts, modulo 64 (0 gives an aligned first tensor).
        metadata: The header's ``__metadata__`` strings.

    Returns:
        The path written.
    """
    import torch

    entries: dict[str, object] = {}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        tensor = tensors[name].detach().to("cpu").contiguous()
        dtype = _DTYPES[str(tensor.dtype).removeprefix("torch.")]
        size = tensor.numel() * tensor.element_size()
        span = [offset, offset + size]
        entries[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": span}
        blobs.append(tensor)
        offset += size
    header = {"__metadata__": dict(metadata or {}), **entries}
    text = json.dumps(header, separators=(",", ":")).encode()
    padding = (data_start - 8 - len(text)) % 64
    text += b" " * padding
    target = Path(path)
    with target.open("wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for blob in blobs:
            f.write(blob.reshape(-1).view(torch.uint8).numpy().data)
    return target


def same_bits(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Whether two tensors have the same dtype, shape and values, NaN where NaN."""
    import torch

    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if torch.equal(a, b):
        return True
    if not a.is_floating_point():
        return False
    return torch.equal(a.isnan(), b.isnan()) and torch.equal(a.nan_to_num(0), b.nan_to_num(0))


def tensors_of(output: object) -> list[torch.Tensor]:
    """The tensors of a model's output, in a fixed order: a tensor, or nested dicts (by sorted
    key), lists and tuples of them (feature pyramids, detection dicts); anything else is left out.
    """
    import torch

    if isinstance(output, torch.Tensor):
        return [output]
    if isinstance(output, dict):
        return [t for key in sorted(output) for t in tensors_of(output[key])]
    if isinstance(output, (list, tuple)):
        return [t for item in output for t in tensors_of(item)]
    return []
