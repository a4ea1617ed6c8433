"""The scenes API on real GeoTIFFs: georeference paths, value kinds, grids, windows, stretch."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window
from slick_backend.errors import InputError
from slick_backend.scenes import Grid, apply_stretch, choose_grid, compute_stretch, open_scene, parse_utm_zone


@pytest.mark.parametrize(
    "maker, kind, georef",
    [("geographic", "db", "geographic"), ("geographic", "linear", "geographic"),
     ("gcp", "amplitude", "gcps"), ("gcp", "linear", "gcps"), ("projected", "linear", "projected"),
     ("projected", "db", "projected"), ("projected", "amplitude", "projected")],
)
def test_kind_and_georef_detected(tmp_path, mk, maker, kind, georef):
    path = getattr(mk, maker)(tmp_path / f"{maker}_{kind}.tif", kind=kind)
    with open_scene(path) as scene:
        assert (scene.kind, scene.georef) == (kind, georef)
        grid = choose_grid(scene, 25)
        assert grid.crs == "EPSG:32632" and grid.pixel_size == 25
        # The sea is about -13 dB whatever the kind; amplitude DN carry an unknown gain.
        values, valid = scene.read(grid, Window(100, 100, 200, 200))
        assert valid.mean() > 0.9
        median = float(np.median(values[valid]))
        if kind != "amplitude":
            assert -16 < median < -11
        else:
            assert 20 * np.log10(1500) - 16 < median < 20 * np.log10(1500) - 11


def test_stretched_uint8_kept_on_exact_grid(arctic):
    path = arctic / "sample_135" / "raw_mosaic.tif"
    with open_scene(path) as scene, rasterio.open(path) as ds:
        assert scene.kind == "stretched" and scene.georef == "projected"
        grid = choose_grid(scene, 25)
        assert scene.is_exact_grid(grid) and tuple(grid.transform) == tuple(ds.transform[:6])
        values, valid = scene.read(grid, Window(300, 200, 256, 256))
        raw = ds.read(1, window=Window(300, 200, 256, 256))
        stretch = compute_stretch(scene, grid)
        assert stretch.kind == "identity"
        np.testing.assert_array_equal(apply_stretch(values, valid, stretch), raw)
        # 10 m: same CRS and corner, bilinear, 2.5x the pixels.
        g10 = choose_grid(scene, 10)
        assert g10.crs == grid.crs and (g10.width, g10.height) == (2560, 2560)
        assert g10.transform[2] == grid.transform[2] and g10.transform[5] == grid.transform[5]


def test_mode_and_polarisation(tmp_path, mk):
    a = mk.gcp(tmp_path / "S1B_IW_GRDH_1SDV_20200101T000000.tif", kind="amplitude")
    b = mk.gcp(tmp_path / "s1a-ew-grd-hh-20200101t000000-001.tif", kind="amplitude")
    c = mk.geographic(tmp_path / "anything.tif", tags={"S1_MODE": "EW", "S1_POLARISATION": "HH"})
    d = mk.geographic(tmp_path / "scene_VV_x.tif")
    found = []
    for p in (a, b, c, d):
        with open_scene(p) as s:
            found.append((s.mode, s.polarisation))
    assert found == [("IW", "VV"), ("EW", "HH"), ("EW", "HH"), (None, "VV")]


def test_kind_from_metadata_and_override(tmp_path, mk):
    # A dB file whose values are all positive would be taken for linear; its unit says dB.
    sig = mk.sigma0((64, 64)) * 1000
    p = mk.tif(tmp_path / "pos_db.tif", (10 * np.log10(sig)).astype(np.float32), "EPSG:4326",
               rasterio.transform.from_origin(10, 70, 0.001, 0.001), units="dB")
    with open_scene(p) as s:
        assert s.kind == "db" and "metadata" in s.kind_reason
    with open_scene(p, value_kind="linear") as s:
        assert s.kind == "linear" and s.kind_reason == "given by the user"


def test_utm_zone_choice_and_override(tmp_path, mk):
    p = mk.geographic(tmp_path / "north.tif")
    with open_scene(p) as s:
        assert choose_grid(s, 25).crs == "EPSG:32632"
        g = choose_grid(s, 25, utm_zone="33N")
        assert g.crs == "EPSG:32633"
        assert g.transform[2] % 25 == 0 and g.transform[5] % 25 == 0  # snapped to whole pixels
    south = mk.tif(tmp_path / "south.tif", mk.sigma0((50, 50)), "EPSG:4326",
                   rasterio.transform.from_origin(-45.2, -23.0, 0.002, 0.002))
    with open_scene(south) as s:
        assert choose_grid(s, 10).crs == "EPSG:32723"
    assert parse_utm_zone("7s") == (7, False)
    for bad in ("61N", "32", "EPSG:32632", "0N"):
        with pytest.raises(InputError, match="utm-zone"):
            parse_utm_zone(bad)


def test_window_overhang_is_invalid(tmp_path, mk):
    with open_scene(mk.projected(tmp_path / "p.tif", pixel=25.0)) as s:
        grid = choose_grid(s, 25)
        assert s.is_exact_grid(grid)
        values, valid = s.read(grid, Window(grid.width - 50, -20, 100, 100))
        assert values.shape == (100, 100) and values.dtype == np.float32
        assert not valid[:20].any() and not valid[:, 50:].any() and valid[20:, :50].all()


def test_stretch_robust_to_ships(tmp_path, mk):
    calm = mk.geographic(tmp_path / "calm.tif", kind="linear", seed=5)
    ships = mk.geographic(tmp_path / "ships.tif", kind="linear", seed=5, ships=300)
    out = []
    for p in (calm, ships):
        with open_scene(p) as s:
            out.append(compute_stretch(s, choose_grid(s, 25)))
    a, b = out
    assert a.kind == b.kind == "2sigma" and a.domain == "db"
    assert abs(a.lo - b.lo) < 0.15 and abs(a.hi - b.hi) < 0.15  # dB; 300 ships barely move it
    assert b.clipped_fraction > a.clipped_fraction
    # A naive mean +/- 2 std of the same sample would have moved a lot more.
    assert 3.0 < a.hi - a.lo < 15.0


def test_stretch_region_and_mapping(tmp_path, mk):
    with open_scene(mk.geographic(tmp_path / "g.tif", kind="db")) as s:
        grid = choose_grid(s, 25)
        whole = compute_stretch(s, grid)
        x0, y0, x1, y1 = grid.bounds
        part = compute_stretch(s, grid, region=(x0, y0, x0 + (x1 - x0) / 4, y1))
        assert part.region is not None and whole.region is None
        assert part.lo > whole.lo  # the near-range quarter is brighter (incidence trend)
        outside = compute_stretch(s, grid, region=(0, 0, 10, 10))  # no overlap: whole scene
        assert outside.region is None and outside.lo == pytest.approx(whole.lo)
    vals = np.array([[whole.lo - 5, whole.lo, (whole.lo + whole.hi) / 2, whole.hi, whole.hi + 9, 0]], np.float32)
    ok = np.array([[1, 1, 1, 1, 1, 0]], bool)
    np.testing.assert_array_equal(apply_stretch(vals, ok, whole.to_dict()), [[1, 1, 128, 255, 255, 0]])


def test_grid_roundtrip():
    g = Grid("EPSG:32632", (25.0, 0.0, 500000.0, 0.0, -25.0, 7800000.0), 100, 80)
    assert Grid.from_dict(g.to_dict()) == g
    assert g.bounds == (500000.0, 7798000.0, 502500.0, 7800000.0)
    w = g.window_of_bounds((500010.0, 7799000.0, 600000.0, 7800010.0))
    assert (w.col_off, w.row_off, w.width, w.height) == (0, 0, 100, 40)


@pytest.mark.parametrize("georef", ["gcps", "geographic"])
def test_warp_puts_values_at_the_right_place(tmp_path, mk, georef):
    """Values that encode longitude come back, after the warp to UTM, at the longitude of
    each target pixel centre: the georeference paths are exact, not just plausible."""
    from rasterio.control import GroundControlPoint
    from rasterio.warp import transform as transform_xy

    h, w, lon0, lat0 = 200, 300, 10.2, 70.1

    def lonlat(r, c):  # a skewed and curved swath footprint, like a real GRD
        u, v = c / w, r / h
        return lon0 + 0.3 * u + 0.01 * v + 0.05 * u * u * v + 0.02 * np.sin(3 * u), lat0 - 0.1 * v + 0.004 * u + 0.01 * v * v * u

    rows, cols = np.meshgrid(np.arange(h) + 0.5, np.arange(w) + 0.5, indexing="ij")
    lon, _ = lonlat(rows, cols)
    field = (lon - lon0 + 0.1).astype(np.float32)
    if georef == "gcps":
        gcps = [GroundControlPoint(row=r, col=c, x=lonlat(r, c)[0], y=lonlat(r, c)[1])
                for r in np.linspace(0, h, 6) for c in np.linspace(0, w, 11)]
        path = mk.tif(tmp_path / "g.tif", field, gcps=gcps)
    else:
        t = rasterio.transform.from_origin(lon0, lat0, 0.3 / w, 0.1 / h)
        lon, _ = t @ (cols, rows)
        path = mk.tif(tmp_path / "g.tif", (lon - lon0 + 0.1).astype(np.float32), "EPSG:4326", t)
    with open_scene(path, value_kind="linear") as s:
        assert s.georef == georef
        grid = choose_grid(s, 25)
        values, valid = s.read(grid, Window(0, 0, grid.width, grid.height))
        gc, gr = np.meshgrid(np.arange(grid.width) + 0.5, np.arange(grid.height) + 0.5)
        x, y = grid.affine @ (gc, gr)
        true_lon, _ = transform_xy(grid.crs, "EPSG:4326", x.ravel(), y.ravel())
        err = 10 ** (values[valid] / 10) - (np.reshape(true_lon, x.shape)[valid] - lon0 + 0.1)
        assert valid.mean() > 0.5
        px = 0.3 / w  # about one source pixel of longitude
        assert abs(err.mean()) < 0.05 * px and np.percentile(np.abs(err), 99) < 0.3 * px


def test_small_valid_area_in_a_big_empty_frame(tmp_path, mk):
    """Valid data that the cheap sample lattice misses is still found (and its kind told)."""
    data = np.zeros((1000, 1000), np.float32)
    data[80:110, 80:110] = mk.sigma0((30, 30))
    path = mk.tif(tmp_path / "frame.tif", data, "EPSG:4326", rasterio.transform.from_origin(10, 70, 0.0003, 0.0001))
    with open_scene(path) as s:
        assert s.kind == "linear"
        grid = choose_grid(s, 25)
        st = compute_stretch(s, grid)
        assert st.sample_pixels > 100 and -16 < st.mean < -11


def test_stretch_sample_finds_a_thin_swath(tmp_path, mk):
    """A valid strip narrower than the gaps of the sample lattice still gets statistics."""
    data = np.zeros((200, 3000), np.float32)
    data[:, 1450:1470] = mk.sigma0((200, 20))  # between lattice windows at 1305+128 and 1566
    path = mk.tif(tmp_path / "strip.tif", data, "EPSG:32632", rasterio.transform.from_origin(500000, 7800000, 25, 25))
    with open_scene(path) as s:
        grid = choose_grid(s, 25)
        assert s.is_exact_grid(grid)
        st = compute_stretch(s, grid)
        assert st.sample_pixels == 200 * 20 and -16 < st.mean < -11


def test_warped_window_overhang_matches_inner_read(tmp_path, mk):
    with open_scene(mk.geographic(tmp_path / "g.tif", kind="db")) as s:
        grid = choose_grid(s, 25)
        assert not s.is_exact_grid(grid)
        a, va = s.read(grid, Window(0, 0, 100, 100))
        b, vb = s.read(grid, Window(-30, -20, 130, 120))
        np.testing.assert_array_equal(a, b[20:, 30:])
        np.testing.assert_array_equal(va, vb[20:, 30:])
        assert not vb[:20].any() and not vb[:, :30].any() and va.mean() > 0.5


def test_same_sea_in_any_value_kind_gives_the_same_image(tmp_path, mk):
    """On the file's own grid (no resampling), linear sigma0, dB and amplitude DN of the same
    sea stretch to the same 8-bit image (the stretch is affine in dB; amplitude DN are
    quantised to integers, hence a tolerance of a couple of grey levels)."""
    images = {}
    for kind in ("linear", "db", "amplitude"):
        path = mk.projected(tmp_path / f"{kind}.tif", kind=kind, pixel=25.0, seed=9)
        with open_scene(path) as s:
            assert s.kind == kind
            grid = choose_grid(s, 25)
            assert s.is_exact_grid(grid)
            values, valid = s.read(grid, Window(0, 0, grid.width, grid.height))
            images[kind] = apply_stretch(values, valid, compute_stretch(s, grid)).astype(int)
    assert np.abs(images["linear"] - images["db"]).max() <= 1
    diff = np.abs(images["linear"] - images["amplitude"])
    assert np.percentile(diff, 99) <= 2 and diff.mean() < 0.5
