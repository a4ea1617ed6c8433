"""prepare through every georeferencing path and value kind, with labels in other CRSs."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer
from scipy.ndimage import uniform_filter
from slick_backend.dataset import open_dataset
from slick_backend.dataset.prepare import PrepareParams, run_prepare
from slick_backend.errors import Cancelled
from slick_backend.progress import Progress


def _mosaic(ds, scene_id):
    """Re-assemble a scene's image and mask from its tiles (each tile's window)."""
    s = next(s for s in ds.scenes() if s["id"] == scene_id)
    img = np.zeros((s["height"] + 1024, s["width"] + 1024), np.uint8)
    msk = np.full(img.shape, 255, np.uint8)
    for t in ds.tiles(scenes=[scene_id]):
        r, c, h, w = t["window"]
        a, m = ds.read(t)
        img[r : r + h, c : c + w] = a
        msk[r : r + h, c : c + w] = m
    return img, msk


@pytest.fixture(scope="module")
def scenes(tmp_path_factory, mk):
    d = tmp_path_factory.mktemp("scenes")
    return [
        mk.gcp(d / "S1A_EW_GRDM_1SDH_20200101T000000_amp.tif", kind="amplitude"),
        mk.geographic(d / "s1a-iw-grd-vv-geo-db.tif", kind="db"),
        mk.projected(d / "proj_linear.tif", kind="linear", pixel=20.0),
    ]


def test_every_georef_path_lines_up_with_labels(tmp_path, mk, scenes):
    # Labels in Web Mercator GeoJSON: reprojected to each scene's UTM grid.
    tr = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    slick = shapely.transform(mk.slick(), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    labels = mk.labels(tmp_path / "slicks.geojson", [slick], crs="EPSG:3857", driver="GeoJSON", layer="slicks")
    out = tmp_path / "ds"
    result = run_prepare(PrepareParams(scenes=[str(s) for s in scenes], labels=str(labels), pixel_size=25, tile=128,
                                       out_dir=str(out), seed=3))
    ds = open_dataset(out)
    assert result["scenes"] == 3 and result["tiles"] == len(ds.tiles())
    utm = Transformer.from_crs("EPSG:4326", "EPSG:32632", always_xy=True)
    area_px = shapely.transform(mk.slick(), lambda xy: np.column_stack(utm.transform(xy[:, 0], xy[:, 1]))).area / 625
    kinds = {}
    for s in ds.scenes():
        kinds[s["georef"]] = s["kind"]
        assert s["crs"] == "EPSG:32632" and s["pixel_size"] == 25
        assert abs(s["slick_pixels"] - area_px) < 0.02 * area_px
        assert s["stretch"]["kind"] == "2sigma" and s["stretch"]["region"] is not None
        img, msk = _mosaic(ds, s["id"])
        valid = msk != 255
        assert (img[valid] > 0).all() and (img[~valid] == 0).all()
        # The dark slick in the pixels sits where the labels were burnt: georeference is right.
        smooth = uniform_filter(img.astype(np.float32), 7)
        # Relative to each column's sea level (the incidence trend darkens far range).
        sea = np.nanmedian(np.where(msk == 0, smooth, np.nan), axis=0)[None, :]
        rel = smooth - sea
        assert np.median(rel[msk == 0]) - np.median(rel[msk == 1]) > 80  # 6 dB damping, ~4-sigma stretch
        dark = (rel < -60) & valid
        iou = (dark & (msk == 1)).sum() / (dark | (msk == 1)).sum()
        assert iou > 0.9, (s["id"], iou)
    assert kinds == {"gcps": "amplitude", "geographic": "db", "projected": "linear"}
    modes = {s["id"]: (s["mode"], s["polarisation"]) for s in ds.scenes()}
    assert modes["S1A_EW_GRDM_1SDH_20200101T000000_amp"] == ("EW", "HH")
    assert modes["s1a-iw-grd-vv-geo-db"] == ("IW", "VV")


def test_no_labels_ten_metres_and_scene_field(tmp_path, mk, scenes):
    # Without labels: all-zero masks, stretch over the whole scene.
    out = tmp_path / "nolabels"
    run_prepare(PrepareParams(scenes=[str(scenes[1])], pixel_size=10, tile=256, out_dir=str(out)))
    ds = open_dataset(out)
    (scene,) = ds.scenes()
    assert scene["pixel_size"] == 10 and scene["stretch"]["region"] is None and scene["slick_pixels"] == 0
    assert scene["split"] == "train" and all(set(np.unique(ds.read_mask(t))) <= {0, 255} for t in ds.tiles())
    # A `scene` field ties polygons to scenes: labels of another scene are not burnt here.
    labels = mk.labels(tmp_path / "l.gpkg", [mk.slick(), mk.slick()], scenes=["some_other_scene", "proj_linear"])
    out2 = tmp_path / "field"
    run_prepare(PrepareParams(scenes=[str(scenes[1]), str(scenes[2])], labels=str(labels), tile=128, out_dir=str(out2)))
    by_id = {s["id"]: s for s in open_dataset(out2).scenes()}
    assert by_id["s1a-iw-grd-vv-geo-db"]["slick_pixels"] == 0 and by_id["s1a-iw-grd-vv-geo-db"]["stretch"]["region"] is None
    assert by_id["proj_linear"]["slick_pixels"] > 1000 and by_id["proj_linear"]["label_polygons"] == 1


def test_tiles_are_georeferenced_geotiffs(tmp_path, scenes):
    out = tmp_path / "ds"
    run_prepare(PrepareParams(scenes=[str(scenes[0])], tile=64, overlap=0.5, out_dir=str(out)))
    ds = open_dataset(out)
    (scene,) = ds.scenes()
    grid_t = rasterio.Affine(*scene["transform"])
    for t in ds.tiles()[:20]:
        r, c, h, w = t["window"]
        assert r % 32 == 0 or r + 64 == scene["height"]
        for rel, nodata in ((t["image"], 0), (t["mask"], 255)):
            with rasterio.open(out / rel) as f:
                assert f.crs.to_epsg() == 32632 and f.nodata == nodata and (f.width, f.height) == (64, 64)
                assert f.transform.almost_equals(grid_t @ rasterio.Affine.translation(c, r))


class _CancelAfter(Progress):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def update(self, fraction=None, message=None):
        super().update(fraction, message)
        self.n -= 1
        if self.n <= 0:
            self.cancel()


def test_cancel_leaves_nothing(tmp_path, scenes):
    out = tmp_path / "ds"
    with pytest.raises(Cancelled):
        run_prepare(PrepareParams(scenes=[str(s) for s in scenes], tile=64, out_dir=str(out)), _CancelAfter(8))
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_multipolygon_shapefile_in_utm_and_mixed_geojson(tmp_path, mk, scenes):
    utm = Transformer.from_crs("EPSG:4326", "EPSG:32632", always_xy=True)
    slick = shapely.transform(mk.slick(), lambda xy: np.column_stack(utm.transform(xy[:, 0], xy[:, 1])))
    halves = shapely.MultiPolygon([slick.intersection(shapely.box(*slick.bounds[:2], slick.centroid.x, slick.bounds[3])),
                                   slick.intersection(shapely.box(slick.centroid.x, *slick.bounds[1:]))])
    shp = mk.labels(tmp_path / "utm.shp", [halves], crs="EPSG:32632", driver="ESRI Shapefile", layer="utm",
                    geometry_type="MultiPolygon")
    line = shapely.LineString([(10.25, 70.09), (10.45, 70.01)])
    mixed = mk.labels(tmp_path / "mixed.geojson", [mk.slick(), line], driver="GeoJSON", layer="mixed",
                      geometry_type="Unknown")
    counts = []
    for i, labels in enumerate((shp, mixed)):
        out = tmp_path / f"ds{i}"
        run_prepare(PrepareParams(scenes=[str(scenes[2])], labels=str(labels), tile=128, out_dir=str(out)))
        (scene,) = open_dataset(out).scenes()
        counts.append(scene["slick_pixels"])
    assert abs(counts[0] - slick.area / 625) < 0.02 * slick.area / 625
    assert abs(counts[0] - counts[1]) < 0.01 * counts[0]  # the line was ignored, not burnt
