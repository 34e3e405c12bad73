"""The ``_docs`` texts of the classification weights, verbatim from torchvision 0.29.1.

Shared by many entries, so each is written once. The odd indentation inside some texts is
torchvision's, kept so that ``meta["_docs"]`` is identical.
"""

# ruff: noqa: E501

IMPROVED_MODIFIED_NEW_RECIPE = (
    "\n"
    "                These weights improve upon the results of the original paper by using a modified version of TorchVision's\n"
    "                `new training recipe\n"
    "                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n"
    "            "
)

IMPROVED_MODIFIED_NEW_RECIPE_CONVNEXT = (
    "\n"
    "        These weights improve upon the results of the original paper by using a modified version of TorchVision's\n"
    "        `new training recipe\n"
    "        <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n"
    "    "
)

IMPROVED_NEW_RECIPE = (
    "\n"
    "                These weights improve upon the results of the original paper by using TorchVision's `new training recipe\n"
    "                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n"
    "            "
)

IMPROVED_SIMPLE_RECIPE = (
    "\n"
    "                These weights improve upon the results of the original paper by using a simple training recipe.\n"
    "            "
)

MARGINALLY_IMPROVED_NEW_RECIPE = (
    "\n"
    "                These weights improve marginally upon the results of the original paper by using a modified version of\n"
    "                TorchVision's `new training recipe\n"
    "                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n"
    "            "
)

MAXVIT_SIMILAR_RECIPE = (
    "These weights reproduce closely the results of the paper using a similar training recipe.\n"
    "            They were trained with a BatchNorm2D momentum of 0.99 instead of the more correct 0.01."
)

PORTED_FROM_LUATORCH = "These weights are ported from LuaTorch."

PORTED_FROM_PAPER = "These weights are ported from the original paper."

REPRODUCED = "These weights reproduce closely the results of the paper."

REPRODUCED_SIMILAR_RECIPE = (
    "These weights reproduce closely the results of the paper using a similar training recipe."
)

REPRODUCED_SIMPLE_RECIPE = (
    "These weights reproduce closely the results of the paper using a simple training recipe."
)

REPRODUCED_SIMPLIFIED_RECIPE = (
    "\n"
    "                These weights reproduce closely the results of the paper using a simplified training recipe.\n"
    "            "
)

SCRATCH_DEIT_RECIPE = (
    "\n"
    "                These weights were trained from scratch by using a modified version of `DeIT\n"
    "                <https://arxiv.org/abs/2012.12877>`_'s training recipe.\n"
    "            "
)

SCRATCH_MODIFIED_NEW_RECIPE = (
    "\n"
    "                These weights were trained from scratch by using a modified version of TorchVision's\n"
    "                `new training recipe\n"
    "                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n"
    "            "
)

SCRATCH_NEW_RECIPE = (
    "\n"
    "                These weights were trained from scratch by using TorchVision's `new training recipe\n"
    "                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.\n"
    "            "
)

SCRATCH_REPRODUCED = (
    "These weights were trained from scratch to reproduce closely the results of the paper."
)

SCRATCH_SIMPLE_RECIPE = "These weights were trained from scratch by using a simple training recipe."

SCRATCH_SIMPLIFIED_RECIPE = (
    "These weights were trained from scratch by using a simplified training recipe."
)

SWAG_E2E = (
    "\n"
    "                These weights are learnt via transfer learning by end-to-end fine-tuning the original\n"
    "                `SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.\n"
    "            "
)

SWAG_LINEAR = (
    "\n"
    "                These weights are composed of the original frozen `SWAG <https://arxiv.org/abs/2201.08371>`_ trunk\n"
    "                weights and a linear classifier learnt on top of them trained on ImageNet-1K data.\n"
    "            "
)

VGG16_FEATURES_ONLY = (
    "\n"
    "                These weights can't be used for classification because they are missing values in the `classifier`\n"
    "                module. Only the `features` module has valid values and can be used for feature extraction. The weights\n"
    "                were trained using the original input standardization method as described in the paper.\n"
    "            "
)
