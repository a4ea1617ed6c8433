"""Use cases ``train`` (dataset dir -> model dir) and ``prepare-train`` (scenes -> dataset -> model).

Base init loads ImageNet / Meta SAM weights from the local models dir (verified), or stops
with a clear message unless ``allow_random_init``; transfer init loads a source model dir
(checksum verified) shape-compatibly. The model dir is written atomically: a cancelled or
failed run leaves nothing, and an existing dir at ``out_dir`` is only replaced with ``overwrite``.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

from ..devices import is_device_name
from ..errors import InputError
from ..models.names import ARCHS

log = logging.getLogger(__name__)

AUGMENT_PRESETS = ("standard", "sim2real")
DECODERS = ("aspp", "plus")
INITS = ("base", "transfer")
ADAPT_TILES = 256  # tiles spread over the dataset for adapt_bn: enough for stable statistics
LOSSES = ("dice_ce", "focal_tversky", "ce_dice_20_80")


@dataclass
class TrainParams:
    data: str
    out_dir: str
    arch: str | None = None  # base: deeplabv3 when not given; transfer: the source's (a different one is an error)
    backbone: str | None = None  # base: per arch, resnet50 / vit_b; transfer: the source's
    init: str = "base"
    source: str | None = None  # --from: a model dir or a shipped name; transfer without it: slick-s1-source
    train_scenes: int | None = None  # draw N scenes of the train split (seeded); None = all
    seed: int = 0
    epochs: int = 100
    lr: float | None = None  # None -> learning-rate range test
    batch_size: int = 8
    loss: str = "dice_ce"
    synthesis: bool = False
    augment: bool = True
    augment_preset: str = "standard"  # "sim2real": wider photometric changes, gamma, blur, grain (train/augment.py)
    device: str = "auto"
    allow_random_init: bool = False
    models_dir: str | None = None
    light: bool = False  # DeepLabv3: 128 decoder channels (output stride stays the decoder's: 8 aspp, 16 plus)
    decoder: str | None = None  # DeepLabv3: "aspp" (DeepLabv3, the default for base) or "plus" (DeepLabv3+)
    rank: int = 4  # SamLoRA rank
    tiles_per_epoch: int | None = None  # at most this many (seeded) tiles per epoch; None = all
    slick_tile_share: float | None = None  # e.g. 0.5: tiles with slick drawn first, as half of an epoch
    val_tiles: int | None = None  # validate on a fixed seeded subset of this many val tiles; None = all
    patience: int = 5
    min_delta: float = 0.001
    adapt_bn: bool = False  # before fine-tuning, re-estimate BatchNorm statistics on this dataset's tiles (AdaBN)
    checkpoint: str | None = None  # a model dir rewritten with the best weights after each improving epoch
    name: str | None = None
    overwrite: bool = False

    def source_dir(self) -> Path:
        """The transfer source's model dir: --from (a path or a shipped name), else the shipped source."""
        from ..models.catalog import DEFAULT_SOURCE, resolve_model

        return resolve_model(self.source or DEFAULT_SOURCE, "--from")

    def check_source(self) -> Path | None:
        """Transfer: the source dir, after checking it exists and agrees with the options given."""
        if self.init != "transfer":
            return None
        from ..models.modeldir import read_card
        from .init import check_transfer_options

        source = self.source_dir()  # a shipped source that is not installed: one line
        check_transfer_options(self, read_card(source))
        return source

    def validate(self) -> None:
        from ..atomic import check_output_dir

        if not (Path(self.data) / "manifest.json").is_file():
            raise InputError(f"{self.data}: no manifest.json; give a dataset dir written by `slick-backend prepare` (--data)")
        check_output_dir(self.out_dir)
        if self.checkpoint:
            check_output_dir(self.checkpoint, "--checkpoint")
        if self.arch is not None and self.arch not in ARCHS:
            raise InputError(f"--arch {self.arch}: unknown; use one of {', '.join(ARCHS)}")
        if self.decoder is not None and self.decoder not in DECODERS:
            raise InputError(f"--decoder {self.decoder}: unknown; use one of {', '.join(DECODERS)}")
        if self.decoder is not None and (self.arch or "deeplabv3") != "deeplabv3":
            raise InputError(f"--decoder is a DeepLabv3 option; drop it for --arch {self.arch}")
        if self.init not in INITS:
            raise InputError(f"--init {self.init}: unknown; use base or transfer")
        if self.augment_preset not in AUGMENT_PRESETS:
            raise InputError(f"--augment {self.augment_preset}: unknown; use one of {', '.join(AUGMENT_PRESETS)}")
        if self.init == "base" and self.source:
            raise InputError("--from is only used with --init transfer; add --init transfer or drop --from")
        source = self.check_source()
        if self.loss not in LOSSES:
            raise InputError(f"--loss {self.loss}: unknown; use one of {', '.join(LOSSES)}")
        if not is_device_name(self.device):
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
        out = Path(self.out_dir)
        if out.exists() and not self.overwrite:
            raise InputError(f"{out}: already exists; choose another --out or give --overwrite (it is replaced only once the new model is complete)")
        if out.resolve() == Path(self.data).resolve() or (source is not None and out.resolve() == source.resolve()):
            raise InputError(f"{out}: --out must differ from --data and --from")
        if self.checkpoint and Path(self.checkpoint).resolve() in (out.resolve(), Path(self.data).resolve()):
            raise InputError(f"{self.checkpoint}: the checkpoint dir must differ from --out and --data")


def _seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def _adapt_initial_bn(module, train, val, progress) -> int:
    """AdaBN on the starting model: a source's BatchNorm statistics describe its own domain;
    re-measured on this dataset's tiles (labels unused), fine-tuning starts at the right scale."""
    import numpy as np

    from ..models.adapt import adapt_batchnorm, evenly_spaced, tile_batches, usable_tiles

    images = np.concatenate([train.images, val.images]) if len(val) else train.images
    keep = usable_tiles(images)
    keep = keep[evenly_spaced(len(keep), ADAPT_TILES)]
    used = adapt_batchnorm(module, tile_batches(images[keep]))
    progress.log(f"adapted to the dataset: BatchNorm statistics re-estimated on {used} tiles" if used else
                 "adapting to the dataset: no tile is almost all valid; kept the model's own statistics")
    return used


def run_train(params: TrainParams, progress) -> dict:
    params.validate()
    from ..atomic import atomic_dir
    from ..dataset.reader import load_manifest, manifest_sha256
    from ..models.modeldir import save_model_dir
    from ..models.registry import count_params
    from .data import dataset_info, load_tiles, scenes_of_split, select_scenes
    from .init import build_initial_model
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
    adapted = _adapt_initial_bn(module, train, val, progress) if params.adapt_bn else None
    trainable, total = count_params(module)
    progress.log(f"{init_info['model']['arch']} {init_info['model']['backbone']} at {tile} px: "
                 f"{trainable:,} trainable of {total:,} parameters; {len(train)} train / {len(val)} val tiles")
    info = dataset_info(manifest, train_ids)
    pixel = manifest.get("params", {}).get("pixel_size")
    card = {
        "format": "slick-model", "version": 1,
        "name": params.name or Path(params.out_dir).name,
        "arch": init_info["model"]["arch"], "backbone": init_info["model"]["backbone"], "model": init_info["model"],
        "tile": tile, "pixel_size": pixel, "bands": 1,
        "modes": info["modes"], "polarisations": info["polarisations"], "preprocessing": info["preprocessing"],
        "normalisation": _normalisation(init_info["model"]["arch"]),
        "output": "sigmoid probability of the slick class, 1 channel", "threshold": 0.5,
        **{k: init_info[k] for k in ("init", "base_weights", "source_model", "allow_random_init", "random_init")},
        "dataset": {"path": str(Path(params.data).resolve()), "manifest_sha256": manifest_sha256(params.data)},
        "train_scenes": train_ids, "val_scenes": val_ids, "seed": params.seed, "epochs": params.epochs,
        "adapt_bn_tiles": adapted,
    }
    cfg = LoopConfig(epochs=params.epochs, lr=params.lr, batch_size=params.batch_size, patience=params.patience,
                     min_delta=params.min_delta, seed=params.seed, device=params.device, augment=params.augment,
                     augment_preset=params.augment_preset, synthesis=params.synthesis, loss=params.loss, tiles_per_epoch=params.tiles_per_epoch,
                     slick_tile_share=params.slick_tile_share,
                     on_best=_checkpoint_writer(params, card, progress) if params.checkpoint else None)
    result = fit(module, train, val, cfg, progress.sub(0.03, 0.97))
    progress.check()
    card.update({
        "epochs_run": result["epochs_run"], "best_epoch": result["best_epoch"], "lr": result["lr"],
        "lr_from_range_test": params.lr is None, "batch_size": result["batch_size"], "loss": result["loss"],
        "augment": params.augment, "augment_preset": params.augment_preset, "synthesis": params.synthesis, "tiles_per_epoch": params.tiles_per_epoch,
        "slick_tile_share": params.slick_tile_share, "val_tiles": len(val), "val_metrics": result["val_metrics"],
        "history": result["history"], "trainable_params": trainable, "total_params": total,
        "train_seconds": result["seconds"], "device": result["device"],
    })
    progress.update(0.98, f"writing {params.out_dir}")
    with atomic_dir(params.out_dir, overwrite=params.overwrite) as tmp:
        card = save_model_dir(tmp, module, card)
        progress.check()  # a cancel now still leaves the old state untouched
    progress.update(1.0, f"model written to {params.out_dir}")
    return {"model_dir": str(Path(params.out_dir).resolve()), "best_epoch": result["best_epoch"],
            "epochs_run": result["epochs_run"], "val_loss": result["val_metrics"]["loss"],
            "val_dice": result["val_metrics"]["dice"], "train_scenes": train_ids, "seconds": result["seconds"],
            "weights_sha256": card["weights_sha256"]}


def _checkpoint_writer(params: TrainParams, card: dict, progress):
    """on_best callback of the loop: the best weights so far as a loadable model dir at ``checkpoint``
    (so a run killed hours in leaves its best model behind; replaced atomically each time)."""
    from ..atomic import atomic_dir
    from ..models.modeldir import save_model_dir

    def write(state: dict, epoch: int, val_loss: float, val_dice: float | None) -> None:
        partial = {**card, "name": f"{card['name']}-checkpoint",
                   "checkpoint": {"epoch": epoch, "val_loss": round(val_loss, 6),
                                  "val_dice": None if val_dice is None else round(val_dice, 6),
                                  "of": str(Path(params.out_dir).resolve()), "complete": False}}
        with atomic_dir(params.checkpoint, overwrite=True) as tmp:
            save_model_dir(tmp, state, partial)
        progress.log(f"checkpoint: epoch {epoch} (val loss {val_loss:.4f}) written to {params.checkpoint}")

    return write


def _normalisation(arch: str) -> dict:
    if arch == "deeplabv3":
        from ..models.deeplab import GREY_MEAN, GREY_STD

        return {"kind": "grey ImageNet mean/std on 0..255", "mean": GREY_MEAN, "std": GREY_STD}
    from ..models.sam_common import PIXEL_MEAN, PIXEL_STD

    return {"kind": "band repeated to RGB, SAM pixel mean/std on 0..255", "mean": list(PIXEL_MEAN), "std": list(PIXEL_STD)}
