"""Training from the shipped source model: transfer without --from, the spec taken from the
source card, contradictions as one line; base training with the same recipe (--decoder plus);
the per-epoch checkpoint; evaluate by shipped name with the card's threshold."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch
from slick_backend.errors import InputError
from slick_backend.models.modeldir import load_model_dir
from slick_backend.progress import NullProgress
from slick_backend.train.api import TrainParams, run_train

FAST = ["--epochs", "1", "--train-scenes", "1", "--batch-size", "4", "--device", "cpu", "--lr", "1e-3",
        "--tiles-per-epoch", "4", "--val-tiles", "4"]


@pytest.fixture(autouse=True)
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_transfer_without_from_uses_the_shipped_source(tiny_dataset, shipped_dir, tmp_path, repo_root):
    out = tmp_path / "tl"
    env = {**os.environ, "PYTHONPATH": str(repo_root / "backend"), "SLICK_SHIPPED_DIR": str(shipped_dir),
           "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "slick_backend", "train", "--data", str(tiny_dataset), "--out", str(out),
           "--init", "transfer", *FAST]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "transfer from slick-s1-source" in proc.stderr
    card = load_model_dir(out).card
    source = load_model_dir(shipped_dir / "slick-s1-source").card
    assert card["init"] == "transfer" and card["source_model"]["shipped"] == "slick-s1-source"
    assert card["source_model"]["sha256"] == source["weights_sha256"] and card["source_model"]["skipped"] == []
    # the architecture is the source's (DeepLabv3+, light decoder), at the dataset's tile
    assert card["model"] == {**source["model"], "tile": 64}
    assert card["model"]["options"]["decoder"] == "plus" and card["model"]["options"]["output_stride"] == 16

    # an explicit option that contradicts the source: one line, nothing written
    bad = subprocess.run([*cmd[:3], "--quiet", *cmd[3:-len(FAST)], "--backbone", "resnet34", "--out", str(tmp_path / "bad"),
                          *FAST],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1, bad.stderr
    assert "--backbone resnet34 contradicts the transfer source slick-s1-source" in bad.stderr
    assert not (tmp_path / "bad").exists()


def test_contradictions_and_missing_source_are_one_line(tiny_dataset, shipped_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SLICK_SHIPPED_DIR", str(shipped_dir))

    def params(**kw):
        return TrainParams(data=str(tiny_dataset), out_dir=str(tmp_path / "m"), init="transfer", epochs=1, train_scenes=1,
                           batch_size=4, device="cpu", lr=1e-3, tiles_per_epoch=4, **kw)

    for kw, words in (({"arch": "samlora"}, "--arch samlora contradicts"),
                      ({"decoder": "aspp"}, "--decoder aspp contradicts"),
                      ({"source": "slick-s1-source", "backbone": "resnet50"}, "--backbone resnet50 contradicts")):
        with pytest.raises(InputError, match=words):
            run_train(params(**kw), NullProgress())
    params(light=True).validate()  # the source has the light decoder: agreeing options are fine
    monkeypatch.setenv("SLICK_SHIPPED_DIR", str(tmp_path / "nothing"))
    with pytest.raises(InputError, match="the shipped source model slick-s1-source is not installed in"):
        params().validate()
    assert not (tmp_path / "m").exists()


def test_base_with_the_shipped_recipe_writes_a_checkpoint(tiny_dataset, tmp_path):
    out, checkpoint = tmp_path / "base", tmp_path / "ckpt"
    run_train(TrainParams(data=str(tiny_dataset), out_dir=str(out), arch="deeplabv3", backbone="resnet18", decoder="plus",
                          light=True, allow_random_init=True, models_dir=str(tmp_path / "none"), epochs=1,
                          train_scenes=1, batch_size=4, device="cpu", lr=1e-3, tiles_per_epoch=4, val_tiles=4,
                          checkpoint=str(checkpoint)), NullProgress())
    card = load_model_dir(out).card
    assert card["model"]["options"] == {"decoder": "plus", "output_stride": 16, "decoder_channels": 128, "bands": 1}
    saved = load_model_dir(checkpoint)  # a loadable model dir with the best epoch's weights
    assert saved.card["checkpoint"]["epoch"] == 1 and saved.card["checkpoint"]["complete"] is False
    assert saved.card["model"] == card["model"]
    assert (checkpoint / "weights.safetensors").read_bytes() == (out / "weights.safetensors").read_bytes()


def test_evaluate_by_shipped_name_uses_the_card_threshold(tiny_dataset, shipped_dir, tmp_path, monkeypatch, cli):
    monkeypatch.setenv("SLICK_SHIPPED_DIR", str(shipped_dir))
    metrics = tmp_path / "metrics.json"
    code, err = cli("--quiet", "evaluate", "--model", "slick-s1-source", "--data", tiny_dataset, "--out", metrics,
                    "--device", "cpu")
    assert code == 0, err
    written = json.loads(metrics.read_text())
    threshold = json.loads((shipped_dir / "slick-s1-source" / "model.json").read_text())["threshold"]
    assert threshold != 0.5 and written["threshold"] == threshold and written["model"] == str((shipped_dir / "slick-s1-source").resolve())
    assert not (shipped_dir / "slick-s1-source" / "evaluation_test.json").exists()  # nothing written into it
