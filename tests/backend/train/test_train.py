"""Training end to end on a tiny real dataset: CLI, model dirs, transfer, seeds, cancel, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch
from slick_backend.atomic import atomic_dir
from slick_backend.errors import Cancelled, InputError
from slick_backend.models.modeldir import load_model_dir, save_model_dir
from slick_backend.models.registry import build_from_spec, load_transfer, normalise_spec
from slick_backend.progress import NullProgress
from slick_backend.train.api import TrainParams, run_train

FAST = ["--epochs", "1", "--train-scenes", "2", "--batch-size", "6", "--device", "cpu", "--lr", "1e-3"]


def _params(data, out, **kw):
    base = dict(data=str(data), out_dir=str(out), arch="samlora", backbone="vit_tiny", epochs=1, train_scenes=2,
                batch_size=6, device="cpu", lr=1e-3, allow_random_init=True)
    base.update(kw)
    return TrainParams(**base)


def test_deeplab_trains_via_the_cli_and_evaluates(tiny_dataset, tmp_path, repo_root):
    out = tmp_path / "deeplab"
    env = {**os.environ, "PYTHONPATH": str(repo_root / "backend"), "SLICK_MODELS_DIR": str(tmp_path / "no-weights")}
    cmd = [sys.executable, "-m", "slick_backend", "train", "--data", tiny_dataset, "--out", out, "--arch", "deeplabv3",
           "--backbone", "resnet18", "--light", "--allow-random-init", *FAST, "--train-scenes", "1", "--batch-size", "4",
           "--tiles-per-epoch", "4", "--val-tiles", "5"]
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["model_dir"] == str(out.resolve()) and len(result["train_scenes"]) == 1
    assert "random init" in proc.stderr
    model = load_model_dir(out)
    card = model.card
    for key in ("name", "arch", "backbone", "tile", "pixel_size", "bands", "modes", "polarisations", "preprocessing",
                "init", "source_model", "allow_random_init", "train_scenes", "seed", "epochs_run", "best_epoch",
                "val_metrics", "loss", "versions", "weights_sha256", "created"):
        assert key in card, key
    assert (card["arch"], card["backbone"], card["tile"], card["bands"], card["init"]) == ("deeplabv3", "resnet18", 64, 1, "base")
    assert card["random_init"] and card["allow_random_init"] and card["modes"] == ["EW"] and card["pixel_size"] == 25
    assert card["model"]["options"]["output_stride"] == 8 and card["model"]["options"]["decoder_channels"] == 128 and card["tiles_per_epoch"] == 4 and card["val_tiles"] == 5
    with torch.no_grad():
        prob = model.module(torch.full((1, 1, 64, 64), 120.0))
    assert prob.shape == (1, 1, 64, 64) and 0 <= float(prob.min()) <= float(prob.max()) <= 1

    metrics = tmp_path / "metrics.json"
    proc = subprocess.run([sys.executable, "-m", "slick_backend", "evaluate", "--model", str(out), "--data",
                           str(tiny_dataset), "--out", str(metrics), "--device", "cpu"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    written = json.loads(metrics.read_text())
    assert sorted(written["scenes"]) == ["s1_ew_0005", "s1_ew_0006"]  # the test split's scene ids
    for s in written["scenes"].values():
        assert 0 <= s["dice"] <= 1 and s["tp"] + s["fn"] > 0
    assert written["mean_dice"] == pytest.approx(sum(s["dice"] for s in written["scenes"].values()) / 2)
    assert json.loads(proc.stdout)["dice_per_scene"] == {k: v["dice"] for k, v in written["scenes"].items()}


def test_samlora_trains_via_cli_with_range_test_and_transfers(tiny_dataset, tmp_path, cli):
    src = tmp_path / "src"
    code, err = cli("--quiet", "train", "--data", tiny_dataset, "--out", src, "--arch", "samlora", "--backbone", "vit_tiny",
                    "--allow-random-init", "--epochs", "2", "--train-scenes", "2", "--batch-size", "6", "--device", "cpu")
    assert code == 0, err
    card = load_model_dir(src).card
    assert card["lr_from_range_test"] and 1e-5 <= card["lr"] <= 1e-2
    assert card["trainable_params"] < card["total_params"] and card["epochs_run"] == len(card["history"]) <= 2
    code, err = cli("--quiet", "train", "--data", tiny_dataset, "--out", tmp_path / "ft", "--arch", "samlora",
                    "--backbone", "vit_tiny", "--init", "transfer", "--from", src, *FAST)
    assert code == 0, err
    ft = load_model_dir(tmp_path / "ft").card
    assert ft["init"] == "transfer" and ft["source_model"]["sha256"] == card["weights_sha256"]
    assert ft["source_model"]["skipped"] == [] and not ft["random_init"]


def test_same_seed_gives_identical_weights_on_cpu(tiny_dataset, tmp_path):
    # with augmentation and exemplar synthesis on: every random draw must come from the seed
    a = run_train(_params(tiny_dataset, tmp_path / "a", seed=7, synthesis=True), NullProgress())
    b = run_train(_params(tiny_dataset, tmp_path / "b", seed=7, synthesis=True), NullProgress())
    c = run_train(_params(tiny_dataset, tmp_path / "c", seed=8, synthesis=True), NullProgress())
    assert a["weights_sha256"] == b["weights_sha256"]
    assert c["weights_sha256"] != a["weights_sha256"]
    assert load_model_dir(tmp_path / "a").card["synthesis"] is True


def _write_model(out, spec, name="src"):
    torch.manual_seed(3)
    module = build_from_spec(spec)
    with atomic_dir(out) as tmp:
        save_model_dir(tmp, module, {"name": name, "arch": spec["arch"], "backbone": spec["backbone"], "model": spec,
                                     "tile": spec["tile"], "bands": spec["options"].get("bands", 1)})
    return module


def test_transfer_from_other_band_count_loads_all_but_first_layer(tmp_path, caplog):
    from slick_backend.models.modeldir import load_state

    spec3 = normalise_spec("deeplabv3", "resnet18", 64, {"output_stride": 16, "decoder_channels": 128, "bands": 3})
    _write_model(tmp_path / "rgb", spec3)
    card, state = load_state(tmp_path / "rgb")
    torch.manual_seed(4)
    target = build_from_spec(normalise_spec("deeplabv3", "resnet18", 64, {"output_stride": 16, "decoder_channels": 128}))
    before = target.state_dict()["core.net.encoder.conv1.weight"].clone()
    with caplog.at_level("WARNING"):
        summary = load_transfer(target, card, state)
    assert summary["skipped"] == ["core.net.encoder.conv1.weight"]
    assert "first layer" in caplog.text and "3 input bands" in caplog.text
    own = target.state_dict()
    assert torch.equal(own["core.net.encoder.conv1.weight"], before)
    for key, value in state.items():
        if key != "core.net.encoder.conv1.weight":
            assert torch.equal(own[key], value), key
    # a different architecture is refused with one clear line
    with pytest.raises(InputError, match="same architecture"):
        load_transfer(build_from_spec(normalise_spec("samlora", "vit_tiny", 64)), card, state)


class _CancelAt(NullProgress):
    """Requests cancel when a progress message starting with ``prefix`` is published."""

    def __init__(self, prefix):
        super().__init__()
        self.prefix, self.seen = prefix, False

    def update(self, fraction=None, message=None):
        super().update(fraction, message)
        if message and message.startswith(self.prefix):
            self.seen = True
            self.cancel()


def test_cancel_leaves_nothing_and_keeps_an_existing_model(tiny_dataset, tmp_path):
    out = tmp_path / "m"
    with pytest.raises(Cancelled):
        run_train(_params(tiny_dataset, out), _CancelAt("epoch 1/1 step 1/"))
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == []
    run_train(_params(tiny_dataset, out), NullProgress())
    good = (out / "weights.safetensors").read_bytes()
    late = _CancelAt("writing")  # the very last moment: weights already written under the temp name
    with pytest.raises(Cancelled):
        run_train(_params(tiny_dataset, out, overwrite=True, seed=5), late)
    assert late.seen
    assert (out / "weights.safetensors").read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
    with pytest.raises(InputError, match="already exists"):
        run_train(_params(tiny_dataset, out), NullProgress())


def test_corrupted_weights_and_missing_base_weights_are_clear_errors(tiny_dataset, tmp_path, cli):
    spec = normalise_spec("samlora", "vit_tiny", 64)
    _write_model(tmp_path / "m", spec)
    load_model_dir(tmp_path / "m")
    weights = tmp_path / "m" / "weights.safetensors"
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(InputError, match="SHA-256"):
        load_model_dir(tmp_path / "m")
    code, err = cli("--quiet", "evaluate", "--model", tmp_path / "m", "--data", tiny_dataset)
    assert code == 2 and "corrupted" in err and err.count("\n") == 1 and "Traceback" not in err

    code, err = cli("--quiet", "train", "--data", tiny_dataset, "--out", tmp_path / "base", "--arch", "samlora",
                    "--backbone", "vit_b", "--models-dir", tmp_path / "empty", *FAST)
    assert code == 2 and "sam_vit_b" in err and "--allow-random-init" in err and err.count("\n") == 1
    assert not (tmp_path / "base").exists()
    code, err = cli("--quiet", "train", "--data", tmp_path / "nowhere", "--out", tmp_path / "x")
    assert code == 2 and "manifest.json" in err
