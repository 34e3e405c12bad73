"""Shared inputs of the transforms tests: the kit's real photo (``photo``), in several forms."""

from __future__ import annotations

import pytest
import torch
import torchvision.transforms.functional as F
from PIL import Image


@pytest.fixture(scope="session")
def photo_uint8(photo: Image.Image) -> torch.Tensor:
    """The photo as a uint8 (C, H, W) tensor."""
    return F.pil_to_tensor(photo)


@pytest.fixture(scope="session")
def image_inputs(photo: Image.Image, photo_uint8: torch.Tensor) -> dict[str, object]:
    """The photo as PIL, uint8 and float (C, H, W) tensors, and batched (B, C, H, W) tensors."""
    batch = torch.stack([photo_uint8, photo_uint8.flip(-1)])
    return {
        "pil": photo,
        "uint8": photo_uint8,
        "float": photo_uint8.float() / 255,
        "batched_uint8": batch,
        "batched_float": batch.float() / 255,
    }


@pytest.fixture(scope="session")
def video_inputs(photo_uint8: torch.Tensor) -> dict[str, torch.Tensor]:
    """Clips of 6 frames made of shifted 240x320 crops of the photo: (T, C, H, W) and batched."""
    frames = torch.stack(
        [photo_uint8[:, 30 * t : 30 * t + 240, 20 * t : 20 * t + 320] for t in range(6)]
    )
    batch = torch.stack([frames, frames.flip(-1)])
    return {
        "uint8": frames,
        "float": frames.float() / 255,
        "batched_uint8": batch,
        "batched_float": batch.float() / 255,
    }
