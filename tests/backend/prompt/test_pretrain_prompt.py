"""`slick-backend pretrain-prompt` end to end with configs/prompt-tiny.toml, as a real process:
the simulated sets of configs/source-tiny.toml -> windows with slicks -> training on noisy
prompts with the sim2real photometric changes, dark water, a neighbouring slick and dark cells beside half the slicks -> the model
chosen on the simulated val prompts,
with its recipe and card; an existing --out is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from slick_backend.prompt.store import load_prompt_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory, repo_root):
    tmp = tmp_path_factory.mktemp("pretrain-prompt")
    out, work = tmp / "prompt", tmp / "work"
    env = {**os.environ, "PYTHONPATH": str(repo_root / "backend"), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "slick_backend", "pretrain-prompt", "--config", "configs/prompt-tiny.toml",
           "--out", str(out), "--work", str(work)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=repo_root, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"out": out, "work": work, "cmd": cmd, "env": env, "repo_root": repo_root}


def test_the_model_is_chosen_on_simulated_val_prompts_and_its_card_gives_the_recipe(pretrained):
    net, card = load_prompt_model(pretrained["out"])  # checksum verified
    assert card["name"] == "slick-s1-prompt-tiny" and card["tile"] == 64 and card["width"] == 16
    recipe = card["recipe"]
    assert recipe["augment_preset"] == "sim2real" and recipe["steps"] == 4 and recipe["seed"] == 0
    assert recipe["val_seed"] == 1  # the default, seed + 1: earlier recipes keep their validation prompts
    assert recipe["dark_water"] == 0.5 and recipe["neighbour"] == 0.5 and recipe["dark_field"] == 0.5
    assert recipe["train_slicks"] > 0 and recipe["val_windows"] > 0
    assert 'augment_preset = "sim2real"' in recipe["config_text"]
    history = card["history"]
    assert [h["step"] for h in history] == [2, 4]
    kinds = ("val_tight_box", "val_box_0.4", "val_box_0.4_dark", "val_box_0.4_neighbour", "val_point_1", "val_points_3")
    for h in history:  # the hard negatives are scored too, and count in the mean the choice is made on
        assert abs(h["val_mean"] - sum(h[k] for k in kinds) / 6) < 1e-3, h
    assert card["best"] == max(history, key=lambda h: h["val_mean"])
    readme = (pretrained["out"] / "README.md").read_text()
    assert "`sim2real` augmentation" in readme and "only on simulated scenes" in readme
    assert "50% of the samples a patch of dark water" in readme and "| box 0.4, dark water |" in readme
    assert "in 50% another slick lies beside it" in readme and "| box 0.4, neighbour |" in readme
    assert "in 50% small dark cells lie around it, touching it" in readme


def test_a_work_dir_holding_only_the_packed_windows_trains_the_same_model(pretrained, tmp_path):
    # what a GPU machine without the datasets or GDAL gets: the pack alone, and the same weights
    from slick_backend.prompt.pack import PACK_NAME

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(pretrained["work"] / PACK_NAME, work / PACK_NAME)
    cmd = [*pretrained["cmd"][:7], str(tmp_path / "again"), "--work", str(work)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=pretrained["env"], cwd=pretrained["repo_root"],
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"windows from {work / PACK_NAME}" in proc.stderr + proc.stdout
    assert not (work / "sim").exists() and not (work / "datasets").exists()
    _, first = load_prompt_model(pretrained["out"])
    _, again = load_prompt_model(tmp_path / "again")
    assert again["weights_sha256"] == first["weights_sha256"] and again["recipe"]["device"] == "cpu"


def test_a_pack_that_cannot_be_written_does_not_stop_training(pretrained, tmp_path):
    from slick_backend.pretrain.config import load_source_config
    from slick_backend.progress import NullProgress
    from slick_backend.prompt.pack import PACK_NAME
    from slick_backend.prompt.train import _windows

    class Log(NullProgress):
        lines: list[str] = []

        def log(self, message):
            self.lines.append(message)

    work = tmp_path / "work"
    shutil.copytree(pretrained["work"], work, ignore=shutil.ignore_patterns(PACK_NAME, "prompt-train"))
    (work / PACK_NAME).mkdir()  # where the pack would go: nothing can be written there
    log = Log()
    train, val = _windows(load_source_config(pretrained["repo_root"] / "configs" / "source-tiny.toml"), work, log)
    assert train and val
    assert any("could not pack the windows" in line for line in log.lines), log.lines
    assert (work / PACK_NAME).is_dir()


def test_an_existing_out_is_refused_and_a_wrong_preset_named(pretrained, tmp_path):
    proc = subprocess.run(pretrained["cmd"], capture_output=True, text=True, env=pretrained["env"],
                          cwd=pretrained["repo_root"], timeout=120)
    assert proc.returncode != 0 and "already exists" in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text((pretrained["repo_root"] / "configs" / "prompt-tiny.toml").read_text()
                   .replace('augment_preset = "sim2real"', 'augment_preset = "sim2reel"'))
    cmd = [*pretrained["cmd"][:4], "--config", str(bad), "--out", str(tmp_path / "m"), "--work", str(tmp_path / "w")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=pretrained["env"], cwd=pretrained["repo_root"],
                          timeout=120)
    assert proc.returncode != 0 and "none or one of standard, sim2real" in proc.stderr
    assert not (tmp_path / "w").exists()  # refused before any simulation
    bad.write_text((pretrained["repo_root"] / "configs" / "prompt-tiny.toml").read_text()
                   .replace("dark_water = 0.5", "dark_water = 50"))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=pretrained["env"], cwd=pretrained["repo_root"],
                          timeout=120)
    assert proc.returncode != 0 and "dark_water is the share of samples" in proc.stderr and "got 50" in proc.stderr
    bad.write_text((pretrained["repo_root"] / "configs" / "prompt-tiny.toml").read_text()
                   .replace("neighbour = 0.5", 'neighbour = "half"'))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=pretrained["env"], cwd=pretrained["repo_root"],
                          timeout=120)
    assert proc.returncode != 0 and "neighbour is the share of samples" in proc.stderr and "got 'half'" in proc.stderr
    bad.write_text((pretrained["repo_root"] / "configs" / "prompt-tiny.toml").read_text()
                   .replace("seed = 0", 'seed = 0\nval_seed = "one"'))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=pretrained["env"], cwd=pretrained["repo_root"],
                          timeout=120)
    assert proc.returncode != 0 and "val_seed is the whole-number seed" in proc.stderr and "got 'one'" in proc.stderr
    bad.write_text((pretrained["repo_root"] / "configs" / "prompt-tiny.toml").read_text()
                   .replace("seed = 0", 'seed = 0\ndevice = "gpu"'))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=pretrained["env"], cwd=pretrained["repo_root"],
                          timeout=120)
    assert proc.returncode != 0 and '[training] device is "auto", "cpu" or "cuda"; got \'gpu\'' in proc.stderr
    assert not (tmp_path / "w").exists()
