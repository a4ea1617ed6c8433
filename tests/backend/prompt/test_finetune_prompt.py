"""finetune-prompt: the shipped prompt model adapted to the labelled slicks of a prepared dataset
(simulated scenes with their own labels here), refused clearly on data it cannot use."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from slick_backend.errors import InputError
from slick_backend.jobs import resolve
from slick_backend.progress import NullProgress
from slick_backend.prompt.finetune import FinetunePromptParams, run_finetune_prompt, windows_of
from slick_backend.prompt.store import load_prompt_model


@pytest.fixture(scope="module")
def dataset(simulated_ew, tmp_path_factory):
    """The simulated EW scenes with their labels, prepared as the Train tab does (25 m, 256 px)."""
    scenes, labels = simulated_ew
    prep_cls, prepare = resolve("prepare")
    params = prep_cls(scenes=scenes, labels=labels, pixel_size=25, tile=256, out_dir=str(tmp_path_factory.mktemp("ft") / "ds"))
    params.validate()
    prepare(params, NullProgress())
    return Path(params.out_dir)


def test_adapted_model_is_written_with_its_card_and_never_checks_worse_than_its_start(dataset, tmp_path):
    out = tmp_path / "mine-prompt"
    result = run_finetune_prompt(FinetunePromptParams(data=str(dataset), out_dir=str(out), steps=10, val_every=5,
                                                      batch_size=4), NullProgress())
    net, card = load_prompt_model(out)
    assert card["format"] == "slick-prompt-model" and card["name"] == "mine-prompt"
    ft = card["finetune"]
    assert ft["source"] == "slick-s1-prompt" and ft["slicks"] > 0 and ft["steps"] == 10
    assert ft["checked_on"] in ("val", "train") and ft["data"] == str(dataset.resolve())
    assert ft["device"] == ("cuda" if torch.cuda.is_available() else "cpu")  # "auto"
    steps = [h["step"] for h in card["history"]]
    assert steps == [0, 5, 10]  # the start competes
    assert result["best"]["val_mean"] >= result["start"]["val_mean"]
    assert result["best"]["val_mean"] == max(h["val_mean"] for h in card["history"])
    readme = (out / "README.md").read_text()
    assert "adapted to an analyst's labels" in readme and card["weights_sha256"] in readme
    assert net.tile == 256


def test_the_sam_engine_takes_the_adapted_model(dataset, tmp_path):
    from slick_backend.server.sam.engine import SamEngine

    out = tmp_path / "p"
    run_finetune_prompt(FinetunePromptParams(data=str(dataset), out_dir=str(out), steps=10, val_every=10, batch_size=2),
                        NullProgress())
    manifest = json.loads((dataset / "manifest.json").read_text())
    tile = next(t for t in manifest["tiles"] if t.get("slick_pixels"))
    scene = next(s for s in manifest["scenes"] if s["id"] == tile["scene"])
    t = tile["transform"]
    x0, y0 = t[2], t[5]
    engine = SamEngine(tmp_path / "cache", device="cpu")
    ok = lambda: None  # noqa: E731 - never cancelled
    emb = engine.embed({"model": str(out), "raster": scene["source"], "point": [x0 + 128 * t[0], y0 + 128 * t[4]],
                        "crs": tile["crs"]}, ok)
    answer = engine.prompt({"embedding_id": emb["embedding_id"], "crs": tile["crs"], "multimask": False,
                            "box": [x0, y0 + 256 * t[4], x0 + 256 * t[0], y0]}, ok)
    assert answer["window"]["size"] == 256 and isinstance(answer["features"], list)


def test_tiles_of_other_sizes_become_256_px_windows_around_their_slicks(tmp_path):
    from tinydata import scene_splits, write_tiny_dataset

    small = write_tiny_dataset(tmp_path / "small", scene_splits(2, 0, 0), tile=64)
    windows = windows_of(small, "train", 256)
    assert windows and all(w.image.shape == (256, 256) for w in windows)
    assert all((w.image[64:, :] == 0).all() and (w.image[:64, :64] > 0).any() for w in windows)  # padded with nodata
    big = write_tiny_dataset(tmp_path / "big", scene_splits(1, 0, 0), tile=512, tiles_per_scene=1)
    windows = windows_of(big, "train", 256)
    assert windows and all(w.image.shape == (256, 256) and w.parts for w in windows)
    assert all((w.image > 0).mean() > 0.5 for w in windows)  # cut from the tile, not padded


def test_bad_input_is_refused_before_any_work(dataset, tmp_path):
    with pytest.raises(InputError, match="not a prepared dataset"):
        FinetunePromptParams(data=str(tmp_path), out_dir=str(tmp_path / "o")).validate()
    with pytest.raises(InputError, match="no such prompt model"):
        FinetunePromptParams(data=str(dataset), out_dir=str(tmp_path / "o"), source=str(tmp_path / "nowhere")).validate()
    (tmp_path / "taken").mkdir()
    with pytest.raises(InputError, match="already exists"):
        FinetunePromptParams(data=str(dataset), out_dir=str(tmp_path / "taken")).validate()
    with pytest.raises(InputError, match="steps must be at least 10"):
        FinetunePromptParams(data=str(dataset), out_dir=str(tmp_path / "o"), steps=3).validate()
    with pytest.raises(InputError, match="device must be auto, cpu or cuda; got gpu"):
        FinetunePromptParams(data=str(dataset), out_dir=str(tmp_path / "o"), device="gpu").validate()
    with pytest.raises(InputError, match="lr must be"):
        FinetunePromptParams(data=str(dataset), out_dir=str(tmp_path / "o"), lr=float("nan")).validate()
    coarse = tmp_path / "coarse"
    shutil.copytree(dataset, coarse)
    manifest = json.loads((coarse / "manifest.json").read_text())
    manifest["params"]["pixel_size"] = 50
    (coarse / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="prepared at 50 m, but the prompt model works at 25 m"):
        run_finetune_prompt(FinetunePromptParams(data=str(coarse), out_dir=str(tmp_path / "o")), NullProgress())
    empty = tmp_path / "empty"
    shutil.copytree(dataset, empty)
    manifest = json.loads((empty / "manifest.json").read_text())
    for tile in manifest["tiles"]:
        tile["slick_pixels"] = tile["slick_fraction"] = 0
    (empty / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="no labelled slick"):
        run_finetune_prompt(FinetunePromptParams(data=str(empty), out_dir=str(tmp_path / "o")), NullProgress())
    assert not (tmp_path / "o").exists()
    np.testing.assert_equal(sorted(p.name for p in tmp_path.iterdir()), ["coarse", "empty", "taken"])
