"""SVD-tuned SAM: learn a scale and a shift of each encoder weight matrix's singular values.

Every Linear of the image encoder (qkv, proj, mlp.lin1, mlp.lin2) is factorised once,
W = U diag(s) V^T, and used as U diag(relu(s * scale + shift)) V^T + b with ``scale`` (init
1) and ``shift`` (init 0) trainable: 2 * min(D, K) parameters per matrix, and the model
starts as the SAM it wraps. The encoder's layer norms are trainable too, and the prompt
encoder and mask decoder as for SamLoRA. U, s, V are stored as buffers (so a saved model
dir is self-contained); the original W is dropped.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .sam_common import SamCore


class SVDLinear(nn.Module):
    def __init__(self, linear: nn.Linear):
        super().__init__()
        w = linear.weight.detach().float()
        u, s, vh = torch.linalg.svd(w, full_matrices=False)
        self.register_buffer("u", u.contiguous())
        self.register_buffer("s", s.contiguous())
        self.register_buffer("vh", vh.contiguous())
        self.scale = nn.Parameter(torch.ones_like(s))
        self.shift = nn.Parameter(torch.zeros_like(s))
        self.bias = None if linear.bias is None else nn.Parameter(linear.bias.detach().clone(), requires_grad=False)

    def weight(self) -> torch.Tensor:
        s = F.relu(self.s * self.scale + self.shift)
        return (self.u * s) @ self.vh

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight().to(x.dtype), None if self.bias is None else self.bias.to(x.dtype))


def add_svd(core: SamCore) -> SamCore:
    for block in core.image_encoder.blocks:
        block.attn.qkv = SVDLinear(block.attn.qkv)
        block.attn.proj = SVDLinear(block.attn.proj)
        block.mlp.lin1 = SVDLinear(block.mlp.lin1)
        block.mlp.lin2 = SVDLinear(block.mlp.lin2)
    return core


def set_trainable_svd(core: SamCore) -> None:
    norms = {id(p) for m in core.image_encoder.modules() if isinstance(m, nn.LayerNorm) for p in m.parameters()}
    for name, p in core.named_parameters():
        if name.startswith("image_encoder."):
            p.requires_grad_(name.endswith((".scale", ".shift")) or id(p) in norms)
        else:
            p.requires_grad_(True)


def svd_param_count(core: SamCore) -> int:
    return sum(p.numel() for n, p in core.named_parameters() if n.endswith((".scale", ".shift")))
