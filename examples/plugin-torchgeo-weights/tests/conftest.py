"""The port's tests run from a checkout too: until plugin namespaces land, the example is not
installed by ``scripts/dev.py`` (its plugin attaches to ``timm/resnet50``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("example_torchgeo_weights") is None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
