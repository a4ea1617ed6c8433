"""One run of the grid, executed in a worker (a local process or a Ray task).

``execute_run(spec)`` trains one model on the drawn scenes (through the public training use
case, the same code as `slick-backend train`), evaluates it on the test split, deletes the
model dir unless asked to keep it, and returns a JSON-able record. It only writes under the
run's own paths, so several runs can go side by side; the driver writes the record.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import shutil
import time
from pathlib import Path

from ..progress import NullProgress


def _set_threads(threads: int | None) -> None:
    import torch

    if threads:
        torch.set_num_threads(int(threads))


def _subset_dataset(data: str, scenes: list[str], target: Path) -> Path:
    """A view of the dataset whose train split holds only ``scenes`` (val/test untouched).

    Tiles are not copied: images/ and masks/ are symbolic links to the original dataset's.
    """
    from ..dataset.reader import load_manifest

    manifest = load_manifest(data)
    keep = set(scenes)
    manifest["scenes"] = [s for s in manifest["scenes"] if s.get("split") != "train" or s["id"] in keep]
    manifest["tiles"] = [t for t in manifest.get("tiles", []) if t.get("split") != "train" or t["scene"] in keep]
    manifest.setdefault("params", {})["subset_of"] = str(Path(data).resolve())
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for sub in ("images", "masks"):
        if (Path(data) / sub).exists():
            os.symlink(Path(data, sub).resolve(), target / sub)
    (target / "manifest.json").write_text(json.dumps(manifest))
    return target


def _fields(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def _first(names: set[str], *candidates: str) -> str | None:
    return next((c for c in candidates if c in names), None)


def train_params(spec: dict, data: str, out: str):
    """TrainParams for a spec; only the fields the training use case defines are passed."""
    from ..train.api import TrainParams

    names = _fields(TrainParams)
    values = {"data": data, "out_dir": out, "arch": spec["arch"], "backbone": spec["backbone"], "init": spec["init"],
              "seed": spec["seed"]}
    if spec.get("source"):
        values[_first(names, "source", "from_model", "source_model", "from_") or "source"] = spec["source"]
    for key, value in spec.get("training", {}).items():
        values[key] = value
    unknown = sorted(k for k in values if k not in names)
    if unknown:
        from ..errors import InputError

        raise InputError(f"training option(s) {unknown} unknown to `train`; known: {sorted(names)}")
    params = TrainParams(**values)
    params.validate()
    return params


def scene_dice_of(metrics: dict) -> dict[str, float]:
    """The per-test-scene Dice from evaluate's result (scene id -> Dice)."""
    for key in ("dice_per_scene", "scene_dice", "per_scene", "scenes"):
        value = metrics.get(key)
        if isinstance(value, dict) and value:
            return {str(k): float(v["dice"] if isinstance(v, dict) else v) for k, v in value.items()}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return {str(v.get("id", v.get("scene"))): float(v["dice"]) for v in value}
    path = metrics.get("metrics")
    if isinstance(path, str) and Path(path).is_file():
        return scene_dice_of(json.loads(Path(path).read_text()))
    raise RuntimeError(f"evaluate returned no per-scene Dice (keys: {sorted(metrics)})")


def execute_run(spec: dict, threads: int | None = None, progress=None) -> dict:
    """Train + evaluate one run; returns its record (raises on failure). ``progress`` (optional)
    follows the training epoch by epoch, then the evaluation."""
    import torch

    from ..train.api import run_train
    from ..train.evaluate import EvaluateParams, run_evaluate

    _set_threads(threads)
    progress = progress or NullProgress()
    grid = spec.get("n") is not None
    start = time.perf_counter()
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    out = Path(spec["out"])
    work = out.with_name(f".{out.name}.work")
    data = spec["data"]
    if spec.get("scenes") is not None:  # train on the drawn scenes only, validate/test on the full splits
        data = str(_subset_dataset(spec["data"], spec["scenes"], work / "data"))
    if out.exists():  # a finished model from an interrupted run (its record was never written)
        shutil.rmtree(out)
    params = train_params(spec, data, str(out))
    trained = run_train(params, progress.sub(0.0, 0.9 if grid else 1.0))
    train_s = time.perf_counter() - start
    metrics = {}
    scene_dice: dict[str, float] = {}
    if grid:  # grid runs are evaluated; pretrained sources are not
        eval_fields = _fields(EvaluateParams)
        kwargs = {"model": str(out), "data": spec["data"], "split": "test", "out_file": str(work / "evaluation.json"),
                  "device": spec.get("training", {}).get("device", "auto")}
        kwargs = {k: v for k, v in kwargs.items() if k in eval_fields}
        metrics = run_evaluate(EvaluateParams(**kwargs), progress.sub(0.9, 1.0))
        scene_dice = scene_dice_of(metrics)
        if Path(kwargs.get("out_file", "")).is_file():  # keep the per-scene counts (TP/FP/FN) in the record
            metrics = {**metrics, "evaluation": json.loads(Path(kwargs["out_file"]).read_text())}
    card = json.loads((out / "model.json").read_text())
    shutil.rmtree(work, ignore_errors=True)
    if not spec.get("keep_model"):
        shutil.rmtree(out, ignore_errors=True)
    values = [v for v in scene_dice.values() if v == v]
    return {
        "id": spec["id"], "hash": spec["hash"], "spec": spec, "scene_dice": scene_dice,
        "avg_dice": sum(values) / len(values) if values else None,
        "epochs_run": card.get("epochs_run"), "best_epoch": card.get("best_epoch"),
        "train_scenes": card.get("train_scenes"), "train_s": round(train_s, 3),
        "wall_s": round(time.perf_counter() - start, 3),
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "gpu_peak_mb": round(torch.cuda.max_memory_allocated() / 2**20, 1) if cuda else None,
        "device": card.get("device") or ("cuda" if cuda else "cpu"), "threads": torch.get_num_threads(),
        "gpu": torch.cuda.get_device_name(0) if cuda else None,
        "model": str(out) if spec.get("keep_model") else None, "train_result": _jsonable(trained),
        "evaluation": _jsonable(metrics.get("evaluation")),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)
