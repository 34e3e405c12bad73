"""Category names of the datasets that pretrained weights are commonly trained on.

Each attribute is a ``list[str]`` read lazily, on first access, from a UTF-8 text file shipped in
``weighthub/_data`` (one name per line), so importing this module costs nothing. The lists are the
ones torchvision uses in its weights' ``meta["categories"]``:

==============================  =====  ==============================================
attribute                       len    notes
==============================  =====  ==============================================
``IMAGENET1K``                  1000   ``tench`` ... ``toilet tissue``
``COCO``                        91     ``__background__`` first; 10 ``N/A`` id gaps
``COCO_PERSON``                 2      ``no person``, ``person`` (keypoint R-CNN)
``COCO_PERSON_KEYPOINT_NAMES``  17     ``nose`` ... ``right_ankle``
``VOC``                         21     ``__background__``, ``aeroplane`` ... ``tvmonitor``
``KINETICS400``                 400    ``abseiling`` ... ``zumba``
==============================  =====  ==============================================

Every access returns the *same* list object, so the meta dicts of many weights can share one
list without copying it. Callers must therefore never mutate these lists; copy them first
(``list(categories.IMAGENET1K)``) when a modified version is needed.

Example::

    from weighthub import categories

    meta = {"categories": categories.IMAGENET1K, ...}
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import TYPE_CHECKING

__all__ = [
    "IMAGENET1K",
    "COCO",
    "COCO_PERSON",
    "COCO_PERSON_KEYPOINT_NAMES",
    "VOC",
    "KINETICS400",
]

if TYPE_CHECKING:
    IMAGENET1K: list[str]
    COCO: list[str]
    COCO_PERSON: list[str]
    COCO_PERSON_KEYPOINT_NAMES: list[str]
    VOC: list[str]
    KINETICS400: list[str]

_FILES: dict[str, str] = {
    "IMAGENET1K": "imagenet1k.txt",
    "COCO": "coco.txt",
    "COCO_PERSON": "coco_person.txt",
    "COCO_PERSON_KEYPOINT_NAMES": "coco_person_keypoints.txt",
    "VOC": "voc.txt",
    "KINETICS400": "kinetics400.txt",
}


@functools.cache
def _load(filename: str) -> list[str]:
    """Read one category file, once per process.

    Args:
        filename: The file's name inside ``weighthub/_data``.

    Returns:
        Its lines, without line endings.
    """
    text = (files(__package__ or "weighthub") / "_data" / filename).read_text(encoding="utf-8")
    return text.splitlines()


def __getattr__(name: str) -> list[str]:
    filename = _FILES.get(name)
    if filename is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    return _load(filename)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
