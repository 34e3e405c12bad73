"""``Weights``, ``WeightsEnum`` and ``WeightsRef``: pretrained weights as values.

A set of weights is an enum member; a :class:`WeightsRef` names one by ``"Enum.MEMBER"`` without
importing it. This module imports no torch: a plugin's weights enums are plain data, so listing and
describing weights stays fast. Torch is imported only when weights are fetched or their transforms
are built. Values never import the catalogue: the lookups they need (a member by name, the enums
attached to a model) are handed down to them (:mod:`._lookups`).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ._errors import (
    UnknownWeightsError,
    UnknownWeightsMemberError,
    close_matches_hint,
    describe_value,
)
from ._loads import loads_skipped, notify_load, url_loader
from ._lookups import installed
from ._torchvision_guard import refuse_torchvision_legacy_test

if TYPE_CHECKING:
    import torch

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Self

__all__ = ["Weights", "WeightsEnum", "WeightsRef", "resolve_weights"]


@dataclass(eq=False)
class Weights:
    """One set of pretrained weights: where they live, how to preprocess inputs, and what they are.

    Args:
        url: Where the checkpoint lives: ``http(s)://``, a local path or ``file://``,
            ``pkg://<import package>/<path>`` for a file shipped inside a Python package, or any
            fsspec URL (``s3://``, ``hf://``, ``memory://`` ...).
        transforms: A *constructor* of the preprocessing transform, such as
            ``weighthub.transforms.preset("ImageClassification", crop_size=224)`` or a
            ``functools.partial``. ``weights.transforms()`` builds it; keyword arguments override
            its settings.
        meta: Facts about the weights (``categories``, ``num_params``, ``_metrics`` ...). See
            :mod:`weighthub.meta` for the schema of each task.
        sha256: The full sha256 of the checkpoint file. When given, every download is checked
            against it; otherwise the torch.hub rule applies (the 8+ hex digits after the last
            ``-`` of the file name are a sha256 prefix).
        file_size: The checkpoint's size in bytes, checked after download when given.
        weights_only: Load with ``torch.load(weights_only=True)``. Set to False only for legacy
            checkpoints that cannot be loaded otherwise; weighthub then warns at every load.
        model_kwargs: Architecture arguments the checkpoint needs besides ``num_classes`` (which
            comes from ``meta["categories"]``), e.g. ``{"aux_loss": True}``. The builder applies
            them as it applies ``num_classes``: a caller's different value raises ``ValueError``.
        file_name: The cache file name, when the URL's last segment is not a good one (every
            Hugging Face Hub file of a library called ``model.safetensors``, say). Two URLs never
            share a cache entry either way: a name another URL holds gets a short hash of the URL.
        missing_head: The model keys the checkpoint does not carry, as ``fnmatch`` patterns:
            ``("fc.*",)`` for a ResNet backbone trained without its classifier (self-supervised
            weights). The model is built with those layers freshly initialised and every other
            key loaded strictly; a key missing outside them, an unexpected key, or a key of them
            that the checkpoint does carry is an error naming it. Such weights carry no
            ``categories`` and no accuracy.
    """

    url: str
    transforms: Callable[..., Any]
    meta: dict[str, Any]
    sha256: str | None = field(default=None, kw_only=True)
    file_size: int | None = field(default=None, kw_only=True)
    weights_only: bool = field(default=True, kw_only=True)
    model_kwargs: dict[str, Any] = field(default_factory=dict, kw_only=True)
    file_name: str | None = field(default=None, kw_only=True)
    missing_head: tuple[str, ...] = field(default=(), kw_only=True)

    def __post_init__(self) -> None:
        if self.file_name is not None:
            from ._fetch._sources import cache_file_name  # checks the name; torch-free

            cache_file_name(self.url, self.file_name)
        if not isinstance(self.model_kwargs, Mapping) or not all(
            isinstance(key, str) for key in self.model_kwargs
        ):
            msg = f"model_kwargs must be a dict with string keys, got {self.model_kwargs!r}."
            raise TypeError(msg)
        self.model_kwargs = dict(self.model_kwargs)
        head = (self.missing_head,) if isinstance(self.missing_head, str) else self.missing_head
        if not isinstance(head, tuple | list) or not all(
            isinstance(pattern, str) and pattern.strip(". *") for pattern in head
        ):
            msg = (
                f"missing_head of {self.url} must be a tuple of key patterns such as "
                f"('fc.*',), got {self.missing_head!r}."
            )
            raise TypeError(msg)
        self.missing_head = tuple(head)
        if "num_classes" in self.model_kwargs:
            msg = (
                f"model_kwargs of {self.url} sets 'num_classes'; it comes from "
                f"meta['categories'] instead: drop it from model_kwargs."
            )
            raise ValueError(msg)
        if self.sha256 is not None:
            digest = self.sha256.lower()
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                msg = f"sha256 must be 64 hex digits, got {self.sha256!r} for {self.url}."
                raise ValueError(msg)
            self.sha256 = digest
        if self.file_size is not None and self.file_size <= 0:
            msg = f"file_size must be a positive number of bytes, got {self.file_size!r}."
            raise ValueError(msg)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Weights):
            return NotImplemented
        if (
            self.url,
            self.sha256,
            self.file_size,
            self.weights_only,
            self.model_kwargs,
            self.missing_head,
        ) != (
            other.url,
            other.sha256,
            other.file_size,
            other.weights_only,
            other.model_kwargs,
            other.missing_head,
        ):
            return False
        if self.meta != other.meta:
            return False
        # Copies of a functools.partial are never equal to the original, so compare its parts.
        mine, theirs = self.transforms, other.transforms
        if isinstance(mine, functools.partial) and isinstance(theirs, functools.partial):
            return (mine.func, mine.args, mine.keywords) == (
                theirs.func,
                theirs.args,
                theirs.keywords,
            )
        return bool(mine == theirs)

    # Defining __eq__ would otherwise make Weights unhashable; the URL identifies it well enough.
    def __hash__(self) -> int:
        return hash(self.url)


class WeightsEnum(Enum):
    """Base class of every weights enum: one member per set of weights, plus a ``DEFAULT`` alias.

    Example::

        class MyNet_Weights(WeightsEnum):
            IMAGENET1K_V1 = Weights(url=..., transforms=..., meta={...})
            DEFAULT = IMAGENET1K_V1

    ``DEFAULT`` is an ordinary enum alias: ``list(MyNet_Weights)`` and ``len(MyNet_Weights)``
    skip it, and ``MyNet_Weights.DEFAULT.name`` is the canonical member's name. Members copy,
    deep-copy and pickle to themselves.
    """

    @classmethod
    def verify(cls, obj: Any) -> Self | None:
        """Turn what a user passed as ``weights=`` into a member of this enum.

        Members of the enums that weights plugins attach to a model using this enum
        (:meth:`weighthub.Registry.add_weights`) are accepted too, as are their names
        (``"Acme_ResNet18_Weights.PETS_V1"``): the result is then that enum's member.

        Args:
            obj: ``None``, a member of this enum, a :class:`~weighthub.WeightsRef` naming one
                (such as a quantized entry's ``meta["unquantized"]``), or its name:
                ``"IMAGENET1K_V1"``, ``"MyNet_Weights.IMAGENET1K_V1"`` or ``"DEFAULT"``
                (case-sensitive); a name in a plugin namespace
                (``"timm/resnet50_Weights.A1_IN1K"``) is looked up in the catalogue.

        Returns:
            The member, or None when ``obj`` is None.

        Raises:
            UnknownWeightsMemberError: (a ``KeyError``) the string names no member.
            TypeError: ``obj`` is a member of another enum, or of another type.
        """
        if obj is None:
            return None
        if isinstance(obj, WeightsRef) and _names_own_or_attached(cls, obj.enum_name):
            obj = obj.resolve()
        if isinstance(obj, str | WeightsRef) and "/" in str(obj):
            # A name in a plugin namespace ("timm/resnet50.a1_in1k"): only the catalogue knows it.
            try:
                obj = installed().weight(str(obj))
            except UnknownWeightsError as exc:
                msg = f"{exc} (weights for {_accepted_names(cls)} were expected)"
                raise UnknownWeightsMemberError(msg, name=str(obj), enum=cls.__name__) from exc
        attached = _attached_member(cls, obj)
        if attached is not None:
            # A member of another enum, attached to this enum's model: builders treat it as
            # their own (its meta, checkpoint and model_kwargs are what they read).
            return cast("Self", attached)
        if isinstance(obj, str):
            enum_name, dot, member_name = obj.rpartition(".")
            if dot and enum_name != cls.__name__:
                msg = (
                    f"{obj!r} names weights of enum {enum_name!r}; expected {_accepted_names(cls)}."
                )
                raise UnknownWeightsMemberError(msg, name=obj, enum=cls.__name__)
            try:
                return cls[member_name]
            except KeyError:
                names = list(cls.__members__)
                msg = (
                    f"{cls.__name__} has no member {member_name!r}; its members are "
                    f"{', '.join(names)}.{close_matches_hint(member_name, names, ignore_case=True)}"
                )
                raise UnknownWeightsMemberError(msg, name=member_name, enum=cls.__name__) from None
        if isinstance(obj, cls):
            return obj
        twin = cls._same_weights_from_another_enum(obj)
        if twin is not None:
            return twin
        received = type(obj)
        if received.__name__ == cls.__name__:
            msg = (
                f"Invalid Weight class provided; expected {cls.__module__}.{cls.__name__} but "
                f"received {received.__module__}.{received.__name__}, whose {obj!r} is not the "
                f"same weights. Pass weights={cls.__name__}.<MEMBER> or the member's name."
            )
        else:
            msg = (
                f"Invalid Weight class provided; expected {_accepted_names(cls)} but received "
                f"{received.__name__}: {describe_value(obj)}. Pass a {cls.__name__} member, its "
                f"name (one of {', '.join(cls.__members__)}) or None."
            )
        raise TypeError(msg)

    @classmethod
    def _same_weights_from_another_enum(cls, obj: Any) -> Self | None:
        """Map a member of a same-named enum (torchvision's, say) with the same URL to ours."""
        if not (isinstance(obj, Enum) and type(obj).__name__ == cls.__name__):
            return None
        ours = cls.__members__.get(obj.name)
        if ours is None or getattr(obj.value, "url", None) != ours.url:
            return None
        return ours

    def get_state_dict(self, *args: Any, **kwargs: Any) -> dict[str, torch.Tensor]:
        """Fetch (or find in the cache), verify and load this member's checkpoint.

        Accepts the keywords of :func:`weighthub.load_state_dict_from_url` (``progress``,
        ``model_dir``, ``check_hash``, ``map_location``, ``mmap`` ...); a leading positional
        argument is ``model_dir`` as in torch.hub.

        Listeners added with :func:`weighthub.add_load_listener` are called first. Inside
        ``no_weight_loading()`` (``weighthub describe``, the conformance kit) nothing is fetched
        and the state dict is empty.

        Returns:
            The state dict, loaded with ``weights_only=True`` unless the weights opt out.
        """
        if loads_skipped():
            return {}
        from ._fetch import load_state_dict_from_url

        load = url_loader() or load_state_dict_from_url
        notify_load(self)
        value: Weights = self.value
        kwargs.setdefault("sha256", value.sha256)
        kwargs.setdefault("file_size", value.file_size)
        kwargs.setdefault("weights_only", value.weights_only)
        kwargs.setdefault("file_name", value.file_name)
        return load(value.url, *args, **kwargs)

    def fetch(
        self,
        *,
        model_dir: str | os.PathLike[str] | None = None,
        progress: bool = True,
        check_hash: bool = True,
    ) -> Path:
        """The verified local file of this member's checkpoint, downloaded if needed.

        :func:`weighthub.fetch` of the member's URL with what the member declares (``sha256``,
        ``file_size``, ``file_name``): the same file :meth:`get_state_dict` loads, checked the
        same way (and against the active lockfile), without loading it. For a library that
        takes a file, e.g. timm::

            path = weighthub.get_weight("ResNet50_Weights.IMAGENET1K_V2").fetch()
            timm.create_model("resnet50", pretrained=True, pretrained_cfg_overlay=dict(file=path))

        Args:
            model_dir: The cache folder; see :func:`weighthub.cache_dir`.
            progress: Show a progress bar while downloading (only when stderr is a terminal).
            check_hash: Verify the sha256 (declared, from the Hub, or the file-name prefix).

        Returns:
            The path: in the cache, in a read-only cache layer, the local file itself, or for a
            Hugging Face Hub file its ``snapshots/{commit}/{path}``. Treat it as read-only.
        """
        from ._fetch import fetch

        value: Weights = self.value
        return fetch(
            value.url,
            model_dir=model_dir,
            progress=progress,
            check_hash=check_hash,
            file_name=value.file_name,
            sha256=value.sha256,
            file_size=value.file_size,
        )

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self._name_}"

    __str__ = __repr__

    def __bool__(self) -> bool:
        # True, except where torchvision's builders would take it for pretrained=True.
        refuse_torchvision_legacy_test(self, sys._getframe(1))
        return True

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        # Pickle by name, as Python 3.12 does: unpickling by value would compare meta dicts, and
        # a NaN metric would make a member unequal to itself.
        return getattr, (self.__class__, self._name_)

    @property
    def url(self) -> str:
        """Where the checkpoint lives."""
        return self.value.url  # type: ignore[no-any-return]

    @property
    def transforms(self) -> Callable[..., Any]:
        """The constructor of the preprocessing transform; call it to build the transform."""
        return self.value.transforms  # type: ignore[no-any-return]

    @property
    def meta(self) -> dict[str, Any]:
        """Facts about the weights; see :mod:`weighthub.meta`."""
        return self.value.meta  # type: ignore[no-any-return]

    @property
    def sha256(self) -> str | None:
        """The full sha256 of the checkpoint, when the plugin declares it."""
        return self.value.sha256  # type: ignore[no-any-return]

    @property
    def file_size(self) -> int | None:
        """The checkpoint's size in bytes, when the plugin declares it."""
        return self.value.file_size  # type: ignore[no-any-return]

    @property
    def model_kwargs(self) -> dict[str, Any]:
        """Architecture arguments the checkpoint needs besides ``num_classes``."""
        return self.value.model_kwargs  # type: ignore[no-any-return]

    @property
    def file_name(self) -> str | None:
        """The cache file name the plugin chose, if any."""
        return self.value.file_name  # type: ignore[no-any-return]

    @property
    def missing_head(self) -> tuple[str, ...]:
        """The model keys the checkpoint does not carry (``fnmatch`` patterns), if any."""
        return tuple(getattr(self.value, "missing_head", ()))


def _attached_member(enum: type[WeightsEnum], obj: Any) -> WeightsEnum | None:
    """Return ``obj`` as a member of an enum attached to a model that uses ``enum``, or None.

    Raises:
        UnknownWeightsMemberError: ``obj`` names an attached enum but none of its members.
    """
    # Only members (or "Enum.MEMBER" names) of other enums can be attached ones; anything else
    # is settled without asking the catalogue.
    if isinstance(obj, str):
        if obj.partition(".")[0] in ("", enum.__name__) or "." not in obj:
            return None
        enum_name = obj.partition(".")[0]
    elif isinstance(obj, enum) or not isinstance(obj, WeightsEnum):
        return None
    else:
        enum_name = type(obj).__name__
    for attachment in installed().attached(enum):
        if attachment.weights_name != enum_name:
            continue
        attached = attachment.load_weights()
        if isinstance(obj, str):
            return attached.verify(obj)
        if isinstance(obj, attached):
            return obj
    return None


def _attached_names(enum: type[WeightsEnum]) -> list[str]:
    """The names of the enums attached to the models that use ``enum``, sorted."""
    try:
        return sorted({a.weights_name for a in installed().attached(enum)})
    except Exception:  # only used to make a message more helpful
        return []


def _names_own_or_attached(enum: type[WeightsEnum], enum_name: str) -> bool:
    return enum_name == enum.__name__ or enum_name in _attached_names(enum)


def _accepted_names(enum: type[WeightsEnum]) -> str:
    names = _attached_names(enum)
    if not names:
        return enum.__name__
    return f"{enum.__name__} or an enum attached to its model ({', '.join(names)})"


class WeightsRef:
    """Weights known by their ``"Enum.MEMBER"`` name, looked up with :func:`weighthub.get_weight`.

    Stands in for the member: attribute access (``ref.meta``, ``ref.url``,
    ``ref.get_state_dict()``) resolves the reference and forwards to it, builders accept it as
    ``weights=``, it compares equal to the member, and ``.name`` and ``repr()`` read as the member's
    (``"IMAGENET1K_V2"`` and ``"ResNet50_Weights.IMAGENET1K_V2"``) without resolving it. Unlike a
    member it is not an instance of the enum, and a reference to an alias (``"X.DEFAULT"``) reports
    ``.name == "DEFAULT"`` until resolved.

    Args:
        reference: ``"ResNet50_Weights.IMAGENET1K_V2"``.
    """

    __slots__ = ("reference",)

    def __init__(self, reference: str) -> None:
        if reference.count(".") != 1:
            msg = f"A weights reference must look like 'Enum.MEMBER', got {reference!r}."
            raise ValueError(msg)
        self.reference = reference

    @property
    def name(self) -> str:
        """The member's name, as ``member.name`` gives it: ``"IMAGENET1K_V2"``."""
        return self.reference.partition(".")[2]

    @property
    def enum_name(self) -> str:
        """The enum's class name: ``"ResNet50_Weights"``."""
        return self.reference.partition(".")[0]

    def resolve(self) -> WeightsEnum:
        """Return the member.

        Raises:
            UnknownWeightsError: The plugin providing it is not installed; the message says which.
        """
        return installed().weight(self.reference)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__") or attribute == "reference":
            raise AttributeError(attribute)
        return getattr(self.resolve(), attribute)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, WeightsRef):
            return self.reference == other.reference
        if isinstance(other, WeightsEnum):
            return repr(other) == self.reference or self.resolve() is other
        return NotImplemented

    def __hash__(self) -> int:
        # As a member's (Enum hashes its name), so a reference and its member are one dict key.
        return hash(self.name)

    def __bool__(self) -> bool:
        refuse_torchvision_legacy_test(self, sys._getframe(1))
        return True

    def __repr__(self) -> str:
        return self.reference

    def __reduce__(self) -> tuple[Any, ...]:
        return WeightsRef, (self.reference,)


def resolve_weights(
    value: WeightsEnum | WeightsRef | str | None, enum_name: str
) -> WeightsEnum | None:
    """Turn a ``weights``-style argument naming another plugin's weights into a member.

    For builders that take weights from an enum they cannot import, such as a detection
    builder's ``weights_backbone``: the enum is looked up by name only when weights are asked for,
    so the plugin that provides it is needed only then.

    Args:
        value: None; a ``WeightsEnum`` member (taken as is); a :class:`WeightsRef`; or the name of
            a member of ``enum_name``: ``"IMAGENET1K_V1"``, ``"DEFAULT"`` or
            ``"ResNet50_Weights.IMAGENET1K_V1"``; or a full name in a plugin namespace
            (``"timm/resnet50.a1_in1k"``), taken as is.
        enum_name: The weights enum the names refer to, e.g. ``"ResNet50_Weights"``.

    Returns:
        The member, or None when ``value`` is None.

    Raises:
        UnknownWeightsError: No installed plugin provides ``enum_name`` (the message carries the
            ``pip install`` line for a first-party enum).
        UnknownWeightsMemberError: The enum has no such member.
        TypeError: A name of another enum, or a value of another type.
    """
    if value is None or isinstance(value, WeightsEnum):
        return value
    if isinstance(value, WeightsRef):
        return value.resolve()
    if isinstance(value, str) and "/" in value:  # a full name in a plugin namespace
        return installed().weight(value)
    if isinstance(value, str):
        member = value.replace(enum_name + ".", "")
        if "." in member:
            msg = (
                f"Invalid Weight class provided; expected {enum_name} but received "
                f"{member.partition('.')[0]}."
            )
            raise TypeError(msg)
        return WeightsRef(f"{enum_name}.{member}").resolve()
    msg = f"Expected a {enum_name} member, its name or None, got {type(value).__name__}."
    raise TypeError(msg)
