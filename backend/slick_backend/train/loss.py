"""Segmentation losses on one slick logit per pixel; label 255 is ignored everywhere.

- dice_ce (the paper's): L = (1 - a) CE_w + a Dice, a = 0.5. CE_w is the binary cross-entropy
  with class weights inversely proportional to class pixel frequency, w_c = 1 / (2 f_c) (so
  a balanced set gives w = 1), averaged as sum(w_i * ce_i) / sum(w_i) like PyTorch's
  weighted CE. Dice is the soft Dice of the slick class over the batch, smoothed by 1.
- focal_tversky: (1 - TI)^g with TI = TP / (TP + a FN + b FP), a = 0.7, b = 0.3, g = 0.75.
- ce_dice_20_80: 0.2 CE (unweighted) + 0.8 Dice.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

LOSSES = ("dice_ce", "focal_tversky", "ce_dice_20_80")
IGNORE = 255
SMOOTH = 1.0


def class_weights(slick_fraction: float) -> tuple[float, float]:
    """(w_background, w_slick), inversely proportional to each class's pixel frequency."""
    f = min(max(float(slick_fraction), 1e-3), 1 - 1e-3)  # floor: a set with (almost) no slick stays finite
    return 1.0 / (2.0 * (1.0 - f)), 1.0 / (2.0 * f)


def _valid(target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    valid = (target != IGNORE).to(torch.float32)
    y = (target == 1).to(torch.float32)
    return y, valid


def weighted_ce(logits, target, weights=(1.0, 1.0)):
    y, valid = _valid(target)
    ce = F.binary_cross_entropy_with_logits(logits.float(), y, reduction="none")
    w = valid * (weights[0] * (1 - y) + weights[1] * y)
    return (w * ce).sum() / w.sum().clamp_min(1e-6)


def soft_dice_loss(logits, target):
    y, valid = _valid(target)
    p = torch.sigmoid(logits.float()) * valid
    inter = (p * y).sum()
    return 1 - (2 * inter + SMOOTH) / (p.sum() + (y * valid).sum() + SMOOTH)


def focal_tversky_loss(logits, target, alpha=0.7, beta=0.3, gamma=0.75):
    y, valid = _valid(target)
    p = torch.sigmoid(logits.float()) * valid
    y = y * valid
    tp, fn, fp = (p * y).sum(), ((1 - p) * y).sum(), (p * (1 - y)).sum()
    ti = (tp + SMOOTH) / (tp + alpha * fn + beta * fp + SMOOTH)
    return (1 - ti).clamp_min(0) ** gamma


class SegLoss:
    def __init__(self, kind: str = "dice_ce", slick_fraction: float = 0.5, a: float = 0.5):
        if kind not in LOSSES:
            raise ValueError(f"unknown loss {kind}; use one of {LOSSES}")
        self.kind, self.a = kind, a
        self.weights = class_weights(slick_fraction)

    def __call__(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if self.kind == "dice_ce":
            return (1 - self.a) * weighted_ce(logits, target, self.weights) + self.a * soft_dice_loss(logits, target)
        if self.kind == "focal_tversky":
            return focal_tversky_loss(logits, target)
        return 0.2 * weighted_ce(logits, target) + 0.8 * soft_dice_loss(logits, target)

    def describe(self) -> dict:
        return {"kind": self.kind, "a": self.a, "class_weights": list(self.weights)}
