"""weighthub: a hub for pretrained PyTorch weights.

torchvision's multi-weight API (weights as enum members carrying their URL, preprocessing and
metadata) across every installed plugin::

    import weighthub

    weighthub.list_models("resnet*")
    model = weighthub.get_model("resnet50", weights="DEFAULT")
    weights = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2")
    preprocess = weights.transforms()

``import weighthub`` imports neither torch nor any plugin; both load when first needed.
"""

# The fetch names in __all__ come from a star import that only type checkers run (F405).
# ruff: noqa: F405

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._api import (
    get_model,
    get_model_builder,
    get_model_entry,
    get_model_weights,
    get_task,
    get_weight,
    get_weight_name,
    list_models,
    list_tasks,
    list_weights,
)
from ._construct import construct_model
from ._deprecated import MOVED_TO_BUILDING, warn_deprecated
from ._distributions import PluginInfo
from ._errors import (
    CachePathError,
    CacheWriteError,
    CheckpointFormatError,
    CheckpointMismatchError,
    IntegrityError,
    InvalidFileNameError,
    InvalidURLError,
    LockfileError,
    LockTimeoutError,
    MetaValidationError,
    MetaValidationWarning,
    NotInLockfileError,
    OfflineModeError,
    PluginConflictError,
    PluginLoadError,
    PluginWarning,
    RankMismatchError,
    TorchvisionLegacyWeightsError,
    UnknownModelError,
    UnknownTaskError,
    UnknownWeightsError,
    UnknownWeightsMemberError,
    UnsafeCheckpointError,
    UnsupportedModelKwargsError,
    WeighthubError,
    WeighthubWarning,
    WeightsDownloadError,
)
from ._loads import add_load_listener
from ._markers import hookimpl, hookspec
from ._names import member_name, tag_of
from ._plugins import (
    plugins,
    prefer_plugins,
    register_model,
    register_task,
    reload_plugins,
)
from ._registry import ModelEntry, Registry, WeightsAttachment
from ._tasks import Task, TaskDocs
from ._weights import Weights, WeightsEnum, WeightsRef, resolve_weights

if TYPE_CHECKING:
    # The fetch layer loads on first use (see __getattr__); __all__ says which of its names
    # weighthub exports.
    from ._fetch import *  # noqa: F403

__all__ = [
    # Weights
    "Weights",
    "WeightsEnum",
    "WeightsRef",
    "resolve_weights",
    # Registry
    "list_models",
    "get_model",
    "get_model_builder",
    "get_model_entry",
    "get_model_weights",
    "get_weight",
    "get_weight_name",
    "list_weights",
    "member_name",
    "tag_of",
    "register_model",
    "ModelEntry",
    "WeightsAttachment",
    # Tasks
    "Task",
    "TaskDocs",
    "get_task",
    "list_tasks",
    "register_task",
    # Plugins
    "Registry",
    "hookimpl",
    "hookspec",
    "plugins",
    "PluginInfo",
    "prefer_plugins",
    "reload_plugins",
    # Fetching, caching and loading
    "CacheEntry",
    "cache_dir",
    "cache_layers",
    "cached_files",
    "clear_cache",
    "construct_model",
    "distributed_mode",
    "fetch",
    "get_mirrors",
    "load_checkpoint",
    "load_state_dict_from_url",
    "add_load_listener",
    "offline_mode",
    "remove_cached",
    "set_distributed",
    "set_mirrors",
    "set_offline",
    "use_lock",
    "verify_cache",
    # Errors and warnings
    "WeighthubError",
    "WeighthubWarning",
    "CachePathError",
    "CacheWriteError",
    "CheckpointFormatError",
    "CheckpointMismatchError",
    "IntegrityError",
    "InvalidFileNameError",
    "InvalidURLError",
    "LockfileError",
    "LockTimeoutError",
    "MetaValidationError",
    "MetaValidationWarning",
    "NotInLockfileError",
    "OfflineModeError",
    "PluginConflictError",
    "PluginLoadError",
    "PluginWarning",
    "RankMismatchError",
    "TorchvisionLegacyWeightsError",
    "UnknownModelError",
    "UnknownTaskError",
    "UnknownWeightsError",
    "UnknownWeightsMemberError",
    "UnsafeCheckpointError",
    "UnsupportedModelKwargsError",
    "WeightsDownloadError",
]

# The names in __all__ not bound by now come from the fetch layer, imported on first use.
_FETCH_NAMES = frozenset(__all__) - frozenset(globals())


def __getattr__(name: str) -> Any:
    instead = MOVED_TO_BUILDING.get(name)
    if instead is not None:
        warn_deprecated(f"weighthub.{name}", instead)
        from . import building

        return getattr(building, name)
    # The fetch layer is imported on first use, keeping `import weighthub` small.
    if name in _FETCH_NAMES:
        from . import _fetch

        obj = getattr(_fetch, name)
        if getattr(obj, "__module__", "").startswith("weighthub._"):
            obj.__module__ = "weighthub"
        return obj
    if name == "models":
        # `weighthub.models.resnet50` after a bare `import weighthub`, as the docs write it
        # (torch-free: the namespace resolves builders and enums on first use).
        # (`from . import models` would ask this __getattr__ again.)
        import importlib

        return importlib.import_module(f"{__name__}.models")
    if name == "__version__":
        from importlib.metadata import version

        return version("weighthub")
    msg = f"module 'weighthub' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *_FETCH_NAMES, "__version__", "models"})


for _name in __all__:
    _obj = globals().get(_name)
    if _obj is not None and getattr(_obj, "__module__", "").startswith("weighthub._"):
        _obj.__module__ = "weighthub"
del _name, _obj
