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
    gamma: tuple[float, float] = (1.0, 1.0)  # exponent on the 0..1 grey level (log-uniform)
    p_blur: float = 0.0  # chance of a Gaussian blur of blur_sigma px
    blur_sigma: tuple[float, float] = (0.5, 1.2)
    p_grain: float = 0.0  # chance of added grain: Gaussian noise of grain levels std
    grain: tuple[float, float] = (3.0, 15.0)


PRESETS = {
    "standard": AugmentConfig(),
    "sim2real": AugmentConfig(brightness=40.0, contrast=(0.45, 1.6), gamma=(0.6, 1.6), p_blur=0.25, p_grain=0.25),
}


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


def gamma_blur_grain(image, cfg: AugmentConfig, gen):
    """Gamma on valid grey levels, then blur and grain for some samples; 0 stays nodata."""
    b = image.shape[0]
    valid = image > 0
    g = torch.exp(_uniform(b, math.log(cfg.gamma[0]), math.log(cfg.gamma[1]), gen)).view(b, 1, 1, 1)
    out = 1.0 + 254.0 * ((image - 1.0).clamp(0, 254) / 254.0) ** g
    blur = torch.rand(b, generator=gen) < cfg.p_blur
    sigmas = _uniform(b, *cfg.blur_sigma, gen)
    grain = torch.rand(b, generator=gen) < cfg.p_grain
    levels = _uniform(b, *cfg.grain, gen)
    noise = torch.randn(out.shape, generator=gen)
    for i in range(b):
        if blur[i]:
            out[i] = _blur_valid(out[i], valid[i], float(sigmas[i]))
        if grain[i]:
            out[i] = out[i] + noise[i] * levels[i]
    out = out.clamp(1, 255)
    return torch.where(valid, out, torch.zeros_like(image))


def _blur_valid(image, valid, sigma: float):
    """Gaussian blur of one [1, H, W] image normalised by validity (nodata does not bleed in)."""
    radius = max(1, int(math.ceil(2.5 * sigma)))
    x = torch.arange(-radius, radius + 1, dtype=image.dtype)
    k = torch.exp(-0.5 * (x / sigma) ** 2)
    k = (k / k.sum()).view(1, 1, 1, -1)
    v = valid.to(image.dtype)

    def sep(t):
        t = F.conv2d(t.unsqueeze(0), k, padding=(0, radius))
        return F.conv2d(t, k.transpose(-1, -2), padding=(radius, 0)).squeeze(0)

    return sep(image * v) / sep(v).clamp_min(1e-6)


def photometric_changes(image, cfg: AugmentConfig, gen):
    """Contrast and brightness, then gamma, blur and grain when the preset has any (0 stays nodata)."""
    image = photometric(image, cfg, gen)
    if cfg.gamma != (1.0, 1.0) or cfg.p_blur or cfg.p_grain:
        image = gamma_blur_grain(image, cfg, gen)
    return image


def augment(image: torch.Tensor, mask: torch.Tensor, gen: torch.Generator, cfg: AugmentConfig | None = None):
    """Augmented copies of a batch (CPU tensors; the generator makes it reproducible)."""
    cfg = cfg or AugmentConfig()
    image, mask = flips_and_turns(image, mask, gen)
    image, mask = warp(image, mask, affine_thetas(image.shape[0], cfg, gen))
    return photometric_changes(image, cfg, gen), mask
