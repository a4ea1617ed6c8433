"""Use cases ``train`` (dataset dir -> model dir) and ``prepare-train`` (scenes -> dataset -> model).

Base init loads ImageNet / Meta SAM weights from the local models dir (verified), or stops
with a clear message unless ``allow_random_init``; transfer init loads a source model dir
(checksum verified) shape-compatibly. The model dir is written atomically: a cancelled or
failed run leaves nothing, and an existing dir at ``out`` is only replaced with ``overwrite``.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

log = logging.getLogger(__name__)

ARCHS = ("deeplabv3", "samlora", "samsvd")
INITS = ("base", "transfer")
LOSSES = ("dice_ce", "focal_tversky", "ce_dice_20_80")
DEVICES = ("auto", "cpu", "cuda")


@dataclass
class TrainParams:
    data: str
    out: str
    arch: str = "deeplabv3"
    backbone: str | None = None  # default per arch: resnet50 / vit_b
    init: str = "base"
    source: str | None = None  # --from MODEL_DIR for init=transfer
    train_scenes: int | None = None  # draw N scenes of the train split (seeded); None = all
    seed: int = 0
    epochs: int = 100
    lr: float | None = None  # None -> learning-rate range test
    batch_size: int = 8
    loss: str = "dice_ce"
    synthesis: bool = False
    augment: bool = True
    device: str = "auto"
    allow_random_init: bool = False
    models_dir: str | None = None
    light: bool = False  # DeepLabv3: 128 ASPP channels (output stride stays 8: thin slicks need it)
    rank: int = 4  # SamLoRA rank
    tiles_per_epoch: int | None = None  # at most this many (seeded) tiles per epoch; None = all
    slick_tile_share: float | None = None  # e.g. 0.5: tiles with slick drawn first, as half of an epoch
    val_tiles: int | None = None  # validate on a fixed seeded subset of this many val tiles; None = all
    patience: int = 5
    min_delta: float = 0.001
    name: str | None = None
    overwrite: bool = False

    def validate(self) -> None:
        if not (Path(self.data) / "manifest.json").is_file():
            raise InputError(f"{self.data}: no manifest.json; give a dataset dir written by `slick-backend prepare` (--data)")
        if self.arch not in ARCHS:
            raise InputError(f"--arch {self.arch}: unknown; use one of {', '.join(ARCHS)}")
        if self.init not in INITS:
            raise InputError(f"--init {self.init}: unknown; use base or transfer")
        if self.init == "transfer" and not self.source:
            raise InputError("--init transfer needs --from MODEL_DIR (a model trained on the source domain)")
        if self.init == "base" and self.source:
            raise InputError("--from is only used with --init transfer; add --init transfer or drop --from")
        if self.loss not in LOSSES:
            raise InputError(f"--loss {self.loss}: unknown; use one of {', '.join(LOSSES)}")
        if self.device not in DEVICES and not str(self.device).startswith("cuda:"):
            raise InputError(f"--device {self.device}: use auto, cpu or cuda")
        for name, value, lo in (("--epochs", self.epochs, 1), ("--batch-size", self.batch_size, 1), ("--rank", self.rank, 1),
                                ("--patience", self.patience, 1)):
            if int(value) < lo:
                raise InputError(f"{name} {value}: must be at least {lo}")
        if self.tiles_per_epoch is not None and int(self.tiles_per_epoch) < 1:
            raise InputError(f"--tiles-per-epoch {self.tiles_per_epoch}: must be at least 1")
        if self.val_tiles is not None and int(self.val_tiles) < 1:
            raise InputError(f"--val-tiles {self.val_tiles}: must be at least 1")
        if self.slick_tile_share is not None and not 0 < float(self.slick_tile_share) < 1:
            raise InputError(f"--slick-tile-share {self.slick_tile_share}: must be between 0 and 1 (e.g. 0.5)")
        if self.lr is not None and not 0 < float(self.lr) < 1:
            raise InputError(f"--lr {self.lr}: must be between 0 and 1 (e.g. 3e-4)")
        out = Path(self.out)
        if out.exists() and not self.overwrite:
            raise InputError(f"{out}: already exists; choose another --out or give --overwrite (it is replaced only once the new model is complete)")
        if out.resolve() == Path(self.data).resolve() or (self.source and out.resolve() == Path(self.source).resolve()):
            raise InputError(f"{out}: --out must differ from --data and --from")


def _seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def build_initial_model(p: TrainParams, tile: int, progress) -> tuple[object, dict]:
    """The module to train and the init part of the card."""
    from ..models import registry, weights
    from ..models.modeldir import load_state, read_card

    spec = registry.normalise_spec(p.arch, p.backbone, tile,
                                   {"rank": p.rank} if p.arch == "samlora" else
                                   ({"decoder_channels": 128} if p.light else {}))
    info = {"init": p.init, "base_weights": None, "source_model": None, "random_init": False,
            "allow_random_init": bool(p.allow_random_init)}
    if p.init == "transfer":
        src_card, src_state = load_state(p.source, read_card(p.source))
        module = registry.build_from_spec(spec)
        summary = registry.load_transfer(module, src_card, src_state)
        progress.log(f"transfer from {p.source}: {summary['loaded']}/{summary['total']} tensors loaded"
                     + (f", skipped {', '.join(summary['skipped'])}" if summary["skipped"] else ""))
        info["source_model"] = {"path": str(Path(p.source).resolve()), "name": src_card.get("name"),
                                "sha256": src_card.get("weights_sha256"), "skipped": summary["skipped"]}
        return module, {**info, "model": spec}
    directory = weights.models_dir(p.models_dir)
    name = weights.base_weight_name(spec["arch"], spec["backbone"])
    meta = weights.find_base(name, directory)
    if meta is None:
        if not p.allow_random_init:
            what = f"'{name}' in {directory}" if name else f"(none exist for {spec['backbone']})"
            hint = f"run `slick-backend weights download {name}`, or " if name else ""
            raise InputError(f"no pretrained base weights {what}; {hint}give --allow-random-init to train from random weights")
        progress.log(f"no base weights for {spec['backbone']}: training from random init (--allow-random-init)")
        info["random_init"] = True
        return registry.build_from_spec(spec), {**info, "model": spec}
    module = registry.build_from_spec(spec, weights.load_base_state(meta))
    info["base_weights"] = {"name": name, "file": meta["path"], "sha256": meta["sha256"]}
    return module, {**info, "model": spec}


def run_train(params: TrainParams, progress) -> dict:
    params.validate()
    from ..atomic import atomic_dir
    from ..dataset.reader import load_manifest, manifest_sha256
    from ..models.modeldir import save_model_dir
    from ..models.registry import count_params
    from .data import dataset_info, load_tiles, scenes_of_split, select_scenes
    from .loop import LoopConfig, fit

    manifest = load_manifest(params.data)
    train_ids = select_scenes(manifest, "train", params.train_scenes, params.seed)
    if not train_ids:
        raise InputError(f"{params.data}: the dataset has no scene in its train split; prepare it with training scenes")
    val_ids = scenes_of_split(manifest, "val")
    progress.update(0.0, f"reading tiles of {len(train_ids)} training and {len(val_ids)} validation scenes")
    train = load_tiles(params.data, manifest, train_ids, progress.sub(0.0, 0.03))
    val = load_tiles(params.data, manifest, val_ids)
    if params.val_tiles and len(val) > params.val_tiles:
        import numpy as np

        keep = np.sort(np.random.default_rng(params.seed).choice(len(val), params.val_tiles, replace=False))
        val = type(val)(val.images[keep], val.masks[keep], [val.tiles[i] for i in keep])
    if len(train) == 0:
        raise InputError(f"{params.data}: the chosen training scenes have no tiles; check the dataset")
    if not len(val):
        progress.log("no validation scenes: early stopping watches the training loss")
    tile = int(train.images.shape[-1])
    _seed_everything(params.seed)
    module, init_info = build_initial_model(params, tile, progress)
    trainable, total = count_params(module)
    progress.log(f"{init_info['model']['arch']} {init_info['model']['backbone']} at {tile} px: "
                 f"{trainable:,} trainable of {total:,} parameters; {len(train)} train / {len(val)} val tiles")
    cfg = LoopConfig(epochs=params.epochs, lr=params.lr, batch_size=params.batch_size, patience=params.patience,
                     min_delta=params.min_delta, seed=params.seed, device=params.device, augment=params.augment,
                     synthesis=params.synthesis, loss=params.loss, tiles_per_epoch=params.tiles_per_epoch,
                     slick_tile_share=params.slick_tile_share)
    result = fit(module, train, val, cfg, progress.sub(0.03, 0.97))
    progress.check()
    info = dataset_info(manifest, train_ids)
    pixel = manifest.get("params", {}).get("pixel_size")
    card = {
        "format": "slick-model", "version": 1,
        "name": params.name or Path(params.out).name,
        "arch": init_info["model"]["arch"], "backbone": init_info["model"]["backbone"], "model": init_info["model"],
        "tile": tile, "pixel_size": pixel, "bands": 1,
        "modes": info["modes"], "polarisations": info["polarisations"], "preprocessing": info["preprocessing"],
        "normalisation": _normalisation(init_info["model"]["arch"]),
        "output": "sigmoid probability of the slick class, 1 channel", "threshold": 0.5,
        **{k: init_info[k] for k in ("init", "base_weights", "source_model", "allow_random_init", "random_init")},
        "dataset": {"path": str(Path(params.data).resolve()), "manifest_sha256": manifest_sha256(params.data)},
        "train_scenes": train_ids, "val_scenes": val_ids, "seed": params.seed, "epochs": params.epochs,
        "epochs_run": result["epochs_run"], "best_epoch": result["best_epoch"], "lr": result["lr"],
        "lr_from_range_test": params.lr is None, "batch_size": result["batch_size"], "loss": result["loss"],
        "augment": params.augment, "synthesis": params.synthesis, "tiles_per_epoch": params.tiles_per_epoch,
        "slick_tile_share": params.slick_tile_share, "val_tiles": len(val), "val_metrics": result["val_metrics"],
        "history": result["history"], "trainable_params": trainable, "total_params": total,
        "train_seconds": result["seconds"], "device": result["device"],
    }
    progress.update(0.98, f"writing {params.out}")
    with atomic_dir(params.out, overwrite=params.overwrite) as tmp:
        card = save_model_dir(tmp, module, card)
        progress.check()  # a cancel now still leaves the old state untouched
    progress.update(1.0, f"model written to {params.out}")
    return {"model_dir": str(Path(params.out).resolve()), "best_epoch": result["best_epoch"],
            "epochs_run": result["epochs_run"], "val_loss": result["val_metrics"]["loss"],
            "val_dice": result["val_metrics"]["dice"], "train_scenes": train_ids, "seconds": result["seconds"],
            "weights_sha256": card["weights_sha256"]}


def _normalisation(arch: str) -> dict:
    if arch == "deeplabv3":
        from ..models.deeplab import GREY_MEAN, GREY_STD

        return {"kind": "grey ImageNet mean/std on 0..255", "mean": GREY_MEAN, "std": GREY_STD}
    from ..models.sam_common import PIXEL_MEAN, PIXEL_STD

    return {"kind": "band repeated to RGB, SAM pixel mean/std on 0..255", "mean": list(PIXEL_MEAN), "std": list(PIXEL_STD)}


@dataclass
class PrepareTrainParams:
    """One job for the plugin's Train button: prepare a dataset, then train on it.

    ``prepare`` holds PrepareParams fields (slick_backend.dataset.prepare), ``train`` the
    TrainParams fields except ``data`` (the prepared dataset dir is used).
    """

    prepare: dict = field(default_factory=dict)
    train: dict = field(default_factory=dict)

    def _build(self):
        from ..dataset.prepare import PrepareParams

        names = {f.name for f in dataclasses.fields(PrepareParams)}
        bad = sorted(set(self.prepare) - names)
        if bad:
            raise InputError(f"prepare: unknown field(s) {', '.join(bad)}; allowed: {', '.join(sorted(names))}")
        tnames = {f.name for f in dataclasses.fields(TrainParams)} - {"data"}
        bad = sorted(set(self.train) - tnames)
        if bad:
            raise InputError(f"train: unknown field(s) {', '.join(bad)}; allowed: {', '.join(sorted(tnames))}")
        try:
            return PrepareParams(**self.prepare), self.train
        except TypeError as exc:
            raise InputError(f"prepare: {exc}") from None

    def validate(self) -> None:
        prep, train = self._build()
        prep.validate()
        if "out" not in train:
            raise InputError("train: 'out' (the model dir to write) is required")
        if Path(train["out"]).exists() and not train.get("overwrite"):
            raise InputError(f"{train['out']}: already exists; choose another model dir or set overwrite")


def run_prepare_train(params: PrepareTrainParams, progress) -> dict:
    from ..dataset.prepare import run_prepare

    params.validate()
    prep, train = params._build()
    prepared = run_prepare(prep, progress.sub(0.0, 0.3))
    result = run_train(TrainParams(data=prep.out, **train), progress.sub(0.3, 1.0))
    return {"dataset_dir": str(Path(prep.out).resolve()), "prepare": prepared, **result}
