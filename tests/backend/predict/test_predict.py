"""Whole-scene prediction on the real Arctic mosaics and small real GeoTIFFs."""

import json
import subprocess
import sys

import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from predict_helpers import CARD, CountingEngine, pointwise, utm_transform, write_raster
from pyogrio.raw import read as ogr_read
from slick_backend.errors import Cancelled, InputError
from slick_backend.predict.api import PredictParams, run_predict
from slick_backend.progress import NullProgress, Progress


def predict(scene, out, engine=None, card=CARD, **kw):
    params = PredictParams(scene=str(scene), out_prefix=str(out), **kw)
    return run_predict(params, NullProgress(), engine=engine or CountingEngine(), card=dict(card))


def test_prediction_lines_up_with_the_real_mosaic(arctic_dir, tmp_path):
    """sample_123 (768 x 1024, EPSG:32636): outputs on the label's exact grid, values = model(input)."""
    sample = arctic_dir / "sample_123"
    res = predict(sample / "raw_mosaic.tif", tmp_path / "s123", simplify_m=0, min_area_km2=0, threshold=0.6)
    with rasterio.open(sample / "labels_mosaic.png") as lab, rasterio.open(sample / "raw_mosaic.tif") as src, \
            rasterio.open(res["prob"]) as prob, rasterio.open(res["mask"]) as mask:
        for ds in (prob, mask):
            assert ds.crs == lab.crs and (ds.width, ds.height) == (lab.width, lab.height)
            assert ds.transform.almost_equals(lab.transform, precision=1e-6)
            assert ds.profile["tiled"] and ds.profile["blockxsize"] == 256
            assert ds.compression.name.lower() == "deflate" and ds.overviews(1) == [2, 4, 8]
        dn = src.read(1)
        p, m = prob.read(1), mask.read(1)
        assert prob.nodata == -1 and mask.nodata == 255
        valid = dn > 0
        assert (valid == (p != -1)).all() and (valid == (m != 255)).all()
        # 8-bit stretched input is fed as is: the blended probability is exactly the pointwise model
        np.testing.assert_allclose(p[valid], pointwise(dn[valid].astype(np.float32)), atol=1e-5)
        assert ((p >= 0.6) & valid).sum() == (m == 1).sum() == res["slick_pixels"]
    # the mask is scored against the paper's label directly: same grid, nodata of the mask ignored
    from slick_backend.metrics import counts_from_rasters

    counts = counts_from_rasters(res["mask"], sample / "labels_mosaic.png")
    assert counts.tp + counts.fp == res["slick_pixels"] and counts.tp + counts.fp + counts.fn + counts.tn == valid.sum()
    # outlines: valid, inside the scene, same area as the mask (no simplification), none cut at strips
    info = pyogrio.read_info(res["outlines"], layer="slicks")
    assert info["crs"] == "EPSG:32636" and info["geometry_type"] == "MultiPolygon"
    meta, _, geoms, fields = ogr_read(res["outlines"], layer="slicks")
    polys = shapely.from_wkb(geoms)
    assert len(polys) == res["n_slicks"] > 0 and shapely.is_valid(polys).all()
    scene_box = shapely.box(*rasterio.open(sample / "raw_mosaic.tif").bounds)
    assert shapely.contains(scene_box.buffer(1e-6), polys).all()
    assert shapely.union_all(polys).area == pytest.approx(res["slick_pixels"] * 625.0)
    area = fields[meta["fields"].tolist().index("area_km2")]
    assert area.sum() == pytest.approx(res["slick_pixels"] * 625.0 / 1e6)


def _rectangle_scene(tmp_path, name="S1A_EW_GRDM_1SDH_20190804T152307_rect.tif"):
    """Bright water (200) with a dark 80 x 40 px slick (30) holding a 10 x 10 px bright hole."""
    img = np.full((300, 200), 200, np.uint8)
    img[50:130, 60:100] = 30
    img[80:90, 70:80] = 200
    return write_raster(tmp_path / name, img, utm_transform(), "EPSG:32633", 0)


def test_attributes_of_a_known_slick(tmp_path):
    scene = _rectangle_scene(tmp_path)
    res = predict(scene, tmp_path / "rect", simplify_m=5, min_area_km2=0.05)
    meta, _, geoms, fields = ogr_read(res["outlines"], layer="slicks")
    assert len(geoms) == 1, "a slick crossing many window rows and strips must stay one outline"
    row = dict(zip(meta["fields"].tolist(), [f[0] for f in fields], strict=True))
    poly = shapely.from_wkb(geoms[0]).geoms[0]
    assert len(poly.interiors) == 1
    assert row["area_km2"] == pytest.approx((80 * 40 - 100) * 625 / 1e6)
    assert row["perimeter_km"] == pytest.approx((2 * (2000 + 1000) + 4 * 250) / 1e3)
    assert row["length_km"] == pytest.approx(2.0)
    assert row["mean_prob"] == pytest.approx(float(pointwise(np.float32(30))), abs=1e-5)
    assert row["max_prob"] == pytest.approx(row["mean_prob"], abs=1e-6)
    assert row["scene"] == scene.stem and row["model"] == "analytic"
    assert row["acq_time"] == "2019-08-04T15:23:07" and row["created"].startswith("20")
    assert row["id"] == 1


def test_other_formats_and_reprojection(tmp_path):
    """An EPSG:4326 scene goes to its UTM zone at the model's 25 m; Shapefile and GeoJSON work."""
    img = np.full((120, 240), 200, np.uint8)
    img[40:80, 100:160] = 20
    from rasterio.transform import from_origin

    scene = write_raster(tmp_path / "geo_EW_HH.tif", img, from_origin(15.0, 70.0, 0.0005, 0.00025), "EPSG:4326", 0)
    res = predict(scene, tmp_path / "geo", format="shp", min_area_km2=0)
    with rasterio.open(res["mask"]) as ds:
        assert ds.crs.to_epsg() == 32633 and ds.res == (25.0, 25.0)
    assert res["outlines"].endswith("_slicks.shp") and pyogrio.read_info(res["outlines"])["features"] == 1
    with pytest.raises(InputError, match="geo_prob.tif: already exists"):  # the rasters of the first run stay
        predict(scene, tmp_path / "geo", format="geojson", min_area_km2=0)
    res = predict(scene, tmp_path / "geo", format="geojson", min_area_km2=0, overwrite=True)
    assert pyogrio.read_info(res["outlines"])["features"] == 1


def test_empty_scene_gives_empty_outputs_and_a_warning(tmp_path):
    scene = write_raster(tmp_path / "empty.tif", np.zeros((100, 90), np.uint8), utm_transform(), "EPSG:32633", 0)
    engine = CountingEngine()
    res = predict(scene, tmp_path / "empty", engine=engine)
    assert engine.windows == 0 and res["n_slicks"] == 0 and res["valid_pixels"] == 0
    assert any("no valid pixels" in w for w in res["warnings"])
    with rasterio.open(res["mask"]) as ds:
        assert (ds.read(1) == 255).all()
    assert pyogrio.read_info(res["outlines"], layer="slicks")["features"] == 0


class CancelAfter(Progress):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def cancelled(self):  # sub-progress objects ask their parent this
        self.n -= 1
        return self.n < 0


def test_interrupted_prediction_leaves_nothing_that_looks_complete(tmp_path):
    scene = _rectangle_scene(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        run_predict(PredictParams(scene=str(scene), out_prefix=str(out / "x")), CancelAfter(4),
                    engine=CountingEngine(), card=dict(CARD))
    assert list(out.iterdir()) == []


def test_bad_inputs_fail_with_one_line(tmp_path, tiny_model):
    scene = _rectangle_scene(tmp_path)
    iw = _rectangle_scene(tmp_path, "S1B_IW_GRDH_1SDV_20200101T000000_x.tif")
    with pytest.raises(InputError, match="mode IW is not one the model was trained on"):
        predict(iw, tmp_path / "iw")
    assert predict(iw, tmp_path / "iw", allow_other_mode=True)["warnings"]
    with pytest.raises(InputError, match="not a writable folder"):
        predict(scene, "/proc/slick/x")
    polar = write_raster(tmp_path / "polar_EW.tif", np.full((50, 50), 100, np.uint8), utm_transform(500000, 9500000),
                         "EPSG:32633", 0)
    with pytest.raises(InputError, match="outside UTM"):
        predict(polar, tmp_path / "polar")
    with pytest.raises(InputError, match="no valid tile"):
        predict(scene, tmp_path / "nocard", card={"name": "x"})
    with pytest.raises(InputError, match="--overlap"):
        predict(scene, tmp_path / "o", overlap=0.5)
    # a model dir whose weights were replaced, and one with no weights at all
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny_model, broken)
    with open(broken / "weights.safetensors", "r+b") as f:
        f.seek(-8, 2)
        f.write(b"\x00" * 8)
    with pytest.raises(InputError, match="does not match"):
        run_predict(PredictParams(scene=str(scene), out_prefix=str(tmp_path / "b"), model=str(broken)), NullProgress())
    (broken / "weights.safetensors").unlink()
    with pytest.raises(InputError, match="missing"):
        run_predict(PredictParams(scene=str(scene), out_prefix=str(tmp_path / "b"), model=str(broken)), NullProgress())
    assert not list(tmp_path.glob("b_*"))


def test_cli_predict_with_onnx_runtime(crop_135, tiny_onnx, tmp_path):
    """The command line with the real tiny model exported to ONNX (no torch in that process),
    on a crop of the real mosaic; the torch path is compared with it in test_onnx.py."""
    out = tmp_path / "cli" / "crop"
    proc = subprocess.run(
        [sys.executable, "-m", "slick_backend", "--quiet", "predict", "--engine", "onnx", "--onnx", str(tiny_onnx),
         "--scene", str(crop_135), "--out", str(out), "--batch-size", "16", "--device", "cpu", "--tta", "--overlap", "0"],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    with rasterio.open(res["prob"]) as ds, rasterio.open(crop_135) as src:
        assert ds.transform == src.transform and ds.crs == src.crs
        p = ds.read(1)
        valid = src.read(1) > 0
        assert (p[valid] >= 0).all() and (p[valid] <= 1).all() and (p[~valid] == -1).all()
        assert np.ptp(p[valid]) > 0  # a real, random-init network: not constant
    assert res["engine"].startswith("onnxruntime")
    assert pyogrio.read_info(res["outlines"], layer="slicks")["crs"] == "EPSG:32632"
