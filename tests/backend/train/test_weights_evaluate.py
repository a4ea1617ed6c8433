"""Base weights in the models dir (convert, verify, use, offline download) and the evaluation oracle."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from slick_backend.errors import InputError
from slick_backend.models import weights as w
from slick_backend.models.modeldir import load_model_dir
from slick_backend.progress import NullProgress
from slick_backend.train.api import TrainParams, run_train
from slick_backend.train.evaluate import _Band, scores


def test_base_weights_convert_verify_and_train_from_them(tiny_dataset, tmp_path, cli):
    import torchvision
    from safetensors.torch import save_file

    torch.manual_seed(0)
    rgb = torchvision.models.resnet18(weights=None).state_dict()  # stands in for the ImageNet file
    src = tmp_path / "resnet18_download.safetensors"
    save_file({k: v.contiguous() for k, v in rgb.items()}, str(src))
    models = tmp_path / "models"
    code, err = cli("--quiet", "weights", "--models-dir", models, "convert", src, "--name", "resnet18")
    assert code == 0, err
    assert (models / "resnet18.safetensors").is_file() and (models / "resnet18.safetensors.json").is_file()
    assert cli("--quiet", "weights", "--models-dir", models, "verify", "resnet18")[0] == 0

    result = run_train(TrainParams(data=str(tiny_dataset), out_dir=str(tmp_path / "m"), arch="deeplabv3", backbone="resnet18",
                                   light=True, epochs=1, train_scenes=1, batch_size=4, device="cpu", lr=1e-3,
                                   models_dir=str(models)), NullProgress())
    card = load_model_dir(result["model_dir"]).card
    assert card["init"] == "base" and not card["random_init"]
    assert card["base_weights"]["name"] == "resnet18"
    assert card["base_weights"]["sha256"] == w.verify("resnet18", models)["sha256"]

    # a corrupted entry is an error, never silently skipped
    entry = models / "resnet18.safetensors"
    entry.write_bytes(entry.read_bytes()[:-4] + b"\0\0\0\0")
    code, err = cli("--quiet", "weights", "--models-dir", models, "verify", "resnet18")
    assert code == 2 and "corrupted" in err
    rows = {r["name"]: r["status"] for r in w.list_entries(models)}
    assert rows["resnet18"] == "CORRUPTED" and rows["sam_vit_b"] == "missing"


def test_unknown_pth_is_refused_before_unpickling(tmp_path):
    bogus = tmp_path / "sam_vit_b_01ec64.pth"
    bogus.write_bytes(b"not the published checkpoint")
    with pytest.raises(InputError, match="matches no known upstream"):
        w.convert(bogus, tmp_path / "models")
    assert not (tmp_path / "models" / "sam_vit_b.safetensors").exists()


def test_download_fails_clearly_offline(tmp_path, monkeypatch):
    spec = w.KNOWN["resnet18"]
    monkeypatch.setitem(w.KNOWN, "resnet18", w.WeightSpec(spec.name, "http://127.0.0.1:9/resnet18-f37072fd.pth",
                                                          spec.upstream_file, spec.upstream_sha256, 1, spec.description))
    with pytest.raises(InputError, match="download failed"):
        w.download("resnet18", tmp_path, NullProgress())
    assert list(tmp_path.iterdir()) == []


def test_models_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("SLICK_MODELS_DIR", str(tmp_path / "env"))
    assert w.models_dir() == tmp_path / "env"
    assert w.models_dir(tmp_path / "opt") == tmp_path / "opt"
    monkeypatch.delenv("SLICK_MODELS_DIR")
    assert str(w.models_dir()).endswith(".cache/slick/models")


@pytest.mark.parametrize("sample,expected", [("sample_135", 0.6825), ("sample_123", 0.6368)])
def test_mosaic_rebuild_matches_the_paper_dice(arctic_dir, sample, expected):
    """Real Arctic mosaics: the paper's prediction cut into 50 %-overlap tiles and rebuilt scores its Dice."""
    import rasterio

    with rasterio.open(arctic_dir / sample / "pred_base.tif") as ds:
        pred = ds.read(1).astype(np.float32)
    with rasterio.open(arctic_dir / sample / "labels_mosaic.png") as ds:
        truth = ds.read(1).astype(np.uint8)
    tile, stride = 256, 128
    h, wd = truth.shape
    band = _Band(wd, 2 * tile, 0.5)
    for r in range(0, h - tile + 1, stride):
        for c in range(0, wd - tile + 1, stride):
            if r + tile > band.top + band.h:
                band.flush(r)
            band.add(r, c, pred[r:r + tile, c:c + tile], truth[r:r + tile, c:c + tile])
    band.flush(band.top + band.h)
    assert scores(band.tp, band.fp, band.fn)["dice"] == pytest.approx(expected, abs=5e-5)
    # the band never grew: memory is bounded by two tile rows, not the scene
    assert band.sum.shape == (2 * tile, wd)
