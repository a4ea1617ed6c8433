"""The realism picture: simulated IW and EW tiles beside the real Arctic EW mosaics.

Simulated tiles are cut around their slicks over the same ground extent as the real
mosaics (25.6 km), resampled bilinearly to the mosaics' 25 m pixels, turned into dB and
stretched with the paper's 2-sigma linear stretch (mean +- 2 std of dB over valid pixels,
to 1..255). The real mosaics are shown as published (already stretched 8-bit). Slick
labels are outlined in red on every panel.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..atomic import atomic_file

DISPLAY_PIXEL_M = 25.0
TILE_KM = 25.6
REAL_SAMPLES = (
    ("sample_135", "Prins Karls Forland"),
    ("sample_123", "Sentralbanken high"),
    ("sample_70", "Sentralbanken high"),
)


def default_arctic_dir() -> Path:
    env = os.environ.get("SLICK_ARCTIC_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "arctic_ew"


def stretch_2sigma(db: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The paper's stretch on dB: [mean - 2 std, mean + 2 std] -> 1..255, 0 = nodata."""
    v = db[valid]
    lo, hi = v.mean() - 2 * v.std(), v.mean() + 2 * v.std()
    out = np.clip(1 + 254 * (np.where(valid, db, lo) - lo) / max(hi - lo, 1e-6), 1, 255).astype(np.uint8)
    out[~valid] = 0
    return out


def simulated_tile(mode_name: str, site_name: str, seed: int, size: int, panel: int = 0) -> tuple[np.ndarray, np.ndarray, str]:
    """A stretched 25 m tile around the slicks of one simulated scene, its label mask, a caption."""
    from scipy import ndimage

    from .geometry import place_scene
    from .modes import MODES
    from .scene import simulate_scene
    from .sites import SITES

    mode, site = MODES[mode_name], SITES[site_name]
    placement, scene_seq = np.random.SeedSequence([seed, 7, panel]).spawn(2)
    geom = place_scene(mode, site, size, np.random.default_rng(placement), ascending=True)
    result = simulate_scene(geom, scene_seq)
    n = min(size, int(TILE_KM * 1000 / mode.pixel_m))
    rows, cols = np.nonzero(result.labels)
    r0 = int(np.clip(rows.mean() - n / 2, 0, size - n)) if rows.size else 0
    c0 = int(np.clip(cols.mean() - n / 2, 0, size - n)) if cols.size else 0
    crop = result.intensity[r0 : r0 + n, c0 : c0 + n]
    lab = result.labels[r0 : r0 + n, c0 : c0 + n] > 0
    zoom = mode.pixel_m / DISPLAY_PIXEL_M
    crop = ndimage.zoom(crop, zoom, order=1)  # bilinear, like prepare's resampling
    lab = ndimage.zoom(lab.astype(np.uint8), zoom, order=0) > 0
    db = 10 * np.log10(np.maximum(crop, 1e-10))
    caption = (
        f"SIMULATED {mode.name} {mode.polarisation}, {mode.pixel_m:g} m, {mode.enl:g} looks\n"
        f"{site.name.replace('_', ' ')}, wind {result.info['mean_wind_ms']} m/s; shown at 25 m, 2-sigma stretch"
    )
    return stretch_2sigma(db, np.isfinite(db)), lab, caption


def real_tile(arctic_dir: Path, sample: str) -> tuple[np.ndarray, np.ndarray]:
    import rasterio

    with rasterio.open(arctic_dir / sample / "raw_mosaic.tif") as src:
        image = src.read(1)
    with rasterio.open(arctic_dir / sample / "labels_mosaic.png") as src:
        labels = src.read(1) == 1
    return image, labels


def make_comparison_figure(out_png: str | os.PathLike, arctic_dir: str | os.PathLike | None = None,
                           seed: int = 0, size: int = 2048) -> Path:
    """Write the PNG (simulated IW, EW PKF, EW Sentralbanken over the three real EW mosaics)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    arctic = Path(arctic_dir) if arctic_dir else default_arctic_dir()
    sims = [("IW", "north_sea"), ("EW", "prins_karls_forland"), ("EW", "sentralbanken")]
    fig, axes = plt.subplots(2, 3, figsize=(15, 10.6))
    for panel, (ax, (mode, site)) in enumerate(zip(axes[0], sims, strict=True)):
        image, labels, caption = simulated_tile(mode, site, seed, size, panel)
        _panel(ax, image, labels, caption)
    for ax, (sample, site) in zip(axes[1], REAL_SAMPLES, strict=True):
        if (arctic / sample / "raw_mosaic.tif").exists():
            image, labels = real_tile(arctic, sample)
            _panel(ax, image, labels, f"REAL Sentinel-1 EW HH, {site} ({sample})\n25 m mosaic, paper's 2-sigma stretch")
        else:
            ax.text(0.5, 0.5, f"real mosaic not found:\n{arctic / sample}", ha="center", va="center")
            ax.set_axis_off()
    fig.suptitle(
        "Simulated Sentinel-1 scenes (top) beside real Arctic EW mosaics (bottom); red: slick labels. "
        "Real data: Vadnais et al. 2025, contains Copernicus Sentinel-1 data",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    out = Path(out_png)
    with atomic_file(out) as tmp:
        fig.savefig(tmp, dpi=90, format="png")
    plt.close(fig)
    return out


def _panel(ax, image: np.ndarray, labels: np.ndarray, caption: str) -> None:
    ax.imshow(image, cmap="gray", vmin=0, vmax=255, interpolation="antialiased")
    if labels.any():
        ax.contour(labels, levels=[0.5], colors="red", linewidths=0.6)
    km = image.shape[1] * DISPLAY_PIXEL_M / 1000
    ax.set_title(caption, fontsize=8.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"{km:.1f} km")
