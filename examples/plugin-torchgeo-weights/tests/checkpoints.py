"""Checkpoints of torchgeo's shapes, generated: timm's architecture for the weights' ``in_chans``,
without the keys the weights declare missing (torchgeo's ResNet checkpoints carry no ``fc``)."""

from __future__ import annotations

import fnmatch
from typing import Any

import timm
import torch

ARCHITECTURES = {"ResNet50_Weights": "resnet50", "ViTSmall16_Weights": "vit_small_patch16_224"}


def architecture(weights: Any) -> str:
    """timm's architecture of a torchgeo enum's member (``meta["model"]`` is not always it:
    torchgeo's ``LANDSAT_ETM_SR_MOCO`` says ``resnet18`` for a ResNet-50)."""
    return ARCHITECTURES[type(weights).__name__]


def torchgeo_checkpoint(weights: Any, *, seed: int = 0) -> dict[str, torch.Tensor]:
    """A state dict in the shape of ``weights``' real file, with seeded random values."""
    torch.manual_seed(seed)
    model = timm.create_model(architecture(weights), in_chans=weights.meta["in_chans"])
    return {
        key: value
        for key, value in model.state_dict().items()
        if not any(fnmatch.fnmatchcase(key, pattern) for pattern in weights.missing_head)
    }


def torchgeo_recipe(weights: Any, state: dict[str, torch.Tensor]) -> torch.nn.Module:
    """torchgeo's own builder: ``timm.create_model(in_chans=...)``, then a load that may miss
    only the head (``torchgeo.models.resnet50``)."""
    model = timm.create_model(architecture(weights), in_chans=weights.meta["in_chans"])
    missing, unexpected = model.load_state_dict(state, strict=False)
    head = {
        k
        for k in model.state_dict()
        if any(fnmatch.fnmatchcase(k, p) for p in weights.missing_head)
    }
    assert set(missing) <= head and not unexpected, (missing, unexpected)
    return model
