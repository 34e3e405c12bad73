"""torchvision-shaped namespaces: ``weighthub.models`` and ``weighthub.models.<namespace>``.

Plugins place each model in a namespace (``Registry.add_model(..., namespace="detection")``) and
may export other objects there, such as model classes (``Registry.add_export``). A namespace
module's ``__dict__`` holds a :class:`LazyObject` per builder, enum and export until that name is
first used, so ``import weighthub.models.detection`` and scanning ``vars(weighthub.models)``
import no torch. Attribute access returns the real object and caches it in the ``__dict__``.

``weighthub.models.<namespace>`` modules are made by a meta-path finder for every namespace a
plugin declares, plus torchvision's five, which always exist (empty without their plugin). A
plugin namespace (``timm``, :meth:`weighthub.Registry.claim_namespace`) is one too: its models
and the enums its plugin attaches appear in ``weighthub.models.timm`` by their short names.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import inspect
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

from ._catalogue import Catalogue
from ._distributions import missing_plugin_hint
from ._errors import PluginLoadError, close_matches_hint
from ._legacy import call_transparently
from ._plugins import catalogue, load_remaining_plugins, plugins_importing
from ._registry import ModelEntry

__all__ = [
    "ROOT",
    "TORCHVISION_NAMESPACES",
    "LazyObject",
    "Namespace",
    "install_finder",
    "namespace_contents",
    "namespace_of",
]

ROOT = "weighthub.models"
TORCHVISION_NAMESPACES = ("detection", "optical_flow", "quantization", "segmentation", "video")


# Read from the real object, as functools.wraps copies them, so that help(), inspect.signature()
# and documentation tools see the builder's own before it is first called.
_FORWARDED = frozenset(
    {"__doc__", "__module__", "__qualname__", "__wrapped__", "__annotations__", "__signature__"}
)


class LazyObject:
    """Stands in for a builder, weights enum or class in a namespace's ``__dict__``.

    Calling it, reading an attribute (``__doc__``, ``__module__``, ``__qualname__``,
    ``__wrapped__`` and ``inspect.signature`` included), iterating it, ``isinstance(x, it)`` or
    comparing it imports the real object (once) and forwards to it; ``__name__`` and ``repr()``
    do not. Warnings raised through a call point at its caller, as the builder's own would.

    Args:
        name: The attribute name in the namespace.
        load: Imports and returns the object.
        origin: Where it comes from, for ``repr()``.
    """

    def __init__(self, name: str, load: Callable[[], Any], origin: str) -> None:
        self.__name__ = name
        self._load = load
        self._origin = origin

    def resolve(self) -> Any:
        """Import (once) and return the real object."""
        return self._load()

    def __getattribute__(self, attribute: str) -> Any:
        if attribute not in _FORWARDED:
            return object.__getattribute__(self, attribute)
        real = object.__getattribute__(self, "resolve")()
        if attribute != "__signature__":
            return getattr(real, attribute)
        try:
            return inspect.signature(real)
        except (TypeError, ValueError) as exc:
            raise AttributeError(attribute) from exc

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_transparently(self.resolve(), args, kwargs)

    def __getattr__(self, attribute: str) -> Any:
        if attribute in {"_load", "_origin"}:  # not yet set, e.g. while unpickling
            raise AttributeError(attribute)
        return getattr(self.resolve(), attribute)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.resolve())

    def __len__(self) -> int:
        return len(self.resolve())

    def __getitem__(self, key: Any) -> Any:
        return self.resolve()[key]

    def __contains__(self, item: Any) -> bool:
        return item in self.resolve()

    def __instancecheck__(self, instance: Any) -> bool:
        return isinstance(instance, self.resolve())

    def __subclasscheck__(self, subclass: type) -> bool:
        return issubclass(subclass, self.resolve())

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[Any, ...]:
        return (self.resolve(),)

    def __eq__(self, other: object) -> bool:
        mine = self.resolve()
        theirs = other.resolve() if isinstance(other, LazyObject) else other
        return bool(mine is theirs or mine == theirs)

    def __hash__(self) -> int:
        return hash(self.resolve())

    def __repr__(self) -> str:
        return f"<{self.__name__} from {self._origin}, imported on first use>"


def namespace_of(module: object) -> str | None:
    """Return ``""`` for ``weighthub.models``, ``"detection"`` for its detection namespace, or
    None when ``module`` is not one of them."""
    if not isinstance(module, ModuleType):
        return None
    name = module.__name__
    if name == ROOT:
        return ""
    if name.startswith(ROOT + ".") and isinstance(module, Namespace):
        return name[len(ROOT) + 1 :]
    return None


def declared_namespaces(found: Catalogue) -> set[str]:
    """Every namespace (and parent namespace) that exists, ``""`` excluded."""
    names = {*TORCHVISION_NAMESPACES, *found.namespaces}
    names |= {entry.namespace for entry in found.models.values()}
    names |= {export.namespace for export in found.exports}
    parents = {name.rsplit(".", i)[0] for name in names for i in range(name.count(".") + 1)}
    return (names | parents) - {""}


def _contents(found: Catalogue, namespace: str) -> dict[str, LazyObject]:
    """The lazy objects of one namespace: its builders, their enums, and the plugins' exports."""
    contents: dict[str, LazyObject] = {}
    for key, entry in found.models.items():
        if entry.namespace == namespace and found.conflict("model", key) is None:
            contents[entry.attribute] = LazyObject(
                entry.attribute, entry.load_builder, entry.origin
            )
    for enum, provider in found.enums.items():
        # A model's own enum, or one attached to it by another plugin: both go where the model is,
        # unless the attaching plugin has a namespace of its own.
        if isinstance(provider, ModelEntry):
            where: str | None = provider.namespace
        else:
            where = provider.plugin_namespace or getattr(provider.target, "namespace", None)
        if where != namespace:
            continue
        if found.conflict("weights enum", enum) is None:
            name = provider.weights_name or enum
            contents.setdefault(name, LazyObject(name, provider.load_weights, provider.origin))
    for export in found.exports:
        if export.namespace == namespace:
            origin = f"plugin {export.plugin!r}"
            contents.setdefault(export.name, LazyObject(export.name, export.load, origin))
    return contents


def namespace_contents(namespace: str) -> dict[str, LazyObject]:
    """The lazy objects the installed plugins place in ``weighthub.models.<namespace>``
    (``""``: ``weighthub.models`` itself), by attribute name."""
    return _contents(catalogue(), namespace)


_lock = threading.RLock()
# module name -> (the catalogue it was filled from, its size then, the names it filled in)
_filled: dict[str, tuple[Catalogue, tuple[int, int, int], frozenset[str]]] = {}


def _real_dict(module: ModuleType) -> dict[str, Any]:
    return ModuleType.__getattribute__(module, "__dict__")  # type: ignore[no-any-return]


def _sync(module: ModuleType) -> None:
    """Make the module's ``__dict__`` hold the current catalogue's objects for its namespace."""
    name = ModuleType.__getattribute__(module, "__name__")
    found = catalogue()
    # The enums count too: a namespace filled while discovery runs (a plugin importing another's
    # builder) is filled again once the attachments are settled into the same catalogue.
    size = (len(found.models), len(found.exports), len(found.enums))
    with _lock:
        previous = _filled.get(name)
        if previous is not None and previous[0] is found and previous[1] == size:
            return
        namespace = "" if name == ROOT else name[len(ROOT) + 1 :]
        contents = _contents(found, namespace)
        real = _real_dict(module)
        for stale in previous[2] if previous is not None else ():
            real.pop(stale, None)
        own = {key for key in contents if key not in real}
        real.update({key: contents[key] for key in own})
        _filled[name] = (found, size, frozenset(own))


class Namespace(ModuleType):
    """A ``weighthub.models`` namespace module; see the module docstring."""

    def __getattribute__(self, name: str) -> Any:
        if name == "__dict__" or not name.startswith("__"):
            _sync(self)
        elif name == "__all__":  # `from weighthub.models.detection import *`, as in torchvision
            _sync(self)
            real = _real_dict(self)
            own = _filled[ModuleType.__getattribute__(self, "__name__")][2]
            return sorted({*real.get("__all__", ()), *own})
        value = super().__getattribute__(name)
        if type(value) is LazyObject:
            value = value.resolve()
            _real_dict(self)[name] = value
        return value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        own = ModuleType.__getattribute__(self, "__name__")
        namespace = "" if own == ROOT else own[len(ROOT) + 1 :]
        child = f"{namespace}.{name}" if namespace else name
        found = catalogue()
        if child in declared_namespaces(found):
            return importlib.import_module(f"{ROOT}.{child}")
        if not namespace:
            legacy = _anywhere(found, name)
            if legacy is not None:
                return legacy
        submodule = f"{own}.{name}"  # torchvision's implementation modules (models.resnet ...)
        try:
            return importlib.import_module(submodule)
        except ModuleNotFoundError as exc:
            if exc.name != submodule:
                raise
        if load_remaining_plugins():
            # A plugin's import asked for a name of a plugin later in the discovery order.
            return getattr(self, name)
        importing = plugins_importing()
        if len(importing) > 1:
            raise _waiting_on_each_other(own, name, importing)
        raise AttributeError(_missing_message(found, own, namespace, name), name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing weighthub.models.alexnet binds the module on its parent, as the import system
        # does; the builder of that name keeps the attribute, as in torchvision.
        own = ModuleType.__getattribute__(self, "__name__")
        if isinstance(value, ModuleType) and value.__name__ == f"{own}.{name}":
            _sync(self)
            if name in _filled[own][2]:
                return
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        own = ModuleType.__getattribute__(self, "__name__")
        namespace = "" if own == ROOT else own[len(ROOT) + 1 :]
        children = {
            child[len(namespace) + 1 :] if namespace else child
            for child in declared_namespaces(catalogue())
            if child.rpartition(".")[0] == namespace
        }
        return sorted({*self.__dict__, *children})


def _waiting_on_each_other(module: str, name: str, importing: list[tuple[str, str]]) -> Exception:
    """The error for a name that plugins still importing may provide: their imports wait on
    each other (plugin A imports B's builder while B imports A's)."""
    *waited_on, looking = [origin for _, origin in importing]
    others = " and ".join(waited_on)
    names = " or ".join(repr(plugin) for plugin, _ in importing[:-1])
    msg = (
        f"{module}.{name} is not provided by any plugin loaded so far: {looking} looked it up "
        f"while importing, and its import was started by {others}, still importing too (it looked "
        f"up a name of a plugin loaded after it). If plugin {names} provides "
        f"{name!r}, these plugins import each other's builders at import time, which cannot "
        "work: import the builder inside the function that uses it, or refer to weights by name "
        "(weighthub.WeightsRef)."
    )
    plugin, _ = importing[-1]
    return PluginLoadError(
        msg, name=f"{module}.{name}", plugin=plugin, cycle=[p for p, _ in importing]
    )


def _anywhere(found: Catalogue, name: str) -> Any:
    """``weighthub.models.<name>`` for a model or enum of any namespace, by its registered name.

    Kept so ``weighthub.models.quantized_resnet50`` and ``weighthub.models.fasterrcnn_resnet50_fpn``
    go on working; they are not in ``weighthub.models.__dict__``, as in torchvision.
    """
    entry = found.model(name, refuse=False) if name == name.lower() else None
    if entry is not None and found.conflict("model", entry.name.lower()) is None:
        return entry.load_builder()
    provider = found.enum(name, refuse=False)  # a model's own enum, or one attached to it
    if provider is not None and found.conflict("weights enum", str(provider.enum_key)) is None:
        return provider.load_weights()
    return None


def _missing_message(found: Catalogue, module: str, namespace: str, name: str) -> str:
    elsewhere = [
        other
        for other in sorted(declared_namespaces(found) | {""})
        if other != namespace and name in _contents(found, other)
    ]
    if elsewhere:
        where = f"{ROOT}.{elsewhere[0]}" if elsewhere[0] else ROOT
        hint = f" It is in {where}: {where}.{name}."
    else:
        known: list[str] = list(_contents(found, namespace))
        if not namespace:
            known += [*(e.name for e in found.models.values()), *found.enums]
        hint = close_matches_hint(name, known, ignore_case=True) or close_matches_hint(
            name, [*(e.attribute for e in found.models.values()), *found.enums], ignore_case=True
        )
    plugin_hint = missing_plugin_hint(name, "models", found.plugins) or missing_plugin_hint(
        name, "enums", found.plugins
    )
    return (
        f"{module} has no model, weights enum or export {name!r}.{plugin_hint or hint}"
        " Run `weighthub list` to see what the installed plugins provide."
    )


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes ``import weighthub.models.<namespace>`` work for every declared namespace."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(ROOT + "."):
            return None
        namespace = fullname[len(ROOT) + 1 :]
        if namespace not in declared_namespaces(catalogue()) and not (
            load_remaining_plugins() and namespace in declared_namespaces(catalogue())
        ):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = Namespace(spec.name)
        module.__doc__ = (
            f"The builders, weights enums and classes the installed plugins place in {spec.name}, "
            "as torchvision's namespace of that name holds them."
        )
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the namespace fills itself from the catalogue."""


_finder = _Finder()


def install_finder() -> None:
    """Add the namespace finder to ``sys.meta_path`` (once), after the regular finders."""
    if _finder not in sys.meta_path:
        sys.meta_path.append(_finder)
