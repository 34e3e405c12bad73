"""The shared plugin conformance kit, and the torch-free light import."""

from __future__ import annotations

import subprocess
import sys


def test_conformance_kit() -> None:
    from weighthub import testing

    # ops_sample=1 recounts SSDlite only: the two-stage detectors' ops depend on how many
    # proposals pass the score threshold, so random weights cannot reproduce the published
    # numbers (torchvision's own fasterrcnn_mobilenet_v3_large_320_fpn counts 2.873, not 0.719).
    testing.assert_plugin_conforms("weighthub-detection", ops_sample=1)


def test_listing_and_enums_import_no_torch() -> None:
    code = (
        "import sys, weighthub, weighthub_detection\n"
        "names = weighthub.list_models(plugin='detection')\n"
        "assert len(names) == 12, names\n"
        "from weighthub_detection import FasterRCNN_ResNet50_FPN_Weights as E\n"
        "assert E.DEFAULT.meta['num_params'] == 41755286\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True)
