"""Exemplar-guided synthesis: paste transformed labelled slicks onto slick-free water tiles.

A few-shot set has few slick exemplars but plenty of slick-free water. A synthetic tile
takes a water tile (no slick pixel, mostly valid) and a slick exemplar turned / flipped at
random, and darkens the water where the exemplar's slick lies by the exemplar's own
contrast: the ratio of each slick pixel to the median of the exemplar's water pixels
(SAR slicks damp backscatter multiplicatively in the linear domain; in the stretched
domain a ratio keeps the pasted slick as dark relative to its new background as it was
to its old one). The label follows the pasted pixels; nodata stays nodata.
"""

from __future__ import annotations

import numpy as np


def candidates(images: np.ndarray, masks: np.ndarray, min_valid: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """(indices of exemplar tiles with slick, indices of slick-free water tiles)."""
    slick = (masks == 1).reshape(len(masks), -1).sum(1)
    valid = (images > 0).reshape(len(images), -1).mean(1)
    return np.flatnonzero(slick >= 16), np.flatnonzero((slick == 0) & (valid >= min_valid))


def synthesise(images: np.ndarray, masks: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` synthetic (image, mask) uint8 tiles; empty arrays when the set has no exemplar or water."""
    ex, water = candidates(images, masks)
    shape = images.shape[1:]
    if len(ex) == 0 or len(water) == 0 or n <= 0:
        return np.zeros((0, *shape), np.uint8), np.zeros((0, *shape), np.uint8)
    out_i, out_m = [], []
    for _ in range(n):
        e, w = int(rng.choice(ex)), int(rng.choice(water))
        k, flip = int(rng.integers(4)), bool(rng.integers(2))
        src_img, src_mask = np.rot90(images[e], k), np.rot90(masks[e], k)
        if flip:
            src_img, src_mask = src_img[:, ::-1], src_mask[:, ::-1]
        bg = src_img[(src_mask == 0) & (src_img > 0)]
        if bg.size == 0:
            continue
        ratio = np.clip(src_img.astype(np.float32) / max(1.0, float(np.median(bg))), 0.0, 1.0)
        img, mask = images[w].copy(), masks[w].copy()
        paste = (src_mask == 1) & (img > 0)
        img[paste] = np.clip(np.rint(img[paste] * ratio[paste]), 1, 255).astype(np.uint8)
        mask[paste] = 1
        out_i.append(img)
        out_m.append(mask)
    if not out_i:
        return np.zeros((0, *shape), np.uint8), np.zeros((0, *shape), np.uint8)
    return np.stack(out_i), np.stack(out_m)
