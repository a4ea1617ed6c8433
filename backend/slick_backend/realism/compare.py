"""Aggregate per-image statistics over sets of images and compare simulated sets with the real one.

``compare(sim_sets, real)`` takes lists of per-image records (``measure`` makes them: a name plus
``stats.image_stats``) and returns a JSON-able dict; ``format_table`` prints it as plain text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from . import stats

FORMAT = "slick-realism"
VERSION = 1
REAL = "real"

# key -> (unit, what it is); the order is the table's. docs/simulation.md explains each one.
STATISTICS: dict[str, tuple[str, str]] = {
    "hist_w1": ("levels", "earth mover's distance of the level histogram to the real set's"),
    "hist_js": ("0..1", "Jensen-Shannon divergence (64 bins) of the level histogram to the real set's"),
    "mean_level": ("levels", "mean of the valid levels"),
    "std_level": ("levels", "standard deviation of the valid levels"),
    "p5": ("levels", "5th percentile of the valid levels"),
    "p50": ("levels", "median of the valid levels"),
    "p95": ("levels", "95th percentile of the valid levels"),
    "psd_slope": ("log-log", "slope of the water power spectrum, wavelengths 0.5-10 km"),
    "psd_slope_fine": ("log-log", "slope of the water power spectrum, wavelengths 75-500 m"),
    "enl": ("looks", "apparent equivalent number of looks (log-speckle skewness)"),
    "levels_per_db": ("levels/dB", "stretch scale implied by the ENL and the within-window spread"),
    "enl_skew": ("", "pooled within-window skewness of homogeneous water (log speckle: < 0)"),
    "std_vs_mean": ("", "slope of window std on window mean (0 for a stretch of dB)"),
    "stretch_levels_per_db": ("levels/dB", "the stretch's true scale, where known (simulated scenes only)"),
    "contrast_db": ("dB", "water ring minus slick, median over slicks"),
    "contrast_sigma": ("ring std", "water ring minus slick over the ring's std, median over slicks"),
    "slick_width_m": ("m", "slick width (area / length), area-weighted median over slicks"),
    "slick_length_m": ("m", "slick skeleton length, area-weighted median over slicks"),
    "tortuosity": ("", "longest skeleton path / distance between its ends, area-weighted median"),
    "branches": ("", "skeleton branch points per slick, area-weighted median"),
    "fragments": ("per image", "slick components (8-connected)"),
    "fragments_small": ("per image", "slick components < 20 % of the image's largest"),
    "slick_share": ("share", "slick pixels / valid pixels"),
    "lookalike_share": ("share", "water at least as dark (5x5 mean) as the median slick"),
    "dark_patch_share": ("share", "valid pixels whose 15x15 mean is below median - 1 robust std"),
    "nodata_share": ("share", "nodata pixels / all pixels"),
    "edge_density": ("share", "valid pixels within 3 px of nodata"),
}
HIST_KEYS = ("hist_w1", "hist_js")


def measure(images: Iterable, progress=None) -> list[dict]:
    """Per-image records ``{"name": ..., **stats.image_stats(image, slick, pixel_m)}`` of
    ``(name, image, slick, pixel_m[, levels_per_db])`` tuples (realism.sources.SourceImage)."""
    records = []
    for item in images:
        name, image, slick, pixel_m = item[:4]
        known = item[4] if len(item) > 4 else None
        if progress is not None:
            progress.check()
        records.append({"name": name, **stats.image_stats(image, slick, pixel_m, known)})
    return records


def pooled_histogram(records: list[dict]) -> np.ndarray:
    """Mean of the images' normalised level histograms: each image weighs the same, whatever
    its size."""
    hists = [stats.normalised(r["histogram"]) for r in records if np.sum(r["histogram"]) > 0]
    return np.mean(hists, axis=0) if hists else np.zeros(stats.LEVELS)


def summarise(values: Iterable) -> dict:
    """{"mean", "min", "max", "n"} over the finite numbers among ``values`` (None when there
    are none)."""
    nums = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]
    if not nums:
        return {"mean": None, "min": None, "max": None, "n": 0}
    return {"mean": float(np.mean(nums)), "min": min(nums), "max": max(nums), "n": len(nums)}


def _image_distances(records: list[dict], reference: np.ndarray | None, leave_one_out: bool) -> None:
    """Adds hist_w1 / hist_js of each image against ``reference`` (or, for the reference set
    itself, against the pool of the other images)."""
    for i, rec in enumerate(records):
        if leave_one_out:
            others = records[:i] + records[i + 1 :]
            ref = pooled_histogram(others) if others else None
        else:
            ref = reference
        if ref is None or ref.sum() == 0 or np.sum(rec["histogram"]) == 0:
            rec["hist_w1"] = rec["hist_js"] = None
        else:
            rec["hist_w1"] = stats.hist_w1(rec["histogram"], ref)
            rec["hist_js"] = stats.hist_js(rec["histogram"], ref)


def _public(rec: dict) -> dict:
    """A per-image record without its histogram, numbers made JSON-safe."""
    return {k: _clean(v) for k, v in rec.items() if k != "histogram"}


def _clean(v):
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else None
    return v


def compare(sim_sets: dict[str, list], real: list) -> dict:
    """Per set (the real one first): per-image records, and per statistic the mean, min, max
    and count over the images that define it; each simulated set's pooled histogram distances
    to the real set's pooled histogram (``pooled``).

    Per-image hist_w1 / hist_js: a simulated image against the real pool; a real image against
    the pool of the other real images (leave one out), which shows how far apart real images are
    among themselves.
    """
    if not real:
        raise ValueError("compare needs at least one real image")
    real_pool = pooled_histogram(real)
    _image_distances(real, None, leave_one_out=True)
    sets = {REAL: _set_result("real", real, None)}
    for name, records in sim_sets.items():
        if name == REAL:
            raise ValueError(f"a simulated set may not be called {REAL!r}")
        _image_distances(records, real_pool, leave_one_out=False)
        pool = pooled_histogram(records)
        pooled = None
        if records and pool.sum() > 0:
            pooled = {"hist_w1": stats.hist_w1(pool, real_pool), "hist_js": stats.hist_js(pool, real_pool)}
        sets[name] = _set_result("simulated", records, pooled)
    return {
        "format": FORMAT, "version": VERSION, "reference": REAL,
        "statistics": {k: {"unit": u, "description": d} for k, (u, d) in STATISTICS.items()},
        "sets": sets,
    }


def _set_result(kind: str, records: list[dict], pooled: dict | None) -> dict:
    return {
        "kind": kind,
        "images": [_public(r) for r in records],
        "summary": {k: summarise(r.get(k) for r in records) for k in STATISTICS},
        "pooled": _clean(pooled),
        "histogram": [round(float(v), 7) for v in pooled_histogram(records)],
    }


# --- the plain-text table ---------------------------------------------------------------------
def _num(x: float | None) -> str:
    if x is None:
        return "n/a"
    a = abs(x)
    if a >= 100 or (x == int(x) and a >= 1):
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}" if a >= 0.001 or a == 0 else f"{x:.1e}"


def _cell(summary: dict, head: float | None = None) -> str:
    """'mean [min..max]' (just the mean for a single image); ``head`` replaces the mean."""
    n = summary["n"]
    if head is None:
        if n == 0:
            return "n/a"
        head = summary["mean"]
        if n == 1:
            return _num(head)
    if n == 0:
        return _num(head)
    return f"{_num(head)} [{_num(summary['min'])}..{_num(summary['max'])}]"


def format_table(result: dict) -> str:
    """Plain-text table: statistic | unit | real | each simulated set, cells 'mean [min..max]'
    over the set's images, with notes on the histogram rows."""
    names = list(result["sets"])
    header = ["statistic", "unit"] + [f"{n} ({len(result['sets'][n]['images'])})" for n in names]
    rows = [header]
    for key, spec in result["statistics"].items():
        row = [key, spec["unit"]]
        for n in names:
            s = result["sets"][n]
            pooled = (s.get("pooled") or {}).get(key) if key in HIST_KEYS else None
            row.append(_cell(s["summary"][key], pooled))
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]) for i, c in enumerate(r)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("cells: mean [min..max] over the images of a set; n/a: no image defines it.")
    lines.append("hist_w1, hist_js: simulated sets: pooled set vs pooled real [per image vs pooled real];")
    lines.append("  real: each real image vs the pool of the other real ones (leave one out).")
    lines.append("enl: n/a when the water shows no negative log-speckle skew (enl_skew >= -0.03), e.g.")
    lines.append("  when the stretched quantity is not dB (std_vs_mean > 0); levels_per_db and contrast_db")
    lines.append("  also when enl > 100. stretch_levels_per_db: known only for simulated scenes.")
    return "\n".join(lines)


# --- a compact report for a model card --------------------------------------------------------
CARD_KEYS = ("hist_w1", "hist_js", "mean_level", "std_level", "psd_slope", "psd_slope_fine", "enl", "enl_skew",
             "std_vs_mean", "contrast_sigma", "slick_width_m", "slick_length_m", "tortuosity", "lookalike_share",
             "dark_patch_share")


def compare_for_card(sim_dirs: list, real_dir, max_scenes: int | None = None, pixel_m: float = 25.0,
                     progress=None, stretch_domain: str = "db") -> dict:
    """Realism of the scenes of ``sim_dirs`` (simulate output directories, pooled into one set;
    at most ``max_scenes`` from each) against the real mosaics in ``real_dir``, small enough for
    a model card: per statistic the real and simulated mean [min..max], the pooled histogram
    distances and a one-line ``summary``. Raises InputError for unusable inputs."""
    from ..progress import NullProgress
    from .sources import real_images, simulated_images

    progress = progress or NullProgress()
    real = measure(real_images(real_dir))
    sim: list[dict] = []
    for i, d in enumerate(sim_dirs):
        sub = progress.sub(i / max(len(sim_dirs), 1), (i + 1) / max(len(sim_dirs), 1))
        sim.extend(measure(simulated_images(d, pixel_m, max_scenes, sub, stretch_domain), progress))
    result = compare({"sim": sim}, real)
    real_s, sim_s = result["sets"][REAL]["summary"], result["sets"]["sim"]["summary"]
    pooled = result["sets"]["sim"]["pooled"] or {}
    table = {k: {"real": real_s[k], "sim": sim_s[k]} for k in CARD_KEYS}

    def pair(key: str) -> str:
        return f"{key} {_num(sim_s[key]['mean'])} (real {_num(real_s[key]['mean'])})"

    summary = (
        f"{len(sim)} simulated scenes at {pixel_m:g} m vs {len(real)} real mosaics: "
        f"hist_w1 {_num(pooled.get('hist_w1'))} levels, hist_js {_num(pooled.get('hist_js'))}; "
        + "; ".join(pair(k) for k in ("psd_slope", "psd_slope_fine", "enl_skew", "contrast_sigma", "slick_width_m"))
    )
    return {
        "format": FORMAT, "version": VERSION, "real": str(real_dir), "sim": [str(d) for d in sim_dirs],
        "pixel_m": float(pixel_m), "stretch_domain": stretch_domain, "max_scenes": max_scenes, "scenes": len(sim),
        "real_images": len(real),
        "pooled": pooled, "statistics": table, "summary": summary,
    }
