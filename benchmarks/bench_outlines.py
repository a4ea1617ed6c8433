"""Cost of the outline attributes (centreline, widths, rectangle descriptors) per outline.

    .venv/bin/python benchmarks/bench_outlines.py [--repeat 3]

Outlines as predict makes them (StripVectorizer -> map coordinates -> simplified by half a
25 m pixel), from the real Arctic mosaics' labels and the paper's own predictions
(../shared/data/arctic_ew), plus a synthetic speckle-like mask of many small blobs (what a
weak model yields on a big scene). Prints, per source, the number of outlines, their median
size and the mean / median / 99th percentile / maximum time of ``shape_attributes``, and the
machine it ran on.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from machine import machine  # noqa: E402

ARCTIC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arctic_ew"
PIXEL = 25.0


def outlines(mask: np.ndarray) -> list:
    from slick_backend.vectorize import StripVectorizer, clean_geometry, to_map

    t = (PIXEL, 0.0, 500000.0, 0.0, -PIXEL, 8000000.0)
    vec = StripVectorizer(min_pixels=16)  # predict's default 0.01 km2 at 25 m
    for r in range(0, mask.shape[0], 256):
        vec.add(r, mask[r : r + 256])
    geoms = [clean_geometry(to_map(c.geometry, t), PIXEL / 2) for c in vec.close()]
    return [g for g in geoms if g is not None]


def sources() -> dict[str, np.ndarray]:
    import rasterio
    from scipy import ndimage

    out = {}
    for folder in sorted(ARCTIC.glob("sample_*")):
        for name in ("labels_mosaic.png", "pred_base.tif", "pred_tl.tif"):
            if (folder / name).exists():
                with rasterio.open(folder / name) as src:
                    out[f"{folder.name}/{name.split('.')[0]}"] = src.read(1) == 1
    rng = np.random.default_rng(0)
    noise = ndimage.gaussian_filter(rng.standard_normal((2048, 2048)), 3)
    out["synthetic speckle 2048^2"] = noise > 2.2 * noise.std()
    return out


def main() -> None:
    from slick_backend.outline_shape import shape_attributes

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="timing repeats per outline (the minimum is kept)")
    args = ap.parse_args()
    shape_attributes(outlines(np.pad(np.ones((8, 40), bool), 2))[0])  # imports out of the timing
    print("machine:", machine(numpy=np.__version__))
    print(f"{'source':34s} {'n':>5s} {'median km2':>10s} {'mean ms':>8s} {'median':>7s} {'p99':>7s} {'max':>7s}")
    for name, mask in sources().items():
        times, areas = [], []
        for g in outlines(mask):
            best = np.inf
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                shape_attributes(g)
                best = min(best, time.perf_counter() - t0)
            times.append(best * 1e3)
            areas.append(g.area / 1e6)
        if times:
            print(f"{name:34s} {len(times):5d} {statistics.median(areas):10.3f} {np.mean(times):8.2f} "
                  f"{np.median(times):7.2f} {np.percentile(times, 99):7.2f} {max(times):7.2f}")


if __name__ == "__main__":
    main()
