"""Simulate both modes (every georeferencing variant) and prepare them: the simulator's own
manifest is the oracle for mode, polarisation, UTM zone, value kind and slick area."""

from __future__ import annotations

import json

import pytest
from slick_backend.dataset import open_dataset
from slick_backend.dataset.prepare import PrepareParams, run_prepare
from slick_backend.progress import NullProgress
from slick_backend.simulate.api import SimulateParams, run_simulate

GEOREF = {"gcp": "gcps", "epsg4326": "geographic", "utm": "projected"}
KIND = {"amplitude_dn": "amplitude", "linear_sigma0": "linear", "db_sigma0": "db", "sigma0_db": "db"}


@pytest.fixture(scope="module", params=[("EW", 25), ("IW", 10)], ids=["EW-25m", "IW-10m"])
def simulated(request, tmp_path_factory):
    mode, pixel = request.param
    tmp = tmp_path_factory.mktemp(f"sim_{mode}")
    run_simulate(SimulateParams(out_dir=str(tmp / "sim"), mode=mode, scenes=3, seed=7, size=384), NullProgress())
    sim = json.loads((tmp / "sim" / "manifest.json").read_text())
    scenes = [str(tmp / "sim" / s["file"]) for s in sim["scenes"]]
    result = run_prepare(PrepareParams(scenes=scenes, labels=str(tmp / "sim" / "labels.gpkg"), pixel_size=pixel,
                                       tile=128, out_dir=str(tmp / "ds"), seed=1))
    return sim, open_dataset(tmp / "ds"), result, pixel


def test_every_georef_variant_prepared(simulated):
    sim, ds, result, pixel = simulated
    prepared = {s["id"]: s for s in ds.scenes()}
    assert {prepared[s["id"]]["georef"] for s in sim["scenes"]} == {"gcps", "geographic", "projected"}
    for s in sim["scenes"]:
        p = prepared[s["id"]]
        assert p["georef"] == GEOREF[s["georef"]]
        assert p["kind"] == KIND.get(s["value"], s["value"]), s["value"]
        assert (p["mode"], p["polarisation"]) == (s["mode"], s["polarisation"])
        assert p["crs"] == f"EPSG:{s['utm_epsg']}" and p["pixel_size"] == pixel
        assert p["stretch"]["kind"] == "2sigma" and p["stretch"]["domain"] == "db"
        # Same slicks, other pixel size: the area in pixels scales with (native / target)^2.
        expected = s["slick_pixels"] * (s["pixel_m"] / pixel) ** 2
        assert abs(p["slick_pixels"] - expected) <= 0.05 * expected + 20, (s["id"], p["slick_pixels"], expected)
        if s["slick_pixels"]:
            assert p["stretch"]["region"] is not None  # clipped to the labels + 8 km
    assert sorted({p["split"] for p in prepared.values()}) == ["test", "train", "val"]
    assert result["slick_pixels"] == sum(p["slick_pixels"] for p in prepared.values())


def test_tiles_are_stretched_images(simulated):
    _, ds, _, _ = simulated
    tiles = ds.tiles()
    assert len(tiles) > 10
    for t in tiles[:: max(1, len(tiles) // 15)]:
        image, mask = ds.read(t)
        assert image.shape == mask.shape == (128, 128) and image.dtype == mask.dtype
        valid = image > 0
        assert (mask[~valid] == 255).all() and set(mask[valid].tolist()) <= {0, 1}


def test_recorded_stretch_fits_its_region(simulated):
    """On the region it was computed from (labels + 8 km), the recorded 2-sigma stretch
    saturates only a few percent at each end, as a 2-sigma stretch should (ice and land
    elsewhere in the scene may saturate; that is what the region is for)."""
    from slick_backend.scenes import Stretch, apply_stretch, open_scene
    from slick_backend.scenes.grid import Grid

    _, ds, _, _ = simulated
    for rec in ds.scenes():
        grid, stretch = Grid.from_dict(rec), Stretch.from_dict(rec["stretch"])
        window = grid.window_of_bounds(stretch.region) if stretch.region else None
        if window is None:
            continue
        with open_scene(rec["source"]) as scene:
            values, valid = scene.read(grid, window)
        image = apply_stretch(values, valid, stretch)[valid]
        assert image.size > 1000
        assert (image == 255).mean() < 0.1 and (image == 1).mean() < 0.1, rec["id"]
        assert 90 < image.mean() < 170, rec["id"]
