"""Keeping memory-mapped weights bit-identical to copied ones: which tensors must be aligned.

A model whose weights are assigned straight from a memory-mapped safetensors file (no copy) reads
each tensor where the file put it: at the file offset modulo the page size, which is usually not
the 64-byte alignment PyTorch's allocator gives every tensor it creates. Almost every kernel
computes the same bits either way. The exception, measured on x86 with MKL, is the
matrix-vector path: a linear layer applied to a single row (a batch-1 classifier head, an
attention-pooling query, a class-attention block), a linear layer with a single output feature
(each row of the input times one weight vector) and a convolution producing a single output
position (squeeze-and-excitation on pooled features) take kernels whose summation order depends
on the weight's alignment, and their last bits then differ (about 1e-6 relative) from a model
whose weights were copied. Matrix-matrix products, other convolutions, normalisations,
element-wise operations and reductions over weights gave identical bits at every offset tried.

So the rule depends on how a tensor is used, not on the file: :func:`matvec_operands` finds the
tensors a forward pass reads through matrix-vector kernels by running it on meta copies (nothing
is computed or read), and :func:`align_tensors` gives those that sit off a 64-byte boundary an
aligned copy. In classification networks they are a small part of the weights (heads,
squeeze-and-excitation layers, pooling queries), so the model keeps the memory-mapped load's
speed and memory while its outputs equal those of a copied load bit for bit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = ["ALIGNMENT", "MATVEC_RULE", "align_tensors", "is_aligned", "matvec_operands"]

ALIGNMENT = 64
"""Bytes: the alignment PyTorch's CPU allocator gives every tensor it allocates."""

MATVEC_RULE = 2
"""The revision of the rule :func:`matvec_operands` applies; it grows whenever the rule finds
other tensors for some model, so that names kept from an earlier run (a cache) can be told apart.

2: a linear layer with a single output feature counts, whatever its input's rows.
"""

_MATMULS = frozenset(
    {"matmul", "__matmul__", "__rmatmul__", "mm", "bmm", "addmm", "baddbmm", "addmv", "mv"}
)
_MATMULS |= frozenset({"addbmm", "einsum", "tensordot", "inner", "dot", "vdot", "outer"})
_CONVOLUTIONS = frozenset(
    {"conv1d", "conv2d", "conv3d", "convolution", "_convolution"}
    | {"conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}
)


def is_aligned(tensor: torch.Tensor) -> bool:
    """Whether ``tensor``'s data starts on an :data:`ALIGNMENT`-byte boundary.

    Tensors that are not on the CPU, hold no data (meta) or are empty count as aligned.
    """
    if tensor.device.type != "cpu" or tensor.numel() == 0:
        return True
    return tensor.data_ptr() % ALIGNMENT == 0


def _single_row_product(name: str, args: Sequence[Any], out: Any) -> bool:
    """Whether a matrix product's result is a vector, or has a single row or column."""
    import torch

    if name == "linear":
        x = args[0] if args else None
        weight = args[1] if len(args) > 1 else None
        one_row = isinstance(x, torch.Tensor) and (x.ndim <= 1 or x.numel() == x.shape[-1])
        # One output feature (a relative-position MLP's last layer with one head): each output is
        # a row of x times the same weight vector, the matrix-vector kernel with the roles swapped.
        one_column = isinstance(weight, torch.Tensor) and weight.ndim == 2 and weight.shape[0] == 1
        return one_row or one_column
    if not isinstance(out, torch.Tensor):
        return False
    return out.ndim <= 1 or out.shape[-1] == 1 or out.shape[-2] == 1


def _single_position_convolution(out: Any) -> bool:
    """Whether a convolution produced one output position per sample and channel."""
    import torch

    return isinstance(out, torch.Tensor) and out.ndim >= 3 and all(d == 1 for d in out.shape[2:])


def _recorder(names: Mapping[int, str], found: set[str]) -> Any:
    import torch
    from torch.overrides import TorchFunctionMode

    def name_of(value: Any) -> str | None:
        if not isinstance(value, torch.Tensor):
            return None
        root = value._base if value._base is not None else value
        return names.get(id(root))

    class _MatvecRecorder(TorchFunctionMode):
        def __torch_function__(
            self,
            func: Callable[..., Any],
            types: Any,
            args: Sequence[Any] = (),
            kwargs: Mapping[str, Any] | None = None,
        ) -> Any:
            kwargs = kwargs or {}
            out = func(*args, **kwargs)
            name = getattr(func, "__name__", "")
            if name == "linear" or name in _MATMULS:
                hit = _single_row_product(name, args or list(kwargs.values()), out)
            elif name in _CONVOLUTIONS:
                hit = _single_position_convolution(out)
            else:
                return out
            if hit:
                for value in (*args, *kwargs.values()):
                    operands = value if isinstance(value, (list, tuple)) else (value,)
                    for operand in operands:
                        tensor_name = name_of(operand)
                        if tensor_name is not None:
                            found.add(tensor_name)
            return out

    return _MatvecRecorder()


@contextlib.contextmanager
def _eval_mode(model: nn.Module) -> Iterator[None]:
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, training in modes:
            module.training = training


def matvec_operands(model: nn.Module, *inputs: Any) -> frozenset[str]:
    """Names of the parameters and buffers that a forward pass reads through matrix-vector kernels.

    The forward runs in eval mode on meta copies of the model's tensors and of ``inputs`` (shapes
    only: nothing is computed and no weight is read), recording the tensors that feed a matrix
    product with a single row or column (a linear layer applied to one row, ``x @ W`` with one
    row) or a convolution that produces a single output position. Views of a tensor count as the
    tensor.

    Args:
        model: The model; its tensors may be real, memory-mapped or meta.
        *inputs: Example inputs, or their shapes as tuples (``(1, 3, 224, 224)``: batch size 1
            is where heads take the matrix-vector path).

    Returns:
        Parameter and buffer names as ``model.named_parameters()`` / ``named_buffers()`` give them.

    Raises:
        RuntimeError, NotImplementedError, TypeError, ValueError: The forward pass cannot run on
            the meta device (it computes with tensors that are not the model's, or reads values).
    """
    import torch

    # Each tensor slot of each module (once, however many names a shared module has, as CoaT's
    # position encodings have) holds a meta copy during the call and its own tensor afterwards.
    # torch.func.functional_call swaps by name, and with shared modules its restore of one name
    # could put back the meta copy that another name had swapped in.
    copies: dict[int, torch.Tensor] = {}
    slots: list[tuple[dict[str, Any], str, Any]] = []
    for module in model.modules():
        tables: tuple[dict[str, Any], ...] = (module._parameters, module._buffers)
        for table in tables:
            for attr, tensor in table.items():
                if tensor is None:
                    continue
                slots.append((table, attr, tensor))
                if id(tensor) not in copies:
                    copy = tensor.detach().to("meta")
                    is_param = isinstance(tensor, torch.nn.Parameter)
                    copies[id(tensor)] = torch.nn.Parameter(copy, False) if is_param else copy
    tensors = {**dict(model.named_parameters()), **dict(model.named_buffers())}
    names = {id(copies[id(tensor)]): name for name, tensor in tensors.items()}
    meta_inputs = [
        torch.empty(value, device="meta") if isinstance(value, tuple) else value.to("meta")
        for value in inputs
    ]
    found: set[str] = set()
    try:
        for table, attr, tensor in slots:
            table[attr] = copies[id(tensor)]
        with _eval_mode(model), torch.no_grad(), _recorder(names, found):
            model(*meta_inputs)
    finally:
        for table, attr, tensor in slots:
            table[attr] = tensor
    return frozenset(found)


def align_tensors(model: nn.Module, names: Iterable[str]) -> list[str]:
    """Give each named parameter or buffer that sits off an aligned address an aligned copy.

    The copy replaces the tensor's data in place (``param.data = copy``), so the
    :class:`~torch.nn.Parameter` objects, their ties and any optimizer holding them are kept.
    Names the model does not have are ignored.

    Args:
        model: The model, typically with weights assigned from a memory-mapped file.
        names: Parameter and buffer names, e.g. from :func:`matvec_operands`.

    Returns:
        The names whose tensors were copied.
    """
    tensors = {**dict(model.named_parameters()), **dict(model.named_buffers())}
    copied: list[str] = []
    done: set[int] = set()
    for name in names:
        tensor = tensors.get(name)
        if tensor is None or id(tensor) in done or is_aligned(tensor):
            continue
        done.add(id(tensor))
        tensor.data = tensor.detach().clone()
        copied.append(name)
    return copied
