"""Reading images and videos for ``weighthub predict``, and writing its annotated images.

Images are read with PIL. A video is a folder of frame images (sorted by name), an animated GIF
(decoded by torchvision), or a video file decoded by ``torchcodec`` when it is installed
(torchvision 0.22+ no longer decodes video files itself).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import CLIError

if TYPE_CHECKING:
    import torch
    from PIL import Image

__all__ = ["load_image", "load_video", "output_paths", "save_image"]

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})


def load_image(path: str) -> Image.Image:
    """Open an image as RGB, reading it fully now.

    Raises:
        CLIError: The file is missing or is not a readable image.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            rgb: Image.Image = image.convert("RGB")
            return rgb
    except FileNotFoundError:
        msg = f"cannot read image {path}: no such file"
    except IsADirectoryError:
        msg = f"cannot read image {path}: it is a folder (folders of frames are for video models)"
    except UnidentifiedImageError:
        msg = f"cannot read image {path}: not an image file PIL can identify"
    except (OSError, ValueError, SyntaxError) as exc:
        msg = f"cannot read image {path}: {' '.join(str(exc).split())}"
    raise CLIError(msg)


def _frames_of_folder(folder: Path) -> torch.Tensor:
    import torch
    from torchvision.transforms.functional import pil_to_tensor

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        msg = f"cannot read video {folder}: the folder holds no frame images"
        raise CLIError(msg)
    frames = [pil_to_tensor(load_image(str(p))) for p in files]
    if len({tuple(f.shape) for f in frames}) != 1:
        msg = f"cannot read video {folder}: its frames do not all have the same size"
        raise CLIError(msg)
    return torch.stack(frames)


def _frames_of_file(path: Path) -> torch.Tensor:
    if path.suffix.lower() == ".gif":
        from torchvision.io import decode_gif, read_file

        try:
            frames: torch.Tensor = decode_gif(read_file(str(path)))
        except RuntimeError as exc:
            msg = f"cannot read video {path}: {' '.join(str(exc).split())}"
            raise CLIError(msg) from None
        if frames.ndim == 3:  # a single frame
            frames = frames.unsqueeze(0)
        if frames.shape[1] == 1:
            frames = frames.expand(-1, 3, -1, -1)
        return frames[:, :3].contiguous()
    try:
        from torchcodec.decoders import VideoDecoder  # type: ignore[import-not-found]
    except ImportError:
        msg = (
            f"cannot read video {path}: decoding video files needs torchcodec "
            "(pip install torchcodec); or pass a folder of frames or an animated GIF"
        )
        raise CLIError(msg) from None
    try:
        decoder = VideoDecoder(str(path))
        frames = decoder[:]
    except Exception as exc:  # torchcodec raises a variety of errors for bad files
        msg = f"cannot read video {path}: {' '.join(str(exc).split())}"
        raise CLIError(msg) from None
    return frames.data if hasattr(frames, "data") else frames


def load_video(path: str, clip_len: int, model: str = "this model") -> torch.Tensor:
    """Read a video as a ``(T, C, H, W)`` uint8 tensor of ``clip_len`` evenly spaced frames.

    Args:
        path: A folder of frames, an animated GIF or a video file.
        clip_len: How many frames to sample.
        model: The model's name, for the message about a still image.

    Raises:
        CLIError: The path is missing, unreadable or a still image, or holds fewer than
            ``clip_len`` frames.
    """
    import torch

    location = Path(path)
    if not location.exists():
        msg = f"cannot read video {path}: no such file or folder"
        raise CLIError(msg)
    if location.is_file() and location.suffix.lower() in IMAGE_SUFFIXES - {".gif"}:
        msg = (
            f"cannot use {path} with {model}: it is a still image and {model} classifies videos. "
            "Pass a folder of frames, an animated GIF or a video file, or use an image model "
            "(weighthub list --task image_classification)"
        )
        raise CLIError(msg)
    frames = _frames_of_folder(location) if location.is_dir() else _frames_of_file(location)
    count = frames.shape[0]
    if count < clip_len:
        msg = f"cannot use video {path}: it has {count} frames, fewer than --clip-len {clip_len}"
        raise CLIError(msg)
    index = torch.linspace(0, count - 1, clip_len).round().long()
    return frames[index]


def output_paths(inputs: list[str], out: str, suffix: str = ".png") -> list[Path]:
    """Decide where the annotated image of each input goes.

    One input: ``out`` is the file, unless it is an existing folder or ends with a separator.
    Several inputs: ``out`` is a folder (created) holding ``<stem>_pred<suffix>`` per input,
    numbered when two inputs share a stem.
    """
    target = Path(out)
    is_folder = target.is_dir() or out.endswith((os.sep, "/"))
    if len(inputs) == 1 and not is_folder:
        return [target]
    paths: list[Path] = []
    used: set[str] = set()
    for index, source in enumerate(inputs):
        stem = Path(source.rstrip("/\\")).stem or f"input{index}"
        name = f"{stem}_pred{suffix}"
        if name in used:
            name = f"{stem}_{index}_pred{suffix}"
        used.add(name)
        paths.append(target / name)
    return paths


def save_image(image: Any, path: Path) -> None:
    """Write a ``(3, H, W)`` uint8 tensor as an image file (format from the suffix)."""
    from torchvision.transforms.functional import to_pil_image

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        to_pil_image(image).save(path)
    except (OSError, ValueError) as exc:
        msg = f"cannot write {path}: {' '.join(str(exc).split())}"
        raise CLIError(msg) from None
