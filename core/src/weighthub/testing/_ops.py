"""Recomputing ``meta["_ops"]``: multiply-accumulates of one forward pass, in billions.

Counts what torchvision's ``get_ops`` test helper counts: the MACs of ``mm``, ``matmul``,
``addmm``, ``bmm``, (transposed) convolutions and quantized convolutions, seen at the dispatcher
on the random input its task declares (:attr:`weighthub.Task.sample_input`), passed through
``weights.transforms()``. Fused attention kernels (which recent
torch runs where older versions ran two ``bmm``) are counted as those two products, so that the
Vision Transformers' published ``_ops`` are reproduced too (torchvision skips them, #7871).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["count_gmacs"]


def _shape(value: Any) -> tuple[int, ...]:
    if hasattr(value, "shape"):
        return tuple(value.shape)
    return tuple(value.weight().shape)  # packed quantized weights


def _matmul(args: Any, out: Any) -> int:
    a, b = _shape(args[0]), _shape(args[1])
    return math.prod(a) * b[-1]


def _addmm(args: Any, out: Any) -> int:
    (rows, inner), (_, cols) = _shape(args[1]), _shape(args[2])
    return rows * inner * cols


def _bmm(args: Any, out: Any) -> int:
    batch, rows, inner = _shape(args[0])
    return batch * rows * inner * _shape(args[1])[-1]


def _conv(x: tuple[int, ...], w: tuple[int, ...], y: tuple[int, ...], transposed: bool) -> int:
    spatial = (x if transposed else y)[2:]
    return x[0] * math.prod(w) * math.prod(spatial)


def _convolution(args: Any, out: Any) -> int:
    return _conv(_shape(args[0]), _shape(args[1]), _shape(out), bool(args[6]))


def _quantized_conv(args: Any, out: Any) -> int:
    return _conv(_shape(args[0]), _shape(args[1]), _shape(out), False)


def _attention(args: Any, out: Any) -> int:
    # query (..., L, E), key (..., S, E), value (..., S, Ev): Q @ K^T, then weights @ V.
    query, key, value = _shape(args[0]), _shape(args[1]), _shape(args[2])
    batch = math.prod(query[:-2])
    return batch * query[-2] * key[-2] * (query[-1] + value[-1])


_FUSED_ATTENTION = frozenset(
    {
        "_scaled_dot_product_flash_attention",
        "_scaled_dot_product_flash_attention_for_cpu",
        "_scaled_dot_product_efficient_attention",
        "_scaled_dot_product_cudnn_attention",
        "_scaled_dot_product_fused_attention_overrideable",
    }
)


def count_gmacs(model: Any, args: list[Any], *, as_list: bool) -> float:
    """Run ``model`` once in eval mode and return its counted MACs in billions, unrounded."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    aten, quantized = torch.ops.aten, torch.ops.quantized
    counters = {
        aten.mm: _matmul,
        aten.matmul: _matmul,
        aten.addmm: _addmm,
        aten.bmm: _bmm,
        aten.convolution: _convolution,
        aten._convolution: _convolution,
        quantized.conv2d: _quantized_conv,
        quantized.conv2d_relu: _quantized_conv,
    }
    total = 0

    class Counter(TorchDispatchMode):  # type: ignore[no-untyped-call]
        def __torch_dispatch__(
            self, func: Any, types: Any, args: Any = (), kwargs: Any = None
        ) -> Any:
            nonlocal total
            out = func(*args, **(kwargs or {}))
            packet = func._overloadpacket
            counter = counters.get(packet)
            if counter is None and packet.__name__ in _FUSED_ATTENTION:
                counter = _attention
            if counter is not None:
                total += counter(args, out[0] if isinstance(out, tuple) else out)
            return out

    model.eval()
    with Counter():  # type: ignore[no-untyped-call]
        if as_list:
            model(args)
        else:
            model(*args)
    return total / 1e9
