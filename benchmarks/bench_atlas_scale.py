"""How the atlas's source search scales with the number of candidate origins: find_sources (weighted
DBSCAN, then the dense places of each cluster) on candidates spread at random, the worst case (at
these densities DBSCAN chains most of them into one cluster), plus a few seeps.

    .venv/bin/python benchmarks/bench_atlas_scale.py
    .venv/bin/python benchmarks/bench_atlas_scale.py --sizes 5000 50000 --side-km 60

Prints, per size: the area, the sources found, the seeps found within 200 m and the seconds taken.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from machine import machine


def series(n: int, side_m: float, n_dates: int, seeps: np.ndarray, rng) -> tuple:
    """n random candidates (one slick each) on n_dates dates, plus 12 dates of candidates per seep."""
    from slick_backend.atlas.origins import Candidates

    around = [rng.normal(seep, 150.0, (12, 2)) for seep in seeps]
    xy = np.concatenate([rng.uniform(0, side_m, (n, 2)), *around])
    dates = np.concatenate([rng.integers(0, n_dates, n), *[rng.choice(n_dates, 12, replace=False) for _ in seeps]])
    slick_dates = [f"day{d:04d}" for d in dates]
    m = len(xy)
    return Candidates(xy, np.ones(m), np.arange(m), np.ones(m, bool)), slick_dates


def main() -> None:
    import numpy
    from slick_backend.atlas.cluster import find_sources

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    p.add_argument("--side-km", type=float, default=40.0)
    p.add_argument("--dates", type=int, default=300)
    args = p.parse_args()
    print("machine:", machine(numpy=numpy.__version__), flush=True)
    side = args.side_km * 1000.0
    seeps = np.array([[side * f, side * g] for f, g in ((0.25, 0.3), (0.5, 0.55), (0.7, 0.8))])
    for n in args.sizes:
        cand, slick_dates = series(n, side, args.dates, seeps, np.random.default_rng(n))
        t0 = time.perf_counter()
        sources = find_sources(cand, slick_dates, 1500.0, 3, 50.0, None, 400.0)
        seconds = time.perf_counter() - t0
        xy = np.array([(s.x, s.y) for s in sources]).reshape(-1, 2)
        found = sum(bool(len(xy)) and float(np.min(np.hypot(*(xy - seep).T))) < 200.0 for seep in seeps)
        print(f"{n:>7} candidates on {args.side_km:g} x {args.side_km:g} km, {args.dates} dates: "
              f"{len(sources):>5} sources, seeps found {found}/{len(seeps)}, {seconds:.2f} s", flush=True)


if __name__ == "__main__":
    main()
