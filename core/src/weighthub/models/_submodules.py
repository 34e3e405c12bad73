"""torchvision's implementation submodules, under ``weighthub.models``, made on first import.

``weighthub.models.vision_transformer``, ``.detection.transform``, ``.optical_flow.raft``,
``.quantization.resnet`` ... are modules whose attributes are torchvision's own objects (the same
classes and helpers, not copies), except that a torchvision builder or weights enum is answered
with weighthub's counterpart of that name: ``weighthub.models.resnet.resnet50`` is weighthub's
builder, ``weighthub.models.detection.faster_rcnn.ResNet50_Weights`` weighthub's enum. Names that a
plugin exports in a namespace of the same path (``detection.backbone_utils``) are the plugin's.

Importing ``weighthub.models`` imports none of them; a submodule imports its torchvision module
(hence torch) on its first attribute access. First-party builders name these modules in their
``__module__`` (``weighthub.models.detection.faster_rcnn``), so code that reads the area from it,
as torchvision's tests do, and pickling by reference find them.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from .._namespaces import ROOT, namespace_contents

__all__ = ["SUBMODULES", "TorchvisionModule", "install_submodule_finder", "torchvision_attribute"]

# torchvision 0.29's modules under torchvision.models, but its five namespace packages (made by
# weighthub._namespaces) and _api and _utils (real modules of weighthub.models).
SUBMODULES = frozenset(
    {
        *("_meta", "alexnet", "convnext", "densenet", "efficientnet", "feature_extraction"),
        *("googlenet", "inception", "maxvit", "mnasnet", "mobilenet", "mobilenetv2"),
        *("mobilenetv3", "regnet", "resnet", "shufflenetv2", "squeezenet", "swin_transformer"),
        *("vgg", "vision_transformer"),
        *(
            f"detection.{name}"
            for name in (
                *("_utils", "anchor_utils", "backbone_utils", "faster_rcnn", "fcos"),
                *("generalized_rcnn", "image_list", "keypoint_rcnn", "mask_rcnn", "retinanet"),
                *("roi_heads", "rpn", "ssd", "ssdlite", "transform"),
            )
        ),
        *(
            f"quantization.{name}"
            for name in (
                *("googlenet", "inception", "mobilenet", "mobilenetv2", "mobilenetv3"),
                *("resnet", "shufflenetv2", "utils"),
            )
        ),
        *(f"segmentation.{name}" for name in ("_utils", "deeplabv3", "fcn", "lraspp")),
        *(f"video.{name}" for name in ("mvit", "resnet", "s3d", "swin_transformer")),
        *(f"optical_flow.{name}" for name in ("_utils", "raft")),
    }
)

_TORCHVISION = "torchvision.models"


def _counterpart(obj: Any) -> str | None:
    """The weighthub name of a torchvision builder (its model name) or weights enum (its class
    name), or None for anything else."""
    from torchvision import models
    from torchvision.models import WeightsEnum

    if isinstance(obj, type) and issubclass(obj, WeightsEnum):
        return obj.__name__
    if callable(obj):
        for name in models.list_models():
            if models.get_model_builder(name) is obj:
                return str(name)
    return None


def torchvision_attribute(module: str, path: str, name: str) -> Any:
    """Return attribute ``name`` of ``weighthub.models.<path>`` (named ``module``).

    Raises:
        AttributeError: torchvision's module has no such attribute, or it is a builder or weights
            enum that no installed plugin provides (the message names torchvision's to use).
    """
    own = namespace_contents(path).get(name)
    if own is not None:
        return own.resolve()
    torchvision_module = f"{_TORCHVISION}.{path}"
    try:
        obj = getattr(importlib.import_module(torchvision_module), name)
    except AttributeError:
        msg = f"module {module!r} has no attribute {name!r}, nor has {torchvision_module}."
        raise AttributeError(msg, name=name) from None
    counterpart = _counterpart(obj)
    if counterpart is None:
        return obj
    try:
        return getattr(sys.modules[ROOT], counterpart)
    except AttributeError as exc:
        msg = (
            f"{module}.{name} has no weighthub counterpart: {exc} To use torchvision's instead, "
            f"import it from {torchvision_module}."
        )
        raise AttributeError(msg, name=name) from exc


class TorchvisionModule(ModuleType):
    """``weighthub.models.<path>`` for a torchvision submodule; see the module docstring."""

    def __getattr__(self, name: str) -> Any:
        own = ModuleType.__getattribute__(self, "__name__")
        path = own[len(ROOT) + 1 :]
        if name == "__all__":
            module = importlib.import_module(f"{_TORCHVISION}.{path}")
            return list(getattr(module, "__all__", ()))
        if name.startswith("__"):
            raise AttributeError(name)
        value = torchvision_attribute(own, path, name)
        self.__dict__[name] = value  # the same object on every access, as a module attribute
        return value

    def __dir__(self) -> list[str]:
        path = self.__name__[len(ROOT) + 1 :]
        return sorted({*self.__dict__, *dir(importlib.import_module(f"{_TORCHVISION}.{path}"))})


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes ``import weighthub.models.<torchvision submodule>`` work, without importing torch."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.startswith(ROOT + ".") and fullname[len(ROOT) + 1 :] in SUBMODULES:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = TorchvisionModule(spec.name)
        torchvision_module = f"{_TORCHVISION}.{spec.name[len(ROOT) + 1 :]}"
        module.__doc__ = (
            f"{torchvision_module}'s classes and helpers, with weighthub's builders and weights "
            "enums in place of torchvision's."
        )
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: attributes are looked up on first access."""


_finder = _Finder()


def install_submodule_finder() -> None:
    """Put the submodule finder first on ``sys.meta_path`` (once): a torchvision submodule path
    that is also a plugin's namespace (``detection.backbone_utils``) is the submodule, holding the
    plugin's exports and torchvision's other names."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
