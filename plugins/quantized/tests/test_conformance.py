"""The shared plugin conformance kit (weighthub.testing) on this plugin."""

from __future__ import annotations

import pytest
import torch

import weighthub

# The kit counts num_params on the float model built with weights=None. GoogLeNet then keeps its
# two auxiliary heads (13004888 parameters); torchvision's builder drops them after loading any
# weights, and its meta (6624904) counts the model without them. Checked separately below.
_GOOGLENET_AUX = ("quantized_googlenet", "num_params", "the float architecture has 13004888")


def test_conformance_kit() -> None:
    testing = pytest.importorskip(
        "weighthub.testing", reason="the conformance kit is not there yet"
    )
    report = testing.check_plugin("weighthub-quantized")
    model, check, text = _GOOGLENET_AUX
    report.failures[:] = [
        f
        for f in report.failures
        if not (f.model == model and f.check == check and text in f.message)
    ]
    assert report.ok, report.format()


def test_googlenet_num_params_is_the_model_without_aux_heads() -> None:
    member = weighthub.get_weight("GoogLeNet_QuantizedWeights.IMAGENET1K_FBGEMM_V1")
    with torch.device("meta"):
        model = weighthub.get_model("quantized_googlenet", aux_logits=False, init_weights=False)
    assert sum(p.numel() for p in model.parameters()) == member.meta["num_params"]
