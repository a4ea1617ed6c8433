"""Interactive SAM speed: prompt round trip through a real server, and embedding time per window.

    .venv/bin/python benchmarks/bench_sam_prompt.py [--prompts 100] [--models tiny random:vit_b]

Starts ``slick-backend serve`` on a free port (temporary state dir), embeds a window of a
real Arctic mosaic, then sends N point prompts (HTTP, JSON, worker pipe, decoder, polygons
in EPSG:4326; the embedding is cached) and prints p50 / p95. Embedding time per window is
measured in-process (image encoder only, after one warm-up) on CPU and, when CUDA is
present, on the GPU in bf16. Prints the machine it ran on. Random weights: speed only.
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

from machine import machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RASTER = ROOT.parent / "shared" / "data" / "arctic_ew" / "sample_135" / "raw_mosaic.tif"
CENTRE = (535505.3, 8708714.5)  # EPSG:32632, on the labelled slick


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def start_server(tmp: Path):
    import httpx

    env = {k: v for k, v in os.environ.items() if k != "SLICK_TOKEN"}
    state = tmp / "state"
    proc = subprocess.Popen([sys.executable, "-m", "slick_backend", "serve", "--port", "0", "--state-dir", str(state),
                             "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            info = json.loads((state / "server.json").read_text())
            if info["pid"] == proc.pid:
                break
        except (OSError, ValueError, KeyError):
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("the server did not start")
        time.sleep(0.1)
    token = Path(info["token_file"]).read_text().strip()
    return proc, httpx.Client(base_url=info["url"], headers={"Authorization": f"Bearer {token}"}, timeout=600)


def bench_prompts(client, model: str, n: int) -> dict:
    t0 = time.perf_counter()
    emb = client.post("/sam/embed", json={"raster": str(RASTER), "point": list(CENTRE), "crs": "EPSG:32632",
                                          "model": model}).json()
    first = time.perf_counter() - t0
    if "embedding_id" not in emb:
        raise SystemExit(f"embed failed: {emb}")
    x0, y0, x1, y1 = emb["window"]["bounds"]
    times, engine, feats = [], [], 0
    for i in range(n + 5):
        # points spread over the inner half of the window: every prompt differs
        fx, fy = 0.25 + 0.5 * ((i * 37) % 100) / 100, 0.25 + 0.5 * ((i * 61) % 100) / 100
        body = {"embedding_id": emb["embedding_id"], "points": [[x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)]],
                "crs": "EPSG:32632", "out_crs": "EPSG:4326", "follow": False, "session": "bench"}
        t = time.perf_counter()
        r = client.post("/sam/prompt", json=body)
        dt = time.perf_counter() - t
        if r.status_code != 200:
            raise SystemExit(f"prompt failed: {r.text}")
        if i >= 5:  # warm-up excluded
            times.append(dt * 1000)
            engine.append(r.json()["seconds"] * 1000)  # inside the worker: decode + polygons
            feats += len(r.json()["features"])
    return {"model": model, "window_px": emb["window"]["size"], "first_embed_s (load+read+encode)": round(first, 2),
            "prompts": n, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(pct(times, 0.95), 1),
            "worker_p50_ms": round(statistics.median(engine), 1),
            "mean_polygons": round(feats / n, 1)}


def bench_embedding(model: str, device: str, repeats: int) -> dict:
    import torch
    from slick_backend.server.sam.model import load_sam

    sam = load_sam(model, device)
    size = sam.input_size
    x = torch.randint(1, 256, (1, 1, size, size), device=device).float()
    times = []
    for i in range(repeats + 1):
        if device == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        with torch.inference_mode():
            if device == "cuda":
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    sam.core.image_encoder(sam.core.normalise(x))
                torch.cuda.synchronize()
            else:
                sam.core.image_encoder(sam.core.normalise(x))
        if i:  # the first call is warm-up
            times.append((time.perf_counter() - t) * 1000)
    return {"model": model, "device": device + (" bf16" if device == "cuda" else " fp32"), "window_px": size,
            "embed_ms_median": round(statistics.median(times), 1), "runs": repeats}


def bench_decoder(model: str, repeats: int = 30) -> dict:
    """Prompt encoder + mask decoder alone (one point, multimask), in-process, CPU, 1 thread."""
    import numpy as np
    from slick_backend.server.sam.cache import Entry
    from slick_backend.server.sam.engine import SamEngine
    from slick_backend.server.sam.window import Win

    with tempfile.TemporaryDirectory() as tmp:
        engine = SamEngine(Path(tmp), device="cpu")
        sam = engine.model(model)
        grid = sam.input_size // 16
        ch = sam.core.prompt_encoder.embed_dim
        entry = Entry("bench", np.random.default_rng(0).standard_normal((ch, grid, grid), dtype=np.float32),
                      np.ones((sam.input_size, sam.input_size), np.uint8), {})
        win = Win(0, 0, sam.input_size, 1)
        times = []
        for i in range(repeats + 3):
            c = np.array([sam.input_size * (0.3 + 0.4 * ((i * 37) % 10) / 10)])
            t = time.perf_counter()
            engine._decode(sam, entry, win, c, c, np.array([1]), None, None, True)
            if i >= 3:
                times.append((time.perf_counter() - t) * 1000)
    return {"model": model, "decoder_ms_p50": round(statistics.median(times), 1),
            "decoder_ms_p95": round(pct(times, 0.95), 1), "torch_threads_in_decode": 1,
            "note": "mask decoder + upsampling only, no HTTP / polygons"}


def bench_polygons(size: int, repeats: int = 20) -> dict:
    """Mask -> GeoJSON in EPSG:4326 for a realistic mask: the real slick label of sample_135
    in a window of ``size`` px (random-weight SAMs give speckle, which no real SAM does)."""
    import numpy as np
    import rasterio
    from affine import Affine
    from slick_backend.server.sam.polygons import mask_to_features

    with rasterio.open(RASTER.parent / "labels_mosaic.png") as src:
        label, transform = src.read(1) == 1, src.transform
    rows, cols = np.nonzero(label)
    r0, c0 = max(0, int(rows.mean()) - size // 2), max(0, int(cols.mean()) - size // 2)
    mask = np.zeros((size, size), bool)
    part = label[r0:r0 + size, c0:c0 + size]
    mask[:part.shape[0], :part.shape[1]] = part
    t = transform * Affine.translation(c0, r0)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        feats = mask_to_features(mask, t, "EPSG:32632", "EPSG:4326", 0.9, "m")
        times.append((time.perf_counter() - start) * 1000)
    return {"window_px": size, "mask_px": int(mask.sum()), "polygons": len(feats),
            "polygons_ms_p50": round(statistics.median(times), 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=100)
    ap.add_argument("--models", nargs="+", default=["tiny", "random:vit_b"])
    ap.add_argument("--embed-repeats", type=int, default=3)
    ap.add_argument("--no-embedding", action="store_true", help="skip the (slow on CPU) encoder timing")
    args = ap.parse_args()
    import torch

    print("machine:", machine(), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        proc, client = start_server(Path(tmp))
        try:
            for model in args.models:
                print("prompt round trip:", json.dumps(bench_prompts(client, model, args.prompts)), flush=True)
        finally:
            client.close()
            proc.terminate()
            proc.wait(30)
    for model in args.models:
        print("decoder only:", json.dumps(bench_decoder(model)), flush=True)
    for size in (256, 1024):
        print("polygons of a real slick mask:", json.dumps(bench_polygons(size)), flush=True)
    if args.no_embedding:
        return 0
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for model in args.models:
        for device in devices:
            print("embedding:", json.dumps(bench_embedding(model, device, args.embed_repeats)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
