"""`simulate --site NAME --gaps SHARE`: a time series at one site with known seeps (the seep atlas's truth)."""

import csv
import datetime as dt
import json
import math

import numpy as np
import pyogrio.raw
import pytest
import rasterio
import shapely
from pyproj import Geod, Transformer
from rasterio import features
from rasterio.transform import GCPTransformer
from slick_backend.cli.main import main
from slick_backend.errors import InputError
from slick_backend.progress import NullProgress
from slick_backend.simulate.api import SimulateParams, run_simulate
from slick_backend.simulate.geometry import place_scene
from slick_backend.simulate.modes import EW, IW
from slick_backend.simulate.series import GAP_MARGIN_M, place_gap_scene
from slick_backend.simulate.sites import SITES

SITE = SITES["sentralbanken"]
GEOD = Geod(ellps="WGS84")


def _angle(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    out = tmp_path_factory.mktemp("series") / "sb"
    rc = main(["--quiet", "simulate", "--mode", "EW", "--site", "sentralbanken", "--scenes", "8", "--gaps", "0.25",
               "--size", "256", "--seed", "5", "--out", str(out)])
    assert rc == 0
    manifest = json.loads((out / "manifest.json").read_text())
    meta, _, wkb, data = pyogrio.raw.read(out / "labels.gpkg", layer="slicks")
    labels = [dict(zip(meta["fields"], row, strict=True)) | {"geometry": g}
              for row, g in zip(zip(*data, strict=True), shapely.from_wkb(wkb), strict=True)]
    return out, manifest, labels


def _valid_footprint_utm(path, epsg: int):
    """Where the raster has data, as one (multi)polygon in the site's UTM zone, from the file's own georeference."""
    with rasterio.open(path) as src:
        data = src.read(1)
        if src.gcps[0]:
            valid, crs, transform = data > 0, src.gcps[1], GCPTransformer(src.gcps[0])
        else:
            valid = np.isfinite(data) & (data != src.nodata) if src.nodata is not None else np.isfinite(data)
            crs, transform = src.crs, src.transform
    shapes = [shapely.geometry.shape(g) for g, _ in features.shapes(valid.astype(np.uint8), mask=valid)]
    pixels = shapely.union_all(shapes)  # in (col, row) pixel coordinates
    if isinstance(transform, GCPTransformer):
        def to_xy(cr):
            return np.column_stack(transform.xy(cr[:, 1], cr[:, 0], offset="ul"))
    else:
        def to_xy(cr):
            return np.column_stack(transform @ (cr[:, 0], cr[:, 1]))
    to_utm = Transformer.from_crs(crs, epsg, always_xy=True)
    return shapely.transform(pixels, lambda cr: np.column_stack(to_utm.transform(*to_xy(cr).T)))


def test_every_scene_is_at_the_site_one_date_each(series):
    out, manifest, _ = series
    scenes = manifest["scenes"]
    assert manifest["params"]["site"] == "sentralbanken" and len(scenes) == 8
    assert [s["georef"] for s in scenes[:3]] == ["gcp", "epsg4326", "utm"]  # still cycled
    times = [dt.datetime.fromisoformat(s["acquisition_time"].replace("Z", "+00:00")) for s in scenes]
    assert all(b - a >= dt.timedelta(hours=12) for a, b in zip(times, times[1:], strict=False))
    assert len({t.date() for t in times}) == len(times)  # one date per scene
    centre = shapely.Point(SITE.centre_utm())
    for scene in scenes:
        assert scene["site"] == "sentralbanken" and scene["utm_epsg"] == SITE.epsg
        with rasterio.open(out / scene["file"]) as src:
            assert src.tags()["SITE"] == "sentralbanken"
        # a 10 km scene at the site: its data within a few km of the site centre, gap dates too
        assert _valid_footprint_utm(out / scene["file"], SITE.epsg).distance(centre) < 12000


def test_truth_lists_the_sites_seeps_and_what_each_date_shows(series):
    out, manifest, labels = series
    assert [s["name"] for s in manifest["sites"]] == ["sentralbanken"]
    truth = manifest["sites"][0]["seeps"]
    assert [s["seep"] for s in truth] == [s.id for s in SITE.seeps]
    to_ll = Transformer.from_crs(SITE.epsg, 4326, always_xy=True)
    for record, seep in zip(truth, SITE.seeps, strict=True):
        lon, lat = to_ll.transform(*SITE.seep_utm(seep))
        assert GEOD.inv(record["lon"], record["lat"], lon, lat)[2] < 1.0
    labelled_dates = 0
    for scene in manifest["scenes"]:
        mine = [r for r in labels if r["scene"] == scene["id"]]
        assert all(r["acq_time"] == scene["acquisition_time"] for r in mine)
        by_seep = {r["seep"] for r in mine}
        assert [t["seep"] for t in scene["site_seeps"]] == [s.id for s in SITE.seeps]
        for t in scene["site_seeps"]:
            assert t["labelled"] == (t["seep"] in by_seep) == (t["slick_pixels"] > 0)
            assert not t["labelled"] or t["in_view"]  # nothing is outlined of a seep nobody saw
            assert (t["leaking"] is None) == (not t["in_view"])
            labelled_dates += t["labelled"]
        for s in scene["seeps"]:
            assert s["labelled"] == (s["seep"] in by_seep)
    assert labelled_dates >= 2  # the series is not empty of truth


def test_in_view_agrees_with_the_data_in_the_files(series):
    """A seep counts as seen on a date exactly when the scene's file has data at the seep."""
    out, manifest, _ = series
    checked = 0
    for scene in manifest["scenes"]:
        footprint = _valid_footprint_utm(out / scene["file"], SITE.epsg)
        edge = footprint.boundary
        for t, seep in zip(scene["site_seeps"], SITE.seeps, strict=True):
            point = shapely.Point(SITE.seep_utm(seep))
            if edge.distance(point) < 3 * scene["pixel_m"]:  # on the edge of the data: resampling decides
                continue
            assert footprint.contains(point) == t["in_view"], (scene["id"], t)
            checked += 1
    assert checked >= 18


def test_gap_dates_leave_seeps_outside_the_scene(series):
    out, manifest, _ = series
    gaps = [s for s in manifest["scenes"] if s["gap"]]
    assert len(gaps) == round(0.25 * 8)
    for scene in gaps:
        footprint = _valid_footprint_utm(out / scene["file"], SITE.epsg).convex_hull
        outside = [t for t, seep in zip(scene["site_seeps"], SITE.seeps, strict=True)
                   if footprint.distance(shapely.Point(SITE.seep_utm(seep))) > 0.5 * GAP_MARGIN_M]
        assert outside, scene["id"]
        assert all(not t["in_view"] and not t["labelled"] for t in outside)


@pytest.mark.parametrize("mode,site,size", [(EW, "sentralbanken", 256), (EW, "prins_karls_forland", 2048),
                                            (IW, "north_sea", 512), (EW, "sentralbanken", 64)])
def test_gap_placement_misses_some_or_all_seeps_by_the_margin(mode, site, size):
    site = SITES[site]
    rng = np.random.default_rng(3)
    all_out = 0
    for k in range(40):
        geom = place_gap_scene(mode, site, size, rng, ascending=bool(k % 2))
        inside = []
        rect = shapely.Polygon([(0, 0), (geom.cols, 0), (geom.cols, geom.rows), (0, geom.rows)])
        for seep in site.seeps:
            row, col = geom.utm_to_image(*site.seep_utm(seep))
            depth = rect.exterior.distance(shapely.Point(col, row)) * mode.pixel_m
            assert depth >= GAP_MARGIN_M - 1e-6  # clearly in or clearly out, never on the edge
            inside.append(rect.contains(shapely.Point(col, row)))
        assert not all(inside)
        all_out += not any(inside)
    assert 8 <= all_out <= 40  # about half the gap dates miss every seep, the others only some


def test_drift_csv_matches_the_manifest(series):
    out, manifest, _ = series
    with open(out / "drift.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["scene", "acq_time", "drift_to_deg", "wind_to_deg"]
    scenes = manifest["scenes"]
    assert [r["scene"] for r in rows] == [s["id"] for s in scenes]
    for row, scene in zip(rows, scenes, strict=True):
        assert row["acq_time"] == scene["acquisition_time"]
        assert float(row["drift_to_deg"]) == scene["drift_to_deg"] == scene["conditions"]["drift_to_deg"]
        assert float(row["wind_to_deg"]) == scene["wind_to_deg"] == scene["conditions"]["wind_direction_deg"]
        assert 0.0 <= scene["drift_to_deg"] < 360.0
    assert len({s["drift_to_deg"] for s in scenes}) == len(scenes)  # drift and wind change per date
    assert len({s["wind_to_deg"] for s in scenes}) == len(scenes)


def test_directions_are_map_directions(series):
    """Plumes start around the wind (drawn as a map direction); written back as map directions the
    two agree, which they would not if the radar image's mirroring or rotation were mishandled."""
    _, manifest, _ = series
    starts = [_angle(s["conditions"]["plume_start_to_deg"], s["wind_to_deg"]) for s in manifest["scenes"]]
    assert np.median(starts) < 40.0
    plumes = [_angle(p["direction_to_deg"], s["conditions"]["plume_start_to_deg"])
              for s in manifest["scenes"] for p in s["seeps"]]
    assert len(plumes) >= 8 and np.median(plumes) < 45.0


@pytest.mark.parametrize("mode,site", [(EW, "sentralbanken"), (IW, "north_sea"), (EW, "prins_karls_forland")])
def test_image_and_map_angles_invert_each_other(mode, site):
    rng = np.random.default_rng(0)
    for ascending in (True, False):
        geom = place_scene(mode, SITES[site], 128, rng, ascending)
        for deg in (0.0, 45.0, 90.0, 200.0, 359.0):
            assert _angle(geom.image_to_map_deg(geom.map_to_image_angle(deg)), deg) < 1e-6
        # the image's +row direction is the satellite's ground track on the map
        assert _angle(geom.image_to_map_deg(math.pi / 2), geom.heading_deg) < 1e-6


def test_oil_is_carried_towards_the_drift_direction(tmp_path):
    """Slicks that start at their seep lie down-drift of it: the atlas takes the up-drift end as the origin."""
    out = tmp_path / "pkf"
    run_simulate(SimulateParams(out_dir=str(out), mode="EW", site="prins_karls_forland", scenes=12, size=256, seed=2,
                                georef="utm"), NullProgress())
    manifest = json.loads((out / "manifest.json").read_text())
    meta, _, wkb, data = pyogrio.raw.read(out / "labels.gpkg", layer="slicks")
    fields = dict(zip(meta["fields"], data, strict=True))
    seeps = {s["seep"]: shapely.Point(s["lon"], s["lat"]) for s in manifest["sites"][0]["seeps"]}
    drift = {s["id"]: s["drift_to_deg"] for s in manifest["scenes"]}
    off = []
    for poly, scene, seep in zip(shapely.from_wkb(wkb), fields["scene"], fields["seep"], strict=True):
        if seep in seeps and poly.buffer(0.005).contains(seeps[seep]):  # the piece that starts at the seep
            bearing = GEOD.inv(seeps[seep].x, seeps[seep].y, poly.centroid.x, poly.centroid.y)[0]
            off.append(_angle(bearing % 360.0, drift[scene]))
    assert len(off) >= 4
    assert np.mean(np.array(off) < 90.0) >= 0.75, off


def test_bad_site_and_gaps_are_one_line_errors(tmp_path, capsys):
    for changes, words in (({"site": "atlantis"}, ["--site", "sentralbanken"]), ({"gaps": 1.5}, ["--gaps", "0 to 1"]),
                           ({"gaps": float("nan")}, ["--gaps"])):
        with pytest.raises(InputError) as info:
            run_simulate(SimulateParams(out_dir=str(tmp_path / "o"), **changes), NullProgress())
        assert "\n" not in str(info.value) and all(w in str(info.value) for w in words)
    with pytest.raises(SystemExit) as info:  # argparse knows the sites
        main(["simulate", "--mode", "EW", "--site", "atlantis", "--out", str(tmp_path / "o")])
    assert info.value.code == 2 and "--site" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_without_site_the_series_visits_the_modes_sites_and_has_no_gaps(ew_series):
    out, _, manifest = ew_series
    assert [s["name"] for s in manifest["sites"]] == ["prins_karls_forland", "sentralbanken"]
    assert not any(s["gap"] for s in manifest["scenes"])
    with open(out / "drift.csv", newline="") as f:
        assert [r["scene"] for r in csv.DictReader(f)] == [s["id"] for s in manifest["scenes"]]


def test_all_dates_gaps(tmp_path):
    out = tmp_path / "g"
    result = run_simulate(SimulateParams(out_dir=str(out), mode="IW", site="north_sea", scenes=2, size=128, gaps=1.0),
                          NullProgress())
    manifest = json.loads((out / "manifest.json").read_text())
    assert all(s["gap"] for s in manifest["scenes"])
    assert all(not all(t["in_view"] for t in s["site_seeps"]) for s in manifest["scenes"])
    assert result["drift"] == str(out / "drift.csv")

