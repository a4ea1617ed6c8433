"""Use case ``evaluate``: per-scene Dice of the slick class on a dataset split.

Each scene's probability mosaic is rebuilt from its overlapping tiles (probabilities
averaged where tiles overlap), thresholded at 0.5 and compared with the labels; pixels no
tile covers, nodata and label 255 are not counted. Memory stays bounded by a band of
rows: tiles are visited in row order and rows no later tile can touch are scored and
dropped, so a scene never needs a full-scene float array.

Dice = 2TP / (2TP + FP + FN); a scene with neither a true nor a predicted slick pixel
scores 1 (nothing to find, nothing found). The summary has the mean of per-scene Dice
and pooled precision, recall, IoU and Dice over all scenes' pixels.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError


@dataclass
class EvaluateParams:
    model: str
    data: str
    split: str = "test"
    out: str | None = None  # default: <model>/evaluation_<split>.json
    device: str = "auto"
    batch_size: int = 8
    threshold: float = 0.5

    def validate(self) -> None:
        if not (Path(self.model) / "model.json").is_file():
            raise InputError(f"{self.model}: not a model dir (no model.json); give a dir written by `slick-backend train`")
        if not (Path(self.data) / "manifest.json").is_file():
            raise InputError(f"{self.data}: no manifest.json; give a dataset dir written by `slick-backend prepare`")
        if self.split not in ("train", "val", "test"):
            raise InputError(f"--split {self.split}: use train, val or test")
        if not 0 < float(self.threshold) < 1:
            raise InputError(f"--threshold {self.threshold}: must be between 0 and 1")


def scores(tp: int, fp: int, fn: int) -> dict:
    denom = 2 * tp + fp + fn
    return {"dice": 1.0 if denom == 0 else 2 * tp / denom,
            "precision": None if tp + fp == 0 else tp / (tp + fp),
            "recall": None if tp + fn == 0 else tp / (tp + fn),
            "iou": 1.0 if tp + fp + fn == 0 else tp / (tp + fp + fn),
            "tp": int(tp), "fp": int(fp), "fn": int(fn)}


class _Band:
    """Accumulates tile probabilities for rows [top, top + height) of a scene."""

    def __init__(self, width: int, height: int, threshold: float):
        self.w, self.h, self.top, self.thr = width, height, 0, threshold
        self.sum = np.zeros((height, width), np.float32)
        self.cnt = np.zeros((height, width), np.uint16)
        self.truth = np.full((height, width), 255, np.uint8)
        self.tp = self.fp = self.fn = 0

    def add(self, row: int, col: int, prob: np.ndarray, truth: np.ndarray) -> None:
        r0 = row - self.top
        h, w = min(prob.shape[0], self.h - r0), min(prob.shape[1], self.w - col)
        self.sum[r0:r0 + h, col:col + w] += prob[:h, :w]
        self.cnt[r0:r0 + h, col:col + w] += 1
        t = self.truth[r0:r0 + h, col:col + w]
        np.copyto(t, truth[:h, :w], where=truth[:h, :w] != 255)

    def flush(self, upto: int) -> None:
        """Score and drop rows < upto (no later tile reaches them)."""
        n = max(0, min(self.h, upto - self.top))
        if n == 0:
            return
        if upto - self.top > self.h:  # a gap of rows no tile covers: nothing to keep
            n = self.h
        cnt, truth = self.cnt[:n], self.truth[:n]
        ok = (cnt > 0) & (truth != 255)
        pred = (self.sum[:n] / np.maximum(cnt, 1)) >= self.thr
        t = truth == 1
        self.tp += int((pred & t & ok).sum())
        self.fp += int((pred & ~t & ok).sum())
        self.fn += int((~pred & t & ok).sum())
        for a, fill in ((self.sum, 0), (self.cnt, 0), (self.truth, 255)):
            a[:-n] = a[n:].copy()
            a[-n:] = fill
        self.top = max(self.top + n, upto)


def run_evaluate(params: EvaluateParams, progress) -> dict:
    params.validate()
    import torch

    from ..atomic import write_text_atomic
    from ..dataset.reader import load_manifest
    from ..models.modeldir import load_model_dir
    from .data import _read_band
    from .loop import resolve_device

    device = resolve_device(params.device)
    model = load_model_dir(params.model, str(device))
    manifest = load_manifest(params.data)
    tile = int(model.card["tile"])
    scenes = {s["id"]: s for s in manifest["scenes"] if s.get("split") == params.split}
    if not scenes:
        raise InputError(f"{params.data}: no scene in the {params.split!r} split; evaluate another --split")
    by_scene = defaultdict(list)
    for t in manifest["tiles"]:
        if t["scene"] in scenes:
            by_scene[t["scene"]].append(t)
    data_dir = Path(params.data)
    results, done, total = {}, 0, sum(len(v) for v in by_scene.values())
    for sid in sorted(scenes):
        recs = sorted(by_scene.get(sid, []), key=lambda t: (t["window"][0], t["window"][1]))
        if not recs:
            continue
        width = int(scenes[sid].get("width") or max(t["window"][1] + t["window"][3] for t in recs))
        band = _Band(width, max(t["window"][2] for t in recs) * 2, params.threshold)
        for start in range(0, len(recs), params.batch_size):
            progress.check()
            chunk = recs[start:start + params.batch_size]
            imgs = [_read_band(data_dir / t["image"]) for t in chunk]
            x = np.zeros((len(chunk), 1, tile, tile), np.float32)
            for i, im in enumerate(imgs):
                h, w = min(tile, im.shape[0]), min(tile, im.shape[1])
                x[i, 0, :h, :w] = im[:h, :w]
            with torch.no_grad():
                prob = model.module(torch.from_numpy(x).to(device)).float().cpu().numpy()[:, 0]
            for t, im, p in zip(chunk, imgs, prob, strict=True):
                row, col = int(t["window"][0]), int(t["window"][1])
                if row + im.shape[0] > band.top + band.h:
                    band.flush(row)  # tiles come in row order: rows above this one are final
                truth = _read_band(data_dir / t["mask"])
                truth = np.where(im == 0, np.uint8(255), truth)
                band.add(row, col, p[: im.shape[0], : im.shape[1]], truth)
            done += len(chunk)
            progress.update(done / total, f"evaluating {sid}: {done}/{total} tiles")
        band.flush(band.top + band.h)
        results[sid] = scores(band.tp, band.fp, band.fn)
    tp, fp, fn = (sum(r[k] for r in results.values()) for k in ("tp", "fp", "fn"))
    pooled = scores(tp, fp, fn)
    summary = {
        "model": str(Path(params.model).resolve()), "model_name": model.card.get("name"), "data": str(data_dir.resolve()),
        "split": params.split, "threshold": params.threshold, "n_scenes": len(results),
        "mean_dice": float(np.mean([r["dice"] for r in results.values()])) if results else None,
        "dice_pooled": pooled["dice"], "precision": pooled["precision"], "recall": pooled["recall"], "iou": pooled["iou"],
        "scenes": results,
    }
    out = Path(params.out) if params.out else Path(params.model) / f"evaluation_{params.split}.json"
    write_text_atomic(out, json.dumps(summary, indent=2) + "\n")
    progress.update(1.0, f"mean Dice {summary['mean_dice']:.4f} over {len(results)} scenes; written to {out}")
    return {"metrics": str(out.resolve()), "mean_dice": summary["mean_dice"], "precision": summary["precision"],
            "recall": summary["recall"], "iou": summary["iou"], "dice_per_scene": {k: v["dice"] for k, v in results.items()}}
