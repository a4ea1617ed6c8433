"""Atlas inputs: outline layers and fields, footprints from rasters and vector files, the drift CSV."""

from __future__ import annotations

import numpy as np
import pytest
from atlas_helpers import CRS, LEFT, PIXEL, TOP, plume, write_coverage, write_drift, write_outlines
from shapely.geometry import LineString, box
from slick_backend.atlas.coverage import coverage_paths, raster_footprint, vector_footprints
from slick_backend.atlas.drift import read_drift
from slick_backend.atlas.outlines import pick_layer, read_outline_file
from slick_backend.errors import InputError

SEEP = (503_050.0, 6_695_050.0)


def _lines_layer(path, layer):
    import shapely
    from pyogrio.raw import write

    wkb = np.array(shapely.to_wkb([LineString([SEEP, (SEEP[0] + 900, SEEP[1])])]), dtype=object)
    write(str(path), wkb, [np.array([1])], ["id"], driver="GPKG", layer=layer, crs=CRS, geometry_type="LineString",
          append=path.exists())


def test_the_slicks_layer_first_else_the_first_polygon_layer(tmp_path):
    mixed = tmp_path / "mixed.gpkg"
    _lines_layer(mixed, "centrelines")
    write_outlines(mixed, [{"geom": plume(SEEP, 10), "scene": "a"}], layer="polys")
    assert pick_layer(mixed) == "polys"
    write_outlines(mixed, [{"geom": plume(SEEP, 90), "scene": "b"}], layer="slicks")
    assert pick_layer(mixed) == "slicks" and [s.scene for s in read_outline_file(mixed).slicks] == ["b"]
    lines = tmp_path / "lines.gpkg"
    _lines_layer(lines, "centrelines")
    with pytest.raises(InputError, match=r"lines.gpkg: no polygon layer \(layers: centrelines \(LineString\)\)"):
        pick_layer(lines)
    with pytest.raises(InputError, match="no such file"):
        pick_layer(tmp_path / "nothing.gpkg")


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp"])
def test_fields_and_their_defaults_in_any_format_and_crs(tmp_path, suffix):
    path = write_outlines(tmp_path / f"scene_x{suffix}", [{"geom": plume(SEEP, 10), "acq_time": "2021-06-01T07:00:00"},
                                                           {"geom": plume(SEEP, 200), "acq_time": ""}], crs=CRS)
    slicks = read_outline_file(path).slicks
    assert [(s.scene, s.sid, s.named) for s in slicks] == [("scene_x", "1", False), ("scene_x", "2", False)]
    assert slicks[0].acq_time.isoformat() == "2021-06-01T07:00:00+00:00" and slicks[1].acq_time is None
    assert slicks[0].geom.area == pytest.approx(plume(SEEP, 10).area, rel=1e-6)


def test_a_bad_acq_time_names_the_file_and_feature(tmp_path):
    path = write_outlines(tmp_path / "o.gpkg", [{"geom": plume(SEEP, 10), "scene": "a", "acq_time": "June 1st"}])
    with pytest.raises(InputError, match=r"o.gpkg: feature 1 of layer 'slicks': acq_time 'June 1st' is not an ISO"):
        read_outline_file(path)


def test_raster_footprint_is_the_valid_data_on_the_grid(tmp_path):
    valid = np.ones((20, 30), bool)
    valid[:, 20:] = False  # the right third is nodata
    valid[5:10, 5:10] = False  # and a hole
    fp = raster_footprint(str(write_coverage(tmp_path / "S1A_x_20210601T070000.tif", 30, 20, valid)), "32N", PIXEL)
    assert fp.scene == "S1A_x_20210601T070000" and fp.acq_time.isoformat() == "2021-06-01T07:00:00+00:00"
    assert fp.geom.bounds == (LEFT, TOP - 2000, LEFT + 2000, TOP) and fp.geom.area == (400 - 25) * PIXEL**2
    measurement = write_coverage(tmp_path / "s1a-ew-grd-hh-20210602t071500-20210602t071600-1.tiff", 4, 4)
    assert raster_footprint(str(measurement), "32N", PIXEL).acq_time.isoformat() == "2021-06-02T07:15:00+00:00"


def test_raster_footprint_of_a_lonlat_raster_lands_in_the_utm_zone(tmp_path):
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin

    path = tmp_path / "geo.tif"
    with rasterio.open(path, "w", driver="GTiff", width=40, height=20, count=1, dtype="float32", crs="EPSG:4326",
                       transform=from_origin(9.0, 60.4, 0.005, 0.005), nodata=0) as dst:
        dst.write(np.full((20, 40), 0.02, np.float32), 1)
        dst.update_tags(ACQUISITION_TIME="2021-06-01T07:00:00")
    fp = raster_footprint(str(path), "32N", PIXEL)
    x0, y0, x1, y1 = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform_bounds(9.0, 60.3, 9.2, 60.4)
    truth = box(x0, y0, x1, y1)
    assert fp.geom.symmetric_difference(truth).area < 0.05 * truth.area


def test_vector_footprints_by_scene_field(tmp_path):
    from pyproj import Transformer
    from shapely.ops import transform

    to_lonlat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform
    rows = [{"geom": transform(to_lonlat, box(LEFT, TOP - 5000, LEFT + 5000, TOP)), "scene": "a",
             "acq_time": "2021-06-01T07:00:00"},
            {"geom": transform(to_lonlat, box(LEFT + 5000, TOP - 5000, LEFT + 9000, TOP)), "scene": "a",
             "acq_time": ""},
            {"geom": transform(to_lonlat, box(LEFT, TOP - 9000, LEFT + 3000, TOP)), "scene": "b", "acq_time": ""}]
    found = {f.scene: f for f in vector_footprints(str(write_outlines(tmp_path / "fp.gpkg", rows,
                                                                     crs="EPSG:4326")), CRS)}
    assert set(found) == {"a", "b"} and found["b"].acq_time is None
    assert found["a"].geom.area == pytest.approx(45e6, rel=1e-3) and found["a"].acq_time.day == 1
    unnamed = write_outlines(tmp_path / "two.gpkg", [{"geom": r["geom"], "n": 1} for r in rows[:2]], crs="EPSG:4326")
    with pytest.raises(InputError, match="2 footprints but no field 'scene'"):
        vector_footprints(str(unnamed), CRS)


def test_coverage_entries_expand_like_predict_scenes(tmp_path):
    folder = tmp_path / "scenes"
    folder.mkdir()
    for name in ("a", "b"):
        write_coverage(folder / f"{name}.tif", 4, 4)
    (tmp_path / "list.txt").write_text("# scenes\nscenes/a.tif\n")
    fp = write_outlines(tmp_path / "fp.gpkg", [{"geom": box(0, 0, 1, 1), "scene": "c"}])
    found = coverage_paths([str(folder), f"@{tmp_path / 'list.txt'}", str(fp)])
    assert [p.rsplit("/", 1)[1] for p in found] == ["a.tif", "b.tif", "fp.gpkg"]
    with pytest.raises(InputError, match=r"--coverage .*nope.tif: no such scene, folder or footprint file"):
        coverage_paths([str(tmp_path / "nope.tif")])
    with pytest.raises(InputError, match="--coverage: give the scenes that were looked at"):
        coverage_paths([])


def test_drift_csv_rows_and_their_errors(tmp_path):
    good = write_drift(tmp_path / "d.csv", [("S01", "2021-06-01T07:00:00Z", "370", "5"), ("s02", "", "", "")])
    rows = read_drift(str(good))
    assert rows["s01"].drift_to_deg == 10.0 and rows["s01"].acq_time.hour == 7
    assert rows["s02"].drift_to_deg is None and rows["s02"].acq_time is None
    cases = [([("a", "", "east", "")], r"d2.csv:2: drift_to_deg 'east' is not a number"),
             ([("a", "", "10", ""), ("", "", "10", "")], r"d2.csv:3: no scene id"),
             ([("a", "", "10", ""), ("a", "", "20", "")], r"d2.csv:3: scene a is listed twice"),
             ([("a", "yesterday", "10", "")], r"d2.csv:2: acq_time 'yesterday' is not an ISO 8601 time"),
             ([("a", "", "nan", "")], r"d2.csv:2: drift_to_deg 'nan' is not a number")]
    for rows, message in cases:
        with pytest.raises(InputError, match=message):
            read_drift(str(write_drift(tmp_path / "d2.csv", rows)))
    (tmp_path / "bad.csv").write_text("scene,direction\na,10\n")
    with pytest.raises(InputError, match=r"bad.csv:1: no column drift_to_deg in the header \(scene, direction\)"):
        read_drift(str(tmp_path / "bad.csv"))
    with pytest.raises(InputError, match="--drift .*none.csv: no such file"):
        read_drift(str(tmp_path / "none.csv"))
