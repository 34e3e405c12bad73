"""The weights of example-pets-weights, written by ``weighthub new plugin`` (see the README).

The checkpoint is *generated*: a ``shufflenet_v2_x0_5`` with a 3-class head and random values
(``torch.manual_seed(0)``), the shape of a fine-tune on three pet breeds. Its facts (sha256, size,
parameters, GFLOPs) were computed by ``weighthub describe``; it was never trained, so its metrics
are NaN (not measured).
"""

from __future__ import annotations

from weighthub import Weights, WeightsEnum
from weighthub.transforms import preset

__all__ = ["ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights"]


class ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights(WeightsEnum):
    """``shufflenet_v2_x0_5`` weights for 3 categories."""

    PETS_3_V1 = Weights(
        url="pkg://example_pets_weights/weights/shufflenet_v2_x0_5_pets.pth",
        transforms=preset("ImageClassification", crop_size=224),
        meta={
            "categories": ["Abyssinian", "Bengal", "Birman"],
            "num_params": 344867,
            "min_size": (1, 1),
            "_ops": 0.039,
            "_file_size": 1.454,
            "recipe": "https://github.com/weighthub/weighthub/tree/main/examples/plugin-weights-pets",
            "_metrics": {"Pets-3": {"acc@1": float("nan"), "acc@5": float("nan")}},
            "_docs": (
                "Example weights, not trained: random values in the shape of a ShuffleNetV2 "
                "x0.5 fine-tuned on three pet breeds, generated to show a weights-only plugin."
            ),
        },
        sha256="2063d897cfd0a93a92cde49c5b71e19516ee445908b197156f9b8a11db5cae52",
        file_size=1524891,
    )
    DEFAULT = PETS_3_V1
