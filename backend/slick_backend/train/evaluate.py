"""Use case ``evaluate``: per-scene Dice of the slick class on a dataset split.

Each scene's probability mosaic is rebuilt from its overlapping tiles (probabilities
averaged where tiles overlap), thresholded (the model card's threshold unless one is given;
``scene_counts`` scores several thresholds in one pass) and compared with the labels; pixels no
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
from ..metrics import Counts


@dataclass
class EvaluateParams:
    model: str  # a model dir or a shipped model name
    data: str
    split: str = "test"
    out_file: str | None = None  # default: <model>/evaluation_<split>.json (cwd for a shipped model)
    device: str = "auto"
    batch_size: int = 8
    threshold: float | None = None  # None: the model card's threshold

    def model_dir(self) -> Path:
        from ..models.catalog import resolve_model

        return resolve_model(self.model)

    def validate(self) -> None:
        if not (self.model_dir() / "model.json").is_file():
            raise InputError(f"{self.model}: not a model dir (no model.json); give a dir written by `slick-backend train`")
        if not (Path(self.data) / "manifest.json").is_file():
            raise InputError(f"{self.data}: no manifest.json; give a dataset dir written by `slick-backend prepare`")
        if self.split not in ("train", "val", "test"):
            raise InputError(f"--split {self.split}: use train, val or test")
        if self.threshold is not None and not 0 < float(self.threshold) < 1:
            raise InputError(f"--threshold {self.threshold}: must be between 0 and 1")


def scores(tp: int, fp: int, fn: int) -> dict:
    """metrics.Counts' scores of a confusion count (the one definition of Dice and friends)."""
    return Counts(tp, fp, fn).scores()


class _Band:
    """Accumulates tile probabilities for rows [top, top + height) of a scene. ``threshold`` is one
    probability or a list: ``counts`` holds [tp, fp, fn] per threshold, ``tp``/``fp``/``fn`` the first's."""

    def __init__(self, width: int, height: int, threshold):
        self.w, self.h, self.top = width, height, 0
        self.thr = list(threshold) if isinstance(threshold, (list, tuple)) else [threshold]
        self.sum = np.zeros((height, width), np.float32)
        self.cnt = np.zeros((height, width), np.uint16)
        self.truth = np.full((height, width), 255, np.uint8)
        self.counts = [[0, 0, 0] for _ in self.thr]

    tp = property(lambda self: self.counts[0][0])
    fp = property(lambda self: self.counts[0][1])
    fn = property(lambda self: self.counts[0][2])

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
        prob = self.sum[:n] / np.maximum(cnt, 1)
        t = truth == 1
        for c, thr in zip(self.counts, self.thr, strict=True):
            pred = prob >= thr
            c[0] += int((pred & t & ok).sum())
            c[1] += int((pred & ~t & ok).sum())
            c[2] += int((~pred & t & ok).sum())
        for a, fill in ((self.sum, 0), (self.cnt, 0), (self.truth, 255)):
            a[:-n] = a[n:].copy()
            a[-n:] = fill
        self.top = max(self.top + n, upto)


def scene_counts(module, data_dir: str | Path, manifest: dict, split: str, thresholds, tile: int, device,
                 batch_size: int = 8, progress=None) -> dict[str, list[tuple[int, int, int]]]:
    """{scene id: [(tp, fp, fn) per threshold]} of a split, each scene rebuilt from its tiles."""
    import torch

    from .data import _read_band

    scenes = {s["id"]: s for s in manifest["scenes"] if s.get("split") == split}
    if not scenes:
        raise InputError(f"{data_dir}: no scene in the {split!r} split; evaluate another --split")
    by_scene = defaultdict(list)
    for t in manifest["tiles"]:
        if t["scene"] in scenes:
            by_scene[t["scene"]].append(t)
    data_dir = Path(data_dir)
    out, done, total = {}, 0, sum(len(v) for v in by_scene.values())
    for sid in sorted(scenes):
        recs = sorted(by_scene.get(sid, []), key=lambda t: (t["window"][0], t["window"][1]))
        if not recs:
            continue
        width = int(scenes[sid].get("width") or max(t["window"][1] + t["window"][3] for t in recs))
        band = _Band(width, max(t["window"][2] for t in recs) * 2, list(thresholds))
        for start in range(0, len(recs), batch_size):
            if progress is not None:
                progress.check()
            chunk = recs[start:start + batch_size]
            imgs = [_read_band(data_dir / t["image"]) for t in chunk]
            x = np.zeros((len(chunk), 1, tile, tile), np.float32)
            for i, im in enumerate(imgs):
                h, w = min(tile, im.shape[0]), min(tile, im.shape[1])
                x[i, 0, :h, :w] = im[:h, :w]
            with torch.no_grad():
                prob = module(torch.from_numpy(x).to(device)).float().cpu().numpy()[:, 0]
            for t, im, p in zip(chunk, imgs, prob, strict=True):
                row, col = int(t["window"][0]), int(t["window"][1])
                if row + im.shape[0] > band.top + band.h:
                    band.flush(row)  # tiles come in row order: rows above this one are final
                truth = _read_band(data_dir / t["mask"])
                truth = np.where(im == 0, np.uint8(255), truth)
                band.add(row, col, p[: im.shape[0], : im.shape[1]], truth)
            done += len(chunk)
            if progress is not None:
                progress.update(done / total, f"evaluating {sid}: {done}/{total} tiles")
        band.flush(band.top + band.h)
        out[sid] = [tuple(c) for c in band.counts]
    return out


def run_evaluate(params: EvaluateParams, progress) -> dict:
    params.validate()
    import torch

    from ..atomic import write_text_atomic
    from ..dataset.reader import load_manifest
    from ..devices import resolve_device
    from ..models.catalog import shipped_name_of
    from ..models.modeldir import load_model_dir
    from ..predict.api import card_threshold

    device = torch.device(resolve_device(params.device))
    model_dir = params.model_dir()
    model = load_model_dir(model_dir, str(device))
    manifest = load_manifest(params.data)
    threshold = float(params.threshold) if params.threshold is not None else card_threshold(model.card)
    counts = scene_counts(model.module, params.data, manifest, params.split, [threshold], int(model.card["tile"]),
                          device, params.batch_size, progress)
    results = {sid: scores(*c[0]) for sid, c in counts.items()}
    tp, fp, fn = (sum(r[k] for r in results.values()) for k in ("tp", "fp", "fn"))
    pooled = scores(tp, fp, fn)
    summary = {
        "model": str(model_dir.resolve()), "model_name": model.card.get("name"), "data": str(Path(params.data).resolve()),
        "split": params.split, "threshold": threshold, "n_scenes": len(results),
        "mean_dice": float(np.mean([r["dice"] for r in results.values()])) if results else None,
        "dice_pooled": pooled["dice"], "precision": pooled["precision"], "recall": pooled["recall"], "iou": pooled["iou"],
        "scenes": results,
    }
    if params.out_file:
        out = Path(params.out_file)
    elif shipped_name_of(model_dir):  # never write into the installed package
        out = Path(f"evaluation_{shipped_name_of(model_dir)}_{params.split}.json")
    else:
        out = model_dir / f"evaluation_{params.split}.json"
    write_text_atomic(out, json.dumps(summary, indent=2) + "\n")
    progress.update(1.0, f"mean Dice {summary['mean_dice']:.4f} over {len(results)} scenes; written to {out}")
    return {"metrics": str(out.resolve()), "mean_dice": summary["mean_dice"], "precision": summary["precision"],
            "recall": summary["recall"], "iou": summary["iou"], "threshold": threshold,
            "dice_per_scene": {k: v["dice"] for k, v in results.items()}}
