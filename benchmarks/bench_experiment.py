"""Per-run cost of few-shot fine-tuning at each N, and the projected wall time of the paper's grid.

    .venv/bin/python benchmarks/bench_experiment.py                       # CPU-sized defaults
    .venv/bin/python benchmarks/bench_experiment.py --models deeplabv3:resnet50 deeplabv3:resnet101 \
        samlora:vit_b samlora:vit_l --tiles 256 512 --n 2 8 32 128 --tiles-per-scene 16 --concurrency 4

Each measurement is one real `train` + `evaluate` run (the experiment's own run function,
``trainrun.execute_run``) in a child process on a synthetic dataset in the `prepare` layout, so
its wall time, fit time, peak RSS and peak CUDA memory are the child's own. With
``--concurrency K`` K identical runs go side by side (the local executor's model of several small
trainings sharing one GPU) and the throughput gain is measured, not assumed.

Projection of the paper's grid (4 architectures x 4 formats x 4 N x 8 draws x 2 inits = 1,024
runs): per run, time = overhead + epochs x (c0 + c1 x tiles), c0 and c1 fitted over the measured
N per (architecture, tile size), c1 scaled by the tile's pixels for an unmeasured tile size;
tiles per scene = --tiles-per-scene at 256 px / 25 m, x 6.25 at
10 m (2.5^2 more pixels) and / 4 at 512 px; epochs = --project-epochs (early stopping makes
the paper's runs shorter than 100). Models not measured are not projected. Random weights:
speed only. Prints the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine, machine_info  # noqa: E402


def make_dataset(root: Path, tile: int, n_train: int, tiles_per_scene: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "backend"))  # the tests' tiny-dataset writer
    from tinydata import scene_splits, write_tiny_dataset

    target = root / f"data_{tile}_{n_train}_{tiles_per_scene}"
    if not target.exists():
        write_tiny_dataset(target, scene_splits(n_train, 2, 2, "b"), tile=tile, tiles_per_scene=tiles_per_scene)
    return target


def child(spec_json: str) -> None:
    """One run in this process; prints its record as JSON on the last line."""
    from slick_backend.experiment.trainrun import execute_run

    spec = json.loads(spec_json)
    record = execute_run(spec, threads=spec.pop("threads"))
    print(json.dumps({k: record[k] for k in ("wall_s", "train_s", "worker_peak_rss_mb", "gpu_peak_mb", "device",
                                            "epochs_run", "threads")}
                     | {"fit_s": record["train_result"]["seconds"]}))


def measure(root: Path, arch: str, backbone: str, tile: int, n: int, args, threads: int) -> dict:
    data = make_dataset(root, tile, max(args.n), args.tiles_per_scene)
    scenes = [f"b_train_{i:02d}" for i in range(n)]
    procs = []
    start = time.perf_counter()
    for k in range(args.concurrency):
        out = root / f"m_{arch}_{backbone}_{tile}_{n}_{k}"
        spec = {"id": out.name, "hash": "bench", "arch": arch, "backbone": backbone, "tile": tile, "data": str(data),
                "n": n, "draw": 0, "scenes": scenes, "init": "base", "source": None, "seed": k, "out": str(out),
                "keep_model": False, "threads": threads,
                "training": {"epochs": args.epochs, "patience": args.epochs + 1, "lr": 1e-3, "batch_size": args.batch_size,
                             "allow_random_init": True, "device": args.device, "light": args.light}}
        procs.append(subprocess.Popen([sys.executable, __file__, "--child", json.dumps(spec)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    records = []
    for proc in procs:
        stdout, stderr = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"run failed ({arch}/{backbone} tile {tile} N {n}):\n{stderr[-3000:]}")
        records.append(json.loads(stdout.strip().splitlines()[-1]))
    together = time.perf_counter() - start
    r = records[0]
    tiles = (n + 2) * args.tiles_per_scene  # train + val tiles seen per epoch
    return {"arch": arch, "backbone": backbone, "tile": tile, "n": n, "wall_s": r["wall_s"], "fit_s": r["fit_s"],
            "epochs": r["epochs_run"], "tiles_per_epoch": tiles, "rss_mb": r["worker_peak_rss_mb"],
            "gpu_mb": r["gpu_peak_mb"], "device": r["device"], "together_s": together,
            "epoch_s": r["fit_s"] / max(1, r["epochs_run"]), "overhead_s": max(0.0, r["wall_s"] - r["fit_s"])}


def epoch_model(rows: list[dict]) -> tuple[float, float]:
    """Seconds per epoch = c0 + c1 x tiles, fitted over the measured N (c1 only with one N)."""
    import numpy as np

    x = np.array([r["tiles_per_epoch"] for r in rows], float)
    y = np.array([r["epoch_s"] for r in rows], float)
    if len(set(x)) < 2:
        return 0.0, float(np.median(y / x))
    c1, c0 = np.polyfit(x, y, 1)
    return max(0.0, float(c0)), max(1e-6, float(c1))


def project(rows: list[dict], args, speedup: float) -> list[str]:
    lines = []
    grand = 0.0
    for model in sorted({(r["arch"], r["backbone"]) for r in rows}):
        mine = [r for r in rows if (r["arch"], r["backbone"]) == model]
        total = 0.0
        for tile in (256, 512):
            measured = [r for r in mine if r["tile"] == tile] or mine
            scale = (tile / measured[0]["tile"]) ** 2  # per-tile cost grows with its pixels
            c0, c1 = epoch_model(measured)
            overhead = statistics.median(r["overhead_s"] for r in measured)
            for pixel in (25, 10):
                per_scene = args.tiles_per_scene * (6.25 if pixel == 10 else 1.0) * (256 / tile) ** 2
                for n in (2, 8, 32, 128):
                    draws = 8  # bootstrap draws (N = the whole split would be one)
                    run_s = overhead + args.project_epochs * (c0 + c1 * scale * (n + 2) * per_scene)
                    total += run_s * draws * 2
        lines.append(f"  {model[0]}/{model[1]}: {total / 3600:.1f} h of single runs")
        grand += total
    lines.append(f"  all measured models: {grand / 3600:.1f} h sequential; at concurrency {args.concurrency} "
                 f"(measured speedup x{speedup:.2f}): {grand / speedup / 3600:.1f} h")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--models", nargs="+", default=None, metavar="ARCH:BACKBONE",
                        help="default: the paper's four on CUDA, deeplabv3:resnet18 (light) on CPU")
    parser.add_argument("--tiles", nargs="+", type=int, default=None, help="tile sizes (default 256 512 on CUDA, 128 on CPU)")
    parser.add_argument("--n", nargs="+", type=int, default=None, help="N values (default 2 8 32 128 on CUDA, 2 8 on CPU)")
    parser.add_argument("--tiles-per-scene", type=int, default=None, help="tiles per scene at 256 px / 25 m (default 16 CUDA, 2 CPU)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs measured per run")
    parser.add_argument("--project-epochs", type=int, default=30, help="mean epochs per run assumed in the projection")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=None, help="runs side by side (default 4 on CUDA, 1 on CPU)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--light", action="store_true", help="DeepLabv3 light variant (default on CPU)")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    import torch

    cuda = torch.cuda.is_available()
    args.models = args.models or (["deeplabv3:resnet50", "deeplabv3:resnet101", "samlora:vit_b", "samlora:vit_l"]
                                  if cuda else ["deeplabv3:resnet18"])
    args.tiles = args.tiles or ([256, 512] if cuda else [128])
    args.n = args.n or ([2, 8, 32, 128] if cuda else [2, 8])
    args.tiles_per_scene = args.tiles_per_scene or (16 if cuda else 2)
    args.concurrency = args.concurrency or (4 if cuda else 1)
    args.light = args.light or not cuda
    threads = max(1, (os.cpu_count() or 1) // args.concurrency)
    print(f"machine: {machine()}")
    print(f"settings: models {args.models}, tiles {args.tiles}, N {args.n}, {args.tiles_per_scene} tiles/scene, "
          f"{args.epochs} epochs, batch {args.batch_size}, concurrency {args.concurrency}, {threads} threads/run, "
          f"light={args.light}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_experiment_") as tmp:
        for model in args.models:
            arch, backbone = model.split(":")
            for tile in args.tiles:
                for n in args.n:
                    row = measure(Path(tmp), arch, backbone, tile, n, args, threads)
                    rows.append(row)
                    gpu = f"{row['gpu_mb']:.0f} MiB GPU peak" if row["gpu_mb"] is not None else "no GPU"
                    print(f"{arch}/{backbone} tile {tile} N {n:>3}: run {row['wall_s']:.1f} s (fit {row['fit_s']:.1f} s, "
                          f"{row['epochs']} epochs x {row['tiles_per_epoch']} tiles), {row['rss_mb']:.0f} MiB RSS, {gpu}; "
                          f"{args.concurrency} side by side took {row['together_s']:.1f} s", flush=True)
    # throughput gain of K side-by-side runs over K sequential ones (1.0 when K = 1)
    speedup = statistics.median(args.concurrency * r["wall_s"] / r["together_s"] for r in rows) if args.concurrency > 1 else 1.0
    print(f"projection of the paper's grid (x8 draws x2 inits, {args.project_epochs} epochs per run, "
          f"{args.tiles_per_scene} tiles per scene at 256 px / 25 m) on this machine:")
    for line in project(rows, args, max(1.0, speedup)):
        print(line)
    print(json.dumps({"machine": machine_info(), "rows": rows, "speedup": speedup}))


if __name__ == "__main__":
    main()
