"""`slick-backend atlas` end to end on hand-made scenes (atlas_helpers.SCENES): every output and field."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys

import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from atlas_helpers import S1, S2, SCENES
from pyproj import Transformer
from slick_backend.atlas.cluster import confidence
from slick_backend.atlas.writers import ELLIPSE_FIELDS, SOURCE_FIELDS

TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32632", always_xy=True)


@pytest.fixture(scope="module")
def atlas(series, tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas_out") / "atlas"
    done = subprocess.run([sys.executable, "-m", "slick_backend", "--quiet", "atlas", "--outlines", series["outlines"],
                           "--coverage", *series["coverage"], "--drift", series["drift"], "--out", out],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out, json.loads(done.stdout)


def test_result_names_every_output(atlas):
    out, result = atlas
    gpkg = out / "sources.gpkg"
    assert result == {"out": str(out), "recurrence": str(out / "recurrence.tif"),
                      "sources": f"{gpkg}|layername=sources", "ellipses": f"{gpkg}|layername=ellipses",
                      "timeseries": str(out / "timeseries.csv"), "report": str(out / "report.html"),
                      "charts": {"1": str(out / "charts/source_1.png"), "2": str(out / "charts/source_2.png")},
                      "n_scenes": 7, "n_slicks": 10, "n_sources": 2}
    assert sorted(p.name for p in out.iterdir()) == ["atlas.json", "atlas.png", "charts", "recurrence.tif",
                                                     "report.html", "sources.gpkg", "timeseries.csv"]
    assert not [p for p in out.parent.iterdir() if ".partial" in p.name]


def test_sources_are_the_two_seeps_with_their_dates(atlas):
    out, _ = atlas
    meta, _, wkb, fields = pyogrio.raw.read(out / "sources.gpkg", layer="sources")
    assert meta["crs"] == "EPSG:4326" and list(meta["fields"]) == list(SOURCE_FIELDS)
    rows = [dict(zip(meta["fields"], values, strict=True)) for values in zip(*fields, strict=True)]
    points = [TO_UTM.transform(p.x, p.y) for p in shapely.from_wkb(wkb)]
    one, two = rows
    assert [one["id"], two["id"]] == [1, 2]
    assert math.dist(points[0], S1) < 100 and math.dist(points[1], S2) < 100
    # S1: slicks in s01-s05 and s07 (a second pass on s01's date): 6 slicks on 5 dates; s06 saw no slick
    assert (one["n_dates"], one["n_slicks"], one["n_observed"]) == (5, 6, 6)
    assert (one["first_date"], one["last_date"]) == ("2021-06-01", "2021-06-20")
    assert one["slick_ids"] == "s01#1;s07#1;s02#1;s03#1;s04#1;s05#1"
    # s07 has no drift direction: its slick's narrow end (the plume widens away from the seep) is its one
    # candidate, so every candidate of S1 has an end told apart
    assert one["confidence"] == pytest.approx(confidence(5, 1.0), abs=1e-4)
    # S2: slicks in s01, s03, s04; covered on five dates (s06 has no data there, s07 shares s01's date)
    assert (two["n_dates"], two["n_slicks"], two["n_observed"]) == (3, 3, 5)
    assert two["slick_ids"] == "s01#2;s03#2;s04#2" and two["confidence"] == pytest.approx(confidence(3, 1.0), abs=1e-4)
    for row in rows:
        assert 50.0 <= row["semi_minor_m"] <= row["semi_major_m"] < 300 and 0 <= row["orientation_deg"] < 180


def test_ellipses_layer_holds_each_source(atlas):
    out, _ = atlas
    meta, _, wkb, fields = pyogrio.raw.read(out / "sources.gpkg", layer="ellipses")
    _, _, points, _ = pyogrio.raw.read(out / "sources.gpkg", layer="sources")
    assert meta["crs"] == "EPSG:4326" and list(meta["fields"]) == list(ELLIPSE_FIELDS)
    assert fields[0].tolist() == [1, 2] and fields[1].tolist() == [5, 3]
    for ring, point in zip(shapely.from_wkb(wkb), shapely.from_wkb(points), strict=True):
        assert ring.geom_type == "Polygon" and ring.contains(point)


def test_timeseries_has_a_row_per_source_and_covering_scene(atlas, series):
    out, _ = atlas
    with open(out / "timeseries.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["source_id", "scene", "date", "detected", "area_km2", "length_km"]
    s1 = {r["scene"]: r for r in rows if r["source_id"] == "1"}
    s2 = {r["scene"]: r for r in rows if r["source_id"] == "2"}
    assert sorted(s1) == ["s01", "s02", "s03", "s04", "s05", "s06", "s07"]
    assert sorted(s2) == ["s01", "s02", "s03", "s04", "s05", "s07"]  # s06 did not see S2
    for scene, (when, _, at_s1, at_s2) in SCENES.items():
        assert s1[scene]["date"] == when[:10] and s1[scene]["detected"] == str(int(at_s1))
        if scene in s2:
            assert s2[scene]["detected"] == str(int(at_s2))
    assert s1["s06"]["area_km2"] == "" and s1["s06"]["length_km"] == ""
    area = float(s1["s01"]["area_km2"])
    assert area == pytest.approx(0.5 * (120 + 600) * 4060 / 1e6, rel=0.01)  # the trapezoid, 4060 m long
    assert float(s1["s01"]["length_km"]) == pytest.approx(4.06, abs=0.1)
    assert float(s2["s03"]["length_km"]) == pytest.approx(3.06, abs=0.1)


def test_recurrence_raster_counts_scenes_and_slicks(atlas):
    out, _ = atlas
    with rasterio.open(out / "recurrence.tif") as ds:
        assert ds.count == 2 and ds.dtypes == ("float32", "float32") and ds.nodata == -1
        assert ds.descriptions == ("recurrence", "coverage") and ds.crs.to_epsg() == 32632 and ds.res == (100, 100)
        share, count = ds.read(1), ds.read(2)
        at_s1, at_s2 = ds.index(*S1), ds.index(*S2)
    assert (share[at_s1], count[at_s1]) == (pytest.approx(6 / 7), 7)  # slick in 6 of the 7 scenes
    assert (share[at_s2], count[at_s2]) == (pytest.approx(3 / 6), 6)  # 3 slicks, 6 scenes saw it
    covered = count > 0
    assert (share[~covered] == -1).all() and ((share[covered] >= 0) & (share[covered] <= 1)).all()
    slick_scenes = share[covered] * count[covered]
    np.testing.assert_allclose(slick_scenes, np.round(slick_scenes), atol=1e-4)  # whole numbers of scenes
    assert count.max() == 7 and set(np.unique(count)) <= {0, 6, 7}


def test_json_report_map_and_charts(atlas):
    out, _ = atlas
    doc = json.loads((out / "atlas.json").read_text())
    assert doc["format"] == "slick-atlas" and doc["version"] == 1
    assert doc["params"]["pixel_size"] == 100.0 and doc["params"]["min_dates"] == 3 \
        and doc["params"]["source_radius_m"] == 400.0
    assert doc["counts"] == {"scenes": 7, "scenes_with_slicks": 6, "dates": 6, "slicks": 10, "candidates": 11,
                             "directed_candidates": 9, "sources": 2}
    assert [s["id"] for s in doc["sources"]] == [1, 2] and {"lon", "lat", *SOURCE_FIELDS} == set(doc["sources"][0])
    assert {s["scene"]: s["drift_to_deg"] for s in doc["scenes"]}["s07"] is None
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and "s01#2;s03#2;s04#2" in html
    for png in (out / "atlas.png", out / "charts/source_1.png", out / "charts/source_2.png"):
        with rasterio.open(png) as img:
            assert img.width > 300 and img.read().std() > 0
