"""A tiny real dataset dir (georeferenced GeoTIFF tiles + manifest.json, the prepare layout).

Each scene is a speckled sea (gamma-distributed, stretched to ~90..170) with a dark curved
slick stripe and, in some scenes, a nodata corner; tiles of TILE px with 50 % overlap are
cut from the scene so overlapping tiles agree, exactly as `prepare` writes them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

TILE = 64
SCENE = 128


def _scene(rng: np.random.Generator, size: int, nodata_corner: bool, slick: bool = True):
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    sea = rng.gamma(4.0, 1 / 4.0, (size, size)).astype(np.float32)  # multiplicative speckle, mean 1
    img = 130 * sea
    mask = np.zeros((size, size), np.uint8)
    if slick:
        a, ph, c = rng.uniform(8, 20), rng.uniform(0, 6.28), rng.uniform(0.3, 0.7) * size
        centre = c + a * np.sin(xx / size * 6.0 + ph)
        stripe = (np.abs(yy - centre) < rng.uniform(4, 8)) & (xx < 0.45 * size)  # right side: slick-free water
        mask[stripe] = 1
        img[stripe] *= 0.3  # slicks damp backscatter
    img = np.clip(np.rint(img), 1, 255).astype(np.uint8)
    if nodata_corner:
        corner = (yy + xx) < size * 0.35
        img[corner] = 0
        mask[corner] = 0
    return img, mask


def write_dataset(root: Path, splits: dict[str, int], seed: int = 0, tile: int = TILE, size: int = SCENE,
                  mode: str = "EW", epsg: int = 32632) -> Path:
    import rasterio
    from rasterio.transform import Affine

    rng = np.random.default_rng(seed)
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "masks").mkdir(parents=True, exist_ok=True)
    scenes, tiles = [], []
    stride = tile // 2
    k = 0
    for split, count in splits.items():
        for _ in range(count):
            sid = f"s1_{mode.lower()}_{k:04d}"
            img, mask = _scene(rng, size, nodata_corner=(k % 2 == 1))
            x0, y0 = 500000.0 + 10000 * k, 8000000.0
            scene_tf = Affine(25.0, 0.0, x0, 0.0, -25.0, y0)
            scenes.append({"id": sid, "source": f"/synthetic/{sid}.tif", "split": split, "mode": mode,
                           "polarisation": "HH", "crs": f"EPSG:{epsg}", "transform": list(scene_tf[:6]),
                           "width": size, "height": size, "stretch": {"kind": "2sigma", "low": 0.0, "high": 1.0},
                           "slick_pixels": int((mask == 1).sum()), "valid_pixels": int((img > 0).sum())})
            for r in range(0, size - tile + 1, stride):
                for c in range(0, size - tile + 1, stride):
                    tid = f"{sid}_r{r:06d}_c{c:06d}"
                    ti, tm = img[r:r + tile, c:c + tile], mask[r:r + tile, c:c + tile].copy()
                    tm[ti == 0] = 255
                    tf = Affine(25.0, 0.0, x0 + 25.0 * c, 0.0, -25.0, y0 - 25.0 * r)
                    for sub, arr in (("images", ti), ("masks", tm)):
                        with rasterio.open(root / sub / f"{tid}.tif", "w", driver="GTiff", width=tile, height=tile, count=1,
                                           dtype="uint8", crs=f"EPSG:{epsg}", transform=tf) as ds:
                            ds.write(arr, 1)
                    tiles.append({"id": tid, "scene": sid, "split": split, "image": f"images/{tid}.tif",
                                  "mask": f"masks/{tid}.tif", "window": [r, c, tile, tile], "crs": f"EPSG:{epsg}",
                                  "transform": list(tf[:6]), "slick_fraction": float((tm == 1).mean()),
                                  "valid_fraction": float((ti > 0).mean())})
            k += 1
    manifest = {"format": "slick-dataset", "version": 1, "created": "2026-01-01T00:00:00+00:00",
                "params": {"pixel_size": 25, "tile": tile, "overlap": 0.5, "buffer_km": 8, "seed": seed},
                "scenes": scenes, "tiles": tiles}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return root


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory) -> Path:
    """4 train, 1 val, 2 test scenes of 128 px; 9 tiles of 64 px per scene (3 of them slick-free)."""
    return write_dataset(tmp_path_factory.mktemp("ds") / "tiny", {"train": 4, "val": 1, "test": 2})


@pytest.fixture(scope="session")
def cli():
    """Run `slick-backend` in-process; returns (exit code, captured stderr text)."""
    import contextlib
    import io

    from slick_backend.cli.main import main

    def run(*argv: str) -> tuple[int, str]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main([str(a) for a in argv])
        return code, err.getvalue()

    return run
