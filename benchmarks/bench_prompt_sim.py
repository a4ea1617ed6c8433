#!/usr/bin/env python3
"""Inference-time variants of the prompt model on its simulated validation prompts: is there an
answer better than the engine's single decode, without training anything?

    PYTHONPATH=backend .venv/bin/python benchmarks/bench_prompt_sim.py [--model DIR] [--work out/source-work]

The prompts are the ones pretrain-prompt selects its checkpoint on (configs/prompt.toml's
validation windows, ``val_slicks`` slicks, ``val_seed``; the windows come from the work dir's pack,
or from pretrain-source's datasets there). Each variant is scored as validation scores (the mask's
Dice against the slick, after the clean-up), so ``plain`` gives the card's figures:

- ``plain``: the engine's answer (one embedding, one decode);
- ``reprompt``: the box prompts asked again with the first mask's box (margin 0 and 0.2, the
  second clipped to the prompt's box);
- ``flip2``, ``d4``, ``d8``: test-time augmentation, the window flipped / turned (2, 4 or all 8
  symmetries of the square), embedded and prompted in each pose, the logits averaged back in the
  window's own pose.

Only simulated windows: this chooses; the real mosaics (benchmarks/bench_prompt_real.py) only
measure what was chosen.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from machine import machine_info

ROOT = Path(__file__).resolve().parents[1]
POSES = {"plain": [(0, False)], "flip2": [(0, False), (0, True)],
         "d4": [(0, False), (0, True), (2, False), (2, True)],
         "d8": [(k, f) for k in range(4) for f in (False, True)]}


def pose_image(a: np.ndarray, turns: int, flip: bool) -> np.ndarray:
    a = np.rot90(a, turns)
    return np.ascontiguousarray(a[:, ::-1] if flip else a)


def unpose(t, turns: int, flip: bool):
    """A [H, W] torch map in pose (turns, flip) back to the window's own pose."""
    import torch

    if flip:
        t = torch.flip(t, [1])
    return torch.rot90(t, -turns, [0, 1])


def pose_xy(x: float, y: float, size: int, turns: int, flip: bool, edge: bool) -> tuple[float, float]:
    """Window coordinates in pose (turns, flip): box edges (0..size) or pixel indices (0..size-1)."""
    n = size if edge else size - 1
    for _ in range(turns):  # np.rot90 turns counter-clockwise: new[i, j] = old[j, n - i]
        x, y = y, n - x
    return (n - x, y) if flip else (x, y)


def pose_prompt(prompt, size: int, turns: int, flip: bool):
    from slick_backend.prompt.data import Prompt

    box = points = None
    if prompt.box is not None:
        (ax, ay), (bx, by) = (pose_xy(x, y, size, turns, flip, True) for x, y in prompt.box.reshape(2, 2))
        box = np.array([min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)], np.float32)
    if prompt.points is not None:
        points = np.array([pose_xy(x, y, size, turns, flip, False) for x, y in prompt.points], np.float32)
    return Prompt(prompt.kind, box, points, prompt.labels)


def extent(mask: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(mask)
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], np.float32)


def reprompted(net, emb, image, first: np.ndarray, box: np.ndarray, margin: float, clip: bool) -> np.ndarray:
    """The box prompt asked again with the first mask's extent (loosened by ``margin``)."""
    from slick_backend.prompt.data import Prompt
    from slick_backend.prompt.train import decode_logits

    if not first.any():
        return first
    e = extent(first)
    w, h = e[2] - e[0], e[3] - e[1]
    e = np.array([e[0] - margin * w, e[1] - margin * h, e[2] + margin * w, e[3] + margin * h], np.float32)
    if clip:
        e = np.concatenate([np.maximum(e[:2], box[:2]), np.minimum(e[2:], box[2:])])
    e = np.clip(e, 0, image.shape[1]).astype(np.float32)
    if e[2] <= e[0] or e[3] <= e[1]:
        return first
    again = net.clean_mask((decode_logits(net, emb, image.shape, Prompt("box", e, None, None)) > 0).numpy() & (image > 0))
    return again if again.any() else first


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "backend/slick_backend/models/shipped/slick-s1-prompt"))
    parser.add_argument("--config", default=str(ROOT / "configs/prompt.toml"))
    parser.add_argument("--work", default=str(ROOT / "out/source-work"))
    parser.add_argument("--variants", nargs="+", default=["plain", "reprompt", "flip2", "d4", "d8"],
                        choices=["plain", "reprompt", "flip2", "d4", "d8"])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    import torch
    from slick_backend.pretrain.config import load_source_config
    from slick_backend.progress import Progress
    from slick_backend.prompt.store import load_prompt_model
    from slick_backend.prompt.train import _windows, decode_logits, dice, load_config, val_prompts

    torch.set_num_threads(args.threads)
    net, card = load_prompt_model(args.model)
    cfg = load_config(args.config)
    train_cfg = cfg["training"]
    _, windows = _windows(load_source_config(cfg["data"]["source_config"]), Path(args.work), Progress())
    prompts = val_prompts(windows, int(train_cfg.get("val_slicks", 150)), int(train_cfg.get("val_seed", int(train_cfg.get("seed", 0)) + 1)),
                          dark_water=float(train_cfg.get("dark_water", 0)) > 0, neighbour=float(train_cfg.get("neighbour", 0)) > 0)
    names = [v for v in args.variants if v != "reprompt"]
    if "reprompt" in args.variants:
        names += ["reprompt_0", "reprompt_0.2_clipped"]
    poses_needed = sorted({p for v in args.variants if v in POSES for p in POSES[v]} | {(0, False)})
    scores: dict[str, dict[str, list[float]]] = {n: {} for n in names}
    started = time.monotonic()
    for v in prompts:
        image = windows[v.window].image if v.image is None else v.image
        truth, size, valid = windows[v.window].parts[v.slick], image.shape[0], image > 0
        embs, answers = {}, {}
        for turns, flip in poses_needed:
            x = torch.from_numpy(pose_image(image, turns, flip).astype(np.float32))[None, None]
            with torch.inference_mode():
                emb = embs[(turns, flip)] = net.embed(x)
            answers[(turns, flip)] = unpose(decode_logits(net, emb, image.shape, pose_prompt(v.prompt, size, turns, flip)), turns, flip)
        first = net.clean_mask((answers[(0, False)] > 0).numpy() & valid)
        for name in names:
            if name in POSES:
                mean = sum(answers[p] for p in POSES[name]) / len(POSES[name])
                mask = net.clean_mask((mean > 0).numpy() & valid)
            elif v.prompt.box is None:
                mask = first  # re-prompting is for boxes
            else:
                margin, clip = (0.0, False) if name == "reprompt_0" else (0.2, True)
                mask = reprompted(net, embs[(0, False)], image, first, v.prompt.box, margin, clip)
            scores[name].setdefault(v.kind, []).append(dice(mask, truth))
    results = {}
    for name, kinds in scores.items():
        row = {k: round(float(np.mean(s)), 4) for k, s in kinds.items()}
        row["mean"] = round(float(np.mean(list(row.values()))), 4)
        results[name] = {**row, "embeddings": len(POSES.get(name, [(0, False)])),
                         "decodes": len(POSES[name]) if name in POSES else 2}
    print(json.dumps({"bench": "prompt_sim", "machine": machine_info(), "model": card["name"],
                      "weights_sha256": card.get("weights_sha256"), "prompts": len(prompts),
                      "seconds": round(time.monotonic() - started), "variants": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
