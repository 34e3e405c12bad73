"""Building timm models fast, bit-identical to ``timm.create_model(pretrained=True)``.

timm builds a model with random initialisation, reads the whole checkpoint and copies it in: for
vit_large that is seconds of CPU and twice the file in memory. :func:`build_model` runs the same
``timm.create_model(name, pretrained=True, pretrained_cfg_overlay=dict(file=...))`` call, so
timm's own loader, checkpoint filter, input-channel adaptation and classifier handling apply
unchanged, with two differences while it runs (:mod:`._construction`): parameters are created on
the meta device (no allocation, no initialisation), and the load assigns the checkpoint's tensors
instead of copying them, so a safetensors file stays memory-mapped. Buffers timm computed from
meta parameters are computed again (``init_non_persistent_buffers()``, timm's own hook for this),
and the tensors that matrix-vector kernels read are given 64-byte-aligned copies
(``weighthub.building.matvec_operands``), so outputs equal timm's bit for bit at any batch size.

Parts a checkpoint lacks (a new head when ``num_classes`` differs, names passed as ``fresh``)
are initialised by their modules' ``reset_parameters()``, as ``model.reset_classifier()`` makes a
new head in timm. ``.npz`` (JAX) checkpoints go through the model's own ``load_pretrained()``,
into parameters allocated without random initialisation. An architecture that cannot be built
this way is built as timm builds it (logged at DEBUG level on the ``weighthub.timm`` logger).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from weighthub import CheckpointMismatchError, UnknownModelError
from weighthub.building import align_tensors, close_matches_hint, matvec_operands

from ._alignment_names import alignment_names
from ._construction import Construction

if TYPE_CHECKING:
    from torch import nn

__all__ = ["build_model", "create_timm_model", "empty_model"]

logger = logging.getLogger("weighthub.timm")

_INSTALL_HINT = "pip install 'weighthub-timm[timm]'"

# What a construction that cannot run with meta parameters raises (it read a parameter's value,
# or mixed a meta parameter with a real tensor).
_CONSTRUCTION_ERRORS = (RuntimeError, NotImplementedError, TypeError, ValueError, KeyError)


def empty_model(name: str, **kwargs: Any) -> nn.Module:
    """``timm.create_model(name, **kwargs)`` with every parameter on the meta device.

    Nothing is allocated for the parameters and nothing is initialised. Buffers are real, except
    for the few architectures that run a forward pass while they are built (their buffers are
    meta too). Use it to list a model's tensors and shapes (``num_params``, generating
    checkpoints).

    Args:
        name: A timm model name, ``"arch"`` or ``"arch.tag"``.
        **kwargs: Passed to ``timm.create_model`` (``num_classes``, ``in_chans`` ...).

    Raises:
        UnknownModelError: timm has no such architecture (close names are suggested).
        ImportError: timm is not installed.
    """
    timm = _timm()
    _check_name(timm, name)

    def create(construction: Construction) -> nn.Module:
        with construction.active():
            return timm.create_model(name, pretrained=False, **kwargs)  # type: ignore[no-any-return]

    try:
        return create(Construction())
    except _CONSTRUCTION_ERRORS as exc:
        logger.debug("%s: building with real buffers failed (%s); all on meta", name, exc)
        return create(Construction(meta_device=True))


def create_timm_model(name: str, **kwargs: Any) -> nn.Module:
    """``timm.create_model(name, pretrained=False, **kwargs)``: randomly initialised.

    Raises:
        UnknownModelError: timm has no such architecture (close names are suggested).
        ImportError: timm is not installed (the message says what to install).
    """
    timm = _timm()
    _check_name(timm, name)
    return timm.create_model(name, pretrained=False, **kwargs)  # type: ignore[no-any-return]


def build_model(
    name: str,
    checkpoint: str | os.PathLike[str],
    *,
    num_classes: int | None = None,
    in_chans: int | None = None,
    fresh: Iterable[str] = (),
    align: Iterable[str] | None = None,
    pretrained_cfg_overlay: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> nn.Module:
    """Build a timm model with a checkpoint's weights, fast, as timm would build it.

    The model equals ``timm.create_model(name, pretrained=True, pretrained_cfg_overlay=
    dict(file=checkpoint), num_classes=..., in_chans=..., **kwargs)`` tensor for tensor, and its
    outputs equal that model's bit for bit, apart from freshly initialised parts (drawn from the
    same kind of initialisation as ``reset_classifier()``'s, not the same random numbers).

    Args:
        name: A timm model name, ``"arch"`` or ``"arch.tag"`` (the tag selects timm's pretrained
            config: its number of classes, input size and checkpoint filter).
        checkpoint: A ``.safetensors`` file (memory-mapped), a ``torch.save`` file, or a JAX
            ``.npz`` file for the architectures whose ``load_pretrained()`` reads one.
        num_classes: As for timm: a number other than the checkpoint's drops its classifier and
            initialises a new one; 0 gives a headless model.
        in_chans: As for timm: a checkpoint with another number of input channels has its first
            convolution adapted by timm; one that already has ``in_chans`` loads unchanged.
        fresh: Names of modules or tensors (``"fc"``, ``"head.fc.weight"``) to initialise
            freshly instead of loading them: the checkpoint may lack them, and what it holds under
            them is ignored (a module's buffers too). Everything else is loaded strictly.
        align: The names ``weighthub.building.matvec_operands(model, (1, *input_size))`` gives
            for this architecture. By default they are found by a forward pass on the meta device
            once per configuration (name, arguments, timm and torch versions) and kept in the
            cache folder (``weighthub.cache_dir()/.weighthub-timm``) for later builds.
        pretrained_cfg_overlay: Further overrides of timm's pretrained config (``input_size``
            ...); ``file`` is the checkpoint.
        **kwargs: Passed to ``timm.create_model`` (``global_pool``, ``drop_path_rate`` ...).

    Returns:
        The model, in training mode as timm returns it.

    Raises:
        UnknownModelError: timm has no such architecture (close names are suggested).
        FileNotFoundError: The checkpoint file does not exist.
        CheckpointMismatchError: The checkpoint's tensors do not fit the model (the message names
            the file and says how ``num_classes``, ``in_chans`` or ``fresh`` can help), or a
            ``fresh`` name matches nothing or cannot be initialised.
        ImportError: timm is not installed.
    """
    timm = _timm()
    _check_name(timm, name)
    path = Path(checkpoint)
    if not path.is_file():
        msg = f"The checkpoint file {path} does not exist."
        raise FileNotFoundError(msg)
    for key, value in (("num_classes", num_classes), ("in_chans", in_chans)):
        if value is not None:
            kwargs[key] = value
    fresh_names = tuple(fresh)
    # timm's tags with a JAX loader (custom_load) keep it in their config although the Hub
    # serves them converted, as safetensors: timm's loader reads what the file is.
    overlay = {**(pretrained_cfg_overlay or {}), "file": str(path)}
    overlay["custom_load"] = path.suffix == ".npz"
    if path.suffix == ".npz":
        model = _build_from_npz(name, path, overlay, fresh_names, kwargs)
    else:
        model = _build_assigned(timm, name, path, overlay, fresh_names, kwargs)
    if model is not None:
        _check_fresh_names(model, fresh_names)
        _initialise_leftovers(model, path)
        unresolved = _recreate_buffers(model)
        if not unresolved:
            if path.suffix != ".npz":  # the .npz loader copied everything into fresh memory
                shaping = {
                    "kwargs": kwargs,
                    "overlay": {k: v for k, v in overlay.items() if k != "file"},
                    "fresh": fresh_names,
                }
                names = (
                    frozenset(align)
                    if align is not None
                    else alignment_names(name, shaping, lambda: _traced_operands(model))
                )
                logger.debug("%s: aligned %s", name, align_tensors(model, names))
            return model
        why = f"it computes {', '.join(unresolved[:3])} from meta parameters"
    else:
        why = "its construction reads parameter values"
    if fresh_names:
        msg = (
            f"timm's {name} cannot be built with meta parameters ({why}), and timm's own "
            f"loader cannot leave {fresh_names} out of {path}. Use a checkpoint that has them."
        )
        raise CheckpointMismatchError(msg, path=path)
    logger.debug("Building %s as timm does: %s.", name, why)
    return timm.create_model(name, pretrained=True, pretrained_cfg_overlay=overlay, **kwargs)  # type: ignore[no-any-return]


def _timm() -> Any:
    try:
        import timm
    except ImportError as exc:
        msg = (
            "Building timm models needs timm, which is not installed (listing timm weights does "
            f"not). Install it with: {_INSTALL_HINT}"
        )
        raise ImportError(msg, name="timm") from exc
    return timm


def _check_name(timm: Any, name: str) -> None:
    arch = name.split(".", 1)[0]
    if not timm.is_model(arch):
        hint = close_matches_hint(arch, timm.list_models())
        msg = f"timm {timm.__version__} has no architecture {arch!r}.{hint}"
        raise UnknownModelError(msg, name=name)


def _build_assigned(
    timm: Any,
    name: str,
    path: Path,
    overlay: dict[str, Any],
    fresh: tuple[str, ...],
    kwargs: dict[str, Any],
) -> nn.Module | None:
    """timm's pretrained build with meta parameters and assigning loads; None if it cannot run."""
    for meta_device in (False, True):
        construction = Construction(fresh, meta_device=meta_device)
        try:
            with construction.active():
                model: nn.Module = timm.create_model(
                    name, pretrained=True, pretrained_cfg_overlay=overlay, **kwargs
                )
        except _CONSTRUCTION_ERRORS as exc:
            if construction.loading:
                raise _mismatch(path, name, exc) from exc
            logger.debug("%s: construction (meta_device=%s) failed: %s", name, meta_device, exc)
            continue
        unassigned = construction.unassigned(model)
        if not unassigned:
            return model
        logger.warning("%s: the load did not reach %s; building it as timm does", name, unassigned)
        return None
    return None


def _build_from_npz(
    name: str, path: Path, overlay: dict[str, Any], fresh: tuple[str, ...], kwargs: dict[str, Any]
) -> nn.Module | None:
    """Allocate the parameters without initialising them, then run timm's ``.npz`` loader."""
    import torch

    try:
        model = empty_model(name, pretrained_cfg_overlay=overlay, **kwargs)
    except _CONSTRUCTION_ERRORS as exc:
        logger.debug("%s: construction with meta parameters failed: %s", name, exc)
        return None
    if not hasattr(model, "load_pretrained"):
        msg = (
            f"{path} is a JAX .npz checkpoint, but timm's {type(model).__name__} ({name}) has no "
            "load_pretrained() to read one. Use a .safetensors or .pth file."
        )
        raise CheckpointMismatchError(msg, path=path)
    # NaN marks what the loader leaves alone: it goes back to the meta device, to initialise.
    _replace_parameters(model, lambda p: torch.full_like(p, math.nan, device="cpu"))
    load_pretrained: Callable[[str], None] = model.load_pretrained  # type: ignore[assignment]
    try:
        with torch.no_grad():
            load_pretrained(str(path))
    except (KeyError, RuntimeError, ValueError) as exc:
        raise _mismatch(path, name, exc) from exc
    construction = Construction(fresh)
    _replace_parameters(
        model,
        lambda p: p.to("meta") if p.is_floating_point() and bool(p.isnan().all()) else p,
        skip_fresh=construction.is_fresh,
    )
    return model


def _replace_parameters(
    model: nn.Module,
    value: Callable[[Any], Any],
    skip_fresh: Callable[[str], bool] | None = None,
) -> None:
    """Give each parameter ``value(param)``; a fresh one (per ``skip_fresh``) goes to meta."""
    import torch

    for module_name, module in model.named_modules():
        for attr, param in module._parameters.items():
            if param is None:
                continue
            key = f"{module_name}.{attr}" if module_name else attr
            detached = param.detach()
            new = detached.to("meta") if skip_fresh and skip_fresh(key) else value(detached)
            if new is not detached:
                module._parameters[attr] = torch.nn.Parameter(new, param.requires_grad)


def _mismatch(path: Path, name: str, error: Exception) -> CheckpointMismatchError:
    lines = [line.strip() for line in str(error).strip().splitlines()[:12]]
    msg = (
        f"The checkpoint {path} does not fit timm's {name}: {type(error).__name__}: "
        f"{' '.join(lines)}. A checkpoint for another number of classes needs num_classes=, one "
        "with another number of input channels in_chans=; parts it lacks (a head) can be "
        "initialised freshly with fresh=('head',)."
    )
    return CheckpointMismatchError(msg, path=path)


def _check_fresh_names(model: nn.Module, fresh: tuple[str, ...]) -> None:
    names = [n for n, _ in model.named_parameters()] + [n for n, _ in model.named_buffers()]
    for f in fresh:
        if not any(n == f or n.startswith(f + ".") for n in names):
            modules = [n for n, _ in model.named_modules() if n]
            hint = close_matches_hint(f, modules + names)
            msg = (
                f"fresh={f!r} names no module or tensor of {type(model).__name__}.{hint} "
                "Pass names as model.named_modules() gives them, e.g. 'fc' or 'head'."
            )
            raise CheckpointMismatchError(msg)


def _initialise_leftovers(model: nn.Module, path: Path) -> None:
    """Initialise the parameters still on the meta device with ``reset_parameters()``.

    Innermost modules first. Every other tensor of the module's subtree is swapped for a stand-in
    during the call, so a ``reset_parameters`` that also resets loaded tensors (a norm's running
    statistics, a child's weights) cannot touch them.
    """
    import torch

    owners = {
        name: module
        for name, module in model.named_modules()
        if any(p is not None and p.is_meta for p in module._parameters.values())
    }
    for name in sorted(owners, key=lambda n: -n.count(".")):
        module = owners[name]
        leftovers = [a for a, p in module._parameters.items() if p is not None and p.is_meta]
        reset: Callable[[], None] | None = getattr(module, "reset_parameters", None)
        if reset is None:
            label = ", ".join(f"{name}.{a}" if name else a for a in leftovers)
            msg = (
                f"The checkpoint {path} does not provide {label}, and {type(module).__name__} has "
                "no reset_parameters() to initialise it freshly; use a checkpoint that has it."
            )
            raise CheckpointMismatchError(msg, path=path)
        kept: list[tuple[dict[str, Any], str, Any]] = []
        for sub in module.modules():
            for table in (sub._parameters, sub._buffers):
                for attr, tensor in table.items():
                    if tensor is None or (sub is module and attr in leftovers):
                        continue
                    kept.append((table, attr, tensor))
                    stand_in = torch.empty_like(tensor, device="cpu")
                    is_param = isinstance(tensor, torch.nn.Parameter)
                    table[attr] = torch.nn.Parameter(stand_in, False) if is_param else stand_in
        for attr in leftovers:
            param = module._parameters[attr]
            assert param is not None
            filled = torch.full_like(param, math.nan, device="cpu")
            module._parameters[attr] = torch.nn.Parameter(filled, param.requires_grad)
        with torch.no_grad():
            reset()
        for table, attr, tensor in kept:
            table[attr] = tensor
        unset = [a for a in leftovers if _has_nan(module._parameters[a])]
        if unset:
            msg = (
                f"{type(module).__name__}.reset_parameters() did not initialise {unset} of "
                f"{name or 'the model'}, which {path} does not provide."
            )
            raise CheckpointMismatchError(msg, path=path)


def _has_nan(tensor: Any) -> bool:
    return bool(tensor.isnan().any())


def _recreate_buffers(model: nn.Module) -> list[str]:
    """Compute again the buffers computed from meta parameters; name those that cannot be.

    Some timm modules compute a buffer on their parameters' device (Swin's attention mask), and
    an architecture built entirely on the meta device has every buffer there: timm gives those
    modules ``init_non_persistent_buffers()``, which computes them now that the parameters are
    real. Tensors left on the meta device (buffers or plain attributes) are returned.
    """
    import torch

    unresolved: list[str] = []
    for module_name, module in model.named_modules():
        meta = [a for a, b in module._buffers.items() if b is not None and b.is_meta]
        recreate = getattr(module, "init_non_persistent_buffers", None)
        if meta and recreate is not None:
            for attr in meta:
                buffer = module._buffers[attr]
                assert buffer is not None
                module._buffers[attr] = torch.empty_like(buffer, device="cpu")
            with torch.no_grad():
                recreate()
        for attr, value in (*module._buffers.items(), *vars(module).items()):
            if isinstance(value, torch.Tensor) and value.is_meta:
                unresolved.append(f"{module_name}.{attr}" if module_name else attr)
    return unresolved


def _traced_operands(model: nn.Module) -> frozenset[str]:
    """The tensors a batch-1 forward at the model's input size reads through matvec kernels."""
    from timm.models import get_model_input_config

    shape = (1, *get_model_input_config(model)["input_size"])
    try:
        return matvec_operands(model, shape)
    except (RuntimeError, NotImplementedError, TypeError, ValueError, IndexError) as exc:
        # No forward pass on the meta device: align every tensor a matrix-vector kernel could
        # read (matrices and convolution kernels), which is exact, only slower.
        logger.debug("%s: no meta forward pass (%s); aligning every weight", type(model), exc)
        tensors = (*model.named_parameters(), *model.named_buffers())
        return frozenset(n for n, t in tensors if t.ndim >= 2)
