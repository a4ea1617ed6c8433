"""The architectures: parameter counts, LoRA / SVD start as SAM, resizing, single-band DeepLab."""

from __future__ import annotations

import pytest
import torch
from slick_backend.models.registry import build_from_spec, count_params, normalise_spec
from slick_backend.models.sam_common import SamCore, resize_sam_state
from slick_backend.models.sam_svd import SVDLinear, add_svd, set_trainable_svd, svd_param_count
from slick_backend.models.samlora import (
    LoRAQKV,
    add_lora,
    lora_param_count,
    merge_lora_state,
    set_trainable_lora,
)


def test_samlora_vit_b_trainable_parameters_match_the_design():
    torch.manual_seed(0)
    module = build_from_spec(normalise_spec("samlora", "vit_b", 256))
    core = module.core
    assert lora_param_count(core) == 147_456  # 12 blocks x (q, v) x rank 4 x (768 + 768)
    enc_trainable = [n for n, p in core.image_encoder.named_parameters() if p.requires_grad]
    assert enc_trainable and all(any(f".{m}." in n for m in ("a_q", "b_q", "a_v", "b_v")) for n in enc_trainable)
    decoder = sum(p.numel() for p in core.mask_decoder.parameters())
    prompt = sum(p.numel() for p in core.prompt_encoder.parameters())
    trainable, total = count_params(module)
    assert trainable == 147_456 + decoder + prompt
    assert 89_000_000 < total < 92_000_000  # ViT-B SAM: ~90.7 M at 256 px (smaller position embedding)
    assert core.image_encoder.pos_embed.shape == (1, 16, 16, 768)
    assert core.image_encoder.blocks[2].attn.rel_pos_h.shape == (31, 64)  # global block: 2 * 16 - 1
    assert core.image_encoder.blocks[0].attn.rel_pos_h.shape == (27, 64)  # windowed: 2 * 14 - 1


def _tiny_pair(tile=64):
    torch.manual_seed(1)
    plain = SamCore("vit_tiny", tile)
    # non-zero relative-position tables so the check is not trivially about zeros
    for blk in plain.image_encoder.blocks:
        torch.nn.init.normal_(blk.attn.rel_pos_h, std=0.1)
        torch.nn.init.normal_(blk.attn.rel_pos_w, std=0.1)
    wrapped = SamCore("vit_tiny", tile)
    wrapped.load_state_dict(plain.state_dict())
    return plain.eval(), wrapped


def test_lora_starts_as_sam_and_leaves_k_untouched():
    plain, core = _tiny_pair()
    add_lora(core, rank=4)
    set_trainable_lora(core)
    core.eval()
    x = torch.rand(2, 1, 64, 64) * 254 + 1
    with torch.no_grad():
        assert torch.equal(plain(x), core(x))  # B = 0: exactly SAM
        # perturb B: q and v change, k never does
        lora = core.image_encoder.blocks[0].attn.qkv
        assert isinstance(lora, LoRAQKV)
        torch.nn.init.normal_(lora.b_q.weight)
        torch.nn.init.normal_(lora.b_v.weight)
        tokens = torch.randn(1, 4, 4, 64)
        base = plain.image_encoder.blocks[0].attn.qkv(tokens)
        out = lora(tokens)
    dim = 64
    assert torch.equal(out[..., dim : 2 * dim], base[..., dim : 2 * dim])
    assert not torch.allclose(out[..., :dim], base[..., :dim])
    assert not torch.allclose(out[..., 2 * dim :], base[..., 2 * dim :])
    # frozen: the fused qkv weight; trainable: the four LoRA matrices
    assert not lora.qkv.weight.requires_grad and lora.a_q.weight.requires_grad and lora.b_v.weight.requires_grad
    # merging LoRA into qkv gives a plain SAM with the same outputs
    merged = SamCore("vit_tiny", 64).eval()
    merged.load_state_dict(merge_lora_state(core.state_dict()))
    with torch.no_grad():
        torch.testing.assert_close(merged(x), core(x), rtol=1e-4, atol=1e-4)


def test_svd_starts_as_sam_with_two_params_per_singular_value():
    plain, core = _tiny_pair()
    add_svd(core)
    set_trainable_svd(core)
    core.eval()
    x = torch.rand(2, 1, 64, 64) * 254 + 1
    with torch.no_grad():
        torch.testing.assert_close(core(x), plain(x), rtol=1e-3, atol=1e-3)
    per_block = 2 * (64 + 64 + 64 + 64)  # qkv 192x64, proj 64x64, lin1 256x64, lin2 64x256: min = 64 each
    assert svd_param_count(core) == len(core.image_encoder.blocks) * per_block
    trainable = {n for n, p in core.image_encoder.named_parameters() if p.requires_grad}
    assert any(".norm1." in n for n in trainable) and any(n.endswith(".scale") for n in trainable)
    assert not any(n.endswith("patch_embed.proj.weight") for n in trainable)
    assert isinstance(core.image_encoder.blocks[0].mlp.lin1, SVDLinear)


@pytest.mark.parametrize("tile", [64, 128, 256])
def test_position_embeddings_resize_to_the_tile(tile):
    torch.manual_seed(0)
    meta = SamCore("vit_tiny", 1024).state_dict()  # Meta's layout and input size
    ramp = torch.linspace(-1, 1, 64)
    meta["image_encoder.pos_embed"] = ramp.view(1, 64, 1, 1).expand(1, 64, 64, 64).clone()
    state = resize_sam_state(meta, "vit_tiny", tile)
    core = SamCore("vit_tiny", tile)
    core.load_state_dict(state)  # strict: every shape fits
    grid = tile // 16
    pe = core.image_encoder.pos_embed
    assert pe.shape == (1, grid, grid, 64)
    assert pe[0, 0, 0, 0] < pe[0, -1, 0, 0]  # the vertical ramp survives the resize
    torch.testing.assert_close(pe[0, :, 0, 0], pe[0, :, -1, 0])
    assert core.image_encoder.blocks[1].attn.rel_pos_h.shape[0] == 2 * grid - 1
    with torch.no_grad():
        assert core(torch.rand(1, 1, tile, tile) * 255).shape == (1, 1, tile, tile)
    # and the real ViT-B shapes, without building it
    vb = resize_sam_state({"image_encoder.pos_embed": torch.zeros(1, 64, 64, 768),
                           "image_encoder.blocks.5.attn.rel_pos_h": torch.zeros(127, 64)}, "vit_b", tile)
    assert vb["image_encoder.pos_embed"].shape == (1, grid, grid, 768)
    assert vb["image_encoder.blocks.5.attn.rel_pos_h"].shape == (2 * grid - 1, 64)


def test_deeplab_single_band_equals_imagenet_rgb_on_grey():
    import torchvision
    from slick_backend.models.deeplab import DeepLabCore, adapt_imagenet_state

    torch.manual_seed(0)
    rgb = torchvision.models.resnet18(weights=None).eval()
    core = DeepLabCore("resnet18").eval()
    state = adapt_imagenet_state(rgb.state_dict(), core.net.encoder)
    assert state["conv1.weight"].shape == (64, 1, 7, 7)
    core.net.encoder.load_state_dict(state, strict=False)
    grey = torch.rand(1, 1, 64, 64)
    with torch.no_grad():
        ours = core.net.encoder.conv1(grey)
        theirs = rgb.conv1(grey.expand(-1, 3, -1, -1))
    torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("arch,backbone", [("deeplabv3", "resnet18"), ("samlora", "vit_tiny"), ("samsvd", "vit_tiny")])
def test_public_module_is_probability_and_zero_on_nodata(arch, backbone):
    torch.manual_seed(0)
    module = build_from_spec(normalise_spec(arch, backbone, 64)).eval()
    x = torch.rand(2, 1, 64, 64) * 254 + 1
    x[:, :, :10] = 0
    with torch.no_grad():
        y = module(x)
    assert y.shape == (2, 1, 64, 64)
    assert float(y.min()) >= 0 and float(y.max()) <= 1
    assert float(y[:, :, :10].abs().max()) == 0.0
    assert float(y[:, :, 10:].min()) > 0
