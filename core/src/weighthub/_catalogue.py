"""The catalogue: the models, weights enums, tasks and exports of the registries merged into it.

A :class:`Catalogue` merges :class:`~weighthub.Registry` objects, one per plugin and the runtime
one, each the same way: a name clash is settled by preference (``WEIGHTHUB_PREFER``,
:func:`weighthub.prefer_plugins`) or recorded as a conflict. Once every registry is in,
:meth:`Catalogue.settle` attaches the weights enums plugins attach to models
(:meth:`weighthub.Registry.add_weights`): each joins its model's list and the enums, and an index
from a model's own enum to its attachments answers :meth:`Catalogue.attached_to` (what
``WeightsEnum.verify`` asks) without looking at any other model.

A plugin that claims a namespace (:meth:`weighthub.Registry.claim_namespace`) has its models and
enums keyed ``"<namespace>/<name>"``; their short names are found through an index, and only
when no plugin without a namespace uses them and no other namespace does (or a preference picks
one). Plugins of one distribution may share a namespace; plugins of two distributions claiming it
are a conflict like a name clash, and the namespace is unusable until a preference settles it.

This module holds no state of its own: the live catalogue is the one discovery builds
(:func:`weighthub._plugins.catalogue`).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from ._distributions import (
    PluginInfo,
    is_first_party_name,
    missing_plugin_hint,
    normalise,
    plugin_matches,
)
from ._entries import FromPlugin
from ._errors import PluginConflictError, PluginLoadError, PluginWarning
from ._names import split_qualified
from ._registry import Export, ModelEntry, Registry, WeightsAttachment
from ._settings import strict_mode
from ._tasks import CORE_TASKS, Task
from ._weights import WeightsEnum

__all__ = ["PROVISIONAL_PLUGIN", "Catalogue", "EnumProvider", "conflict_message"]

PROVISIONAL_PLUGIN = "<provisional>"
"""The plugin name of an enum attached for one block (:meth:`Catalogue.provisionally_attached`)."""

EnumProvider = ModelEntry | WeightsAttachment
"""What provides a weights enum: a model's entry, or a weights plugin's attachment."""


_SETTLE = (
    "pick the winner with WEIGHTHUB_PREFER=<plugin or distribution> (or "
    "weighthub.prefer_plugins([...]))"
)


def conflict_message(kind: str, name: str, entries: Sequence[FromPlugin]) -> str:
    """Explain a name clash (or two distributions claiming one namespace) and how to settle it."""
    origins = " and ".join(entry.origin for entry in entries)
    what = (
        f"The namespace {name!r} is claimed"
        if kind == "namespace"
        else f"The {kind} name {name!r} is provided"
    )
    return f"{what} by {origins}. Uninstall one, or {_SETTLE}."


def _ambiguity_message(kind: str, name: str, entries: Sequence[tuple[str, FromPlugin]]) -> str:
    """Explain a short name that several plugin namespaces use."""
    named = " and ".join(f"{key!r} ({entry.origin})" for key, entry in entries)
    return f"The {kind} name {name!r} is ambiguous: it is {named}. Use the full name, or {_SETTLE}."


class Catalogue:
    """Every model, weights enum, task and export of the registries merged, by name.

    Args:
        prefer: Plugin or distribution names, most preferred first, that settle name clashes.

    Attributes:
        models: Model entries by lower-case name (``"timm/resnet50"`` in a plugin namespace).
        enums: What provides each weights enum, by enum name (``"timm/resnet50_Weights"``).
        conflicts: The entries that clash on a name no preference settles, by
            ``"<kind>:<name>"`` (``"namespace:<namespace>"``: the plugins claiming it).
        namespaces: The plugin namespaces, each with the registry of (one of) its plugins.
        plugins: What discovery found out about each plugin.
        attachments: The enums attached to each model, by the model's lower-case name.
        dangling: The attachments to models no merged registry provides.
        exports: The objects plugins place in ``weighthub.models`` namespaces.
        tasks: The declared tasks by name, core's first.
    """

    def __init__(self, *, prefer: Sequence[str] = ()) -> None:
        self.models: dict[str, ModelEntry] = {}
        self.enums: dict[str, EnumProvider] = {}
        self.conflicts: dict[str, list[FromPlugin]] = {}
        self.namespaces: dict[str, Registry] = {}
        self.plugins: list[PluginInfo] = []
        self.attachments: dict[str, list[WeightsAttachment]] = {}
        self.dangling: list[WeightsAttachment] = []
        self.exports: list[Export] = []
        self.tasks: dict[str, Task] = {task.name: task for task in CORE_TASKS}
        self._prefer = list(prefer)
        self._pending: list[WeightsAttachment] = []
        # A model's own enum name -> the attachments to the models using an enum of that name.
        self._attached_by_enum: dict[str, list[WeightsAttachment]] = {}
        # Registries claiming a namespace, until settle() gives it to one distribution.
        self._claims: dict[str, list[Registry]] = {}
        # A short name -> the full names ("timm/resnet50") of namespaced models and enums.
        self._short_models: dict[str, set[str]] = {}
        self._short_enums: dict[str, set[str]] = {}

    # --- merging ------------------------------------------------------------------------------

    def merge(self, registry: Registry) -> None:
        """Add what one registry collected: tasks, models, exports; attachments wait for
        :meth:`settle`, and so does everything of a registry that claims a namespace."""
        for task in registry.tasks:
            self.add_task(task, registry.origin)
        if registry.plugin_namespace:
            self._claims.setdefault(registry.plugin_namespace, []).append(registry)
            return
        self._merge_contents(registry)

    def _merge_contents(self, registry: Registry) -> None:
        for entry in registry.entries:
            self.add(entry)
        self.exports.extend(registry.exports)
        self._pending.extend(registry.attachments)

    def record(self, info: PluginInfo) -> None:
        """Keep what discovery found out about one plugin (loaded, failed or disabled)."""
        self.plugins.append(info)

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
        key = entry.name.lower()
        self._place(self.models, key, entry, "model", entry.name)
        if entry.plugin_namespace:
            self._short_models.setdefault(entry.short_name.lower(), set()).add(key)
        if entry.weights_name is not None:
            self.add_enum(entry)

    def add_enum(self, provider: EnumProvider) -> None:
        """Add a weights enum by name, settling a clash as for models."""
        name = provider.enum_key
        if name is None:
            msg = f"An entry from {provider.origin} has no weights enum to add to the catalogue."
            raise ValueError(msg)
        self._place(self.enums, name, provider, "weights enum", name)
        if provider.plugin_namespace:
            self._short_enums.setdefault(split_qualified(name)[1], set()).add(name)

    def _rank(self, entry: FromPlugin) -> int | None:
        for position, name in enumerate(self._prefer):
            if plugin_matches([name], entry.plugin, entry.distribution):
                return position
        return None

    def _place(
        self, table: dict[str, Any], key: str, entry: EnumProvider, kind: str, shown: str
    ) -> None:
        current = table.get(key)
        if current is None:
            table[key] = entry
            return
        if kind == "weights enum" and current.weights_ref == entry.weights_ref:
            return  # Two models sharing one enum is fine.
        mine, theirs = self._rank(entry), self._rank(current)
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

    def settle(self) -> None:
        """Give each claimed namespace to one distribution, then attach each pending enum to its
        model, or warn once that the model is not installed.

        Raises:
            PluginConflictError: Under ``WEIGHTHUB_STRICT=1``, for a namespace two distributions
                claim.
            PluginLoadError: Under ``WEIGHTHUB_STRICT=1``, for an attachment to a missing model.
        """
        self._settle_claims()
        pending, self._pending = self._pending, []
        for attachment in pending:
            target = self.model(attachment.model, refuse=False)
            if target is None:
                self.dangling.append(attachment)
                message = self.dangling_message(attachment)
                if strict_mode():
                    raise PluginLoadError(
                        message,
                        name=attachment.plugin,
                        plugin=attachment.plugin,
                        distribution=attachment.distribution,
                    )
                warnings.warn(message, PluginWarning, stacklevel=5)
                continue
            if self._claims_a_models_enum(attachment):
                continue
            self._attach(attachment, target)
            self.add_enum(attachment)

    def _settle_claims(self) -> None:
        claims, self._claims = self._claims, {}
        for namespace, registries in claims.items():
            by_distribution: dict[str, list[Registry]] = {}
            for registry in registries:
                owner = normalise(registry.distribution or registry.plugin)
                by_distribution.setdefault(owner, []).append(registry)
            claimants = [group[0] for group in by_distribution.values()]
            ranked = [(rank, r) for r in claimants if (rank := self._rank(r)) is not None]
            if len(claimants) > 1 and not ranked:
                self.conflicts[f"namespace:{namespace}"] = list(claimants)
                message = conflict_message("namespace", namespace, claimants)
                if strict_mode():
                    plugins = [r.plugin for r in claimants]
                    raise PluginConflictError(message, name=namespace, plugins=plugins)
                warnings.warn(message, PluginWarning, stacklevel=5)
                continue
            winner = min(ranked, key=lambda pair: pair[0])[1] if ranked else claimants[0]
            self.namespaces[namespace] = winner
            for registry in by_distribution[normalise(winner.distribution or winner.plugin)]:
                self._merge_contents(registry)

    def _claims_a_models_enum(self, attachment: WeightsAttachment) -> bool:
        """Refuse an attached enum named like a model's own enum (a third party's
        ``ResNet18_Weights``): the model's enum keeps its name, the attachment is not made.

        Raises:
            PluginConflictError: Under ``WEIGHTHUB_STRICT=1``; otherwise a warning says the same.
        """
        own = self.enums.get(attachment.enum_key)
        if not isinstance(own, ModelEntry) or own.weights_ref == attachment.weights_ref:
            return False
        msg = (
            f"{conflict_message('weights enum', attachment.weights_name, [own, attachment])} "
            f"The attached enum is ignored and {own.origin}'s stays usable; the attaching "
            f"plugin should give its enum a name of its own."
        )
        if strict_mode():
            raise PluginConflictError(
                msg, name=attachment.weights_name, plugins=[own.plugin, attachment.plugin]
            )
        warnings.warn(msg, PluginWarning, stacklevel=5)
        return True

    def _attach(self, attachment: WeightsAttachment, target: ModelEntry) -> None:
        attachment.target = target
        self.attachments.setdefault(target.name.lower(), []).append(attachment)
        if target.weights_name is not None:
            self._attached_by_enum.setdefault(target.weights_name, []).append(attachment)

    def _detach(self, attachment: WeightsAttachment) -> None:
        target = attachment.target
        if target is None:
            return
        self.attachments.get(target.name.lower(), []).remove(attachment)
        if target.weights_name is not None:
            self._attached_by_enum.get(target.weights_name, []).remove(attachment)

    # --- reading ------------------------------------------------------------------------------

    def conflict(self, kind: str, key: str) -> list[FromPlugin] | None:
        """Return the entries that clash on ``key``, or None."""
        return self.conflicts.get(f"{kind}:{key}")

    def model(self, name: str, *, refuse: bool = True) -> ModelEntry | None:
        """The model called ``name`` (any case): ``"resnet50"``, ``"timm/resnet50"``, or a short
        name only one plugin namespace uses; None when there is none.

        Args:
            name: The name.
            refuse: False returns None for an ambiguous short name, and the first entry of a
                clash, instead of raising.

        Raises:
            PluginConflictError: The name clashes, its namespace is claimed by two
                distributions, or several namespaces use the short name.
        """
        found: ModelEntry | None = self._find(
            self.models, self._short_models, "model", name.lower(), name, refuse
        )
        return found

    def enum(self, name: str, *, refuse: bool = True) -> EnumProvider | None:
        """What provides the weights enum ``name`` (case-sensitive), as :meth:`model` finds it."""
        found: EnumProvider | None = self._find(
            self.enums, self._short_enums, "weights enum", name, name, refuse
        )
        return found

    def provider_of(self, enum: type[WeightsEnum]) -> EnumProvider | None:
        """What provides the enum class ``enum`` (a model's entry or an attachment), or None.

        Matched by the class or ``"module:attr"`` reference it was registered under, or else (a
        reference to a re-export) by importing the entries of that name: only those are looked at.
        """
        candidates = [p for p in self.enums.values() if p.weights_name == enum.__name__]
        reference = f"{enum.__module__}:{enum.__qualname__}"
        for provider in candidates:
            if provider.weights_ref is enum or provider.weights_ref == reference:
                return provider
        for provider in candidates:
            try:
                if provider.load_weights() is enum:
                    return provider
            except Exception:  # another plugin's broken enum is not this lookup's error
                continue
        return None

    def _find(
        self,
        table: dict[str, Any],
        short: dict[str, set[str]],
        kind: str,
        key: str,
        shown: str,
        refuse: bool,
    ) -> Any:
        namespace, _ = split_qualified(key)
        if refuse:
            if namespace:
                self.refuse_conflict("namespace", namespace, namespace)
            self.refuse_conflict(kind, key, shown)
        found = table.get(key)
        if found is not None or namespace:
            return found
        if is_first_party_name(key, "models" if kind == "model" else "enums"):
            return None  # torchvision's names stay theirs, installed or not
        usable = sorted(k for k in short.get(key, ()) if self.conflict(kind, k) is None)
        if len(usable) <= 1:
            return table[usable[0]] if usable else None
        ranked = [(rank, k) for k in usable if (rank := self._rank(table[k])) is not None]
        if ranked:
            return table[min(ranked)[1]]
        if not refuse:
            return None
        msg = _ambiguity_message(kind, shown, [(k, table[k]) for k in usable])
        raise PluginConflictError(msg, name=shown, plugins=[table[k].plugin for k in usable])

    def short_name_users(self, kind: str, name: str) -> list[str]:
        """The full names of the namespaced models (or enums) whose short name is ``name``."""
        short = self._short_models if kind == "model" else self._short_enums
        return sorted(short.get(name.lower() if kind == "model" else name, ()))

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

    def attachments_of(self, entry: ModelEntry) -> list[WeightsAttachment]:
        """Return the usable attachments of a model: those whose enum name nobody else claims."""
        return [
            attachment
            for attachment in self.attachments.get(entry.name.lower(), [])
            if self.conflict("weights enum", attachment.enum_key) is None
        ]

    def attached_to(self, enum: type[WeightsEnum]) -> list[WeightsAttachment]:
        """The usable attachments of every model whose own weights enum is ``enum``.

        Looks only at the models using an enum of that name (an index), never at the others.
        """
        result: list[WeightsAttachment] = []
        targets = {id(a.target): a.target for a in self._attached_by_enum.get(enum.__name__, ())}
        for target in targets.values():
            if target is None:
                continue
            try:
                own = target.load_weights()
            except Exception:  # another model's broken enum is not this call's error
                continue
            if own is enum:
                result.extend(self.attachments_of(target))
        return result

    def dangling_message(self, attachment: WeightsAttachment) -> str:
        """Explain an attachment to a model no installed plugin registers, with the pip line."""
        users = self.short_name_users("model", attachment.model)
        if len(users) > 1:
            return (
                f"{attachment.origin.capitalize()} attaches weights {attachment.weights_name!r} to "
                f"model {attachment.model!r}, a name several plugin namespaces use "
                f"({', '.join(users)}); they are unusable until the plugin attaches them to one "
                "of those full names."
            )
        hint = missing_plugin_hint(attachment.model.lower(), "models", self.plugins)
        return (
            f"{attachment.origin.capitalize()} attaches weights {attachment.weights_name!r} to "
            f"model {attachment.model!r}, which no loaded plugin registers; they are unusable "
            f"until it is installed.{hint or ' Install the plugin that provides the model.'}"
        )

    @contextlib.contextmanager
    def provisionally_attached(
        self, entry: ModelEntry, enum: type[WeightsEnum]
    ) -> Iterator[WeightsAttachment]:
        """Attach ``enum`` to ``entry``'s model for the duration of the block.

        The model's builder then accepts its members exactly as it will once a plugin attaches
        them; ``get_weight`` does not find the enum.

        Yields:
            The attachment.
        """
        attachment = WeightsAttachment(entry.name, PROVISIONAL_PLUGIN, None, enum)
        self._attach(attachment, entry)
        try:
            yield attachment
        finally:
            self._detach(attachment)
