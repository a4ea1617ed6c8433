"""The prompt-conditioned slick segmenter: a small SAR image encoder with SAM's own prompt
encoder and mask decoder (segment-anything's modules), sized for a CPU.

It has the attributes the server's SAM engine uses (``image_encoder``, ``prompt_encoder``,
``mask_decoder``, ``normalise``, ``tile``), so box and point prompts, the embedding cache and the
polygon path work unchanged. Differences from SAM, and why:

- a 256 px window at stride 4 (SAM: 1024 px at stride 16): the same 64 x 64 embedding grid, and
  the decoder's 4x upscaling gives a full-resolution mask, so thin slicks keep their width;
- a convolutional encoder (depthwise-separable residual blocks, dilated for context; about
  0.5 GMAC per window) instead of a ViT: milliseconds, not seconds, on a CPU;
- GroupNorm and a per-window robust standardisation of the input (median and spread of the
  valid pixels): the same features whatever the stretch (dB, amplitude, intensity) or the scene's
  contrast, with no batch statistics to adapt;
- transformer width 128 (SAM: 256): a quarter of the decoder's cost;
- with ``dense_prompt`` the box and the points are also drawn as a map (box +1, clicks +-2 in
  small discs) into SAM's dense prompt input (the one a previous mask uses), so every position of
  the embedding knows whether it lies in the box: far fewer examples to learn from than the
  sparse tokens alone. The embedding stays prompt-free (the cache keeps working);
- its masks are cleaned by ``clean_mask`` (the engine and validation call it): parts under a
  quarter of the largest part are dropped, the dark patches a loose box holds beside the slick.
"""

from __future__ import annotations

import torch
from torch import nn

TILE = 256
STRIDE = 4
EMBED_DIM = 128
MINOR_PART_SHARE = 0.25  # chosen on the simulated validation prompts (docs/server-api.md)
_DISC = (torch.arange(7)[:, None] - 3) ** 2 + (torch.arange(7)[None, :] - 3) ** 2 <= 9  # a click's stamp


def _norm(channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(8, channels)


class ConvNormAct(nn.Sequential):
    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), _norm(cout), nn.ReLU(inplace=True))


class SeparableBlock(nn.Module):
    """Residual: depthwise 3x3 (dilated) -> norm -> ReLU -> pointwise -> norm, added to the input."""

    def __init__(self, channels: int, dilation: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, 1, dilation, dilation=dilation, groups=channels, bias=False),
            _norm(channels), nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 1, bias=False), _norm(channels),
        )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x + self.body(x))


class SarEncoder(nn.Module):
    """[B, 1, H, W] standardised SAR -> [B, EMBED_DIM, H/4, W/4]."""

    def __init__(self, width: int = 96, dilations: tuple[int, ...] = (1, 2, 4, 8, 1, 2, 4, 8)) -> None:
        super().__init__()
        self.stem = nn.Sequential(ConvNormAct(1, 32, 2), ConvNormAct(32, 32), ConvNormAct(32, width, 2))
        self.blocks = nn.Sequential(*(SeparableBlock(width, d) for d in dilations))
        self.neck = nn.Sequential(nn.Conv2d(width, EMBED_DIM, 1, bias=False), _norm(EMBED_DIM))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.neck(self.blocks(self.stem(x)))


def standardise(x: torch.Tensor) -> torch.Tensor:
    """Stretched 0..255 windows (0 = nodata) -> (x - median) / spread over each window's valid
    pixels, nodata at 0. The spread is the 10-90 % range / 2.56 (a std that ignores bright targets)."""
    b = x.shape[0]
    flat = x.reshape(b, -1)
    valid = flat > 0
    out = torch.zeros_like(flat)
    for i in range(b):  # per window: quantiles of its valid pixels (windows are few per call)
        v = flat[i][valid[i]]
        if v.numel() < 16:
            continue
        q = torch.quantile(v[:: max(1, v.numel() // 16384)], torch.tensor([0.1, 0.5, 0.9], device=x.device))
        spread = torch.clamp((q[2] - q[0]) / 2.56, min=1.0)
        out[i] = torch.where(valid[i], (flat[i] - q[1]) / spread, torch.zeros_like(flat[i]))
    return out.reshape_as(x)


def drop_minor_parts(mask, share: float):
    """Boolean mask with only its 8-connected parts of at least ``share`` of the largest's area."""
    import numpy as np
    from scipy import ndimage

    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return mask
    box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # a slick is a small part of its window
    labels, n = ndimage.label(mask[box], structure=np.ones((3, 3), bool))
    if n <= 1:
        return mask
    areas = np.bincount(labels.ravel(), minlength=n + 1)
    areas[0] = 0
    keep = areas >= share * areas.max()
    keep[0] = False
    out = np.zeros_like(mask, dtype=bool)
    out[box] = keep[labels]
    return out


class PromptNet(nn.Module):
    """Image encoder + SAM's prompt encoder and mask decoder at ``tile`` px (state keys
    image_encoder.*, prompt_encoder.*, mask_decoder.*, as SAM's)."""

    def __init__(self, tile: int = TILE, width: int = 96, dense_prompt: bool = False) -> None:
        super().__init__()
        from segment_anything.modeling import MaskDecoder, PromptEncoder, TwoWayTransformer

        if tile % 16:
            raise ValueError(f"prompt windows must be a multiple of 16 px; got {tile}")
        self.tile, self.width, self.dense_prompt = tile, width, dense_prompt
        grid = tile // STRIDE
        self.image_encoder = SarEncoder(width)
        self.prompt_encoder = PromptEncoder(embed_dim=EMBED_DIM, image_embedding_size=(grid, grid),
                                            input_image_size=(tile, tile), mask_in_chans=16)
        self.mask_decoder = MaskDecoder(
            num_multimask_outputs=3,
            transformer=TwoWayTransformer(depth=2, embedding_dim=EMBED_DIM, mlp_dim=512, num_heads=4),
            transformer_dim=EMBED_DIM, iou_head_depth=3, iou_head_hidden_dim=128,
        )

    def prompt_map(self, box=None, points=None) -> torch.Tensor:
        """[1, 1, S, S] map of one prompt at the mask input's size (S = 4 x the embedding grid):
        +1 inside the box, +2 / -2 in a 3-cell disc around a click on / off the slick.
        ``box`` [1, 4] and ``points`` ([1, N, 2], [1, N]) in window px, as SAM's prompt encoder takes them."""
        size = 4 * (self.tile // STRIDE)
        scale = size / self.tile
        out = torch.zeros(1, 1, size, size)
        if box is not None:
            x0, y0, x1, y1 = (float(v) * scale for v in box.reshape(-1)[:4])
            c0, r0 = max(0, int(x0)), max(0, int(y0))
            c1, r1 = min(size, int(round(x1 + 0.5))), min(size, int(round(y1 + 0.5)))
            if c1 > c0 and r1 > r0:
                out[..., r0:r1, c0:c1] = 1.0
        if points is not None:
            coords, labels = points
            for (x, y), label in zip(coords.reshape(-1, 2).tolist(), labels.reshape(-1).tolist(), strict=True):
                c, r = int((x + 0.5) * scale), int((y + 0.5) * scale)
                r0, r1, c0, c1 = max(0, r - 3), min(size, r + 4), max(0, c - 3), min(size, c + 4)
                if r1 > r0 and c1 > c0:  # a disc of radius 3 cells, cut at the window's edge
                    disc = _DISC[r0 - r + 3:r1 - r + 3, c0 - c + 3:c1 - c + 3]
                    patch = out[0, 0, r0:r1, c0:c1]
                    patch[disc] = 2.0 if label > 0 else -2.0
        return out

    def normalise(self, x: torch.Tensor) -> torch.Tensor:
        return standardise(x)

    def clean_mask(self, mask):
        """A full-size boolean mask as the model answers it: its minor parts dropped."""
        return drop_minor_parts(mask, MINOR_PART_SHARE)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        return self.image_encoder(self.normalise(x))
