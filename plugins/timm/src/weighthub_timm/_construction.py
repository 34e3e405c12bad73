"""Running timm's own build with meta parameters and loads that assign instead of copying.

:class:`Construction` is active around one ``timm.create_model`` call, in one thread. Through
torch's global registration hooks it sees every module the call creates; each parameter is
created on the meta device (nothing allocated, initialisers skipped), and each module gets a
``load_state_dict`` pre-hook that makes timm's load assign the checkpoint's tensors: cast to the
model's dtype and layout where a copy would have cast them, so the state equals what timm's copy
gives. Other threads are unaffected.

Most architectures build with real buffers (``meta_device=False``): what timm computes at
construction (position indices, rotary tables) is computed as usual. A few run a forward pass
while they are built (hybrid ViTs size their backbone on a dummy input), which real buffers and
meta parameters cannot share; for those, ``meta_device=True`` creates every tensor on the meta
device until the load starts, as ``with torch.device("meta")`` would, and the buffers are
computed again afterwards.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import nn

__all__ = ["Construction"]

# In-place operations that change a tensor's shape or flags rather than its values: they run.
_METADATA_IN_PLACE = frozenset(
    {"requires_grad_", "resize_", "resize_as_", "set_", "as_strided_", "squeeze_", "unsqueeze_"}
    | {"transpose_", "t_", "swapdims_", "swapaxes_", "detach_", "rename_", "share_memory_"}
)


class Construction:
    """One build in one thread: the modules it creates, and whether timm's load has started.

    Args:
        fresh: Names of modules or tensors the load leaves out (their meta parameters stay meta,
            to be initialised afterwards; what the checkpoint holds for them is dropped).
        meta_device: Create every tensor on the meta device until the load starts.
    """

    def __init__(self, fresh: tuple[str, ...] = (), *, meta_device: bool = False) -> None:
        self.thread = threading.get_ident()
        self.fresh = fresh
        self.meta_device = meta_device
        self.loading = False
        self._modules: dict[int, nn.Module] = {}  # held, so that no id is reused meanwhile
        self._handles: list[Any] = []
        self._assigned: set[int] = set()
        self.loaded_modules: set[int] = set()  # ids of the modules whose load assigned

    def unassigned(self, model: nn.Module) -> list[str]:
        """Modules of ``model`` with meta parameters that timm's load did not pass through us.

        Empty unless something escaped the hooks: their meta parameters must not be taken for
        parts the checkpoint lacks.
        """
        return [
            name or type(module).__name__
            for name, module in model.named_modules()
            if id(module) not in self.loaded_modules
            and any(p is not None and p.is_meta for p in module._parameters.values())
        ]

    def is_fresh(self, key: str) -> bool:
        """Whether a state-dict key lies under one of the ``fresh`` names."""
        return any(key == f or key.startswith(f + ".") for f in self.fresh)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Register the hooks and the thread's function mode; remove them all on exit."""
        from torch.nn.modules import module as hooks

        handles = [
            hooks.register_module_parameter_registration_hook(self._on_parameter),
            hooks.register_module_buffer_registration_hook(self._on_buffer),
            hooks.register_module_module_registration_hook(self._on_module),
        ]
        try:
            with _mode(self):
                yield
        finally:
            for handle in (*handles, *self._handles):
                handle.remove()
            self._modules.clear()

    def _ours(self) -> bool:
        return threading.get_ident() == self.thread

    def _track(self, module: nn.Module) -> None:
        if id(module) not in self._modules:
            self._modules[id(module)] = module
            hook = module.register_load_state_dict_pre_hook(self._before_load)  # type: ignore[no-untyped-call]
            self._handles.append(hook)

    def _on_module(self, parent: nn.Module, name: str, child: Any) -> None:
        if self._ours():
            self._track(parent)
            if child is not None:
                self._track(child)

    def _on_buffer(self, module: nn.Module, name: str, buffer: Any) -> None:
        if self._ours():
            self._track(module)

    def _on_parameter(self, module: nn.Module, name: str, param: Any) -> Any:
        """Create parameters on the meta device; leave the load's assignments alone."""
        if not self._ours() or param is None or self.loading:
            return None
        self._track(module)
        import torch

        if param.is_meta or type(param) is not torch.nn.Parameter:
            return None
        return torch.nn.Parameter(param.detach().to("meta"), requires_grad=param.requires_grad)

    def _before_load(
        self,
        module: nn.Module,
        state_dict: dict[str, Any],
        prefix: str,
        local_metadata: dict[str, Any],
        *args: Any,
    ) -> None:
        """Make this module's load assign, in the dtype and layout a copy would have given."""
        import torch

        self.loading = True
        self.loaded_modules.add(id(module))
        local_metadata["assign_to_params_buffers"] = True
        if prefix == "" and self.fresh:
            own = set(module.state_dict(keep_vars=True))
            for key in [k for k in state_dict if self.is_fresh(k) and k not in own]:
                del state_dict[key]
        transient = module._non_persistent_buffers_set
        persistent = [(n, b) for n, b in module._buffers.items() if n not in transient]
        for name, target in (*module._parameters.items(), *persistent):
            if target is None:
                continue
            key = prefix + name
            if self.is_fresh(key):
                state_dict[key] = target  # assigned to itself: a meta parameter stays meta
                continue
            value = state_dict.get(key)
            if not isinstance(value, torch.Tensor) or value.shape != target.shape:
                continue  # load_state_dict reports it
            if (
                value.dtype != target.dtype
                or value.stride() != target.stride()
                or id(value) in self._assigned  # one tensor for two keys: each gets its own
            ):
                value = torch.empty_like(target, device=value.device).copy_(value)
                state_dict[key] = value
            self._assigned.add(id(value))


def _mode(construction: Construction) -> contextlib.AbstractContextManager[Any]:
    """The thread's function mode: meta-device constructors, skipped writes to meta tensors.

    In-place writes to meta tensors (initialisers) compute nothing, and each costs a Python meta
    kernel: for vit_large they are three quarters of the construction time.
    """
    import torch
    from torch.overrides import TorchFunctionMode
    from torch.utils._device import _device_constructors

    constructors = _device_constructors()

    class _ConstructionMode(TorchFunctionMode):
        def __torch_function__(
            self,
            func: Callable[..., Any],
            types: Any,
            args: tuple[Any, ...] = (),
            kwargs: Mapping[str, Any] | None = None,
        ) -> Any:
            kwargs = dict(kwargs or {})
            target = args[0] if args else None
            if isinstance(target, torch.Tensor) and target.is_meta:
                name = getattr(func, "__name__", "")
                if name == "__setitem__":
                    return None
                in_place = name.endswith("_") and not name.endswith("__")
                if in_place and name not in _METADATA_IN_PLACE:
                    return target
            if (
                construction.meta_device
                and not construction.loading
                and func in constructors
                and kwargs.get("device") is None
            ):
                kwargs["device"] = "meta"
            return func(*args, **kwargs)

    return _ConstructionMode()
