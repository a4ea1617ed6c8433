"""SAM pieces built from segment-anything's own modules, at the tile size, used prompt-free.

Tile size, not 1024: the image encoder is built with ``img_size = tile`` so a 256 px tile
gives a 16 x 16 embedding; Meta's 64 x 64 absolute position embedding is interpolated
(bicubic) to that grid and the global-attention blocks' relative-position tables (length
2*64-1) are interpolated (linear) to 2*grid-1. Windowed blocks keep their 14 x 14 tables.

Single band: the stretched 0..255 band is repeated to three channels and normalised with
SAM's own pixel mean / std, so a grey SAR tile is what SAM would see for a grey photo.

Prompt-free classifier: no points, boxes or mask -> the decoder gets no sparse tokens and
the "no mask" dense embedding; the first (single-mask) output token is the slick logit map
(at 4x the embedding grid), upsampled bilinearly to the tile. Written against the decoder's
sub-modules so a batch of B images costs B decoder passes, not B x B (SAM's own
``predict_masks`` repeats the image for every prompt).
"""

from __future__ import annotations

from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

PIXEL_MEAN = (123.675, 116.28, 103.53)
PIXEL_STD = (58.395, 57.12, 57.375)
PATCH = 16
META_IMG = 1024

# embed_dim, depth, heads, global blocks, window, prompt dim, decoder mlp, decoder heads
SAM_CONFIGS: dict[str, dict] = {
    "vit_b": dict(embed_dim=768, depth=12, heads=12, global_attn=(2, 5, 8, 11), window=14, prompt_dim=256, dec_mlp=2048, dec_heads=8),
    "vit_l": dict(embed_dim=1024, depth=24, heads=16, global_attn=(5, 11, 17, 23), window=14, prompt_dim=256, dec_mlp=2048, dec_heads=8),
    "vit_h": dict(embed_dim=1280, depth=32, heads=16, global_attn=(7, 15, 23, 31), window=14, prompt_dim=256, dec_mlp=2048, dec_heads=8),
    # Same architecture, tiny widths: for CPU tests and the demo only (never pretrained).
    "vit_tiny": dict(embed_dim=64, depth=4, heads=2, global_attn=(1, 3), window=4, prompt_dim=64, dec_mlp=128, dec_heads=2),
}


def check_tile(tile: int) -> None:
    if tile % PATCH or tile < 2 * PATCH:
        raise ValueError(f"SAM tiles must be a multiple of {PATCH} px and at least {2 * PATCH}; got {tile}")


def build_parts(backbone: str, img_size: int) -> tuple[nn.Module, nn.Module, nn.Module]:
    """(image_encoder, prompt_encoder, mask_decoder) of a SAM config at ``img_size`` px."""
    from segment_anything.modeling import ImageEncoderViT, MaskDecoder, PromptEncoder, TwoWayTransformer

    cfg = SAM_CONFIGS[backbone]
    check_tile(img_size)
    grid = img_size // PATCH
    encoder = ImageEncoderViT(
        img_size=img_size,
        patch_size=PATCH,
        embed_dim=cfg["embed_dim"],
        depth=cfg["depth"],
        num_heads=cfg["heads"],
        mlp_ratio=4,
        norm_layer=partial(nn.LayerNorm, eps=1e-6),
        qkv_bias=True,
        use_rel_pos=True,
        global_attn_indexes=cfg["global_attn"],
        window_size=cfg["window"],
        out_chans=cfg["prompt_dim"],
    )
    prompt = PromptEncoder(
        embed_dim=cfg["prompt_dim"],
        image_embedding_size=(grid, grid),
        input_image_size=(img_size, img_size),
        mask_in_chans=16,
    )
    decoder = MaskDecoder(
        num_multimask_outputs=3,
        transformer=TwoWayTransformer(depth=2, embedding_dim=cfg["prompt_dim"], mlp_dim=cfg["dec_mlp"], num_heads=cfg["dec_heads"]),
        transformer_dim=cfg["prompt_dim"],
        iou_head_depth=3,
        iou_head_hidden_dim=256 if cfg["prompt_dim"] == 256 else cfg["prompt_dim"],
    )
    return encoder, prompt, decoder


def _resize_pos_embed(pe: torch.Tensor, grid: int) -> torch.Tensor:
    if pe.shape[1] == grid and pe.shape[2] == grid:
        return pe
    out = F.interpolate(pe.permute(0, 3, 1, 2).float(), size=(grid, grid), mode="bicubic", align_corners=False)
    return out.permute(0, 2, 3, 1).to(pe.dtype).contiguous()


def _resize_rel_pos(table: torch.Tensor, length: int) -> torch.Tensor:
    if table.shape[0] == length:
        return table
    out = F.interpolate(table.t()[None].float(), size=length, mode="linear", align_corners=False)
    return out[0].t().to(table.dtype).contiguous()


def resize_sam_state(state: dict, backbone: str, img_size: int) -> dict:
    """Meta-layout SAM state (any input size) -> the shapes of a model built at ``img_size``."""
    cfg = SAM_CONFIGS[backbone]
    grid = img_size // PATCH
    out = dict(state)
    key = "image_encoder.pos_embed"
    if key in out:
        out[key] = _resize_pos_embed(out[key], grid)
    for i in cfg["global_attn"]:
        for axis in ("h", "w"):
            key = f"image_encoder.blocks.{i}.attn.rel_pos_{axis}"
            if key in out:
                out[key] = _resize_rel_pos(out[key], 2 * grid - 1)
    return out


class SamCore(nn.Module):
    """SAM's three modules at the tile size; ``forward`` is the prompt-free slick classifier.

    State-dict keys are Meta's (image_encoder.*, prompt_encoder.*, mask_decoder.*), so a
    converted Meta checkpoint loads after ``resize_sam_state``.
    """

    def __init__(self, backbone: str, tile: int):
        super().__init__()
        self.backbone, self.tile = backbone, tile
        self.image_encoder, self.prompt_encoder, self.mask_decoder = build_parts(backbone, tile)
        self.register_buffer("pixel_mean", torch.tensor(PIXEL_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("pixel_std", torch.tensor(PIXEL_STD).view(1, 3, 1, 1), persistent=False)

    def normalise(self, x: torch.Tensor) -> torch.Tensor:
        return (x.expand(-1, 3, -1, -1) - self.pixel_mean) / self.pixel_std

    def decode(self, emb: torch.Tensor) -> torch.Tensor:
        """Prompt-free mask decoding of image embeddings [B, C, h, w] -> logits [B, 1, 4h, 4w]."""
        dec = self.mask_decoder
        b, c, h, w = emb.shape
        dense = self.prompt_encoder.no_mask_embed.weight.reshape(1, -1, 1, 1)
        pos = self.prompt_encoder.get_dense_pe().to(emb.dtype).expand(b, -1, -1, -1)
        tokens = torch.cat([dec.iou_token.weight, dec.mask_tokens.weight], dim=0).unsqueeze(0).expand(b, -1, -1)
        hs, src = dec.transformer(emb + dense, pos, tokens)
        src = src.transpose(1, 2).reshape(b, c, h, w)
        up = dec.output_upscaling(src)  # [B, C/8, 4h, 4w]
        hyper = dec.output_hypernetworks_mlps[0](hs[:, 1, :])  # single-mask token
        return torch.einsum("bc,bchw->bhw", hyper, up).unsqueeze(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        emb = self.image_encoder(self.normalise(x))
        logits = self.decode(emb)
        return F.interpolate(logits, size=x.shape[-2:], mode="bilinear", align_corners=False)
