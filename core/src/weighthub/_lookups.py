"""The lookups values need from the live catalogue, handed down to them.

Values (:class:`~weighthub.WeightsEnum`, :class:`~weighthub.WeightsRef`, the meta schema, model
entries) sit below the catalogue and never import it. The few lookups they need are handed to
them here when :mod:`weighthub._api` is imported, the way pluggy's ``PluginManager`` hands each
``HookCaller`` the function that runs its hooks: a member by its ``"Enum.MEMBER"`` name, a
member's name, the enums attached to the models that use an enum, a task by its name, and the
plugin that provides an enum (for messages). Until lookups are installed, nothing is attached, no
task is declared and no member can be looked up by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from ._errors import UnknownWeightsError

if TYPE_CHECKING:
    from ._tasks import Task
    from ._weights import WeightsEnum

__all__ = ["AttachedEnum", "Lookups", "install", "installed"]


class AttachedEnum(Protocol):
    """A weights enum attached to a model, as a value sees it: its name, and how to load it."""

    @property
    def weights_name(self) -> str:
        """The enum's class name, known without importing it."""
        ...

    def load_weights(self) -> type[WeightsEnum]:
        """Import (once), validate and return the enum."""
        ...


class Lookups(Protocol):
    """What values may ask of the live catalogue."""

    def weight(self, name: str) -> WeightsEnum:
        """The member named ``"Enum.MEMBER"`` (:func:`weighthub.get_weight`)."""
        ...

    def attached(self, enum: type[WeightsEnum]) -> Sequence[AttachedEnum]:
        """The usable enums attached to the models whose own weights enum is ``enum``."""
        ...

    def weight_name(self, member: WeightsEnum) -> str:
        """The name :func:`weighthub.get_weight` takes for ``member`` (namespace included)."""
        ...

    def task(self, name: str) -> Task | None:
        """The declared task ``name``, or None."""
        ...

    def provider(self, enum: type[WeightsEnum]) -> str | None:
        """Who provides ``enum``: ``"plugin 'x' (distribution 'y')"``, or None if unknown."""
        ...


class _NoCatalogue:
    """The lookups before any are installed: an empty catalogue."""

    def weight(self, name: str) -> WeightsEnum:
        msg = f"Cannot look up the weights {name!r}: no catalogue is installed (import weighthub)."
        raise UnknownWeightsError(msg, name=name)

    def attached(self, enum: type[WeightsEnum]) -> Sequence[AttachedEnum]:
        return ()

    def weight_name(self, member: WeightsEnum) -> str:
        return repr(member)

    def task(self, name: str) -> Task | None:
        return None

    def provider(self, enum: type[WeightsEnum]) -> str | None:
        return None


_installed: Lookups = _NoCatalogue()


def install(lookups: Lookups | None) -> Lookups:
    """Hand ``lookups`` to the values (None: the empty catalogue); return the ones replaced."""
    global _installed
    previous, _installed = _installed, _NoCatalogue() if lookups is None else lookups
    return previous


def installed() -> Lookups:
    """The lookups values use now."""
    return _installed
