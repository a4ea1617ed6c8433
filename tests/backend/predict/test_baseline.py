"""The classic dark-spot detector: windowed local mean, min-area filter, outputs on the grid."""

import subprocess
import sys

import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from predict_helpers import utm_transform, write_raster
from pyogrio.raw import read as ogr_read
from scipy import ndimage
from slick_backend.baseline import STRIP_ROWS, BaselineParams, dark_strips, local_mean, run_baseline
from slick_backend.errors import InputError
from slick_backend.progress import NullProgress
from slick_backend.scenes import choose_grid, open_scene


@pytest.fixture
def db_scene(tmp_path):
    """-15 dB sea with speckle-like noise, a 40 x 40 px slick 4 dB darker across the strip
    boundary at row 512, and a 5 x 5 px dark spot (too small to keep)."""
    assert 512 % STRIP_ROWS == 0
    rng = np.random.default_rng(3)
    img = (-15 + rng.normal(0, 0.3, (700, 300))).astype(np.float32)
    img[490:530, 100:140] -= 4
    img[200:205, 200:205] -= 4
    img[:, :20] = np.nan  # a nodata border
    return write_raster(tmp_path / "S1A_EW_GRDM_1SDH_20200301T101010_db.tif", img, utm_transform(), "EPSG:32633",
                        float("nan"))


def test_strips_with_halo_equal_the_whole_image_filter(db_scene):
    params = BaselineParams(scene=str(db_scene), out_prefix="unused", window_km=3.0)
    with open_scene(db_scene, "db") as scene:
        grid = choose_grid(scene, 25)
        strips = list(dark_strips(scene, grid, params, 1.0))
        from rasterio.windows import Window

        values, valid = scene.read(grid, Window(0, 0, grid.width, grid.height))
    assert len(strips) == -(-700 // STRIP_ROWS) > 1
    dark = np.concatenate([d for _, d, _, _ in strips])
    expected = valid & (values < local_mean(values, valid, 121) - 2.0)
    assert (dark == expected).all()
    assert dark[490:530, 100:140].all() and dark.sum() == 40 * 40 + 25


def test_baseline_keeps_big_dark_spots_and_drops_small_ones(db_scene, tmp_path):
    res = run_baseline(BaselineParams(scene=str(db_scene), out_prefix=str(tmp_path / "b"), window_km=3.0,
                                      value_kind="db", simplify_m=0), NullProgress())
    with rasterio.open(res["mask"]) as ds:
        m = ds.read(1)
        assert ds.crs.to_epsg() == 32633 and ds.transform == utm_transform() and ds.nodata == 255
    assert (m[:, :20] == 255).all() and (m[490:530, 100:140] == 1).all() and (m == 1).sum() == 1600
    assert "prob" not in res
    meta, _, geoms, fields = ogr_read(res["outlines"], layer="slicks")
    assert len(geoms) == 1
    row = dict(zip(meta["fields"].tolist(), [f[0] for f in fields], strict=True))
    assert row["area_km2"] == pytest.approx(1.0) and row["length_km"] == pytest.approx(1.0)
    assert row["model"] == "baseline" and row["acq_time"] == "2020-03-01T10:10:10" and np.isnan(row["mean_prob"])


def test_baseline_on_a_real_arctic_mosaic(arctic_dir, tmp_path):
    sample = arctic_dir / "sample_70"
    out = tmp_path / "s70"
    proc = subprocess.run([sys.executable, "-m", "slick_backend", "--quiet", "baseline", "--scene",
                           str(sample / "raw_mosaic.tif"), "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with rasterio.open(f"{out}_mask.tif") as ds, rasterio.open(sample / "labels_mosaic.png") as lab, \
            rasterio.open(sample / "raw_mosaic.tif") as src:
        assert ds.crs == lab.crs and ds.shape == lab.shape and ds.transform.almost_equals(lab.transform, 1e-6)
        m = ds.read(1)
        assert set(np.unique(m)) <= {0, 1, 255} and ((m == 255) == (src.read(1) == 0)).all()
        assert ds.overviews(1)
    labels, n = ndimage.label(m == 1)
    sizes = np.bincount(labels.ravel())[1:]
    assert n > 0 and sizes.min() * 625 / 1e6 >= 0.1  # every kept dark spot is at least 0.1 km2
    polys = shapely.from_wkb(ogr_read(f"{out}_slicks.gpkg", layer="slicks")[2])
    assert 0 < len(polys) <= n and shapely.is_valid(polys).all()
    assert pyogrio.read_info(f"{out}_slicks.gpkg", layer="slicks")["crs"] == "EPSG:32636"


def test_baseline_bad_parameters(db_scene, tmp_path):
    with pytest.raises(InputError, match="--window-km"):
        BaselineParams(scene=str(db_scene), out_prefix=str(tmp_path / "x"), window_km=0.05).validate()
    with pytest.raises(InputError, match="--k-db"):
        BaselineParams(scene=str(db_scene), out_prefix=str(tmp_path / "x"), k_db=0).validate()
    with pytest.raises(InputError, match="not found"):
        BaselineParams(scene=str(tmp_path / "none.tif"), out_prefix=str(tmp_path / "x")).validate()
