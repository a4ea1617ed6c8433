"""Every bad input gets one line naming the file and the fix, exit code 2, and no dataset."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import rasterio
import shapely
from slick_backend.cli.main import main

TRANSFORM = rasterio.transform.from_origin(10.0, 70.0, 0.001, 0.001)


@pytest.fixture(scope="module")
def files(tmp_path_factory, mk):
    d = tmp_path_factory.mktemp("bad")
    f = {"good": mk.geographic(d / "good.tif")}
    f["nogeo"] = mk.tif(d / "nogeo.tif", mk.sigma0((64, 64)))
    (d / "garbage.tif").write_text("not a raster")
    f["garbage"] = d / "garbage.tif"
    data = f["good"].read_bytes()
    (d / "trunc.tif").write_bytes(data[: len(data) // 2])
    f["trunc"] = d / "trunc.tif"
    f["zeros"] = mk.tif(d / "zeros.tif", np.zeros((64, 64), np.float32), "EPSG:4326", TRANSFORM)
    f["nan"] = mk.tif(d / "nan.tif", np.full((64, 64), np.nan, np.float32), "EPSG:4326", TRANSFORM)
    f["allnodata"] = mk.tif(d / "allnodata.tif", np.full((64, 64), -9999, np.float32), "EPSG:4326", TRANSFORM, nodata=-9999)
    f["far"] = mk.labels(d / "far.gpkg", [shapely.box(-50, -10, -49, -9)])
    f["points"] = mk.labels(d / "points.gpkg", [shapely.Point(10.3, 70.05)], geometry_type="Point")
    # A polygon whose only "area" is a self-touching line: nothing is left after repair.
    f["degenerate"] = mk.labels(d / "degenerate.gpkg", [shapely.Polygon([(10.3, 70.05), (10.4, 70.05), (10.3, 70.05)])])
    f["bowtie"] = mk.labels(d / "bowtie.gpkg", [shapely.Polygon([(10.3, 70.08), (10.4, 70.03), (10.3, 70.03), (10.4, 70.08)])])
    f["nocrs"] = mk.labels(d / "nocrs.shp", [mk.slick()], crs=None, driver="ESRI Shapefile", layer="nocrs")
    (d / "notadataset").mkdir()
    (d / "notadataset" / "holiday.jpg").write_text("x")
    f["notadataset"] = d / "notadataset"
    (d / "afile").write_text("x")
    f["afile"] = d / "afile"
    f["dir"] = d
    return f


CASES = [
    # (scenes, extra args, words the one-line error must contain)
    (["nogeo"], [], ["nogeo.tif", "no georeference", "GeoTIFF with a CRS"]),
    (["garbage"], [], ["garbage.tif", "unreadable or truncated", "re-download"]),
    (["trunc"], [], ["trunc.tif", "unreadable or truncated"]),
    (["zeros"], [], ["zeros.tif", "no valid pixels"]),
    (["nan"], [], ["nan.tif", "no valid pixels"]),
    (["allnodata"], [], ["allnodata.tif", "no valid pixels"]),
    (["good", "nogeo"], [], ["nogeo.tif", "no georeference"]),  # fails before any work
    (["good"], ["--labels", "far"], ["far.gpkg", "overlaps any scene", "CRS"]),
    (["good"], ["--labels", "points"], ["points.gpkg", "no usable polygons"]),
    (["good"], ["--labels", "degenerate"], ["degenerate.gpkg", "no usable polygons"]),
    (["good"], ["--labels", "nocrs"], ["nocrs.shp", "no CRS"]),
    (["good"], ["--labels", "garbage"], ["garbage.tif", "vector labels"]),
    (["good"], ["--labels", "good", "--labels-layer", "x"], ["good.tif", "vector labels"]),
    (["good"], ["--pixel-size", "3"], ["--pixel-size", "10 or 25"]),
    (["good"], ["--pixel-size", "250"], ["--pixel-size", "10 or 25"]),
    (["good"], ["--tile", "100"], ["--tile", "256 or 512"]),
    (["good"], ["--tile", "2048"], ["--tile", "256 or 512"]),
    (["good"], ["--overlap", "1"], ["--overlap"]),
    (["good"], ["--utm-zone", "32"], ["--utm-zone", "32N"]),
    (["good"], ["--split", "0.9,0.9,0"], ["--split"]),
    (["missing"], [], ["missing.tif", "no such scene file"]),
]


def _run(argv, capsys):
    code = main(["--quiet", *argv])
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


@pytest.mark.parametrize("scenes, extra, words", CASES, ids=[" ".join(c[0] + c[1]) for c in CASES])
def test_bad_input_one_line(files, tmp_path, capsys, scenes, extra, words):
    paths = [str(files.get(s, files["dir"] / f"{s}.tif")) for s in scenes]
    extra = [str(files.get(a, a)) if a in files else a for a in extra]
    out = tmp_path / "out"
    code, err = _run(["prepare", "--scenes", *paths, *extra, "--out", str(out)], capsys)
    assert code == 2
    line = err[-1]
    assert line.startswith("slick-backend prepare: error: ") and "Traceback" not in "\n".join(err)
    for w in words:
        assert w in line, (w, line)
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_repairs_invalid_polygons_and_says_so(files, tmp_path, capsys, caplog):
    out = tmp_path / "ds"
    code = main(["prepare", "--scenes", str(files["good"]), "--labels", str(files["bowtie"]), "--out", str(out)])
    assert code == 0
    logged = caplog.text + capsys.readouterr().err
    assert "repaired 1 invalid label geometry" in logged
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["labels"]["repaired"] == 1 and manifest["scenes"][0]["slick_pixels"] > 100


def test_out_dir_rules(files, tmp_path, capsys):
    good = str(files["good"])
    code, err = _run(["prepare", "--scenes", good, "--out", str(files["notadataset"])], capsys)
    assert code == 2 and "notadataset: exists and is not a Slick dataset" in err[-1] and "--overwrite" in err[-1]
    assert (files["notadataset"] / "holiday.jpg").exists()
    code, err = _run(["prepare", "--scenes", good, "--out", str(files["afile"])], capsys)
    assert code == 2 and "is a file" in err[-1]
    out = tmp_path / "ds"
    out.mkdir()  # an empty directory is fine
    assert _run(["prepare", "--scenes", good, "--tile", "64", "--out", str(out)], capsys)[0] == 0
    first = json.loads((out / "manifest.json").read_text())
    code, err = _run(["prepare", "--scenes", good, "--out", str(out)], capsys)
    assert code == 2 and "a dataset already exists there; pass --overwrite" in err[-1]
    assert json.loads((out / "manifest.json").read_text()) == first
    assert _run(["prepare", "--scenes", good, "--tile", "128", "--out", str(out), "--overwrite"], capsys)[0] == 0
    second = json.loads((out / "manifest.json").read_text())
    assert second["params"]["tile"] == 128 and {p.name for p in tmp_path.iterdir()} == {"ds"}
    assert all((out / t["image"]).exists() for t in second["tiles"])
    assert len(list((out / "images").iterdir())) == len(second["tiles"])  # nothing left of the first


def test_real_process_exit_code_and_json(files, tmp_path):
    """The installed console script, as a user runs it."""
    exe = [sys.executable, "-m", "slick_backend"]
    bad = subprocess.run([*exe, "prepare", "--scenes", str(files["nogeo"]), "--out", str(tmp_path / "x")],
                         capture_output=True, text=True, timeout=120)
    errors = [ln for ln in bad.stderr.splitlines() if "error" in ln]
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(errors) == 1 and errors[0].startswith("slick-backend prepare: error: ") and "nogeo.tif" in errors[0]
    ok = subprocess.run([*exe, "prepare", "--scenes", str(files["good"]), "--tile", "64", "--out", str(tmp_path / "ds")],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout)
    assert result["tiles"] > 0 and (tmp_path / "ds" / "manifest.json").exists()
