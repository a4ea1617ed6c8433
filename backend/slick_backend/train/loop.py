"""The training loop: AdamW, one-cycle LR, early stopping on validation loss, best epoch restored.

Reproducible on CPU: one seed drives the weights' init (torch global RNG), the shuffling and
augmentation (a torch.Generator) and the synthesis (a numpy Generator); batches are built
on the CPU and then moved, so the same seed gives the same weights bit for bit.
On CUDA: bf16 autocast and channels-last memory.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ..devices import resolve_device
from ..metrics import Counts
from .augment import PRESETS, augment
from .data import TileSet
from .loss import SegLoss
from .lr_finder import find_lr
from .synthesis import candidates, synthesise

log = logging.getLogger(__name__)
PCT_START = 0.3  # share of the one-cycle schedule spent warming the LR up


@dataclass
class LoopConfig:
    epochs: int = 100
    lr: float | None = None
    batch_size: int = 8
    patience: int = 5
    min_delta: float = 0.001
    seed: int = 0
    device: str = "cpu"
    augment: bool = True
    augment_preset: str = "standard"  # or "sim2real" (train/augment.py)
    synthesis: bool = False
    synthesis_fraction: float = 0.5  # synthetic tiles per real training tile, redrawn each epoch
    weight_decay: float = 1e-4
    loss: str = "dice_ce"
    tiles_per_epoch: int | None = None  # draw at most this many tiles per epoch (seeded): bounds CPU time
    slick_tile_share: float | None = None  # draw tiles so this share of an epoch holds slick pixels
    on_best: Callable | None = None  # on_best(cpu state dict, epoch, val loss, val dice) after each improving epoch


def _to_tensors(images: np.ndarray, masks: np.ndarray):
    return torch.from_numpy(images).float().unsqueeze(1), torch.from_numpy(masks).float().unsqueeze(1)


def _batch(images: np.ndarray, masks: np.ndarray, idx: torch.Tensor):
    """Float tensors of the chosen tiles only: the set stays uint8 in memory (a source model's
    tens of thousands of tiles would take 8x more as float)."""
    pick = idx.numpy()
    return _to_tensors(images[pick], masks[pick])


def hard_counts(logits: torch.Tensor, target: torch.Tensor) -> tuple[int, int, int]:
    valid = target != 255
    pred = (logits > 0) & valid
    truth = (target == 1) & valid
    return int((pred & truth).sum()), int((pred & ~truth).sum()), int((~pred & truth).sum())


class _Placement:
    """Where the module runs: moves batches there; bf16 autocast and channels-last on CUDA."""

    def __init__(self, module, device_name: str):
        self.device = torch.device(resolve_device(device_name))
        self.cuda = self.device.type == "cuda"
        module.to(self.device)
        if self.cuda:
            module.to(memory_format=torch.channels_last)

    def autocast(self):
        return torch.autocast("cuda", dtype=torch.bfloat16) if self.cuda else contextlib.nullcontext()

    def move(self, x):
        x = x.to(self.device, non_blocking=True)
        return x.contiguous(memory_format=torch.channels_last) if self.cuda else x


@dataclass
class _Plan:
    n_syn: int  # synthetic tiles added per epoch
    bs: int
    per_epoch: int  # tiles drawn per epoch
    steps: int  # optimiser steps per epoch


def _plan(train: TileSet, cfg: LoopConfig, progress) -> _Plan:
    n_syn = int(round(cfg.synthesis_fraction * len(train))) if cfg.synthesis else 0
    if n_syn and not all(len(c) for c in candidates(train.images, train.masks)):
        progress.log("synthesis: no slick exemplar or no slick-free water tile in the training set; skipped")
        n_syn = 0
    n_total = len(train) + n_syn
    bs = max(1, min(cfg.batch_size, n_total))
    per_epoch = min(n_total, cfg.tiles_per_epoch) if cfg.tiles_per_epoch else n_total
    # drop the ragged last batch (BatchNorm dislikes a batch of 1)
    return _Plan(n_syn, bs, per_epoch, max(1, per_epoch // bs))


def _choose_lr(module, train: TileSet, loss_fn, place: _Placement, bs: int, seed: int, progress):
    """The learning-rate range test, on two fixed, un-augmented batches: the loss then moves with
    the LR, not with the data."""
    finder_gen = torch.Generator().manual_seed(seed + 1)
    fixed = [torch.randperm(len(train), generator=finder_gen)[:bs] for _ in range(2)]

    def batches():
        k = 0
        while True:
            im, mk = _batch(train.images, train.masks, fixed[k % 2])
            k += 1
            yield place.move(im), place.move(mk)

    lr, curve = find_lr(module, batches, loss_fn, place.device, progress=progress.sub(0.0, 0.05),
                        autocast=place.autocast)
    log.info("learning-rate range test chose lr = %.2e", lr)
    return lr, curve


class _EarlyStop:
    """Keeps the best epoch's weights (by validation loss) and says when to stop."""

    def __init__(self, cfg: LoopConfig):
        self.cfg = cfg
        self.warmup_epochs = int(math.ceil(PCT_START * cfg.epochs))
        self.best, self.best_epoch, self.bad, self.best_dice, self.state = math.inf, 0, 0, None, None

    def stop_after(self, module, epoch: int, val_loss: float, val_dice, progress) -> bool:
        cfg = self.cfg
        if val_loss < self.best - cfg.min_delta:
            self.best, self.best_epoch, self.bad, self.best_dice = val_loss, epoch, 0, val_dice
            self.state = {k: v.detach().to("cpu", copy=True) for k, v in module.state_dict().items()}
            if cfg.on_best is not None:
                cfg.on_best(self.state, epoch, val_loss, val_dice)
        elif epoch > self.warmup_epochs:  # the one-cycle warm-up's rising LR makes val loss jumpy: no stop there
            self.bad += 1
            if self.bad >= cfg.patience:
                progress.log(f"early stop: no val-loss gain > {cfg.min_delta} for {cfg.patience} epochs; "
                             f"best epoch {self.best_epoch}")
                return True
        return False


@dataclass
class _Run:
    """What every epoch of one fit uses."""

    cfg: LoopConfig
    plan: _Plan
    place: _Placement
    gen: torch.Generator  # shuffling and augmentation
    loss_fn: SegLoss
    opt: torch.optim.Optimizer
    sched: torch.optim.lr_scheduler.LRScheduler
    base: float  # progress already spent (the LR range test)


def _train_epoch(module, epoch: int, images, masks, run: _Run, progress) -> float:
    """One epoch of optimiser steps; the mean training loss."""
    cfg, plan = run.cfg, run.plan
    order = epoch_order(masks, cfg.slick_tile_share, run.gen)
    module.train()
    total = 0.0
    epoch_steps = min(plan.steps, min(len(images), plan.per_epoch) // plan.bs)  # never past the planned schedule
    for s in range(epoch_steps):
        progress.check()
        im, mk = _batch(images, masks, order[s * plan.bs : (s + 1) * plan.bs])
        if cfg.augment:
            im, mk = augment(im, mk, run.gen, PRESETS[cfg.augment_preset])
        im, mk = run.place.move(im), run.place.move(mk)
        run.opt.zero_grad(set_to_none=True)
        with run.place.autocast():
            loss = run.loss_fn(module.logits(im), mk)
        loss.backward()
        run.opt.step()
        run.sched.step()
        total += float(loss.detach())
        frac = ((epoch - 1) * plan.steps + s + 1) / (cfg.epochs * plan.steps)
        progress.update(run.base + (1 - run.base) * frac,
                        f"epoch {epoch}/{cfg.epochs} step {s + 1}/{plan.steps} loss {loss.item():.4f}")
    return total / max(1, epoch_steps)


def fit(module, train: TileSet, val: TileSet, cfg: LoopConfig, progress) -> dict:
    place = _Placement(module, cfg.device)
    gen = torch.Generator().manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    loss_fn = SegLoss(cfg.loss, train.slick_fraction())
    params = [p for p in module.parameters() if p.requires_grad]
    plan = _plan(train, cfg, progress)
    lr, lr_curve = cfg.lr, []
    if lr is None:
        lr, lr_curve = _choose_lr(module, train, loss_fn, place, plan.bs, cfg.seed, progress)
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=cfg.epochs * plan.steps, pct_start=PCT_START)
    run = _Run(cfg, plan, place, gen, loss_fn, opt, sched, base=0.05 if cfg.lr is None else 0.0)
    history, stopper = [], _EarlyStop(cfg)
    t0 = time.monotonic()
    for epoch in range(1, cfg.epochs + 1):
        images, masks = train.images, train.masks
        if plan.n_syn:
            si, sm = synthesise(train.images, train.masks, plan.n_syn, rng)
            if len(si):
                images, masks = np.concatenate([images, si]), np.concatenate([masks, sm])
        train_loss = _train_epoch(module, epoch, images, masks, run, progress)
        val_loss, val_dice = (evaluate_tiles(module, val, loss_fn, plan.bs, place.move, place.autocast)
                              if len(val) else (train_loss, None))
        history.append({"epoch": epoch, "train_loss": round(train_loss, 6), "val_loss": round(val_loss, 6),
                        "val_dice": None if val_dice is None else round(val_dice, 6), "lr": opt.param_groups[0]["lr"]})
        progress.log(f"epoch {epoch}: train loss {train_loss:.4f}, val loss {val_loss:.4f}"
                     + ("" if val_dice is None else f", val Dice {val_dice:.4f}"))
        if stopper.stop_after(module, epoch, val_loss, val_dice, progress):
            break
    if stopper.state is not None:
        module.load_state_dict(stopper.state)
    module.to("cpu").to(memory_format=torch.contiguous_format)
    best = stopper.best
    return {"history": history, "best_epoch": stopper.best_epoch, "epochs_run": len(history), "lr": lr,
            "lr_curve": [[float(a), float(b)] for a, b in lr_curve],
            "val_metrics": {"loss": None if not math.isfinite(best) else round(best, 6),
                            "dice": None if stopper.best_dice is None else round(stopper.best_dice, 6)},
            "loss": loss_fn.describe(), "seconds": round(time.monotonic() - t0, 2), "steps_per_epoch": plan.steps,
            "batch_size": plan.bs, "device": str(place.device)}


def epoch_order(masks: np.ndarray, share: float | None, gen: torch.Generator) -> torch.Tensor:
    """A seeded permutation of the tiles; with ``share``, tiles holding slick are drawn with a
    weight that makes them that share of the draw (rare slicks otherwise starve the few steps)."""
    n = len(masks)
    if not share:
        return torch.randperm(n, generator=gen)
    has = torch.from_numpy((masks == 1).reshape(n, -1).any(1))
    k = int(has.sum())
    if k == 0 or k == n:
        return torch.randperm(n, generator=gen)
    w = torch.where(has, share / k, (1 - share) / (n - k)).double()
    return torch.multinomial(w, n, replacement=False, generator=gen)


@torch.no_grad()
def evaluate_tiles(module, tiles: TileSet, loss_fn, bs, move, autocast) -> tuple[float, float]:
    """(mean val loss over batches, pooled hard Dice of the slick class)."""
    module.eval()
    losses, tp, fp, fn = [], 0, 0, 0
    for s in range(0, len(tiles), bs):
        im, mk = _to_tensors(tiles.images[s : s + bs], tiles.masks[s : s + bs])
        im, mk = move(im), move(mk)
        with autocast():
            logits = module.logits(im)
        losses.append(float(loss_fn(logits.float(), mk)) * len(im))
        a, b, c = hard_counts(logits.float(), mk)
        tp, fp, fn = tp + a, fp + b, fn + c
    module.train()
    return sum(losses) / len(tiles), Counts(tp, fp, fn).dice
