"""Learning-rate range test: raise the LR exponentially over a few dozen steps, watch the loss.

The chosen LR is a tenth of the one at the lowest smoothed loss (past that point the loss
is about to diverge), clamped to a sane range. The model's weights are restored afterwards,
so the test leaves no trace but the number.
"""

from __future__ import annotations

import copy
import math

import torch


def find_lr(module, batches, loss_fn, device, steps: int = 30, lo: float = 1e-6, hi: float = 1.0,
            progress=None, autocast=None) -> tuple[float, list[tuple[float, float]]]:
    """``batches()`` yields (image, mask) device tensors forever. Returns (lr, [(lr, smoothed loss)])."""
    saved = copy.deepcopy(module.state_dict())
    params = [p for p in module.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lo, weight_decay=1e-4)
    mult = (hi / lo) ** (1.0 / max(1, steps - 1))
    module.train()
    curve, smooth, best = [], None, math.inf
    lr = lo
    it = batches()
    for step in range(steps):
        image, mask = next(it)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        with autocast():
            loss = loss_fn(module.logits(image), mask)
        loss.backward()
        opt.step()
        value = float(loss.detach())
        if not math.isfinite(value):
            break
        smooth = value if smooth is None else 0.7 * smooth + 0.3 * value
        curve.append((lr, smooth))
        best = min(best, smooth)
        if step > 5 and smooth > 4 * best:
            break
        lr *= mult
        if progress is not None:
            progress.update(step / steps, f"learning-rate range test {step + 1}/{steps}")
            progress.check()
    module.load_state_dict(saved)
    if not curve:
        return 1e-4, curve
    lr_min = min(curve, key=lambda c: c[1])[0]
    return float(min(max(lr_min / 10.0, 1e-5), 1e-2)), curve
