"""The shared plugin conformance kit, and the torch-free light import."""

from __future__ import annotations

import subprocess
import sys


def test_conformance_kit() -> None:
    from weighthub import testing

    testing.assert_plugin_conforms("weighthub-segmentation")


def test_listing_and_enums_import_no_torch() -> None:
    code = (
        "import sys, weighthub, weighthub_segmentation\n"
        "names = weighthub.list_models(plugin='segmentation')\n"
        "assert len(names) == 6, names\n"
        "from weighthub_segmentation import FCN_ResNet50_Weights as E\n"
        "assert E.DEFAULT.meta['num_params'] == 35322218\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True)
