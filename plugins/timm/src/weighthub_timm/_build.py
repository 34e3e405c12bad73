"""The builders of timm's architectures: ``weighthub_timm._build.<arch>``, made on first access.

The plugin registers each architecture's builder as ``weighthub_timm._build:<arch>``; this
module makes it when first asked for (module ``__getattr__``), with
:func:`weighthub.building.make_builder`, so it has torchvision's signature
(``resnet50(*, weights=None, progress=True, **kwargs)``), its legacy ``pretrained=`` and the
checks of every weighthub builder. With weights, the member's verified checkpoint is built into
the model by :func:`~weighthub_timm.build_model` (timm's own loader, meta parameters, the
memory-mapped file assigned); without, it is ``timm.create_model(arch, pretrained=False,
**kwargs)``. Weights another plugin attaches with ``model_kwargs`` or a ``missing_head``
(torchgeo's multispectral backbones) load as every weighthub model loads them
(:func:`weighthub.building.load`): ``timm.create_model(arch, **model_kwargs)``, the declared head
freshly initialised, every other key loaded strictly. Keyword arguments go to
``timm.create_model``: ``num_classes=`` works as in timm (a number other than the weights' gives a
new classifier, ``0`` a headless model), and so do ``in_chans=``, ``features_only=`` ...

Nothing here depends on how the catalogue names the models: a builder is made for any
architecture the manifest lists, whatever name it is registered under.
"""

from __future__ import annotations

import functools
from typing import Any

from weighthub import UnknownModelError, WeightsEnum
from weighthub.building import checkpoint_file, close_matches_hint, load, make_builder

from ._create import build_model, create_timm_model
from ._manifest import manifest
from ._weights import weights_enum

__all__: list[str] = []


def _build_function(arch: str) -> Any:
    def build(weights: WeightsEnum | None, progress: bool, kwargs: dict[str, Any]) -> Any:
        if weights is None:
            return create_timm_model(arch, **kwargs)
        if weights.missing_head or weights.model_kwargs:
            # Weights that change the architecture (in_chans=13) or lack its head, as another
            # plugin declares them (torchgeo's backbones): the architecture built with those
            # arguments, every key outside the declared head loaded strictly. timm's loader would
            # adapt a first layer of another width and drop a head silently instead.
            return load(lambda: create_timm_model(arch, **kwargs), weights, progress)
        # timm's own name of the tag selects its pretrained config (the checkpoint filter,
        # num_classes, input size); weights of another plugin use the architecture's default.
        name = str(weights.meta.get("x_timm_name") or arch)
        path = checkpoint_file(weights, progress=progress)
        if path is None:  # inside no_weight_loading(): the architecture alone
            return create_timm_model(name, **kwargs)
        return build_model(name, path, **kwargs)

    return build


@functools.cache
def builder(arch: str) -> Any:
    """The builder of timm architecture ``arch`` (made once per process).

    Raises:
        UnknownModelError: The manifest has no pretrained weights for ``arch``.
    """
    if arch not in manifest().architectures:
        hint = close_matches_hint(arch, manifest().architectures)
        msg = f"weighthub-timm has no timm architecture {arch!r}.{hint}"
        raise UnknownModelError(msg, name=arch)
    from torch import nn

    enum = weights_enum(arch)
    return make_builder(
        arch,
        enum,
        _build_function(arch),
        model_cls=nn.Module,
        summary=(
            f"timm's ``{arch}``, built as ``timm.create_model({arch!r}, pretrained=True)`` "
            "builds it, with the weights' verified checkpoint memory-mapped."
        ),
        module=__name__,
        legacy_default=enum.DEFAULT,  # type: ignore[attr-defined]
    )


def __getattr__(name: str) -> Any:
    if name in manifest().architectures:
        return builder(name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *manifest().architectures})
