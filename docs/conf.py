"""Sphinx configuration of the weighthub documentation.

Why Sphinx + MyST Markdown + furo:

* Sphinx is the norm of the PyTorch ecosystem (pytorch, torchvision, torchaudio, timm's API docs);
  users know its look, search and cross-references.
* autodoc (with napoleon for our Google-style docstrings) documents the real API by importing
  ``weighthub``: the reference cannot drift from the code, and lazy module attributes
  (``weighthub.fetch``, ``weighthub.transforms.ImageClassification``) document fine because autodoc
  resolves names with ``getattr``.
* torchvision generates its per-task weights tables from the weights' ``meta`` at build time (a
  function in its ``conf.py``); ``_ext/weights_tables.py`` does the same across every installed
  plugin, and draws an accuracy-versus-GFLOPs chart per task with matplotlib.
  ``_ext/timm_catalogue.py`` lists timm's weights the same way, grouped by family, filterable.
* MyST lets the prose be plain Markdown (readable on GitHub) while keeping every Sphinx directive.
* furo is a maintained, accessible theme with no remote assets.
* The build is fully offline (no intersphinx, no remote images or fonts) and passes with ``-W``::

      .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "weighthub"
author = "The weighthub developers"
copyright = "the weighthub developers"

try:
    from importlib.metadata import version as _version

    release = _version("weighthub")
except Exception:  # pragma: no cover - docs built without weighthub installed
    release = "unknown"
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "weights_tables",
    "timm_catalogue",
    "cli_check",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "generated", "requirements.txt", "Thumbs.db", ".DS_Store"]

# MyST: ::: fences for directives, and heading anchors so pages can link to sections.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc + napoleon (Google style docstrings).
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"show-inheritance": False}
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

# Offline: no intersphinx, no remote assets.
html_theme = "furo"
html_title = f"weighthub {release}"
html_static_path = ["_static"]
html_css_files = ["weighthub.css"]  # weights tables that fit (scripts/check_docs_in_browser.py)
html_show_sourcelink = False

# Options of the local extensions (see _ext/weights_tables.py).
weights_tables_output = "generated"
# timm's 1,826 weights have a catalogue of their own (_ext/timm_catalogue.py, models/timm.md).
weights_tables_listed_elsewhere = ["weighthub-timm"]
# Weights attached to other plugins' models show these domain meta keys on the third-party page.
weights_tables_meta_columns = {
    "example-torchgeo-weights": ["sensor", "bands"],
}
