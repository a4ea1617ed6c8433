"""Batch prediction for real: simulated 256 px EW scenes (GeoTIFFs and a Sentinel-1 product zip), a
broken file, a tiny real DeepLabv3 model, worker processes; resumed after lost outputs, a killed
writer's partial and a SIGKILL of the whole CLI; the same scenes on a local Ray cluster."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from pyogrio.raw import read as ogr_read
from pyogrio.raw import write as ogr_write
from slick_backend.errors import InputError
from slick_backend.predict.api import PredictParams
from slick_backend.predict.batch import BatchPredictParams, read_done, run_batch_predict
from slick_backend.predict.batch_inputs import expand_scenes
from slick_backend.predict.merge import merge_outlines
from slick_backend.progress import NullProgress

# a random tiny model's probabilities sit near 0.48: this threshold gives outlines in every scene
THRESHOLD = 0.48
FAST = {"threshold": THRESHOLD, "land_mask": False}


def cli(*args):
    return [sys.executable, "-m", "slick_backend", "--quiet", *map(str, args)]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """scenes/: three GeoTIFFs (EPSG:4326, UTM, GCPs); products/: a product zip; a broken .tif;
    list.txt names the zip (relative path) and the broken file, with a comment and a blank line."""
    root = tmp_path_factory.mktemp("batch_inputs")
    from slick_backend.simulate.api import SimulateParams, run_simulate

    run_simulate(SimulateParams(out_dir=str(root / "sim"), scenes=3, seed=5, size=256), NullProgress())
    run_simulate(SimulateParams(out_dir=str(root / "prod"), scenes=1, seed=6, size=256, georef="safe-zip"), NullProgress())
    (root / "scenes").mkdir()
    (root / "products").mkdir()
    for scene in (root / "sim").glob("*.tif*"):
        scene.rename(root / "scenes" / scene.name)
    zipped = next((root / "prod").glob("*.zip"))
    zipped.rename(root / "products" / zipped.name)
    (root / "broken.tif").write_bytes(b"II*\0 this is not a GeoTIFF")
    (root / "list.txt").write_text(f"# the product and a broken file\n\nproducts/{zipped.name}\n{root / 'broken.tif'}\n")
    tifs = sorted(p.name for p in (root / "scenes").iterdir())
    ids = sorted([Path(t).stem for t in tifs] + [zipped.stem])
    return {"root": root, "ids": ids, "zip_id": zipped.stem}


@pytest.fixture(scope="module")
def coarse_model(tiny_model, tmp_path_factory):
    """The tiny real model with a 100 m pixel on its card: a 256 px simulated scene is then ~150 px
    to predict (30 windows), so the batch machinery, not the model, sets these tests' time."""
    out = tmp_path_factory.mktemp("models") / "coarse"
    shutil.copytree(tiny_model, out)
    card = json.loads((out / "model.json").read_text())
    (out / "model.json").write_text(json.dumps({**card, "pixel_size": 100}))
    return out


@pytest.fixture(scope="module")
def first_run(inputs, coarse_model):
    """A folder and a list file, two local workers: 4 scenes done, the broken one failed."""
    out = inputs["root"] / "out"
    params = BatchPredictParams(scenes=[str(inputs["root"] / "scenes"), f"@{inputs['root'] / 'list.txt'}"],
                                out_dir=str(out), model=str(coarse_model), workers=2, **FAST)
    result = run_batch_predict(params, NullProgress())
    return {"out": out, "result": result, "status": json.loads((out / "batch.json").read_text())}


def test_a_batch_predicts_every_scene_and_records_the_bad_one(first_run, inputs):
    result, out = first_run["result"], first_run["out"]
    assert result["scenes"] == 5 and result["done"] == result["done_now"] == 4 and result["reused"] == 0
    assert [f["id"] for f in result["failed"]] == ["broken"]
    error = result["failed"][0]["error"]
    assert "\n" not in error and str(inputs["root"] / "broken.tif") in error and "re-download" in error
    assert "Traceback" in (out / "errors" / "broken.txt").read_text()  # the whole story, for a bug report
    status = first_run["status"]
    assert status["counts"] == {"done": 4, "failed": 1, "running": 0, "pending": 0}
    by_id = {e["id"]: e for e in status["scenes"]}
    assert sorted(by_id) == sorted([*inputs["ids"], "broken"])
    assert by_id[inputs["zip_id"]]["source"].endswith(".zip")
    for sid in inputs["ids"]:
        entry = by_id[sid]
        assert entry["state"] == "done" and entry["seconds"] > 0 and entry["n_slicks"] > 0 and entry["error"] is None
        files = sorted(p.name for p in (out / sid).iterdir())
        assert files == sorted([f"{sid}_mask.tif", f"{sid}_prob.tif", f"{sid}_slicks.gpkg", "result.json"])
    assert by_id["broken"]["state"] == "failed" and by_id["broken"]["error"] == error
    assert not [p for p in out.iterdir() if ".partial" in p.name]


def test_each_worker_loads_the_model_once(first_run, inputs):
    records = [json.loads((first_run["out"] / sid / "result.json").read_text()) for sid in inputs["ids"]]
    workers = {r["worker"] for r in records}
    assert 1 <= len(workers) <= 2 and any(r["model_reused"] for r in records)
    for worker in workers:  # a worker's first scene loads the model (unless the broken one did), later ones reuse it
        assert sum(not r["model_reused"] for r in records if r["worker"] == worker) <= 1


def test_merged_outlines_hold_every_scene_in_lonlat(first_run, inputs):
    merged = first_run["out"] / "slicks.gpkg"
    assert first_run["result"]["outlines"] == str(merged)
    assert [name for name, _ in pyogrio.list_layers(merged)] == ["slicks", "centrelines"]
    info = pyogrio.read_info(merged, layer="slicks")
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "MultiPolygon"
    one = first_run["out"] / inputs["ids"][0] / f"{inputs['ids'][0]}_slicks.gpkg"
    assert list(info["fields"]) == list(pyogrio.read_info(one, layer="slicks")["fields"])  # every field carried
    meta, _, geoms, fields = ogr_read(merged, layer="slicks")
    column = dict(zip(meta["fields"], fields, strict=True))
    assert sorted(set(column["scene"])) == inputs["ids"]
    by_scene = {e["id"]: e["n_slicks"] for e in first_run["status"]["scenes"] if e["state"] == "done"}
    assert {s: int((column["scene"] == s).sum()) for s in by_scene} == by_scene
    assert len(geoms) == first_run["result"]["n_slicks"] == sum(by_scene.values())
    assert all(t and t.startswith("2024-") for t in column["acq_time"])
    # reprojected, not relabelled: the geodesic area of each lon/lat outline is its UTM area_km2
    from pyproj import Geod

    polys = shapely.from_wkb(geoms)
    assert shapely.is_valid(polys).all()
    geodesic = np.array([abs(Geod(ellps="WGS84").geometry_area_perimeter(p)[0]) / 1e6 for p in polys])
    np.testing.assert_allclose(geodesic, column["area_km2"], rtol=0.01)
    assert pyogrio.read_info(merged, layer="centrelines")["features"] == len(geoms)


def test_a_rerun_redoes_only_what_is_missing(first_run, inputs, coarse_model, tmp_path):
    """One scene's outputs deleted, another left as a killed writer's partial folder: only those two
    are predicted again (and the broken one retried); the others keep their files untouched."""
    out = tmp_path / "out"
    shutil.copytree(first_run["out"], out)
    lost, killed, kept = inputs["ids"][0], inputs["ids"][1], inputs["ids"][2:]
    shutil.rmtree(out / lost)
    (out / killed).rename(out / f".{killed}.999999999.deadbeef.partial")  # pid 999999999: not alive
    before = {sid: (out / sid / "result.json").stat().st_mtime_ns for sid in kept}
    params = BatchPredictParams(scenes=[str(inputs["root"] / "scenes"), f"@{inputs['root'] / 'list.txt'}"],
                                out_dir=str(out), model=str(coarse_model), **FAST)
    result = run_batch_predict(params, NullProgress())
    assert result["done_now"] == 2 and result["reused"] == 2 and [f["id"] for f in result["failed"]] == ["broken"]
    assert {sid: (out / sid / "result.json").stat().st_mtime_ns for sid in kept} == before
    status = {e["id"]: e for e in json.loads((out / "batch.json").read_text())["scenes"]}
    old = {e["id"]: e for e in first_run["status"]["scenes"]}
    for sid in (lost, killed):
        assert (out / sid / f"{sid}_mask.tif").is_file() and status[sid]["finished"] >= old[sid]["finished"]
        with rasterio.open(out / sid / f"{sid}_mask.tif") as new, \
                rasterio.open(first_run["out"] / sid / f"{sid}_mask.tif") as ref:
            assert (new.read(1) == ref.read(1)).all()  # same model, same settings: the same mask
    assert not [p for p in out.iterdir() if ".partial" in p.name]  # the dead writer's folder was swept
    assert pyogrio.read_info(out / "slicks.gpkg", layer="slicks")["features"] == first_run["result"]["n_slicks"]


def test_outputs_of_other_settings_are_not_reused(first_run, inputs):
    sid = inputs["ids"][0]
    key = json.loads((first_run["out"] / sid / "result.json").read_text())["key"]
    assert read_done(first_run["out"] / sid, key) is not None
    assert read_done(first_run["out"] / sid, "another-threshold") is None


def test_a_killed_batch_resumes_where_it_stopped(inputs, tiny_model, tmp_path):
    """The CLI, one worker, killed (SIGKILL, whole process group) after its first scene: the re-run
    keeps that scene and predicts only the others. (The 25 m model: a scene takes seconds, so the
    kill lands between scenes.)"""
    out = tmp_path / "out"
    two = sorted((inputs["root"] / "scenes").iterdir())[:2]
    args = cli("predict", "--model", tiny_model, "--scenes", *two, "--out", out,
               "--threshold", THRESHOLD, "--no-land-mask")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if json.loads((out / "batch.json").read_text())["counts"]["done"] >= 1:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done_before = {e["id"]: e["finished"] for e in json.loads((out / "batch.json").read_text())["scenes"]
                   if e["state"] == "done"}
    assert len(done_before) == 1, "the batch was not killed in the middle"
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    result = json.loads(again.stdout)
    assert result["reused"] == 1 and result["done_now"] == 1
    status = {e["id"]: e for e in json.loads((out / "batch.json").read_text())["scenes"]}
    assert all(status[sid]["finished"] == finished for sid, finished in done_before.items())
    assert not [p for p in out.iterdir() if ".partial" in p.name]


@pytest.mark.slow
def test_ray_executor_gives_the_same_outputs(first_run, inputs, coarse_model, tmp_path):
    """The GeoTIFF scenes on a local Ray cluster (2 workers): same masks as the local workers."""
    out = tmp_path / "ray"
    proc = subprocess.run(cli("predict", "--model", coarse_model, "--scenes", inputs["root"] / "scenes", "--out", out,
                              "--threshold", THRESHOLD, "--no-land-mask", "--executor", "ray", "--workers", 2),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["executor"] == "ray" and result["done_now"] == 3 and not result["failed"]
    for sid in (json.loads((out / "batch.json").read_text())["scenes"]):
        name = f"{sid['id']}/{sid['id']}_mask.tif"
        with rasterio.open(out / name) as ray_mask, rasterio.open(first_run["out"] / name) as local_mask:
            assert (ray_mask.read(1) == local_mask.read(1)).all()
    assert pyogrio.read_info(out / "slicks.gpkg", layer="slicks")["features"] == result["n_slicks"] > 0


# --- inputs, options and errors (no prediction) -------------------------------------------------
def test_scene_entries_expand_to_named_scenes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.tif").write_bytes(b"")
    (tmp_path / "a" / "y.TIFF").write_bytes(b"")
    (tmp_path / "a" / "labels.gpkg").write_bytes(b"")  # not a scene
    (tmp_path / "a" / ".x.tif.123.ab.partial.tif").write_bytes(b"")  # a temporary output: hidden
    product = tmp_path / "a" / "S1A_EW_GRDM_1SDH_X.SAFE"
    product.mkdir()
    (product / "manifest.safe").write_text("")
    (tmp_path / "a" / "S1A_EW_GRDM_1SDH_X.zip").write_bytes(b"")  # the same product, zipped
    (tmp_path / "a" / "sub").mkdir()  # a plain subfolder is not searched
    (tmp_path / "a" / "sub" / "z.tif").write_bytes(b"")
    scenes, notes = expand_scenes([str(tmp_path / "a")])
    assert [sid for sid, _ in scenes] == ["S1A_EW_GRDM_1SDH_X", "x", "y"]
    assert dict(scenes)["S1A_EW_GRDM_1SDH_X"] == str(product) and "predicted once" in notes[0]
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.tif").write_bytes(b"")
    with pytest.raises(InputError, match="two scenes named x; their outputs would share one folder"):
        expand_scenes([str(tmp_path / "a"), str(tmp_path / "b" / "x.tif")])
    assert expand_scenes([str(tmp_path / "a" / "x.tif")] * 2)[0] == [("x", str(tmp_path / "a" / "x.tif"))]


@pytest.mark.parametrize("entry, message", [
    ("@{tmp}/nope.txt", "cannot read the list file"),
    ("@{tmp}/empty.txt", "the list names no scenes"),
    ("@{tmp}/bad.txt", "bad.txt:2: .*missing.tif: no such scene file, product or folder"),
    ("{tmp}/empty_dir", "no scenes in this folder"),
    ("{tmp}/missing.tif", "--scenes: .*missing.tif: no such scene file"),
])
def test_bad_scene_entries_are_one_line_errors(tmp_path, entry, message):
    (tmp_path / "empty.txt").write_text("# nothing\n\n")
    (tmp_path / "bad.txt").write_text("# a missing scene on line 2\nmissing.tif\n")
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(InputError, match=message) as err:
        expand_scenes([entry.format(tmp=tmp_path)])
    assert "\n" not in str(err.value)


def test_batch_options_are_checked_before_any_work(tmp_path, coarse_model, monkeypatch):
    scene = tmp_path / "s.tif"
    scene.write_bytes(b"")
    ok = {"scenes": [str(scene)], "out_dir": str(tmp_path / "out"), "model": str(coarse_model)}
    for bad, message in [({"workers": 0}, "--workers 0"), ({"executor": "spark"}, "choose local or ray"),
                         ({"ray_address": "x:1"}, "only used with --executor ray"),
                         ({"out_dir": str(scene)}, "is a file"), ({"threshold": 1.5}, "--threshold 1.5"),
                         ({"model": str(tmp_path / "nomodel")}, "not a model directory"),
                         ({"masks": [str(tmp_path / "nomask.gpkg")]}, "no such mask file")]:
        with pytest.raises(InputError, match=message):
            BatchPredictParams(**{**ok, **bad}).validate()
    BatchPredictParams(**ok).validate()
    assert not (tmp_path / "out").exists()  # validating makes no folder
    from slick_backend.atomic import exclusive

    with exclusive(tmp_path / "out", "batch prediction"), \
            pytest.raises(InputError, match="another batch prediction is running in this directory"):
        run_batch_predict(BatchPredictParams(**ok), NullProgress())  # two batches never share a folder
    monkeypatch.setitem(sys.modules, "ray", None)  # as where Ray is not installed
    with pytest.raises(InputError, match="Ray is not installed in this environment; pip install 'ray"):
        BatchPredictParams(**ok, executor="ray").validate()


def test_batch_params_carry_every_predict_option():
    """A predict option a batch lacks would silently not apply to batches (or the other way round)."""
    import dataclasses

    batch = {f.name for f in dataclasses.fields(BatchPredictParams)}
    predict = {f.name for f in dataclasses.fields(PredictParams)}
    # a batch writes into a folder (out_dir), each of its scenes to a prefix in it (out_prefix)
    assert batch - predict == {"scenes", "out_dir", "executor", "workers", "ray_address"}
    assert predict - batch == {"scene", "out_prefix", "format"}


def test_cli_forms_are_exclusive(tmp_path, capsys):
    from slick_backend.cli.main import main

    scene = tmp_path / "s.tif"
    scene.write_bytes(b"")
    for args, message in [(["--scene", scene, "--scenes", scene], "either --scene"), ([], "give --scene SCENE"),
                          (["--scenes", scene, "--format", "shp"], "a batch writes GeoPackages"),
                          (["--scene", scene, "--workers", "2"], "are for batches")]:
        code = main(["--quiet", "predict", "--out", str(tmp_path / "o"), *map(str, args)])
        err = capsys.readouterr().err
        assert code == 2 and message in err and err.count("\n") == 1, err


def test_merge_carries_the_fields_each_source_has(tmp_path):
    """Two scenes in two UTM zones, the second with fields the first lacks: one EPSG:4326 layer
    with every field, null where a scene has none."""
    def write(path, crs, x, extra):
        poly = shapely.MultiPolygon([shapely.box(x, 7_000_000, x + 1000, 7_001_000)])
        names = ["id", "scene", *extra]
        columns = [np.array([1]), np.array([path.stem], dtype=object), *extra.values()]
        ogr_write(str(path), np.array([shapely.to_wkb(poly)], dtype=object), columns, names, layer="slicks",
                  driver="GPKG", crs=crs, geometry_type="MultiPolygon")
        return path

    a = write(tmp_path / "a.gpkg", "EPSG:32632", 500_000, {})
    b = write(tmp_path / "b.gpkg", "EPSG:32633", 400_000, {"n_parts": np.array([3]),
                                                             "note": np.array(["new"], dtype=object)})
    counts = merge_outlines([a, b], tmp_path / "m.gpkg")
    assert counts == {"slicks": 2}
    meta, _, geoms, fields = ogr_read(tmp_path / "m.gpkg", layer="slicks")
    assert meta["crs"] == "EPSG:4326" and list(meta["fields"]) == ["id", "scene", "n_parts", "note"]
    column = dict(zip(meta["fields"], fields, strict=True))
    assert list(column["scene"]) == ["a", "b"] and column["note"][0] is None and column["note"][1] == "new"
    lons = [shapely.from_wkb(g).centroid.x for g in geoms]
    assert lons[0] == pytest.approx(9.0, abs=0.1) and lons[1] == pytest.approx(13.03, abs=0.05)  # zones 32 and 33
    assert merge_outlines([], tmp_path / "m.gpkg") == {} and not (tmp_path / "m.gpkg").exists()
