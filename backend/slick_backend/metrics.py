"""Dice and friends on the slick class (value 1), from arrays or from two rasters on one grid.

Rasters are read in strips of rows, so memory stays bounded by the strip, never the scene.

Nodata: a pixel is ignored when either raster marks it as nodata. A declared nodata of 0 or 1
on a class mask is *not* honoured, because GIS tools often tag the background class 0 of a
thematic raster as nodata (the paper's own ``pred_*.tif`` do): treating those pixels as
missing would drop every false negative. Nodata values outside the data type (e.g. the 65536
of a uint16 PNG) are ignored as declarations. Our own masks use 255 for nodata.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .errors import InputError

SLICK = 1
# Grids agree when every pixel corner lands within this fraction of a pixel on both rasters.
GRID_TOLERANCE_PX = 1e-3


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        return self

    @property
    def dice(self) -> float:
        """2TP / (2TP + FP + FN); 1.0 when both masks are empty (nothing to find, nothing found)."""
        denom = 2 * self.tp + self.fp + self.fn
        return 1.0 if denom == 0 else 2 * self.tp / denom

    @property
    def iou(self) -> float:
        denom = self.tp + self.fp + self.fn
        return 1.0 if denom == 0 else self.tp / denom

    @property
    def precision(self) -> float:
        denom = self.tp + self.fp
        return math.nan if denom == 0 else self.tp / denom

    @property
    def recall(self) -> float:
        denom = self.tp + self.fn
        return math.nan if denom == 0 else self.tp / denom

    def scores(self) -> dict:
        """Dice, precision, recall, IoU and the counts, JSON-safe: an undefined precision or recall
        (nothing predicted, nothing to find) is None, not NaN."""
        def defined(x: float) -> float | None:
            return None if math.isnan(x) else x

        return {"dice": self.dice, "precision": defined(self.precision), "recall": defined(self.recall),
                "iou": self.iou, "tp": int(self.tp), "fp": int(self.fp), "fn": int(self.fn)}

    def as_dict(self) -> dict:
        return {**asdict(self), **self.scores(), "valid_pixels": self.tp + self.fp + self.fn + self.tn}


def counts_from_arrays(pred: np.ndarray, truth: np.ndarray, valid: np.ndarray | None = None) -> Counts:
    """Confusion counts of the slick class; ``valid`` (bool) selects the pixels that count."""
    if pred.shape != truth.shape:
        raise ValueError(f"shapes differ: prediction {pred.shape}, truth {truth.shape}")
    p = np.asarray(pred) == SLICK
    t = np.asarray(truth) == SLICK
    if valid is None:
        valid = np.ones(p.shape, bool)
    tp = int(np.count_nonzero(p & t & valid))
    fp = int(np.count_nonzero(p & ~t & valid))
    fn = int(np.count_nonzero(~p & t & valid))
    tn = int(np.count_nonzero(valid)) - tp - fp - fn
    return Counts(tp, fp, fn, tn)


# --- rasters ---------------------------------------------------------------------------------


def effective_nodata(ds) -> float | None:
    """The nodata value that really marks missing pixels of a class mask (see module doc)."""
    nd = ds.nodata
    if nd is None or (isinstance(nd, float) and math.isnan(nd)):
        return nd
    if nd in (0, 1):
        return None
    dtype = np.dtype(ds.dtypes[0])
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if not (info.min <= nd <= info.max) or nd != int(nd):
            return None
    return nd


def same_grid(a, b, tolerance_px: float = GRID_TOLERANCE_PX) -> str | None:
    """None when two open datasets share CRS, shape and transform; else what differs."""
    if a.crs != b.crs:
        return f"CRS {a.crs} vs {b.crs}"
    if (a.height, a.width) != (b.height, b.width):
        return f"size {a.height}x{a.width} vs {b.height}x{b.width} (rows x cols)"
    ta, tb = a.transform, b.transform
    px = max(abs(ta.a), abs(ta.e), 1e-12)
    # Offsets must agree to a fraction of a pixel; scale/shear terms may differ only by an
    # amount that stays below that fraction across the whole raster.
    extent = max(a.width, a.height)
    for name, x, y, tol in (
        ("x origin", ta.c, tb.c, tolerance_px * px),
        ("y origin", ta.f, tb.f, tolerance_px * px),
        ("pixel width", ta.a, tb.a, tolerance_px * px / extent),
        ("pixel height", ta.e, tb.e, tolerance_px * px / extent),
        ("row rotation", ta.b, tb.b, tolerance_px * px / extent),
        ("column rotation", ta.d, tb.d, tolerance_px * px / extent),
    ):
        if abs(x - y) > tol:
            return f"{name} {x!r} vs {y!r}"
    return None


def _open(path: str | Path, role: str):
    import rasterio

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: {role} raster not found; give the path of an existing GeoTIFF/PNG")
    try:
        return rasterio.open(path)
    except Exception as exc:
        raise InputError(f"{path}: cannot read the {role} raster ({str(exc).splitlines()[0]}); give a GDAL-readable raster") from None


def counts_from_rasters(pred_path: str | Path, truth_path: str | Path, band: int = 1, rows_per_strip: int = 512,
                        progress=None) -> Counts:
    """Confusion counts of class 1 over two rasters on the same grid, read strip by strip."""
    from rasterio.windows import Window

    with _open(pred_path, "prediction") as pred, _open(truth_path, "truth") as truth:
        diff = same_grid(pred, truth)
        if diff:
            raise InputError(
                f"{pred_path} and {truth_path} are not on the same grid ({diff}); "
                "resample the prediction onto the truth's grid (or predict on the same scene) first"
            )
        for path, ds in ((pred_path, pred), (truth_path, truth)):
            if not 1 <= int(band) <= ds.count:
                raise InputError(f"--band {band}: {path} has {ds.count} band(s); give a band from 1 to {ds.count}")
        nd_p, nd_t = effective_nodata(pred), effective_nodata(truth)
        total = Counts()
        for row in range(0, pred.height, rows_per_strip):
            if progress is not None:
                progress.check()
                progress.update(row / pred.height, "counting pixels")
            win = Window(0, row, pred.width, min(rows_per_strip, pred.height - row))
            p = pred.read(band, window=win)
            t = truth.read(band, window=win)
            valid = np.ones(p.shape, bool)
            for arr, nd in ((p, nd_p), (t, nd_t)):
                if nd is not None:
                    valid &= ~np.isnan(arr) if isinstance(nd, float) and math.isnan(nd) else arr != nd
            total += counts_from_arrays(p, t, valid)
        return total


def dice_from_rasters(pred_path: str | Path, truth_path: str | Path) -> float:
    return counts_from_rasters(pred_path, truth_path).dice
