"""Plugin discovery and the live catalogue: entry points in the ``weighthub.plugins`` group.

Discovery runs once, on the first registry lookup (never at ``import weighthub``). Each plugin is
loaded and called on its own, through pluggy: one that fails to import or whose hook raises (even
``SystemExit``: a plugin never ends the caller's process; ``KeyboardInterrupt`` still propagates)
is skipped with a single :class:`~weighthub.PluginWarning`, and the others keep working. A hook
that looks the registry up while discovery runs (``weighthub.list_models()``) sees the plugins
loaded before it. Each plugin's :class:`~weighthub.Registry` is merged into a new
:class:`~weighthub._catalogue.Catalogue`; the models and tasks registered at runtime
(:func:`register_model`, :func:`register_task`) are one more registry, merged the same way after
the plugins' and kept across :func:`reload_plugins`.

Environment variables (read at discovery; call :func:`reload_plugins` after changing them):

``WEIGHTHUB_PLUGINS``
    Comma-separated allow-list of plugin (entry-point) or distribution names.
``WEIGHTHUB_DISABLE_PLUGINS``
    Comma-separated block-list; wins over the allow-list.
``WEIGHTHUB_PREFER``
    Comma-separated plugin or distribution names, most preferred first, that settle name conflicts.
``WEIGHTHUB_STRICT``
    ``1`` turns every plugin warning into an exception.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import Any, TypeVar

import pluggy

from . import hookspecs
from ._catalogue import Catalogue, EnumProvider
from ._distributions import PluginInfo, normalise, plugin_matches
from ._errors import PluginConflictError, PluginLoadError, PluginWarning
from ._markers import PROJECT_NAME
from ._registry import Registry
from ._settings import env_list, strict_mode
from ._tasks import Task
from ._weights import WeightsEnum

__all__ = [
    "ENTRY_POINT_GROUP",
    "RUNTIME_PLUGIN",
    "catalogue",
    "load_remaining_plugins",
    "plugins",
    "plugins_importing",
    "prefer_plugins",
    "register_model",
    "register_task",
    "reload_plugins",
    "restore_runtime_registry",
    "runtime_registry",
]

ENTRY_POINT_GROUP = "weighthub.plugins"
RUNTIME_PLUGIN = "<runtime>"

F = TypeVar("F", bound=Callable[..., Any])

_lock = threading.RLock()
_catalogue: Catalogue | None = None
# The catalogue being filled while discovery runs: what a hook calling back into the registry sees.
_discovering: Catalogue | None = None
_preferred: list[str] | None = None
_runtime = Registry(RUNTIME_PLUGIN, None)


def prefer_plugins(names: Sequence[str] | None) -> None:
    """Settle name conflicts in favour of these plugins (most preferred first).

    Overrides ``WEIGHTHUB_PREFER``; None goes back to it. Takes effect immediately.

    Args:
        names: Plugin (entry-point) or distribution names.
    """
    global _preferred
    _preferred = None if names is None else list(names)
    reload_plugins()


def _unique_entry_points() -> list[EntryPoint]:
    seen: dict[tuple[str, str, str], EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else ""
        seen.setdefault((normalise(dist), ep.name, ep.value), ep)
    return sorted(
        seen.values(), key=lambda ep: (normalise(ep.dist.name if ep.dist else ""), ep.name)
    )


def _load_one(manager: pluggy.PluginManager, ep: EntryPoint, registry: Registry) -> None:
    module = ep.load()
    manager.register(module, name=ep.name)
    try:
        manager.check_pending()
        others = [plugin for plugin in manager.get_plugins() if plugin is not module]
        manager.subset_hook_caller("register_models", remove_plugins=others)(registry=registry)
    except BaseException:
        manager.unregister(module)
        raise


class _Discovery:
    """One scan of the entry points, filling a catalogue.

    Plugins load in a fixed order (by distribution, then entry-point name). A plugin whose import
    (or hook) looks up a name that the plugins loaded so far lack, such as another plugin's builder
    in ``from weighthub.models import resnet50``, makes the scan load every plugin not loaded yet
    first (:func:`load_remaining_plugins`); ``importing`` is the stack of the plugins being loaded.
    """

    def __init__(self, found: Catalogue) -> None:
        self.found = found
        self.manager = pluggy.PluginManager(PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self.allow = env_list("WEIGHTHUB_PLUGINS")
        self.block = env_list("WEIGHTHUB_DISABLE_PLUGINS") or []
        self.pending = _unique_entry_points()
        self.importing: list[Registry] = []

    def run(self) -> Catalogue:
        """Load every plugin, then the runtime registrations; settle the catalogue."""
        self.load_remaining()
        self.found.merge(_runtime)
        self.found.settle()
        return self.found

    def load_remaining(self) -> bool:
        """Load the plugins not loaded yet; return whether there were any."""
        loaded = bool(self.pending)
        while self.pending:
            self._load_next()
        return loaded

    def _load_next(self) -> None:
        ep = self.pending.pop(0)
        dist = ep.dist.name if ep.dist is not None else None
        version = ep.dist.version if ep.dist is not None else None
        if plugin_matches(self.block, ep.name, dist) or (
            self.allow is not None and not plugin_matches(self.allow, ep.name, dist)
        ):
            self.found.record(PluginInfo(ep.name, dist, version, "disabled", None, 0, ep.value))
            return
        registry = Registry(ep.name, dist)
        self.importing.append(registry)
        try:
            _load_one(self.manager, ep, registry)
        except (Exception, SystemExit) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, SystemExit):
                error += " (the plugin called sys.exit())"
            self.found.record(PluginInfo(ep.name, dist, version, "failed", error, 0, ep.value))
            message = f"Skipping weighthub plugin {ep.name!r} from distribution {dist!r}: {error}"
            waiting = isinstance(exc, PluginLoadError) and any(
                outer.plugin in exc.cycle for outer in self.importing[:-1]
            )
            if strict_mode():
                raise PluginLoadError(
                    message, name=ep.value, plugin=ep.name, distribution=dist
                ) from exc
            warnings.warn(message, PluginWarning, stacklevel=6)
            if waiting:
                raise  # the plugin whose import waited on this one cannot load either
            return
        finally:
            self.importing.pop()
        self.found.merge(registry)
        self.found.record(
            PluginInfo(
                ep.name,
                dist,
                version,
                "loaded",
                None,
                len(registry.entries),
                ep.value,
                len(registry.attachments),
            )
        )


_discovery: _Discovery | None = None


def load_remaining_plugins() -> bool:
    """While discovery runs in this thread, load the plugins not loaded yet.

    For a lookup that the plugins loaded so far cannot answer, made while a plugin imports: the
    name may be another plugin's, later in the order. Returns whether any plugin was loaded (then
    look again); False outside discovery, or when every plugin has been loaded or is loading.
    """
    with _lock:
        return _discovery is not None and _discovery.load_remaining()


def plugins_importing() -> list[tuple[str, str]]:
    """The plugins being loaded in this thread, outermost first, as (entry-point name, ``"plugin
    'x' (distribution 'y')"``); empty outside discovery."""
    with _lock:
        return [] if _discovery is None else [(r.plugin, r.origin) for r in _discovery.importing]


def catalogue() -> Catalogue:
    """Return the live catalogue, discovering the plugins on first use."""
    global _catalogue, _discovering, _discovery
    with _lock:
        if _catalogue is not None:
            return _catalogue
        if _discovering is not None:
            # A plugin's hook looked the registry up (the lock is re-entrant, so only this thread
            # gets here): answer with the plugins loaded so far instead of discovering again.
            return _discovering
        prefer = _preferred if _preferred is not None else env_list("WEIGHTHUB_PREFER") or []
        _discovering = Catalogue(prefer=prefer)
        _discovery = _Discovery(_discovering)
        try:
            _catalogue = _discovery.run()
        finally:
            _discovering = None
            _discovery = None
        return _catalogue


def reload_plugins() -> None:
    """Forget what discovery found; the next lookup scans the entry points again.

    Call it after installing a plugin in a running process or changing ``WEIGHTHUB_*`` settings.
    Models and tasks registered at runtime (:func:`weighthub.register_model`,
    :func:`weighthub.register_task`) are kept.
    """
    global _catalogue
    with _lock:
        _catalogue = None


def plugins() -> list[PluginInfo]:
    """Return one record per plugin found: name, distribution, version, status, error, models."""
    return list(catalogue().plugins)


def _clash(found: Catalogue, registration: Registry) -> tuple[str, EnumProvider] | None:
    """The first name of ``registration`` something in the catalogue already provides."""
    for entry in registration.entries:
        model: EnumProvider | None = found.models.get(entry.name.lower())
        if model is not None:
            return entry.name, model
        if entry.weights_name is not None:
            other = found.enums.get(entry.weights_name)
            if other is not None and other.weights_ref != entry.weights_ref:
                return entry.name, other
    return None


def _register_at_runtime(registration: Registry) -> None:
    """Merge ``registration`` into the live catalogue and keep it in the runtime registry.

    Raises:
        PluginConflictError: A plugin or an earlier registration already uses one of its names.
    """
    with _lock:
        found = catalogue()
        clash = _clash(found, registration)
        if clash is not None:
            name, other = clash
            msg = f"An entry is already registered under the name {name!r}: {other.origin}."
            raise PluginConflictError(msg, name=name, plugins=[other.plugin, RUNTIME_PLUGIN])
        _runtime.entries.extend(registration.entries)
        _runtime.tasks.extend(registration.tasks)
        found.merge(registration)
        found.settle()


def register_model(
    name: str | None = None, *, task: str, weights: type[WeightsEnum] | str | None = None
) -> Callable[[F], F]:
    """Register a builder at runtime (notebooks, tests), through the same registry as plugins.

    Args:
        name: The model name; defaults to the function's name.
        task: The model's task; see :meth:`weighthub.Registry.add_model`.
        weights: Its weights enum, or ``"module:ClassName"``.

    Returns:
        A decorator that registers the function and returns it unchanged.

    Raises:
        PluginConflictError: A plugin or an earlier registration already uses the name.

    Example::

        @weighthub.register_model(task="image_classification", weights=TinyNet_Weights)
        def tinynet(*, weights=None, progress=True, **kwargs): ...
    """

    def decorator(fn: F) -> F:
        registration = Registry(RUNTIME_PLUGIN, None)
        registration.add_model(name or fn.__name__, task=task, builder=fn, weights=weights)
        _register_at_runtime(registration)
        return fn

    return decorator


def register_task(task: Task) -> Task:
    """Declare a task at runtime (notebooks, tests), as a plugin does with ``registry.add_task``.

    Declaring the same task again does nothing. Like runtime models, the task is kept across
    :func:`weighthub.reload_plugins`.

    Args:
        task: The :class:`~weighthub.Task`.

    Returns:
        ``task``, so that ``MY_TASK = weighthub.register_task(weighthub.Task(...))`` works.

    Raises:
        TypeError: ``task`` is not a :class:`~weighthub.Task`.
        PluginConflictError: (a ``ValueError``) a plugin or an earlier registration declares a
            different task of that name.
    """
    registration = Registry(RUNTIME_PLUGIN, None)
    registration.add_task(task)  # refuses anything but a Task
    with _lock:
        existing = catalogue().tasks.get(task.name)
        if existing == task:
            return task
        if existing is not None:
            msg = f"Task {task.name!r} is already declared differently: {existing}."
            raise PluginConflictError(msg, name=task.name, plugins=[RUNTIME_PLUGIN])
        _register_at_runtime(registration)
    return task


def runtime_registry() -> Registry:
    """Return a copy of the runtime registry: the models and tasks registered at runtime."""
    with _lock:
        copy = Registry(RUNTIME_PLUGIN, None)
        copy.entries.extend(_runtime.entries)
        copy.tasks.extend(_runtime.tasks)
        return copy


def restore_runtime_registry(saved: Registry) -> None:
    """Make ``saved`` (from :func:`runtime_registry`) the runtime registry again, and rebuild
    the catalogue."""
    with _lock:
        _runtime.entries[:] = saved.entries
        _runtime.tasks[:] = saved.tasks
    reload_plugins()
