"""A tiny real dataset (GeoTIFF tiles + manifest.json, as `prepare` writes them) for the experiment."""

from pathlib import Path

import pytest
from tinydata import scene_splits, write_tiny_dataset


@pytest.fixture(scope="session")
def tiny_target(tmp_path_factory) -> Path:
    """6 train, 1 val, 2 test scenes of 2 tiles of 64 px: the few-shot target domain."""
    return write_tiny_dataset(tmp_path_factory.mktemp("target") / "ds", scene_splits(6, 1, 2, "tgt"), seed=1)


@pytest.fixture(scope="session")
def tiny_source(tmp_path_factory) -> Path:
    """Another 'domain' (other seed, stronger contrast) to pretrain transfer sources on."""
    return write_tiny_dataset(tmp_path_factory.mktemp("source") / "ds", scene_splits(4, 1, 1, "src"), seed=2,
                              contrast=80.0)
