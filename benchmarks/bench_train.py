"""Training throughput (tiles/s) per architecture, and the wall time of one few-shot fine-tune.

    .venv/bin/python benchmarks/bench_train.py                 # CPU: small configs at 256 px
    .venv/bin/python benchmarks/bench_train.py --tile 512 --configs deeplabv3:resnet50 samlora:vit_b   # GPU
    .venv/bin/python benchmarks/bench_train.py --finetune 8    # + one fine-tune on 8 simulated EW scenes

On CUDA the step runs in bf16 autocast with channels-last, as training does, and the
fraction of the GPU's dense bf16 peak is estimated from the forward FLOPs counted with
torch's FLOP counter (training step ~ 3x forward). Prints the machine it ran on.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from machine import machine  # noqa: E402
from slick_backend.models.registry import build_from_spec, normalise_spec  # noqa: E402
from slick_backend.train.loss import SegLoss  # noqa: E402

# dense bf16 peak (no sparsity), TFLOP/s, by device-name fragment
BF16_PEAK = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "L4": 121.0, "A10": 125.0, "4090": 165.0}
CPU_DEFAULT = ["deeplabv3:resnet18:light", "deeplabv3:mobilenet_v2:light", "deeplabv3:resnet18", "samlora:vit_tiny",
               "deeplabv3:resnet50", "samlora:vit_b"]


def forward_flops(module, x) -> float:
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module.logits(x)
    return float(counter.get_total_flops())


def bench(config: str, tile: int, batch: int, steps: int, device: torch.device) -> dict:
    arch, backbone, *rest = config.split(":")
    options = {"decoder_channels": 128} if "light" in rest else {}
    torch.manual_seed(0)
    module = build_from_spec(normalise_spec(arch, backbone, tile, options)).to(device)
    cuda = device.type == "cuda"
    if cuda:
        module = module.to(memory_format=torch.channels_last)
    params = [p for p in module.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4)
    loss_fn = SegLoss("dice_ce", 0.02)
    x = torch.rand(batch, 1, tile, tile, device=device) * 254 + 1
    y = (torch.rand(batch, 1, tile, tile, device=device) < 0.02).float()
    if cuda:
        x = x.contiguous(memory_format=torch.channels_last)
    ctx = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if cuda else contextlib.nullcontext
    module.train()

    def step():
        opt.zero_grad(set_to_none=True)
        with ctx():
            loss = loss_fn(module.logits(x), y)
        loss.backward()
        opt.step()

    step()  # warm-up (allocations, cuDNN autotune)
    if cuda:
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    if cuda:
        torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    row = {"config": config, "tile": tile, "batch": batch, "tiles_per_s": batch * steps / dt,
           "trainable_M": sum(p.numel() for p in params) / 1e6}
    if cuda:
        with ctx():
            fwd = forward_flops(module, x[:1])
        name = torch.cuda.get_device_name(0)
        peak = next((v for k, v in BF16_PEAK.items() if k in name), None)
        achieved = 3 * fwd * row["tiles_per_s"] / 1e12
        row.update(fwd_tflop_per_tile=fwd / 1e12, achieved_tflops=achieved,
                   peak_fraction=None if peak is None else achieved / peak)
        row["max_mem_GiB"] = torch.cuda.max_memory_allocated() / 2**30
    return row


def simulated_ew_dataset(root: Path, tile: int) -> Path:
    """16 simulated EW scenes (512 px at 40 m) prepared at 25 m into ``tile`` px tiles."""
    from slick_backend.jobs import run_job
    from slick_backend.progress import NullProgress

    sim = root / "ew"
    run_job("simulate", NullProgress(), out_dir=str(sim), mode="EW", scenes=16, seed=12, size=512)
    scenes = sorted(str(p) for p in sim.iterdir() if p.suffix in (".tif", ".tiff"))
    run_job("prepare", NullProgress(), scenes=scenes, labels=str(sim / "labels.gpkg"), pixel_size=25, tile=tile, out_dir=str(root / "ds"))
    return root / "ds"


def finetune_wall(n: int, tile: int, device: str, arch: str, backbone: str, epochs: int, data: str | None) -> dict:
    """Wall time of one `train` run on N training scenes: every tile each epoch, early stopping."""
    from slick_backend.progress import NullProgress
    from slick_backend.train.api import TrainParams, run_train

    with tempfile.TemporaryDirectory() as tmp:
        data = data or str(simulated_ew_dataset(Path(tmp), tile))
        t0 = time.perf_counter()
        r = run_train(TrainParams(data=data, out_dir=str(Path(tmp) / "m"), arch=arch, backbone=backbone, epochs=epochs,
                                  train_scenes=n, lr=1e-3, light=arch == "deeplabv3", device=device,
                                  allow_random_init=True), NullProgress())
        r["wall_s"] = time.perf_counter() - t0
        return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", nargs="*", default=None, help="arch:backbone[:light] (default: a CPU set)")
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--batch", type=int, default=None, help="default 4 on CPU, 16 on CUDA")
    ap.add_argument("--steps", type=int, default=None, help="timed steps (default 3 on CPU, 20 on CUDA)")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--finetune", type=int, default=0, metavar="N", help="also time one fine-tune on N scenes")
    ap.add_argument("--finetune-epochs", type=int, default=10, help="epochs at most (early stopping may end sooner)")
    ap.add_argument("--finetune-data", default=None, help="a prepared dataset (default: 16 simulated EW scenes)")
    args = ap.parse_args()
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if args.device == "auto" else args.device))
    cuda = device.type == "cuda"
    configs = args.configs or (["deeplabv3:resnet50", "samlora:vit_b", "deeplabv3:resnet18:light"] if cuda else CPU_DEFAULT)
    batch, steps = args.batch or (16 if cuda else 4), args.steps or (20 if cuda else 3)
    print("machine:", machine())
    print(f"device: {device}{' (bf16 autocast, channels-last)' if cuda else ' (fp32)'}; tile {args.tile}, batch {batch}")
    for config in configs:
        try:
            r = bench(config, args.tile, batch, steps, device)
        except torch.OutOfMemoryError:
            print(f"{config:32s} out of memory at batch {batch}")
            continue
        extra = ""
        if cuda:
            pf = r["peak_fraction"]
            extra = (f"  fwd {r['fwd_tflop_per_tile']:.3f} TFLOP/tile, {r['achieved_tflops']:.0f} TFLOP/s"
                     f"{'' if pf is None else f' = {100 * pf:.1f}% of bf16 peak'}, {r['max_mem_GiB']:.1f} GiB")
        print(f"{config:32s} {r['tiles_per_s']:8.2f} tiles/s training  ({r['trainable_M']:.2f} M trainable){extra}")
        sys.stdout.flush()
    if args.finetune:
        arch, backbone = ("samlora", "vit_b") if cuda else ("deeplabv3", "resnet18")
        r = finetune_wall(args.finetune, args.tile, str(device), arch, backbone, args.finetune_epochs, args.finetune_data)
        print(f"few-shot fine-tune, N = {args.finetune} scenes, {arch} {backbone} at {args.tile} px, all tiles each epoch: "
              f"{r['wall_s']:.1f} s wall for {r['epochs_run']} epochs (best {r['best_epoch']}, train {r['seconds']:.1f} s), "
              f"val Dice {r['val_dice']}")


if __name__ == "__main__":
    main()
