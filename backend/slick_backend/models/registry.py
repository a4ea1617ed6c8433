"""Build any Slick model from a small JSON spec; base and transfer initialisation.

spec = {"arch": "deeplabv3" | "samlora" | "samsvd", "backbone": ..., "tile": px, "options": {...}}
  deeplabv3 options: decoder ("aspp": the paper's DeepLabv3; "plus": DeepLabv3+, stride-4 skip features),
                     output_stride (aspp: 8, the paper's, 16 is ~2.5x cheaper but too coarse for thin slicks;
                     plus: 16, its decoder restores the detail), decoder_channels (256; 128 for the light
                     CPU model), bands (1)
  samlora options:   rank (4)
  samsvd options:    none
"""

from __future__ import annotations

import logging

import torch
from torch import nn

from ..errors import InputError
from .deeplab import BACKBONES, DECODERS, DeepLabCore, load_imagenet
from .names import ARCHS
from .sam_common import SAM_CONFIGS, SamCore, check_tile, resize_sam_state

log = logging.getLogger(__name__)

BACKBONES_BY_ARCH = {"deeplabv3": BACKBONES, "samlora": tuple(SAM_CONFIGS), "samsvd": tuple(SAM_CONFIGS)}
DEFAULT_BACKBONE = {"deeplabv3": "resnet50", "samlora": "vit_b", "samsvd": "vit_b"}


class SlickSegmenter(nn.Module):
    """The public module: stretched 0..255 band in, slick probability out (0 on nodata)."""

    def __init__(self, core: nn.Module, spec: dict):
        super().__init__()
        self.core = core
        self.spec = spec

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.core(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        valid = (x[:, :1] > 0).to(x.dtype)
        return torch.sigmoid(self.core(x)) * valid


def normalise_spec(arch: str, backbone: str | None, tile: int, options: dict | None = None) -> dict:
    if arch not in ARCHS:
        raise InputError(f"--arch {arch}: unknown architecture; use one of {', '.join(ARCHS)}")
    backbone = backbone or DEFAULT_BACKBONE[arch]
    if backbone not in BACKBONES_BY_ARCH[arch]:
        raise InputError(f"--backbone {backbone}: not available for {arch}; use one of {', '.join(BACKBONES_BY_ARCH[arch])}")
    options = dict(options or {})
    if arch == "deeplabv3":
        decoder = str(options.get("decoder", "aspp"))
        if decoder not in DECODERS:
            raise InputError(f"decoder {decoder!r}: unknown DeepLab decoder; use one of {', '.join(DECODERS)}")
        options = {"output_stride": int(options.get("output_stride", 16 if decoder == "plus" else 8)),
                   "decoder_channels": int(options.get("decoder_channels", 256)), "bands": int(options.get("bands", 1)),
                   "decoder": decoder}
        if tile % 32:
            raise InputError(f"tile {tile}: DeepLabv3 needs a multiple of 32 px; prepare the dataset with another --tile")
    else:
        try:
            check_tile(tile)
        except ValueError as exc:
            raise InputError(f"tile {tile}: {exc}; prepare the dataset with another --tile") from None
        options = {"rank": int(options.get("rank", 4))} if arch == "samlora" else {}
    return {"arch": arch, "backbone": backbone, "tile": int(tile), "options": options}


def build_from_spec(spec: dict, base_state: dict | None = None) -> SlickSegmenter:
    """The module of a spec; ``base_state`` = pretrained weights (torchvision / Meta layout)."""
    arch, backbone, tile, opt = spec.get("arch"), spec.get("backbone"), spec.get("tile"), spec.get("options", {})
    if arch not in ARCHS:
        raise InputError(f"architecture {arch!r} in the model card is unknown; this backend knows {', '.join(ARCHS)} "
                         "(a card from a newer Slick, or edited by hand)")
    if arch == "deeplabv3":
        core = DeepLabCore(backbone, opt.get("output_stride", 8), opt.get("decoder_channels", 256), opt.get("bands", 1),
                           opt.get("decoder", "aspp"))
        if base_state is not None:
            n = load_imagenet(core, base_state)
            log.info("loaded %d ImageNet encoder tensors into %s (stem summed over RGB for 1 band)", n, backbone)
    else:
        core = SamCore(backbone, tile)
        if base_state is not None:
            state = resize_sam_state(base_state, backbone, tile)
            missing, unexpected = core.load_state_dict(state, strict=False)
            if missing:
                raise InputError(f"SAM base weights do not fit {backbone}: {len(missing)} tensors missing, e.g. {missing[0]}")
            log.info("loaded Meta SAM %s weights, position embeddings resized to %d px", backbone, tile)
        if arch == "samlora":
            from .samlora import add_lora

            add_lora(core, opt.get("rank", 4))
        else:
            from .sam_svd import add_svd

            add_svd(core)
    module = SlickSegmenter(core, spec)
    set_trainable(module)
    return module


def set_trainable(module: SlickSegmenter) -> None:
    arch = module.spec["arch"]
    if arch == "samlora":
        from .samlora import set_trainable_lora

        set_trainable_lora(module.core)
    elif arch == "samsvd":
        from .sam_svd import set_trainable_svd

        set_trainable_svd(module.core)
    else:
        for p in module.parameters():
            p.requires_grad_(True)


def first_layer_keys(spec: dict) -> tuple[str, ...]:
    if spec["arch"] == "deeplabv3":
        return ("core.net.encoder.conv1.weight", "core.net.encoder.features.0.0.weight")
    return ("core.image_encoder.patch_embed.proj.weight",)


def load_transfer(module: SlickSegmenter, source_card: dict, source_state: dict) -> dict:
    """Load every shape-compatible tensor of a source model; returns a summary for the card/log."""
    src_arch, arch = source_card["model"]["arch"], module.spec["arch"]
    if src_arch != arch:
        raise InputError(f"--from model is {src_arch} but --arch is {arch}; transfer needs the same architecture")
    if source_card["model"]["backbone"] != module.spec["backbone"]:
        raise InputError(
            f"--from model has backbone {source_card['model']['backbone']} but --backbone is {module.spec['backbone']}; use the same backbone"
        )
    if arch != "deeplabv3" and source_card["model"]["tile"] != module.spec["tile"]:
        resize = {k[len("core."):]: v for k, v in source_state.items() if k.startswith("core.")}
        resize = resize_sam_state(resize, module.spec["backbone"], module.spec["tile"])
        source_state = {"core." + k: v for k, v in resize.items()}
    own = module.state_dict()
    loaded, skipped = {}, []
    for key, value in source_state.items():
        if key in own and own[key].shape == value.shape:
            loaded[key] = value
        elif key in own:
            skipped.append(key)
    first = [k for k in skipped if k in first_layer_keys(module.spec)]
    if first:
        log.warning("transfer: first layer %s not loaded (source has %d input bands, this model %d); it starts from its own init",
                    first[0], source_state[first[0]].shape[1], own[first[0]].shape[1])
    others = [k for k in skipped if k not in first]
    if others:
        log.warning("transfer: %d tensors of a different shape not loaded (e.g. %s: a different head)", len(others), others[0])
    module.load_state_dict(loaded, strict=False)
    log.info("transfer: loaded %d of %d tensors from the source model", len(loaded), len(own))
    return {"loaded": len(loaded), "total": len(own), "skipped": skipped}


def count_params(module: nn.Module) -> tuple[int, int]:
    total = sum(p.numel() for p in module.parameters())
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    return trainable, total
