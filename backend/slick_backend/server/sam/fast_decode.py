"""SAM's mask decoder for one image and one prompt, rewritten for export to ONNX Runtime.

The outputs are those of ``MaskDecoder.predict_masks`` (``decoder.py`` checks every export
against it), computed in token layout, [pixels, channels], because ONNX Runtime spends its time
on a CPU in the memory-bound ops between the matrix products, not in the products:

- the upscaling's channel-first LayerNorm2d exports as ReduceMean/Pow/Div over a [32, 128, 128]
  map. A 2x2 stride-2 transposed convolution is a per-pixel linear map to 2 x 2 sub-pixels, so
  the upscaling is matrix products on [pixels, channels] with a fused LayerNorm on the last
  axis, and the masks are put into image order once, at the end (a pixel shuffle);
- for Slick's prompt model (``dense_prompt``) the prompt map's embedding, two more 2x2 stride-2
  convolutions with channel-first norms in the prompt encoder, is computed in the graph the same
  way, from the map's 4 x 4 patches: the engine passes the map, not a [C, 64, 64] embedding;
- SAM's attention splits heads by transposing [4096, heads, channels] tensors on the image
  side. Here the few prompt tokens are spread into a block-diagonal matrix instead (one row per
  head and token, zero outside that head's channels), so the image side is never transposed.

Only the image-sized work changes; the per-token modules (self-attention, MLPs, norms, the
hypernetworks and the IoU head) are SAM's own and are called as they are.
"""

from __future__ import annotations

import math


def applies(core) -> bool:
    """Whether ``core``'s decoder has SAM's layout (any width, depth and head count)."""
    from segment_anything.modeling.common import LayerNorm2d
    from segment_anything.modeling.transformer import Attention, TwoWayTransformer
    from torch import nn

    dec = core.mask_decoder
    up = list(dec.output_upscaling)
    kinds = [nn.ConvTranspose2d, LayerNorm2d, nn.Module, nn.ConvTranspose2d, nn.Module]
    if len(up) != len(kinds) or not all(isinstance(m, k) for m, k in zip(up, kinds, strict=True)):
        return False
    if not all(c.kernel_size == (2, 2) and c.stride == (2, 2) and c.padding == (0, 0) and c.groups == 1
               and c.dilation == (1, 1) and c.output_padding == (0, 0) for c in (up[0], up[3])):
        return False
    t = dec.transformer
    attns = [t.final_attn_token_to_image]
    attns += [a for layer in t.layers for a in (layer.cross_attn_token_to_image, layer.cross_attn_image_to_token)]
    return type(t) is TwoWayTransformer and all(type(a) is Attention for a in attns)


def takes_prompt_map(core) -> bool:
    """Whether the export embeds the prompt map itself (Slick's prompt model, SAM's mask_downscaling layout)."""
    from segment_anything.modeling.common import LayerNorm2d
    from torch import nn

    if not getattr(core, "dense_prompt", False):
        return False
    down = list(core.prompt_encoder.mask_downscaling)
    kinds = [nn.Conv2d, LayerNorm2d, nn.Module, nn.Conv2d, LayerNorm2d, nn.Module, nn.Conv2d]
    if len(down) != len(kinds) or not all(isinstance(m, k) for m, k in zip(down, kinds, strict=True)):
        return False
    return (all(c.kernel_size == (2, 2) and c.stride == (2, 2) and c.padding == (0, 0) for c in (down[0], down[3]))
            and down[6].kernel_size == (1, 1) and all(c.groups == 1 and c.dilation == (1, 1) for c in down[::3]))


def _head_mask(attn):
    """[heads, internal dim]: 1 where a channel belongs to the head."""
    import torch

    d = attn.internal_dim // attn.num_heads
    return (torch.arange(attn.internal_dim)[None] // d == torch.arange(attn.num_heads)[:, None]).float()


def _blocks(x, mask):
    """[T, D] -> [heads * T, D]: row (h, t) is x[t] on head h's channels, zero elsewhere."""
    return (x[None] * mask[:, None]).reshape(-1, x.shape[-1])


def tokens_to_image(attn, mask, q, k, v):
    """SAM's ``Attention`` with few queries ([T, C] tokens) on image keys and values ([N, C])."""
    import torch

    q, k, v = attn.q_proj(q), attn.k_proj(k), attn.v_proj(v)
    heads, t = mask.shape[0], q.shape[0]
    scores = _blocks(q, mask) @ k.transpose(0, 1) / math.sqrt(q.shape[-1] // heads)  # [heads * T, N]
    out = torch.softmax(scores, dim=-1) @ v  # [heads * T, D]: head h's rows are right on head h's channels
    return attn.out_proj((out.reshape(heads, t, -1) * mask[:, None]).sum(0))


def image_to_tokens(attn, mask, q, k, v):
    """SAM's ``Attention`` with image queries ([N, C]) on a few tokens' keys and values ([T, C])."""
    import torch

    q, k, v = attn.q_proj(q), attn.k_proj(k), attn.v_proj(v)
    heads, t = mask.shape[0], k.shape[0]
    scores = q @ _blocks(k, mask).transpose(0, 1) / math.sqrt(q.shape[-1] // heads)  # [N, heads * T]
    p = torch.softmax(scores.reshape(-1, heads, t), dim=-1).reshape(-1, heads * t)
    return attn.out_proj(p @ _blocks(v, mask))


def _per_subpixel(conv):
    """A 2x2 stride-2 transposed convolution [in, out, 2, 2] -> [2 * 2, in, out] (one map per sub-pixel a, b), bias."""
    w = conv.weight.detach()
    return w.permute(2, 3, 0, 1).reshape(4, w.shape[0], w.shape[1]).clone(), conv.bias.detach().clone()


def _norm_of(norm):
    return norm.weight.detach().clone(), norm.bias.detach().clone(), norm.eps


def _take_decoder(mod, core) -> None:
    """The mask decoder's weights on ``mod``, laid out for token layout."""
    import torch

    dec = core.mask_decoder
    mod.t, mod.hyper = dec.transformer, dec.output_hypernetworks_mlps
    mod.iou_head, mod.n_masks = dec.iou_prediction_head, dec.num_mask_tokens
    conv1, norm, mod.act1, conv2, mod.act2 = dec.output_upscaling
    mod.norm, mod.c1 = _norm_of(norm), conv1.out_channels
    w1, mod.b1 = _per_subpixel(conv1)
    w2, b2 = _per_subpixel(conv2)
    mod.register_buffer("w1", w1)  # [ab, C, C1]
    mod.register_buffer("w2", w2.transpose(1, 2)[:, None].clone())  # [a2b2, 1, C2, C1]
    mod.b2 = b2[:, None]
    pe = core.prompt_encoder.get_dense_pe().detach()
    mod.h, mod.w = pe.shape[-2:]
    mod.register_buffer("pe", pe[0].flatten(1).transpose(0, 1).clone())  # [h*w, C]
    mod.register_buffer("out_tokens", torch.cat([dec.iou_token.weight, dec.mask_tokens.weight], 0).detach().clone())
    first = mod.t.layers[0]
    mod.to_image_mask = _head_mask(first.cross_attn_token_to_image)
    mod.to_tokens_mask = _head_mask(first.cross_attn_image_to_token)
    mod.final_mask = _head_mask(mod.t.final_attn_token_to_image)


def _take_map_embedding(mod, core) -> None:
    """The prompt encoder's mask_downscaling on ``mod``: conv1 [C1, 1, u, v] -> [(u, v), C1],
    conv2 [C2, C1, a, b] -> [(a, b, C1), C2], conv3 [C, C2, 1, 1] -> [C2, C]."""
    conv1, norm1, mod.map_act1, conv2, norm2, mod.map_act2, conv3 = core.prompt_encoder.mask_downscaling
    mod.map_norm1, mod.map_norm2 = _norm_of(norm1), _norm_of(norm2)
    mod.m1, mod.m2 = conv1.out_channels, conv2.out_channels
    mod.register_buffer("mw1", conv1.weight.detach().reshape(mod.m1, 4).transpose(0, 1).clone())
    mod.register_buffer("mw2", conv2.weight.detach().permute(2, 3, 1, 0).reshape(4 * mod.m1, mod.m2).clone())
    mod.register_buffer("mw3", conv3.weight.detach()[:, :, 0, 0].transpose(0, 1).clone())
    mod.mb = (conv1.bias.detach().clone(), conv2.bias.detach().clone(), conv3.bias.detach().clone())


def _map_tokens(mod, prompt_map):
    """SAM's mask_downscaling of a [1, 1, 4h, 4w] map as [h*w, C] tokens: each 4 x 4 patch
    (sub-patches a, b of pixels u, v) is one token."""
    import torch.nn.functional as F

    h, w = mod.h, mod.w
    x = prompt_map.reshape(h, 2, 2, w, 2, 2).permute(0, 3, 1, 4, 2, 5).reshape(h * w, 4, 4)  # i j, a b, u v
    x = mod.map_act1(F.layer_norm(x @ mod.mw1 + mod.mb[0], (mod.m1,), *mod.map_norm1))  # [hw, ab, C1]
    x = mod.map_act2(F.layer_norm(x.reshape(h * w, -1) @ mod.mw2 + mod.mb[1], (mod.m2,), *mod.map_norm2))
    return x @ mod.mw3 + mod.mb[2]


def _layer(mod, blk, queries, keys, tokens):
    """SAM's TwoWayAttentionBlock on [T, C] tokens and [N, C] image keys."""
    if blk.skip_first_layer_pe:
        queries = blk.self_attn(q=queries[None], k=queries[None], v=queries[None])[0]
    else:
        q = (queries + tokens)[None]
        queries = queries + blk.self_attn(q=q, k=q, v=queries[None])[0]
    queries = blk.norm1(queries)
    queries = blk.norm2(queries + tokens_to_image(blk.cross_attn_token_to_image, mod.to_image_mask,
                                                  queries + tokens, keys + mod.pe, keys))
    queries = blk.norm3(queries + blk.mlp(queries))
    keys = blk.norm4(keys + image_to_tokens(blk.cross_attn_image_to_token, mod.to_tokens_mask,
                                            keys + mod.pe, queries + tokens, queries))
    return queries, keys


def _masks(mod, keys, hs):
    """Upscaled image tokens [N, C] x the mask tokens' hypernetworks -> masks [1, M, 4h, 4w]."""
    import torch
    import torch.nn.functional as F

    x = keys @ mod.w1 + mod.b1  # [ab, pixels, C1]
    x = mod.act1(F.layer_norm(x, (mod.c1,), *mod.norm))
    x = mod.act2(mod.w2 @ x.transpose(1, 2) + mod.b2)  # [a2b2, ab, C2, pixels]
    hyper = torch.stack([mod.hyper[i](hs[1 + i]) for i in range(mod.n_masks)], dim=0)  # [M, C2]
    m, h, w = mod.n_masks, mod.h, mod.w
    masks = (hyper @ x).reshape(2, 2, 2, 2, m, h, w).permute(4, 2, 0, 3, 1, 5, 6)  # m, a, a2, b, b2, i, j
    return F.pixel_shuffle(masks.reshape(1, m * 16, h, w), 4)  # row 4i + 2a + a2, col 4j + 2b + b2


def build(core):
    """A torch module (emb [1,C,h,w], sparse [1,T,C], dense [1,C,h,w] or, when ``takes_prompt_map``,
    the prompt map [1,1,4h,4w]) -> (masks [1,M,4h,4w], iou [1,M])."""
    import torch

    class Decode(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            _take_decoder(self, core)
            self.from_map = takes_prompt_map(core)
            if self.from_map:
                _take_map_embedding(self, core)

        def forward(self, emb, sparse, dense):
            tokens = torch.cat([self.out_tokens, sparse[0]], dim=0)  # [T, C]
            if self.from_map:
                keys = emb[0].flatten(1).transpose(0, 1) + _map_tokens(self, dense)  # [h*w, C]
            else:
                keys = (emb + dense)[0].flatten(1).transpose(0, 1)
            queries = tokens
            for blk in self.t.layers:
                queries, keys = _layer(self, blk, queries, keys, tokens)
            attn = tokens_to_image(self.t.final_attn_token_to_image, self.final_mask, queries + tokens,
                                   keys + self.pe, keys)
            hs = self.t.norm_final_attn(queries + attn)
            return _masks(self, keys, hs), self.iou_head(hs[:1])

    return Decode().eval()
