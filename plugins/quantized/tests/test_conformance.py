"""The shared plugin conformance kit (weighthub.testing) on this plugin."""

from __future__ import annotations

import torch

import weighthub
import weighthub.testing


def test_conformance_kit() -> None:
    weighthub.testing.assert_plugin_conforms("weighthub-quantized")


def test_googlenet_num_params_is_the_model_without_aux_heads() -> None:
    member = weighthub.get_weight("GoogLeNet_QuantizedWeights.IMAGENET1K_FBGEMM_V1")
    with torch.device("meta"):
        model = weighthub.get_model("quantized_googlenet", aux_logits=False, init_weights=False)
    assert sum(p.numel() for p in model.parameters()) == member.meta["num_params"]
