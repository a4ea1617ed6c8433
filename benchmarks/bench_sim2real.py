"""Does a model made only from simulated scenes find slicks on real radar? Measured on the three
real Arctic EW mosaics (../shared/data/arctic_ew), which never train or select anything here.

    .venv/bin/python benchmarks/bench_sim2real.py                      # the shipped source model
    .venv/bin/python benchmarks/bench_sim2real.py --model DIR --json out/sim2real.json
    .venv/bin/python benchmarks/bench_sim2real.py --skip-fewshot       # zero-shot only (a minute)

1. Zero-shot: `predict` with the model on each mosaic (as it is: already stretched 8-bit at
   25 m), Dice of the slick class against the labels over valid pixels, at the model card's
   threshold (chosen on simulated validation scenes); also with --adapt-bn (BatchNorm
   statistics re-estimated on the mosaic itself, no labels) and the classic dark-spot baseline.
2. Few-shot leave-one-out: fine-tune on two mosaics, test on the third, all three rotations,
   from the shipped model ("transfer") and from random weights with the same architecture and
   the same recipe ("base": nothing can be downloaded here, so no ImageNet). The recipe is fixed
   in advance (RECIPE, below; the learning rate comes from the range test in each run) and
   never tuned on these mosaics. Predictions use a threshold of 0.5, as `train` writes.
   Two unsupervised adaptations are measured on top of transfer: `train --adapt-bn` (BatchNorm
   statistics re-estimated on the training tiles before fine-tuning) and `predict --adapt-bn`
   with the fine-tuned model on the unlabelled test mosaic.

Every number is printed with the machine it ran on; --json writes them all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import machine_info

HERE = Path(__file__).resolve().parent
SAMPLES = ("sample_135", "sample_123", "sample_70")
# fine-tuning recipe for the leave-one-out runs, fixed before any measurement: a few hundred tile
# passes (what an analyst's CPU does in minutes), the source model's loss, the paper's augmentation,
# the learning rate from the range test of each run
RECIPE = {"epochs": 12, "tiles_per_epoch": 64, "batch_size": 8, "slick_tile_share": 0.5, "patience": 12,
          "loss": "ce_dice_20_80", "seed": 0, "device": "auto"}


def default_arctic() -> Path:
    env = os.environ.get("SLICK_ARCTIC_DIR")
    return Path(env) if env else HERE.parents[1] / "shared" / "data" / "arctic_ew"


def mosaic_files(arctic: Path, sample: str, folder: Path) -> tuple[Path, Path, Path]:
    """The mosaic as a GeoTIFF named after its sample (scene id = file stem), its labels as a
    GeoTIFF on the same grid (truth for Dice) and as polygons (for prepare)."""
    import rasterio
    import shapely
    from rasterio import features

    with rasterio.open(arctic / sample / "raw_mosaic.tif") as src:
        image, profile = src.read(1), src.profile
    with rasterio.open(arctic / sample / "labels_mosaic.png") as src:
        labels = (src.read(1) == 1).astype(np.uint8)
    profile.update(driver="GTiff", dtype="uint8", count=1, nodata=0, compress="deflate")
    scene, truth = folder / f"{sample}.tif", folder / f"{sample}_truth.tif"
    with rasterio.open(scene, "w", **profile) as dst:
        dst.write(image, 1)
    profile.update(nodata=None)
    with rasterio.open(truth, "w", **profile) as dst:
        dst.write(labels, 1)
    polys = [shapely.geometry.shape(g) for g, v in features.shapes(labels, mask=labels == 1, transform=profile["transform"])]
    return scene, truth, _write_labels(folder / f"{sample}_labels.gpkg", polys, sample, profile["crs"])


def _write_labels(path: Path, polys: list, scene: str, crs) -> Path:
    import pyogrio.raw
    import shapely

    geoms = np.array([shapely.to_wkb(p) for p in polys], dtype=object)
    pyogrio.raw.write(str(path), geoms, [np.array([scene] * len(polys), dtype=object)], ["scene"],
                      layer="slicks", driver="GPKG", geometry_type="Polygon", crs=crs.to_string())
    return path


def dice(pred: Path, truth: Path, scene: Path) -> float:
    """Dice of class 1 over the mosaic's valid pixels (nodata = 0 in the mosaic)."""
    import rasterio
    from slick_backend.metrics import counts_from_arrays

    with rasterio.open(pred) as p, rasterio.open(truth) as t, rasterio.open(scene) as s:
        return round(counts_from_arrays(p.read(1) == 1, t.read(1) == 1, s.read(1) > 0).dice, 4)


def predict(model: str, scene: Path, out: Path, adapt_bn: bool = False, threshold: float | None = None) -> dict:
    from slick_backend.predict.api import PredictParams, run_predict
    from slick_backend.progress import NullProgress

    return run_predict(PredictParams(scene=str(scene), out_prefix=str(out), model=model, adapt_bn=adapt_bn,
                                     threshold=threshold, allow_other_mode=True), NullProgress())


def zero_shot(model: str, files: dict, work: Path) -> dict:
    from slick_backend.baseline import BaselineParams, run_baseline
    from slick_backend.progress import NullProgress

    rows = {}
    for sample, (scene, truth, _) in files.items():
        row = {}
        for key, adapt in (("zero_shot", False), ("zero_shot_adabn", True)):
            t0 = time.perf_counter()
            res = predict(model, scene, work / f"{key}_{sample}", adapt_bn=adapt)
            row[key] = dice(Path(res["mask"]), truth, scene)
            row[key + "_seconds"] = round(time.perf_counter() - t0, 1)
            row[key + "_slick_share"] = round(res["slick_pixels"] / max(res["valid_pixels"], 1), 4)
        res = run_baseline(BaselineParams(scene=str(scene), out_prefix=str(work / f"baseline_{sample}")), NullProgress())
        row["baseline"] = dice(Path(res["mask"]), truth, scene)
        rows[sample] = row
        print(f"  {sample}: " + ", ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    return rows


def few_shot(model: str, files: dict, work: Path) -> dict:
    """Leave one mosaic out: fine-tune on the other two (transfer and base), test on it."""
    from slick_backend.dataset.prepare import PrepareParams, run_prepare
    from slick_backend.models.catalog import resolve_model
    from slick_backend.models.modeldir import read_card
    from slick_backend.progress import NullProgress
    from slick_backend.train.api import TrainParams, run_train

    spec = read_card(resolve_model(model))["model"]
    rows = {}
    for test in files:
        train = [s for s in files if s != test]
        ds = work / f"loo_{test}" / "data"
        ds.parent.mkdir(parents=True)
        labels = _merge_labels([files[s][2] for s in train], ds.parent / "labels.gpkg")
        run_prepare(PrepareParams(scenes=[str(files[s][0]) for s in train], labels=str(labels), pixel_size=25,
                                  tile=int(spec["tile"]), split=[1.0, 0.0, 0.0], out_dir=str(ds)), NullProgress())
        row = {"train": train}
        base = {"init": "base", "arch": "deeplabv3", "backbone": spec["backbone"],
                "decoder": spec["options"].get("decoder", "aspp"), "light": spec["options"].get("decoder_channels") == 128,
                "allow_random_init": True, "models_dir": str(work / "no-base-weights")}
        arms = {"transfer": {"init": "transfer", "source": model},
                "transfer_adabn": {"init": "transfer", "source": model, "adapt_bn": True},  # train --adapt-bn
                "base": base}
        for arm, extra in arms.items():
            t0 = time.perf_counter()
            out = ds.parent / arm
            run_train(TrainParams(data=str(ds), out_dir=str(out), lr=None, **RECIPE, **extra), NullProgress())
            res = predict(str(out), files[test][0], ds.parent / f"pred_{arm}", threshold=0.5)
            row[arm] = dice(Path(res["mask"]), files[test][1], files[test][0])
            row[arm + "_seconds"] = round(time.perf_counter() - t0, 1)
            if arm == "transfer":  # the fine-tuned model, adapted to the unlabelled test mosaic (predict --adapt-bn)
                res = predict(str(out), files[test][0], ds.parent / f"pred_{arm}_scene", threshold=0.5, adapt_bn=True)
                row["transfer_predict_adabn"] = dice(Path(res["mask"]), files[test][1], files[test][0])
        rows[test] = row
        print(f"  test {test} (trained on {', '.join(train)}): " +
              ", ".join(f"{k} {row[k]}" for k in ("transfer", "transfer_adabn", "transfer_predict_adabn", "base")), flush=True)
    return rows


def _merge_labels(paths: list[Path], out: Path) -> Path:
    import pyogrio.raw

    geoms, scenes, crs = [], [], None
    for p in paths:
        meta, _, wkb, fields = pyogrio.raw.read(p, layer="slicks")
        crs = crs or meta["crs"]
        if meta["crs"] != crs:  # prepare reprojects labels per scene, but one file has one CRS
            return _merge_labels_reprojected(paths, out)
        geoms.extend(wkb)
        scenes.extend(fields[0])
    pyogrio.raw.write(str(out), np.array(geoms, dtype=object), [np.array(scenes, dtype=object)], ["scene"],
                      layer="slicks", driver="GPKG", geometry_type="Polygon", crs=crs)
    return out


def _merge_labels_reprojected(paths: list[Path], out: Path) -> Path:
    """Labels of mosaics in different UTM zones, written together in EPSG:4326."""
    import pyogrio.raw
    import shapely
    from pyproj import Transformer

    geoms, scenes = [], []
    for p in paths:
        meta, _, wkb, fields = pyogrio.raw.read(p, layer="slicks")
        to_ll = Transformer.from_crs(meta["crs"], 4326, always_xy=True)
        for g, s in zip(shapely.from_wkb(wkb), fields[0], strict=True):
            geoms.append(shapely.to_wkb(shapely.transform(g, lambda xy, t=to_ll: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))))
            scenes.append(s)
    pyogrio.raw.write(str(out), np.array(geoms, dtype=object), [np.array(scenes, dtype=object)], ["scene"],
                      layer="slicks", driver="GPKG", geometry_type="Polygon", crs="EPSG:4326")
    return out


def mean(rows: dict, key: str) -> float:
    return round(float(np.mean([r[key] for r in rows.values()])), 4)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="slick-s1-source", help="model dir or shipped name (default slick-s1-source)")
    ap.add_argument("--arctic", default=None, help="folder of sample_*/ (default ../shared/data/arctic_ew or $SLICK_ARCTIC_DIR)")
    ap.add_argument("--skip-fewshot", action="store_true", help="zero-shot only")
    ap.add_argument("--json", default=None, help="write every figure to this JSON file")
    args = ap.parse_args(argv)
    arctic = Path(args.arctic) if args.arctic else default_arctic()
    if not all((arctic / s / "raw_mosaic.tif").is_file() for s in SAMPLES):
        print(f"real mosaics not found in {arctic}: pass --arctic or set SLICK_ARCTIC_DIR", file=sys.stderr)
        return 2
    info = machine_info()
    print("machine:", json.dumps(info))
    result = {"machine": info, "model": args.model, "recipe": RECIPE}
    with tempfile.TemporaryDirectory(prefix="slick-sim2real-") as tmp:
        work = Path(tmp)
        (work / "no-base-weights").mkdir()
        files = {s: mosaic_files(arctic, s, work) for s in SAMPLES}
        print("zero-shot (Dice of the slick class on each real mosaic):", flush=True)
        result["zero_shot"] = zero_shot(args.model, files, work)
        summary = {k: mean(result["zero_shot"], k) for k in ("zero_shot", "zero_shot_adabn", "baseline")}
        if not args.skip_fewshot:
            print(f"few-shot leave-one-out (recipe {RECIPE}):", flush=True)
            result["few_shot"] = few_shot(args.model, files, work)
            summary.update({f"fewshot_{k}": mean(result["few_shot"], k)
                            for k in ("transfer", "transfer_adabn", "transfer_predict_adabn", "base")})
        result["mean"] = summary
    print("mean Dice over the three mosaics: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
