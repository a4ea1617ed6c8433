"""Batch prediction at scale: N simulated EW scenes through `predict --scenes`, killed part way and
resumed, then the same scenes on a local Ray cluster; scenes per hour on this machine, and the
projected throughput of one GPU machine and of a cluster, with the assumptions behind them.

    .venv/bin/python benchmarks/bench_batch.py                       # 20 EW scenes of 1024 px, slick-s1-source
    .venv/bin/python benchmarks/bench_batch.py --scenes 4 --size 256 --kill-after 1   # a quick look

1. Simulate N EW scenes (`simulate`, the georeferencing variants cycled).
2. `predict --scenes DIR --workers W` as a subprocess, SIGKILLed (the whole process group) once
   --kill-after scenes are recorded, then the same command again: it must keep the scenes done and
   predict only the others. Scenes per hour = scenes predicted by the resumed run / its wall time
   (start-up, model loading and the merge included).
3. The same scenes with `--executor ray --workers W` on a local Ray cluster started by the command;
   the masks must equal the local run's.
4. Where a scene's time goes: one scene in this process with the real model and with a free
   "model" (a pointwise function): the difference is the network, the rest is reading, warping,
   stretching, blending, writing and outlines (CPU work that a GPU does not remove).
5. Projections (printed with their assumptions; nothing here ran on a GPU or a cluster).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import machine_info

# Assumptions of the projections (docs/batch.md repeats them).
GPU_WINDOWS_PER_S = 2000  # DeepLabv3+ ResNet-18, 256 px windows, bf16, one H100/H200-class GPU (assumed, not measured)
GPU_NODE_CORES = 16  # CPU cores beside that GPU (the lent H200 machine has 16)
FULL_EW_MPX = 16000 * 16000 / 1e6  # a whole EW GRD scene (~400 km) on the 25 m grid


def cli(*args) -> list[str]:
    return [sys.executable, "-m", "slick_backend", "--quiet", *map(str, args)]


def simulate(folder: Path, n: int, size: int, seed: int) -> float:
    from slick_backend.progress import NullProgress
    from slick_backend.simulate.api import SimulateParams, run_simulate

    if folder.is_dir() and len(list(folder.glob("*.tif*"))) == n:
        return 0.0
    t0 = time.perf_counter()
    run_simulate(SimulateParams(out_dir=str(folder), mode="EW", scenes=n, seed=seed, size=size, overwrite=True),
                 NullProgress())
    return time.perf_counter() - t0


def status(out: Path) -> dict:
    try:
        return json.loads((out / "batch.json").read_text())
    except (OSError, ValueError):
        return {}


def killed_run(args: list[str], out: Path, kill_after: int) -> dict:
    """Start the batch, SIGKILL its process group once ``kill_after`` scenes are recorded."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while proc.poll() is None and status(out).get("counts", {}).get("done", 0) < kill_after:
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done = {e["id"]: e["finished"] for e in status(out).get("scenes", []) if e["state"] == "done"}
    partials = [p.name for p in out.iterdir() if ".partial" in p.name]
    return {"wall_s": round(time.perf_counter() - t0, 1), "done_at_kill": len(done), "finished": done,
            "partials_left": len(partials)}


def full_run(args: list[str]) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}): {proc.stderr[-2000:]}")
    result = json.loads(proc.stdout)
    return {"wall_s": round(wall, 1), "result": result,
            "scenes_per_hour": round(result["done_now"] / wall * 3600, 1) if result["done_now"] else None}


def per_scene(out: Path) -> dict:
    records = [json.loads(p.read_text()) for p in out.glob("*/result.json")]
    seconds = [r["seconds"] for r in records]
    return {"scenes": len(records), "median_s": round(statistics.median(seconds), 2),
            "max_s": round(max(seconds), 2), "workers_seen": len({r["worker"] for r in records}),
            "model_loads": sum(not r["model_reused"] for r in records),
            "mpx_median": round(statistics.median(r["predict_seconds"] * r["mpx_per_s"] for r in records), 2)}


def same_masks(a: Path, b: Path) -> bool:
    import rasterio

    for folder in a.iterdir():
        mask = folder / f"{folder.name}_mask.tif"
        if mask.is_file():
            with rasterio.open(mask) as x, rasterio.open(b / folder.name / mask.name) as y:
                if not (x.read(1) == y.read(1)).all():
                    return False
    return True


def time_split(scene: Path, model: str, threads: int, work: Path) -> dict:
    """One scene, this process, ``threads`` torch threads: real model vs a free pointwise one."""
    import torch
    from slick_backend.predict.api import PredictParams, build_engine, load_card, run_predict
    from slick_backend.progress import NullProgress

    torch.set_num_threads(threads)
    params = PredictParams(scene=str(scene), out_prefix=str(work / "split"), model=model, overwrite=True)
    card = load_card(params)
    engine = build_engine(params, card, None)

    def free(batch: np.ndarray) -> np.ndarray:
        return np.where(batch > 0, 1.0 / (1.0 + np.exp((batch - 60.0) / 10.0)), 0.0).astype(np.float32)

    seen = []

    def counted(batch: np.ndarray) -> np.ndarray:
        seen.append(batch.shape[0])
        return free(batch)

    timings = {}
    for name, run in (("model", engine), ("free", counted)):
        t0 = time.perf_counter()
        res = run_predict(params, NullProgress(), engine=run, card=card)
        timings[name] = time.perf_counter() - t0
    grid, windows = res["grid"], sum(seen)
    mpx = grid["width"] * grid["height"] / 1e6
    return {"threads": threads, "mpx": round(mpx, 2), "windows": windows, "tile": int(card["tile"]),
            "total_s": round(timings["model"], 2), "non_model_s": round(timings["free"], 2),
            "model_s": round(timings["model"] - timings["free"], 2),
            "cpu_windows_per_s": round(windows / max(1e-9, timings["model"] - timings["free"]), 1),
            "non_model_s_per_mpx": round(timings["free"] / mpx, 3)}


def projections(split: dict, measured_per_hour: float) -> dict:
    """Scenes per hour of one GPU machine and of a cluster, from the measured split (see the docstring)."""
    out = {}
    for label, mpx in (("simulated", split["mpx"]), ("full_ew", FULL_EW_MPX)):
        non_model = split["non_model_s_per_mpx"] * mpx  # one core's CPU-seconds per scene
        windows = split["windows"] * mpx / split["mpx"]
        gpu_s = windows / GPU_WINDOWS_PER_S
        cpu_bound = GPU_NODE_CORES * 3600 / non_model  # one worker per core feeding the GPU
        gpu_bound = 3600 / gpu_s
        out[label] = {"mpx": round(mpx, 1), "non_model_cpu_s": round(non_model, 1), "gpu_s": round(gpu_s, 2),
                      "gpu_node_scenes_per_hour": round(min(cpu_bound, gpu_bound)),
                      "bound": "cpu" if cpu_bound < gpu_bound else "gpu"}
    out["cluster_8_gpu_nodes_full_ew_per_hour"] = 8 * out["full_ew"]["gpu_node_scenes_per_hour"]
    out["this_machine_full_ew_per_hour"] = round(measured_per_hour * split["mpx"] / FULL_EW_MPX, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", type=int, default=20)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--model", default="slick-s1-source")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kill-after", type=int, default=None, help="scenes done before the kill (default N/3)")
    ap.add_argument("--work", default=None, help="work folder, kept (default: a temporary one, removed at the end)")
    ap.add_argument("--no-ray", action="store_true")
    a = ap.parse_args()
    if a.work:
        run(a, Path(a.work))
    else:
        with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
            run(a, Path(tmp))


def run(a, work: Path) -> None:
    scenes = work / "scenes"
    report = {"machine": machine_info(), "scenes": a.scenes, "size": a.size, "model": a.model, "workers": a.workers}
    print("machine:", json.dumps(report["machine"]), flush=True)
    report["simulate_s"] = round(simulate(scenes, a.scenes, a.size, a.seed), 1)
    base = ["predict", "--model", a.model, "--scenes", scenes, "--workers", a.workers]
    local = work / "local"
    kill_after = a.kill_after or max(1, a.scenes // 3)
    report["killed"] = killed_run(cli(*base, "--out", local), local, kill_after)
    print("killed:", {k: v for k, v in report["killed"].items() if k != "finished"}, flush=True)
    report["resumed"] = full_run(cli(*base, "--out", local))
    kept = {e["id"]: e["finished"] for e in status(local)["scenes"] if e["id"] in report["killed"]["finished"]}
    report["resume_kept_done_scenes"] = kept == report["killed"]["finished"]
    report["local_per_scene"] = per_scene(local)
    print("resumed:", report["resumed"]["wall_s"], "s,", report["resumed"]["scenes_per_hour"], "scenes/h; kept:",
          report["resume_kept_done_scenes"], report["local_per_scene"], flush=True)
    if not a.no_ray:
        ray_out = work / "ray"
        report["ray"] = full_run(cli(*base, "--out", ray_out, "--executor", "ray"))
        report["ray_same_masks"] = same_masks(local, ray_out)
        report["ray_per_scene"] = per_scene(ray_out)
        print("ray:", report["ray"]["wall_s"], "s,", report["ray"]["scenes_per_hour"], "scenes/h; same masks:",
              report["ray_same_masks"], flush=True)
    first = sorted(scenes.glob("*.tif*"))[0]
    report["split"] = time_split(first, a.model, max(1, (os.cpu_count() or 1) // a.workers), work)
    report["projections"] = projections(report["split"], report["resumed"]["scenes_per_hour"])
    report["assumptions"] = {"gpu_windows_per_s": GPU_WINDOWS_PER_S, "gpu_node_cores": GPU_NODE_CORES,
                             "full_ew_mpx": FULL_EW_MPX}
    for key in ("split", "projections"):
        print(f"{key}:", json.dumps(report[key]), flush=True)
    (work / "bench_batch.json").write_text(json.dumps(report, indent=1, default=str))
    print("report:", json.dumps({k: v for k, v in report.items() if k not in ("killed", "machine")}, default=str))


if __name__ == "__main__":
    main()
