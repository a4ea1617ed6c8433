"""Use case ``pretrain-source``: a config -> the shipped source model, reproducibly.

Stages (each logged): simulate the config's scene sets and prepare each at the config's pixel
size and tile, every scene of a set in its role's split (stages.py; kept in the work dir and
reused while their part of the config and their code are unchanged) -> merge the sets into one
dataset (dataset.merge) -> realism of a few simulated train scenes against the real mosaics
(slick_backend.realism, measurement only) -> ``run_train`` on the union with the config's recipe, writing the best
weights so far to WORK/train/checkpoint after every improving epoch -> store the model (float16
when the config says so) and choose the decision threshold on the simulated validation scenes
with the stored weights -> card extras (recipe, simulation, realism, val_threshold_curve) and
README.md. ``out_dir`` is written atomically and refused when it exists unless ``overwrite``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..progress import Progress

STEPS = {"data": (0.0, 0.25), "train": (0.25, 0.9), "threshold": (0.9, 0.97)}


@dataclass
class PretrainSourceParams:
    config: str
    out_dir: str
    work: str | None = None  # default: out/pretrain-source/<OUT name> under the current dir (kept, reused)
    overwrite: bool = False
    command: str | None = None  # the command line, recorded in the card's recipe

    def work_dir(self) -> Path:
        if self.work:
            return Path(self.work)
        return Path("out") / "pretrain-source" / Path(self.out_dir).name  # never inside --out's folder (the package)

    def validate(self) -> None:
        from .config import load_source_config

        if not self.out_dir:
            raise InputError("--out is required: the model dir to write, e.g. backend/slick_backend/models/shipped/slick-s1-source")
        if Path(self.out_dir).exists() and not self.overwrite:
            raise InputError(f"{self.out_dir}: already exists; choose another --out or give --overwrite "
                             "(it is replaced only once the new model is complete)")
        work, out = self.work_dir().resolve(), Path(self.out_dir).resolve()
        if work == out or out in work.parents:
            raise InputError(f"{self.work_dir()}: the work dir must not be --out or inside it (--out is replaced whole)")
        cfg = load_source_config(self.config)
        if cfg.realism and cfg.realism["real"] and not Path(cfg.realism["real"]).is_dir():
            raise InputError(f"{self.config}: realism.real = {cfg.realism['real']} is not a folder; point it at the real "
                             "mosaics (e.g. shared/data/arctic_ew) or drop the [realism] table")


def run_pretrain_source(params: PretrainSourceParams, progress: Progress) -> dict:
    params.validate()
    from .config import load_source_config
    from .stages import build_datasets

    cfg = load_source_config(params.config)
    work = params.work_dir()
    work.mkdir(parents=True, exist_ok=True)
    progress.log(f"pretrain-source: config {cfg.path} (sha256 {cfg.sha256[:12]}), work dir {work}, out {params.out_dir}")
    progress.update(0.0, "simulating and preparing the scene sets")
    union, sims = build_datasets(cfg, work, progress.sub(*STEPS["data"]))
    progress.check()
    realism = realism_report(cfg, sims, progress)  # before training: a bad [realism] fails in minutes, not hours
    trained = _train(cfg, union, work, progress.sub(*STEPS["train"]))
    card = _write_model(params, cfg, trained, sims, realism, progress)
    progress.update(1.0, f"source model written to {params.out_dir}: threshold {card['threshold']}, "
                         f"val Dice {card['val_threshold_dice']}")
    return {"model_dir": str(Path(params.out_dir).resolve()), "work": str(work.resolve()), "threshold": card["threshold"],
            "val_dice": card["val_threshold_dice"], "best_epoch": card["best_epoch"],
            "weights_dtype": card["weights_dtype"], "weights_sha256": card["weights_sha256"]}


def _train(cfg, union: Path, work: Path, progress: Progress) -> Path:
    """run_train on the union with the config's recipe; returns the (float32) model dir in the work dir."""
    from ..train.api import TrainParams, run_train

    out, checkpoint = work / "train" / "model", work / "train" / "checkpoint"
    t = dict(cfg.training)
    extra = {"models_dir": None, "allow_random_init": False}
    if cfg.model["init"] == "random":  # an empty models dir: random weights even where ImageNet ones are installed
        empty = work / "train" / "no-base-weights"
        empty.mkdir(parents=True, exist_ok=True)
        extra = {"models_dir": str(empty), "allow_random_init": True}
    params = TrainParams(data=str(union), out_dir=str(out), init="base", name=cfg.model["name"], checkpoint=str(checkpoint),
                         overwrite=True, **cfg.train_options(), **extra, **t)
    progress.log(f"training {params.arch} {params.backbone} (decoder {params.decoder}, light {params.light}) from "
                 f"{cfg.model['init']} weights: {t['epochs']} epochs, lr {t['lr']}; best weights so far in {checkpoint}")
    run_train(params, progress)
    return out


def realism_report(cfg, sims: list[dict], progress: Progress) -> dict:
    """Realism of a few simulated training scenes against the real mosaics (slick_backend.realism),
    or a note saying why it was skipped."""
    if not cfg.realism or not cfg.realism.get("real"):
        return {"skipped": True, "note": "no [realism] table in the config"}
    try:
        from ..realism.compare import compare_for_card
    except ImportError as exc:
        return {"skipped": True, "note": f"slick_backend.realism is not available in this backend ({exc})"}
    sim_dirs = [s["dir"] for s in sims if s["split"] == "train"]
    progress.log(f"realism: the first {cfg.realism['scenes']} scene(s) of each train set against {cfg.realism['real']}")
    report = compare_for_card(sim_dirs, cfg.realism["real"], max_scenes=cfg.realism["scenes"],
                              pixel_m=float(cfg.data["pixel_size"]), progress=progress.sub(0.25, 0.25))
    progress.log("realism: " + str(report.get("summary", "measured")))
    return report


def _write_model(params: PretrainSourceParams, cfg, trained: Path, sims: list[dict], realism: dict,
                 progress: Progress) -> dict:
    from ..atomic import atomic_dir
    from ..devices import resolve_device
    from ..models.modeldir import load_model_dir, save_model_dir, write_card
    from .card import render_readme, threshold_curve

    model = load_model_dir(trained)
    card = {k: v for k, v in model.card.items() if k not in ("weights_sha256", "weights_dtype", "created")}
    card.update({
        "name": cfg.model["name"], "title": cfg.model["title"],
        "recipe": {"command": params.command, "config_file": str(Path(cfg.path).resolve()), "config_sha256": cfg.sha256,
                   "config": cfg.raw, "work": str(params.work_dir().resolve())},
        "simulation": [{k: s[k] for k in ("name", "split", "mode", "product", "scenes", "seed", "size", "georef",
                                          "stretch_domain", "manifest_sha256", "dataset_manifest_sha256")} for s in sims],
        "realism": realism,
    })
    import torch

    device = torch.device(resolve_device(str(cfg.training.get("device", "auto"))))
    progress.update(STEPS["threshold"][0], "choosing the threshold on the simulated validation scenes")
    Path(params.out_dir).parent.mkdir(parents=True, exist_ok=True)
    with atomic_dir(params.out_dir, overwrite=params.overwrite) as tmp:
        card = save_model_dir(tmp, model.module, card, half=bool(cfg.model["fp16"]))
        stored = load_model_dir(tmp, str(device))  # the weights as users will load them (float16 -> float32)
        threshold, curve = threshold_curve(stored.module, Path(card["dataset"]["path"]), cfg.thresholds(), device,
                                           int(cfg.training["batch_size"]), progress.sub(*STEPS["threshold"]))
        best = next(r for r in curve if r["threshold"] == threshold)
        card.update({"threshold": threshold, "threshold_source": "highest pooled Dice on the simulated val scenes",
                     "val_threshold_dice": best["dice"], "val_threshold_curve": curve})
        write_card(tmp, card)
        (tmp / "README.md").write_text(render_readme(card))
        progress.check()
    progress.log(f"threshold {threshold}: pooled val Dice {best['dice']} (at 0.5: "
                 f"{next((r['dice'] for r in curve if abs(r['threshold'] - 0.5) < 1e-9), 'n/a')})")
    return card
