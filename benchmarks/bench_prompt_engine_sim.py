#!/usr/bin/env python3
"""The prompt benchmark of the real mosaics, run on simulated validation scenes: whole scenes
through the SAM worker's engine, so what the engine decides (where the window goes, when it
moves or grows and re-embeds) can be chosen on simulated data before the real mosaics measure it.

    .venv/bin/python benchmarks/bench_prompt_engine_sim.py [--work out/source-work] [--draws 3]

The scenes are the validation sets of configs/source.toml (pretrain-source's WORK/sim/<set>,
simulated when missing; never trained on). Each scene's labels are burnt onto the 25 m grid the
engine puts the scene on; every slick (pieces under 100 m apart joined, at least 24 px, as
prompt/data.py:slick_parts) is prompted as benchmarks/bench_prompt_real.py prompts the real ones
(tight box, boxes loosened by 0.2 and 0.4, one and three clicks) and scored the same way. Also
counts at which window scale the answers came (1 = the model's own 25 m).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from bench_prompt_real import Mosaic, score_slicks, summary
from machine import machine_info

ROOT = Path(__file__).resolve().parents[1]


def scene_truth(engine, scene: Path, labels: Path, scene_id: str, pixel_size: float, out: Path):
    """(labels of ``scene_id`` on the engine's grid of ``scene``: 1 = slick, 255 = no data;
    transform; CRS); written under the ``out`` prefix."""
    import rasterio
    from rasterio.transform import Affine
    from slick_backend.truth import rasterise_labels_like

    grid = engine.scene(str(scene), pixel_size).grid
    like = Path(f"{out}_grid.tif")
    with rasterio.open(like, "w", driver="GTiff", width=grid.width, height=grid.height, count=1, dtype="uint8",
                       crs=grid.crs, transform=Affine(*grid.transform[:6])) as dst:
        dst.write(np.zeros((1, grid.height, grid.width), np.uint8))
    truth = rasterise_labels_like(labels, like, f"{out}_truth.tif", scene=scene_id)
    with rasterio.open(truth) as src:
        return src.read(1), src.transform, src.crs.to_string()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=str(ROOT / "out/source-work"), help="pretrain-source's work dir")
    parser.add_argument("--source-config", default=str(ROOT / "configs" / "source.toml"))
    parser.add_argument("--model", default="slick-s1-prompt")
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--as-plugin", action="store_true",
                        help="keep each answer's window for the next prompts inside it, as the plugin does")
    args = parser.parse_args(argv)
    import torch
    from slick_backend.pretrain.config import load_source_config
    from slick_backend.pretrain.stages import simulate_set
    from slick_backend.progress import NullProgress
    from slick_backend.prompt.data import slick_parts
    from slick_backend.server.sam.engine import SamEngine

    torch.set_num_threads(2)
    cfg = load_source_config(args.source_config)
    sets = [Path(simulate_set(s, Path(args.work), NullProgress())["dir"]) for s in cfg.sets if s.split == "val"]
    engine = SamEngine(Path(tempfile.mkdtemp(prefix="bench-engine-sim-")) / "cache", device="cpu")
    pixel_size = engine.model(args.model).pixel_size
    scales: Counter = Counter()  # the window scale of each answer (its first, cold prompt)
    work = Path(tempfile.mkdtemp(prefix="bench-engine-sim-truth-"))
    rng = np.random.default_rng(args.seed)
    mine: dict[str, list[float]] = {}
    started, scenes, latency = time.monotonic(), 0, []
    for folder in sets:
        manifest = json.loads((folder / "manifest.json").read_text())
        for s in manifest["scenes"]:
            scene = folder / s["file"]
            labels, transform, crs = scene_truth(engine, scene, folder / "labels.gpkg", s["id"], pixel_size,
                                                 work / f"{folder.name}_{s['id']}")  # the sets reuse scene names
            parts = slick_parts(labels)
            mosaic = Mosaic(engine, args.model, str(scene), crs, transform, labels.shape, latency, args.as_plugin)

            def ask(box=None, points=None, mosaic=mosaic):
                mask = mosaic.ask(box=box, points=points)
                scales[mosaic.last_window["scale"]] += 1
                return mask

            for kind, values in score_slicks(ask, parts, s["id"], rng, args.draws).items():
                mine.setdefault(kind, []).extend(values)
            scenes += 1
            print(f"{folder.name}/{s['id']}: {len(parts)} slicks", flush=True)
    print(json.dumps({"bench": "prompt_engine_sim", "machine": machine_info(), "model": args.model,
                      "scenes": scenes, "slicks": len(mine.get("tight_box", [])), "draws": args.draws, "as_plugin": args.as_plugin,
                      "seconds": round(time.monotonic() - started), "mean_dice": summary(mine),
                      "window_scales": {str(k): v for k, v in sorted(scales.items())},
                      "per_slick": {k: [round(v, 4) for v in values] for k, values in mine.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
