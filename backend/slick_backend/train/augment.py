"""Seeded tensor augmentation of (image, mask) batches; image and mask always move together.

Image: float [B, 1, H, W] stretched 0..255 with 0 = nodata. Mask: float [B, 1, H, W] with
1 = slick, 0 = water, 255 = ignore. Per sample: flips and 90-degree turns (exact), then
one affine warp combining a rotation within +-30 degrees, a soft zoom in 0.75..1.5 and a
random shift (the random crop: with zoom > 1 it picks which part of the tile is kept).
The image is resampled bilinearly *normalised by validity*, so nodata never bleeds into
valid pixels as fake dark water; pixels that come from nodata or from outside the tile
are 0 in the image and 255 (ignored) in the mask. Brightness / contrast act on valid
pixels only and keep them in 1..255, so 0 stays the nodata marker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

IGNORE = 255.0


@dataclass
class AugmentConfig:
    rotate_deg: float = 30.0
    zoom: tuple[float, float] = (0.75, 1.5)
    p_affine: float = 0.8
    brightness: float = 20.0  # additive, in stretched units
    contrast: tuple[float, float] = (0.8, 1.25)
    p_photometric: float = 0.8


def _uniform(n: int, lo: float, hi: float, gen: torch.Generator) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(n, generator=gen)


def flips_and_turns(image, mask, gen):
    b = image.shape[0]
    flip_h = torch.rand(b, generator=gen) < 0.5
    flip_v = torch.rand(b, generator=gen) < 0.5
    turns = torch.randint(0, 4, (b,), generator=gen)
    imgs, msks = [], []
    for i in range(b):
        im, mk = image[i], mask[i]
        if flip_h[i]:
            im, mk = im.flip(-1), mk.flip(-1)
        if flip_v[i]:
            im, mk = im.flip(-2), mk.flip(-2)
        k = int(turns[i])
        if k:
            im, mk = torch.rot90(im, k, (-2, -1)), torch.rot90(mk, k, (-2, -1))
        imgs.append(im)
        msks.append(mk)
    return torch.stack(imgs), torch.stack(msks)


def affine_thetas(b: int, cfg: AugmentConfig, gen: torch.Generator) -> torch.Tensor:
    """Per-sample 2x3 matrices mapping output to input coordinates (normalised -1..1)."""
    angle = _uniform(b, -cfg.rotate_deg, cfg.rotate_deg, gen) * math.pi / 180
    # log-uniform zoom so shrinking and enlarging are equally likely
    zoom = torch.exp(_uniform(b, math.log(cfg.zoom[0]), math.log(cfg.zoom[1]), gen))
    scale = 1.0 / zoom  # zoom > 1 samples a smaller input area
    # shift: up to the slack left by the zoom (the random crop), a little otherwise
    slack = (1 - scale).clamp_min(0.0) + 0.1
    tx = _uniform(b, -1, 1, gen) * slack
    ty = _uniform(b, -1, 1, gen) * slack
    keep = torch.rand(b, generator=gen) >= cfg.p_affine
    cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
    theta = torch.stack([torch.stack([cos, -sin, tx], -1), torch.stack([sin, cos, ty], -1)], 1)
    theta[keep] = torch.tensor([[1.0, 0, 0], [0, 1.0, 0]])
    return theta


def warp(image, mask, theta):
    grid = F.affine_grid(theta.to(image.dtype), list(image.shape), align_corners=False)
    valid = (image > 0).to(image.dtype)
    num = F.grid_sample(image * valid, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    den = F.grid_sample(valid, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    keep = den > 0.5
    out_img = torch.where(keep, num / den.clamp_min(1e-6), torch.zeros_like(num)).clamp(0, 255)
    out_img = torch.where(keep, out_img.clamp_min(1.0), out_img)  # valid stays >= 1
    out_mask = F.grid_sample(mask, grid, mode="nearest", padding_mode="zeros", align_corners=False)
    inside = F.grid_sample(torch.ones_like(mask), grid, mode="nearest", padding_mode="zeros", align_corners=False) > 0.5
    out_mask = torch.where(inside & keep, out_mask, torch.full_like(out_mask, IGNORE))
    return out_img, out_mask


def photometric(image, cfg: AugmentConfig, gen):
    b = image.shape[0]
    c = torch.exp(_uniform(b, math.log(cfg.contrast[0]), math.log(cfg.contrast[1]), gen)).view(b, 1, 1, 1)
    d = _uniform(b, -cfg.brightness, cfg.brightness, gen).view(b, 1, 1, 1)
    skip = (torch.rand(b, generator=gen) >= cfg.p_photometric).view(b, 1, 1, 1)
    c = torch.where(skip, torch.ones_like(c), c)
    d = torch.where(skip, torch.zeros_like(d), d)
    valid = image > 0
    mean = (image * valid).sum((1, 2, 3), keepdim=True) / valid.sum((1, 2, 3), keepdim=True).clamp_min(1)
    out = ((image - mean) * c + mean + d).clamp(1, 255)
    return torch.where(valid, out, torch.zeros_like(image))


def augment(image: torch.Tensor, mask: torch.Tensor, gen: torch.Generator, cfg: AugmentConfig | None = None):
    """Augmented copies of a batch (CPU tensors; the generator makes it reproducible)."""
    cfg = cfg or AugmentConfig()
    image, mask = flips_and_turns(image, mask, gen)
    image, mask = warp(image, mask, affine_thetas(image.shape[0], cfg, gen))
    image = photometric(image, cfg, gen)
    return image, mask
