"""The per-outline sea-ice flag (ice_flag.py): block sums fed in strips, the ring around an
outline, the flag on simulated EW scenes with and without ice, and the fields in every format."""

import dataclasses

import numpy as np
import pyogrio
import pytest
import shapely
from predict_helpers import CARD, CountingEngine, utm_transform, write_raster
from pyogrio.raw import read as ogr_read
from slick_backend.baseline import BaselineParams, run_baseline
from slick_backend.ice_flag import IceField
from slick_backend.predict.api import PredictParams, run_predict
from slick_backend.progress import NullProgress
from slick_backend.scenes import Grid
from slick_backend.vectorize import SHP_NAMES

PX = 25.0
GRID = Grid("EPSG:32633", tuple(utm_transform(px=PX))[:6], 600, 400)


def fed(grid, image, valid, strip):
    field = IceField(grid)
    for r in range(0, grid.height, strip):
        field.add(r, image[r : r + strip], valid[r : r + strip])
    return field


def square(col, row, size_px, grid=GRID):
    """A square outline in the grid's map coordinates, its corner at pixel (col, row)."""
    x0, y0 = grid.affine @ (col, row)
    return shapely.box(x0, y0 - size_px * PX, x0 + size_px * PX, y0)


def test_block_sums_do_not_depend_on_the_strips_and_skip_invalid_pixels():
    rng = np.random.default_rng(0)
    image = rng.uniform(1, 255, (GRID.height, GRID.width)).astype(np.float32)
    valid = rng.random(image.shape) > 0.2
    one, strips = fed(GRID, image, valid, GRID.height), fed(GRID, image, valid, 37)
    assert np.allclose(one.sums, strips.sums)
    assert one.sums[0].sum() == valid.sum()
    assert one.sums[1].sum() == pytest.approx(float(image[valid].sum(dtype=np.float64)), rel=1e-5)
    assert one.sums[2].sum() == (valid & (image >= 230)).sum()
    with pytest.raises(ValueError, match="in order"):
        strips.add(0, image[:10], valid[:10])  # the grid is already complete: row 0 is out of order


def test_the_ring_sees_only_valid_surroundings_within_3_km():
    image = np.full((GRID.height, GRID.width), 100.0, np.float32)
    image[150:250, 250:350] = 1.0  # the dark slick itself: not its own surroundings
    valid = np.ones(image.shape, bool)
    image[:, :100] = 255.0  # bright, but more than 3 km (120 px) from the slick
    image[150:250, 370:420] = 255.0  # bright and near, but masked (land): not counted
    valid[150:250, 370:420] = False
    f = fed(GRID, image, valid, 64).features(square(250, 150, 100))
    assert f["mean"] == pytest.approx(100 / 255) and f["bright"] == 0.0
    # 3 km around a 2.5 km square: 58 km2, 933 blocks of 250 m, less the masked ones and the
    # blocks that touch the square's edge
    assert 700 < f["blocks"] < 930
    assert fed(GRID, image, np.zeros(image.shape, bool), 64).attributes(square(250, 150, 100)) == {
        "ice_score": None, "ice_like": None}


def simulated_probes(tmp_path, index: int, with_ice: bool, size: int = 384) -> tuple[list[int], list[int]]:
    """ice_like of 250 m disks 1 km apart in ice (mean concentration of their ring > 0.9) and in
    open water (< 0.01), on a simulated EW GRDM scene read as baseline reads it."""
    from rasterio.warp import Resampling, reproject
    from rasterio.windows import Window
    from slick_backend.masks import build_masks
    from slick_backend.scenes import apply_stretch, choose_grid, compute_stretch, open_scene
    from slick_backend.simulate.geometry import place_scene
    from slick_backend.simulate.modes import PRODUCTS
    from slick_backend.simulate.scene import simulate_scene
    from slick_backend.simulate.sites import SITES
    from slick_backend.simulate.writers import write_utm_db

    site = SITES[("prins_karls_forland", "sentralbanken")[index % 2]]
    site = dataclasses.replace(site, ice_probability=1.0 if with_ice else 0.0)
    rng = np.random.default_rng([41, index])
    geom = place_scene(PRODUCTS[("EW", "GRDM")], site, size, rng, bool(rng.random() < 0.5))
    result = simulate_scene(geom, np.random.SeedSequence([41, index]))
    assert (result.ice is not None) == with_ice
    path = tmp_path / f"ew{index}.tif"
    write_utm_db(path, geom, result.intensity, {"S1_MODE": "EW", "S1_POLARISATION": "HH"})
    with open_scene(path) as scene:
        grid = choose_grid(scene, PX)
        stretch, masks = compute_stretch(scene, grid), build_masks(grid, 1.0, [])
        image_field, truth_field = IceField(grid), IceField(grid)
        for row in range(0, grid.height, 256):
            window = Window(0, row, grid.width, min(256, grid.height - row))
            values, valid = scene.read(grid, window)
            valid = masks.unmasked(grid, row, valid)
            image_field.add(row, apply_stretch(values, valid, stretch), valid)
            truth = np.zeros(valid.shape, np.float32)
            if with_ice:
                reproject(result.ice, truth, src_transform=geom.transform, src_crs=geom.crs,
                          dst_transform=grid.window_transform(window), dst_crs=grid.crs, resampling=Resampling.bilinear)
            truth_field.add(row, 255 * truth, valid)
    ice, water = [], []
    for r in range(20, grid.height - 20, 40):  # a lattice of probes 1 km apart
        for c in range(20, grid.width - 20, 40):
            probe = shapely.Point(*(grid.affine @ (c, r))).buffer(250.0)
            attrs, truth = image_field.attributes(probe), truth_field.features(probe)
            if attrs["ice_score"] is None:
                continue
            if truth["mean"] > 0.9:
                ice.append(attrs["ice_like"])
            elif truth["mean"] < 0.01:
                water.append(attrs["ice_like"])
    return ice, water


@pytest.mark.slow
def test_the_flag_marks_ice_surroundings_and_spares_open_water(tmp_path):
    """Two Sentralbanken scenes (seed 41), one drawn with an ice edge (at 42-45 degrees of
    incidence, where pack ice is brighter than the water) and one without. Measured: 38 of 44 ice
    probes flagged, none of 591 open-water probes. Over many scenes the flag marks about a third
    of the ice (benchmarks/bench_ice_flag.py, docs/outlines.md): it misses ice no brighter than the
    water, at near range."""
    ice, water_near_ice = simulated_probes(tmp_path, 1, with_ice=True)
    water = water_near_ice + simulated_probes(tmp_path, 3, with_ice=False)[1]
    assert len(ice) >= 20 and len(water_near_ice) >= 100 and len(water) >= 400
    assert np.mean(ice) >= 0.7
    assert np.mean(water) <= 0.02


def two_slicks_scene(tmp_path):
    """8-bit stretched scene: bright 'ice' on the left third, grey water elsewhere; a dark 150 x
    1000 m slick in each, each more than 3 km from the other kind of surface (narrow enough for the
    baseline's 500 m background window to see it dark)."""
    rng = np.random.default_rng(1)
    img = np.clip(rng.normal(120, 12, (GRID.height, GRID.width)), 1, 255)
    img[:, :200] = np.clip(rng.normal(240, 12, (GRID.height, 200)), 1, 255)
    img[170:210, 60:66] = 30
    img[170:210, 480:486] = 30
    return write_raster(tmp_path / "scene.tif", img.astype(np.uint8), utm_transform(px=PX), "EPSG:32633", 0)


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "geojson"])
def test_predict_and_baseline_write_the_ice_fields(tmp_path, fmt):
    scene = two_slicks_scene(tmp_path)
    res = run_predict(PredictParams(scene=str(scene), out_prefix=str(tmp_path / "p"), format=fmt), NullProgress(),
                      engine=CountingEngine(), card=dict(CARD))
    base = run_baseline(BaselineParams(scene=str(scene), out_prefix=str(tmp_path / "b"), format=fmt), NullProgress())
    assert "ice_score" not in SHP_NAMES and "ice_like" not in SHP_NAMES  # short enough for dBase as they are
    for result in (res, base):
        layer = "slicks" if fmt == "gpkg" else None
        meta, _, wkb, data = ogr_read(result["outlines"], layer=layer)
        cols = dict(zip(meta["fields"].tolist(), data, strict=True))
        left = [shapely.from_wkb(g).centroid.x < GRID.transform[2] + 200 * PX for g in wkb]
        assert sorted(left) == [False, True], "one slick on each side"
        like, score = cols["ice_like"].tolist(), cols["ice_score"].tolist()
        assert [v for v, on_ice in zip(like, left, strict=True) if on_ice] == [1]
        assert [v for v, on_ice in zip(like, left, strict=True) if not on_ice] == [0]
        assert all(0 <= s <= 1 for s in score) and max(score) > 0.7 and min(score) < 0.2
        if fmt != "geojson":  # GeoJSON has no declared widths; GeoPackage and dBase say integer
            info = pyogrio.read_info(result["outlines"], layer=layer)
            assert np.issubdtype(np.dtype(dict(zip(info["fields"], info["dtypes"], strict=True))["ice_like"]), np.integer)


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "geojson"])
def test_an_outline_without_surroundings_has_empty_ice_fields(tmp_path, fmt):
    img = np.full((40, 40), 30, np.uint8)  # one slick over the whole (1 km) scene: no ring to judge
    scene = write_raster(tmp_path / "all.tif", img, utm_transform(px=PX), "EPSG:32633", 0)
    res = run_predict(PredictParams(scene=str(scene), out_prefix=str(tmp_path / "p"), format=fmt), NullProgress(),
                      engine=CountingEngine(), card=dict(CARD))
    meta, _, wkb, data = ogr_read(res["outlines"], layer="slicks" if fmt == "gpkg" else None)
    cols = dict(zip(meta["fields"].tolist(), data, strict=True))
    dtypes = dict(zip(meta["fields"].tolist(), meta["dtypes"].tolist(), strict=True))
    assert len(wkb) == 1
    for name in ("ice_score", "ice_like"):  # null, not 0: "not judged" is not "not ice"
        value = cols[name][0]
        assert value is None or np.isnan(value)
    if fmt != "geojson":  # a GeoJSON field that is null everywhere has no type
        assert dtypes["ice_like"] == "int64" and dtypes["ice_score"] == "float64"
