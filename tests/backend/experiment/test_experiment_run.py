"""The experiment for real: tiny DeepLabv3 trainings on a tiny GeoTIFF dataset, killed and
resumed through the CLI, then the same grid on Ray giving the very same Dice."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from slick_backend.experiment.api import ExperimentParams, run_experiment
from slick_backend.experiment.results import read_results
from slick_backend.progress import NullProgress

# real trainings in subprocesses: ~30 s of CPU in all, more wall time on a loaded machine
pytestmark = pytest.mark.slow

CONFIG = """
[experiment]
n_values = [2]
draws = 2
workers = 2
seed = 3

[training]
epochs = 1
batch_size = 4
lr = 0.001
light = true
allow_random_init = true
device = "cpu"
augment = false

[pretrain]
epochs = 1

[[architectures]]
arch = "deeplabv3"
backbone = "resnet18"

[[formats]]
tile = 64
pixel_size = 25
data = "target"
source_data = "source"
"""


def cli(*args, **kwargs):
    return [sys.executable, "-m", "slick_backend", *map(str, args)]


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, tiny_target, tiny_source):
    """Run the CLI, kill it (whole process group) once the first run is recorded, resume it."""
    root = tmp_path_factory.mktemp("exp")
    (root / "target").symlink_to(tiny_target)
    (root / "source").symlink_to(tiny_source)
    config = root / "exp.toml"
    config.write_text(CONFIG)
    out = root / "out"
    proc = subprocess.Popen(cli("--quiet", "experiment", "--config", config, "--out", out),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / "runs").glob("*.json"))) >= 2:  # the source and at least one grid run
            break
        time.sleep(0.2)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    recorded = sorted(p.name for p in (out / "runs").glob("*.json"))
    for path in (out / "runs").glob("*.json"):
        json.loads(path.read_text())  # every record that exists is complete
    resumed = subprocess.run(cli("experiment", "--config", config, "--out", out), capture_output=True, text=True,
                             timeout=300)
    return {"root": root, "config": config, "out": out, "killed": killed, "recorded_before": recorded,
            "resumed": resumed}


def test_killed_experiment_resumes_and_reports(experiment):
    out, resumed = experiment["out"], experiment["resumed"]
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    plan = json.loads((out / "plan.json").read_text())
    assert sorted((r["n"], r["draw"], r["init"]) for r in plan["runs"]) == sorted(
        (2, d, i) for d in (0, 1) for i in ("base", "transfer"))
    assert experiment["killed"], "the experiment finished before the test could kill it"
    # what was recorded before the kill was reused, not retrained
    assert f"{len(experiment['recorded_before'])} reused" in resumed.stdout
    # results.csv: one row per run, per-test-scene Dice, readable by `report`
    results = read_results([out / "results.csv"])
    assert len(results) == 4
    assert all(set(r.scene_dice) == {"tgt_test_00", "tgt_test_01"} for r in results)
    assert all(0.0 <= d <= 1.0 for r in results for d in r.scene_dice.values())
    # paired: base and transfer twins trained on the same scenes with the same seed
    records = [json.loads(p.read_text()) for p in (out / "runs").glob("deeplabv3*.json")]
    twins = {}
    for rec in records:
        twins.setdefault((rec["spec"]["n"], rec["spec"]["draw"]), []).append(rec)
    for pair in twins.values():
        assert {r["spec"]["init"] for r in pair} == {"base", "transfer"}
        assert pair[0]["train_scenes"] == pair[1]["train_scenes"] == pair[0]["spec"]["scenes"]
        assert pair[0]["spec"]["seed"] == pair[1]["spec"]["seed"]
    # transfer runs started from the pretrained source; models were deleted after evaluation
    assert (out / "sources" / "source-deeplabv3-resnet18-64-25" / "model.json").is_file()
    assert not any((out / "models").glob("*/model.json"))
    report = out / "report"
    assert (report / "report.html").stat().st_size > 1000 and (report / "fig2.png").is_file()
    with open(report / "table2.csv") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["tile"], row["pixel_size"], row["models"]) == ("64", "25", "4")
    assert not [p for p in out.rglob("*.partial*")], "no temporary files left behind"


def test_rerun_skips_done_runs_and_redoes_changed_ones(experiment):
    out = experiment["out"]
    victim = out / "runs" / "deeplabv3-resnet18-64-25-n2-d1-base.json"
    before = json.loads(victim.read_text())
    victim.unlink()
    start = time.monotonic()
    result = run_experiment(ExperimentParams(config=str(experiment["config"]), out_dir=str(out), workers=2),
                            NullProgress())
    assert result["done_now"] == 1 and result["reused"] == 4 and not result["failed"]
    # same seed, same scenes, same thread count: the re-done run gives the same Dice
    again = json.loads(victim.read_text())
    assert again["threads"] == before["threads"] and again["scene_dice"] == before["scene_dice"]
    assert time.monotonic() - start < 120


def test_ray_executor_gives_identical_results(experiment):
    """A smaller grid on a local Ray (start-up ~10 s here): same runs, same Dice as local.

    The transfer source is the one the local run pretrained (to keep this test short)."""
    out = experiment["root"] / "ray"
    source = experiment["out"] / "sources" / "source-deeplabv3-resnet18-64-25"
    proc = subprocess.run(cli("--quiet", "experiment", "--config", experiment["config"], "--out", out,
                              "--executor", "ray", "--workers", "2", "--set", "experiment.draws=1",
                              "--source", source),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    local = {p.name: json.loads(p.read_text()) for p in (experiment["out"] / "runs").glob("*.json")}
    ray_runs = {p.name: json.loads(p.read_text()) for p in (out / "runs").glob("*.json")}
    assert sorted(ray_runs) == ["deeplabv3-resnet18-64-25-n2-d0-base.json",
                                "deeplabv3-resnet18-64-25-n2-d0-transfer.json"]
    for name, rec in ray_runs.items():
        assert rec["threads"] == local[name]["threads"]
        assert rec["train_result"]["weights_sha256"] == local[name]["train_result"]["weights_sha256"], name
        assert rec["scene_dice"] == local[name]["scene_dice"], name


def test_a_failing_run_is_reported_and_retried(tmp_path, tiny_target, experiment):
    """A transfer source of another backbone cannot be loaded: the run fails, is named, no report."""
    source = experiment["out"] / "sources" / "source-deeplabv3-resnet18-64-25"
    config = tmp_path / "exp.toml"
    config.write_text(CONFIG.replace('backbone = "resnet18"', 'backbone = "mobilenet_v2"')
                      .replace('source_data = "source"\n', "")
                      .replace("draws = 2", 'draws = 1\ninits = ["transfer"]'))
    (tmp_path / "target").symlink_to(tiny_target)
    proc = subprocess.run(cli("--quiet", "experiment", "--config", config, "--out", tmp_path / "out", "--source",
                              source, "--workers", "1"), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "1 failed" in proc.stdout
    error = (tmp_path / "out" / "runs" / "deeplabv3-mobilenet-v2-64-25-n2-d0-transfer.error.txt").read_text()
    assert "InputError" in error and "backbone" in error
    assert not list((tmp_path / "out" / "runs").glob("*.json"))
    assert Path(tmp_path / "out" / "results.csv").read_text().count("\n") == 1  # the header only
    assert not (tmp_path / "out" / "report").exists()
