"""Sea-surface texture that modulates the clutter in dB: boundary-layer rolls, convective cells,
fine mottling and internal-wave packets.

Each returns a dB field on the image grid (or adds into one). Amplitudes and scales are drawn
per scene over wide ranges: the model must learn what a slick is, not one rendering of water.
"""

from __future__ import annotations

import math

import numpy as np

from .fields import powerlaw_noise, smooth_noise


def sea_texture_db(shape, pixel_m: float, wind_dir: float, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Rolls along the wind, convective cells and a fine power-law mottle, summed in dB."""
    rolls_m = float(rng.uniform(600, 3000))  # spacing of the boundary-layer rolls
    rolls_db = float(rng.choice([0.0, rng.uniform(0.2, 1.2)]))
    tex = rolls_db * smooth_noise(shape, 0.35 * rolls_m / pixel_m, rng, anisotropy=rng.uniform(3, 8), angle=wind_dir)
    cells_m = float(rng.uniform(800, 5000))
    cells_db = float(rng.choice([0.0, rng.uniform(0.2, 1.5)]))
    if cells_db:
        # open convective cells: dark centres, bright rims (|band-passed field| makes the network)
        band = smooth_noise(shape, 0.25 * cells_m / pixel_m, rng)
        cells = np.abs(band)
        cells -= cells.mean()
        cells /= cells.std() + 1e-9
        tex += cells_db * cells
        del band, cells
    mottle_db = float(rng.uniform(0.3, 1.2))
    tex += mottle_db * powerlaw_noise(shape, pixel_m, rng, float(rng.uniform(1.2, 2.8)), 100.0, 5000.0)
    return tex.astype(np.float32), {"rolls_db": round(rolls_db, 2), "cells_db": round(cells_db, 2),
                                    "mottle_db": round(mottle_db, 2)}


def internal_waves(tex_db: np.ndarray, pixel_m: float, rng: np.random.Generator) -> int:
    """Add packets of internal waves: curved parallel bands, bright and dark, closer together and
    weaker behind the leading wave. Their dark bands are slick-shaped look-alikes."""
    h, w = tex_db.shape
    n = int(rng.poisson(0.6)) if rng.random() < 0.35 else 0
    for _ in range(n):
        radius = float(rng.uniform(10000, 60000)) / pixel_m  # curvature of the wave crests
        heading = float(rng.uniform(-math.pi, math.pi))  # where the packet travels
        cr, cc = rng.uniform(0, h), rng.uniform(0, w)
        # crest circles centred behind the packet
        orow, ocol = cr - radius * math.sin(heading), cc - radius * math.cos(heading)
        rows = np.arange(h, dtype=np.float32)[:, None] - orow
        cols = np.arange(w, dtype=np.float32)[None, :] - ocol
        behind = radius - np.hypot(rows, cols)  # px behind the leading crest
        wavelength = float(rng.uniform(300, 1500)) / pixel_m
        waves = int(rng.integers(3, 9))
        depth = np.clip(behind / wavelength, 0.0, None)
        phase = 2 * math.pi * depth * (1.0 + 0.08 * depth)  # crests closer together behind the leader
        envelope = np.exp(-depth / waves) * (behind > -0.5 * wavelength)
        # along the crest the packet fades out at its ends
        along = np.arctan2(rows, cols) - heading
        along = (along + math.pi) % (2 * math.pi) - math.pi
        half = float(rng.uniform(8000, 40000)) / pixel_m / radius
        envelope = envelope * np.exp(-((along / half) ** 4))
        tex_db += float(rng.uniform(0.8, 3.0)) * envelope * np.sin(phase).astype(np.float32)
    return n
