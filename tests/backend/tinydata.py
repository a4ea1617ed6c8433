"""A tiny synthetic dataset in the exact `prepare` layout, for tests and the experiment benchmark.

Bright sea with dark elongated slicks, written as real georeferenced GeoTIFF tiles plus a
manifest.json (docs/ARCHITECTURE.md), so training and evaluation run their real code on it
in seconds. Not a model of SAR backscatter: `slick-backend simulate` is that.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def write_tiny_dataset(root: Path, scenes: dict[str, str], tile: int = 64, tiles_per_scene: int = 2,
                       seed: int = 0, contrast: float = 60.0, pixel_size: int = 25) -> Path:
    """Scenes of bright sea with dark elongated slicks; ``scenes`` maps scene id -> split."""
    import rasterio
    from rasterio.transform import Affine

    def from_origin(x, y, dx, dy):
        return Affine(dx, 0.0, x, 0.0, -dy, y)

    rng = np.random.default_rng(seed)
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    yy, xx = np.mgrid[0:tile, 0:tile]
    manifest = {"format": "slick-dataset", "version": 1, "created": "2026-01-01T00:00:00+00:00",
                "params": {"pixel_size": pixel_size, "tile": tile, "overlap": 0.5, "buffer_km": 8, "seed": seed},
                "scenes": [], "tiles": []}
    for si, (scene, split) in enumerate(sorted(scenes.items())):
        x0, y0 = 500000.0 + si * 10000, 7800000.0
        transform = list(from_origin(x0, y0, pixel_size, pixel_size))[:6]
        slick_pixels = 0
        for t in range(tiles_per_scene):
            cx, cy = rng.uniform(16, tile - 16, size=2)
            angle = rng.uniform(0, np.pi)
            u = (xx - cx) * np.cos(angle) + (yy - cy) * np.sin(angle)
            v = -(xx - cx) * np.sin(angle) + (yy - cy) * np.cos(angle)
            mask = ((u / rng.uniform(10, 20)) ** 2 + (v / rng.uniform(3, 6)) ** 2 < 1).astype(np.uint8)
            image = rng.normal(140, 18, size=(tile, tile)) - contrast * mask
            image = np.clip(image, 1, 255).astype(np.uint8)
            tid = f"{scene}_r{t * tile:06d}_c000000"
            col_off = t * tile
            tf = from_origin(x0 + col_off * pixel_size, y0, pixel_size, pixel_size)
            for sub, arr in (("images", image), ("masks", mask)):
                with rasterio.open(root / sub / f"{tid}.tif", "w", driver="GTiff", width=tile, height=tile, count=1,
                                   dtype="uint8", crs="EPSG:32633", transform=tf) as dst:
                    dst.write(arr, 1)
            slick_pixels += int(mask.sum())
            manifest["tiles"].append({"id": tid, "scene": scene, "split": split, "image": f"images/{tid}.tif",
                                      "mask": f"masks/{tid}.tif", "window": [0, col_off, tile, tile],
                                      "crs": "EPSG:32633", "transform": list(tf)[:6],
                                      "slick_fraction": float(mask.mean()), "valid_fraction": 1.0})
        manifest["scenes"].append({"id": scene, "source": f"/synthetic/{scene}.tif", "split": split, "mode": "EW",
                                   "polarisation": "HH", "crs": "EPSG:32633", "transform": transform,
                                   "width": tile * tiles_per_scene, "height": tile, "stretch": {},
                                   "slick_pixels": slick_pixels, "valid_pixels": tile * tile * tiles_per_scene})
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return root


def scene_splits(train: int, val: int, test: int, prefix: str = "s") -> dict[str, str]:
    ids = {}
    for split, count in (("train", train), ("val", val), ("test", test)):
        for i in range(count):
            ids[f"{prefix}_{split}_{i:02d}"] = split
    return ids
