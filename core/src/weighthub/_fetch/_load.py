"""Safe loading of checkpoint files, and ``load_state_dict_from_url`` (fetch, then load).

``.safetensors`` files load through safetensors (no pickle at all). Other files load with
``torch.load(weights_only=True)``, memory-mapped when they are zip checkpoints (a legacy non-zip
file cannot be memory-mapped). A checkpoint that needs arbitrary unpickling raises
:class:`~weighthub.UnsafeCheckpointError` and its payload never runs.
"""

from __future__ import annotations

import os
import pickle
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import UnsafeCheckpointError
from ._fetch import fetch

if TYPE_CHECKING:
    import torch

__all__ = ["load_checkpoint", "load_state_dict_from_url"]


def _safetensors_device(map_location: Any) -> str:
    if map_location is None:
        return "cpu"
    if isinstance(map_location, (str, int)):
        return str(map_location)
    text = str(map_location)
    if callable(map_location) or isinstance(map_location, dict):
        msg = "safetensors checkpoints accept a device as map_location, not a function or dict."
        raise TypeError(msg)
    return text


def load_checkpoint(
    path: str | os.PathLike[str],
    *,
    map_location: Any = "cpu",
    weights_only: bool = True,
    mmap: bool = True,
) -> dict[str, torch.Tensor]:
    """Load a local checkpoint file safely.

    Args:
        path: A ``.safetensors`` file, or a file written by ``torch.save``.
        map_location: Where to put the tensors, as for ``torch.load``.
        weights_only: Refuse arbitrary unpickling (the default). False is a per-entry opt-out for
            legacy checkpoints; it warns at every load.
        mmap: Memory-map the file when possible (zip checkpoints and safetensors files).

    Returns:
        What the file holds, as loaded (weighthub never guesses at wrapper keys such as
        ``"state_dict"``).

    Raises:
        UnsafeCheckpointError: The file needs unpickling arbitrary objects.
    """
    file = Path(path)
    if file.suffix == ".safetensors":
        from safetensors.torch import load_file

        return load_file(str(file), device=_safetensors_device(map_location))

    import torch

    if not weights_only:
        warnings.warn(
            f"Loading {file} with weights_only=False: unpickling it can run arbitrary code. Only "
            "do this for a checkpoint from a source you trust.",
            UserWarning,
            stacklevel=2,
        )
    use_mmap = mmap and zipfile.is_zipfile(file)
    try:
        loaded = torch.load(
            file, map_location=map_location, weights_only=weights_only, mmap=use_mmap
        )
    except pickle.UnpicklingError as exc:
        if not weights_only:
            raise
        first_line = str(exc).strip().splitlines()
        detail = next((line for line in first_line if "GLOBAL" in line or "global" in line), "")
        msg = (
            f"Refusing to load {file}: it cannot be loaded with weights_only=True because it "
            f"contains pickled objects other than tensors and plain containers, which could run "
            f"arbitrary code. {detail.strip()} Convert it to a plain state dict (or to "
            "safetensors) from a trusted environment; a plugin can opt a legacy entry out with "
            "Weights(weights_only=False) if the source is trusted."
        )
        raise UnsafeCheckpointError(msg) from exc
    return loaded  # type: ignore[no-any-return]


def load_state_dict_from_url(
    url: str,
    model_dir: str | os.PathLike[str] | None = None,
    *,
    map_location: Any = "cpu",
    progress: bool = True,
    check_hash: bool = True,
    file_name: str | None = None,
    sha256: str | None = None,
    file_size: int | None = None,
    weights_only: bool = True,
    mmap: bool = True,
) -> dict[str, torch.Tensor]:
    """Fetch a checkpoint (or find it in the cache), verify it, and load it safely.

    A drop-in for ``torch.hub.load_state_dict_from_url`` for its common arguments, with safer
    defaults: hashes are checked (full sha256 when declared), tensors are memory-mapped, and
    ``weights_only=True``.

    Args:
        url: ``http(s)://``, a local path, ``file://``, ``pkg://<package>/<path>`` or an fsspec URL.
        model_dir: The cache folder; see :func:`cache_dir`.
        map_location: Where to put the tensors, as for ``torch.load``.
        progress: Show a progress bar while downloading (only when stderr is a terminal).
        check_hash: Verify the sha256 (declared, or the torch.hub file-name prefix).
        file_name: The cache file name; ``basename(urlparse(url).path)`` by default.
        sha256: The full declared sha256.
        file_size: The declared size in bytes.
        weights_only: See :func:`load_checkpoint`.
        mmap: See :func:`load_checkpoint`.

    Returns:
        The loaded state dict.
    """
    path = fetch(
        url,
        model_dir=model_dir,
        progress=progress,
        check_hash=check_hash,
        file_name=file_name,
        sha256=sha256,
        file_size=file_size,
    )
    return load_checkpoint(path, map_location=map_location, weights_only=weights_only, mmap=mmap)
