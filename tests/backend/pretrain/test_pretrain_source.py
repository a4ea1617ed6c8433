"""`slick-backend pretrain-source` end to end with configs/source-tiny.toml, as a real process:
simulated sets -> datasets -> union -> training (checkpoint) -> float16 model with the threshold
chosen on the simulated val scenes, recipe, simulation seeds, realism; refusal of an existing
--out; reuse of unchanged stages; the union dataset and the val-only split of prepare."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import tomllib

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory, repo_root):
    tmp = tmp_path_factory.mktemp("pretrain")
    config = repo_root / "configs" / "source-tiny.toml"
    out, work = tmp / "shipped" / "slick-s1-source", tmp / "work"
    env = {**os.environ, "PYTHONPATH": str(repo_root / "backend"), "OMP_NUM_THREADS": "1",
           "SLICK_MODELS_DIR": str(tmp / "no-weights")}
    cmd = [sys.executable, "-m", "slick_backend", "pretrain-source", "--config", str(config), "--out", str(out),
           "--work", str(work)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"tmp": tmp, "config": config, "out": out, "work": work, "env": env, "cmd": cmd, "proc": proc,
            "card": json.loads((out / "model.json").read_text())}


def test_card_holds_recipe_simulation_threshold_and_float16_weights(pretrained):
    from safetensors import safe_open
    from slick_backend.models.modeldir import load_model_dir

    card, out, log = pretrained["card"], pretrained["out"], pretrained["proc"].stderr
    config = tomllib.loads(pretrained["config"].read_text())
    for stage in ("simulate ew-train", "prepare ew-train", "union:", "realism:", "epoch 1:", "checkpoint: epoch 1",
                  "threshold"):
        assert stage in log, stage  # every stage is logged
    # recipe: the whole config and the exact command
    assert card["recipe"]["config"] == config and card["recipe"]["command"].startswith(
        "slick-backend pretrain-source --config ")
    assert card["name"] == config["model"]["name"] and card["title"] == config["model"]["title"]
    # simulation: each set's mode / scenes / seed / size and its manifests' checksums
    sims = {s["name"]: s for s in card["simulation"]}
    assert [(s["name"], s["mode"], s["scenes"], s["seed"], s["size"], s["split"]) for s in card["simulation"]] == [
        (s["name"], s["mode"], s["scenes"], s["seed"], s["size"], s["split"]) for s in config["simulation"]]
    assert all(len(s["manifest_sha256"]) == 64 and len(s["dataset_manifest_sha256"]) == 64 for s in sims.values())
    # the spec of the config, trained on the train sets only, validated on the val set only
    assert card["model"]["options"] == {"decoder": "plus", "output_stride": 16, "decoder_channels": 128, "bands": 1}
    assert card["train_scenes"] and all(s.startswith(("ew-train-", "iw-train-")) for s in card["train_scenes"])
    assert card["val_scenes"] and all(s.startswith("ew-val-") for s in card["val_scenes"])
    assert card["modes"] == ["EW", "IW"] and card["random_init"] is True
    # the threshold: the best pooled Dice on the simulated val scenes over 0.1..0.9
    curve = card["val_threshold_curve"]
    assert [r["threshold"] for r in curve] == [round(0.1 * i, 4) for i in range(1, 10)]
    best = max(curve, key=lambda r: (r["dice"], -r["threshold"]))
    assert card["threshold"] == best["threshold"] and card["val_threshold_dice"] == best["dice"]
    assert "val" in card["threshold_source"]
    # realism of the simulated train scenes against the real mosaics (or why it was skipped)
    assert "summary" in card["realism"] or card["realism"].get("skipped")
    # float16 storage, loaded as a float32 module; README = the human card
    assert card["weights_dtype"] == "float16"
    with safe_open(str(out / "weights.safetensors"), "pt") as f:
        assert str(f.get_tensor("core.net.encoder.conv1.weight").dtype) == "torch.float16"
    assert load_model_dir(out).card["weights_sha256"] == card["weights_sha256"]
    readme = (out / "README.md").read_text()
    assert card["recipe"]["command"] in readme and "| ew-val | val | EW | default | db | 1 | 256 | 201 |" in readme
    assert f"**{card['threshold']:.2f}**" in readme
    # the checkpoint of the best epoch is a loadable model dir in the work dir
    assert load_model_dir(pretrained["work"] / "train" / "checkpoint").card["checkpoint"]["epoch"] == 1


def test_existing_out_is_refused_and_the_model_is_found_as_shipped(pretrained):
    proc = subprocess.run(pretrained["cmd"], capture_output=True, text=True, env=pretrained["env"], timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "already exists" in proc.stderr
    assert "--overwrite" in proc.stderr
    # written where SLICK_SHIPPED_DIR points, it is the shipped source: `weights list` says ready
    env = {**pretrained["env"], "SLICK_SHIPPED_DIR": str(pretrained["out"].parent)}
    listing = subprocess.run([sys.executable, "-m", "slick_backend", "weights", "list"], capture_output=True,
                             text=True, env=env, timeout=120)
    line = next(row for row in listing.stdout.splitlines() if row.startswith("slick-s1-source"))
    assert "ready" in line


def test_unchanged_stages_are_reused_and_the_union_points_at_the_sets(pretrained):
    from slick_backend.dataset.reader import load_manifest
    from slick_backend.pretrain.config import load_source_config
    from slick_backend.pretrain.stages import build_datasets
    from slick_backend.progress import NullProgress

    class Log(NullProgress):
        lines: list[str] = []

        def log(self, message):
            self.lines.append(message)

    cfg, log = load_source_config(pretrained["config"]), Log()
    union, records = build_datasets(cfg, pretrained["work"], log)
    assert sum("reused" in line for line in log.lines) == 2 * len(cfg.sets)  # simulate and prepare of each set
    # the hashes a cache keys on, computed without running a stage, are the stamps the stages wrote
    from slick_backend.pretrain.stages import dataset_hashes

    stamps = {s.name: json.loads((pretrained["work"] / "datasets" / f"{s.name}.stage.json").read_text())["hash"]
              for s in cfg.sets}
    assert dataset_hashes(cfg) == stamps
    manifest = load_manifest(union)
    assert {p["name"] for p in manifest["merged_from"]} == {s.name for s in cfg.sets}
    for t in manifest["tiles"][:: max(1, len(manifest["tiles"]) // 10)]:
        assert (union / t["image"]).is_file() and (union / t["mask"]).is_file()
    splits = {s["id"].split("-")[0] + "-" + s["id"].split("-")[1]: s["split"] for s in manifest["scenes"]}
    assert splits == {"ew-train": "train", "iw-train": "train", "ew-val": "val"}
    assert [r["manifest_sha256"] for r in records] == [s["manifest_sha256"] for s in pretrained["card"]["simulation"]]


def test_config_errors_are_one_line(tmp_path, repo_root):
    from slick_backend.errors import InputError
    from slick_backend.pretrain.config import load_source_config

    text = (repo_root / "configs" / "source-tiny.toml").read_text()
    for change, words in ((('split = "val"', 'split = "test"'), "use train or val"),
                          (("output_stride = 16", "output_stride = 8"), "output stride 16"),
                          (("decoder_channels = 128", "decoder_channels = 64"), "use 256, or 128"),
                          (("epochs = 1", "epochz = 1"), "unknown key")):
        bad = tmp_path / "bad.toml"
        bad.write_text(text.replace(*change))
        with pytest.raises(InputError, match=words):
            load_source_config(bad)
    assert load_source_config(repo_root / "configs" / "source.toml").train_options() == {
        "arch": "deeplabv3", "backbone": "resnet18", "decoder": "plus", "light": True}
