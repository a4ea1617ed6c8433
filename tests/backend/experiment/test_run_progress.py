"""An experiment reports inside its runs, not only between them: while a run trains, the bar
moves and the line names the run and its epoch (the demo once printed "9 runs to do" and then
nothing for ten minutes of pretraining)."""

from __future__ import annotations

import pytest
from slick_backend.experiment.api import ExperimentParams, run_experiment
from slick_backend.progress import Progress

CONFIG = """
[experiment]
n_values = [1]
draws = 1
inits = ["base"]
workers = 1
seed = 0

[training]
epochs = 2
batch_size = 2
lr = 0.001
light = true
allow_random_init = true
device = "cpu"
augment = false

[[architectures]]
arch = "deeplabv3"
backbone = "resnet18"

[[formats]]
tile = 64
pixel_size = 25
data = "target"
"""


class Recording(Progress):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[float, str]] = []

    def publish(self) -> None:
        self.seen.append((self.fraction, self.message))


@pytest.mark.parametrize("executor", ["local", pytest.param("ray", marks=pytest.mark.slow)])
def test_experiment_reports_each_run_epoch_by_epoch(tiny_target, tmp_path, executor):
    """Local worker processes and Ray tasks alike (Ray through a queue actor)."""
    (tmp_path / "target").symlink_to(tiny_target)
    (tmp_path / "exp.toml").write_text(CONFIG)
    progress = Recording()
    run_experiment(ExperimentParams(config=str(tmp_path / "exp.toml"), out_dir=str(tmp_path / "out"), executor=executor),
                   progress)
    inside = [(f, m) for f, m in progress.seen if m.startswith("run 1/1 (N=1 draw 0 base): ")]
    assert any("epoch 1/2" in m for _, m in inside) or any("epoch 2/2" in m for _, m in inside), progress.seen
    fractions = [f for f, _ in inside]
    # the worker sends at most one update per 0.5 s, so a fast machine sees few: at least one
    # between the run's start and its end, and never a step back
    assert fractions == sorted(fractions) and max(fractions) < 1.0 and len({f for f in fractions if f > 0}) >= 2
    assert any("1/1 runs done" in m for _, m in progress.seen)
