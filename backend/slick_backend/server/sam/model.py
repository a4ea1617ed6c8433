"""Load the SAM used for interactive prompts: "tiny", a Meta-layout checkpoint, or a model dir.

All three give a ``SamCore`` (models/sam_common.py: image encoder, prompt encoder, mask
decoder at one input size) plus a key that names the exact weights, used in cache keys.

- "tiny": the vit_tiny config at 256 px, random weights with a fixed seed (tests, demo).
- "*.safetensors": Meta key names (image_encoder.*, ...); vit_b / l / h from the patch
  embedding width; built at 1024 px (Meta's size). "random:vit_b" builds a ViT-B with
  random weights (benchmarks).
- a SamLoRA / SVD-SAM model dir: the trained module (LoRA paths in place) at its tile size.
- "slick-s1-prompt" (the shipped prompt model) or another prompt model dir (prompt/): a small
  SAR encoder with SAM's prompt encoder and mask decoder, 256 px windows at its 25 m grid.

``find_sam_model`` (stdlib only: the server process calls it) turns the name a client gave
into what ``load_sam`` (in the worker) loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError

TINY_SIZE = 256
WIDTH_TO_BACKBONE = {768: "vit_b", 1024: "vit_l", 1280: "vit_h"}


def sam_checkpoints(sam_dir: Path) -> list[dict]:
    """The SAM checkpoints (*.safetensors) offered for prompting, by name (file stem) and path."""
    if not sam_dir.is_dir():
        return []
    return [{"name": p.stem, "path": str(p)} for p in sorted(sam_dir.glob("*.safetensors"))]


def _no_such_model(model: str) -> InputError:
    return InputError(f"{model}: no such SAM model; give slick-s1-prompt, 'tiny', a .safetensors SAM checkpoint, "
                      "a prompt model or a SamLoRA model dir")


def find_sam_model(model: str, sam_dir: Path, check_path: Callable[[str], None]) -> str:
    """What the worker loads for ``model``: a name it knows, a checkpoint of ``sam_dir`` by name, or
    an existing path (absolute) that ``check_path`` allows (a restricted server's data roots)."""
    from ...prompt.store import SHIPPED_NAME

    if model == "tiny" or model.startswith("random:") or model == SHIPPED_NAME:  # the worker knows these
        return model
    for c in sam_checkpoints(sam_dir):
        if c["name"] == model:
            return c["path"]
    check_path(model)
    path = Path(model).expanduser()
    if not path.exists():
        raise _no_such_model(model)
    return str(path.resolve())


@dataclass
class LoadedSam:
    core: object  # models.sam_common.SamCore, eval mode, on ``device``
    key: str  # identifies the weights (for cache keys)
    name: str
    input_size: int
    pixel_size: float | None  # the training pixel size of a fine-tuned model, else None
    device: str
    dense_pe: object = None  # the prompt encoder's positional grid, computed once
    decoder: object = None  # decoder.OrtDecoder on a CPU (None: PyTorch decodes)


def _random_core(backbone: str, size: int, seed: int = 0):
    import torch

    from ...models.sam_common import SamCore

    gen_state = torch.random.get_rng_state()
    torch.manual_seed(seed)  # same weights in every process: the disk cache stays valid
    try:
        core = SamCore(backbone, size)
    finally:
        torch.random.set_rng_state(gen_state)
    return core


def _from_checkpoint(path: Path):
    from safetensors.torch import load_file

    from ...models.sam_common import META_IMG, SamCore, resize_sam_state

    try:
        state = load_file(str(path))
    except Exception as exc:  # safetensors raises its own error type for a bad header
        raise InputError(f"{path}: not a readable safetensors SAM checkpoint ({exc}); convert Meta's .pth first") from None
    state = {k.removeprefix("sam."): v for k, v in state.items()}
    weight = state.get("image_encoder.patch_embed.proj.weight")
    if weight is None or int(weight.shape[0]) not in WIDTH_TO_BACKBONE:
        raise InputError(f"{path}: not a SAM ViT-B/L/H checkpoint (no image_encoder.patch_embed.proj.weight of width 768/1024/1280)")
    backbone = WIDTH_TO_BACKBONE[int(weight.shape[0])]
    core = SamCore(backbone, META_IMG)
    missing, unexpected = core.load_state_dict(resize_sam_state(state, backbone, META_IMG), strict=False)
    if missing or unexpected:
        raise InputError(f"{path}: checkpoint does not fit SAM {backbone} ({len(missing)} missing, {len(unexpected)} unexpected tensors)")
    return core, backbone


def _from_model_dir(path: Path, device: str):
    from ...models.modeldir import load_model_dir, read_card
    from ...models.sam_common import SamCore

    card = read_card(path)
    if card.get("arch") not in ("samlora", "samsvd"):
        raise InputError(f"{path}: a {card.get('arch')} model cannot take SAM prompts; give a SamLoRA model dir or a SAM checkpoint")
    loaded = load_model_dir(path, device=device)
    cores = [m for m in loaded.module.modules() if isinstance(m, SamCore)]
    if not cores:
        raise InputError(f"{path}: no SAM inside this model; give a SamLoRA model dir or a SAM checkpoint")
    return cores[0], card


def load_sam(model: str, device: str = "cpu") -> LoadedSam:
    import torch

    if model == "tiny":
        core, key, size, px = _random_core("vit_tiny", TINY_SIZE), "tiny-vit_tiny-256-seed0", TINY_SIZE, None
    elif model.startswith("random:"):
        backbone = model.split(":", 1)[1]
        from ...models.sam_common import META_IMG, SAM_CONFIGS

        if backbone not in SAM_CONFIGS:
            raise InputError(f"{model}: unknown SAM backbone; use one of {', '.join(SAM_CONFIGS)}")
        size = TINY_SIZE if backbone == "vit_tiny" else META_IMG
        core, key, px = _random_core(backbone, size), f"random-{backbone}-{size}-seed0", None
    else:
        from ...prompt.store import SHIPPED_NAME, is_prompt_model, load_prompt_model, shipped_prompt_path

        path = shipped_prompt_path() if model == SHIPPED_NAME else Path(model)
        if model == SHIPPED_NAME and not path.is_dir():
            raise InputError(f"the shipped prompt model {SHIPPED_NAME} is not installed in {path}; make it with "
                             "`slick-backend pretrain-prompt --config configs/prompt.toml`, or choose another SAM model")
        if path.is_dir() and is_prompt_model(path):
            core, card = load_prompt_model(path, device)
            size, px, key = int(card["tile"]), float(card.get("pixel_size") or 25.0), f"prompt-{card['weights_sha256']}"
        elif path.is_dir():
            core, card = _from_model_dir(path, device)
            size, px = int(card["tile"]), card.get("pixel_size")
            key = f"dir-{card.get('weights_sha256')}"
        elif path.is_file():
            from .cache import file_checksum

            core, _ = _from_checkpoint(path)
            size, px, key = core.tile, None, f"ckpt-{file_checksum(path)}"
        else:
            raise _no_such_model(model)
    core.eval()
    for p in core.parameters():
        p.requires_grad_(False)
    core = core.to(torch.device(device))
    return LoadedSam(core=core, key=key, name=model, input_size=int(size), pixel_size=px, device=device)
