"""Reading a dataset written by ``prepare``: its manifest, tiles by split, tile arrays."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..errors import InputError

MANIFEST = "manifest.json"
FORMAT = "slick-dataset"
VERSION = 1


def is_dataset(path: str | Path) -> bool:
    m = Path(path) / MANIFEST
    try:
        return m.is_file() and json.loads(m.read_text()).get("format") == FORMAT
    except (OSError, ValueError, AttributeError):
        return False


def manifest_sha256(path: str | Path) -> str:
    """Checksum of a dataset's manifest: it names every tile, so it identifies the dataset."""
    return hashlib.sha256((Path(path) / MANIFEST).read_bytes()).hexdigest()


def load_manifest(path: str | Path) -> dict:
    path = Path(path)
    if not is_dataset(path):
        raise InputError(f"{path}: not a Slick dataset (no valid {MANIFEST}); create one with `slick-backend prepare`")
    manifest = json.loads((path / MANIFEST).read_text())
    if manifest.get("version", 0) > VERSION:
        raise InputError(f"{path}: dataset version {manifest.get('version')} is newer than this backend; update Slick")
    return manifest


class Dataset:
    """A prepared dataset. ``tiles("train")`` lists tile records; ``read(tile)`` gives the
    uint8 image (0 = nodata, 1..255) and uint8 mask (1 slick, 0 not, 255 nodata)."""

    def __init__(self, path: str | Path) -> None:
        self.root = Path(path)
        self.manifest = load_manifest(self.root)

    @property
    def params(self) -> dict:
        return self.manifest.get("params", {})

    def scenes(self, split: str | None = None) -> list[dict]:
        return [s for s in self.manifest["scenes"] if split is None or s["split"] == split]

    def tiles(self, split: str | None = None, scenes=None) -> list[dict]:
        wanted = None if scenes is None else set(scenes)
        return [
            t
            for t in self.manifest["tiles"]
            if (split is None or t["split"] == split) and (wanted is None or t["scene"] in wanted)
        ]

    def _read(self, rel: str) -> np.ndarray:
        import rasterio

        with rasterio.open(self.root / rel) as ds:
            return ds.read(1)

    def read_image(self, tile: dict) -> np.ndarray:
        return self._read(tile["image"])

    def read_mask(self, tile: dict) -> np.ndarray:
        return self._read(tile["mask"])

    def read(self, tile: dict) -> tuple[np.ndarray, np.ndarray]:
        return self.read_image(tile), self.read_mask(tile)


def open_dataset(path: str | Path) -> Dataset:
    return Dataset(path)
