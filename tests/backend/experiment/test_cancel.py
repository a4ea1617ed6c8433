"""Cancel through the progress object (what the server's cancel does): workers are stopped,
nothing is recorded for the run in flight, and the experiment raises Cancelled."""

import threading
import time

import psutil
import pytest
from slick_backend.errors import Cancelled
from slick_backend.experiment.api import ExperimentParams, run_experiment
from slick_backend.progress import Progress

CONFIG = """
[experiment]
n_values = [2]
draws = 1
inits = ["base"]

[training]
epochs = 200
patience = 200
batch_size = 4
lr = 0.001
light = true
allow_random_init = true
device = "cpu"

[[architectures]]
arch = "deeplabv3"
backbone = "resnet18"

[[formats]]
tile = 64
pixel_size = 25
data = "target"
"""


def workers() -> list:
    """Live child processes other than multiprocessing's resource tracker."""
    out = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline()):
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


class CancelLater(Progress):
    """Cancels from another thread after a while, as the server's cancel request does."""

    def __init__(self, after_s: float):
        super().__init__()
        self.children_seen = 0
        threading.Thread(target=self._later, args=(after_s,), daemon=True).start()

    def _later(self, after_s: float) -> None:
        deadline = time.monotonic() + after_s
        while time.monotonic() < deadline:
            self.children_seen = max(self.children_seen, len(workers()))
            time.sleep(0.2)
        self.cancel()


@pytest.mark.timeout(180)
def test_cancel_stops_the_workers_and_records_nothing(tmp_path, tiny_target):
    (tmp_path / "target").symlink_to(tiny_target)
    (tmp_path / "exp.toml").write_text(CONFIG)
    progress = CancelLater(after_s=4.0)
    before = {p.pid for p in workers()}
    with pytest.raises(Cancelled):
        run_experiment(ExperimentParams(config=str(tmp_path / "exp.toml"), out_dir=str(tmp_path / "out")), progress)
    assert progress.children_seen >= 1  # a worker process was really running the training
    time.sleep(0.5)
    assert [p for p in workers() if p.pid not in before] == []
    assert not list((tmp_path / "out" / "runs").glob("*.json"))
    assert not (tmp_path / "out" / "models" / "deeplabv3-resnet18-64-25-n2-d0-base" / "model.json").exists()


def test_one_experiment_per_directory_and_leftovers_are_cleaned(tmp_path, tiny_target):
    from slick_backend.atomic import exclusive
    from slick_backend.errors import InputError
    from slick_backend.experiment.runner import remove_leftovers

    (tmp_path / "target").symlink_to(tiny_target)
    (tmp_path / "exp.toml").write_text(CONFIG)
    out = tmp_path / "out"
    with exclusive(out):  # as if another experiment were running there
        with pytest.raises(InputError, match="another experiment is running"):
            run_experiment(ExperimentParams(config=str(tmp_path / "exp.toml"), out_dir=str(out)), Progress())
    # what a SIGKILL leaves: a model dir being written, a run's work dir, a temp record
    (out / "models" / ".run-a.x1.partial").mkdir(parents=True)
    (out / "models" / ".run-a.work" / "data").mkdir(parents=True)
    (out / "runs").mkdir()
    (out / "runs" / ".run-b.json.x2.partial.json").write_text("{")
    (out / "runs" / "run-c.json").write_text("{}")
    assert remove_leftovers(out) == 3
    assert sorted(p.name for p in out.rglob("*")) == [".lock", "models", "run-c.json", "runs"]
