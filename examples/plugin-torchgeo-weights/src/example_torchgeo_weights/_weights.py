# ruff: noqa: E501 (torchgeo's URLs, verbatim, are longer than a line)
"""torchgeo's ResNet-50 and ViT-S/16 weights, as torchgeo publishes them, for timm's architectures.

Generated from torchgeo's ``torchgeo/models/resnet.py``, ``vit.py`` and ``swin.py`` (commit
7ea0616de of microsoft/torchgeo): enum and member names (aliases included), URLs with their hash
prefixes, and every meta key and value are torchgeo's. weighthub adds what its schema computes:
``num_params``, ``_ops`` and ``_file_size`` (of generated checkpoints of the same shapes; a real file
may differ in size), ``min_size``, ``recipe`` (torchgeo's ``repo``) and ``_docs``. torchgeo's
Kornia transforms are weighthub presets; where a preset cannot say the same yet, the comment on the
member says what differs. No torch is imported here.
"""

from weighthub import Weights, WeightsEnum
from weighthub.transforms import PresetFactory, preset

_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)

# https://github.com/zhu-xlab/DeCUR/blob/f190e9a3895ef645c005c8c2fce287ffa5a937e3/src/transfer_classification_BE/linear_BE_resnet.py#L286
_MEAN_S1 = (-12.59, -20.26)
_STD_S1 = (5.26, 5.91)

_MEAN_S2 = (
    1612.9,
    1397.6,
    1322.3,
    1373.1,
    1561.0,
    2108.4,
    2390.7,
    2318.7,
    2581.0,
    837.7,
    22.0,
    2195.2,
    1537.4,
)
_STD_S2 = (
    791.0,
    854.3,
    878.7,
    1144.9,
    1127.5,
    1164.2,
    1276.0,
    1249.5,
    1345.9,
    577.5,
    47.5,
    1340.0,
    1142.9,
)

# SeCo: (x - min) / (max - min), then * 255, then ImageNet's statistics, as one mean and std.
_SECO_MIN, _SECO_MAX = (3, 2, 0), (88, 103, 129)
_SECO_MEAN = tuple(
    lo + m * (hi - lo) / 255 for lo, hi, m in zip(_SECO_MIN, _SECO_MAX, _IMAGENET_MEAN, strict=True)
)
_SECO_STD = tuple(
    s * (hi - lo) / 255 for lo, hi, s in zip(_SECO_MIN, _SECO_MAX, _IMAGENET_STD, strict=True)
)

# Satlas Sentinel-2: RGB bands / 255, the others / 8160.
_SATLAS_S2_STD = (255.0, 255.0, 255.0, 8160.0, 8160.0, 8160.0, 8160.0, 8160.0, 8160.0)

# The keys torchgeo's builders allow to be missing (only the head for ResNets).
_RESNET_HEAD = ("fc.*",)
_VIT_HEAD = ("head.*",)


def _preset(
    resize: int,
    crop: int,
    bands: int,
    *,
    max_value: float | None = None,
    mean: tuple[float, ...] | None = None,
    std: tuple[float, ...] | None = None,
    crop_mode: str = "squash",
) -> PresetFactory:
    """torchgeo's Resize((resize, resize)) + CenterCrop(crop) + Normalize, as a preset."""
    settings = {"max_value": max_value} if max_value is not None else {}
    return preset(
        "ImageClassification",
        crop_size=crop,
        resize_size=resize,
        crop_mode=crop_mode,
        mean=(0.0,) * bands if mean is None else mean,
        std=(1.0,) * bands if std is None else std,
        **settings,
    )


_landsat_tm_toa_bands = ["B1", "B2", "B3", "B4", "B5", "B6", "B7"]
_landsat_etm_toa_bands = ["B1", "B2", "B3", "B4", "B5", "B6_VCID_1", "B6_VCID_2", "B7", "B8"]
_landsat_etm_sr_bands = ["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B7"]
_landsat_oli_tirs_toa_bands = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11"]
_landsat_oli_sr_bands = ["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B6", "SR_B7"]
_sentinel2_toa_bands = [
    "B1",
    "B2",
    "B3",
    "B4",
    "B5",
    "B6",
    "B7",
    "B8",
    "B8a",
    "B9",
    "B10",
    "B11",
    "B12",
]
_sentinel2_rgb_bands = ["B4", "B3", "B2"]
_sentinel1_grd_bands = ["VV", "VH"]
_satlas_bands = (
    "B04",
    "B03",
    "B02",
)
_satlas_sentinel2_bands = (
    "B04",
    "B03",
    "B02",
    "B05",
    "B06",
    "B07",
    "B08",
    "B11",
    "B12",
)


class ResNet50_Weights(WeightsEnum):
    """ResNet-50 weights.

    For `timm <https://github.com/huggingface/pytorch-image-models>`_
    *resnet50* implementation.

    .. versionadded:: 0.4

        Copied from torchgeo's ``torchgeo/models/resnet.py``: names, URLs and meta
        unchanged; no ``DEFAULT``, as in torchgeo.
    """

    FMOW_RGB_GASSL = Weights(
        url="https://hf.co/torchgeo/resnet50_fmow_rgb_gassl/resolve/fe8a91026cf9104f1e884316b8e8772d7af9052c/resnet50_fmow_rgb_gassl-da43d987.pth",
        # Resize((224, 224)), /255, ImageNet statistics.
        transforms=_preset(224, 224, 3, max_value=255, mean=_IMAGENET_MEAN, std=_IMAGENET_STD),
        meta={
            "dataset": "fMoW Dataset",
            "in_chans": 3,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2011.09980",
            "repo": "https://github.com/sustainlab-group/geography-aware-ssl",
            "ssl_method": "gassl",
            "sensor": "DigitalGlobe RGB (fMoW)",
            "num_params": 25557032,
            "min_size": (1, 1),
            "_ops": 4.089,
            "_file_size": 89.969,
            "recipe": "https://github.com/sustainlab-group/geography-aware-ssl",
            "_docs": "torchgeo's ResNet50_Weights.FMOW_RGB_GASSL: fMoW Dataset, 3 bands, gassl.",
        },
        model_kwargs={"in_chans": 3},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_TM_TOA_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_tm_toa_moco-ba1ce753.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 7, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 7,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_tm_toa_bands,
            "sensor": "Landsat 4-5 TM",
            "num_params": 25569576,
            "min_size": (1, 1),
            "_ops": 4.247,
            "_file_size": 90.017,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_TM_TOA_MOCO: SSL4EO-L, 7 bands, moco.",
        },
        model_kwargs={"in_chans": 7},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_TM_TOA_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_tm_toa_simclr-a1c93432.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 7, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 7,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_tm_toa_bands,
            "sensor": "Landsat 4-5 TM",
            "num_params": 25569576,
            "min_size": (1, 1),
            "_ops": 4.247,
            "_file_size": 90.017,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_TM_TOA_SIMCLR: SSL4EO-L, 7 bands, simclr.",
        },
        model_kwargs={"in_chans": 7},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_ETM_TOA_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_etm_toa_moco-e9a84d5a.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 9, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 9,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_etm_toa_bands,
            "sensor": "Landsat 7 ETM+",
            "num_params": 25575848,
            "min_size": (1, 1),
            "_ops": 4.325,
            "_file_size": 90.04,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_ETM_TOA_MOCO: SSL4EO-L, 9 bands, moco.",
        },
        model_kwargs={"in_chans": 9},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_ETM_TOA_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_etm_toa_simclr-70b5575f.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 9, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 9,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_etm_toa_bands,
            "sensor": "Landsat 7 ETM+",
            "num_params": 25575848,
            "min_size": (1, 1),
            "_ops": 4.325,
            "_file_size": 90.04,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_ETM_TOA_SIMCLR: SSL4EO-L, 9 bands, simclr.",
        },
        model_kwargs={"in_chans": 9},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_ETM_SR_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_etm_sr_moco-1266cde3.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 6, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 6,
            "model": "resnet18",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_etm_sr_bands,
            "sensor": "Landsat 7 ETM+",
            "num_params": 25566440,
            "min_size": (1, 1),
            "_ops": 4.207,
            "_file_size": 90.005,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_ETM_SR_MOCO: SSL4EO-L, 6 bands, moco.",
        },
        model_kwargs={"in_chans": 6},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_ETM_SR_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_etm_sr_simclr-e5d185d7.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 6, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 6,
            "model": "resnet18",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_etm_sr_bands,
            "sensor": "Landsat 7 ETM+",
            "num_params": 25566440,
            "min_size": (1, 1),
            "_ops": 4.207,
            "_file_size": 90.005,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_ETM_SR_SIMCLR: SSL4EO-L, 6 bands, simclr.",
        },
        model_kwargs={"in_chans": 6},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_OLI_TIRS_TOA_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_oli_tirs_toa_moco-de7f5e0f.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 11, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 11,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_oli_tirs_toa_bands,
            "sensor": "Landsat 8-9 OLI/TIRS",
            "num_params": 25582120,
            "min_size": (1, 1),
            "_ops": 4.404,
            "_file_size": 90.064,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_OLI_TIRS_TOA_MOCO: SSL4EO-L, 11 bands, moco.",
        },
        model_kwargs={"in_chans": 11},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_OLI_TIRS_TOA_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_oli_tirs_toa_simclr-030cebfe.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 11, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 11,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_oli_tirs_toa_bands,
            "sensor": "Landsat 8-9 OLI/TIRS",
            "num_params": 25582120,
            "min_size": (1, 1),
            "_ops": 4.404,
            "_file_size": 90.064,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_OLI_TIRS_TOA_SIMCLR: SSL4EO-L, 11 bands, simclr.",
        },
        model_kwargs={"in_chans": 11},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_OLI_SR_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_oli_sr_moco-ff580dad.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 7, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 7,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_oli_sr_bands,
            "sensor": "Landsat 8-9 OLI",
            "num_params": 25569576,
            "min_size": (1, 1),
            "_ops": 4.247,
            "_file_size": 90.017,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_OLI_SR_MOCO: SSL4EO-L, 7 bands, moco.",
        },
        model_kwargs={"in_chans": 7},
        missing_head=_RESNET_HEAD,
    )
    LANDSAT_OLI_SR_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/resnet50_landsat_oli_sr_simclr-94f78913.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 7, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 7,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_oli_sr_bands,
            "sensor": "Landsat 8-9 OLI",
            "num_params": 25569576,
            "min_size": (1, 1),
            "_ops": 4.247,
            "_file_size": 90.017,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ResNet50_Weights.LANDSAT_OLI_SR_SIMCLR: SSL4EO-L, 7 bands, simclr.",
        },
        model_kwargs={"in_chans": 7},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL1_ALL_DECUR = SENTINEL1_GRD_DECUR = Weights(
        url="https://huggingface.co/torchgeo/decur/resolve/9328eeb90c686a88b30f8526ed757b4bc0f12027/rn50_ssl4eo-s12_sar_decur_ep100-f0e69ba2.pth",
        # Resize((256, 256)), CenterCrop(224), per-band statistics.
        transforms=_preset(256, 224, 2, mean=_MEAN_S1, std=_STD_S1),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 2,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2309.05300",
            "repo": "https://github.com/zhu-xlab/DeCUR",
            "ssl_method": "decur",
            "bands": _sentinel1_grd_bands,
            "sensor": "Sentinel-1 SAR",
            "num_params": 25553896,
            "min_size": (1, 1),
            "_ops": 4.05,
            "_file_size": 89.957,
            "recipe": "https://github.com/zhu-xlab/DeCUR",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL1_GRD_DECUR: SSL4EO-S12, 2 bands, decur.",
        },
        model_kwargs={"in_chans": 2},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL1_ALL_MOCO = SENTINEL1_GRD_MOCO = Weights(
        url="https://hf.co/torchgeo/resnet50_sentinel1_all_moco/resolve/e79862c667853c10a709bdd77ea8ffbad0e0f1cf/resnet50_sentinel1_all_moco-906e4356.pth",
        # Resize((256, 256)), CenterCrop(224), per-band statistics.
        transforms=_preset(256, 224, 2, mean=_MEAN_S1, std=_STD_S1),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 2,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2211.07044",
            "repo": "https://github.com/zhu-xlab/SSL4EO-S12",
            "ssl_method": "moco",
            "bands": _sentinel1_grd_bands,
            "sensor": "Sentinel-1 SAR",
            "num_params": 25553896,
            "min_size": (1, 1),
            "_ops": 4.05,
            "_file_size": 89.957,
            "recipe": "https://github.com/zhu-xlab/SSL4EO-S12",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL1_GRD_MOCO: SSL4EO-S12, 2 bands, moco.",
        },
        model_kwargs={"in_chans": 2},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL1_GRD_CLOSP = Weights(
        url="https://huggingface.co/DarthReca/CLOSP-Visual/resolve/3bb8677c21dac56bea2dd7baa08d7871272db440/closp-rn_s1_encoder-cacc90bc.pth",
        # torchgeo: nn.Identity() (no preprocessing); a preset always resizes and crops.
        transforms=_preset(224, 224, 2),
        meta={
            "dataset": "CrisisLandMark",
            "in_chans": 2,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2507.10403",
            "repo": "https://github.com/DarthReca/closp",
            "bands": _sentinel1_grd_bands,
            "sensor": "Sentinel-1 SAR",
            "num_params": 25553896,
            "min_size": (1, 1),
            "_ops": 4.05,
            "_file_size": 89.957,
            "recipe": "https://github.com/DarthReca/closp",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL1_GRD_CLOSP: CrisisLandMark, 2 bands.",
        },
        model_kwargs={"in_chans": 2},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL1_GRD_GEOCLOSP = Weights(
        url="https://huggingface.co/DarthReca/CLOSP-Visual/resolve/3bb8677c21dac56bea2dd7baa08d7871272db440/geoclosp-rn_s1_encoder-e63ae1af.pth",
        # torchgeo: nn.Identity() (no preprocessing); a preset always resizes and crops.
        transforms=_preset(224, 224, 2),
        meta={
            "dataset": "CrisisLandMark",
            "in_chans": 2,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2507.10403",
            "repo": "https://github.com/DarthReca/closp",
            "bands": _sentinel1_grd_bands,
            "sensor": "Sentinel-1 SAR",
            "num_params": 25553896,
            "min_size": (1, 1),
            "_ops": 4.05,
            "_file_size": 89.957,
            "recipe": "https://github.com/DarthReca/closp",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL1_GRD_GEOCLOSP: CrisisLandMark, 2 bands.",
        },
        model_kwargs={"in_chans": 2},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL1_GRD_SOFTCON = Weights(
        url="https://huggingface.co/wangyi111/softcon/resolve/62ff465b2e7467dbfc70758ec1e9d08ab87fc46b/B2_rn50_softcon.pth",
        # Resize((256, 256)), CenterCrop(224), per-band statistics.
        transforms=_preset(256, 224, 2, mean=_MEAN_S1, std=_STD_S1),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 2,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2405.20462",
            "repo": "https://github.com/zhu-xlab/softcon",
            "ssl_method": "softcon",
            "bands": _sentinel1_grd_bands,
            "sensor": "Sentinel-1 SAR",
            "num_params": 25553896,
            "min_size": (1, 1),
            "_ops": 4.05,
            "_file_size": 89.957,
            "recipe": "https://github.com/zhu-xlab/softcon",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL1_GRD_SOFTCON: SSL4EO-S12, 2 bands, softcon.",
        },
        model_kwargs={"in_chans": 2},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_ALL_CLOSP = Weights(
        url="https://huggingface.co/DarthReca/CLOSP-Visual/resolve/3bb8677c21dac56bea2dd7baa08d7871272db440/closp-rn_s2_encoder-183922a5.pth",
        # torchgeo: /10000 only, no resize.
        transforms=_preset(224, 224, 13, max_value=10000),
        meta={
            "dataset": "CrisisLandMark",
            "in_chans": 13,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2507.10403",
            "repo": "https://github.com/DarthReca/closp",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25588392,
            "min_size": (1, 1),
            "_ops": 4.483,
            "_file_size": 90.088,
            "recipe": "https://github.com/DarthReca/closp",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_ALL_CLOSP: CrisisLandMark, 13 bands.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_ALL_DECUR = Weights(
        url="https://huggingface.co/torchgeo/decur/resolve/eba7ae5945d482a4319be046d34b552db5dd9950/rn50_ssl4eo-s12_ms_decur_ep100-fc6b09ff.pth",
        # Resize((256, 256)), CenterCrop(224), /10000.
        transforms=_preset(256, 224, 13, max_value=10000),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 13,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2309.05300",
            "repo": "https://github.com/zhu-xlab/DeCUR",
            "ssl_method": "decur",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25588392,
            "min_size": (1, 1),
            "_ops": 4.483,
            "_file_size": 90.088,
            "recipe": "https://github.com/zhu-xlab/DeCUR",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_ALL_DECUR: SSL4EO-S12, 13 bands, decur.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_ALL_DINO = Weights(
        url="https://hf.co/torchgeo/resnet50_sentinel2_all_dino/resolve/d7f14bf5530d70ac69d763e58e77e44dbecfec7c/resnet50_sentinel2_all_dino-d6c330e9.pth",
        # Resize((256, 256)), CenterCrop(224), /10000.
        transforms=_preset(256, 224, 13, max_value=10000),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 13,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2211.07044",
            "repo": "https://github.com/zhu-xlab/SSL4EO-S12",
            "ssl_method": "dino",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25588392,
            "min_size": (1, 1),
            "_ops": 4.483,
            "_file_size": 90.088,
            "recipe": "https://github.com/zhu-xlab/SSL4EO-S12",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_ALL_DINO: SSL4EO-S12, 13 bands, dino.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_ALL_GEOCLOSP = Weights(
        url="https://huggingface.co/DarthReca/CLOSP-Visual/resolve/3bb8677c21dac56bea2dd7baa08d7871272db440/geoclosp-rn_s2_encoder-94c37f4a.pth",
        # torchgeo: /10000 only, no resize.
        transforms=_preset(224, 224, 13, max_value=10000),
        meta={
            "dataset": "CrisisLandMark",
            "in_chans": 13,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2507.10403",
            "repo": "https://github.com/DarthReca/closp",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25588392,
            "min_size": (1, 1),
            "_ops": 4.483,
            "_file_size": 90.088,
            "recipe": "https://github.com/DarthReca/closp",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_ALL_GEOCLOSP: CrisisLandMark, 13 bands.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_ALL_MOCO = Weights(
        url="https://hf.co/torchgeo/resnet50_sentinel2_all_moco/resolve/da4f3c9dbe09272eb902f3b37f46635fa4726879/resnet50_sentinel2_all_moco-df8b932e.pth",
        # Resize((256, 256)), CenterCrop(224), /10000.
        transforms=_preset(256, 224, 13, max_value=10000),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 13,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2211.07044",
            "repo": "https://github.com/zhu-xlab/SSL4EO-S12",
            "ssl_method": "moco",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25588392,
            "min_size": (1, 1),
            "_ops": 4.483,
            "_file_size": 90.088,
            "recipe": "https://github.com/zhu-xlab/SSL4EO-S12",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_ALL_MOCO: SSL4EO-S12, 13 bands, moco.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_ALL_SOFTCON = Weights(
        url="https://huggingface.co/wangyi111/softcon/resolve/62ff465b2e7467dbfc70758ec1e9d08ab87fc46b/B13_rn50_softcon.pth",
        # Resize((256, 256)), CenterCrop(224), per-band statistics.
        transforms=_preset(256, 224, 13, mean=_MEAN_S2, std=_STD_S2),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 13,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2405.20462",
            "repo": "https://github.com/zhu-xlab/softcon",
            "ssl_method": "softcon",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25588392,
            "min_size": (1, 1),
            "_ops": 4.483,
            "_file_size": 90.088,
            "recipe": "https://github.com/zhu-xlab/softcon",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_ALL_SOFTCON: SSL4EO-S12, 13 bands, softcon.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_ALL_SECO_ECO = Weights(
        url="https://hf.co/torchgeo/seco-eco/resolve/aea279ea46572cfca5876ac1f9d8d8595fcdeb3b/resnet50_sentinel2_all_seco_eco-90ec322f.pth",
        # Resize((224, 224)), /10000.
        transforms=_preset(224, 224, 12, max_value=10000),
        meta={
            "dataset": "SSL4Eco Dataset",
            "in_chans": 12,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2504.18256",
            "repo": "https://github.com/PlekhanovaElena/ssl4eco",
            "ssl_method": "seco-eco",
            "bands": ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B11", "B12"],
            "sensor": "Sentinel-2 MSI",
            "num_params": 25585256,
            "min_size": (1, 1),
            "_ops": 4.443,
            "_file_size": 90.076,
            "recipe": "https://github.com/PlekhanovaElena/ssl4eco",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_ALL_SECO_ECO: SSL4Eco Dataset, 12 bands, seco-eco.",
        },
        model_kwargs={"in_chans": 12},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_ALL_NDVI_SECO_ECO = Weights(
        url="https://hf.co/torchgeo/seco-eco-ndvi/resolve/44fae184c63b73e15a32be816e023957dc4c56c1/resnet50_sentinel2_all_ndvi_seco_eco-65292b83.pth",
        # Resize((224, 224)), /10000.
        transforms=_preset(224, 224, 9, max_value=10000),
        meta={
            "dataset": "SSL4Eco Dataset",
            "in_chans": 9,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2504.18256",
            "repo": "https://github.com/PlekhanovaElena/ssl4eco",
            "ssl_method": "seco-eco",
            "bands": ["B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "NDVI"],
            "sensor": "Sentinel-2 MSI",
            "num_params": 25575848,
            "min_size": (1, 1),
            "_ops": 4.325,
            "_file_size": 90.04,
            "recipe": "https://github.com/PlekhanovaElena/ssl4eco",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_ALL_NDVI_SECO_ECO: SSL4Eco Dataset, 9 bands, seco-eco.",
        },
        model_kwargs={"in_chans": 9},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_MI_MS_SATLAS = Weights(
        url="https://hf.co/torchgeo/satlas/resolve/081d6607431bf36bdb59c223777cbb267131b8f2/sentinel2_resnet50_mi_ms-da5413d2.pth",
        # torchgeo: CenterCrop(256) without a resize, per-band /255 or /8160, then clamped to [0, 1]; neither the crop-only nor the clamp is a preset setting yet.
        transforms=_preset(256, 256, 9, max_value=1, std=_SATLAS_S2_STD),
        meta={
            "dataset": "SatlasPretrain",
            "in_chans": 9,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2211.15660",
            "repo": "https://github.com/allenai/satlaspretrain_models",
            "bands": _satlas_sentinel2_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25575848,
            "min_size": (1, 1),
            "_ops": 5.649,
            "_file_size": 90.04,
            "recipe": "https://github.com/allenai/satlaspretrain_models",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_MI_MS_SATLAS: SatlasPretrain, 9 bands.",
        },
        model_kwargs={"in_chans": 9},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_MI_RGB_SATLAS = Weights(
        url="https://hf.co/torchgeo/satlas/resolve/081d6607431bf36bdb59c223777cbb267131b8f2/sentinel2_resnet50_mi_rgb-e79bb7fe.pth",
        # torchgeo: CenterCrop(256) without a resize, /255; weighthub's presets always resize.
        transforms=_preset(256, 256, 3, max_value=255),
        meta={
            "dataset": "SatlasPretrain",
            "in_chans": 3,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2211.15660",
            "repo": "https://github.com/allenai/satlaspretrain_models",
            "bands": _satlas_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25557032,
            "min_size": (1, 1),
            "_ops": 5.34,
            "_file_size": 89.969,
            "recipe": "https://github.com/allenai/satlaspretrain_models",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_MI_RGB_SATLAS: SatlasPretrain, 3 bands.",
        },
        model_kwargs={"in_chans": 3},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_RGB_MOCO = Weights(
        url="https://hf.co/torchgeo/resnet50_sentinel2_rgb_moco/resolve/efd9723b59a88e9dc1420dc1e96afb25b0630a3c/resnet50_sentinel2_rgb_moco-2b57ba8b.pth",
        # Resize((256, 256)), CenterCrop(224), /10000.
        transforms=_preset(256, 224, 3, max_value=10000),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 3,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2211.07044",
            "repo": "https://github.com/zhu-xlab/SSL4EO-S12",
            "ssl_method": "moco",
            "bands": _sentinel2_rgb_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25557032,
            "min_size": (1, 1),
            "_ops": 4.089,
            "_file_size": 89.969,
            "recipe": "https://github.com/zhu-xlab/SSL4EO-S12",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_RGB_MOCO: SSL4EO-S12, 3 bands, moco.",
        },
        model_kwargs={"in_chans": 3},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_RGB_SECO = Weights(
        url="https://hf.co/torchgeo/resnet50_sentinel2_rgb_seco/resolve/fbd07b02a8edb8fc1035f7957160deed4321c145/resnet50_sentinel2_rgb_seco-018bf397.pth",
        # torchgeo's three Normalize steps folded into one per-band mean and std (equal up to float rounding).
        transforms=_preset(256, 224, 3, mean=_SECO_MEAN, std=_SECO_STD),
        meta={
            "dataset": "SeCo Dataset",
            "in_chans": 3,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2103.16607",
            "repo": "https://github.com/ServiceNow/seasonal-contrast",
            "ssl_method": "seco",
            "bands": _sentinel2_rgb_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25557032,
            "min_size": (1, 1),
            "_ops": 4.089,
            "_file_size": 89.969,
            "recipe": "https://github.com/ServiceNow/seasonal-contrast",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_RGB_SECO: SeCo Dataset, 3 bands, seco.",
        },
        model_kwargs={"in_chans": 3},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_SI_MS_SATLAS = Weights(
        url="https://hf.co/torchgeo/satlas/resolve/081d6607431bf36bdb59c223777cbb267131b8f2/sentinel2_resnet50_si_ms-1f454cc6.pth",
        # torchgeo: CenterCrop(256) without a resize, per-band /255 or /8160, then clamped to [0, 1]; neither the crop-only nor the clamp is a preset setting yet.
        transforms=_preset(256, 256, 9, max_value=1, std=_SATLAS_S2_STD),
        meta={
            "dataset": "SatlasPretrain",
            "in_chans": 9,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2211.15660",
            "repo": "https://github.com/allenai/satlaspretrain_models",
            "bands": _satlas_sentinel2_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25575848,
            "min_size": (1, 1),
            "_ops": 5.649,
            "_file_size": 90.04,
            "recipe": "https://github.com/allenai/satlaspretrain_models",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_SI_MS_SATLAS: SatlasPretrain, 9 bands.",
        },
        model_kwargs={"in_chans": 9},
        missing_head=_RESNET_HEAD,
    )
    SENTINEL2_SI_RGB_SATLAS = Weights(
        url="https://hf.co/torchgeo/satlas/resolve/081d6607431bf36bdb59c223777cbb267131b8f2/sentinel2_resnet50_si_rgb-45fc6972.pth",
        # torchgeo: CenterCrop(256) without a resize, /255; weighthub's presets always resize.
        transforms=_preset(256, 256, 3, max_value=255),
        meta={
            "dataset": "SatlasPretrain",
            "in_chans": 3,
            "model": "resnet50",
            "publication": "https://arxiv.org/abs/2211.15660",
            "repo": "https://github.com/allenai/satlaspretrain_models",
            "bands": _satlas_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 25557032,
            "min_size": (1, 1),
            "_ops": 5.34,
            "_file_size": 89.969,
            "recipe": "https://github.com/allenai/satlaspretrain_models",
            "_docs": "torchgeo's ResNet50_Weights.SENTINEL2_SI_RGB_SATLAS: SatlasPretrain, 3 bands.",
        },
        model_kwargs={"in_chans": 3},
        missing_head=_RESNET_HEAD,
    )


class ViTSmall16_Weights(WeightsEnum):
    """Vision Transformer Small Patch Size 16 weights.

    For `timm <https://github.com/huggingface/pytorch-image-models>`_
    *vit_small_patch16_224* implementation.

    .. versionadded:: 0.4

        Copied from torchgeo's ``torchgeo/models/vit.py``: names, URLs and meta
        unchanged; no ``DEFAULT``, as in torchgeo.
    """

    LANDSAT_TM_TOA_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_tm_toa_moco-a1c967d8.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 7, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 7,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_tm_toa_bands,
            "sensor": "Landsat 4-5 TM",
            "num_params": 22443880,
            "min_size": (224, 224),
            "_ops": 4.676,
            "_file_size": 84.19,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_TM_TOA_MOCO: SSL4EO-L, 7 bands, moco.",
        },
        model_kwargs={"in_chans": 7},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_TM_TOA_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_tm_toa_simclr-7c2d9799.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 7, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 7,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_tm_toa_bands,
            "sensor": "Landsat 4-5 TM",
            "num_params": 22443880,
            "min_size": (224, 224),
            "_ops": 4.676,
            "_file_size": 84.19,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_TM_TOA_SIMCLR: SSL4EO-L, 7 bands, simclr.",
        },
        model_kwargs={"in_chans": 7},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_ETM_TOA_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_etm_toa_moco-26d19bcf.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 9, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 9,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_etm_toa_bands,
            "sensor": "Landsat 7 ETM+",
            "num_params": 22640488,
            "min_size": (224, 224),
            "_ops": 4.714,
            "_file_size": 84.94,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_ETM_TOA_MOCO: SSL4EO-L, 9 bands, moco.",
        },
        model_kwargs={"in_chans": 9},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_ETM_TOA_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_etm_toa_simclr-34fb12cb.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 9, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 9,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_etm_toa_bands,
            "sensor": "Landsat 7 ETM+",
            "num_params": 22640488,
            "min_size": (224, 224),
            "_ops": 4.714,
            "_file_size": 84.94,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_ETM_TOA_SIMCLR: SSL4EO-L, 9 bands, simclr.",
        },
        model_kwargs={"in_chans": 9},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_ETM_SR_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_etm_sr_moco-eaa4674e.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 6, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 6,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_etm_sr_bands,
            "sensor": "Landsat 7 ETM+",
            "num_params": 22345576,
            "min_size": (224, 224),
            "_ops": 4.657,
            "_file_size": 83.815,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_ETM_SR_MOCO: SSL4EO-L, 6 bands, moco.",
        },
        model_kwargs={"in_chans": 6},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_ETM_SR_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_etm_sr_simclr-a14c466a.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 6, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 6,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_etm_sr_bands,
            "sensor": "Landsat 7 ETM+",
            "num_params": 22345576,
            "min_size": (224, 224),
            "_ops": 4.657,
            "_file_size": 83.815,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_ETM_SR_SIMCLR: SSL4EO-L, 6 bands, simclr.",
        },
        model_kwargs={"in_chans": 6},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_OLI_TIRS_TOA_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_oli_tirs_toa_moco-c7c2cceb.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 11, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 11,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_oli_tirs_toa_bands,
            "sensor": "Landsat 8-9 OLI/TIRS",
            "num_params": 22837096,
            "min_size": (224, 224),
            "_ops": 4.753,
            "_file_size": 85.69,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_OLI_TIRS_TOA_MOCO: SSL4EO-L, 11 bands, moco.",
        },
        model_kwargs={"in_chans": 11},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_OLI_TIRS_TOA_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_oli_tirs_toa_simclr-ad43e9a4.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 11, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 11,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_oli_tirs_toa_bands,
            "sensor": "Landsat 8-9 OLI/TIRS",
            "num_params": 22837096,
            "min_size": (224, 224),
            "_ops": 4.753,
            "_file_size": 85.69,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_OLI_TIRS_TOA_SIMCLR: SSL4EO-L, 11 bands, simclr.",
        },
        model_kwargs={"in_chans": 11},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_OLI_SR_MOCO = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_oli_sr_moco-c9b8898d.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 7, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 7,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "moco",
            "bands": _landsat_oli_sr_bands,
            "sensor": "Landsat 8-9 OLI",
            "num_params": 22443880,
            "min_size": (224, 224),
            "_ops": 4.676,
            "_file_size": 84.19,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_OLI_SR_MOCO: SSL4EO-L, 7 bands, moco.",
        },
        model_kwargs={"in_chans": 7},
        missing_head=_VIT_HEAD,
    )
    LANDSAT_OLI_SR_SIMCLR = Weights(
        url="https://hf.co/torchgeo/ssl4eo_landsat/resolve/1c88bb51b6e17a21dde5230738fa38b74bd74f76/vits16_landsat_oli_sr_simclr-4e8f6102.pth",
        # torchgeo: /255 then CenterCrop(224) without a resize; weighthub's presets always resize (here to 224x224).
        transforms=_preset(224, 224, 7, max_value=255),
        meta={
            "dataset": "SSL4EO-L",
            "in_chans": 7,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2306.09424",
            "repo": "https://github.com/torchgeo/torchgeo",
            "ssl_method": "simclr",
            "bands": _landsat_oli_sr_bands,
            "sensor": "Landsat 8-9 OLI",
            "num_params": 22443880,
            "min_size": (224, 224),
            "_ops": 4.676,
            "_file_size": 84.19,
            "recipe": "https://github.com/torchgeo/torchgeo",
            "_docs": "torchgeo's ViTSmall16_Weights.LANDSAT_OLI_SR_SIMCLR: SSL4EO-L, 7 bands, simclr.",
        },
        model_kwargs={"in_chans": 7},
        missing_head=_VIT_HEAD,
    )
    SENTINEL2_ALL_CLOSP = Weights(
        url="https://huggingface.co/DarthReca/CLOSP-Visual/resolve/3bb8677c21dac56bea2dd7baa08d7871272db440/closp-vs_s2_encoder-1a3ee5a5.pth",
        # torchgeo: /10000, then Resize(224) of the short side (no crop).
        transforms=_preset(224, 224, 13, max_value=10000, crop_mode="center"),
        meta={
            "dataset": "CrisisLandMark",
            "in_chans": 13,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2507.10403",
            "repo": "https://github.com/DarthReca/closp",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 23033704,
            "min_size": (224, 224),
            "_ops": 4.792,
            "_file_size": 86.44,
            "recipe": "https://github.com/DarthReca/closp",
            "_docs": "torchgeo's ViTSmall16_Weights.SENTINEL2_ALL_CLOSP: CrisisLandMark, 13 bands.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_VIT_HEAD,
    )
    SENTINEL2_ALL_DINO = Weights(
        url="https://hf.co/torchgeo/vit_small_patch16_224_sentinel2_all_dino/resolve/5b41dd418a79de47ac9f5be3e035405a83818a62/vit_small_patch16_224_sentinel2_all_dino-36bcc127.pth",
        # Resize((256, 256)), CenterCrop(224), /10000.
        transforms=_preset(256, 224, 13, max_value=10000),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 13,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2211.07044",
            "repo": "https://github.com/zhu-xlab/SSL4EO-S12",
            "ssl_method": "dino",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 23033704,
            "min_size": (224, 224),
            "_ops": 4.792,
            "_file_size": 86.44,
            "recipe": "https://github.com/zhu-xlab/SSL4EO-S12",
            "_docs": "torchgeo's ViTSmall16_Weights.SENTINEL2_ALL_DINO: SSL4EO-S12, 13 bands, dino.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_VIT_HEAD,
    )
    SENTINEL2_ALL_MOCO = Weights(
        url="https://hf.co/torchgeo/vit_small_patch16_224_sentinel2_all_moco/resolve/1cb683f6c14739634cdfaaceb076529adf898c74/vit_small_patch16_224_sentinel2_all_moco-67c9032d.pth",
        # Resize((256, 256)), CenterCrop(224), /10000.
        transforms=_preset(256, 224, 13, max_value=10000),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 13,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2211.07044",
            "repo": "https://github.com/zhu-xlab/SSL4EO-S12",
            "ssl_method": "moco",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 23033704,
            "min_size": (224, 224),
            "_ops": 4.792,
            "_file_size": 86.44,
            "recipe": "https://github.com/zhu-xlab/SSL4EO-S12",
            "_docs": "torchgeo's ViTSmall16_Weights.SENTINEL2_ALL_MOCO: SSL4EO-S12, 13 bands, moco.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_VIT_HEAD,
    )
    SENTINEL2_ALL_MAE = Weights(
        url="https://huggingface.co/wangyi111/SSL4EO-S12/resolve/75c72195d35201dc1fb210818993518c25da566b/B13_vits16_mae_ep99_enc.pth",
        # Resize((256, 256)), CenterCrop(224), /10000.
        transforms=_preset(256, 224, 13, max_value=10000),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 13,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2211.07044",
            "repo": "https://github.com/zhu-xlab/SSL4EO-S12",
            "ssl_method": "mae",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 23033704,
            "min_size": (224, 224),
            "_ops": 4.792,
            "_file_size": 86.44,
            "recipe": "https://github.com/zhu-xlab/SSL4EO-S12",
            "_docs": "torchgeo's ViTSmall16_Weights.SENTINEL2_ALL_MAE: SSL4EO-S12, 13 bands, mae.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_VIT_HEAD,
    )
    SENTINEL2_ALL_FGMAE = Weights(
        url="https://huggingface.co/wangyi111/FGMAE/resolve/24dd3077d7a99ecd454eaec7adb83d045d7fa122/B13_vits16_fgmae_ep99_enc.pth",
        # Resize((256, 256)), CenterCrop(224), /10000.
        transforms=_preset(256, 224, 13, max_value=10000),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 13,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2310.18653",
            "repo": "https://github.com/zhu-xlab/FGMAE",
            "ssl_method": "fg-mae",
            "bands": _sentinel2_toa_bands,
            "sensor": "Sentinel-2 MSI",
            "num_params": 23033704,
            "min_size": (224, 224),
            "_ops": 4.792,
            "_file_size": 86.44,
            "recipe": "https://github.com/zhu-xlab/FGMAE",
            "_docs": "torchgeo's ViTSmall16_Weights.SENTINEL2_ALL_FGMAE: SSL4EO-S12, 13 bands, fg-mae.",
        },
        model_kwargs={"in_chans": 13},
        missing_head=_VIT_HEAD,
    )
    SENTINEL1_GRD_CLOSP = Weights(
        url="https://huggingface.co/DarthReca/CLOSP-Visual/resolve/3bb8677c21dac56bea2dd7baa08d7871272db440/closp-vs_s1_encoder-180f1e6e.pth",
        # torchgeo: Resize(224) of the short side, no crop, no scaling.
        transforms=_preset(224, 224, 2, crop_mode="center"),
        meta={
            "dataset": "CrisisLandMark",
            "in_chans": 2,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2507.10403",
            "repo": "https://github.com/DarthReca/closp",
            "bands": _sentinel1_grd_bands,
            "sensor": "Sentinel-1 SAR",
            "num_params": 21952360,
            "min_size": (224, 224),
            "_ops": 4.58,
            "_file_size": 82.315,
            "recipe": "https://github.com/DarthReca/closp",
            "_docs": "torchgeo's ViTSmall16_Weights.SENTINEL1_GRD_CLOSP: CrisisLandMark, 2 bands.",
        },
        model_kwargs={"in_chans": 2},
        missing_head=_VIT_HEAD,
    )
    SENTINEL1_GRD_MAE = Weights(
        url="https://huggingface.co/wangyi111/SSL4EO-S12/resolve/75c72195d35201dc1fb210818993518c25da566b/B2_vits16_mae_ep99_enc.pth",
        # Resize((256, 256)), CenterCrop(224), per-band statistics.
        transforms=_preset(256, 224, 2, mean=_MEAN_S1, std=_STD_S1),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 2,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2211.07044",
            "repo": "https://github.com/zhu-xlab/SSL4EO-S12",
            "ssl_method": "mae",
            "bands": _sentinel1_grd_bands,
            "sensor": "Sentinel-1 SAR",
            "num_params": 21952360,
            "min_size": (224, 224),
            "_ops": 4.58,
            "_file_size": 82.315,
            "recipe": "https://github.com/zhu-xlab/SSL4EO-S12",
            "_docs": "torchgeo's ViTSmall16_Weights.SENTINEL1_GRD_MAE: SSL4EO-S12, 2 bands, mae.",
        },
        model_kwargs={"in_chans": 2},
        missing_head=_VIT_HEAD,
    )
    SENTINEL1_GRD_FGMAE = Weights(
        url="https://huggingface.co/wangyi111/FGMAE/resolve/24dd3077d7a99ecd454eaec7adb83d045d7fa122/B2_vits16_fgmae_ep99_enc.pth",
        # Resize((256, 256)), CenterCrop(224), per-band statistics.
        transforms=_preset(256, 224, 2, mean=_MEAN_S1, std=_STD_S1),
        meta={
            "dataset": "SSL4EO-S12",
            "in_chans": 2,
            "model": "vit_small_patch16_224",
            "publication": "https://arxiv.org/abs/2310.18653",
            "repo": "https://github.com/zhu-xlab/FGMAE",
            "ssl_method": "fg-mae",
            "bands": _sentinel1_grd_bands,
            "sensor": "Sentinel-1 SAR",
            "num_params": 21952360,
            "min_size": (224, 224),
            "_ops": 4.58,
            "_file_size": 82.315,
            "recipe": "https://github.com/zhu-xlab/FGMAE",
            "_docs": "torchgeo's ViTSmall16_Weights.SENTINEL1_GRD_FGMAE: SSL4EO-S12, 2 bands, fg-mae.",
        },
        model_kwargs={"in_chans": 2},
        missing_head=_VIT_HEAD,
    )
