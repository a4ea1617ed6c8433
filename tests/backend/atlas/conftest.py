"""Fixtures of the atlas tests: hand-made coverage rasters, outlines and drift (atlas_helpers.py)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from atlas_helpers import build_series  # noqa: E402


@pytest.fixture(scope="module")
def series(tmp_path_factory) -> dict:
    """Two seeps, seven scenes on six dates, a coverage gap and a look-alike (atlas_helpers.SCENES)."""
    return build_series(tmp_path_factory.mktemp("atlas") / "in")
