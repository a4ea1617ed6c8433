"""Prepare the three real Arctic EW mosaics with their labels turned into EPSG:4326 polygons."""

from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rasterio.features import shapes
from slick_backend.dataset import open_dataset
from slick_backend.dataset.prepare import PrepareParams, run_prepare

SAMPLES = ["sample_135", "sample_123", "sample_70"]


def _label_polygons_4326(arctic):
    """labels_mosaic.png (1 = slick) -> polygons, reprojected to lon/lat, tagged by scene id."""
    geoms, scenes = [], []
    for s in SAMPLES:
        with rasterio.open(arctic / s / "labels_mosaic.png") as ds:
            lab, t, crs = ds.read(1), ds.transform, ds.crs
        tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        for g, _ in shapes((lab == 1).astype(np.uint8), mask=lab == 1, transform=t):
            poly = shapely.geometry.shape(g)
            geoms.append(shapely.transform(poly, lambda xy, tr=tr: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))))
            scenes.append(f"{s}_raw_mosaic")
    return geoms, scenes


@pytest.fixture(scope="module")
def prepared(arctic, mk, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("arctic")
    geoms, scenes = _label_polygons_4326(arctic)
    labels = mk.labels(tmp / "labels.gpkg", geoms, crs="EPSG:4326", scenes=scenes)
    params = PrepareParams(scenes=[str(arctic / s / "raw_mosaic.tif") for s in SAMPLES], labels=str(labels),
                           pixel_size=25, tile=256, out_dir=str(tmp / "ds"))
    result = run_prepare(params)
    return tmp / "ds", result


def test_tiles_on_the_mosaic_grid_with_its_values(prepared, arctic):
    root, result = prepared
    ds = open_dataset(root)
    assert result["tiles"] == len(ds.tiles()) > 100
    by_scene = {s["id"]: s for s in ds.scenes()}
    for sample in SAMPLES:
        with rasterio.open(arctic / sample / "raw_mosaic.tif") as mosaic:
            scene = by_scene[f"{sample}_raw_mosaic"]
            assert scene["kind"] == "stretched" and scene["stretch"]["kind"] == "identity"
            assert (scene["width"], scene["height"]) == (mosaic.width, mosaic.height)
            assert scene["transform"] == list(mosaic.transform[:6])
            tiles = ds.tiles(scenes=[scene["id"]])
            assert tiles
            for t in tiles:
                r, c, h, w = t["window"]
                with rasterio.open(root / t["image"]) as img:
                    assert img.crs == mosaic.crs and img.dtypes[0] == "uint8" and img.nodata == 0
                    expect = mosaic.window_transform(rasterio.windows.Window(c, r, w, h))
                    assert img.transform.almost_equals(expect, precision=1e-6)
                    assert list(img.transform[:6]) == pytest.approx(t["transform"])
                    data = img.read(1)
                # The 8-bit mosaic is neither resampled nor re-stretched.
                np.testing.assert_array_equal(data, mosaic.read(1, window=rasterio.windows.Window(c, r, w, h)))
                mask = ds.read_mask(t)
                assert set(np.unique(mask)) <= {0, 1, 255}
                np.testing.assert_array_equal(mask == 255, data == 0)
                assert t["valid_fraction"] >= 0.5


def test_slick_pixels_add_up_to_the_mosaic(prepared, arctic):
    root, _ = prepared
    ds = open_dataset(root)
    for sample in SAMPLES:
        with rasterio.open(arctic / sample / "labels_mosaic.png") as lab_ds:
            truth = lab_ds.read(1) == 1
        with rasterio.open(arctic / sample / "raw_mosaic.tif") as m:
            valid = m.read(1) > 0
        sid = f"{sample}_raw_mosaic"
        covered = np.zeros(truth.shape, bool)  # de-duplicate the 50 % overlap with each tile's window
        for t in ds.tiles(scenes=[sid]):
            r, c, h, w = t["window"]
            mask = ds.read_mask(t)[: truth.shape[0] - r, : truth.shape[1] - c]
            covered[r : r + mask.shape[0], c : c + mask.shape[1]] |= mask == 1
        expected = int((truth & valid).sum())
        assert expected > 5000
        assert abs(int(covered.sum()) - expected) <= 0.01 * expected
        assert not (covered & ~truth).any()  # nothing burnt outside the labels
        assert ds.scenes()[[s["id"] for s in ds.scenes()].index(sid)]["slick_pixels"] == expected


def test_splits_never_share_scenes(prepared):
    root, result = prepared
    manifest = json.loads((root / "manifest.json").read_text())
    split_of = {s["id"]: s["split"] for s in manifest["scenes"]}
    assert sorted(split_of.values()) == ["test", "train", "val"]  # 3 scenes: one each
    for t in manifest["tiles"]:
        assert t["split"] == split_of[t["scene"]]
    scenes_by_split = {sp: {t["scene"] for t in manifest["tiles"] if t["split"] == sp} for sp in ("train", "val", "test")}
    assert not (scenes_by_split["train"] & scenes_by_split["val"]) and not (scenes_by_split["train"] & scenes_by_split["test"])
    assert manifest["format"] == "slick-dataset" and manifest["params"]["pixel_size"] == 25
    assert result["scenes_per_split"]["train"] == [s for s, sp in split_of.items() if sp == "train"]


def test_mosaic_resampled_to_ten_metres(arctic, mk, tmp_path):
    """8-bit input at another pixel size: bilinear on the same UTM corner, not re-stretched,
    and the labels burnt at 10 m cover the same area (6.25 x the 25 m pixels)."""
    geoms, scenes = _label_polygons_4326(arctic)
    keep = [g for g, s in zip(geoms, scenes, strict=True) if s.startswith("sample_123")]
    labels = mk.labels(tmp_path / "l.gpkg", keep)
    src = arctic / "sample_123" / "raw_mosaic.tif"
    run_prepare(PrepareParams(scenes=[str(src)], labels=str(labels), pixel_size=10, tile=512, out_dir=str(tmp_path / "ds")))
    ds = open_dataset(tmp_path / "ds")
    (scene,) = ds.scenes()
    with rasterio.open(src) as m:
        mosaic = m.read(1)
        assert scene["transform"][2] == m.transform.c and scene["transform"][5] == m.transform.f
    assert (scene["width"], scene["height"]) == (2560, 1920) and scene["stretch"]["kind"] == "identity"
    with rasterio.open(arctic / "sample_123" / "labels_mosaic.png") as lab:
        truth = int(((lab.read(1) == 1) & (mosaic > 0)).sum())
    assert abs(scene["slick_pixels"] - 6.25 * truth) < 0.03 * 6.25 * truth
    values = np.concatenate([ds.read_image(t)[ds.read_image(t) > 0] for t in ds.tiles()[::5]])
    assert abs(values.mean() - mosaic[mosaic > 0].mean()) < 5  # same grey levels, not re-stretched
