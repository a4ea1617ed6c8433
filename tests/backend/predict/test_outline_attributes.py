"""Outline attributes (centreline, width, Polsby-Popper, fill factor, aspect, orientation) on
shapes with known answers, and the centreline layer next to the outlines."""

import math
import time

import numpy as np
import pyogrio
import pytest
import shapely
from predict_helpers import CARD, CountingEngine, utm_transform, write_raster
from pyogrio.raw import read as ogr_read
from shapely import affinity
from shapely.geometry import MultiPolygon, Point
from slick_backend.outline_shape import centreline, rectangle_axes, shape_attributes
from slick_backend.predict.api import PredictParams, run_predict
from slick_backend.progress import NullProgress
from slick_backend.vectorize import (
    CENTRELINE_FIELDS,
    FIELDS,
    SHP_NAMES,
    OutlineCollector,
    StripVectorizer,
    centreline_path,
    write_outlines,
)

ORIGIN = (500000.0, 7000000.0)  # UTM magnitudes, as the outlines have


def at_origin(geom):
    return affinity.translate(geom, *ORIGIN)


def rotated_rectangle(length=10000.0, width=1000.0, degrees=30.0):
    """length x width, long side along x, turned counter-clockwise by ``degrees`` about its centre."""
    box = shapely.box(-length / 2, -width / 2, length / 2, width / 2)
    return at_origin(affinity.rotate(box, degrees, origin=(0, 0)))


def test_rotated_rectangle_has_exact_descriptors_and_its_long_axis_as_centreline():
    rect = rotated_rectangle()
    attrs, line = shape_attributes(rect)
    assert attrs["area_km2"] == pytest.approx(10.0) and attrs["perimeter_km"] == pytest.approx(22.0)
    assert attrs["polsby_popper"] == pytest.approx(4 * math.pi * 10.0 / 22.0**2, rel=1e-12)
    assert attrs["fill_factor"] == pytest.approx(1.0, abs=1e-9)
    assert attrs["aspect_ratio"] == pytest.approx(10.0, rel=1e-9)
    # long axis 30 degrees counter-clockwise from east = 60 degrees clockwise from north
    assert attrs["orientation_deg"] == pytest.approx(60.0, abs=1e-6)
    assert attrs["length_km"] == pytest.approx(10.0)
    # the medial axis forks into the corners (10.41 km corner to corner); the re-aimed ends
    # put the centreline on the long axis from short side to short side
    assert attrs["centerline_km"] == pytest.approx(10.0, abs=0.01)
    assert attrs["mean_width_m"] == pytest.approx(1000.0, rel=0.002)
    ends = shapely.get_coordinates(line)[[0, -1]]
    axis = np.array([math.cos(math.radians(30)), math.sin(math.radians(30))]) * 5000.0
    mids = np.array([np.array(ORIGIN) - axis, np.array(ORIGIN) + axis])
    dist = np.minimum(np.hypot(*(ends - mids).T), np.hypot(*(ends - mids[::-1]).T))
    assert (dist < 10.0).all(), "the centreline ends at the middles of the short sides"
    assert line.geom_type == "MultiLineString" and rect.buffer(1e-6).covers(line)


@pytest.mark.parametrize(("degrees", "azimuth"), [(0, 90), (90, 0), (-30, 120), (135, 135), (180, 90)])
def test_orientation_is_an_azimuth_in_0_180(degrees, azimuth):
    got = rectangle_axes(rotated_rectangle(2000, 200, degrees))[2]
    assert 0 <= got < 180 and got == pytest.approx(azimuth, abs=1e-6)


def test_circle_is_compact_and_its_centreline_a_diameter():
    disk = at_origin(Point(0, 0).buffer(1000.0, quad_segs=64))
    attrs, line = shape_attributes(disk)
    assert attrs["polsby_popper"] == pytest.approx(1.0, abs=1e-3)
    assert attrs["fill_factor"] == pytest.approx(math.pi / 4, abs=2e-3)
    assert attrs["aspect_ratio"] == pytest.approx(1.0, abs=1e-3)
    assert attrs["centerline_km"] == pytest.approx(2.0, abs=0.005)  # no medial axis: the widest chord
    assert attrs["mean_width_m"] == pytest.approx(math.pi * 1000 / 2, rel=0.005)


def test_stadium_and_ellipse_centrelines_run_tip_to_tip():
    stadium = at_origin(shapely.LineString([(0, 0), (9000, 0)]).buffer(500.0, quad_segs=32))
    ellipse = at_origin(affinity.scale(Point(0, 0).buffer(1000.0, quad_segs=64), 3, 1))
    assert shape_attributes(stadium)[0]["centerline_km"] == pytest.approx(10.0, abs=0.01)
    assert shape_attributes(ellipse)[0]["centerline_km"] == pytest.approx(6.0, abs=0.01)


def test_curved_ribbon_centreline_follows_the_curve():
    """A quarter of a 1 km wide ring of centre radius 5 km: centreline = pi/2 * 5 km = 7.85 km."""
    ring = Point(0, 0).buffer(5500.0, quad_segs=128).difference(Point(0, 0).buffer(4500.0, quad_segs=128))
    ribbon = at_origin(ring.intersection(shapely.box(0, 0, 6000, 6000)))
    attrs, line = shape_attributes(ribbon)
    assert attrs["centerline_km"] == pytest.approx(math.pi / 2 * 5.0, rel=0.01)
    assert attrs["centerline_km"] > 1.005 * attrs["length_km"]  # the rectangle's long side cuts the bend
    assert attrs["mean_width_m"] == pytest.approx(1000.0, rel=0.01)
    radius = np.hypot(*(shapely.get_coordinates(line) - ORIGIN).T)
    assert np.abs(radius[1:-1] - 5000.0).max() < 1.0, "the line keeps to the middle of the ribbon"
    # the ends run straight on along the tangent for about a width: sqrt(5000^2 + 1150^2) - 5000 = 130 m
    assert np.abs(radius[[0, -1]] - 5000.0).max() < 150.0


def test_l_shape_centreline_goes_round_the_corner():
    ell = at_origin(shapely.union(shapely.box(0, 0, 10000, 1000), shapely.box(0, 0, 1000, 5000)))
    attrs, _ = shape_attributes(ell)
    # arm centrelines 9.5 + 4.5 km, cut short where they meet in the corner square
    assert 13.5 < attrs["centerline_km"] < 14.0
    assert attrs["centerline_km"] > attrs["length_km"] == pytest.approx(10.0)
    assert attrs["mean_width_m"] == pytest.approx(14e6 / (attrs["centerline_km"] * 1e3))


def test_multipart_outline_sums_its_parts():
    a, b = shapely.box(0, 0, 4000, 400), shapely.box(0, 2000, 3000, 2300)
    multi = at_origin(MultiPolygon([a, b]))
    attrs, line = shape_attributes(multi)
    assert line.geom_type == "MultiLineString" and len(line.geoms) == 2
    assert attrs["centerline_km"] == pytest.approx(7.0, abs=0.01)
    assert attrs["mean_width_m"] == pytest.approx((1.6e6 + 0.9e6) / 7000.0, rel=0.002)
    assert attrs["polsby_popper"] == pytest.approx(4 * math.pi * 2.5e6 / (8800.0 + 6600.0) ** 2)


def test_small_and_pixel_outlines_get_finite_attributes():
    for geom in (at_origin(shapely.box(0, 0, 25, 25)), at_origin(shapely.box(0, 0, 25, 75))):
        attrs, line = shape_attributes(geom)
        assert all(math.isfinite(v) for v in attrs.values()) and line.length > 0
    assert shape_attributes(at_origin(shapely.box(0, 0, 25, 75)))[0]["centerline_km"] == pytest.approx(0.075)
    assert centreline(shapely.Polygon()) is None


def test_outlines_from_a_pixel_mask():
    """A 5 km x 500 m ribbon at 30 degrees, rasterised at 25 m and vectorised as predict does."""
    from rasterio.features import rasterize

    t = (25.0, 0.0, ORIGIN[0] - 4000, 0.0, -25.0, ORIGIN[1] + 4000)
    ribbon = rotated_rectangle(5000, 500, 30)
    mask = rasterize([ribbon], out_shape=(320, 320), transform=t).astype(bool)
    col = OutlineCollector(t, 12.5, 0.1, "s", None, "m")
    vec = StripVectorizer(on_component=col)
    for r in range(0, 320, 64):
        vec.add(r, mask[r : r + 64])
    vec.close()
    assert len(col.rows) == len(col.centrelines) == 1
    row = col.rows[0]
    assert row["centerline_km"] == pytest.approx(5.0, rel=0.03)  # staircase outline, ends at pixel corners
    assert row["mean_width_m"] == pytest.approx(500.0, rel=0.05)
    assert row["orientation_deg"] == pytest.approx(60.0, abs=2.0)
    assert row["aspect_ratio"] == pytest.approx(10.0, rel=0.1) and row["fill_factor"] > 0.9
    assert set(FIELDS) <= set(row)


def test_cost_stays_bounded_on_long_detailed_outlines():
    """A 60 km meander with 40,000 vertices: the samples are capped, nothing is quadratic."""
    t = np.linspace(0, 60000, 10000)
    axis = shapely.LineString(np.column_stack([t, 3000 * np.sin(t / 4000)]))
    meander = at_origin(shapely.segmentize(axis.buffer(300.0), 5))
    assert shapely.get_num_coordinates(meander) > 40000
    shape_attributes(at_origin(shapely.box(0, 0, 100, 100)))  # imports
    t0 = time.perf_counter()
    attrs, _ = shape_attributes(meander)
    assert time.perf_counter() - t0 < 2.0  # ~40 ms on a 2-core CPU
    assert attrs["centerline_km"] == pytest.approx(axis.length / 1e3 + 0.6, rel=0.01)  # + the round caps


def _features(n=3):
    geoms = [at_origin(MultiPolygon([shapely.box(i * 3000, 0, i * 3000 + 2000, 300)])) for i in range(n)]
    rows, lines = [], []
    for i, g in enumerate(geoms, start=1):
        attrs, line = shape_attributes(g)
        rows.append({"id": i, **attrs, "mean_prob": 0.8, "max_prob": 0.9, "scene": "s", "acq_time": None,
                     "model": "m", "created": "2024-01-01T00:00:00+00:00"})
        lines.append(line)
    return geoms, rows, lines


def test_centrelines_layer_in_the_geopackage(tmp_path):
    geoms, rows, lines = _features()
    path = write_outlines(tmp_path / "o.gpkg", geoms, rows, "EPSG:32633", "gpkg", lines)
    assert centreline_path(path) == path
    assert [tuple(x) for x in pyogrio.list_layers(path)] == [("slicks", "MultiPolygon"),
                                                             ("centrelines", "MultiLineString")]
    meta, _, wkb, fields = ogr_read(path, layer="centrelines")
    assert meta["fields"].tolist() == CENTRELINE_FIELDS and meta["crs"] == "EPSG:32633"
    assert fields[0].tolist() == [1, 2, 3] and fields[1].tolist() == ["s"] * 3
    assert np.allclose(fields[3], [shapely.from_wkb(w).length / 1e3 for w in wkb])
    meta, _, _, out_fields = ogr_read(path, layer="slicks")
    assert meta["fields"].tolist() == FIELDS and out_fields[0].tolist() == [1, 2, 3]
    assert np.allclose(out_fields[FIELDS.index("centerline_km")], fields[3])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.gpkg"]  # no temporary left


@pytest.mark.parametrize("fmt", ["shp", "geojson"])
def test_centrelines_file_next_to_shapefile_and_geojson(tmp_path, fmt):
    geoms, rows, lines = _features()
    path = write_outlines(tmp_path / f"o.{fmt}", geoms, rows, "EPSG:32633", fmt, lines)
    side = centreline_path(path)
    assert side.name == f"o_centrelines.{fmt}"
    info, side_info = pyogrio.read_info(path), pyogrio.read_info(side)
    assert info["features"] == side_info["features"] == 3 and side_info["geometry_type"] in (
        "MultiLineString", "LineString")
    expected = [SHP_NAMES.get(f, f) for f in FIELDS] if fmt == "shp" else FIELDS
    assert info["fields"].tolist() == expected
    assert ogr_read(side)[3][0].tolist() == [1, 2, 3]
    if fmt == "shp":
        assert {p.name for p in tmp_path.iterdir()} == {f"{stem}{ext}" for stem in ("o", "o_centrelines")
                                                        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg")}


def test_shapefile_names_fit_dbase():
    names = [SHP_NAMES.get(f, f) for f in FIELDS]
    assert all(len(n) <= 10 for n in names) and len(set(names)) == len(names)
    assert all(len(SHP_NAMES.get(f, f)) <= 10 for f in CENTRELINE_FIELDS)


def test_mismatched_centrelines_are_refused_before_writing(tmp_path):
    geoms, rows, lines = _features()
    with pytest.raises(ValueError, match="2 centrelines for 3 outlines"):
        write_outlines(tmp_path / "o.gpkg", geoms, rows, "EPSG:32633", "gpkg", lines[:2])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_predict_writes_the_centrelines(tmp_path, fmt):
    img = np.full((200, 200), 200, np.uint8)
    img[40:60, 20:180] = 30  # a 4 km x 500 m slick
    scene = write_raster(tmp_path / "scene.tif", img, utm_transform(), "EPSG:32633", 0)
    params = PredictParams(scene=str(scene), out_prefix=str(tmp_path / "out" / "p"), format=fmt, min_area_km2=0.05)
    res = run_predict(params, NullProgress(), engine=CountingEngine(), card=dict(CARD))
    lines = res.get("centrelines", res["outlines"])
    layer = "centrelines" if fmt == "gpkg" else None
    meta, _, wkb, fields = ogr_read(lines, layer=layer)
    assert res["n_slicks"] == len(wkb) == 1 and fields[0].tolist() == [1]
    assert shapely.from_wkb(wkb[0]).length == pytest.approx(4000.0, rel=0.01)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert not [n for n in names if "partial" in n]
    if fmt == "shp":
        assert "p_slicks_centrelines.shp" in names and "p_slicks_centrelines.dbf" in names
