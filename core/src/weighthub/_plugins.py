"""Plugin discovery: entry points in the ``weighthub.plugins`` group, called through pluggy.

Discovery runs once, on the first registry lookup (never at ``import weighthub``). Each plugin is
loaded and called on its own: one that fails to import or whose hook raises (even ``SystemExit``:
a plugin never ends the caller's process; ``KeyboardInterrupt`` still propagates) is skipped with
a single :class:`~weighthub.PluginWarning`, and the others keep working. A hook that looks the
registry up while discovery runs (``weighthub.list_models()``) sees the plugins loaded before it.

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

import json
import os
import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from importlib.resources import files
from typing import Any, Literal

import pluggy

from . import hookspecs
from ._attach import settle_attachments
from ._errors import PluginConflictError, PluginLoadError, PluginWarning
from ._markers import PROJECT_NAME
from ._registry import Export, ModelEntry, Registry, WeightsAttachment
from ._settings import env_list, strict_mode
from ._tasks import CORE_TASKS, Task, runtime_tasks

__all__ = [
    "ENTRY_POINT_GROUP",
    "RUNTIME_PLUGIN",
    "Catalogue",
    "EnumProvider",
    "PluginInfo",
    "add_runtime_entry",
    "catalogue",
    "conflict_message",
    "environment_hint",
    "missing_plugin_hint",
    "plugin_matches",
    "plugins",
    "prefer_plugins",
    "reload_plugins",
    "replace_runtime_entries",
    "runtime_entries",
]

ENTRY_POINT_GROUP = "weighthub.plugins"
RUNTIME_PLUGIN = "<runtime>"

PluginStatus = Literal["loaded", "failed", "disabled"]


@dataclass(frozen=True)
class PluginInfo:
    """What discovery found out about one plugin.

    Attributes:
        name: The entry-point name.
        distribution: The distribution that declares the entry point.
        version: That distribution's version.
        status: ``"loaded"``, ``"failed"`` (see ``error``) or ``"disabled"`` (by
            ``WEIGHTHUB_PLUGINS`` / ``WEIGHTHUB_DISABLE_PLUGINS``).
        error: Why the plugin failed, or None.
        models: How many models it registered.
        module: The entry point's value, the plugin module.
        attached: How many weights enums it attaches to models (its own or other plugins').
    """

    name: str
    distribution: str | None
    version: str | None
    status: PluginStatus
    error: str | None
    models: int
    module: str
    attached: int = 0


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def plugin_matches(names: Iterable[str], plugin: str, distribution: str | None) -> bool:
    """Whether ``names`` (plugin or distribution names, any spelling) include this plugin."""
    wanted = {_normalise(n) for n in names}
    return _normalise(plugin) in wanted or (
        distribution is not None and _normalise(distribution) in wanted
    )


_preferred: list[str] | None = None


def prefer_plugins(names: Sequence[str] | None) -> None:
    """Settle name conflicts in favour of these plugins (most preferred first).

    Overrides ``WEIGHTHUB_PREFER``; None goes back to it. Takes effect immediately.

    Args:
        names: Plugin (entry-point) or distribution names.
    """
    global _preferred
    _preferred = None if names is None else list(names)
    reload_plugins()


def _rank(entry: ModelEntry | WeightsAttachment) -> int | None:
    names = _preferred if _preferred is not None else env_list("WEIGHTHUB_PREFER") or []
    for position, name in enumerate(names):
        if plugin_matches([name], entry.plugin, entry.distribution):
            return position
    return None


EnumProvider = ModelEntry | WeightsAttachment
"""What provides a weights enum: a model's entry, or a weights plugin's attachment."""


@dataclass
class Catalogue:
    """Every model and weights enum of the loaded plugins, by name.

    ``attachments`` maps a model's lower-case name to the enums weights plugins attach to it;
    ``dangling`` holds the attachments to models no installed plugin registers.
    """

    models: dict[str, ModelEntry] = field(default_factory=dict)
    enums: dict[str, EnumProvider] = field(default_factory=dict)
    conflicts: dict[str, list[EnumProvider]] = field(default_factory=dict)
    plugins: list[PluginInfo] = field(default_factory=list)
    attachments: dict[str, list[WeightsAttachment]] = field(default_factory=dict)
    dangling: list[WeightsAttachment] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    tasks: dict[str, Task] = field(default_factory=lambda: {t.name: t for t in CORE_TASKS})

    def add_task(self, task: Task, origin: str) -> None:
        """Add a declared task; a different declaration of a known name is warned about."""
        current = self.tasks.setdefault(task.name, task)
        if current != task:
            message = (
                f"Task {task.name!r} from {origin} differs from the one already declared "
                f"({current}); the first declaration is kept. Give the task another name."
            )
            if strict_mode():
                raise PluginConflictError(message)
            warnings.warn(message, PluginWarning, stacklevel=2)

    def add(self, entry: ModelEntry) -> None:
        """Add one entry, settling a name clash by preference or recording the conflict."""
        self._place(self.models, entry.name.lower(), entry, "model", entry.name)
        if entry.weights_name is not None:
            self.add_enum(entry)

    def add_enum(self, provider: EnumProvider) -> None:
        """Add a weights enum by name, settling a clash as for models."""
        name = provider.weights_name
        if name is None:
            msg = f"An entry from {provider.origin} has no weights enum to add to the catalogue."
            raise ValueError(msg)
        self._place(self.enums, name, provider, "weights enum", name)

    def _place(
        self, table: dict[str, Any], key: str, entry: EnumProvider, kind: str, shown: str
    ) -> None:
        current = table.get(key)
        if current is None:
            table[key] = entry
            return
        if kind == "weights enum" and current.weights_ref == entry.weights_ref:
            return  # Two models sharing one enum is fine.
        mine, theirs = _rank(entry), _rank(current)
        if mine is not None and (theirs is None or mine < theirs):
            table[key] = entry
            return
        if theirs is not None:
            return
        clashing = self.conflicts.setdefault(f"{kind}:{key}", [current])
        clashing.append(entry)
        if strict_mode():
            self.refuse_conflict(kind, key, shown)
        warnings.warn(conflict_message(kind, shown, clashing), PluginWarning, stacklevel=2)

    def conflict(self, kind: str, key: str) -> list[EnumProvider] | None:
        """Return the entries that clash on ``key``, or None."""
        return self.conflicts.get(f"{kind}:{key}")

    def refuse_conflict(self, kind: str, key: str, shown: str) -> None:
        """Raise the :class:`PluginConflictError` of a clash on ``key``, if there is one.

        Args:
            kind: ``"model"`` or ``"weights enum"``.
            key: The catalogue key (a model's is lower-cased).
            shown: The name as the caller wrote it, for the message and ``.name``.
        """
        clash = self.conflict(kind, key)
        if clash is not None:
            msg = conflict_message(kind, shown, clash)
            raise PluginConflictError(msg, name=shown, plugins=[e.plugin for e in clash])


def conflict_message(kind: str, name: str, entries: Sequence[EnumProvider]) -> str:
    """Explain a name clash and how to settle it."""
    origins = " and ".join(entry.origin for entry in entries)
    return (
        f"The {kind} name {name!r} is provided by {origins}. Uninstall one, or pick the winner "
        f"with WEIGHTHUB_PREFER=<plugin or distribution> (or weighthub.prefer_plugins([...]))."
    )


_lock = threading.RLock()
_catalogue: Catalogue | None = None
# The catalogue being filled while discovery runs: what a hook calling back into the registry sees.
_discovering: Catalogue | None = None
_runtime_entries: list[ModelEntry] = []


def _unique_entry_points() -> list[EntryPoint]:
    seen: dict[tuple[str, str, str], EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else ""
        seen.setdefault((_normalise(dist), ep.name, ep.value), ep)
    return sorted(
        seen.values(), key=lambda ep: (_normalise(ep.dist.name if ep.dist else ""), ep.name)
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


def _discover(found: Catalogue) -> Catalogue:
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    allow, block = env_list("WEIGHTHUB_PLUGINS"), env_list("WEIGHTHUB_DISABLE_PLUGINS") or []
    attachments: list[WeightsAttachment] = []
    for ep in _unique_entry_points():
        dist = ep.dist.name if ep.dist is not None else None
        version = ep.dist.version if ep.dist is not None else None
        if plugin_matches(block, ep.name, dist) or (
            allow is not None and not plugin_matches(allow, ep.name, dist)
        ):
            found.plugins.append(PluginInfo(ep.name, dist, version, "disabled", None, 0, ep.value))
            continue
        registry = Registry(ep.name, dist)
        try:
            _load_one(manager, ep, registry)
        except (Exception, SystemExit) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, SystemExit):
                error += " (the plugin called sys.exit())"
            found.plugins.append(PluginInfo(ep.name, dist, version, "failed", error, 0, ep.value))
            message = f"Skipping weighthub plugin {ep.name!r} from distribution {dist!r}: {error}"
            if strict_mode():
                raise PluginLoadError(
                    message, name=ep.value, plugin=ep.name, distribution=dist
                ) from exc
            warnings.warn(message, PluginWarning, stacklevel=4)
            continue
        for task in registry.tasks:
            found.add_task(task, registry.origin)
        for entry in registry.entries:
            found.add(entry)
        attachments.extend(registry.attachments)
        found.exports.extend(registry.exports)
        found.plugins.append(
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
    for task in runtime_tasks():
        found.add_task(task, "weighthub.meta.register_task")
    for entry in _runtime_entries:
        found.add(entry)
    settle_attachments(found, attachments)
    return found


def catalogue() -> Catalogue:
    """Return the catalogue, discovering the plugins on first use."""
    global _catalogue, _discovering
    with _lock:
        if _catalogue is not None:
            return _catalogue
        if _discovering is not None:
            # A plugin's hook looked the registry up (the lock is re-entrant, so only this thread
            # gets here): answer with the plugins loaded so far instead of discovering again.
            return _discovering
        _discovering = Catalogue()
        try:
            _catalogue = _discover(_discovering)
        finally:
            _discovering = None
        return _catalogue


def reload_plugins() -> None:
    """Forget what discovery found; the next lookup scans the entry points again.

    Call it after installing a plugin in a running process or changing ``WEIGHTHUB_*`` settings.
    Models registered with :func:`weighthub.register_model` are kept.
    """
    global _catalogue
    with _lock:
        _catalogue = None


def add_runtime_entry(entry: ModelEntry) -> None:
    """Register a model at runtime, refusing a name some plugin already provides."""
    with _lock:
        current = catalogue()
        clash: EnumProvider | None = current.models.get(entry.name.lower())
        if clash is None and entry.weights_name is not None:
            other = current.enums.get(entry.weights_name)
            clash = other if other is not None and other.weights_ref != entry.weights_ref else None
        if clash is not None:
            msg = f"An entry is already registered under the name {entry.name!r}: {clash.origin}."
            raise PluginConflictError(msg, name=entry.name, plugins=[clash.plugin, entry.plugin])
        _runtime_entries.append(entry)
        current.add(entry)


def runtime_entries() -> list[ModelEntry]:
    """Return (a copy of) the models registered at runtime, oldest first."""
    with _lock:
        return list(_runtime_entries)


def replace_runtime_entries(entries: Iterable[ModelEntry]) -> None:
    """Make ``entries`` the models registered at runtime, and rebuild the catalogue."""
    with _lock:
        _runtime_entries[:] = entries
    reload_plugins()


def plugins() -> list[PluginInfo]:
    """Return one record per plugin found: name, distribution, version, status, error, models."""
    return list(catalogue().plugins)


def environment_hint() -> str:
    """Describe the active plugin filters, for error messages."""
    active = [
        f"{name}={os.environ[name]!r}"
        for name in ("WEIGHTHUB_PLUGINS", "WEIGHTHUB_DISABLE_PLUGINS")
        if name in os.environ
    ]
    return f" (active filters: {', '.join(active)})" if active else ""


@cache
def _first_party() -> dict[str, dict[str, list[str]]]:
    text = files("weighthub").joinpath("_data/first_party.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, list[str]]] = json.loads(text)
    return data


def missing_plugin_hint(name: str, kind: str, records: Sequence[PluginInfo] | None = None) -> str:
    """Say which first-party plugin provides ``name`` and how to get it.

    ``records`` are the plugins found, when asked during discovery; the catalogue's otherwise.
    """
    for plugin, names in _first_party().items():
        if name in names[kind]:
            distribution = f"weighthub-{plugin}"
            record = next(
                (
                    p
                    for p in (catalogue().plugins if records is None else records)
                    if plugin_matches([distribution], p.name, p.distribution)
                ),
                None,
            )
            if record is None:
                return (
                    f" It is provided by the plugin {distribution!r}, which is not installed: "
                    f"pip install {distribution} (from a weighthub checkout: "
                    f"pip install ./plugins/{plugin})."
                )
            if record.status == "failed":
                return f" Its plugin {distribution!r} failed to load: {record.error}"
            if record.status == "disabled":
                return (
                    f" Its plugin {distribution!r} is installed but disabled{environment_hint()}."
                )
    return ""
