"""Fixtures of weighthub-timm's tests."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

import weighthub
from weighthub_timm import manifest, tag_of, weights_enum

# The test modules share test_build's checkpoint and comparison helpers (import-mode=importlib
# puts no test folder on sys.path).
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def members() -> dict[str, weighthub.WeightsEnum]:
    """Every tag's member, by timm's name (builds every enum, as ``list_weights`` does)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", weighthub.MetaValidationWarning)
        return {
            f"{arch}.{tag_of(member.name)}": member
            for arch in manifest().architectures
            for member in weights_enum(arch)
        }
