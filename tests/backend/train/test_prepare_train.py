"""The plugin's one-button job: simulated scenes + labels -> prepare -> train, in one call."""

from __future__ import annotations

import glob

import pytest
from slick_backend.errors import InputError
from slick_backend.jobs import resolve
from slick_backend.models.modeldir import load_model_dir
from slick_backend.progress import NullProgress


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    params_cls, run = resolve("simulate")
    out = tmp_path_factory.mktemp("sim") / "ew"
    params = params_cls(out=str(out), mode="EW", scenes=3, seed=4, size=256)
    params.validate()
    run(params, NullProgress())
    scenes = sorted(glob.glob(str(out / "*.tif*")))
    assert len(scenes) == 3
    return scenes, str(out / "labels.gpkg")


def test_prepare_train_job_writes_dataset_and_model(simulated, tmp_path):
    scenes, labels = simulated
    params_cls, run = resolve("prepare-train")
    params = params_cls(
        prepare={"scenes": scenes, "labels": labels, "pixel_size": 50, "tile": 64, "out": str(tmp_path / "ds")},
        train={"out": str(tmp_path / "model"), "arch": "samlora", "backbone": "vit_tiny", "epochs": 1, "lr": 1e-3,
               "batch_size": 8, "device": "cpu", "allow_random_init": True},
    )
    params.validate()
    result = run(params, NullProgress())
    assert (tmp_path / "ds" / "manifest.json").is_file()
    card = load_model_dir(result["model_dir"]).card
    assert card["tile"] == 64 and card["pixel_size"] == 50 and card["modes"] == ["EW"]
    assert card["train_scenes"] == result["train_scenes"] and len(card["train_scenes"]) >= 1
    assert card["dataset"]["path"] == result["dataset_dir"]


def test_prepare_train_rejects_unknown_fields(simulated, tmp_path):
    scenes, labels = simulated
    params_cls, _ = resolve("prepare-train")
    bad = params_cls(prepare={"scenes": scenes, "labels": labels, "out": str(tmp_path / "ds"), "tiles": 64},
                     train={"out": str(tmp_path / "m")})
    with pytest.raises(InputError, match="tiles"):
        bad.validate()
    bad = params_cls(prepare={"scenes": scenes, "labels": labels, "out": str(tmp_path / "ds")},
                     train={"out": str(tmp_path / "m"), "epoch": 3})
    with pytest.raises(InputError, match="epoch"):
        bad.validate()
