"""Sliding-window inference over a whole grid with Hann-weighted blending, strip by strip.

Windows of ``tile`` px sit on a regular lattice with stride ``tile * (1 - 2 * overlap)``
(overlap = the fraction of the tile shared with the neighbour on each side; 0.25 gives the
paper's 50 % overlap). The lattice starts half an overlap before the grid so that every grid
pixel lies in the central part of some window; what falls outside the grid is fed as 0
(nodata), as the model contract asks.

Blending: each window's output is multiplied by a separable Hann-tapered weight (see
hann_1d), summed, and divided by the summed weights. Because every window
has the same weight and the windows form a full lattice, the weight sum is the outer product
of two 1-D sums; only the weighted-output accumulator of one window row (``tile`` rows of
the grid) is kept, so memory grows with the grid's width, never its height. A window with no
valid pixel is skipped: the model returns exactly 0 on nodata, so its contribution is 0.

The engine is any callable ``float32 [B, 1, T, T] (0..255, 0 = nodata) -> [B, 1, T, T]
probability``. ``read_strip(row_off, col_off, height, width)`` returns that input for a
window of the grid (already padded with 0 outside it) and a validity mask.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

Engine = Callable[[np.ndarray], np.ndarray]
StripReader = Callable[[int, int, int, int], tuple[np.ndarray, np.ndarray]]


def stride_for(tile: int, overlap: float) -> int:
    if not 0 <= overlap < 0.5:
        raise ValueError("overlap must be in [0, 0.5)")
    return max(1, int(round(tile * (1 - 2 * overlap))))


def window_offsets(n: int, tile: int, stride: int) -> list[int]:
    """Offsets of windows along one axis: every index in [0, n) lies in some window's core."""
    margin = (tile - stride) // 2
    return [-margin + k * stride for k in range(max(1, math.ceil(n / stride)))]


def hann_1d(tile: int, stride: int | None = None) -> np.ndarray:
    """Blending weight along one axis: 1 in the window's core, a Hann (sin^2) taper across the
    part shared with each neighbour (a Tukey window). The tapers of neighbours sum to exactly
    1; at the default overlap (stride = tile / 2) this is the plain Hann window, and with no
    overlap it is flat. Strictly positive, so the grid's edge pixels still get weight."""
    stride = tile // 2 if stride is None else stride
    taper = tile - stride  # pixels shared with a neighbour
    w = np.ones(tile, np.float64)
    if taper > 0:
        i = np.arange(taper, dtype=np.float64)
        ramp = np.sin(np.pi * (i + 0.5) / (2 * taper)) ** 2
        w[:taper] = ramp
        w[tile - taper:] = np.minimum(w[tile - taper:], ramp[::-1])
    return w


def weight_sum_1d(n: int, offsets: list[int], tile: int, w: np.ndarray) -> np.ndarray:
    total = np.zeros(n, np.float64)
    for o in offsets:
        lo, hi = max(0, o), min(n, o + tile)
        if hi > lo:
            total[lo:hi] += w[lo - o:hi - o]
    return total


DIHEDRAL = [(k, f) for f in (False, True) for k in range(4)]


def with_tta(engine: Engine) -> Engine:
    """Average of the 8 flips and quarter turns (each undone on the output)."""

    def run(batch: np.ndarray) -> np.ndarray:
        acc = np.zeros(batch.shape, np.float32)
        for k, flip in DIHEDRAL:
            x = batch[..., ::-1] if flip else batch
            x = np.ascontiguousarray(np.rot90(x, k, axes=(-2, -1)))
            y = np.rot90(engine(x), -k, axes=(-2, -1))
            acc += y[..., ::-1] if flip else y
        return acc / len(DIHEDRAL)

    return run


@dataclass
class Strip:
    """Final rows [row, row + prob.shape[0]) of the grid."""

    row: int
    prob: np.ndarray  # float32, blended probability (meaningless where not valid)
    valid: np.ndarray  # bool
    image: np.ndarray | None = None  # the model's input over these rows (0..255, 0 = nodata): the ice flag reads it


def predict_strips(engine: Engine, read_strip: StripReader, height: int, width: int, tile: int,
                   overlap: float = 0.25, batch_size: int = 8, progress=None,
                   prefetch: bool = True) -> Iterator[Strip]:
    """Yield the blended probability of the grid in consecutive strips of rows, top to bottom."""
    stride = stride_for(tile, overlap)
    w1 = hann_1d(tile, stride)
    w2 = np.outer(w1, w1).astype(np.float32)
    rows, cols = window_offsets(height, tile, stride), window_offsets(width, tile, stride)
    wy = weight_sum_1d(height, rows, tile, w1)
    wx = weight_sum_1d(width, cols, tile, w1).astype(np.float32)
    col0, read_w = cols[0], cols[-1] + tile - cols[0]

    acc = np.zeros((tile, width), np.float32)  # rows [base, base + tile) of the grid
    vacc = np.zeros((tile, width), bool)
    done = 0  # grid rows already yielded
    pool = ThreadPoolExecutor(1) if prefetch else None

    def load(k):
        return read_strip(rows[k], col0, tile, read_w)

    try:
        pending = pool.submit(load, 0) if pool else None
        for k, base in enumerate(rows):
            if progress is not None:
                progress.check()
                progress.update(k / len(rows), f"predicting window row {k + 1}/{len(rows)}")
            image, valid = pending.result() if pool else load(k)
            if pool and k + 1 < len(rows):
                pending = pool.submit(load, k + 1)
            _accumulate_row(engine, image, valid, acc, vacc, cols, col0, tile, width, w2, batch_size)
            last = k == len(rows) - 1
            end = height if last else min(height, rows[k + 1])  # rows before the next window are final
            if end > done:
                lo = done - base
                hi = end - base
                prob = acc[lo:hi] / (wy[done:end, None].astype(np.float32) * wx[None, :])
                yield Strip(done, prob, vacc[lo:hi].copy(), image[lo:hi, -col0:-col0 + width])
                done = end
            if not last:
                shift = rows[k + 1] - base
                acc[:-shift] = acc[shift:]
                acc[-shift:] = 0
                vacc[:-shift] = vacc[shift:]
                vacc[-shift:] = False
    finally:
        if pool:
            pool.shutdown(wait=True, cancel_futures=True)


def _accumulate_row(engine, image, valid, acc, vacc, cols, col0, tile, width, w2, batch_size):
    """Run the windows of one window row through the engine and add their weighted outputs."""
    # validity of grid rows in this window row (columns outside the grid dropped)
    c_lo, c_hi = -col0, -col0 + width
    vacc |= valid[:, c_lo:c_hi]
    todo = [c for c in cols if valid[:, c - col0:c - col0 + tile].any()]
    for i in range(0, len(todo), batch_size):
        chunk = todo[i:i + batch_size]
        batch = np.stack([image[None, :, c - col0:c - col0 + tile] for c in chunk]).astype(np.float32, copy=False)
        out = np.asarray(engine(batch), dtype=np.float32).reshape(len(chunk), tile, tile)
        for c, y in zip(chunk, out, strict=True):
            lo, hi = max(0, c), min(width, c + tile)
            acc[:, lo:hi] += (y * w2)[:, lo - c:hi - c]
