"""A scene's checksum keys its embeddings and tells the engine when the file changed: it is
remembered only for a file that had settled, and a rewritten raster is never prompted on stale
embeddings."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from slick_backend.errors import InputError
from slick_backend.server.sam import cache
from slick_backend.server.sam.engine import SamEngine

SLICK_XY = (535505.3, 8708714.5)  # the largest labelled slick of sample_135 (EPSG:32632)


def test_a_checksum_is_remembered_only_once_the_file_has_settled(tmp_path):
    path = tmp_path / "scene.bin"
    path.write_bytes(b"a" * 4096)
    first = cache.file_checksum(path)
    assert str(path) not in cache._checksums, "a file written this second was remembered (racy)"
    time.sleep(1.1)
    assert cache.file_checksum(path) == first
    assert cache._checksums[str(path)][1] == first  # settled: the next prompts only stat it
    st = path.stat()
    path.write_bytes(b"b" * 4096)  # same size, and the mtime set back: only the ctime tells
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.file_checksum(path) != first


def test_a_raster_rewritten_after_its_embedding_is_refused(tmp_path, arctic):
    import rasterio

    raster = tmp_path / "mosaic.tif"
    shutil.copy(arctic / "sample_135" / "raw_mosaic.tif", raster)
    os.utime(raster, (time.time() - 10, time.time() - 10))
    engine = SamEngine(tmp_path / "cache", device="cpu")
    ok = lambda: None  # noqa: E731 - never cancelled
    emb = engine.embed({"model": "slick-s1-prompt", "raster": str(raster), "point": list(SLICK_XY),
                        "crs": "EPSG:32632"}, ok)
    x, y = SLICK_XY
    box = {"embedding_id": emb["embedding_id"], "box": [x - 1500, y - 1200, x + 1500, y + 1200],
           "crs": "EPSG:32632", "multimask": False}
    assert engine.prompt(box, ok)["features"]
    with rasterio.open(raster, "r+") as dst:  # the analyst overwrites the scene in place
        dst.write(dst.read() // 2)
    with pytest.raises(InputError, match="changed since it was embedded"):
        engine.prompt(box, ok)
