"""Unsupervised adaptation to the analyst's own scenes: re-estimated BatchNorm statistics (AdaBN).

A model trained on one domain (simulated scenes, or another region or mode) keeps in its
BatchNorm layers the mean and variance of its training activations. On a new domain the
activations shift (other speckle, texture, stretch), and every layer after the first mis-scales
them. AdaBN (Li et al. 2016) replaces those statistics by the new domain's, measured on its
unlabelled tiles; the learnt weights stay as they are. It needs no labels and one forward pass.

Only tiles that are almost all valid are used: nodata (0) would pull the statistics towards
the nodata value, which the model never treats as water.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
from torch import nn

MIN_VALID = 0.9  # share of valid pixels a tile needs to count towards the statistics


def batchnorm_layers(module: nn.Module) -> list[nn.modules.batchnorm._BatchNorm]:
    return [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]


def usable_tiles(images: np.ndarray) -> np.ndarray:
    """Indices of the tiles ([N, H, W] uint8 or float, 0 = nodata) that are almost all valid."""
    valid = (images > 0).reshape(len(images), -1).mean(1)
    return np.flatnonzero(valid >= MIN_VALID)


def evenly_spaced(count: int, at_most: int) -> np.ndarray:
    """Up to ``at_most`` indices of ``range(count)`` spread evenly from first to last: statistics
    from the whole scene or dataset, not from its first tiles."""
    if count <= 0:
        return np.zeros(0, dtype=int)
    return np.unique(np.linspace(0, count - 1, min(count, at_most)).astype(int))


@torch.no_grad()
def adapt_batchnorm(module: nn.Module, batches: Iterable[torch.Tensor]) -> int:
    """Replace every BatchNorm layer's running statistics by their average over ``batches``
    (float tensors [B, 1, H, W], stretched 0..255). Returns the number of tiles used; with none,
    the module is left exactly as it was."""
    layers = batchnorm_layers(module)
    saved = [(bn.running_mean.clone(), bn.running_var.clone(), bn.num_batches_tracked.clone(), bn.momentum)
             for bn in layers]
    for bn in layers:
        bn.reset_running_stats()
        bn.momentum = None  # a cumulative average over all batches, whatever their number
    was_training = module.training
    module.eval()
    for bn in layers:
        bn.train()  # only BatchNorm sees the batches in training mode: dropout stays off
    forward = getattr(module, "logits", module)
    seen = 0
    for batch in batches:
        if len(batch) < 2:
            continue  # a batch of one has no variance to measure
        forward(batch)
        seen += len(batch)
    for bn, (mean, var, count, momentum) in zip(layers, saved, strict=True):
        bn.momentum = momentum
        if not seen:
            bn.running_mean.copy_(mean)
            bn.running_var.copy_(var)
            bn.num_batches_tracked.copy_(count)
    module.train(was_training)
    return seen


def tile_batches(images: np.ndarray, batch_size: int = 16, device: str | torch.device = "cpu"):
    """Batches of the usable tiles of ``images`` ([N, H, W], 0..255) as float tensors."""
    keep = usable_tiles(images)
    for s in range(0, len(keep), batch_size):
        chunk = images[keep[s : s + batch_size]]
        yield torch.from_numpy(np.ascontiguousarray(chunk, dtype=np.float32)).unsqueeze(1).to(device)
