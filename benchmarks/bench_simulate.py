"""Seconds per simulated Sentinel-1 scene (`slick-backend simulate`), with the machine it ran on.

Times the physics alone (one scene in memory) and the whole use case (scene + GeoTIFF +
labels) for EW at the default size (2048 px) and at 4000 x 4000 px, and IW at 2048 px.
Wall time depends on what else runs on the machine; CPU time (this process, all threads) is
the cost. Usage: .venv/bin/python benchmarks/bench_simulate.py [--quick]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import machine  # noqa: E402
from slick_backend.progress import NullProgress
from slick_backend.simulate.api import SimulateParams, run_simulate
from slick_backend.simulate.geometry import place_scene
from slick_backend.simulate.modes import MODES
from slick_backend.simulate.scene import simulate_scene
from slick_backend.simulate.sites import MODE_SITES, SITES


def time_physics(mode: str, size: int, repeats: int) -> tuple[float, float]:
    """Best wall and CPU seconds of one scene in memory (CPU time shows the cost on a shared machine)."""
    best_wall = best_cpu = float("inf")
    for r in range(repeats):
        geom = place_scene(MODES[mode], SITES[MODE_SITES[mode][-1]], size, np.random.default_rng(r), True)
        t, c = time.perf_counter(), time.process_time()
        simulate_scene(geom, np.random.SeedSequence(r))
        best_wall, best_cpu = min(best_wall, time.perf_counter() - t), min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu


def time_use_case(mode: str, size: int, scenes: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        t, c = time.perf_counter(), time.process_time()
        run_simulate(SimulateParams(out_dir=str(Path(tmp) / "o"), mode=mode, scenes=scenes, size=size), NullProgress())
        wall, cpu = (time.perf_counter() - t) / scenes, (time.process_time() - c) / scenes
    return wall, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    quick = "--quick" in sys.argv
    print("machine:", machine(numpy=np.__version__))
    cases = [("EW", 2048), ("IW", 2048)] + ([] if quick else [("EW", 4000)])
    for mode, size in cases:
        wall, cpu = time_physics(mode, size, repeats=1 if quick else 3)
        per_scene, per_scene_cpu, peak = time_use_case(mode, size, scenes=3)
        print(
            f"{mode} {size}x{size} px ({size * MODES[mode].pixel_m / 1000:.0f} km): "
            f"physics {wall:.2f} s wall / {cpu:.2f} s CPU per scene (best of runs); "
            f"whole use case {per_scene:.2f} s wall / {per_scene_cpu:.2f} s CPU per scene "
            "(3 scenes: gcp, epsg4326, utm files + labels); "
            f"peak RSS so far {peak:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
