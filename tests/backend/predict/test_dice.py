"""Dice on the real Arctic mosaics (oracle values from their README) and on synthetic grids."""

import subprocess
import sys

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from slick_backend.errors import InputError
from slick_backend.metrics import counts_from_arrays, counts_from_rasters

ORACLE = [
    ("sample_135", "pred_base.tif", 0.6825),
    ("sample_135", "pred_tl.tif", 0.8658),
    ("sample_123", "pred_base.tif", 0.6368),
    ("sample_123", "pred_tl.tif", 0.7931),
]


@pytest.mark.parametrize("sample,pred,expected", ORACLE)
def test_dice_matches_paper_values(arctic_dir, sample, pred, expected):
    counts = counts_from_rasters(arctic_dir / sample / pred, arctic_dir / sample / "labels_mosaic.png",
                                 rows_per_strip=100)  # several strips, one partial
    assert counts.dice == pytest.approx(expected, abs=5e-5)
    with rasterio.open(arctic_dir / sample / "labels_mosaic.png") as ds:
        assert counts.tp + counts.fp + counts.fn + counts.tn == ds.width * ds.height


def test_dice_cli_prints_the_number(arctic_dir):
    s = arctic_dir / "sample_135"
    out = subprocess.run(
        [sys.executable, "-m", "slick_backend", "--quiet", "dice", "--pred", str(s / "pred_tl.tif"),
         "--truth", str(s / "labels_mosaic.png")], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0.8658"


def test_dice_cli_refuses_other_grid_naming_both_files(arctic_dir):
    pred = arctic_dir / "sample_135" / "pred_tl.tif"
    truth = arctic_dir / "sample_123" / "labels_mosaic.png"
    out = subprocess.run([sys.executable, "-m", "slick_backend", "dice", "--pred", str(pred), "--truth", str(truth)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    err = out.stderr.strip().splitlines()[-1]
    assert str(pred) in err and str(truth) in err and "CRS" in err and "Traceback" not in out.stderr


def _write(path, arr, transform, nodata=None, crs="EPSG:32633"):
    with rasterio.open(path, "w", driver="GTiff", width=arr.shape[1], height=arr.shape[0], count=1,
                       dtype=arr.dtype, crs=crs, transform=transform, nodata=nodata) as ds:
        ds.write(arr, 1)


def test_dice_ignores_nodata_and_checks_transform(tmp_path):
    rng = np.random.default_rng(0)
    truth = (rng.random((300, 200)) < 0.2).astype(np.uint8)
    pred = truth.copy()
    pred[:50] = 1 - pred[:50]  # wrong in the top 50 rows ...
    pred[:50, :] = 255  # ... which are nodata in the prediction
    t = from_origin(500000, 8000000, 25, 25)
    _write(tmp_path / "p.tif", pred, t, nodata=255)
    _write(tmp_path / "t.tif", truth, t)
    counts = counts_from_rasters(tmp_path / "p.tif", tmp_path / "t.tif", rows_per_strip=64)
    assert counts.dice == 1.0 and counts.fp == counts.fn == 0
    assert counts.tp + counts.tn == 250 * 200

    _write(tmp_path / "shifted.tif", truth, from_origin(500000 + 12.5, 8000000, 25, 25))
    with pytest.raises(InputError, match="x origin"):
        counts_from_rasters(tmp_path / "p.tif", tmp_path / "shifted.tif")
    _write(tmp_path / "small.tif", truth[:-1], t)
    with pytest.raises(InputError, match="size"):
        counts_from_rasters(tmp_path / "p.tif", tmp_path / "small.tif")
    with pytest.raises(InputError, match="not found"):
        counts_from_rasters(tmp_path / "missing.tif", tmp_path / "t.tif")


def test_counts_from_arrays_formula():
    pred = np.array([[1, 1, 0, 0]])
    truth = np.array([[1, 0, 1, 0]])
    c = counts_from_arrays(pred, truth)
    assert (c.tp, c.fp, c.fn, c.tn) == (1, 1, 1, 1)
    assert c.dice == pytest.approx(0.5) and c.iou == pytest.approx(1 / 3)
    assert counts_from_arrays(np.zeros((2, 2)), np.zeros((2, 2))).dice == 1.0


def test_scores_are_json_safe_and_defined_once():
    """Nothing predicted, nothing to find: Dice and IoU 1, precision and recall undefined (None,
    not NaN, so the JSON stays valid); training, evaluation and the dice command share it."""
    import json
    import math

    from slick_backend.metrics import Counts
    from slick_backend.train.evaluate import scores

    empty = Counts(0, 0, 0, 100)
    assert math.isnan(empty.precision) and empty.scores()["precision"] is None
    assert json.loads(json.dumps(empty.as_dict())) == {"tp": 0, "fp": 0, "fn": 0, "tn": 100, "dice": 1.0,
                                                      "precision": None, "recall": None, "iou": 1.0,
                                                      "valid_pixels": 100}
    assert scores(3, 1, 2) == Counts(3, 1, 2).scores() and scores(3, 1, 2)["dice"] == 6 / 9
