"""The committed manifest is what the generator makes of the installed timm, tag for tag.

The quick check regenerates everything from timm but the parameter counts (building 1,826 models
on the meta device takes minutes), which it takes from the committed manifest and checks on a
sample; the slow one runs the command a timm upgrade runs, ``--check``, on everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
import timm
from timm.data import ImageNetInfo, resolve_data_config
from timm.models import get_arch_pretrained_cfgs, get_pretrained_cfg

import weighthub_timm
from weighthub_timm import generate

DATA = files("weighthub_timm") / "_data"
RESULTS = Path(__file__).resolve().parents[1] / "results"  # timm's tables, as committed
TAGS = timm.list_pretrained()


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tags(committed) -> dict[str, dict]:
    """``"arch.tag"`` -> the committed entry, with its architecture and position."""
    found = {}
    for arch, entries in committed["architectures"].items():
        for position, entry in enumerate(entries):
            found[f"{arch}.{entry['tag']}"] = {**entry, "arch": arch, "position": position}
    return found


@pytest.fixture(scope="module")
def regenerated(tags) -> dict:
    return generate.build_manifest(num_params=lambda name: tags[name]["num_params"])


def test_the_manifest_is_regenerated_from_timm(committed, regenerated):
    assert committed["timm"] == timm.__version__ == "1.0.31"
    assert (DATA / "manifest.json").read_text(encoding="utf-8") == generate.dumps(regenerated)
    labels = generate.label_files(regenerated)
    assert sorted(labels) == sorted(p.name for p in (DATA / "labels").iterdir())
    for name, text in labels.items():
        assert (DATA / "labels" / name).read_text(encoding="utf-8") == text
    metrics = generate.build_metrics(RESULTS, regenerated)
    assert (DATA / "metrics.json").read_text(encoding="utf-8") == generate.dumps_metrics(metrics)


def test_one_entry_per_pretrained_tag_in_timms_order(tags, committed):
    assert len(tags) == len(TAGS) == 1826
    assert set(tags) == set(TAGS)
    assert len(committed["architectures"]) == 1151
    for arch, entries in committed["architectures"].items():
        order = [name.partition(".")[2] for name in get_arch_pretrained_cfgs(arch)]
        assert [e["tag"] for e in entries] == [t for t in order if f"{arch}.{t}" in tags]
        # The first is what timm.create_model(arch, pretrained=True) loads.
        assert entries[0]["tag"] == get_pretrained_cfg(arch).tag
    alphabetical = sum(
        entries[0]["tag"] != min(e["tag"] for e in entries)
        for entries in committed["architectures"].values()
    )
    assert alphabetical == 186


def test_every_tag_refers_to_its_timm_data_configuration(tags, committed):
    configs = committed["configs"]
    assert len(configs) == len({json.dumps(c, sort_keys=True) for c in configs}) == 173
    for name, entry in tags.items():
        cfg = get_pretrained_cfg(name).to_dict()
        assert configs[entry["config"]] == json.loads(
            json.dumps(resolve_data_config(pretrained_cfg=cfg))
        )


PARAMS_SAMPLE = [
    "resnet50.a1_in1k",
    "resnet50.fb_swsl_ig1b_ft_in1k",
    "vit_base_patch16_224.augreg2_in21k_ft_in1k",
    "vit_base_patch16_224.augreg_in21k",  # 21843 classes
    "vit_base_patch16_clip_224.openai",  # a headless CLIP tower
    "eva02_large_patch14_448.mim_m38m_ft_in22k_in1k",
    "swin_base_patch4_window7_224.ms_in22k",
    "maxvit_tiny_tf_224.in1k",
    "convnext_tiny.in12k",
    "efficientnet_b0.ra_in1k",
    "mobilenetv3_large_100.ra_in1k",
    "levit_128.fb_dist_in1k",
    "flexivit_base.300ep_in1k",
    "gcvit_tiny.in1k",
]


@pytest.mark.parametrize("name", PARAMS_SAMPLE)
def test_num_params_are_counted_on_the_meta_device(name, tags):
    import timm as timm_module

    assert tags[name]["num_params"] == generate.count_params(name)
    model = timm_module.create_model(name, pretrained=False)  # the same count on the CPU
    assert tags[name]["num_params"] == sum(p.numel() for p in model.parameters())


@pytest.mark.slow
def test_the_regeneration_command_finds_nothing_to_change():
    done = subprocess.run(
        [sys.executable, "-m", "weighthub_timm.generate", "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_sources_are_where_timm_loads_from(tags):
    hub = [n for n, e in tags.items() if "hub" in e]
    assert len(hub) == 1807
    assert {tuple(tags[n]["files"]) for n in hub} == {("model.safetensors", "pytorch_model.bin")}
    assert sum(tags[n]["hub"].startswith("timm/") for n in hub) == 1771
    by_url = sorted(n for n, e in tags.items() if "hub" not in e)
    assert len(by_url) == 19
    assert tags["gcvit_tiny.in1k"]["url"].startswith("https://github.com/rwightman/")
    # The 65 JAX checkpoints keep their .npz URL; timm loads the Hub's converted file first.
    custom = [n for n, e in tags.items() if e.get("custom_load")]
    assert len(custom) == 65
    assert all("hub" in tags[n] for n in custom)


def test_torchvisions_own_checkpoints_are_marked(tags):
    marked = {n: e["torchvision"] for n, e in tags.items() if "torchvision" in e}
    assert len(marked) == 38
    assert marked["resnet50.tv2_in1k"] == {
        "url": "https://download.pytorch.org/models/resnet50-11ad3fa6.pth",
        "weights": "ResNet50_Weights.IMAGENET1K_V2",
    }
    assert (
        marked["regnety_160.swag_ft_in1k"]["weights"]
        == "RegNet_Y_16GF_Weights.IMAGENET1K_SWAG_E2E_V1"
    )
    # torchvision's earlier Inception v3 file: no current torchvision enum lists it.
    assert marked["inception_v3.tv_in1k"] == {
        "url": "https://download.pytorch.org/models/inception_v3_google-1a9a5a14.pth"
    }
    # Same host, not torchvision's: Facebook's WSL weights.
    assert "torchvision" not in tags["resnext101_32x8d.fb_wsl_ig1b_ft_in1k"]


def test_label_sets_are_timms_and_match_the_classifier(tags):
    counts: dict[str | None, int] = {}
    for entry in tags.values():
        counts[entry.get("labels")] = counts.get(entry.get("labels"), 0) + 1
        if "labels" in entry:
            assert entry["num_classes"] == ImageNetInfo(entry["labels"]).num_classes()
    assert counts == {
        "imagenet-1k": 1321,
        "imagenet-12k": 48,
        "imagenet-22k": 31,
        "imagenet-21k-goog": 30,
        "imagenet-22k-ms": 5,
        "imagenet-21k-miil": 5,
        None: 386,  # 269 headless, 117 CLIP-style embeddings and unnamed class sets
    }
    assert sum(e["num_classes"] == 0 for e in tags.values()) == 269


def test_the_torchvision_names_are_the_clashing_architectures(committed):
    import torchvision.models

    names = set(torchvision.models.list_models())
    clashing = [arch for arch in committed["architectures"] if arch in names]
    assert committed["torchvision_names"] == sorted(clashing)
    assert len(clashing) == 33
    assert weighthub_timm.manifest().torchvision_names == frozenset(clashing)


RESULTS_HEADER = "model,img_size,top1,top1_err,top5,top5_err,param_count,crop_pct,interpolation\n"


def test_results_tables_become_metrics(tmp_path, regenerated):
    (tmp_path / "results-imagenet.csv").write_text(
        RESULTS_HEADER
        # Two sizes: the one of the tag's own transforms (224) is kept.
        + "resnet50.a1_in1k,288,81.214,18.786,95.11,4.89,25.56,1.0,bicubic\n"
        + "resnet50.a1_in1k,224,80.382,19.618,94.598,5.402,25.56,0.95,bicubic\n"
        # Only a size other than its transforms': kept, with that size.
        + "resnet50.a2_in1k,288,80.1,19.9,94.9,5.1,25.56,1.0,bicubic\n"
        + "vit_base_patch16_224,224,85.1,14.9,97.5,2.5,86.57,0.9,bicubic\n"  # untagged: default
        + "resnet50.b1k_in1k,224,80.0,20.0,94.0,6.0,25.56,0.95,bicubic\n"
        + "not_a_timm_model.x,224,1.0,99.0,5.0,95.0,1.0,0.9,bicubic\n",
        encoding="utf-8",
    )
    (tmp_path / "results-imagenet-real.csv").write_text(
        RESULTS_HEADER
        + "resnet50.a1_in1k,224,86.9,13.1,97.0,3.0,25.56,0.95,bicubic\n"
        # Not in results-imagenet.csv: dropped, as the schema wants ImageNet-1K first.
        + "resnet50.c1_in1k,224,86.0,14.0,97.0,3.0,25.56,0.95,bicubic\n",
        encoding="utf-8",
    )
    # timm's benchmark tables sit in the same folder and are not results.
    (tmp_path / "results-benchmark-infer.csv").write_text(
        "model,infer_samples_per_sec\nresnet50.a1_in1k,2000\n", encoding="utf-8"
    )
    found = generate.build_metrics(tmp_path, regenerated)
    assert found["resnet50.a1_in1k"] == {
        "input_size": 224,
        "metrics": {
            "ImageNet-1K": {"acc@1": 80.382, "acc@5": 94.598},
            "ImageNet-ReaL": {"acc@1": 86.9, "acc@5": 97.0},
        },
    }
    assert found["resnet50.a2_in1k"]["input_size"] == 288
    default = f"vit_base_patch16_224.{get_pretrained_cfg('vit_base_patch16_224').tag}"
    assert found[default]["metrics"] == {"ImageNet-1K": {"acc@1": 85.1, "acc@5": 97.5}}
    assert sorted(found) == sorted(
        ["resnet50.a1_in1k", "resnet50.a2_in1k", "resnet50.b1k_in1k", default]
    )


def test_the_committed_tables_give_most_classifiers_their_metrics(tags, committed):
    metrics = json.loads((DATA / "metrics.json").read_text(encoding="utf-8"))
    assert len(metrics) == 1266
    assert all("ImageNet-1K" in value["metrics"] for value in metrics.values())
    assert set(metrics) <= set(tags)
    # timm evaluates ImageNet-1k classifiers only.
    assert all(tags[name].get("labels") == "imagenet-1k" for name in metrics)
    # The size kept is the tag's own transforms' whenever timm evaluated at it.
    configs = committed["configs"]
    own = sum(
        value["input_size"] == configs[tags[name]["config"]]["input_size"][-1]
        for name, value in metrics.items()
    )
    assert own >= 1200, own


def test_the_command_refuses_a_results_path_that_is_no_folder(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        generate.main(["--results", str(tmp_path / "missing")])
    assert exit_info.value.code == 2
    assert "not a folder of timm's results-*.csv files" in capsys.readouterr().err


def test_the_manifest_is_compact_and_one_line_per_entry(committed):
    text = (DATA / "manifest.json").read_text(encoding="utf-8")
    families = len(committed["families"])
    assert len(text.splitlines()) == 1 + 1 + 173 + 1 + families + 1 + 1151 + 1826
    assert len(text.encode()) < 700_000
    assert Path(str(DATA / "manifest.json")).stat().st_size == len(text.encode())


def test_families_are_timms_model_modules(committed):
    families = committed["families"]
    assert len(families) == 98
    arches = [arch for archs in families.values() for arch in archs]
    assert sorted(arches) == sorted(committed["architectures"])  # each in exactly one
    for family, archs in families.items():
        assert all(timm.models.is_model_in_modules(arch, family) for arch in archs)
    assert weighthub_timm.manifest().families == families
