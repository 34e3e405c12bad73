"""Loading weights: a generated COCO checkpoint, and backbone weights with trainable layers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
import torchvision.models as tvm
import torchvision.models.detection as tvd
from PIL import Image
from torchvision.ops.misc import FrozenBatchNorm2d

import weighthub_detection
from weighthub import WeightsEnum
from weighthub.testing import Interpreter, TorchHubCache, WeightsServer


def backbone_body(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The state dict of the part of the backbone that the classification weights fill."""
    backbone = model.backbone
    body = backbone.body if hasattr(backbone, "body") else backbone.features[0]
    return body.state_dict()


def trainable_count(model: torch.nn.Module) -> int:
    return sum(1 for p in model.parameters() if p.requires_grad)


def test_coco_checkpoint_loads_bit_identically(
    photo: Image.Image,
    weights_server: WeightsServer,
    torch_hub_cache: TorchHubCache,
    only_plugins: Callable[..., None],
) -> None:
    name = "fasterrcnn_mobilenet_v3_large_320_fpn"
    member = weighthub_detection.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1
    torch.manual_seed(1)
    source = tvd.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None)
    for buffer_name, buffer in source.named_buffers():
        if buffer_name.endswith(("running_mean", "running_var")):
            buffer.uniform_(0.5, 1.5)
    with torch.no_grad():
        # confident heads, so that boxes come out of the random model
        source.rpn.head.cls_logits.bias += 6.0
        source.roi_heads.box_predictor.cls_score.bias[1] += 10.0
    tv_member = tvd.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1

    # Our member's file, served on loopback; the classification plugin is not even discovered.
    only_plugins("weighthub-detection")
    weights_server.serve(member, source.state_dict())
    ours = getattr(weighthub_detection, name)(weights=member).eval()
    torch_hub_cache.add(tv_member, source.state_dict())
    theirs = tvd.fasterrcnn_mobilenet_v3_large_320_fpn(weights=tv_member).eval()

    assert ours.state_dict().keys() == theirs.state_dict().keys()
    for key, value in theirs.state_dict().items():
        assert torch.equal(ours.state_dict()[key], value), key
    assert isinstance(ours.backbone.body["0"][1], FrozenBatchNorm2d)
    assert [n for n, p in ours.named_parameters() if p.requires_grad] == [
        n for n, p in theirs.named_parameters() if p.requires_grad
    ]
    batch = [member.transforms()(photo)]
    with torch.no_grad():
        out_ours, out_theirs = ours(batch), theirs(batch)
    assert len(out_ours[0]["boxes"]) > 0
    assert out_ours[0].keys() == out_theirs[0].keys() == {"boxes", "labels", "scores"}
    for key in out_theirs[0]:
        assert torch.equal(out_ours[0][key], out_theirs[0][key]), key


@pytest.mark.parametrize(
    ("name", "arch", "enum_name", "layers", "expected"),
    [
        # torchvision's test_detection_model_trainable_backbone_layers values (None: the default)
        ("fasterrcnn_resnet50_fpn", "resnet50", "ResNet50_Weights", [0, None], [30, 72]),
        (
            "ssdlite320_mobilenet_v3_large",
            "mobilenet_v3_large",
            "MobileNet_V3_Large_Weights",
            [0, None],
            [96, 266],
        ),
        # any WeightsEnum member is accepted, whatever its enum is called
        ("fasterrcnn_mobilenet_v3_large_fpn", "mobilenet_v3_large", None, [0, 6], None),
    ],
)
def test_backbone_weights_and_trainable_layers(
    name: str,
    arch: str,
    enum_name: str | None,
    layers: list[int | None],
    expected: list[int] | None,
    backbone_checkpoint: Callable[[str], Path],
    backbone_member: Callable[[str, str], WeightsEnum],
    torch_hub_cache: TorchHubCache,
) -> None:
    path = backbone_checkpoint(arch)
    tv_enum = tvm.get_model_weights(arch)
    member = backbone_member(enum_name or "AnyName_Weights", arch)
    torch_hub_cache.add(tv_enum.IMAGENET1K_V1, path)
    checkpoint = torch.load(path, weights_only=True)
    counts = []
    for n in layers:
        ours = getattr(weighthub_detection, name)(
            weights_backbone=member, trainable_backbone_layers=n
        )
        theirs = getattr(tvd, name)(
            weights_backbone=tv_enum.IMAGENET1K_V1, trainable_backbone_layers=n
        )
        counts.append(trainable_count(ours))
        assert counts[-1] == trainable_count(theirs)
        ours_body, theirs_body = backbone_body(ours), backbone_body(theirs)
        assert ours_body.keys() == theirs_body.keys()
        for key, value in theirs_body.items():
            assert torch.equal(ours_body[key], value), key
    if expected is not None:
        assert counts == expected
    # the checkpoint itself reached the backbone (not only the same random init on both sides)
    first_conv = next(k for k in checkpoint if k.endswith("weight") and checkpoint[k].dim() == 4)
    assert any(torch.equal(v, checkpoint[first_conv]) for v in ours.state_dict().values())


# Each call must fail naming the missing plugin; the last one with warnings as errors too (an
# explicit reference keeps its meaning: no legacy-boolean handling, no warning).
_BACKBONE_BY_NAME = [
    *(
        f"detection.fasterrcnn_resnet50_fpn(weights_backbone={name!r})"
        for name in ("DEFAULT", "IMAGENET1K_V1", "ResNet50_Weights.IMAGENET1K_V1")
    ),
    # the torchvision default weights_backbone=ResNet50_Weights.IMAGENET1K_V1, by name
    "detection.retinanet_resnet50_fpn()",
    "detection.ssd300_vgg16(pretrained_backbone=True)",
    "warnings.simplefilter('error')\n"
    "detection.fcos_resnet50_fpn(weights_backbone=WeightsRef('ResNet50_Weights.IMAGENET1K_V2'))",
]


def test_backbone_by_name_needs_the_classification_plugin(
    python_without: Callable[..., Interpreter],
) -> None:
    errors = python_without("weighthub-classification").errors_of(
        "import warnings, weighthub_detection as detection\nfrom weighthub import WeightsRef",
        _BACKBONE_BY_NAME,
        catch=(ValueError,),
    )
    assert len(errors) == 6
    for error in errors:
        assert error is not None and "pip install weighthub-classification" in error, error


def test_backbone_names_resolve_through_weighthub() -> None:
    classification = pytest.importorskip("weighthub_classification")
    from weighthub import resolve_weights as resolve_backbone_weights

    expected = classification.ResNet50_Weights.IMAGENET1K_V1
    for name in ("IMAGENET1K_V1", "ResNet50_Weights.IMAGENET1K_V1"):
        assert resolve_backbone_weights(name, "ResNet50_Weights") is expected
    default = resolve_backbone_weights("DEFAULT", "ResNet50_Weights")
    assert default is classification.ResNet50_Weights.DEFAULT
    with pytest.raises(TypeError, match="expected ResNet50_Weights but received ResNet101_Weights"):
        resolve_backbone_weights("ResNet101_Weights.IMAGENET1K_V1", "ResNet50_Weights")
    with pytest.raises(KeyError):
        resolve_backbone_weights("IMAGENET1K_V9", "ResNet50_Weights")
