"""A tiny simulated EW set shared by the realism tests (written once per session)."""

import pytest
from slick_backend.progress import NullProgress
from slick_backend.simulate.api import SimulateParams, run_simulate


@pytest.fixture(scope="session")
def ew_sim(tmp_path_factory):
    out = tmp_path_factory.mktemp("realism") / "sim_ew"
    run_simulate(SimulateParams(out_dir=str(out), mode="EW", scenes=2, seed=3, size=256), NullProgress())
    return out
