"""Oil slicks from seeps: thin, curved plumes that widen and fade downstream.

Oil from a seafloor seep surfaces at nearly the same point each time and is then drifted
by the surface current plus ~3 % of the wind, so a slick is a curved line starting at the
seep, narrow at the source (tens of metres) and spreading to a few hundred metres, often
fragmented, with the damping of the Bragg waves (a few dB) fading towards the tail. The
damping is strongest at moderate wind, weaker at high wind (oil is mixed down) and nil
below ~2.5 m/s where the clean sea is already dark: such pixels are not labelled, because
nobody could see a slick there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .backscatter import CALM_WIND

VISIBLE_DB = 1.0  # a slick pixel is labelled only where it is at least this much darker than the sea


@dataclass(frozen=True)
class Plume:
    seep: str
    row: float  # seep position in image pixels (may be outside the image)
    col: float
    direction: float  # initial drift direction, image angle in radians
    length_m: float
    turn: float  # total change of direction along the plume (radians)
    wiggle: float  # amplitude of meanders (radians)
    wiggle_m: float  # meander wavelength
    width0_m: float  # full width at the seep
    width1_m: float  # full width at the tail
    damping_db: float  # peak damping at moderate wind

    def to_json(self) -> dict:
        return {
            "seep": self.seep,
            "direction_deg_image": round(math.degrees(self.direction), 1),
            "length_m": round(self.length_m),
            "width_m": [round(self.width0_m), round(self.width1_m)],
            "damping_db": round(self.damping_db, 2),
        }


def random_plume(seep: str, row: float, col: float, drift_dir: float, rng: np.random.Generator) -> Plume:
    """Plume parameters that vary from scene to scene at a persistent seep."""
    return Plume(
        seep=seep,
        row=row,
        col=col,
        direction=drift_dir + rng.normal(0.0, math.radians(35)),
        length_m=float(rng.uniform(4000, 16000)),
        turn=float(rng.normal(0.0, math.radians(100))),
        wiggle=float(rng.uniform(0.0, math.radians(45))),
        wiggle_m=float(rng.uniform(1000, 4000)),
        width0_m=float(rng.uniform(60, 180)),
        width1_m=float(rng.uniform(300, 800)),
        damping_db=float(rng.uniform(2.5, 7.0)),
    )


def wind_factor(wind: np.ndarray) -> np.ndarray:
    """Fraction of the nominal damping seen at a wind speed: 0 when calm, 1 at 4-7 m/s, ~0.5 at 12 m/s."""
    u = np.asarray(wind, np.float32)
    rise = np.clip((u - CALM_WIND) / 1.5, 0.0, 1.0)
    fall = 1.0 / (1.0 + np.maximum(u - 7.0, 0.0) / 5.0)
    return (rise * fall).astype(np.float32)


def centreline(plume: Plume, pixel_m: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float]:
    """Points (rows, cols) every half pixel along the plume, and that spacing in metres."""
    ds_m = 0.5 * pixel_m
    n = max(2, int(plume.length_m / ds_m))
    s = np.arange(n) * ds_m
    phase = rng.uniform(0, 2 * np.pi)
    # steady turning (current shear) plus meanders at two scales (tidal and inertial wobble)
    heading = (
        plume.direction
        + plume.turn * s / plume.length_m
        + plume.wiggle * np.sin(2 * np.pi * s / plume.wiggle_m + phase)
        + 0.5 * plume.wiggle * np.sin(2 * np.pi * s / (0.37 * plume.wiggle_m) + 2.0 * phase)
    )
    cols = plume.col + np.cumsum(np.cos(heading)) * 0.5
    rows = plume.row + np.cumsum(np.sin(heading)) * 0.5
    return rows, cols, ds_m


def render_plume(
    plume: Plume, shape: tuple[int, int], pixel_m: float, rng: np.random.Generator
) -> tuple[tuple[slice, slice], np.ndarray, np.ndarray] | None:
    """Damping fraction 0..1 of one plume in its bounding window of the image, and the plume's
    outline there (what a person would draw: the half-damping width wherever the plume is not
    faded out). None if the plume misses the image."""
    rows, cols, ds_m = centreline(plume, pixel_m, rng)
    pad = plume.width1_m / pixel_m + 3
    r0, r1 = int(max(0, np.floor(rows.min() - pad))), int(min(shape[0], np.ceil(rows.max() + pad)))
    c0, c1 = int(max(0, np.floor(cols.min() - pad))), int(min(shape[1], np.ceil(cols.max() + pad)))
    if r1 - r0 < 2 or c1 - c0 < 2:
        return None
    index = np.full((r1 - r0, c1 - c0), -1, np.int64)
    ri, ci = np.round(rows).astype(np.int64) - r0, np.round(cols).astype(np.int64) - c0
    inside = (ri >= 0) & (ri < r1 - r0) & (ci >= 0) & (ci < c1 - c0)
    if not inside.any():
        return None
    index[ri[inside], ci[inside]] = np.nonzero(inside)[0]
    dist, (nr, nc) = ndimage.distance_transform_edt(index < 0, return_indices=True)
    s_frac = index[nr, nc] * ds_m / plume.length_m  # 0 at the seep, 1 at the tail
    width_px = (plume.width0_m + (plume.width1_m - plume.width0_m) * s_frac**0.7) / pixel_m
    across = np.exp(-((dist / (0.5 * width_px + 0.5)) ** 2))  # darkest on the axis, soft edges
    # along the plume: fading, patchy, sometimes broken into fragments
    n_along = int(plume.length_m / 400) + 4
    knots = rng.normal(0.0, 1.0, n_along)
    patch = np.interp(s_frac * (n_along - 1), np.arange(n_along), knots)
    along = (1.0 - 0.45 * s_frac) * np.clip(1.0 + 0.25 * patch, 0.0, 1.3) * (patch > -1.8)
    along *= np.clip((1.0 - s_frac) / 0.15, 0.0, 1.0)  # taper the tail instead of a blunt end
    outline = (across > 0.5) & (along > 0.2)
    return (slice(r0, r1), slice(c0, c1)), (across * along).astype(np.float32), outline
