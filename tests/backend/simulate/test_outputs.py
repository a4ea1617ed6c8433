"""The files `simulate` writes: rasters of each georeferencing kind, labels, manifest."""

import json

import numpy as np
import pyogrio.raw
import pytest
import rasterio
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint
from slick_backend.simulate.sites import SITES

EXPECTED_EPSG = {"north_sea": 32631, "prins_karls_forland": 32632, "sentralbanken": 32636}


def _scene_footprint_lonlat(path):
    """Footprint of the valid data of a raster in lon/lat, from its own georeference."""
    with rasterio.open(path) as src:
        if src.gcps[0]:
            gcps, _ = src.gcps
            return MultiPoint([(g.x, g.y) for g in gcps]).convex_hull
        b = src.bounds
        to_ll = Transformer.from_crs(src.crs, 4326, always_xy=True)
        xs = np.linspace(b.left, b.right, 20)
        ys = np.linspace(b.bottom, b.top, 20)
        ring = [(x, b.bottom) for x in xs] + [(b.right, y) for y in ys] + [(x, b.top) for x in xs[::-1]] + [
            (b.left, y) for y in ys[::-1]
        ]
        lon, lat = to_ll.transform(*zip(*ring, strict=True))
        return shapely.Polygon(zip(lon, lat, strict=True))


@pytest.mark.parametrize("series", ["ew_series", "iw_series"])
def test_each_georef_kind_is_readable_and_placed_at_its_site(series, request):
    out, result, manifest = request.getfixturevalue(series)
    kinds = [s["georef"] for s in manifest["scenes"]]
    assert kinds == ["gcp", "epsg4326", "utm"]
    for scene in manifest["scenes"]:
        path = out / scene["file"]
        assert path.stem == scene["id"]
        site = SITES[scene["site"]]
        with rasterio.open(path) as src:
            tags = src.tags()
            assert tags["S1_MODE"] == scene["mode"]
            assert tags["S1_POLARISATION"] == ("HH" if scene["mode"] == "EW" else "VV")
            assert tags["ACQUISITION_TIME"] == scene["acquisition_time"]
            data = src.read(1)
            if scene["georef"] == "gcp":
                assert src.crs is None and src.transform.is_identity
                gcps, gcp_crs = src.gcps
                assert gcp_crs.to_epsg() == 4326 and len(gcps) >= 100
                assert data.dtype == np.uint16
                assert path.name.startswith(f"s1a-{scene['mode'].lower()}-grd-") and path.suffix == ".tiff"
                hull = MultiPoint([(g.x, g.y) for g in gcps]).convex_hull
                assert hull.contains(shapely.Point(site.lon, site.lat)) or hull.distance(
                    shapely.Point(site.lon, site.lat)
                ) < 0.5
                valid = data > 0
            elif scene["georef"] == "epsg4326":
                assert src.crs.to_epsg() == 4326
                assert data.dtype == np.float32 and np.isnan(src.nodata)
                valid = np.isfinite(data)
                assert src.bounds.left < site.lon + 1.5 and src.bounds.right > site.lon - 1.5
                assert src.bounds.bottom < site.lat + 0.5 and src.bounds.top > site.lat - 0.5
                assert np.all(data[valid] > 0)  # linear sigma0
            else:
                assert src.crs.to_epsg() == EXPECTED_EPSG[scene["site"]] == site.epsg
                assert data.dtype == np.float32 and src.nodata == -9999.0
                valid = data != src.nodata
                assert -40 < np.median(data[valid]) < -5  # sea clutter in dB
                assert abs(src.res[0] - scene["pixel_m"]) < 1e-6
            # rotated swath: warped variants have a nodata border, GRD-like ones sometimes a zero border
            if scene["georef"] != "gcp":
                assert 0.2 < valid.mean() < 0.95
            assert valid.sum() == scene["valid_pixels"]


@pytest.mark.parametrize("series", ["ew_series", "iw_series"])
def test_labels_are_valid_epsg4326_polygons_inside_their_scene(series, request):
    out, result, manifest = request.getfixturevalue(series)
    meta, _, wkb, field_data = pyogrio.raw.read(out / "labels.gpkg", layer="slicks")
    assert meta["crs"] == "EPSG:4326" and meta["geometry_type"] == "Polygon"
    fields = dict(zip(meta["fields"], field_data, strict=True))
    polys = shapely.from_wkb(wkb)
    assert len(polys) == manifest["labels"]["polygons"] > 0
    assert all(p.is_valid and p.area > 0 for p in polys)
    scene_ids = {s["id"] for s in manifest["scenes"]}
    assert set(fields["scene"]) == scene_ids  # every scene has a slick, every label a scene
    for scene in manifest["scenes"]:
        footprint = _scene_footprint_lonlat(out / scene["file"])
        mine = [p for p, s in zip(polys, fields["scene"], strict=True) if s == scene["id"]]
        assert footprint.buffer(1e-4).contains(shapely.union_all(mine))
        seeps = {s["seep"] for s in scene["seeps"]}
        assert set(f for f, s in zip(fields["seep"], fields["scene"], strict=True) if s == scene["id"]) <= seeps
        # polygon area agrees with the labelled pixel count (pixel area at the mode's pixel size)
        area = sum(a for a, s in zip(fields["area_m2"], fields["scene"], strict=True) if s == scene["id"])
        assert area == pytest.approx(scene["slick_pixels"] * scene["pixel_m"] ** 2, rel=0.1)


def test_manifest_describes_every_scene(ew_series):
    out, result, manifest = ew_series
    assert manifest["format"] == "slick-simulation"
    assert result["scenes"] == [str(out / s["file"]) for s in manifest["scenes"]]
    sites = [s["site"] for s in manifest["scenes"]]
    assert sites == ["prins_karls_forland", "sentralbanken", "prins_karls_forland"]
    for s in manifest["scenes"]:
        assert s["polarisation"] == "HH" and s["pixel_m"] == 40.0 and s["nominal_looks"] == 10.0
        assert s["product"] == "GRDM" and 6.0 <= s["looks"] <= 14.0 and s["looks"] == s["conditions"]["looks"]
        assert s["value"] in ("amplitude_dn", "linear_sigma0", "sigma0_db")
        assert s["slick_pixels"] > 0 and s["seeps"]
        # the site's persistent seeps keep their ids; short-lived ones elsewhere are marked as such
        for seep in s["seeps"]:
            assert (seep["seep"] in {x.id for x in SITES[s["site"]].seeps}) == seep["persistent"]
            assert seep["persistent"] or seep["seep"].startswith("T")
    json.dumps(manifest)  # plain JSON all the way down


def test_seeps_persist_across_scenes_with_varying_plumes(tmp_path):
    """Same seep in several scenes; its plume direction and length change from scene to scene."""
    from slick_backend.progress import NullProgress
    from slick_backend.simulate.api import SimulateParams, run_simulate

    out = tmp_path / "iw"
    run_simulate(SimulateParams(out_dir=str(out), mode="IW", scenes=5, seed=4, size=160, georef="utm"), NullProgress())
    manifest = json.loads((out / "manifest.json").read_text())
    by_seep = {}
    for scene in manifest["scenes"]:
        for seep in scene["seeps"]:
            by_seep.setdefault(seep["seep"], []).append(seep)
    repeated = [v for v in by_seep.values() if len(v) >= 2]
    assert repeated, by_seep
    for plumes in repeated:
        assert len({p["direction_deg_image"] for p in plumes}) == len(plumes)
        assert len({p["length_m"] for p in plumes}) == len(plumes)


def test_gcp_file_warped_by_gdal_matches_the_utm_file_of_the_same_scene(tmp_path):
    """The GRD-like file, warped through its GCPs, lands on the same ground as the UTM product."""
    from rasterio.warp import Resampling, reproject
    from slick_backend.progress import NullProgress
    from slick_backend.simulate.api import SimulateParams, run_simulate

    files = {}
    for kind in ("gcp", "utm"):
        out = tmp_path / kind
        run_simulate(SimulateParams(out_dir=str(out), mode="EW", scenes=1, seed=9, size=256, georef=kind), NullProgress())
        files[kind] = next(out.glob("*.tif*"))
    with rasterio.open(files["utm"]) as utm, rasterio.open(files["gcp"]) as grd:
        ref = utm.read(1)
        dn = grd.read(1).astype(np.float32)
        scale = float(grd.tags()["CALIBRATION_DN_SCALE"])
        warped = np.full(ref.shape, np.nan, np.float32)
        sigma = np.where(dn > 0, (dn / scale) ** 2, np.nan).astype(np.float32)
        reproject(sigma, warped, gcps=grd.gcps[0], src_crs=grd.gcps[1], src_nodata=np.nan,
                  dst_transform=utm.transform, dst_crs=utm.crs, dst_nodata=np.nan, resampling=Resampling.bilinear)
    both = (ref != -9999) & np.isfinite(warped)
    assert both.sum() > 0.8 * (ref != -9999).sum()
    diff = ref[both] - 10 * np.log10(warped[both])
    # same pixels up to resampling and DN quantisation: tiny median difference, strongly correlated speckle
    assert abs(np.median(diff)) < 0.1
    assert np.corrcoef(ref[both], 10 * np.log10(warped[both]))[0, 1] > 0.9
