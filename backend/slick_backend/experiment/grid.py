"""The run list: bootstrap draws of training scenes and every (arch, format, N, draw, init) run.

Draws are made WITHOUT replacement inside a draw (a training set never holds the same scene
twice: a repeated scene adds no information to a segmentation model, it only re-weights its
tiles) and independently between draws (two draws may share scenes). This is the bootstrap of
the *training set* that the issue asks for; docs/experiment.md explains why, and how the test
scenes are resampled later in the statistics.

Draws depend only on (seed, N, draw index) and the sorted training scene ids, so when the
formats' datasets were prepared from the same scenes every architecture and format sees the
same draws, and base and transfer always share theirs (paired). The ``paper`` protocol makes
one draw per (architecture, backbone, format), each with its own random scenes, as the paper did.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..dataset.reader import load_manifest, manifest_sha256
from ..errors import InputError
from .config import ExperimentConfig


@dataclass
class Plan:
    runs: list[dict]  # run specs (JSON-able)
    sources: list[dict]  # pretraining specs for missing transfer sources
    notes: list[str]


def read_manifest(data: str, where: str) -> dict:
    """The dataset's manifest (dataset.reader.load_manifest), errors naming the config key."""
    try:
        doc = load_manifest(data)
    except InputError as exc:
        raise InputError(f"{where} = {data}: {exc}") from None
    if not isinstance(doc.get("scenes"), list):
        raise InputError(f"{where} = {data}: its manifest.json lists no scenes; prepare the dataset again")
    return doc


def split_scenes(manifest: dict, split: str) -> list[str]:
    return sorted(s["id"] for s in manifest["scenes"] if s.get("split") == split)


def draw_seed(*parts) -> int:
    """A stable 31-bit seed from any parts (strings through CRC32, numbers as they are)."""
    words = [zlib.crc32(p.encode()) if isinstance(p, str) else int(p) for p in parts]
    return int(np.random.SeedSequence(words).generate_state(1)[0] & 0x7FFFFFFF)


def draw_sets(scenes: list[str], n: int, draws: int, seed: int) -> list[list[str]]:
    """``draws`` training sets of ``n`` scenes each (without replacement inside a set).

    N equal to the whole split gives one set (all draws would be identical); N larger than the
    split gives none (the caller notes it).
    """
    scenes = sorted(scenes)
    if n > len(scenes):
        return []
    if n == len(scenes):
        return [scenes]
    sets = []
    for b in range(draws):
        rng = np.random.default_rng(draw_seed(seed, n, b))
        sets.append(sorted(rng.choice(scenes, size=n, replace=False).tolist()))
    return sets


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-")


def spec_hash(spec: dict) -> str:
    """What decides a run's result; a recorded run is reused only when this matches."""
    keys = ("arch", "backbone", "tile", "pixel_size", "data", "data_sha256", "n", "draw", "scenes", "init",
            "source", "source_sha256", "seed", "training")
    text = json.dumps({k: spec.get(k) for k in keys}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def source_card(path: str, where: str) -> dict:
    """A given source model's card (models.modeldir.read_card), errors naming the config key."""
    from ..models.modeldir import read_card

    if not (Path(path) / "model.json").is_file():
        raise InputError(f"{where} = {path}: source model not found (no model.json there); "
                         "train it first or give the format a source_data dataset to pretrain one")
    try:
        return read_card(path)
    except InputError as exc:
        raise InputError(f"{where} = {path}: {exc}") from None


def build_plan(cfg: ExperimentConfig, out_dir: Path) -> Plan:
    """Check every dataset and source model, then list the runs. Raises InputError naming the key."""
    notes: list[str] = []
    if cfg.protocol == "paper" and cfg.draws != 1:
        notes.append(f"protocol 'paper': one draw per architecture/backbone/format (experiment.draws = {cfg.draws} "
                     "is not used)")
    runs: list[dict] = []
    sources: dict[str, dict] = {}
    for fi, fmt in enumerate(cfg.formats):
        manifest = read_manifest(fmt.data, f"formats[{fi}].data")
        # contents, not only paths, go into the run hashes: a dataset prepared again (or a source
        # model retrained) at the same path makes the runs that use it run again
        data_sha256 = manifest_sha256(fmt.data)
        train = split_scenes(manifest, "train")
        if not train or not split_scenes(manifest, "test"):
            raise InputError(f"formats[{fi}].data = {fmt.data}: needs scenes in both the train and test splits "
                             f"(has {len(train)} train, {len(split_scenes(manifest, 'test'))} test)")
        for ai, arch in enumerate(cfg.architectures):
            source = source_sha256 = None
            if "transfer" in cfg.inits:
                source = arch.source_for(fmt.tile, fmt.pixel_size)
                if source:
                    key = f"architectures[{ai}].sources.{fmt.key}" if fmt.key in arch.sources else \
                        f"architectures[{ai}].source"
                    source_sha256 = source_card(source, key).get("weights_sha256")
                elif fmt.source_data:
                    read_manifest(fmt.source_data, f"formats[{fi}].source_data")
                    sid = _slug(f"source_{arch.arch}-{arch.backbone}_{fmt.tile}_{fmt.pixel_size}")
                    source = str(out_dir / "sources" / sid)
                    sources[sid] = {"id": sid, "arch": arch.arch, "backbone": arch.backbone, "tile": fmt.tile,
                                    "pixel_size": fmt.pixel_size, "data": fmt.source_data,
                                    "data_sha256": manifest_sha256(fmt.source_data), "scenes": None,
                                    "n": None, "draw": None, "init": "base", "source": None,
                                    "seed": draw_seed(cfg.seed, "source"), "training": {**cfg.training, **cfg.pretrain},
                                    "out": source, "keep_model": True}
                    sources[sid]["hash"] = source_sha256 = spec_hash(sources[sid])
                else:
                    raise InputError(
                        f"{cfg.path}: architectures[{ai}] ({arch.arch}/{arch.backbone}) has no source model for "
                        f"format {fmt.key}: set architectures[{ai}].source, or formats[{fi}].source_data "
                        "to pretrain one, or drop 'transfer' from experiment.inits")
            for n in cfg.n_values:
                if cfg.protocol == "paper":
                    salt = draw_seed(cfg.seed, arch.arch, arch.backbone, fmt.tile, fmt.pixel_size)
                    sets = draw_sets(train, n, 1, salt)
                else:
                    sets = draw_sets(train, n, cfg.draws, cfg.seed)
                if not sets:
                    note = f"format {fmt.key}: N = {n} skipped, the train split has only {len(train)} scenes"
                    if note not in notes:
                        notes.append(note)
                    continue
                for b, scenes in enumerate(sets):
                    for init in cfg.inits:
                        run_id = _slug(f"{arch.arch}-{arch.backbone}_{fmt.tile}_{fmt.pixel_size}_n{n}_d{b}_{init}")
                        runs.append({
                            "id": run_id, "arch": arch.arch, "backbone": arch.backbone, "tile": fmt.tile,
                            "pixel_size": fmt.pixel_size, "data": fmt.data, "data_sha256": data_sha256, "n": n,
                            "draw": b, "scenes": scenes, "init": init,
                            "source": source if init == "transfer" else None,
                            "source_sha256": source_sha256 if init == "transfer" else None,
                            # base and transfer twins share the training seed: paired in every respect
                            "seed": draw_seed(cfg.seed, n, b, "train"), "training": dict(cfg.training),
                            "out": str(out_dir / "models" / run_id), "keep_model": cfg.keep_models,
                        })
    if not runs:
        raise InputError(f"{cfg.path}: no run left to do ({'; '.join(notes) or 'empty grid'}); "
                         "lower experiment.n_values or use a dataset with more training scenes")
    for spec in runs:
        spec["hash"] = spec_hash(spec)
    return Plan(runs, list(sources.values()), notes)
