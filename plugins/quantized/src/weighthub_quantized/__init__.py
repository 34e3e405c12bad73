"""weighthub-quantized: torchvision's quantized (int8) classification models for weighthub.

Registers ``quantized_googlenet``, ``quantized_inception_v3``, ``quantized_mobilenet_v2``,
``quantized_mobilenet_v3_large``, ``quantized_resnet18``, ``quantized_resnet50``,
``quantized_resnext101_32x8d``, ``quantized_resnext101_64x4d`` and
``quantized_shufflenet_v2_x0_5`` / ``x1_0`` / ``x1_5`` / ``x2_0``, with their
``*_QuantizedWeights`` enums::

    import weighthub

    model = weighthub.get_model("quantized_resnet50", weights="DEFAULT", quantize=True)

Without ``quantize=True`` the builders return the float quantizable architecture and take the
float weights of ``weighthub-classification`` (as torchvision does); ``meta["unquantized"]`` names
them lazily. This plugin works without that one installed.

Importing this package imports no torch: the builders (``weighthub_quantized.resnet50`` ...) and
enums (``weighthub_quantized.ResNet50_QuantizedWeights`` ...) load on first attribute access.
"""

from __future__ import annotations

from weighthub.building import lazy_exports

from ._plugin import MODELS

# The builders are exported under torchvision's names ("resnet50"), as "module:builder" says.
_LAZY = {ref.partition(":")[2]: ref.partition(":")[0] for ref, _ in MODELS.values()}
_LAZY.update(dict.fromkeys((enum for _, enum in MODELS.values()), "_weights"))
__getattr__, __dir__, __all__ = lazy_exports(__name__, _LAZY)
