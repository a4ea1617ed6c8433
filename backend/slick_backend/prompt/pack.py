"""The prompt model's windows in one file of the work dir: ``WORK/prompt-windows.npz.xz``.

pretrain-prompt reads its simulated windows from the prepared datasets (GeoTIFF tiles, through
GDAL) and keeps them here, keyed on the datasets' stage hashes and on the code that cuts the
slicks: a rerun, or a run on a machine that has this file but neither the datasets nor GDAL (a lent
GPU), starts from it: 26.8 MB for the shipped recipe's 1,420 windows, where their tiles take
1.4 GB. Neighbouring tiles overlap by half, so each window is kept as its four quarters and a
quarter seen before is stored once (2,569 of 5,680); each quarter is stored as its residuals from
JPEG-LS's median edge predictor (30.8 MB with the pixels themselves), and LZMA packs the whole.
Loading gives back exactly the windows load_windows gave (tested). Plain numpy arrays, never pickle.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import lzma
from pathlib import Path

import numpy as np

from .data import MIN_SLICK_PX, Window, load_windows, slick_parts

PACK_NAME = "prompt-windows.npz.xz"
FORMAT = 1
SPLITS = ("train", "val")


def pack_key(source_cfg) -> str:
    """What the packed windows follow from: every scene set's dataset (its prepare-stage hash)
    and the code that reads windows and cuts their slicks."""
    from ..pretrain.config import digest
    from ..pretrain.stages import dataset_hashes

    code = inspect.getsource(load_windows) + inspect.getsource(slick_parts) + str(MIN_SLICK_PX)
    return digest({"datasets": dataset_hashes(source_cfg), "code": hashlib.sha256(code.encode()).hexdigest(),
                   "format": FORMAT})


def _predict(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """JPEG-LS's median edge predictor of a pixel from its left (a), upper (b) and upper-left (c)
    neighbours, all int16."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return np.where(c >= hi, lo, np.where(c <= lo, hi, a + b - c))


def _residuals(blocks: np.ndarray) -> np.ndarray:
    """uint8 [N, H, W] -> the prediction residuals mod 256 (outside the block counts as 0)."""
    x = blocks.astype(np.int16)
    padded = np.pad(x, ((0, 0), (1, 0), (1, 0)))
    pred = _predict(padded[:, 1:, :-1], padded[:, :-1, 1:], padded[:, :-1, :-1])
    return ((x - pred) % 256).astype(np.uint8)


def _reconstruct(residuals: np.ndarray) -> np.ndarray:
    """The inverse of _residuals, pixel after pixel (each prediction needs the pixels before it),
    every block at once."""
    n, h, w = residuals.shape
    out = np.zeros((n, h + 1, w + 1), np.int16)  # row and column 0: the zeros outside the block
    res = residuals.astype(np.int16)
    for r in range(1, h + 1):
        above, row = out[:, r - 1], out[:, r]
        for c in range(1, w + 1):
            row[:, c] = (_predict(row[:, c - 1], above[:, c], above[:, c - 1]) + res[:, r - 1, c - 1]) % 256
    return out[:, 1:, 1:].astype(np.uint8)


def save_pack(path: Path, key: str, windows: dict[str, list[Window]]) -> None:
    """Write ``windows`` (split -> windows) under ``key``, atomically."""
    from ..atomic import atomic_file

    quarters: list[np.ndarray] = []
    seen: dict[bytes, list[int]] = {}  # digest -> indices of stored quarters with that digest

    def store(block: np.ndarray) -> int:
        block = np.ascontiguousarray(block)
        same = seen.setdefault(hashlib.sha1(block.tobytes()).digest(), [])
        for i in same:  # a digest match is checked byte for byte: the pack stays exact
            if np.array_equal(quarters[i], block):
                return i
        quarters.append(block)
        same.append(len(quarters) - 1)
        return len(quarters) - 1

    index, labels, split_of = [], [], []
    for s, split in enumerate(SPLITS):
        for win in windows[split]:
            h, w = win.image.shape
            if h % 2 or w % 2 or len(win.parts) > 255:
                raise ValueError(f"cannot pack a {h} x {w} window with {len(win.parts)} slicks")
            index.append([store(win.image[r:r + h // 2, c:c + w // 2]) for r in (0, h // 2) for c in (0, w // 2)])
            label = np.zeros(win.image.shape, np.uint8)
            for k, part in enumerate(win.parts):  # slick_parts' parts never overlap
                label[part] = k + 1
            labels.append(label)
            split_of.append(s)
    buf = io.BytesIO()
    np.savez(buf, key=np.array(key), quarters=_residuals(np.stack(quarters)), index=np.asarray(index, np.int32),
             labels=np.stack(labels), split=np.asarray(split_of, np.uint8))
    with atomic_file(path) as tmp:
        tmp.write_bytes(lzma.compress(buf.getvalue(), preset=6))


def load_pack(path: Path, key: str) -> dict[str, list[Window]] | None:
    """The windows packed under ``key``; None when the file is missing, unreadable or was made
    from other datasets or code (then the caller rebuilds it)."""
    try:
        with np.load(io.BytesIO(lzma.decompress(Path(path).read_bytes())), allow_pickle=False) as z:
            if str(z["key"]) != key:
                return None
            quarters, index, labels, split_of = _reconstruct(z["quarters"]), z["index"], z["labels"], z["split"]
    except (OSError, ValueError, KeyError, lzma.LZMAError, EOFError):
        return None
    out: dict[str, list[Window]] = {split: [] for split in SPLITS}
    for (a, b, c, d), label, s in zip(index, labels, split_of, strict=True):
        image = np.block([[quarters[a], quarters[b]], [quarters[c], quarters[d]]])
        parts = [label == k for k in range(1, int(label.max()) + 1)]
        out[SPLITS[s]].append(Window(image, parts))
    return out
