"""The training-script side of the torchrun tests: every rank fetches the same URL collectively.

Run by ``python -m torch.distributed.run``. Each rank uses its own cache (``WEIGHTHUB_HOME`` set
from ``LOCAL_RANK`` under ``WH_TEST_HOMES``) unless ``WH_TEST_SHARED_HOME`` is set, fetches
``WH_TEST_URL`` (``WH_TEST_SHA`` declared; ``-`` declares none) and writes
``WH_TEST_OUT/rank<N>.json``: the path and sha256 it got, or the type and message of the error it
raised. ``{rank}`` in ``WH_TEST_URL`` or ``WH_TEST_LOCK`` (the rank's ``WEIGHTHUB_LOCK``) is
replaced by the rank.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

rank = int(os.environ["LOCAL_RANK"])
if os.environ.get("WH_TEST_SHARED_HOME"):
    os.environ["WEIGHTHUB_HOME"] = os.environ["WH_TEST_SHARED_HOME"]
else:
    os.environ["WEIGHTHUB_HOME"] = str(Path(os.environ["WH_TEST_HOMES"]) / f"rank{rank}")

if os.environ.get("WH_TEST_BAD_LAYER_RANK") == str(rank):
    os.environ["WEIGHTHUB_CACHE_PATH"] = str(Path(os.environ["WH_TEST_HOMES"]) / "not-mounted")

if os.environ.get("WH_TEST_LOCK"):
    os.environ["WEIGHTHUB_LOCK"] = os.environ["WH_TEST_LOCK"].replace("{rank}", str(rank))

import torch.distributed as dist  # noqa: E402

import weighthub  # noqa: E402

dist.init_process_group("gloo")
if os.environ.get("WH_TEST_SET_FROM_PYTHON"):
    weighthub.set_distributed("broadcast")
out = Path(os.environ["WH_TEST_OUT"]) / f"rank{dist.get_rank()}.json"
urls = os.environ["WH_TEST_URL"].replace("{rank}", str(rank)).split()
shas = [None if s == "-" else s for s in os.environ["WH_TEST_SHA"].split()]
result: dict[str, object] = {"rank": dist.get_rank(), "files": []}
code = 0
skip_rank = os.environ.get("WH_TEST_SKIP_RANK")
try:
    if skip_rank is not None and int(skip_rank) == dist.get_rank():
        # A rank that does not make the fetch (the bug broadcast mode must not hang on).
        time.sleep(float(os.environ["WH_TEST_SKIP_SLEEP"]))
        urls, shas = [], []
    for url, sha in zip(urls, shas, strict=True):
        path = weighthub.fetch(url, sha256=sha, progress=False)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        result["files"].append({"path": str(path), "sha256": digest})  # type: ignore[union-attr]
except Exception as exc:
    result["error"] = {"type": type(exc).__name__, "message": str(exc)}
    code = 1
out.write_text(json.dumps(result), encoding="utf-8")
if code == 0:
    dist.destroy_process_group()
sys.exit(code)
