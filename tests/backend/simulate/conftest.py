"""Simulated scene series shared by the simulate tests (written once per session, small sizes)."""

import json

import pytest
from slick_backend.progress import NullProgress
from slick_backend.simulate.api import SimulateParams, run_simulate


def _simulate(tmp_path_factory, mode: str, size: int, scenes: int = 3, seed: int = 11):
    out = tmp_path_factory.mktemp(f"sim_{mode.lower()}") / "out"
    result = run_simulate(SimulateParams(out_dir=str(out), mode=mode, scenes=scenes, seed=seed, size=size), NullProgress())
    manifest = json.loads((out / "manifest.json").read_text())
    return out, result, manifest


@pytest.fixture(scope="session")
def ew_series(tmp_path_factory):
    return _simulate(tmp_path_factory, "EW", 384)


@pytest.fixture(scope="session")
def iw_series(tmp_path_factory):
    return _simulate(tmp_path_factory, "IW", 320)
