"""The paper's per-scene 2-standard-deviation linear stretch to 1..255 (0 = nodata).

Stretched quantity: by default backscatter in dB (10 log10 of the intensity; amplitude DN are
squared first), because speckled intensity is strongly right-skewed and its mean and standard
deviation are dominated by a few bright pixels, while dB is close to symmetric, and an oil
slick's damping of a few dB is the same shift anywhere in the swath. Already-stretched 8-bit
input is kept as is. Statistics come from a bounded sample of warped windows and are made
robust to bright outliers (ships, platforms, land, ice edges) by iterative 3-sigma clipping
before the mean and standard deviation are taken. A stretch linear in amplitude or intensity
is offered too: the paper's published mosaics look stretched that way (docs/simulation.md,
realism statistics `enl_skew` and `std_vs_mean`). See docs/preprocessing.md.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import InputError

DOMAINS = ("db", "amplitude", "intensity")  # what the 2-sigma stretch is linear in
SAMPLE_BLOCK = 128  # px, side of one sample window
MAX_SAMPLE_BLOCKS = 144  # 12 x 12 lattice: about 2.4 Mpx at most, whatever the scene size
CLIP_SIGMA = 3.0
CLIP_ITERATIONS = 10


@dataclass
class Stretch:
    kind: str  # "2sigma" (linear stretch of domain values) or "identity" (already 8-bit)
    domain: str  # "db", "amplitude" or "intensity" (linear in that quantity), or "dn8" (8-bit kept)
    lo: float  # domain value mapped to 1
    hi: float  # domain value mapped to 255
    mean: float | None = None
    std: float | None = None
    n_sigma: float = 2.0
    sample_pixels: int = 0
    clipped_fraction: float = 0.0
    region: list[float] | None = None  # (minx, miny, maxx, maxy) in grid CRS; None = whole scene
    method: str = field(default="")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Stretch:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in names})


def robust_mean_std(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and std after iterative 3-sigma clipping; also the fraction clipped away."""
    keep = values
    for _ in range(CLIP_ITERATIONS):
        mean, std = float(keep.mean()), float(keep.std())
        if std == 0:
            break
        inside = keep[np.abs(keep - mean) <= CLIP_SIGMA * std]
        if inside.size == keep.size or inside.size < 16:
            break
        keep = inside
    mean, std = float(keep.mean()), float(keep.std())
    return mean, std, 1.0 - keep.size / values.size


def sample_windows(grid, window):
    """A lattice of at most MAX_SAMPLE_BLOCKS small windows spread evenly over ``window``."""
    from rasterio.windows import Window

    h, w = int(window.height), int(window.width)
    bh, bw = min(SAMPLE_BLOCK, h), min(SAMPLE_BLOCK, w)
    side = int(math.isqrt(MAX_SAMPLE_BLOCKS))
    nr = min(side, math.ceil(h / bh))
    nc = min(side, math.ceil(w / bw))
    rows = np.unique(np.linspace(0, h - bh, nr).astype(int))
    cols = np.unique(np.linspace(0, w - bw, nc).astype(int))
    return [Window(int(window.col_off + c), int(window.row_off + r), bw, bh) for r in rows for c in cols]


def compute_stretch(scene, grid, region=None, n_sigma: float = 2.0, progress=None, domain: str = "db") -> Stretch:
    """The scene's stretch on ``grid``, from the part inside ``region`` (grid CRS bounds),
    or the whole scene when ``region`` is None or holds no valid pixel.

    ``domain``: the stretch is linear in dB (the default, see the module docstring), or in
    amplitude or intensity (what the paper's published mosaics look like: speckle skewed
    bright, spread growing with brightness, nothing at level 1)."""
    from rasterio.windows import Window

    if domain not in DOMAINS:
        raise InputError(f"stretch domain {domain!r} is unknown: use one of {', '.join(DOMAINS)}")
    if scene.kind == "stretched":
        return Stretch("identity", "dn8", 1.0, 255.0, region=None, method="already stretched 8-bit: kept as is")
    full = Window(0, 0, grid.width, grid.height)
    window = grid.window_of_bounds(region) if region is not None else full
    values = _sample(scene, grid, window, progress) if window is not None else np.empty(0, np.float32)
    if values.size == 0 and region is not None:
        region, values = None, _sample(scene, grid, full, progress)
    if values.size == 0:
        raise InputError(f"{scene.path}: the scene has no valid pixels on the target grid; check the file and its nodata value")
    mean, std, clipped = robust_mean_std(from_db(values.astype(np.float64), domain))
    std = max(std, 1e-12)
    return Stretch(
        "2sigma", domain, mean - n_sigma * std, mean + n_sigma * std, mean=mean, std=std, n_sigma=n_sigma,
        sample_pixels=int(values.size), clipped_fraction=round(clipped, 6),
        region=None if region is None else [float(v) for v in region],
        method=f"{domain}; mean +/- {n_sigma:g} std after iterative {CLIP_SIGMA:g}-sigma clipping -> 1..255",
    )


def from_db(db: np.ndarray, domain: str) -> np.ndarray:
    """dB values in the stretch's domain: unchanged, amplitude 10^(dB/20) or intensity 10^(dB/10)."""
    if domain == "amplitude":
        return np.power(10.0, db / 20.0, dtype=db.dtype)
    if domain == "intensity":
        return np.power(10.0, db / 10.0, dtype=db.dtype)
    return db


def _sample(scene, grid, window, progress) -> np.ndarray:
    parts = []
    wins = sample_windows(grid, window)
    for i, win in enumerate(wins):
        if progress is not None:
            progress.check()
            progress.update(i / len(wins), f"{scene.id}: stretch statistics")
        values, valid = scene.read(grid, win)
        parts.append(values[valid])
    if sum(p.size for p in parts) == 0:
        # The lattice fell between the valid parts (a thin swath): scan the window block by
        # block and stop once enough values are found.
        from rasterio.windows import Window

        step, found = 1024, 0
        for r in range(int(window.row_off), int(window.row_off + window.height), step):
            for c in range(int(window.col_off), int(window.col_off + window.width), step):
                if progress is not None:
                    progress.check()
                h = min(step, int(window.row_off + window.height) - r)
                w = min(step, int(window.col_off + window.width) - c)
                values, valid = scene.read(grid, Window(c, r, w, h))
                parts.append(values[valid])
                found += parts[-1].size
                if found >= SAMPLE_BLOCK * SAMPLE_BLOCK * 4:
                    return np.concatenate(parts)
    return np.concatenate(parts) if parts else np.empty(0, np.float32)


def apply_stretch(values: np.ndarray, valid: np.ndarray, stretch: Stretch | dict) -> np.ndarray:
    """Domain values -> uint8: lo..hi mapped linearly onto 1..255 (clipped), invalid -> 0."""
    if isinstance(stretch, dict):
        stretch = Stretch.from_dict(stretch)
    if stretch.kind == "identity":
        out = np.clip(np.rint(values), 1, 255)
    elif stretch.kind == "2sigma":
        values = from_db(values, stretch.domain) if stretch.domain in ("amplitude", "intensity") else values
        scale = 254.0 / max(stretch.hi - stretch.lo, 1e-12)
        out = np.clip(np.rint(1.0 + (values - stretch.lo) * scale), 1, 255)
    else:
        raise InputError(f"unknown stretch kind {stretch.kind!r} (expected '2sigma' or 'identity')")
    out = out.astype(np.uint8)
    out[~valid] = 0
    return out
