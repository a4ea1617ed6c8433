"""SamLoRA: rank-r LoRA on the q and v projections of every SAM image-encoder block.

Each block's fused ``qkv`` Linear (dim -> 3*dim) stays frozen; two low-rank paths add
``B_q A_q x`` to the q third and ``B_v A_v x`` to the v third, k is untouched. B starts at
zero, so at initialisation the model is exactly the SAM it wraps. Trainable: the LoRA
matrices, the prompt encoder and the mask decoder (the prompt-free classifier).
Parameter count per block: 2 * r * (dim + dim); ViT-B at r = 4: 12 * 2 * 4 * 1536 = 147,456.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .sam_common import SamCore


class LoRAQKV(nn.Module):
    def __init__(self, qkv: nn.Linear, rank: int = 4, alpha: float | None = None):
        super().__init__()
        dim = qkv.in_features
        self.qkv, self.dim, self.scale = qkv, dim, (alpha or rank) / rank
        self.a_q = nn.Linear(dim, rank, bias=False)
        self.b_q = nn.Linear(rank, dim, bias=False)
        self.a_v = nn.Linear(dim, rank, bias=False)
        self.b_v = nn.Linear(rank, dim, bias=False)
        for a, b in ((self.a_q, self.b_q), (self.a_v, self.b_v)):
            nn.init.kaiming_uniform_(a.weight, a=math.sqrt(5))
            nn.init.zeros_(b.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).split(self.dim, dim=-1)
        q = q + self.scale * self.b_q(self.a_q(x))
        v = v + self.scale * self.b_v(self.a_v(x))
        return torch.cat([q, k, v], dim=-1)


def add_lora(core: SamCore, rank: int = 4) -> SamCore:
    for block in core.image_encoder.blocks:
        block.attn.qkv = LoRAQKV(block.attn.qkv, rank)
    return core


def set_trainable_lora(core: SamCore) -> None:
    """Image encoder frozen except LoRA; prompt encoder and mask decoder trainable."""
    for name, p in core.named_parameters():
        if name.startswith("image_encoder."):
            p.requires_grad_(any(f".{m}." in name for m in ("a_q", "b_q", "a_v", "b_v")))
        else:
            p.requires_grad_(True)


def lora_param_count(core: SamCore) -> int:
    return sum(
        p.numel() for n, p in core.named_parameters() if any(f".{m}." in n for m in ("a_q", "b_q", "a_v", "b_v"))
    )


def merge_lora_state(state: dict) -> dict:
    """A SamLoRA state dict -> plain Meta-layout SAM state (LoRA folded into qkv)."""
    out = {}
    for key, value in state.items():
        if any(f".qkv.{m}." in key for m in ("a_q", "b_q", "a_v", "b_v")):
            continue
        if ".attn.qkv.qkv." in key:
            prefix = key.split(".qkv.qkv.")[0] + ".qkv."
            if key.endswith("weight"):
                value = value.clone()
                dim = value.shape[1]
                bq, aq = state[prefix + "b_q.weight"], state[prefix + "a_q.weight"]
                bv, av = state[prefix + "b_v.weight"], state[prefix + "a_v.weight"]
                value[:dim] += bq @ aq  # scale alpha / rank = 1 (alpha = rank, as built)
                value[2 * dim :] += bv @ av
            key = key.replace(".qkv.qkv.", ".qkv.")
        out[key] = value
    return out
