"""Whole-scene prediction benchmark: throughput (Mpx/s) and peak memory, with the machine.

    .venv/bin/python benchmarks/bench_predict.py                 # default: quick figures
    .venv/bin/python benchmarks/bench_predict.py --rss-sizes 2000 8000 20000 --r50-size 1024

1. Throughput of whole-scene prediction (read, stretch, windows, blend, write, outlines) on a
   synthetic 8-bit EW-like scene at 25 m, for DeepLabv3-ResNet50 (the paper's, output stride 8)
   and the small CPU model (ResNet18, output stride 16, 128 decoder channels), with PyTorch
   and ONNX Runtime, random init (weights do not change speed).
2. Peak RSS of a whole `predict` run in a fresh process at several scene sizes, with a cheap
   pointwise engine so that the sliding window, writers and vectoriser dominate: the figure
   must not grow with the scene (only with its width, through the strip buffers).
3. With CUDA: a whole 16,000 x 16,000 EW-like scene at 25 m end to end (read, bf16 inference,
   blending, writing, outlines) with DeepLabv3-R50, and the share of the dense bf16 peak reached.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import machine_info

HERE = Path(__file__).resolve().parent


def make_scene(path: Path, size: int, seed: int = 0) -> Path:
    """Synthetic stretched 8-bit scene, written in blocks (memory stays small at any size)."""
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    rng = np.random.default_rng(seed)
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=1, dtype="uint8",
                       crs="EPSG:32633", transform=from_origin(400000, 8000000, 25, 25), nodata=0, tiled=True,
                       blockxsize=512, blockysize=512, compress="deflate") as ds:
        for r in range(0, size, 1024):
            h = min(1024, size - r)
            y, x = np.mgrid[r:r + h, 0:size]
            block = 140 + 30 * np.sin(x / 300.0) * np.cos(y / 450.0) + rng.normal(0, 8, (h, size))
            # elongated dark slicks of a fixed size (200 x 60 px) every 1,500 px: the vector output
            # grows with the number of slicks, not with the scene's pixels
            dx, dy = (x % 1500) - 750, (y % 1500) - 750
            block[(dx / 200.0) ** 2 + (dy / 60.0) ** 2 < 1] = 30 + rng.normal(0, 4)
            ds.write(np.clip(block, 1, 255).astype(np.uint8), 1, window=Window(0, r, size, h))
    return path


def model_dir(root: Path, name: str, backbone: str, options: dict, tile: int) -> Path:
    import torch
    from slick_backend.atomic import atomic_dir
    from slick_backend.models.modeldir import save_model_dir
    from slick_backend.models.registry import build_from_spec, normalise_spec

    out = root / name
    if out.exists():
        return out
    torch.manual_seed(0)
    spec = normalise_spec("deeplabv3", backbone, tile, options)
    card = {"name": name, "arch": "deeplabv3", "backbone": backbone, "model": spec, "tile": tile, "pixel_size": 25,
            "bands": 1, "modes": ["EW"], "polarisations": ["HH"]}
    with atomic_dir(out) as tmp:
        save_model_dir(tmp, build_from_spec(spec).eval(), card)
    return out


def throughput(root: Path, scene: Path, model: Path, engine: str, batch: int, device: str) -> dict:
    from slick_backend.predict.api import PredictParams, run_predict
    from slick_backend.progress import NullProgress

    onnx = None
    if engine == "onnx":  # exported beforehand: the export is not part of a prediction's cost
        from slick_backend.models.modeldir import load_model_dir
        from slick_backend.predict.onnx_export import export_module

        onnx = root / f"{model.name}.onnx"
        if not onnx.exists():
            loaded = load_model_dir(model, "cpu")
            export_module(loaded.module, loaded.card, onnx)
        onnx = str(onnx)
    params = PredictParams(scene=str(scene), out_prefix=str(root / f"tp_{model.name}_{engine}"), model=str(model),
                           engine=engine, onnx=onnx, batch_size=batch, device=device)
    t = time.perf_counter()
    res = run_predict(params, NullProgress())
    sec = time.perf_counter() - t
    px = res["grid"]["width"] * res["grid"]["height"]
    return {"model": model.name, "engine": res["engine"], "scene_px": px, "seconds": round(sec, 2),
            "mpx_per_s": round(px / 1e6 / sec, 4)}


RSS_CHILD = r"""
import json, sys, time
import numpy as np
from slick_backend.predict.api import PredictParams, run_predict
from slick_backend.progress import NullProgress
def peak_mb():  # VmHWM: this process's own peak (ru_maxrss may carry the parent's across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
def engine(x):  # pointwise 'model': cost ~ nothing, so the pipeline itself is measured
    return np.where(x > 0, 1 / (1 + np.exp((x - 70) / 10)), 0).astype(np.float32)
card = {"name": "pointwise", "tile": 256, "pixel_size": 25, "bands": 1}
t = time.perf_counter()
res = run_predict(PredictParams(scene=sys.argv[1], out_prefix=sys.argv[2], batch_size=16), NullProgress(), engine=engine, card=card)
print(json.dumps({"seconds": round(time.perf_counter() - t, 1), "n_slicks": res["n_slicks"],
                  "peak_rss_mb": peak_mb()}))
"""


def peak_rss(root: Path, size: int) -> dict:
    scene = make_scene(root / f"rss_{size}.tif", size)
    out = subprocess.run([sys.executable, "-c", RSS_CHILD, str(scene), str(root / f"rss_{size}")],
                         capture_output=True, text=True, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    for f in root.glob(f"rss_{size}*"):
        f.unlink()
    return {"scene": f"{size} x {size}", **res}


def model_flops(model: Path, tile: int) -> float:
    """FLOPs of one forward pass on one tile (torch's flop counter: 2 per multiply-add)."""
    import torch
    from slick_backend.models.modeldir import load_model_dir
    from torch.utils.flop_counter import FlopCounterMode

    module = load_model_dir(model, "cpu").module
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        module(torch.rand(1, 1, tile, tile) * 255)
    return float(counter.get_total_flops())


# Dense bf16 tensor-core peaks (TFLOP/s, no sparsity) of the GPUs this may be lent.
BF16_PEAK_TFLOPS = {"H100 PCIe": 756.0, "H100": 989.0, "H200": 989.0, "A100": 312.0, "L4": 121.0}


def gpu_end_to_end(root: Path, model: Path, size: int, batch: int) -> dict:
    """Whole-scene run on CUDA (read, infer bf16, blend, write, outlines) and the share of the
    GPU's dense bf16 peak that the model's FLOPs represent over the whole run."""
    import torch
    from slick_backend.predict.sliding import stride_for, window_offsets

    scene = make_scene(root / f"S1A_EW_GRDM_1SDH_gpu{size}_HH.tif", size)
    res = throughput(root, scene, model, "torch", batch, "cuda")
    stride = stride_for(256, 0.25)
    windows = len(window_offsets(size, 256, stride)) ** 2
    flops = model_flops(model, 256) * windows
    name = torch.cuda.get_device_name(0)
    peak = next((v for k, v in BF16_PEAK_TFLOPS.items() if k in name), None)
    res.update(device=name, windows=windows, model_tflop=round(flops / 1e12, 2),
               achieved_tflops=round(flops / res["seconds"] / 1e12, 2),
               fraction_of_bf16_peak=round(flops / res["seconds"] / 1e12 / peak, 4) if peak else None)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small-size", type=int, default=1024, help="scene side for the small model (px)")
    ap.add_argument("--r50-size", type=int, default=512, help="scene side for DeepLabv3-R50 (px)")
    ap.add_argument("--rss-sizes", type=int, nargs="*", default=[2000, 6000], help="scene sides for peak RSS")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--gpu-size", type=int, default=16000, help="scene side of the CUDA end-to-end run (0: skip)")
    ap.add_argument("--gpu-batch", type=int, default=64, help="batch size of the CUDA end-to-end run")
    args = ap.parse_args()
    import onnxruntime

    print(json.dumps({"machine": machine_info(onnxruntime=onnxruntime.__version__)}, indent=1), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-predict-") as tmp:
        root = Path(tmp)
        if not args.skip_throughput:
            small = model_dir(root, "deeplabv3-r18-os16", "resnet18", {"output_stride": 16, "decoder_channels": 128}, 256)
            r50 = model_dir(root, "deeplabv3-r50-os8", "resnet50", {"output_stride": 8, "decoder_channels": 256}, 256)
            for model, size in ((small, args.small_size), (r50, args.r50_size)):
                scene = make_scene(root / f"S1A_EW_GRDM_1SDH_{size}_HH.tif", size)
                for engine in ("torch", "onnx"):
                    print(json.dumps({"throughput": throughput(root, scene, model, engine, args.batch_size,
                                                               args.device)}), flush=True)
        import torch

        if torch.cuda.is_available() and args.gpu_size:
            r50 = model_dir(root, "deeplabv3-r50-os8", "resnet50", {"output_stride": 8, "decoder_channels": 256}, 256)
            print(json.dumps({"gpu_end_to_end": gpu_end_to_end(root, r50, args.gpu_size, args.gpu_batch)}), flush=True)
        for size in args.rss_sizes:
            print(json.dumps({"peak_rss": peak_rss(root, size)}), flush=True)


if __name__ == "__main__":
    main()
