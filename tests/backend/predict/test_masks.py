"""No slick over land or masked areas: the GSHHG land mask on the real mosaic sample_135 (Prins
Karls Forland's coast), the analyst's vector and raster masks, in predict and baseline."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely
from predict_helpers import CARD, CountingEngine, utm_transform, write_raster
from pyogrio.raw import read as ogr_read
from pyproj import Transformer
from slick_backend.baseline import BaselineParams, run_baseline
from slick_backend.errors import InputError
from slick_backend.masks.land import land_at
from slick_backend.predict.api import PredictParams, run_predict
from slick_backend.progress import NullProgress


def everything_is_slick(batch: np.ndarray) -> np.ndarray:
    """A 'model' that calls every valid pixel slick: what is left unmasked is what the masks let through."""
    return (batch > 0).astype(np.float32)


def predict(scene, out, **kw):
    params = PredictParams(scene=str(scene), out_prefix=str(out), simplify_m=0, min_area_km2=0, **kw)
    return run_predict(params, NullProgress(), engine=CountingEngine(everything_is_slick), card=dict(CARD))


def outline_points(path) -> tuple[np.ndarray, np.ndarray]:
    """lon / lat of points every 25 m along every outline's boundary, and of interior points."""
    meta, _, wkb, _ = ogr_read(path, layer="slicks")
    geoms = shapely.from_wkb(wkb)
    pts = [shapely.get_coordinates(shapely.segmentize(shapely.boundary(g), 25.0)) for g in geoms]
    pts += [shapely.get_coordinates(shapely.point_on_surface(g)) for g in geoms]
    xy = np.concatenate(pts) if pts else np.zeros((0, 2))
    lon, lat = Transformer.from_crs(meta["crs"], "EPSG:4326", always_xy=True).transform(xy[:, 0], xy[:, 1])
    return np.asarray(lon), np.asarray(lat)


def test_gshhg_knows_land_from_sea():
    lon = np.array([15.63, 11.0, 5.0, 15.0])
    lat = np.array([78.22, 78.55, 75.0, 72.0])  # Longyearbyen, Prins Karls Forland, Greenland Sea, Norwegian Sea
    assert land_at(lon, lat).tolist() == [True, True, False, False]


def test_no_outline_touches_land_on_sample_135(arctic_dir, tmp_path):
    scene = arctic_dir / "sample_135" / "raw_mosaic.tif"
    off = predict(scene, tmp_path / "off", land_mask=False)
    lon, lat = outline_points(off["outlines"])
    assert land_at(lon, lat).any(), "without the mask the outlines cover Prins Karls Forland"
    on = predict(scene, tmp_path / "on")
    assert on["masks"][0]["mask"] == "land" and on["n_slicks"] >= 1
    lon, lat = outline_points(on["outlines"])
    assert not land_at(lon, lat).any()
    # the buffer: every outline point is at least ~1 km (less a pixel) from land cells
    for dlon, dlat in ((0.04, 0), (-0.04, 0), (0, 0.0075), (0, -0.0075)):  # ~ 0.8 km at 78.5 N
        assert not land_at(lon + dlon, lat + dlat).any()
    # distance to the coast: 0 for the outline over the island, about the buffer or more once masked
    coast = {name: ogr_read(res["outlines"], layer="slicks", columns=["coast_km"])[3][0]
             for name, res in (("off", off), ("on", on))}
    assert min(coast["off"]) == 0
    assert min(coast["on"]) >= 0.5 and max(coast["on"]) < 50
    with rasterio.open(on["prob"]) as p_on, rasterio.open(off["prob"]) as p_off:
        a, b = p_on.read(1), p_off.read(1)
    masked = (a == -1) & (b >= 0)
    assert 0.01 < masked.mean() < 0.1  # the island and 1 km of sea around it: nodata, not 0
    assert on["slick_pixels"] < off["slick_pixels"]


def test_baseline_masks_land_too(arctic_dir, tmp_path):
    scene = arctic_dir / "sample_135" / "raw_mosaic.tif"
    res = run_baseline(BaselineParams(scene=str(scene), out_prefix=str(tmp_path / "b"), k_db=0.5, min_area_km2=0.01),
                       NullProgress())
    lon, lat = outline_points(res["outlines"])
    assert not land_at(lon, lat).any() and res["masks"][0]["mask"] == "land"


@pytest.fixture
def sea_scene(tmp_path):
    """A 200 x 200 px scene at sea (72 N, 15 E: no land) of uniform backscatter."""
    return write_raster(tmp_path / "sea_EW_HH.tif", np.full((200, 200), 120, np.uint8), utm_transform(), "EPSG:32633", 0)


def test_vector_and_raster_masks(sea_scene, tmp_path):
    t = utm_transform()
    # a platform's exclusion zone: a 1 km square in lon/lat, 2 km in from the corner
    to_ll = Transformer.from_crs("EPSG:32633", "EPSG:4326", always_xy=True)
    x0, y0 = t * (80, 80)
    square = shapely.box(x0, y0 - 1000, x0 + 1000, y0)
    ll = shapely.transform(square, lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))
    vec = tmp_path / "platform.gpkg"
    from pyogrio.raw import write

    write(str(vec), np.array([shapely.to_wkb(ll)], dtype=object), [], [], layer="zones", crs="EPSG:4326",
          geometry_type="Polygon")
    # an ice edge as a raster in another grid: the northern quarter masked (value 1), nodata elsewhere 255
    ice = np.full((50, 100), 255, np.uint8)
    ice[:12] = 1
    ice_path = write_raster(tmp_path / "ice.tif", ice, utm_transform(px=100.0), "EPSG:32633", 255)
    res = predict(sea_scene, tmp_path / "p", masks=[str(vec), str(ice_path)])
    assert [m["kind"] for m in res["masks"]] == ["vector", "raster"]  # no land at sea
    coast = ogr_read(res["outlines"], layer="slicks", columns=["coast_km"])[3][0]
    assert len(coast) and np.isnan(coast).all()  # no land within 50 km
    with rasterio.open(res["prob"]) as ds:
        prob = ds.read(1)
    assert (prob[82:118, 82:118] == -1).all() and (prob[50:70, 50:70] > 0.99).all()
    assert (prob[:47] == -1).all() and (prob[49:] != -1).any()
    _, _, wkb, _ = ogr_read(res["outlines"], layer="slicks")
    union = shapely.union_all(shapely.from_wkb(wkb))
    assert union.intersection(square).area < 25 * 25 * 8  # at most the burnt edge pixels
    far = tmp_path / "far.gpkg"
    write(str(far), np.array([shapely.to_wkb(shapely.box(100, 10, 101, 11))], dtype=object), [], [],
          layer="zones", crs="EPSG:4326", geometry_type="Polygon")
    res = predict(sea_scene, tmp_path / "q", masks=[str(far)])
    assert any("does not overlap the scene" in w for w in res["warnings"]) and res["masks"] == []


def test_bad_mask_options_say_what_to_fix(sea_scene, tmp_path):
    with pytest.raises(InputError, match="no such mask file"):
        PredictParams(scene=str(sea_scene), out_prefix=str(tmp_path / "x"), masks=[str(tmp_path / "nope.gpkg")]).validate(
            need_model=False)
    with pytest.raises(InputError, match="--land-buffer-km -1"):
        PredictParams(scene=str(sea_scene), out_prefix=str(tmp_path / "x"), land_buffer_km=-1).validate(need_model=False)
    (tmp_path / "notes.txt").write_text("not a map")
    with pytest.raises(InputError, match="notes.txt: cannot be read as vector mask"):
        predict(sea_scene, tmp_path / "y", masks=[str(tmp_path / "notes.txt")])
