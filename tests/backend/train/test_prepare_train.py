"""The plugin's one-button job: simulated scenes + labels -> prepare -> train, in one call."""

from __future__ import annotations

import glob
import re

import pytest
from slick_backend.errors import InputError
from slick_backend.jobs import resolve
from slick_backend.models.modeldir import load_model_dir
from slick_backend.progress import NullProgress


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    params_cls, run = resolve("simulate")
    out = tmp_path_factory.mktemp("sim") / "ew"
    params = params_cls(out_dir=str(out), mode="EW", scenes=3, seed=4, size=256)
    params.validate()
    run(params, NullProgress())
    scenes = sorted(glob.glob(str(out / "*.tif*")))
    assert len(scenes) == 3
    return scenes, str(out / "labels.gpkg")


def test_prepare_train_job_writes_dataset_and_model(simulated, tmp_path):
    scenes, labels = simulated
    params_cls, run = resolve("prepare-train")
    params = params_cls(
        prepare={"scenes": scenes, "labels": labels, "pixel_size": 50, "tile": 64, "out_dir": str(tmp_path / "ds")},
        train={"out_dir": str(tmp_path / "model"), "arch": "samlora", "backbone": "vit_tiny", "epochs": 1, "lr": 1e-3,
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
    with pytest.raises(InputError, match="tiles"):
        params_cls(prepare={"scenes": scenes, "labels": labels, "out_dir": str(tmp_path / "ds"), "tiles": 64},
                   train={"out_dir": str(tmp_path / "m")})
    with pytest.raises(InputError, match="epoch"):
        params_cls(prepare={"scenes": scenes, "labels": labels, "out_dir": str(tmp_path / "ds")},
                   train={"out_dir": str(tmp_path / "m"), "epoch": 3})


@pytest.mark.parametrize("train, message", [
    ({"epochs": 0}, "--epochs 0"),
    ({"arch": "unet"}, "--arch unet"),
    ({"lr": 5.0}, "--lr 5.0"),
    ({"arch": "samlora", "decoder": "plus"}, "--decoder is a DeepLabv3 option"),
    ({"init": "transfer", "source": "/nowhere/model"}, "/nowhere/model"),
    ({"backbone": "resnet18"}, "no pretrained base weights"),  # base without weights nor random init
])
def test_bad_train_options_fail_before_the_prepare_step(simulated, tmp_path, monkeypatch, train, message):
    """The train options are typed and checked by validate(), which run_prepare_train calls first:
    a bad one stops the job before any tile is written."""
    scenes, labels = simulated
    monkeypatch.setenv("SLICK_MODELS_DIR", str(tmp_path / "no-weights"))
    params_cls, run = resolve("prepare-train")
    options = {"out_dir": str(tmp_path / "m"), "allow_random_init": "backbone" not in train, **train}
    params = params_cls(prepare={"scenes": scenes, "labels": labels, "pixel_size": 50, "tile": 64,
                                 "out_dir": str(tmp_path / "ds")}, train=options)
    with pytest.raises(InputError, match=re.escape(message)):
        run(params, NullProgress())
    assert not (tmp_path / "ds").exists() and not (tmp_path / "m").exists()


def test_prepare_train_params_are_typed_in_the_server_schema(simulated, tmp_path):
    """The server validates the nested options field by field (types, unknown keys) and its
    JSON schema describes them; the typed train options are TrainParams without ``data``."""
    import dataclasses

    from slick_backend.prepare_train import PrepareTrainParams
    from slick_backend.server.params import ParamsError, build_params, schema
    from slick_backend.train.api import TrainParams

    scenes, labels = simulated
    prepare = {"scenes": scenes, "labels": labels, "out_dir": str(tmp_path / "ds")}
    built = build_params("prepare-train", {"prepare": prepare, "train": {"out_dir": str(tmp_path / "m"), "epochs": "2",
                                                                          "allow_random_init": True}})
    assert isinstance(built.train, PrepareTrainParams.Train) and built.train.epochs == 2
    assert built.train_params() == TrainParams(data=str(tmp_path / "ds"), out_dir=str(tmp_path / "m"), epochs=2,
                                               allow_random_init=True)
    assert [f.name for f in dataclasses.fields(PrepareTrainParams.Train)] == \
        [f.name for f in dataclasses.fields(TrainParams) if f.name != "data"]
    defs = schema("prepare-train")["$defs"]
    assert "epochs" in defs["Train"]["properties"] and "tile" in defs["PrepareParams"]["properties"]
    with pytest.raises(ParamsError, match="train.epoch\\b"):
        build_params("prepare-train", {"prepare": prepare, "train": {"out_dir": "m", "epoch": 3}})
    with pytest.raises(ParamsError, match="unknown parameter\\(s\\) for prepare-train: train.out;"):  # now out_dir
        build_params("prepare-train", {"prepare": prepare, "train": {"out": "m"}})
    with pytest.raises(ParamsError, match="params.train.epochs"):
        build_params("prepare-train", {"prepare": prepare, "train": {"out_dir": "m", "epochs": "many"}})
    from slick_backend.models.registry import DEFAULT_BACKBONE

    assert PrepareTrainParams.DEFAULT_BACKBONE == DEFAULT_BACKBONE
