"""Per-image time of weighthub's ImageClassification preset against torchvision's.

Run by hand from the repository root::

    .venv/bin/python benchmarks/bench_transforms.py [--repeat 200] [--threads 1]

Both presets run in the same process on the same inputs (matplotlib's sample photo of Grace
Hopper, 512x600 RGB), as a PIL image and as a uint8 (C, H, W) tensor, for the two most common
configurations of torchvision's weights. The printed ratio is ours / torchvision's (lower is
faster); the best of several rounds is reported, to damp scheduling noise.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable

import matplotlib.cbook
import torch
import torchvision.transforms._presets as tv_presets
import torchvision.transforms.functional as F
from PIL import Image

from weighthub.transforms import ImageClassification

CONFIGS = [
    {"crop_size": 224},
    {"crop_size": 224, "resize_size": 232},
]


def per_call(
    a: Callable[[], object], b: Callable[[], object], repeat: int, rounds: int
) -> tuple[float, float]:
    """Best-of-``rounds`` seconds per call of ``a`` and of ``b``, ``repeat`` calls per round.

    The rounds of ``a`` and ``b`` alternate, so that drifting machine load affects both alike.
    """
    a(), b()  # warm up
    best_a = best_b = float("inf")
    for _ in range(rounds):
        best_a = min(best_a, timeit.timeit(a, number=repeat))
        best_b = min(best_b, timeit.timeit(b, number=repeat))
    return best_a / repeat, best_b / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="calls per round")
    parser.add_argument("--rounds", type=int, default=20, help="rounds; the best is kept")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with Image.open(path) as img:
        pil = img.convert("RGB")
    inputs = {"PIL": pil, "uint8 tensor": F.pil_to_tensor(pil)}

    print(f"torch {torch.__version__}, {args.threads} thread(s), {args.repeat}x{args.rounds} calls")
    print(f"{'config':<34} {'input':<13} {'weighthub':>10} {'torchvision':>12} {'ratio':>6}")
    for config in CONFIGS:
        ours = ImageClassification(**config)
        theirs = tv_presets.ImageClassification(**config)
        for kind, x in inputs.items():
            assert torch.equal(ours(x), theirs(x))
            t_ours, t_theirs = per_call(
                lambda o=ours, x=x: o(x), lambda t=theirs, x=x: t(x), args.repeat, args.rounds
            )
            label = ", ".join(f"{k}={v}" for k, v in config.items())
            print(
                f"{label:<34} {kind:<13} {t_ours * 1e3:>8.3f}ms {t_theirs * 1e3:>10.3f}ms "
                f"{t_ours / t_theirs:>6.3f}"
            )


if __name__ == "__main__":
    main()
