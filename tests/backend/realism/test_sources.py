"""Where the measured images come from: the real mosaics, and simulated scenes put through
prepare's grid, stretch and label rasterisation (checked against prepare's own tiles)."""

import numpy as np
import pytest
from slick_backend.dataset import open_dataset
from slick_backend.dataset.prepare import PrepareParams, run_prepare
from slick_backend.errors import InputError
from slick_backend.realism.sources import (
    read_real,
    read_sim_manifest,
    real_images,
    real_samples,
    simulated_images,
)


def test_real_mosaics_are_found_and_read(arctic_dir):
    samples = real_samples(arctic_dir)
    assert [p.name for p in samples] == ["sample_70", "sample_123", "sample_135"]
    assert real_samples(arctic_dir / "sample_135") == [arctic_dir / "sample_135"]
    item = read_real(arctic_dir / "sample_135")
    assert item.name == "sample_135" and item.pixel_m == pytest.approx(25.0)
    assert item.image.dtype == np.uint8 and item.image.shape == item.slick.shape == (1024, 1024)
    assert item.slick.dtype == bool and 0.01 < item.slick.mean() < 0.02  # README: 1.36 %
    assert len(list(real_images(arctic_dir))) == 3 and item.levels_per_db is None


def test_missing_or_wrong_real_input_is_one_line(tmp_path):
    for path, words in [(tmp_path / "nope", "no such directory"), (tmp_path, "no real mosaics found")]:
        with pytest.raises(InputError) as info:
            real_samples(path)
        assert words in str(info.value) and "\n" not in str(info.value)
    (tmp_path / "sample_1").mkdir()
    (tmp_path / "sample_1" / "raw_mosaic.tif").write_bytes(b"not a tiff")
    with pytest.raises(InputError, match="cannot read the mosaic"):
        read_real(tmp_path / "sample_1")


def test_bad_simulated_dirs_are_refused(tmp_path, ew_sim):
    with pytest.raises(InputError, match="no such directory"):
        read_sim_manifest(tmp_path / "nope")
    with pytest.raises(InputError, match="no manifest.json"):
        read_sim_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text('{"format": "slick-dataset", "scenes": []}')
    with pytest.raises(InputError, match="expected 'slick-simulation'"):
        read_sim_manifest(tmp_path)
    assert len(read_sim_manifest(ew_sim)) == 2


def test_simulated_scenes_match_prepare_tiles(ew_sim, tmp_path):
    """The measured image and mask are exactly what prepare cuts into tiles."""
    items = list(simulated_images(ew_sim, 25.0))
    assert len(items) == 2 and len(list(simulated_images(ew_sim, 25.0, max_scenes=1))) == 1
    assert sum(int(it.slick.sum()) for it in items) > 30
    scenes = read_sim_manifest(ew_sim)
    run_prepare(PrepareParams(scenes=[str(s) for s in scenes], labels=str(ew_sim / "labels.gpkg"), pixel_size=25,
                              tile=128, overlap=0.0, min_valid=0.01, out_dir=str(tmp_path / "ds")))
    ds = open_dataset(tmp_path / "ds")
    by_id = {it.name: it for it in items}
    for scene in ds.scenes():  # the known scale is that of prepare's stretch
        stretch = scene["stretch"]
        assert by_id[scene["id"]].levels_per_db == pytest.approx(254 / (stretch["hi"] - stretch["lo"]))
    checked = 0
    for tile in ds.tiles():
        item = by_id[tile["scene"]]
        assert item.pixel_m == 25.0 and item.image.dtype == np.uint8
        r, c, h, w = tile["window"]
        image, mask = ds.read(tile)
        ours = item.image[r : r + h, c : c + w]
        if ours.shape != (h, w):
            continue  # a tile padded beyond the grid
        assert np.mean(image == ours) > 0.999 and np.abs(image.astype(int) - ours).max() <= 1
        assert np.mean((mask == 1) == item.slick[r : r + h, c : c + w]) > 0.999
        checked += 1
    assert checked >= 8


def test_scenes_too_big_to_measure_in_one_piece_are_refused(ew_sim, monkeypatch):
    from slick_backend.realism import sources

    monkeypatch.setattr(sources, "MAX_PIXELS", 1000)
    with pytest.raises(InputError) as info:
        next(simulated_images(ew_sim, 25.0))
    assert "Mpx" in str(info.value) and "--size" in str(info.value) and "\n" not in str(info.value)
