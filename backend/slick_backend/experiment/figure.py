"""Fig. 2: Dice versus the number of training scenes N, base versus transfer, one panel per
architecture, with the 95 % bootstrap band (test scenes and draws resampled)."""

from __future__ import annotations

import math
from pathlib import Path

from ..atomic import atomic_file
from .results import ModelResult
from .stats import dice_band

COLOURS = {"base": "#4c72b0", "transfer": "#dd8452"}
LABELS = {"base": "base (generic init)", "transfer": "transfer (fine-tuned source)"}


def fig2_series(results: list[ModelResult], resamples: int, seed: int) -> dict:
    """{label: {init: [(N, mean, low, high, models)]}} for the figure and the HTML table.

    One label per architecture, naming its backbones ("deeplab (RESNET101, RESNET50)")."""
    series: dict = {}
    for arch in sorted({r.arch for r in results}):
        label = f"{arch} ({', '.join(sorted({r.backbone for r in results if r.arch == arch}))})"
        inits: dict = {}
        for init in ("base", "transfer"):
            points = []
            for n in sorted({r.n for r in results if r.arch == arch}):
                group = [r for r in results if r.arch == arch and r.init == init and r.n == n]
                if group:
                    band = dice_band(group, resamples, seed)
                    points.append((n, band.estimate, band.low, band.high, len(group)))
            if points:
                inits[init] = points
        series[label] = inits
    return series


def write_fig2(series: dict, out_dir: Path, title: str = "") -> tuple[Path, Path]:
    """Write fig2.png and fig2.svg atomically; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    archs = list(series)
    fig, axes = plt.subplots(1, max(1, len(archs)), figsize=(4.2 * max(1, len(archs)), 3.6),
                             sharey=True, squeeze=False)
    for ax, arch in zip(axes[0], archs, strict=False):
        ns = sorted({p[0] for pts in series[arch].values() for p in pts})
        for init, points in series[arch].items():
            x = [p[0] for p in points]
            y = [p[1] for p in points]
            lo = [p[2] if not math.isnan(p[2]) else p[1] for p in points]
            hi = [p[3] if not math.isnan(p[3]) else p[1] for p in points]
            ax.fill_between(x, lo, hi, color=COLOURS[init], alpha=0.2, linewidth=0)
            ax.plot(x, y, marker="o", color=COLOURS[init], label=LABELS[init])
        ax.set_xscale("log", base=2)
        ax.set_xticks(ns)
        ax.set_xticklabels([str(n) for n in ns])
        ax.set_title(arch)
        ax.set_xlabel("training scenes N")
        ax.grid(True, alpha=0.3)
    axes[0][0].set_ylabel("Dice (slick class)")
    axes[0][0].legend(loc="best", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    paths = []
    for ext in ("png", "svg"):
        target = out_dir / f"fig2.{ext}"
        with atomic_file(target) as tmp:
            fig.savefig(tmp, format=ext, dpi=150)
        paths.append(target)
    plt.close(fig)
    return paths[0], paths[1]
