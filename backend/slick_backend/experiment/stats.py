"""The statistics of the experiment: the paper's interval recipe and a real paired bootstrap.

Paper protocol (Vadnais et al. 2025, Table II, as recomputed in arctic_ew/README.md): for one
format and each N, change = mean of the fine-tuned models' average Dice minus mean of the base
models'; the interval is the 2.5/97.5 percentiles (numpy's linear default) of those per-N
changes, printed as centre (lo+hi)/2 and "±" the full width hi-lo. It describes the spread of
the effect over N, not the uncertainty of an estimate.

Bootstrap protocol: the quantity is the paired difference transfer - base on each test scene
(a base model and its transfer twin share architecture, backbone, format, N and the training
draw). Test scenes are resampled with replacement (the same resampled scene list for every
model, which keeps the pairing and the correlation between models); when a cell holds several
training draws, the draws are resampled with replacement too, inside their cell, so the
interval also carries the training-set variability. The statistic is the mean over cells
(equal weight per architecture/backbone/N) of the mean over draws and scenes, and the interval
is the percentile interval of its resampled values. See docs/experiment.md.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .results import ModelResult

DEFAULT_RESAMPLES = 2000


def percentile_interval(values, level: float = 0.95) -> tuple[float, float]:
    """Two-sided percentile interval (numpy's default linear interpolation)."""
    tail = (1.0 - level) / 2.0 * 100.0
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (math.nan, math.nan)
    lo, hi = np.percentile(values, [tail, 100.0 - tail])
    return float(lo), float(hi)


def _mean(values) -> float:
    values = [v for v in values if not math.isnan(v)]
    return float(np.mean(values)) if values else math.nan


@dataclass
class PaperRow:
    average: float
    change: float  # centre of the interval, as the paper prints it
    low: float
    high: float
    plus_minus: float  # full width hi - lo
    changes_by_n: dict[int, float]


def paper_protocol(results: list[ModelResult], level: float = 0.95) -> PaperRow:
    """Table II's recipe for the rows of one format (see the module docstring)."""
    changes = {}
    for n in sorted({r.n for r in results}):
        base = _mean([r.mean_dice() for r in results if r.n == n and r.init == "base"])
        tl = _mean([r.mean_dice() for r in results if r.n == n and r.init == "transfer"])
        changes[n] = tl - base
    lo, hi = percentile_interval(list(changes.values()), level)
    return PaperRow(
        average=_mean([r.mean_dice() for r in results]),
        change=(lo + hi) / 2.0,
        low=lo,
        high=hi,
        plus_minus=hi - lo,
        changes_by_n=changes,
    )


@dataclass
class BootResult:
    estimate: float
    low: float
    high: float
    resamples: int
    cells: int
    rows: int
    scenes: int


def bootstrap_blocks(blocks: list[np.ndarray], resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                     level: float = 0.95) -> BootResult:
    """Percentile bootstrap of mean over blocks (cells) of the mean over rows (draws) and scenes.

    Each block is a [rows, scenes] array over one common scene axis (NaN where a row has no
    value for a scene). Scenes are resampled once per replicate for all blocks; rows are
    resampled inside each block that has more than one.
    """
    blocks = [np.asarray(b, dtype=float) for b in blocks if np.size(b)]
    if not blocks:
        return BootResult(math.nan, math.nan, math.nan, 0, 0, 0, 0)
    n_scenes = blocks[0].shape[1]
    rng = np.random.default_rng(seed)
    scene_idx = rng.integers(0, n_scenes, size=(resamples, n_scenes))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices are expected and skipped
        estimate = _mean([float(np.nanmean(np.nanmean(b, axis=1))) for b in blocks])
        per_block = []
        for b in blocks:
            row_means = np.nanmean(b[:, scene_idx], axis=2)  # [rows, R]
            if b.shape[0] > 1:
                pick = rng.integers(0, b.shape[0], size=(resamples, b.shape[0]))
                row_means = np.take_along_axis(row_means.T, pick, axis=1)  # [R, rows]
            else:
                row_means = row_means.T
            per_block.append(np.nanmean(row_means, axis=1))
        stats = np.nanmean(np.stack(per_block, axis=0), axis=0)
    lo, hi = percentile_interval(stats, level)
    return BootResult(estimate, lo, hi, resamples, len(blocks), sum(b.shape[0] for b in blocks), n_scenes)


def _scene_axis(results: list[ModelResult]) -> list[str]:
    return sorted({s for r in results for s in r.scene_dice})


def _row(result: ModelResult, scenes: list[str]) -> np.ndarray:
    return np.array([result.scene_dice.get(s, math.nan) for s in scenes], dtype=float)


def paired_blocks(results: list[ModelResult], cell_of) -> tuple[list[np.ndarray], int]:
    """Blocks of transfer - base per-scene differences, one block per ``cell_of(result)``.

    Returns the blocks and the number of base rows that had no transfer twin (left out).
    """
    scenes = _scene_axis(results)
    base = {r.pair_key: r for r in results if r.init == "base"}
    cells: dict = defaultdict(list)
    unpaired = 0
    for r in results:
        if r.init != "transfer":
            continue
        twin = base.get(r.pair_key)
        if twin is None:
            unpaired += 1
            continue
        cells[cell_of(r)].append(_row(r, scenes) - _row(twin, scenes))
    unpaired += sum(1 for k in base if k not in {r.pair_key for r in results if r.init == "transfer"})
    return [np.stack(cells[k]) for k in sorted(cells, key=str)], unpaired


def paired_bootstrap(results: list[ModelResult], resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                     level: float = 0.95) -> BootResult:
    """Transfer - base, cells = (architecture, backbone, N); draws and test scenes resampled."""
    blocks, _ = paired_blocks(results, lambda r: (r.arch, r.backbone, r.n))
    return bootstrap_blocks(blocks, resamples, seed, level)


def dice_band(results: list[ModelResult], resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
              level: float = 0.95) -> BootResult:
    """Mean Dice of a group of models (one init) with its bootstrap interval (Fig. 2's band).

    Cells are (backbone, format); draws and test scenes are resampled as above.
    """
    scenes = _scene_axis(results)
    cells: dict = defaultdict(list)
    for r in results:
        cells[(r.backbone, r.tile, r.pixel_size)].append(_row(r, scenes))
    return bootstrap_blocks([np.stack(cells[k]) for k in sorted(cells, key=str)], resamples, seed, level)
