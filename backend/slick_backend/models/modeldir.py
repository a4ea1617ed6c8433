"""Model directories: ``weights.safetensors`` + ``model.json`` (the model card).

CONTRACT (predict, evaluate, export-onnx and the server code against this)::

    from slick_backend.models.modeldir import load_model_dir
    m = load_model_dir(path, device="cpu")    # -> LoadedModel; raises InputError on a bad dir
    m.module   # torch.nn.Module, eval mode, on `device`:
               #   float [B, 1, H, W], stretched values 0..255 (0 = nodata)
               #   -> slick probability [B, 1, H, W] in 0..1 (exactly 0 on nodata pixels).
               #   Feed tiles of m.card["tile"] x m.card["tile"] (pad with 0 at scene edges):
               #   SAM models only accept that size; DeepLabv3 accepts any multiple of 32.
               #   Normalisation is inside the module (ONNX export sees the same contract).
               #   m.module.logits(x) gives the pre-sigmoid logits (used by training).
    m.card     # dict parsed from model.json (fields below)
    m.path     # Path of the model dir

model.json fields (all always present; null where not applicable):
    format "slick-model", version 1, name, created (UTC ISO 8601)
    arch            "deeplabv3" | "samlora" | "samsvd"
    backbone        e.g. "resnet18", "resnet50", "resnet101", "mobilenet_v2", "vit_b", "vit_l", "vit_tiny"
    model           {"arch", "backbone", "tile", "options"}: everything needed to rebuild the module
    tile            tile size in px the model was trained on (and, for SAM, the only input size)
    pixel_size      metres per pixel of the training data
    bands           1
    modes           acquisition modes seen in training, e.g. ["EW"]
    polarisations   e.g. ["HH"]
    preprocessing   the dataset manifest's stretch description, plus "input": how values enter
    normalisation   {"kind", "mean", "std"}: what the module does to the 0..255 input internally
    output          "sigmoid probability of the slick class, 1 channel"
    threshold       0.5
    init            "base" | "transfer"
    base_weights    {"name", "file", "sha256"} of the pretrained weights used, or null
    source_model    {"path", "name", "sha256"} of the transfer source, or null
    allow_random_init  bool: the flag given at training time
    random_init     bool: true when no pretrained weights were loaded at all
    dataset         {"path", "manifest_sha256"}
    train_scenes, val_scenes   scene ids
    seed, epochs, epochs_run, best_epoch, lr, batch_size, loss, augment, synthesis
    val_metrics     {"loss", "dice"} at the best epoch
    history         [{"epoch", "train_loss", "val_loss", "val_dice", "lr"}, ...]
    trainable_params, total_params
    versions        {"slick_backend", "torch", "segmentation_models_pytorch", "segment_anything", "python"}
    weights_sha256  SHA-256 of weights.safetensors, checked on every load
    weights_dtype   "float32" | "float16": how float tensors are stored (float16 halves a shipped
                    model's size); loading always gives a float32 module
Optional: threshold_source, val_threshold_curve, recipe, simulation, realism (shipped models, see
``slick-backend pretrain-source``); checkpoint {"epoch", "val_loss", ...} (a training checkpoint).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

WEIGHTS = "weights.safetensors"
CARD = "model.json"
FORMAT = "slick-model"


@dataclass
class LoadedModel:
    module: Any  # torch.nn.Module
    card: dict
    path: Path


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def package_versions() -> dict:
    import importlib.metadata as md

    from .. import __version__

    out = {"slick_backend": __version__, "python": platform.python_version()}
    for dist in ("torch", "segmentation-models-pytorch", "segment-anything", "safetensors"):
        try:
            out[dist.replace("-", "_")] = md.version(dist)
        except md.PackageNotFoundError:
            out[dist.replace("-", "_")] = None
    return out


def now_utc() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def read_card(path: str | Path) -> dict:
    """The parsed model.json of a model dir, with one-line errors for the usual mistakes."""
    path = Path(path)
    card_path = path / CARD
    if not path.is_dir():
        raise InputError(f"{path}: not a model directory (it does not exist); give a dir written by `slick-backend train`")
    if not card_path.is_file():
        raise InputError(f"{path}: no {CARD} in it; give a model dir written by `slick-backend train`")
    try:
        card = json.loads(card_path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"{card_path}: unreadable model card ({exc}); retrain or restore the model dir") from None
    if not isinstance(card, dict) or card.get("format") != FORMAT or "model" not in card:
        raise InputError(f"{card_path}: not a Slick model card (format must be {FORMAT!r}); give a dir written by `slick-backend train`")
    return card


def verify_weights(path: str | Path, card: dict) -> Path:
    weights = Path(path) / WEIGHTS
    if not weights.is_file():
        raise InputError(f"{weights}: missing; the model dir is incomplete, retrain or restore it")
    digest = sha256_file(weights)
    if digest != card.get("weights_sha256"):
        raise InputError(
            f"{weights}: SHA-256 {digest[:12]}... does not match the model card's "
            f"{str(card.get('weights_sha256'))[:12]}...; the file is corrupted or was replaced, retrain or restore it"
        )
    return weights


def load_state(path: str | Path, card: dict | None = None) -> tuple[dict, dict]:
    """(card, state dict of float32 CPU tensors) after the checksum check. Never unpickles.

    Float tensors stored as float16 / bfloat16 (``save_model_dir(half=True)``) come back as float32."""
    import torch
    from safetensors.torch import load_file

    card = card or read_card(path)
    weights = verify_weights(path, card)
    try:
        state = load_file(str(weights))
    except Exception as exc:  # a header that safetensors cannot parse
        raise InputError(f"{weights}: not a valid safetensors file ({exc}); retrain or restore it") from None
    half = (torch.float16, torch.bfloat16)
    return card, {k: v.float() if v.dtype in half else v for k, v in state.items()}


def load_model_dir(path: str | Path, device: str = "cpu") -> LoadedModel:
    """Rebuild the module from the card (no pretrained weights), load the verified weights."""
    from .registry import build_from_spec

    path = Path(path)
    card, state = load_state(path)
    module = build_from_spec(card["model"])
    try:
        missing, unexpected = module.load_state_dict(state, strict=False)
    except RuntimeError as exc:  # same names, other shapes: torch lists every tensor on many lines
        first = next((ln.strip() for ln in str(exc).splitlines() if "size mismatch" in ln), str(exc).splitlines()[0])
        raise InputError(f"{path / WEIGHTS}: weights do not fit the card's architecture ({first[:200]}); "
                         "the card and the weights come from different models") from None
    if missing or unexpected:
        raise InputError(
            f"{path / WEIGHTS}: weights do not fit the card's architecture "
            f"({len(missing)} missing, {len(unexpected)} unexpected tensors, e.g. {(missing or unexpected)[0]}); "
            "the card and the weights come from different models"
        )
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return LoadedModel(module=module.to(device), card=card, path=path)


def save_model_dir(tmp_dir: str | Path, module, card: dict, half: bool = False) -> dict:
    """Write weights + card into ``tmp_dir`` (the caller's atomic_dir); returns the final card.

    ``module`` is an nn.Module or its state dict. ``half``: store float32 tensors as float16
    (half the size; shipped models use it; probabilities move by ~1e-3)."""
    import torch
    from safetensors.torch import save_file

    tmp_dir = Path(tmp_dir)
    state = module if isinstance(module, dict) else module.state_dict()
    state = {k: v.detach().to("cpu").contiguous() for k, v in state.items()}
    if half:
        state = {k: v.half() if v.dtype == torch.float32 else v for k, v in state.items()}
    save_file(state, str(tmp_dir / WEIGHTS), metadata={"format": FORMAT})
    os.chmod(tmp_dir / WEIGHTS, 0o644)  # safetensors writes 0600; a model (shipped ones too) reads like any file
    card = dict(card)
    card.setdefault("format", FORMAT)
    card.setdefault("version", 1)
    card.setdefault("created", now_utc())
    card.setdefault("versions", package_versions())
    card["weights_dtype"] = "float16" if half else "float32"
    card["weights_sha256"] = sha256_file(tmp_dir / WEIGHTS)
    write_card(tmp_dir, card)
    return card


def write_card(model_dir: str | Path, card: dict) -> None:
    """(Re)write model.json; the weights checksum must already be in the card."""
    (Path(model_dir) / CARD).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n")
