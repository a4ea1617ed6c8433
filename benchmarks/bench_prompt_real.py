"""Box and point prompts on every labelled slick of the three real Arctic EW mosaics: accuracy,
latency and the cold embedding of a 1024 x 1024 window, with the SAM worker's own engine.

    .venv/bin/python benchmarks/bench_prompt_real.py [--model slick-s1-prompt] [--draws 5]

For each slick the prompts are
what an analyst would give: the tight box; a noisy box (each side moved out by up to 0.2 or 0.4
of the box's size and the whole shifted by up to half that; ``--draws`` draws each); one point
at the slick's most interior pixel; three points (that one and two more on the slick). The
engine embeds around the prompt, decodes, follows the slick across window edges and returns
polygons in the mosaic's CRS, as for the plugin; they are burnt back onto the label grid and
scored with the Dice of the slick class inside the slick's box loosened by 40 % (the same
region for every prompt kind, so they compare). The real mosaics measure only: nothing here
trains or selects anything, except with ``--adapt``, which measures the analyst's own
fine-tuning (finetune-prompt, its default settings) leave-one-mosaic-out: adapted to the labels
of two mosaics (checked on those), scored on the third with the same prompts. Prints the machine. (The plugin's whole round trip, HTTP and
QgsGeometry included: benchmarks/bench_plugin.py --model slick-s1-prompt.) Latency is the warm
case: each prompt is sent twice and the second, whose windows are all embedded, is timed.
``per_slick_errors`` says how each kind goes wrong on each slick (precision, recall, mask size in
and outside the scored region): a diagnosis, never a selection.

A slick is what Slick itself calls one (``--slicks joined``, the default): the label pieces less
than about 100 m (4 px) apart joined, at least 24 px (prompt/data.py:slick_parts, the definition
the prompt model is trained and validated with, and the one Slicks in view joins candidates by).
``--slicks components`` scores every 8-connected piece of the label raster on its own instead, so
a box around one of two pieces a pixel apart is marked down for taking in the other.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import machine_info
from slick_backend.prompt.data import noisy_box, slick_parts, tight_box
from slick_backend.prompt.train import dice

ROOT = Path(__file__).resolve().parents[1]
ARCTIC = ROOT.parent / "shared" / "data" / "arctic_ew"
SAMPLES = ("sample_135", "sample_123", "sample_70")
MIN_PX = 24


def slicks(labels: np.ndarray, definition: str = "joined") -> list[np.ndarray]:
    """Boolean masks of the labelled slicks, as ``definition`` (joined / components) counts them."""
    from scipy import ndimage

    if definition == "joined":
        return slick_parts(labels)
    parts, n = ndimage.label(labels == 1, structure=np.ones((3, 3)))
    return [parts == i for i in range(1, n + 1) if (parts == i).sum() >= MIN_PX]


def loosen(box, f: float, shape) -> tuple[int, int, int, int]:
    c0, r0, c1, r1 = box
    w, h = c1 - c0, r1 - r0
    return (max(0, int(c0 - f * w)), max(0, int(r0 - f * h)), min(shape[1], int(np.ceil(c1 + f * w))),
            min(shape[0], int(np.ceil(r1 + f * h))))


def interior_points(part: np.ndarray, n: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """The most interior pixel, then n - 1 more on the slick (weighted towards its middle)."""
    from scipy import ndimage

    depth = ndimage.distance_transform_edt(part)
    r, c = np.unravel_index(np.argmax(depth), depth.shape)
    out = [(c + 0.5, r + 0.5)]
    cells = np.argwhere(part)
    w = depth[part] / depth[part].sum()
    for i in rng.choice(len(cells), size=n - 1, p=w, replace=False) if n > 1 else []:
        out.append((cells[i][1] + 0.5, cells[i][0] + 0.5))
    return out


def dice_in(pred: np.ndarray, truth: np.ndarray, region) -> float:
    c0, r0, c1, r1 = region
    return dice(pred[r0:r1, c0:c1], truth[r0:r1, c0:c1])


def errors_in(preds: list[np.ndarray], truth: np.ndarray, region) -> dict[str, float]:
    """Where a prompt kind goes wrong, averaged over its draws: precision, recall and the mask's
    size inside the scored region (a small blob and a spill look alike in the Dice)."""
    c0, r0, c1, r1 = region
    t = truth[r0:r1, c0:c1]
    p = [m[r0:r1, c0:c1] for m in preds]
    return {"precision": round(float(np.mean([(m & t).sum() / max(int(m.sum()), 1) for m in p])), 3),
            "recall": round(float(np.mean([(m & t).sum() / t.sum() for m in p])), 3),
            "mask_px": round(float(np.mean([m.sum() for m in p]))), "mask_px_outside_region":
            round(float(np.mean([int(m.sum()) - int(q.sum()) for m, q in zip(preds, p, strict=True)])))}


class Mosaic:
    """Prompts on one mosaic through the engine, as the plugin sends them; masks on its label grid."""

    def __init__(self, engine, model, raster, crs, transform, shape, latency_ms, as_plugin: bool = False) -> None:
        self.engine, self.model, self.raster, self.crs = engine, model, raster, crs
        self.transform, self.shape, self.latency_ms = transform, shape, latency_ms
        # as_plugin: the window of the last answer is kept while prompts fall inside it, as the
        # plugin's BackendSamHandler does; else each prompt is embedded around its own centre
        self.as_plugin, self.window = as_plugin, None

    def to_map(self, c, r):
        x, y = self.transform * (c, r)
        return float(x), float(y)

    def inside(self, xy) -> bool:
        x0, y0, x1, y1 = self.window[1]
        return x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1

    def ask(self, box=None, points=None) -> np.ndarray:
        from rasterio.features import rasterize
        from shapely.geometry import shape

        centre = self.to_map(*(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else points[0]))
        if self.window is None or not self.inside(centre):
            emb = self.engine.embed({"model": self.model, "raster": self.raster, "point": centre, "crs": self.crs},
                                    check=lambda: None)
            self.window = (emb["embedding_id"], emb["window"]["bounds"])
        body = {"embedding_id": self.window[0], "crs": self.crs, "out_crs": self.crs,
                "multimask": box is None and len(points) == 1}
        if box:
            (x0, y0), (x1, y1) = self.to_map(box[0], box[3]), self.to_map(box[2], box[1])
            body["box"] = [x0, y0, x1, y1]
        if points:
            body["points"] = [self.to_map(*p) for p in points]
            body["labels"] = [1] * len(points)
        answer = self.engine.prompt(body, check=lambda: None)  # may move / grow the window and embed it
        self.window = (answer["embedding_id"], answer["window"]["bounds"]) if self.as_plugin else None
        t0 = time.perf_counter()  # warm: the same prompt again, every window it needs cached
        self.engine.prompt({**body, "embedding_id": answer["embedding_id"]}, check=lambda: None)
        self.latency_ms.append((time.perf_counter() - t0) * 1000)
        self.last_score = answer.get("score")  # the model's own estimate of its mask's IoU
        self.last_window = answer["window"]  # where the engine answered (its scale: the pixel it used)
        geoms = [shape(f["geometry"]) for f in answer["features"]]
        if not geoms:
            return np.zeros(self.shape, bool)
        return rasterize([(g, 1) for g in geoms], out_shape=self.shape, transform=self.transform).astype(bool)


def score_mosaic(engine, model: str, sample: str, rng: np.random.Generator, draws: int,
                 latency_ms: list[float], detail: list[dict] | None = None,
                 definition: str = "joined", as_plugin: bool = False) -> dict[str, list[float]]:
    """Dice per slick of ``sample`` for each prompt kind; ``detail`` gets each slick's size,
    width and errors per kind (diagnosis only)."""
    import rasterio

    raster = str(ARCTIC / sample / "raw_mosaic.tif")
    with rasterio.open(ARCTIC / sample / "labels_mosaic.png") as src:
        labels, transform = src.read(1), src.transform
    with rasterio.open(raster) as src:
        crs = src.crs.to_string()
        assert src.transform.almost_equals(transform), "labels and mosaic grids differ"
    ask = Mosaic(engine, model, raster, crs, transform, labels.shape, latency_ms, as_plugin).ask
    return score_slicks(ask, slicks(labels, definition), sample, rng, draws, detail)


def score_slicks(ask, parts: list[np.ndarray], sample: str, rng: np.random.Generator, draws: int,
                 detail: list[dict] | None = None) -> dict[str, list[float]]:
    """Each prompt kind on each slick of ``parts`` (boolean masks on the grid ``ask`` answers on):
    the Dice per slick, inside its box loosened by 40 %."""
    from scipy import ndimage

    mine: dict[str, list[float]] = {}
    for part in parts:
        box = tuple(float(v) for v in tight_box(part))
        region = loosen(box, 0.4, part.shape)
        tries = {"tight_box": [ask(box=box)],
                 "box_0.2": [ask(box=tuple(float(v) for v in noisy_box(part, 0.2, rng))) for _ in range(draws)],
                 "box_0.4": [ask(box=tuple(float(v) for v in noisy_box(part, 0.4, rng))) for _ in range(draws)],
                 "point_1": [ask(points=interior_points(part, 1, rng))],
                 "points_3": [ask(points=interior_points(part, 3, rng))]}
        for kind, masks in tries.items():
            mine.setdefault(kind, []).append(float(np.mean([dice_in(m, part, region) for m in masks])))
        if detail is not None:
            detail.append({"sample": sample, "px": int(part.sum()),
                           "width_px": round(2 * float(ndimage.distance_transform_edt(part).max()), 1),
                           **{kind: errors_in(masks, part, region) for kind, masks in tries.items()}})
    return mine


def label_polygons(samples, out: Path) -> Path:
    """The label rasters of ``samples`` as one GeoPackage of lon/lat polygons with their scene
    ids (as an analyst's label layer), for prepare."""
    import rasterio
    import shapely
    from pyogrio.raw import write
    from pyproj import Transformer
    from rasterio.features import shapes

    wkb, scenes = [], []
    for sample in samples:
        with rasterio.open(ARCTIC / sample / "labels_mosaic.png") as src:
            labels, transform, crs = src.read(1), src.transform, src.crs
        to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        for g, _ in shapes((labels == 1).astype(np.uint8), mask=labels == 1, transform=transform):
            poly = shapely.transform(shapely.geometry.shape(g),
                                     lambda xy, t=to_ll: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
            wkb.append(shapely.to_wkb(poly))
            scenes.append(f"{sample}_raw_mosaic")
    write(str(out), np.array(wkb, dtype=object), [np.array(scenes, dtype=object)], ["scene"], crs="EPSG:4326",
          geometry_type="Polygon", driver="GPKG")
    return out


def adapt_without(held_out: str, work: Path) -> tuple[str, dict]:
    """The analyst's route (Train tab with "adapt the labelling model"): prepare the other two
    mosaics with their labels at 25 m, then finetune-prompt with its defaults. The held-out
    mosaic trains and checks nothing. Returns (prompt model dir, finetune result)."""
    from slick_backend.dataset.prepare import PrepareParams, run_prepare
    from slick_backend.progress import NullProgress
    from slick_backend.prompt.finetune import FinetunePromptParams, run_finetune_prompt

    others = [s for s in SAMPLES if s != held_out]
    work.mkdir(parents=True, exist_ok=True)
    labels = label_polygons(others, work / "labels.gpkg")
    dataset = work / "ds"
    run_prepare(PrepareParams(scenes=[str(ARCTIC / s / "raw_mosaic.tif") for s in others], labels=str(labels),
                              pixel_size=25, tile=256, out_dir=str(dataset)))
    params = FinetunePromptParams(data=str(dataset), out_dir=str(work / "prompt"))
    t0 = time.perf_counter()
    result = run_finetune_prompt(params, NullProgress())
    result["train_seconds"] = round(time.perf_counter() - t0, 1)
    return result["prompt_model_dir"], result


def summary(mine: dict[str, list[float]]) -> dict:
    return {"slicks": len(mine.get("tight_box", [])), **{k: round(float(np.mean(v)), 3) for k, v in mine.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="slick-s1-prompt")
    parser.add_argument("--draws", type=int, default=5, help="noisy boxes drawn per slick and noise level")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--slicks", choices=("joined", "components"), default="joined",
                        help="what one slick is: label pieces under 100 m apart joined (Slick's own definition), "
                             "or every connected piece on its own")
    parser.add_argument("--as-plugin", action="store_true",
                        help="keep each answer's window for the next prompts inside it, as the plugin does "
                             "(else each prompt is embedded around its own centre)")
    parser.add_argument("--adapt", action="store_true",
                        help="also adapt the model to two mosaics' labels (finetune-prompt) and score the third, each way round")
    args = parser.parse_args(argv)
    import rasterio
    import torch
    from slick_backend.server.sam.engine import SamEngine

    torch.set_num_threads(2)
    engine = SamEngine(Path(tempfile.mkdtemp(prefix="bench-prompt-")) / "cache", device="cpu")
    scores: dict[str, list[float]] = {}
    per_sample: dict[str, dict] = {}
    latency_ms: list[float] = []
    adapted: dict[str, dict] = {}
    per_slick: list[dict] = []
    for i, sample in enumerate(SAMPLES):
        mine = score_mosaic(engine, args.model, sample, np.random.default_rng(args.seed + i), args.draws, latency_ms,
                            per_slick, args.slicks, args.as_plugin)
        for kind, values in mine.items():
            scores.setdefault(kind, []).extend(values)
        per_sample[sample] = summary(mine)
        if args.adapt:  # the same prompts (same seed) to the model adapted to the other two mosaics
            model_dir, result = adapt_without(sample, Path(tempfile.mkdtemp(prefix=f"bench-adapt-{sample}-")))
            theirs = score_mosaic(engine, model_dir, sample, np.random.default_rng(args.seed + i), args.draws, [],
                                  definition=args.slicks, as_plugin=args.as_plugin)
            adapted[sample] = {**summary(theirs), "trained_on": [s for s in SAMPLES if s != sample],
                               "kept_step": result["best"]["step"], "check_mean_start": result["start"]["val_mean"],
                               "check_mean_kept": result["best"]["val_mean"], "train_seconds": result["train_seconds"],
                               "_scores": theirs}

    # cold embedding of a 1024 x 1024 window (grid px): a fresh engine, nothing cached
    cold = SamEngine(Path(tempfile.mkdtemp(prefix="bench-prompt-cold-")) / "cache", device="cpu")
    raster = str(ARCTIC / "sample_135" / "raw_mosaic.tif")
    with rasterio.open(raster) as src:
        b, crs = src.bounds, src.crs.to_string()
    cold.model(args.model)  # the model load is not the embedding
    cold.scene(raster, cold.model(args.model).pixel_size)
    t0 = time.perf_counter()
    emb = cold.embed({"model": args.model, "raster": raster, "window": [b.left, b.bottom, b.left + 25600, b.bottom + 25600],
                      "crs": crs}, check=lambda: None)
    cold_ms = (time.perf_counter() - t0) * 1000
    latency_ms.sort()
    figures = {
        "model": args.model,
        "slick_definition": args.slicks,
        "as_plugin": args.as_plugin,
        "mean_dice_all_slicks": {k: round(float(np.mean(v)), 3) for k, v in scores.items()},
        "slicks": len(scores["tight_box"]),
        "per_mosaic": per_sample,
        "warm_engine_prompt_ms_p50": round(statistics.median(latency_ms), 1),
        "warm_engine_prompt_ms_p95": round(latency_ms[int(0.95 * (len(latency_ms) - 1))], 1),
        "prompts": len(latency_ms),
        "cold_embedding_1024px_window_ms": round(cold_ms, 1),
        "cold_window": emb["window"],
        "per_slick_errors": per_slick,
    }
    if adapted:
        pooled: dict[str, list[float]] = {}
        for entry in adapted.values():
            for kind, values in entry.pop("_scores").items():
                pooled.setdefault(kind, []).extend(values)
        figures["adapted_leave_one_mosaic_out"] = {
            "mean_dice_all_slicks": {k: round(float(np.mean(v)), 3) for k, v in pooled.items()},
            "per_mosaic": adapted}
    print(json.dumps({"bench": "prompt_real", "machine": machine_info(), "figures": figures}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
