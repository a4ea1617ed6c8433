"""`slick-backend demo`: the whole workflow on embedded synthetic data, on a CPU in minutes.

simulate EW scenes (the target domain) -> realism picture beside the real Arctic mosaics ->
prepare a tiled dataset -> the shipped source model "Slick Sentinel-1 source" (trained only on
simulated scenes) zero-shot on the real Arctic mosaics -> the transfer experiment (fine-tune on
N = 2 and 8 EW scenes from the shipped model and, with the same recipe, from random weights,
bootstrap draws, evaluate on EW test scenes) with its report -> predict a held-out EW scene with
a transfer model and with the classic baseline, score both against the labels -> summary.

Every step goes through the same use cases (and parameter objects) as the CLI and the server.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from .atomic import write_text_atomic
from .errors import InputError
from .jobs import run_job
from .progress import Progress

SOURCE_MODEL = "slick-s1-source"
SETTINGS = {
    "ew": {"scenes": 16, "seed": 12, "size": 512},
    "pixel_size": 25,
    "tile": 128,
    "n_values": [2, 8],
    "draws": 2,
}
QUICK = {"ew": {"scenes": 8, "seed": 12, "size": 256},
         "n_values": [2], "draws": 1,
         # a look at the machinery in about a minute: too short for the models to learn much
         "overrides": ["training.epochs=2", "training.tiles_per_epoch=16", "training.val_tiles=16"]}


def _scenes(folder: Path) -> list[str]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return [str(folder / s["file"]) for s in manifest["scenes"]]


@dataclasses.dataclass
class DemoParams:
    out_dir: str = "out/demo"
    quick: bool = False  # a smaller run (for tests and a first look)
    seed: int = 0  # shifts the simulation and experiment seeds: the README's ranges come from several
    overwrite: bool = True

    def validate(self) -> None:
        out = Path(self.out_dir)
        if out.exists() and not out.is_dir():
            raise InputError(f"{out} exists and is not a directory: choose another --out")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"--seed {self.seed!r}: give a whole number >= 0")
        from .models.catalog import resolve_model

        resolve_model(SOURCE_MODEL, "the demo's source model")


def run_demo(params: DemoParams, progress: Progress) -> dict:
    params.validate()
    cfg = {**SETTINGS, **(QUICK if params.quick else {})}
    cfg["ew"] = {**cfg["ew"], "seed": cfg["ew"]["seed"] + 1000 * params.seed}
    out = Path(params.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    summary: dict = {"settings": cfg, "seed": params.seed, "source_model": SOURCE_MODEL}

    def step(name: str, start: float, end: float, message: str):
        progress.update(start, message)
        progress.check()
        timings[name] = time.monotonic()
        return progress.sub(start, end)

    def done(name: str) -> None:
        timings[name] = round(time.monotonic() - timings[name], 1)
        progress.log(f"  {name}: {timings[name]} s")

    # 1. synthetic EW scenes (the target domain)
    sub = step("simulate", 0.02, 0.08, "simulating EW scenes")
    sim = out / "simulated" / "EW"
    run_job("simulate", sub, out_dir=str(sim), mode="EW", overwrite=True, **cfg["ew"])
    done("simulate")

    # 2. the realism picture
    step("figure", 0.08, 0.1, "drawing simulated tiles beside the real Arctic mosaics")
    from .simulate.figure import make_comparison_figure

    make_comparison_figure(out / "realism.png", seed=params.seed)
    done("figure")

    # 3. tiled dataset
    sub = step("prepare", 0.1, 0.16, "preparing the EW dataset")
    data = out / "datasets" / f"ew_{cfg['tile']}_{cfg['pixel_size']}"
    result = run_job("prepare", sub, scenes=_scenes(sim), labels=str(sim / "labels.gpkg"), pixel_size=cfg["pixel_size"],
                     tile=cfg["tile"], out_dir=str(data), overwrite=True)
    summary["dataset_ew"] = {k: v for k, v in result.items() if not isinstance(v, (list, dict))}
    done("prepare")

    # 4. the shipped source model, zero-shot, on the real Arctic mosaics (measured, never trained on)
    step("real_zero_shot", 0.16, 0.26, "the shipped source model on the real Arctic mosaics (zero-shot)")
    summary["real_zero_shot"] = _real_zero_shot(out / "real_zero_shot", progress.sub(0.16, 0.26))
    done("real_zero_shot")

    # 5. the transfer experiment (shipped source vs random weights, same recipe) and its report
    sub = step("experiment", 0.26, 0.88, "transfer experiment: base vs transfer at N = "
               + ", ".join(map(str, cfg["n_values"])))
    config = Path(__file__).resolve().parents[2] / "configs" / "experiment-small.toml"
    exp_out = out / "experiment"
    overrides = [
        f"formats.0.data={data.resolve()}",
        f"experiment.n_values={json.dumps(cfg['n_values'])}",
        f"experiment.draws={cfg['draws']}",
        f"experiment.seed={params.seed}",
        "experiment.keep_models=true",
        *cfg.get("overrides", []),
    ]
    exp = run_job("experiment", sub, config=str(config), out_dir=str(exp_out), overrides=overrides)
    summary["experiment"] = exp
    done("experiment")

    # 6. predict a held-out EW scene with a transfer model, and the classic baseline
    step("predict", 0.88, 0.97, "predicting a held-out EW scene (model and classic baseline)")
    summary["prediction"] = _predict_and_score(out, data, exp_out, progress.sub(0.88, 0.97))
    done("predict")

    summary["timings_s"] = timings
    write_text_atomic(out / "summary.json", json.dumps(summary, indent=2, default=str))
    write_text_atomic(out / "summary.txt", _summary_text(summary, out))
    progress.update(1.0, f"demo finished: see {out / 'summary.txt'}")
    return {"out": str(out), "summary": str(out / "summary.txt"), "report": summary["experiment"].get("report")}


def _real_zero_shot(folder: Path, progress: Progress) -> dict:
    """Dice of the shipped source model on each real Arctic mosaic (and of the classic baseline)."""
    import numpy as np
    import rasterio

    from .metrics import counts_from_arrays
    from .simulate.figure import REAL_SAMPLES, default_arctic_dir

    arctic = default_arctic_dir()
    if not all((arctic / s / "raw_mosaic.tif").is_file() for s, _ in REAL_SAMPLES):
        return {"skipped": f"real mosaics not found in {arctic} (set SLICK_ARCTIC_DIR)"}
    folder.mkdir(parents=True, exist_ok=True)
    rows = {}
    for i, (sample, _site) in enumerate(REAL_SAMPLES):
        sub = progress.sub(i / len(REAL_SAMPLES), (i + 1) / len(REAL_SAMPLES))
        scene = arctic / sample / "raw_mosaic.tif"
        pred = run_job("predict", sub.sub(0, 0.4), model=SOURCE_MODEL, scene=str(scene), out_prefix=str(folder / sample),
                       allow_other_mode=True, overwrite=True)  # the demo's own folder: a rerun replaces it
        adapted = run_job("predict", sub.sub(0.4, 0.7), model=SOURCE_MODEL, scene=str(scene), adapt_bn=True,
                          out_prefix=str(folder / f"{sample}_adapted"), allow_other_mode=True, overwrite=True)
        base = run_job("baseline", sub.sub(0.7, 1.0), scene=str(scene), out_prefix=str(folder / f"{sample}_baseline"),
                       overwrite=True)
        with rasterio.open(scene) as src:
            valid = src.read(1) > 0
        with rasterio.open(arctic / sample / "labels_mosaic.png") as src:
            truth = src.read(1) == 1
        row = {}
        for key, mask in (("dice_model", pred["mask"]), ("dice_model_adapted", adapted["mask"]),
                          ("dice_baseline", base["mask"])):
            with rasterio.open(mask) as src:
                row[key] = round(counts_from_arrays(src.read(1) == 1, truth, valid).dice, 4)
        rows[sample] = row
    rows["mean"] = {k: round(float(np.mean([r[k] for r in rows.values()])), 4) for k in ("dice_model", "dice_model_adapted", "dice_baseline")}
    return rows


def _predict_and_score(out: Path, ew_data: Path, exp_out: Path, progress: Progress) -> dict:
    from .dataset.reader import load_manifest
    from .metrics import dice_from_rasters as dice_rasters
    from .truth import rasterise_labels_like

    manifest = load_manifest(ew_data)
    test = [s for s in manifest["scenes"] if s["split"] == "test"]
    if not test:
        raise InputError(f"{ew_data}: the demo dataset has no test scene; simulate more EW scenes")
    scene = max(test, key=lambda s: s.get("slick_pixels", 0))
    model = _best_transfer_model(exp_out)
    pred_dir = out / "prediction"
    pred_dir.mkdir(exist_ok=True)
    prefix = pred_dir / scene["id"]
    result = {"scene": scene["id"], "model": str(model)}
    result["model_outputs"] = run_job("predict", progress.sub(0, 0.6), model=str(model), scene=scene["source"],
                                   out_prefix=str(prefix), overwrite=True)
    result["baseline_outputs"] = run_job("baseline", progress.sub(0.6, 0.9), scene=scene["source"],
                                      out_prefix=str(pred_dir / f"{scene['id']}_baseline"), overwrite=True)
    labels = Path(scene["source"]).parent / "labels.gpkg"
    truth = pred_dir / f"{scene['id']}_truth.tif"
    rasterise_labels_like(labels, f"{prefix}_mask.tif", truth, scene=scene["id"])
    result["dice_model"] = round(dice_rasters(f"{prefix}_mask.tif", truth), 4)
    result["dice_baseline"] = round(dice_rasters(pred_dir / f"{scene['id']}_baseline_mask.tif", truth), 4)
    return result


def _best_transfer_model(exp_out: Path) -> Path:
    """The transfer model of the largest N (first draw) the experiment kept."""
    cards = sorted(exp_out.rglob("model.json"))
    best, best_n = None, -1
    for card_path in cards:
        card = json.loads(card_path.read_text())
        n = len(card.get("train_scenes") or [])
        if card.get("init") == "transfer" and n > best_n:
            best, best_n = card_path.parent, n
    if best is None:
        raise InputError(f"{exp_out}: the experiment kept no transfer model to predict with")
    return best


def _summary_text(summary: dict, out: Path) -> str:
    lines = ["Slick demo summary", "==================", ""]
    d = summary.get("dataset_ew", {})
    lines.append("EW dataset: " + ", ".join(f"{k}={v}" for k, v in d.items()))
    real = summary.get("real_zero_shot", {})
    lines += ["", f"Shipped source model {summary.get('source_model')}, zero-shot on the real Arctic EW mosaics "
              "(Dice: as shipped / adapted to each mosaic without labels (AdaBN) / classic baseline):"]
    if "skipped" in real:
        lines.append(f"  skipped: {real['skipped']}")
    else:
        lines += [f"  {k}: {v['dice_model']} / {v['dice_model_adapted']} / {v['dice_baseline']}" for k, v in real.items()]
    exp = summary.get("experiment", {})
    lines += ["", "Transfer experiment (Dice on simulated EW test scenes):"]
    lines += ["  " + line for line in str(exp.get("table2_text", "")).splitlines()]
    lines += ["", "  per N (mean of the draws):"]
    lines += ["  " + line for line in str(exp.get("by_n_text", "")).splitlines()]
    lines.append(f"  report: {exp.get('report')}")
    pred = summary.get("prediction", {})
    lines += ["", f"Held-out scene {pred.get('scene')}: Dice model {pred.get('dice_model')}, "
              f"classic baseline {pred.get('dice_baseline')}"]
    lines += ["", "Timings (s): " + ", ".join(f"{k} {v}" for k, v in summary.get("timings_s", {}).items()),
              "", f"Realism picture: {out / 'realism.png'}"]
    return "\n".join(lines) + "\n"
