"""`slick-backend demo`: the whole workflow on embedded synthetic data, on a CPU in minutes.

simulate IW (source domain) and EW (target domain) scenes -> realism picture beside the real
Arctic mosaics -> prepare tiled datasets -> the transfer experiment (pretrain on IW; fine-tune
on N = 2 and 8 EW scenes from base and from the IW model, bootstrap draws, evaluate on EW test
scenes) with its report -> predict a held-out EW scene with a transfer model and with the
classic baseline, score both against the labels -> summary.

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

# Sizes chosen so the whole demo fits in about 15 minutes on 2 CPU cores (13 min 37 s to 15 min 21 s measured).
SETTINGS = {
    "iw": {"scenes": 8, "seed": 11, "size": 2048},  # the source domain: enough slick for pretraining
    "ew": {"scenes": 16, "seed": 12, "size": 512},
    "pixel_size": 25,
    "tile": 128,
    "n_values": [2, 8],
    "draws": 2,
}
QUICK = {"iw": {"scenes": 4, "seed": 11, "size": 512}, "ew": {"scenes": 8, "seed": 12, "size": 256},
         "n_values": [2], "draws": 1,
         # a look at the machinery in about a minute: too short for the models to learn
         "overrides": ["training.epochs=2", "training.tiles_per_epoch=16", "training.val_tiles=16",
                      "pretrain.epochs=2", "pretrain.tiles_per_epoch=16"]}


def _scenes(folder: Path) -> list[str]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return [str(folder / s["file"]) for s in manifest["scenes"]]


@dataclasses.dataclass
class DemoParams:
    out: str = "out/demo"
    quick: bool = False  # a smaller run (for tests and a first look)
    overwrite: bool = True

    def validate(self) -> None:
        out = Path(self.out)
        if out.exists() and not out.is_dir():
            raise InputError(f"{out} exists and is not a directory: choose another --out")


def run_demo(params: DemoParams, progress: Progress) -> dict:
    cfg = {**SETTINGS, **(QUICK if params.quick else {})}
    out = Path(params.out)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    summary: dict = {"settings": cfg}

    def step(name: str, start: float, end: float, message: str):
        progress.update(start, message)
        progress.check()
        timings[name] = time.monotonic()
        return progress.sub(start, end)

    def done(name: str) -> None:
        timings[name] = round(time.monotonic() - timings[name], 1)
        progress.log(f"  {name}: {timings[name]} s")

    # 1. synthetic scenes: IW source domain, EW target domain
    sim = {}
    for i, mode in enumerate(("iw", "ew")):
        sub = step(f"simulate_{mode}", 0.02 + 0.04 * i, 0.06 + 0.04 * i, f"simulating {mode.upper()} scenes")
        sim[mode] = out / "simulated" / mode.upper()
        run_job("simulate", sub, out=str(sim[mode]), mode=mode.upper(), overwrite=True, **cfg[mode])
        done(f"simulate_{mode}")

    # 2. the realism picture
    step("figure", 0.10, 0.12, "drawing simulated tiles beside the real Arctic mosaics")
    from .simulate.figure import make_comparison_figure

    make_comparison_figure(out / "realism.png")
    done("figure")

    # 3. tiled datasets
    data = {}
    for i, mode in enumerate(("iw", "ew")):
        sub = step(f"prepare_{mode}", 0.12 + 0.04 * i, 0.16 + 0.04 * i, f"preparing the {mode.upper()} dataset")
        data[mode] = out / "datasets" / f"{mode}_{cfg['tile']}_{cfg['pixel_size']}"
        result = run_job("prepare", sub, scenes=_scenes(sim[mode]), labels=str(sim[mode] / "labels.gpkg"),
                      pixel_size=cfg["pixel_size"], tile=cfg["tile"], out=str(data[mode]), overwrite=True)
        summary[f"dataset_{mode}"] = {k: v for k, v in result.items() if not isinstance(v, (list, dict))}
        done(f"prepare_{mode}")

    # 4. the transfer experiment (pretrains the IW source model itself) and its report
    sub = step("experiment", 0.20, 0.85, "transfer experiment: base vs transfer at N = "
               + ", ".join(map(str, cfg["n_values"])))
    config = Path(__file__).resolve().parents[2] / "configs" / "experiment-small.toml"
    exp_out = out / "experiment"
    overrides = [
        f"formats.0.data={data['ew'].resolve()}",
        f"formats.0.source_data={data['iw'].resolve()}",
        f"experiment.n_values={json.dumps(cfg['n_values'])}",
        f"experiment.draws={cfg['draws']}",
        "experiment.keep_models=true",
        *cfg.get("overrides", []),
    ]
    exp = run_job("experiment", sub, config=str(config), out=str(exp_out), overrides=overrides)
    summary["experiment"] = exp
    done("experiment")

    # 5. predict a held-out EW scene with a transfer model, and the classic baseline
    step("predict", 0.85, 0.97, "predicting a held-out EW scene (model and classic baseline)")
    summary["prediction"] = _predict_and_score(out, data["ew"], exp_out, progress.sub(0.85, 0.97))
    done("predict")

    summary["timings_s"] = timings
    write_text_atomic(out / "summary.json", json.dumps(summary, indent=2, default=str))
    write_text_atomic(out / "summary.txt", _summary_text(summary, out))
    progress.update(1.0, f"demo finished: see {out / 'summary.txt'}")
    return {"out": str(out), "summary": str(out / "summary.txt"), "report": summary["experiment"].get("report")}


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
                                   out=str(prefix))
    result["baseline_outputs"] = run_job("baseline", progress.sub(0.6, 0.9), scene=scene["source"],
                                      out=str(pred_dir / f"{scene['id']}_baseline"))
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
    for mode in ("iw", "ew"):
        d = summary.get(f"dataset_{mode}", {})
        lines.append(f"{mode.upper()} dataset: " + ", ".join(f"{k}={v}" for k, v in d.items()))
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
