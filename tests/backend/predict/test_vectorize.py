"""Outlines from masks fed in strips: nothing cut at strip edges, holes kept, fragments dropped."""

import numpy as np
import pyogrio
import pytest
import shapely
from slick_backend.scenes import acquisition_time
from slick_backend.vectorize import (
    OutlineCollector,
    StripVectorizer,
    clean_geometry,
    slick_length_m,
    to_map,
    write_outlines,
)


def shapes_mask():
    m = np.zeros((120, 90), bool)
    m[10:60, 10:50] = True
    m[20:40, 20:30] = False  # a hole spanning several strips
    m[70:110, 60:64] = True  # a U: two arms that only join at the bottom ...
    m[70:110, 80:84] = True
    m[106:110, 60:84] = True
    m[65, 5] = m[66, 6] = True  # two pixels touching by a corner only: 2 components
    return m


@pytest.mark.parametrize("step", [1, 7, 16, 120])
def test_components_do_not_depend_on_strips(step):
    m = shapes_mask()
    prob = np.where(m, 0.7, 0.1).astype(np.float32)
    prob[50, 40] = 0.99
    vec = StripVectorizer()
    for r in range(0, m.shape[0], step):
        vec.add(r, m[r:r + step], prob[r:r + step])
    comps = sorted(vec.close(), key=lambda c: -c.pixels)
    assert [c.pixels for c in comps] == [50 * 40 - 200, 2 * 40 * 4 + 4 * 16, 1, 1]
    ring, u = comps[0].geometry, comps[1].geometry
    assert ring.geom_type == "Polygon" and len(ring.interiors) == 1 and ring.area == 1800
    assert u.geom_type == "Polygon" and len(u.interiors) == 0 and u.area == comps[1].pixels
    assert all(c.geometry.is_valid for c in comps)
    assert comps[0].prob_max == pytest.approx(0.99) and comps[0].prob_sum / comps[0].pixels == pytest.approx(
        (0.7 * 1799 + 0.99) / 1800)


def test_min_pixels_drops_small_fragments_only():
    m = shapes_mask()
    vec = StripVectorizer(min_pixels=5)
    for r in range(0, 120, 10):
        vec.add(r, m[r:r + 10])
    assert sorted(c.pixels for c in vec.close()) == [384, 1800]


def test_map_geometry_and_attributes(tmp_path):
    t = (10.0, 0.0, 300000.0, 0.0, -10.0, 6000000.0)
    px = shapely.box(0, 0, 300, 20)  # 3 km x 200 m in pixel units
    geom = to_map(px, t)
    assert geom.bounds == (300000.0, 5999800.0, 303000.0, 6000000.0)
    assert slick_length_m(geom) == pytest.approx(3000) and clean_geometry(geom, 5).geom_type == "MultiPolygon"
    assert acquisition_time("S1B_EW_GRDM_1SDH_20211231T235959_x.tif") == "2021-12-31T23:59:59"
    # a measurement TIFF inside a product names its times in lower case
    assert acquisition_time("s1a-ew-grd-hh-20240501t171838-20240501t171942-053600-0681a2-001.tiff") == "2024-05-01T17:18:38"
    assert acquisition_time("scene.tif", {"TIFFTAG_DATETIME": "2020:01:02 03:04:05"}) == "2020-01-02T03:04:05"
    assert acquisition_time("scene.tif", {}) is None
    col = OutlineCollector(t, 5, 0.1, "s", None, "m")
    vec = StripVectorizer(on_component=col)
    mask = np.zeros((40, 400), bool)
    mask[5:25, 10:310] = True  # 0.6 km2: kept
    mask[30:33, 0:3] = True  # 900 m2: below 0.1 km2, dropped
    vec.add(0, mask, np.full(mask.shape, 0.8, np.float32))
    vec.close()
    assert len(col.rows) == 1 and col.rows[0]["area_km2"] == pytest.approx(0.6)
    for fmt, layer in (("gpkg", "slicks"), ("geojson", None), ("shp", None)):
        path = write_outlines(tmp_path / f"o.{fmt}", col.geometries, col.rows, "EPSG:32633", fmt)
        info = pyogrio.read_info(path, layer=layer)
        assert info["features"] == 1 and info["crs"] == "EPSG:32633"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.cpg", "o.dbf", "o.geojson", "o.gpkg", "o.prj", "o.shp", "o.shx"]
