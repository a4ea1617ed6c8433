"""Use case ``finetune-prompt``: the analyst's labels -> the analyst's own prompt model.

Starts from a prompt model (the shipped slick-s1-prompt by default) and trains all of it, with
the pretraining's noisy prompts and loss (train.py), on the slicks of a prepared dataset: the
one the Train tab prepares from the Label tab's layer. The starting weights are scored first on
fixed prompts and compete with every later check, so the result is never worse than its start on
them. They come from the dataset's val split when it has slicks; with labels on one scene only
there is none, and the check uses the training slicks themselves (the card says which).

The model works where its source does (256 px windows at the source's pixel size): a dataset
prepared at another pixel size is refused; larger tiles are cut into windows around their slicks.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..progress import Progress
from .data import Window, load_windows, slick_parts
from .store import SHIPPED_NAME


@dataclasses.dataclass
class FinetunePromptParams:
    data: str  # a prepared dataset (manifest.json): the analyst's scenes and labels
    out_dir: str  # the prompt model dir to write
    source: str = SHIPPED_NAME  # the prompt model to start from: the shipped name or a prompt model dir
    steps: int = 150
    batch_size: int = 8
    lr: float = 0.0003
    box_noise: float = 0.4
    seed: int = 0
    val_every: int = 50
    name: str | None = None
    overwrite: bool = False
    device: str = "auto"  # CUDA when there is a GPU: about ten times faster than two CPU cores

    def source_dir(self) -> Path:
        from .store import shipped_prompt_path

        return shipped_prompt_path() if self.source == SHIPPED_NAME else Path(self.source)

    def validate(self) -> None:
        from .store import read_prompt_card

        if not (Path(self.data) / "manifest.json").is_file():
            raise InputError(f"{self.data}: not a prepared dataset (no manifest.json); prepare the labelled scenes first")
        source = self.source_dir()
        if not (source / "model.json").is_file():
            raise InputError(f"{self.source}: no such prompt model; give {SHIPPED_NAME} or a prompt model dir")
        read_prompt_card(source)
        if Path(self.out_dir).exists() and not self.overwrite:
            raise InputError(f"{self.out_dir}: already exists; choose another name or allow overwriting")
        from ..atomic import check_output_dir

        check_output_dir(self.out_dir)
        if Path(self.out_dir).resolve() in (Path(self.data).resolve(), source.resolve()):
            raise InputError(f"{self.out_dir}: the new prompt model must go to its own dir, not the dataset's or the source's")
        for name, least in (("steps", 10), ("batch_size", 1), ("val_every", 1)):
            if int(getattr(self, name)) < least:
                raise InputError(f"{name} must be at least {least}; got {getattr(self, name)}")
        if not (math.isfinite(self.lr) and 0 < self.lr < 1):
            raise InputError(f"lr must be a number between 0 and 1; got {self.lr}")
        if not (math.isfinite(self.box_noise) and 0 <= self.box_noise <= 1):
            raise InputError(f"box_noise must be between 0 and 1; got {self.box_noise}")
        from ..devices import is_device_name

        if not is_device_name(self.device):
            raise InputError(f"device must be auto, cpu or cuda; got {self.device}")

    def check_dataset(self, pixel_size: float) -> dict:
        """The dataset's manifest, after checking it is on the source model's pixel size."""
        manifest = json.loads((Path(self.data) / "manifest.json").read_text())
        got = float(manifest.get("pixel_size") or manifest.get("params", {}).get("pixel_size") or 0)
        if got and not math.isclose(got, pixel_size, rel_tol=0.01):
            raise InputError(f"{self.data}: prepared at {got:g} m, but the prompt model works at {pixel_size:g} m; "
                             f"prepare the labels at {pixel_size:g} m to adapt it")
        return manifest


def windows_of(dataset: Path, split: str, tile: int) -> list[Window]:
    """The split's tiles with slicks as ``tile`` px windows: smaller tiles padded with nodata,
    larger ones cut into one window per slick, centred on it as far as the tile allows."""
    out = []
    for win in load_windows(dataset, split):
        h, w = win.image.shape
        if (h, w) == (tile, tile):
            out.append(win)
            continue
        centres = [(int(np.mean(np.nonzero(p)[0])), int(np.mean(np.nonzero(p)[1]))) for p in win.parts]
        for r, c in centres if h >= tile and w >= tile else [(h // 2, w // 2)]:
            r0 = min(max(0, r - tile // 2), max(0, h - tile))
            c0 = min(max(0, c - tile // 2), max(0, w - tile))
            image = np.zeros((tile, tile), win.image.dtype)
            crop = win.image[r0:r0 + tile, c0:c0 + tile]
            image[:crop.shape[0], :crop.shape[1]] = crop
            mask = np.zeros((tile, tile), np.uint8)
            for part in win.parts:
                piece = part[r0:r0 + tile, c0:c0 + tile]
                mask[:piece.shape[0], :piece.shape[1]] |= piece.astype(np.uint8)
            parts = slick_parts(mask)
            if parts:
                out.append(Window(image, parts))
    return out


def run_finetune_prompt(params: FinetunePromptParams, progress: Progress) -> dict:
    import torch

    from ..devices import resolve_device
    from .store import load_prompt_model, save_prompt_model
    from .train import Fit, fit_prompt, val_prompts

    params.validate()
    device = resolve_device(params.device)
    source = params.source_dir()
    net, source_card = load_prompt_model(source)
    params.check_dataset(float(source_card.get("pixel_size") or 25.0))
    train_windows = windows_of(Path(params.data), "train", net.tile)
    val_windows = windows_of(Path(params.data), "val", net.tile)
    if not train_windows:
        train_windows, val_windows = train_windows + val_windows + windows_of(Path(params.data), "test", net.tile), []
    if not train_windows:
        raise InputError(f"{params.data}: no labelled slick of at least a few pixels in its tiles; label some slicks first")
    checked_on = "val" if val_windows else "train"
    n_slicks = sum(len(w.parts) for w in train_windows)
    progress.log(f"finetune-prompt: from {source_card.get('name')}, {len(train_windows)} windows with {n_slicks} slicks; "
                 f"checked on the {checked_on} slicks")
    torch.manual_seed(params.seed)
    vals = val_prompts(val_windows or train_windows, 60, params.seed + 1)
    fit = Fit(steps=params.steps, batch_size=params.batch_size, lr=params.lr, box_noise=params.box_noise,
              val_every=params.val_every, seed=params.seed, val_at_start=True, device=device)
    started = time.monotonic()
    history, best, best_state = fit_prompt(net, train_windows, val_windows or train_windows, vals, fit,
                                           progress.sub(0.0, 0.97), "finetune-prompt")
    net.cpu().load_state_dict(best_state)
    name = params.name or Path(params.out_dir).name
    card = {
        "name": name, "title": f"{name} (prompt model adapted to your labels)",
        "pixel_size": float(source_card.get("pixel_size") or 25.0),
        "finetune": {
            "source": source_card.get("name"), "source_sha256": source_card.get("weights_sha256"),
            "data": str(Path(params.data).resolve()), "windows": len(train_windows), "slicks": n_slicks,
            "checked_on": checked_on, "steps": params.steps, "batch_size": params.batch_size, "lr": params.lr,
            "box_noise": params.box_noise, "seed": params.seed, "device": device,
            "seconds": round(time.monotonic() - started),
        },
        "best": best, "history": history,
    }
    saved = save_prompt_model(Path(params.out_dir), net, card, overwrite=params.overwrite)
    improved = best["step"] > 0
    progress.update(1.0, f"prompt model written to {params.out_dir}" + ("" if improved else
                    " (no better than its source on the check prompts: it keeps the source's weights)"))
    return {"prompt_model_dir": str(Path(params.out_dir).resolve()), "best": best, "improved": improved,
            "start": history[0], "weights_sha256": saved["weights_sha256"]}
