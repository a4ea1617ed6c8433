"""The prompt model on a GPU: the network's latency, and whether the engine's bf16 embedding
changes its masks.

    python benchmarks/bench_prompt_gpu.py [--model DIR] [--work out/source-work] [--slicks 120]

The network alone (no raster reading, no polygons; on CUDA the SAM worker decodes with torch,
not ONNX Runtime), each figure the p50 / p95 of ``--reps`` runs after a warm-up, timed with
torch.cuda.synchronize:
- one embedding of a 256 px window (what the engine feeds slick-s1-prompt) in float32, and under
  bf16 autocast as the engine embeds on CUDA (server/sam/engine.py); also a 1024 px input;
- one decode of a box: prompt map and encoder, mask decoder, upsampling, threshold, back on the CPU.
Training (``--train-steps``, 0 skips it): a step of the shipped recipe on the GPU (forward,
SAM's loss, backward, AdamW) for batches of 8 and 32 of its noisy prompts, with the prompts
decoded one at a time and grouped by token count (decode_group), the two taking turns on the same
batches; and drawing a batch on the CPU (draw_batch), which a step waits for.
Agreement: the simulated validation prompts of pretrain-prompt (the work dir's packed windows,
the card's val_seed) decoded from the float32 CPU, float32 GPU and bf16 GPU embeddings: each one's mean
Dice against the slick, and the Dice between the bf16 and the float32 masks.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from machine import machine
from slick_backend.models.catalog import shipped_dir
from slick_backend.models.names import SHIPPED_PROMPT
from slick_backend.pretrain.config import load_source_config
from slick_backend.prompt.net import PromptNet
from slick_backend.prompt.pack import PACK_NAME, load_pack, pack_key
from slick_backend.prompt.store import load_prompt_model
from slick_backend.prompt.train import Fit, decode_mask, dice, draw_batch, train_step, val_prompts


def timed(fn, reps: int) -> dict:
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 3), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3)}


def embed(net, image: np.ndarray, device: str, bf16: bool) -> torch.Tensor:
    x = torch.from_numpy(image.astype(np.float32))[None, None].to(device)
    with torch.inference_mode():
        if bf16:  # as the engine: the encoder under autocast, the embedding kept in float32
            with torch.autocast("cuda", dtype=torch.bfloat16):
                return net.embed(x).float()
        return net.embed(x)


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def train_timing(card: dict, windows, steps: int, device: str = "cuda") -> dict:
    """Training step times (ms, p50 / p95) one at a time and grouped, and the CPU's batch draw."""
    recipe = card["recipe"]
    out = {}
    for batch in (8, 32):
        fit = Fit(steps=steps, batch_size=batch, lr=recipe["lr"], box_noise=recipe["box_noise"],
                  dark_water=recipe.get("dark_water", 0.0), device=device)
        rng = np.random.default_rng(0)
        net = PromptNet(card["tile"], card["width"], card["dense_prompt"]).to(device).train()
        opt = torch.optim.AdamW(net.parameters(), lr=fit.lr)
        times = {"one_at_a_time": [], "grouped": [], "draw_cpu": []}
        for i in range(steps + 3):
            t0 = time.perf_counter()
            x, t, prompts = draw_batch(windows, fit, rng)
            drawn = time.perf_counter()
            for way in ("one_at_a_time", "grouped") if i % 2 else ("grouped", "one_at_a_time"):
                sync(device)
                t1 = time.perf_counter()
                train_step(net, opt, x.to(device), t.to(device), prompts, grouped=way == "grouped")
                sync(device)
                if i >= 3:  # warm-up
                    times[way].append((time.perf_counter() - t1) * 1000)
            if i >= 3:
                times["draw_cpu"].append((drawn - t0) * 1000)
        out[f"batch_{batch}"] = {k: {"p50_ms": round(statistics.median(v), 1),
                                     "p95_ms": round(sorted(v)[int(0.95 * (len(v) - 1))], 1)} for k, v in times.items()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(shipped_dir() / SHIPPED_PROMPT))
    ap.add_argument("--work", default="out/source-work", help="pretrain-prompt's work dir (its packed windows)")
    ap.add_argument("--source-config", default="configs/source.toml")
    ap.add_argument("--slicks", type=int, default=120)
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--train-steps", type=int, default=30, help="timed training steps per batch size and way")
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print("bench_prompt_gpu: skipped, no CUDA device here (it measures the GPU)")
        return
    print("machine:", machine())
    gpu, _ = load_prompt_model(args.model, "cuda")
    cpu, card = load_prompt_model(args.model, "cpu")
    windows = load_pack(Path(args.work) / PACK_NAME, pack_key(load_source_config(args.source_config)))
    if windows is None:
        raise SystemExit(f"{args.work}/{PACK_NAME}: missing or made from other datasets; run pretrain-prompt once")
    val = windows["val"]
    prompts = val_prompts(val, args.slicks, int(card["recipe"].get("val_seed", 1)), dark_water=True)

    image = val[0].image
    box = next(v.prompt for v in prompts if v.kind == "box_0.4")
    emb = embed(gpu, image, "cuda", True)
    big = np.tile(image, (4, 4))
    latency = {
        "embed_256_fp32": timed(lambda: embed(gpu, image, "cuda", False), args.reps),
        "embed_256_bf16": timed(lambda: embed(gpu, image, "cuda", True), args.reps),
        "embed_1024_bf16": timed(lambda: embed(gpu, big, "cuda", True), args.reps),
        "decode_box": timed(lambda: decode_mask(gpu, emb, image.shape, box), args.reps),
    }

    training = train_timing(card, windows["train"], args.train_steps) if args.train_steps else None

    scores = {"cpu_fp32": [], "gpu_fp32": [], "gpu_bf16": []}
    agreement = []
    for v in prompts:
        img = val[v.window].image if v.image is None else v.image
        truth, valid = val[v.window].parts[v.slick], img > 0
        masks = {
            "cpu_fp32": decode_mask(cpu, embed(cpu, img, "cpu", False), img.shape, v.prompt),
            "gpu_fp32": decode_mask(gpu, embed(gpu, img, "cuda", False), img.shape, v.prompt),
            "gpu_bf16": decode_mask(gpu, embed(gpu, img, "cuda", True), img.shape, v.prompt),
        }
        for name, m in masks.items():
            scores[name].append(dice(cpu.clean_mask(m & valid), truth))
        agreement.append(dice(masks["gpu_bf16"], masks["gpu_fp32"]))
    print(json.dumps({
        "model": card["name"], "weights_sha256": card.get("weights_sha256"), "latency": latency, "training": training,
        "val_prompts": len(prompts),
        "val_mean_dice": {k: round(float(np.mean(v)), 4) for k, v in scores.items()},
        "bf16_vs_fp32_mask_dice": {"mean": round(float(np.mean(agreement)), 4), "min": round(float(np.min(agreement)), 4)},
    }, indent=1))


if __name__ == "__main__":
    main()
