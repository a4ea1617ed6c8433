"""Recurrence = slick scenes / covering scenes per pixel, with coverage gaps, on hand-made inputs."""

from __future__ import annotations

import numpy as np
import rasterio
from atlas_helpers import LEFT, PIXEL, TOP, pixel_of, write_coverage
from shapely.geometry import box
from slick_backend.atlas.coverage import raster_footprint
from slick_backend.atlas.recurrence import NODATA, accumulate, share, write_recurrence
from slick_backend.scenes.grid import Grid

GRID = Grid("EPSG:32632", (PIXEL, 0.0, LEFT, 0.0, -PIXEL, TOP), 10, 10)


def cells(r0, c0, r1, c1):
    """The box of grid rows r0..r1-1, columns c0..c1-1 (pixel edges)."""
    return box(LEFT + c0 * PIXEL, TOP - r1 * PIXEL, LEFT + c1 * PIXEL, TOP - r0 * PIXEL)


def test_share_of_covering_scenes_with_gaps_and_unseen_pixels():
    full = cells(0, 0, 10, 10).difference(cells(0, 8, 2, 10))  # the top-right 2 x 2 pixels: nobody looks there
    left = cells(0, 0, 10, 5).difference(cells(0, 8, 2, 10))
    slick = cells(2, 2, 4, 7)  # columns 2..6: in scene 1 only, across the edge of the half scene
    scenes = [(full, [slick]), (full, []), (full, []), (left, [])]
    hits, count = accumulate(GRID, scenes)
    rec = share(hits, count)
    assert count[3, 3] == 4 and rec[3, 3] == 0.25  # seen in 4 scenes, slick in 1
    assert count[3, 6] == 3 and np.isclose(rec[3, 6], 1 / 3)  # the half scene does not see column 6
    assert rec[6, 6] == 0.0 and count[6, 6] == 3  # seen, never slick
    assert (rec[0:2, 8:10] == NODATA).all() and (count[0:2, 8:10] == 0).all()  # unseen: nodata, not 0
    assert hits.sum() == 2 * 5 and count.sum() == 3 * 96 + 50  # 96 pixels in each full scene, 50 in the half


def test_slick_outside_its_scene_footprint_is_not_counted():
    half = cells(0, 0, 10, 5)
    hits, count = accumulate(GRID, [(half, [cells(0, 0, 10, 10)])])
    assert hits[:, :5].all() and not hits[:, 5:].any()
    assert (share(hits, count)[:, 5:] == NODATA).all()


def test_scene_outside_the_grid_and_empty_footprint_change_nothing():
    far = box(LEFT + 50_000, TOP - 1000, LEFT + 60_000, TOP)
    hits, count = accumulate(GRID, [(far, [far]), (box(0, 0, 0, 0).buffer(0), [])])
    assert not hits.any() and not count.any()


def test_footprints_of_rasters_with_nodata_give_the_known_counts(tmp_path):
    """Four coverage GeoTIFFs on the grid, each with its own nodata block; the valid pixels are the truth."""
    masks = []
    for k in range(4):
        valid = np.ones((10, 10), bool)
        valid[k * 2:k * 2 + 3, 1:4] = False  # a gap that moves down from scene to scene
        masks.append(valid)
    masks[3][:, 7:] = False  # the last scene sees only columns 0..6
    footprints = [raster_footprint(str(write_coverage(tmp_path / f"s{k}.tif", 10, 10, masks[k])), "32N", PIXEL).geom
                  for k in range(4)]
    slick = cells(0, 0, 10, 10)  # scene 0 is slick wherever it has data
    hits, count = accumulate(GRID, [(footprints[0], [slick])] + [(fp, []) for fp in footprints[1:]])
    np.testing.assert_array_equal(count, np.sum(masks, axis=0))
    np.testing.assert_array_equal(hits, masks[0])
    rec = share(hits, count)
    row, col = pixel_of(LEFT + 550, TOP - 950)  # row 9, column 5: seen by all four, slick in scene 0
    assert (row, col) == (9, 5) and rec[row, col] == 0.25
    assert rec[2, 2] == 0.0 and count[2, 2] == 2  # rows 2: gaps of scenes 0 and 1 -> seen twice, no slick there
    assert rec[1, 9] == 1 / 3


def test_recurrence_tif_bands_nodata_and_grid(tmp_path):
    hits = np.array([[0, 1], [2, 0]], np.uint16)
    count = np.array([[4, 4], [2, 0]], np.uint16)
    grid = Grid("EPSG:32632", (PIXEL, 0.0, LEFT, 0.0, -PIXEL, TOP), 2, 2)
    write_recurrence(tmp_path / "r.tif", grid, hits, count)
    with rasterio.open(tmp_path / "r.tif") as ds:
        assert ds.count == 2 and ds.dtypes == ("float32", "float32") and ds.nodata == NODATA
        assert ds.descriptions == ("recurrence", "coverage") and ds.crs.to_epsg() == 32632
        assert tuple(ds.transform)[:6] == grid.transform
        np.testing.assert_array_equal(ds.read(1), [[0.0, 0.25], [1.0, NODATA]])
        np.testing.assert_array_equal(ds.read(2), [[4, 4], [2, 0]])
