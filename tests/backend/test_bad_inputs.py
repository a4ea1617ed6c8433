"""Bad input through the real CLI: one clear line, exit code 2, nothing written or lost.
(Growing suite for the hardening issue; restricted-server paths: server/test_restricted_inputs.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "slick_backend", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _one_line_error(proc: subprocess.CompletedProcess, command: str, expected: str) -> None:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    errors = [ln for ln in lines if ": error: " in ln]
    assert errors == [lines[-1]] and lines[-1].startswith(f"slick-backend {command}: error: "), proc.stderr
    assert expected in lines[-1], lines[-1]


def test_predict_and_baseline_refuse_to_replace_outputs_without_overwrite(arctic_dir, tmp_path):
    scene = arctic_dir / "sample_135" / "raw_mosaic.tif"
    prefix = tmp_path / "x"
    done = _cli("baseline", "--scene", scene, "--out", prefix)
    assert done.returncode == 0, done.stderr
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert set(before) == {"x_mask.tif", "x_slicks.gpkg"}

    again = _cli("baseline", "--scene", arctic_dir / "sample_123" / "raw_mosaic.tif", "--out", prefix)
    _one_line_error(again, "baseline", f"{prefix}_mask.tif: already exists (and 1 more output(s) of this prefix); "
                                       "choose another --out prefix or give --overwrite")
    model = _cli("predict", "--model", "slick-s1-source", "--scene", scene, "--out", prefix)
    _one_line_error(model, "predict", "already exists")
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before  # nothing touched, nothing added

    replaced = _cli("baseline", "--scene", arctic_dir / "sample_123" / "raw_mosaic.tif", "--out", prefix, "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert set(after) == set(before) and all(after[k] != before[k] for k in before)
    assert not [p for p in Path(tmp_path).iterdir() if ".partial" in p.name]


@pytest.fixture(scope="module")
def edited_models(tmp_path_factory):
    """The shipped source model with its card edited: an unknown architecture; decoder widths that
    do not match its weights."""
    import json
    import shutil

    from slick_backend.models.catalog import shipped_path

    root = tmp_path_factory.mktemp("edited")
    out = {}
    for name, edit in (("unknown_arch", lambda m: m.update(arch="unet")),
                       ("wrong_sizes", lambda m: m["options"].update(decoder_channels=64))):
        folder = root / name
        shutil.copytree(shipped_path("slick-s1-source"), folder)
        card = json.loads((folder / "model.json").read_text())
        edit(card["model"])
        (folder / "model.json").write_text(json.dumps(card))
        out[name] = folder
    return out


@pytest.fixture(scope="module")
def huge_header(tmp_path_factory):
    """A 200,000 x 200,000 px GeoTIFF header over almost no data (sparse tiles)."""
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path_factory.mktemp("huge") / "huge.tif"
    with rasterio.open(path, "w", driver="GTiff", width=200_000, height=200_000, count=1, dtype="uint8",
                       crs="EPSG:32632", transform=from_origin(500000, 8700000, 25, 25), tiled=True,
                       sparse_ok=True, compress="deflate") as ds:
        ds.write(np.full((256, 256), 100, np.uint8), 1, window=((0, 256), (0, 256)))
    return path


def test_each_bad_input_gets_one_clear_line_and_writes_nothing(arctic_dir, tmp_path, edited_models, huge_header):
    scene = arctic_dir / "sample_135" / "raw_mosaic.tif"
    afile = tmp_path / "a_file"
    afile.write_text("not a folder")
    outdir = tmp_path / "model.onnx"  # a folder with a file's name
    outdir.mkdir()
    cases = [
        (("simulate", "--mode", "EW", "--out", afile / "sim", "--scenes", "1"), "simulate", f"{afile} is a file, not a folder"),
        (("prepare", "--scenes", scene, "--out", afile / "ds"), "prepare", f"{afile} is a file, not a folder"),
        (("export-onnx", "--model", "slick-s1-source", "--out", afile / "m.onnx"), "export-onnx", "File exists"),
        (("predict", "--model", "slick-s1-source", "--scene", scene, "--out", afile / "p"), "predict", "File exists"),
        (("report", "--results", arctic_dir / "paper_results" / "base_dice.csv", "--out", afile / "rep"), "report",
         f"{afile} is a file, not a folder"),
        # /sys takes no new files, even for root (who ignores a read-only folder's permission bits)
        (("prepare", "--scenes", scene, "--out", "/sys/slick-ds"), "prepare", "cannot write in /sys (Permission denied)"),
        (("simulate", "--mode", "EW", "--out", "/sys/slick-sim"), "simulate", "cannot write in /sys"),
        (("prepare", "--scenes", scene, scene.parent / ".." / scene.parent.name / scene.name, "--out", tmp_path / "ds"),
         "prepare", "given twice in --scenes"),
        (("export-onnx", "--model", "slick-s1-source", "--out", outdir), "export-onnx", "is a folder; give a file name"),
        (("predict", "--model", edited_models["unknown_arch"], "--scene", scene, "--out", tmp_path / "p1"), "predict",
         "architecture 'unet' in the model card is unknown"),
        (("predict", "--model", edited_models["wrong_sizes"], "--scene", scene, "--out", tmp_path / "p2"), "predict",
         "weights do not fit the card's architecture (size mismatch"),
        (("baseline", "--scene", scene, "--out", tmp_path / "b", "--window-km", "1e9"), "baseline", "at most 50 km"),
        (("baseline", "--scene", scene, "--out", tmp_path / "b", "--min-area-km2", "nan"), "baseline",
         "--min-area-km2 nan: give a finite number"),
        (("predict", "--model", "slick-s1-source", "--scene", scene, "--out", tmp_path / "p3", "--simplify-m", "nan"),
         "predict", "--simplify-m nan: give a finite number"),
        (("dice", "--pred", scene, "--truth", scene, "--band", "5"), "dice", "--band 5: "),
        (("predict", "--model", "slick-s1-source", "--scene", huge_header, "--out", tmp_path / "p4"), "predict",
         "200000 x 200000 px is beyond what Slick reads"),
        (("prepare", "--scenes", huge_header, "--out", tmp_path / "ds2"), "prepare", "beyond what Slick reads"),
    ]
    for args, command, expected in cases:
        _one_line_error(_cli(*args), command, expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "model.onnx"]  # nothing written
    assert list(outdir.iterdir()) == []
