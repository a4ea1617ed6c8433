"""Tiles of a prepared dataset dir (manifest.json + images/ + masks/), by split and scene.

Few-shot sets are small (a few hundred 256 px tiles = tens of MB as uint8), so the chosen
tiles are read once into memory as uint8 and batches are drawn from there; no worker
processes on a 2-core machine. ``select_scenes`` draws N training scenes reproducibly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError


@dataclass
class TileSet:
    images: np.ndarray  # uint8 [N, H, W], 0 = nodata
    masks: np.ndarray  # uint8 [N, H, W], 1 slick, 0 water, 255 ignore
    tiles: list[dict]  # the manifest's tile records, same order

    def __len__(self) -> int:
        return len(self.tiles)

    def slick_fraction(self) -> float:
        valid = self.masks != 255
        return float((self.masks == 1).sum() / max(1, valid.sum()))


def scenes_of_split(manifest: dict, split: str) -> list[str]:
    return sorted(s["id"] for s in manifest["scenes"] if s.get("split") == split)


def select_scenes(manifest: dict, split: str, n: int | None, seed: int) -> list[str]:
    """All scenes of a split, or N of them drawn with ``seed`` (same seed -> same scenes)."""
    ids = scenes_of_split(manifest, split)
    if n is None:
        return ids
    if n < 1:
        raise InputError(f"--train-scenes {n}: must be at least 1")
    if n > len(ids):
        raise InputError(f"--train-scenes {n}: the dataset's {split} split has only {len(ids)} scenes; ask for at most {len(ids)}")
    return sorted(random.Random(seed).sample(ids, n))


def _read_band(path: Path) -> np.ndarray:
    import rasterio

    from ..data_roots import guard

    guard(path, "the dataset's manifest.json")  # a restricted server's job: only tiles under its roots

    try:
        with rasterio.open(path) as ds:
            return ds.read(1)
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"{path}: unreadable tile ({exc}); run `slick-backend prepare` again") from None


def load_tiles(data_dir: str | Path, manifest: dict, scenes: list[str], progress=None) -> TileSet:
    data_dir = Path(data_dir)
    wanted = set(scenes)
    records = [t for t in manifest["tiles"] if t["scene"] in wanted]
    tile = int(manifest.get("params", {}).get("tile", 0)) or None
    images, masks = [], []
    for i, rec in enumerate(records):
        img = _read_band(data_dir / rec["image"])
        msk = _read_band(data_dir / rec["mask"])
        if img.shape != msk.shape:
            raise InputError(f"{data_dir / rec['mask']}: shape {msk.shape} differs from its image {img.shape}; run prepare again")
        if img.dtype != np.uint8:
            raise InputError(f"{data_dir / rec['image']}: expected uint8 stretched values, got {img.dtype}; run prepare again")
        tile = tile or img.shape[0]
        if img.shape != (tile, tile):  # pad partial edge tiles with nodata / ignore
            pi, pm = np.zeros((tile, tile), np.uint8), np.full((tile, tile), 255, np.uint8)
            h, w = min(tile, img.shape[0]), min(tile, img.shape[1])
            pi[:h, :w], pm[:h, :w] = img[:h, :w], msk[:h, :w]
            img, msk = pi, pm
        msk = np.where(img == 0, np.uint8(255), msk).astype(np.uint8)  # nodata is never a label
        images.append(img)
        masks.append(msk)
        if progress is not None and i % 20 == 0:
            progress.update(i / max(1, len(records)), f"reading tiles {i}/{len(records)}")
            progress.check()
    if not records:
        return TileSet(np.zeros((0, tile or 1, tile or 1), np.uint8), np.zeros((0, tile or 1, tile or 1), np.uint8), [])
    return TileSet(np.stack(images), np.stack(masks), records)


def dataset_info(manifest: dict, scenes: list[str]) -> dict:
    """Modes, polarisations and preprocessing of the given scenes, for the model card."""
    recs = [s for s in manifest["scenes"] if s["id"] in set(scenes)]
    return {
        "modes": sorted({str(s.get("mode")) for s in recs if s.get("mode")}),
        "polarisations": sorted({str(s.get("polarisation")) for s in recs if s.get("polarisation")}),
        # the prepare step records how it stretched; keep its description (first scene) verbatim, and say
        # so when scenes were stretched in different quantities (predict then stretches in dB)
        "preprocessing": {"dataset_params": manifest.get("params", {}), "stretch": _stretch_of(recs),
                          "input": "uint8 1..255 stretched backscatter, 0 = nodata, fed as float 0..255"},
    }


def _stretch_of(recs: list[dict]) -> dict | None:
    if not recs or not recs[0].get("stretch"):
        return None
    first = dict(recs[0]["stretch"])
    domains = sorted({str((r.get("stretch") or {}).get("domain")) for r in recs})
    if len(domains) > 1:
        first.update({"domain": "mixed", "domains": domains})
    return first
