#!/usr/bin/env python3
"""Slicks in view on simulated validation scenes: are the candidates' outlines better as the
source model drew them, or refined by the prompt model with the candidate's box?

    PYTHONPATH=backend .venv/bin/python benchmarks/bench_candidates_sim.py [--work out/source-work]

The validation scene sets of configs/source.toml (pretrain-source's WORK/sim/<set>, simulated here
when missing, reused when there; never trained on) are predicted with
the shipped source model as the Label tab's *Slicks in view* does (``predict --adapt-bn``), the
outline pieces less than 100 m apart are joined into candidates (as ``join_pieces``), and each
candidate at least half on the simulator's slicks (the ones a scripted analyst accepts) is scored
against them inside its box loosened by 40 %: its own outline, and the prompt model's answer (the
SAM worker's engine, as the plugin asks) to its box loosened by each ``--margins`` share. This
chooses the margin of the automatic refinement; the real mosaics are measured afterwards
(benchmarks/bench_labelling.py) and choose nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from bench_prompt_real import Mosaic, dice_in, loosen
from machine import machine_info
from slick_backend.prompt.train import dice

ROOT = Path(__file__).resolve().parents[1]
JOIN_M = 100.0  # slick_plugin/maptools/candidates.py


def candidates(outlines: Path) -> list:
    """The outline pieces joined into candidates (pieces at most JOIN_M apart), as shapely geometries."""
    import pyogrio
    import shapely

    _, _, wkb, _ = pyogrio.raw.read(outlines, layer="slicks")
    pieces = list(shapely.from_wkb(wkb)) if len(wkb) else []
    parent = list(range(len(pieces)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(pieces)):
        for j in range(i + 1, len(pieces)):
            if pieces[i].distance(pieces[j]) <= JOIN_M:
                parent[root(i)] = root(j)
    groups: dict[int, list] = {}
    for i, g in enumerate(pieces):
        groups.setdefault(root(i), []).append(g)
    return [shapely.union_all(members) for members in groups.values()]


def score_scene(engine, prompt_model: str, scene: Path, labels: Path, scene_id: str, work: Path,
                margins: list[float], every: float | None = None) -> list[dict]:
    import rasterio
    from rasterio.features import rasterize
    from slick_backend.truth import rasterise_labels_like

    prefix = work / scene_id
    if not Path(f"{prefix}_slicks.gpkg").is_file():  # --keep: predicted once, reused
        subprocess.run([sys.executable, "-m", "slick_backend", "predict", "--model", "slick-s1-source", "--scene", str(scene),
                        "--out", str(prefix), "--adapt-bn", "--overwrite"], check=True, capture_output=True)
    mask_tif = Path(f"{prefix}_mask.tif")
    truth_tif = rasterise_labels_like(labels, mask_tif, work / f"{scene_id}_truth.tif", scene=scene_id)
    with rasterio.open(truth_tif) as src:
        truth, transform, crs = src.read(1) == 1, src.transform, src.crs.to_string()
    mosaic = Mosaic(engine, prompt_model, str(scene), crs, transform, truth.shape, [])
    ask = mosaic.ask
    rows = []
    for cand in candidates(Path(f"{prefix}_slicks.gpkg")):
        drawn = rasterize([(cand, 1)], out_shape=truth.shape, transform=transform).astype(bool)
        if not drawn.any():  # thinner than a pixel everywhere: nothing to show or score
            continue
        on = (drawn & truth).sum() / max(int(drawn.sum()), 1)
        row = {"set": work.name, "scene": scene_id, "px": int(drawn.sum()), "on_slick": round(float(on), 3)}
        rr, cc = np.nonzero(drawn)
        box = (float(cc.min()), float(rr.min()), float(cc.max() + 1), float(rr.max() + 1))
        if every is not None:  # what the prompt model says of every candidate, look-alikes too
            answer = ask(box=tuple(float(v) for v in loosen(box, every, truth.shape)))
            row.update({"answer_px": int(answer.sum()), "answer_score": mosaic.last_score,
                        "answer_vs_outline": round(dice(answer, drawn), 3)})
        if on >= 0.5:
            region = loosen(box, 0.4, truth.shape)
            row["outline"] = dice_in(drawn, truth, region)
            for m in margins:
                row[f"box_{m}"] = dice_in(ask(box=tuple(float(v) for v in loosen(box, m, truth.shape))), truth, region)
        rows.append(row)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="out/source-work", help="pretrain-source's work dir (its simulated val sets)")
    parser.add_argument("--source-config", default=str(ROOT / "configs" / "source.toml"))
    parser.add_argument("--prompt-model", default="slick-s1-prompt")
    parser.add_argument("--margins", type=float, nargs="+", default=[0.0, 0.1, 0.2])
    parser.add_argument("--every", type=float, default=None,
                        help="also ask the prompt model about every candidate, look-alikes too, with its box loosened by this")
    parser.add_argument("--keep", default=None, help="folder for the predictions, reused when there")
    args = parser.parse_args(argv)
    import torch
    from slick_backend.pretrain.config import load_source_config
    from slick_backend.pretrain.stages import simulate_set
    from slick_backend.progress import NullProgress
    from slick_backend.server.sam.engine import SamEngine

    torch.set_num_threads(2)
    cfg = load_source_config(args.source_config)
    sets = [Path(simulate_set(s, Path(args.work), NullProgress())["dir"]) for s in cfg.sets if s.split == "val"]
    engine = SamEngine(Path(tempfile.mkdtemp(prefix="bench-cand-")) / "cache", device="cpu")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-cand-pred-"))
    work.mkdir(parents=True, exist_ok=True)
    rows, scenes = [], 0
    for folder in sets:
        manifest = json.loads((folder / "manifest.json").read_text())
        out = work / folder.name  # the sets reuse scene names
        out.mkdir(exist_ok=True)
        for s in manifest["scenes"]:
            found = score_scene(engine, args.prompt_model, folder / s["file"], folder / "labels.gpkg", s["id"], out,
                                args.margins, args.every)
            rows += found
            scenes += 1
            print(f"{folder.name}/{s['id']}: {len(found)} candidates", flush=True)
    accepted = [r for r in rows if "outline" in r]
    kinds = ["outline"] + [f"box_{m}" for m in args.margins]
    print(json.dumps({
        "machine": machine_info(), "scenes": scenes,
        "candidates": len(rows), "on_slick": len(accepted),
        "mean_dice_of_accepted": {k: round(float(np.mean([r[k] for r in accepted])), 4) for k in kinds} if accepted else None,
        "rows": rows,
    }, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
