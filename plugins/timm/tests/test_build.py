"""build_model: timm's models built fast, bit-identical to ``timm.create_model(pretrained=True)``.

Checkpoints are generated (random weights of each architecture's shapes) and written with their
tensors off the 64-byte boundaries, as Hub files often are. The reference is timm itself, loading
the same file: ``timm.create_model(arch, pretrained=True, pretrained_cfg_overlay=dict(file=...))``.
``plugins/timm/scripts/sweep_build.py`` runs the same check on every architecture.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import timm
import torch
from timm.models import get_model_input_config

import weighthub
from weighthub.building import is_aligned, matvec_operands
from weighthub.testing import (
    python_without,
    random_state_dict,
    same_bits,
    tensors_of,
    write_unaligned_safetensors,
)
from weighthub_timm import build_model, empty_model

PRETRAINED = list(dict.fromkeys(tag.split(".")[0] for tag in timm.list_pretrained()))

# Small members of each family, across timm's model modules; heavier ones are marked slow.
SAMPLE = [
    # ViT and relatives
    "test_vit",
    "test_vit2",
    "test_vit3",
    "vit_tiny_patch16_224",
    "vit_tiny_r_s16_p8_224",
    "vit_relpos_small_patch16_224",
    "vit_little_patch16_reg1_gap_256",
    "vit_small_patch16_rope_224",
    "deit_tiny_patch16_224",
    "deit_tiny_distilled_patch16_224",
    "eva02_tiny_patch14_224",
    "cait_xxs24_224",
    "xcit_nano_12_p16_224",
    "pit_ti_224",
    "crossvit_tiny_240",
    "convit_tiny",
    "levit_128s",
    "levit_conv_128s",
    "tiny_vit_5m_224",
    "efficientvit_m0",
    "efficientvit_b0",
    "efficientformerv2_s0",
    "mobilevit_xxs",
    "mobilevitv2_050",
    "pvt_v2_b0",
    "hiera_tiny_224",
    "shvit_s1",
    # windowed and hybrid attention
    "swin_tiny_patch4_window7_224",
    "swinv2_cr_tiny_ns_224",
    "maxvit_rmlp_pico_rw_256",
    "coatnet_nano_rw_224",
    "coatnet_rmlp_nano_rw_224",
    "fastvit_t8",
    "fastvit_mci0",
    "edgenext_xx_small",
    "gcvit_xxtiny",
    "davit_tiny",
    # convolutional
    "test_efficientnet",
    "test_efficientnet_gn",
    "test_efficientnet_ln",
    "test_byobnet",
    "test_convnext",
    "test_nfnet",
    "test_resnet",
    "convnext_atto",
    "convnextv2_atto",
    "efficientnet_b0",
    "tf_efficientnet_lite0",
    "tf_efficientnetv2_b0",
    "regnetx_002",
    "regnety_002",
    "resnet10t",
    "resnet18d",
    "mobilenetv3_small_050",
    "mobilenetv4_conv_small",
    "mobilenetv4_hybrid_medium",
    "mobilenetv2_050",
    "lcnet_050",
    "ghostnetv2_100",
    "repghostnet_050",
    "mixnet_s",
    "hardcorenas_a",
    "tinynet_e",
    "rexnet_100",
    "repvgg_a0",
    "hgnetv2_b0",
    "mambaout_femto",
    "poolformerv2_s12",
    "legacy_seresnet18",
    "sequencer2d_s",
]
SLOW_SAMPLE = [
    "vit_base_patch16_siglip_224",
    "beit_base_patch16_224",
    "beitv2_base_patch16_224",
    "eva02_tiny_patch14_336",
    "swinv2_tiny_window8_256",
    "maxxvit_rmlp_nano_rw_256",
    "volo_d1_224",
    "regnetz_b16",
    "resnetrs50",
    "seresnext26d_32x4d",
    "inception_v3",
    "hrnet_w18_small",
    "densenet121",
    "focalnet_tiny_srf",
    "nest_tiny_jx",
    "coat_lite_tiny",
    "sam2_hiera_tiny",
    "naflexvit_base_patch16_gap",
    "mobilenetv5_300m",
    "tnt_s_patch16_224",
]


def _checkpoint(arch, folder: Path, *, dtype=None, drop=(), **kwargs) -> Path:
    state = random_state_dict(empty_model(arch, **kwargs), seed=arch)
    state = {k: v for k, v in state.items() if not k.startswith(drop)}
    if dtype is not None:
        state = {k: v.to(dtype) if v.is_floating_point() else v for k, v in state.items()}
    return write_unaligned_safetensors(folder / f"{arch}.safetensors", state)


def _timm_model(arch, path, **kwargs):
    # timm's JAX-loader tags (custom_load: vit_tiny_patch16_224's ...) are served as safetensors.
    overlay = {"file": str(path), "custom_load": False, **kwargs.pop("overlay", {})}
    return timm.create_model(arch, pretrained=True, pretrained_cfg_overlay=overlay, **kwargs)


def assert_same_state(ours, theirs, *, skip=()):
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert mine.keys() == reference.keys()
    differing = [
        key
        for key in reference
        if not key.startswith(skip) and not same_bits(mine[key], reference[key])
    ]
    assert not differing, f"tensors differ: {differing[:5]}"


def assert_same_outputs(ours, theirs, batches=(1, 2)):
    ours.eval()
    theirs.eval()
    size = get_model_input_config(theirs)["input_size"]
    generator = torch.Generator().manual_seed(0)
    with torch.inference_mode():
        for batch in batches:
            x = torch.randn(batch, *size, generator=generator)
            mine, reference = tensors_of(ours(x)), tensors_of(theirs(x))
            assert len(mine) == len(reference) > 0
            for a, b in zip(mine, reference, strict=True):
                assert same_bits(a, b), f"outputs differ at batch size {batch}"


@pytest.mark.parametrize(
    "arch",
    [*SAMPLE, *(pytest.param(a, marks=pytest.mark.slow) for a in SLOW_SAMPLE)],
)
def test_model_is_bit_identical_to_timms(arch, tmp_path):
    path = _checkpoint(arch, tmp_path)
    ours = build_model(arch, path)
    theirs = _timm_model(arch, path)
    assert type(ours) is type(theirs)
    assert ours.training and ours.pretrained_cfg == theirs.pretrained_cfg
    assert_same_state(ours, theirs)
    assert_same_outputs(ours, theirs)


def test_the_sample_covers_the_families_the_issue_names():
    families = ("vit", "deit", "eva02", "swin", "maxvit", "convnext", "efficientnet", "regnet")
    families += ("resnet", "mobilenetv3", "mobilenetv4", "levit", "coatnet", "beit", "fastvit")
    sample = SAMPLE + SLOW_SAMPLE
    assert len(sample) == len(set(sample)) >= 50
    assert set(sample) <= set(PRETRAINED)
    assert all(any(arch.startswith(f) for arch in sample) for f in families)


@pytest.mark.parametrize("arch", PRETRAINED)
def test_every_pretrained_architecture_builds_with_meta_parameters(arch):
    model = empty_model(arch)
    params = list(model.parameters())
    assert params and all(p.is_meta for p in params)


def test_the_loaded_weights_stay_memory_mapped_except_what_matvec_kernels_read(tmp_path):
    path = _checkpoint("regnety_002", tmp_path)
    model = build_model("regnety_002", path)
    names = matvec_operands(model, (1, 3, 224, 224))
    tensors = dict(model.named_parameters())
    assert names and all(is_aligned(tensors[n]) for n in names if n in tensors)
    assert any(not is_aligned(t) for n, t in tensors.items() if n not in names)


def test_precomputed_align_names_give_the_same_model(tmp_path):
    path = _checkpoint("mobilenetv3_small_050", tmp_path)
    traced = build_model("mobilenetv3_small_050", path)
    names = matvec_operands(traced, (1, 3, 224, 224))
    given = build_model("mobilenetv3_small_050", path, align=names)
    assert_same_state(given, traced)
    assert_same_outputs(given, traced, batches=(1,))


def test_torch_save_checkpoints_load_too(tmp_path):
    state = random_state_dict(empty_model("resnet10t"), seed=1)
    path = tmp_path / "resnet10t.pth"
    torch.save(state, path)
    assert_same_state(build_model("resnet10t", path), _timm_model("resnet10t", path))


def test_a_half_precision_checkpoint_is_cast_as_timm_casts_it(tmp_path):
    path = _checkpoint("test_vit", tmp_path, dtype=torch.float16)
    ours = build_model("test_vit", path)
    assert {p.dtype for p in ours.parameters()} == {torch.float32}
    assert_same_state(ours, _timm_model("test_vit", path))


def test_a_new_number_of_classes_drops_the_classifier_and_initialises_one(tmp_path):
    path = _checkpoint("regnety_002", tmp_path)
    ours = build_model("regnety_002", path, num_classes=10)
    theirs = _timm_model("regnety_002", path, num_classes=10)
    assert ours.num_classes == 10 and ours.get_classifier().weight.shape == (10, 368)
    assert_same_state(ours, theirs, skip=("head.fc.",))
    head = ours.get_classifier()
    assert torch.isfinite(head.weight).all() and head.weight.abs().sum() > 0
    assert not is_aligned(ours.stem.conv.weight) or is_aligned(head.weight)


def test_a_headless_model_equals_timms_bit_for_bit(tmp_path):
    path = _checkpoint("convnext_atto", tmp_path)
    ours = build_model("convnext_atto", path, num_classes=0)
    theirs = _timm_model("convnext_atto", path, num_classes=0)
    assert_same_state(ours, theirs)
    assert_same_outputs(ours, theirs, batches=(1,))


def test_other_input_channels_are_adapted_as_timm_adapts_them(tmp_path):
    path = _checkpoint("resnet10t", tmp_path)
    ours = build_model("resnet10t", path, in_chans=1)
    theirs = _timm_model("resnet10t", path, in_chans=1)
    assert ours.conv1[0].weight.shape[1] == 1
    assert_same_state(ours, theirs)
    assert_same_outputs(ours, theirs, batches=(1,))


def test_a_headless_thirteen_band_checkpoint_loads_with_a_fresh_head(tmp_path):
    """torchgeo's case: a Sentinel-2 stem, no classifier in the file, everything else strict."""
    path = _checkpoint("resnet18", tmp_path, in_chans=13, drop=("fc.",))
    state = weighthub.load_checkpoint(path)
    model = build_model("resnet18", path, in_chans=13, fresh=("fc",))

    assert model.conv1.weight.shape == (64, 13, 7, 7)
    loaded = model.state_dict()
    assert all(same_bits(loaded[k], v) for k, v in state.items())
    assert set(loaded) - set(state) == {"fc.weight", "fc.bias"}
    assert torch.isfinite(model.fc.weight).all() and model.fc.weight.std() > 0
    with torch.inference_mode():
        assert model.eval()(torch.randn(1, 13, 224, 224)).shape == (1, 1000)

    with pytest.raises(weighthub.CheckpointMismatchError, match=r"fc\.weight") as caught:
        build_model("resnet18", path, in_chans=13)
    assert caught.value.path == path and "fresh=" in str(caught.value)
    assert isinstance(caught.value, RuntimeError)


def test_fresh_parts_ignore_what_the_checkpoint_holds_for_them(tmp_path):
    path = _checkpoint("resnet10t", tmp_path)
    state = weighthub.load_checkpoint(path)
    model = build_model("resnet10t", path, fresh=("fc.bias", "conv1.1"))
    assert same_bits(model.fc.weight.detach(), state["fc.weight"])
    assert not torch.equal(model.fc.bias.detach(), state["fc.bias"])
    norm = model.conv1[1]  # a fresh BatchNorm: reset parameters and statistics
    assert torch.equal(norm.weight.detach(), torch.ones(24))
    assert torch.equal(norm.running_mean, torch.zeros(24))
    assert torch.equal(norm.running_var, torch.ones(24))
    assert same_bits(model.conv1[0].weight.detach(), state["conv1.0.weight"])


def test_a_fresh_name_the_model_lacks_suggests_close_ones(tmp_path):
    path = _checkpoint("resnet10t", tmp_path)
    with pytest.raises(weighthub.CheckpointMismatchError, match=r"fresh='fcc'.*Did you mean 'fc'"):
        build_model("resnet10t", path, fresh=("fcc",))


def test_an_unknown_architecture_suggests_close_names(tmp_path):
    with pytest.raises(weighthub.UnknownModelError, match=r"resnet5'.*Did you mean 'resnet50'"):
        build_model("resnet5", tmp_path / "x.safetensors")
    with pytest.raises(weighthub.UnknownModelError, match="Did you mean"):
        empty_model("convnext_atoo")


def test_a_missing_checkpoint_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nothing\.safetensors"):
        build_model("resnet10t", tmp_path / "nothing.safetensors")


def test_builds_in_several_threads_at_once_do_not_mix(tmp_path):
    paths = {arch: _checkpoint(arch, tmp_path) for arch in ("test_vit", "test_resnet")}
    built: dict[str, torch.nn.Module] = {}

    def build(arch):
        built[arch] = build_model(arch, paths[arch])

    threads = [threading.Thread(target=build, args=(arch,)) for arch in paths]
    for thread in threads:
        thread.start()
    reference = {arch: _timm_model(arch, path) for arch, path in paths.items()}  # meanwhile
    for thread in threads:
        thread.join()
    for arch in paths:
        assert_same_state(built[arch], reference[arch])
        assert not any(p.is_meta for p in reference[arch].parameters())


def test_features_only_models_match_too(tmp_path):
    path = _checkpoint("resnet10t", tmp_path)
    ours = build_model("resnet10t", path, features_only=True, out_indices=(2, 4))
    theirs = _timm_model("resnet10t", path, features_only=True, out_indices=(2, 4))
    assert_same_state(ours, theirs)
    assert_same_outputs(ours, theirs, batches=(1,))


def _vit_npz(model, path):
    """Write a VisionTransformer's weights in the JAX layout timm's ``_load_weights`` reads."""
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    dim = model.embed_dim
    heads = model.blocks[0].attn.num_heads
    w = {
        "embedding/kernel": state["patch_embed.proj.weight"].transpose(2, 3, 1, 0),
        "embedding/bias": state["patch_embed.proj.bias"],
        "cls": state["cls_token"],
        "Transformer/posembed_input/pos_embedding": state["pos_embed"],
        "Transformer/encoder_norm/scale": state["norm.weight"],
        "Transformer/encoder_norm/bias": state["norm.bias"],
        "head/kernel": state["head.weight"].T,
        "head/bias": state["head.bias"],
    }
    for i in range(len(model.blocks)):
        b, p = f"blocks.{i}.", f"Transformer/encoderblock_{i}/"
        mha = p + "MultiHeadDotProductAttention_1/"
        for j, part in enumerate(("query", "key", "value")):
            rows = slice(j * dim, (j + 1) * dim)
            w[mha + part + "/kernel"] = state[b + "attn.qkv.weight"][rows].T.reshape(dim, heads, -1)
            w[mha + part + "/bias"] = state[b + "attn.qkv.bias"][rows].reshape(heads, -1)
        out = state[b + "attn.proj.weight"].reshape(dim, heads, -1)
        w[mha + "out/kernel"] = out.transpose(1, 2, 0)
        w[mha + "out/bias"] = state[b + "attn.proj.bias"]
        for norm, sub in (("norm1", 0), ("norm2", 2)):
            w[p + f"LayerNorm_{sub}/scale"] = state[b + norm + ".weight"]
            w[p + f"LayerNorm_{sub}/bias"] = state[b + norm + ".bias"]
        for r in range(2):
            w[p + f"MlpBlock_3/Dense_{r}/kernel"] = state[b + f"mlp.fc{r + 1}.weight"].T
            w[p + f"MlpBlock_3/Dense_{r}/bias"] = state[b + f"mlp.fc{r + 1}.bias"]
    np.savez(path, **w)
    return path


def test_npz_checkpoints_go_through_timms_own_loader(tmp_path):
    source = empty_model("test_vit")
    source.load_state_dict(random_state_dict(source, seed=5), assign=True)
    path = _vit_npz(source, tmp_path / "test_vit.npz")
    ours = build_model("test_vit", path)
    theirs = _timm_model("test_vit", path, overlay={"custom_load": True})
    assert_same_state(ours, theirs)
    assert_same_state(ours, source)
    assert_same_outputs(ours, theirs, batches=(1,))

    ten = build_model("test_vit", path, num_classes=10)  # the loader leaves the head out
    assert ten.head.weight.shape == (10, 64) and torch.isfinite(ten.head.weight).all()


def test_without_timm_the_error_says_what_to_install(tmp_path):
    errors = python_without("timm", folder=tmp_path / "python").errors_of(
        "import weighthub, weighthub_timm",
        [
            "weighthub_timm.build_model('resnet18', 'x.safetensors')",
            "weighthub_timm.empty_model('resnet18')",
            "weighthub.get_model('resnet10t')",  # a registered builder, listed without timm
        ],
        catch=(ImportError,),
    )
    assert all(e and "pip install 'weighthub-timm[timm]'" in e for e in errors), errors
