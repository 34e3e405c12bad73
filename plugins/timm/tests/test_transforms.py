"""``weights.transforms()`` is timm's evaluation transform, bit for bit, for every tag.

Each of the 173 distinct data configurations is checked once on the real photo, against
``timm.data.create_transform(**timm.data.resolve_data_config(pretrained_cfg=...))``; every tag is
checked to use its own configuration's preset. Uint8 tensors and the border mode's tensors, which
timm's transforms refuse, are checked against timm's pieces in ``tests/transforms``.
"""

from __future__ import annotations

import pytest
import torch
import torchvision.transforms.functional as F
from timm.data import create_transform, resolve_data_config
from timm.models import get_pretrained_cfg

import weighthub_timm

CATALOGUE = weighthub_timm.manifest()
TAGS = [f"{arch}.{e['tag']}" for arch, entries in CATALOGUE.architectures.items() for e in entries]
# The first tag of each data configuration stands for it.
EXAMPLES = {}
for _arch, _entries in CATALOGUE.architectures.items():
    for _entry in _entries:
        EXAMPLES.setdefault(_entry["config"], f"{_arch}.{_entry['tag']}")


def _timm_transform(name: str, **options: object) -> object:
    cfg = get_pretrained_cfg(name).to_dict()
    return create_transform(**resolve_data_config(pretrained_cfg=cfg, **options))


@pytest.fixture(scope="module")
def inputs(photo) -> dict[str, object]:
    image = F.pil_to_tensor(photo).float() / 255
    return {"pil": photo, "float": image, "batched_float": torch.stack([image, image.flip(-1)])}


def test_every_configuration_has_an_example():
    assert sorted(EXAMPLES) == list(range(len(CATALOGUE.configs))) == list(range(173))


@pytest.mark.parametrize("config", sorted(EXAMPLES), ids=lambda c: EXAMPLES[c])
def test_each_data_configuration_gives_timms_tensors(config, inputs):
    name = EXAMPLES[config]
    ours = weighthub_timm.weights_of(name).transforms()
    theirs = _timm_transform(name)
    kinds = ["pil"] if CATALOGUE.configs[config]["crop_mode"] == "border" else list(inputs)
    for kind in kinds:
        expected = theirs(inputs[kind])
        actual = ours(inputs[kind])
        assert actual.dtype == expected.dtype == torch.float32
        assert torch.equal(actual, expected), (name, kind)


def test_every_tag_uses_its_own_configuration():
    factories: dict[int, object] = {}
    for name in TAGS:
        member = weighthub_timm.weights_of(name)
        data = resolve_data_config(pretrained_cfg=get_pretrained_cfg(name).to_dict())
        _, height, width = data["input_size"]
        settings = dict(member.transforms.keywords)
        assert settings == {
            "crop_size": height if height == width else (height, width),
            "crop_pct": data["crop_pct"],
            "crop_mode": data["crop_mode"],
            "interpolation": data["interpolation"],
            "mean": tuple(data["mean"]),
            "std": tuple(data["std"]),
        }, name
        config = CATALOGUE.architectures[name.partition(".")[0]]
        index = next(e["config"] for e in config if e["tag"] == name.partition(".")[2])
        # Tags of one configuration share one factory.
        assert factories.setdefault(index, member.transforms) is member.transforms
    assert len(factories) == 173


def test_test_size_overrides_give_timms_test_transform(photo):
    member = weighthub_timm.weights_of("resnet50.a1_in1k")
    meta = member.meta
    test = member.transforms(
        crop_size=meta["x_test_input_size"][1], crop_pct=meta["x_test_crop_pct"]
    )
    expected = _timm_transform("resnet50.a1_in1k", use_test_size=True)(photo)
    assert expected.shape == (3, 288, 288)
    assert torch.equal(test(photo), expected)
    # crop_size alone keeps the tag's crop_pct, as timm does for an input_size override.
    bigger = member.transforms(crop_size=256)
    assert torch.equal(
        bigger(photo), _timm_transform("resnet50.a1_in1k", args={"img_size": 256})(photo)
    )
