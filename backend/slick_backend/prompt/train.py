"""Use case ``pretrain-prompt``: a config -> the shipped prompt model, reproducibly.

The simulated scene sets and their datasets are ``pretrain-source``'s (the config names that
config; stages already in the work dir are reused). Training samples a simulated train window
with slicks, one of its slicks and a noisy prompt (data.py); the loss is SAM's: the single-mask
output and the best of the three multimask outputs against the slick (binary cross-entropy +
Dice), plus the predicted IoU against the real one. Every ``val_every`` steps the model is
scored on fixed simulated validation prompts (tight box, box with 0.4 noise, one point, three
points; with ``dark_water``, also a 0.4 box with dark water beside the slick; with ``neighbour``,
a 0.4 box with another slick beside it) and the best weights are kept; the real mosaics are never
used.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tomllib

from ..errors import InputError
from ..progress import Progress
from .data import (
    DARK_KIND,
    NEIGHBOUR_KIND,
    Prompt,
    add_dark_field,
    add_dark_water,
    add_neighbour,
    augment,
    load_windows,
    make_prompt,
    noisy_box,
    others_of,
    sample_points,
    tight_box,
)


@dataclass
class PretrainPromptParams:
    config: str
    out_dir: str
    work: str
    overwrite: bool = False
    command: str | None = None


def load_config(path: str | Path) -> dict:
    try:
        cfg = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read the prompt config ({exc})") from None
    for section in ("model", "data", "training"):
        if section not in cfg:
            raise InputError(f"{path}: no [{section}] table; see configs/prompt.toml")
    return cfg


# --- batches -------------------------------------------------------------------------------
def _tensors(prompts: list[Prompt], device):
    """Per-sample prompt tensors (None where a sample has no box / no points)."""
    import torch

    out = []
    for p in prompts:
        box = torch.from_numpy(p.box)[None].to(device) if p.box is not None else None
        pts = None
        if p.points is not None:
            pts = (torch.from_numpy(p.points)[None].to(device), torch.from_numpy(p.labels)[None].to(device))
        out.append((pts, box))
    return out


def encode_prompt(net, pts, box):
    """SAM's prompt encoder on one prompt, with the dense prompt map when the model draws one."""
    masks = net.prompt_map(box, pts).to(next(net.parameters()).device) if net.dense_prompt else None
    return net.prompt_encoder(points=pts, boxes=box, masks=masks)


def forward_all(net, images, prompts: list[Prompt], grouped: bool | None = None):
    """Low-res logits of the 4 outputs [B, 4, 4h, 4w] (single first) and predicted IoU [B, 4].

    SAM's decoder takes one image and its prompts, so each sample is decoded on its own. With
    ``grouped`` (the default on CUDA) the samples whose prompts have the same number of tokens are
    decoded together (decode_group): on a GPU a step otherwise waits on Python, about 36 ms a
    sample on an H200. On 2 CPU cores grouping saves nothing (1.44 against 1.37 s for the forward
    and backward of 8, interleaved), and one by one the shipped weights come out of their recipe
    again bit for bit (grouping changes the float rounding)."""
    import torch

    emb = net.embed(images)
    pe = net.prompt_encoder.get_dense_pe()
    encoded = [encode_prompt(net, pts, box) for pts, box in _tensors(prompts, images.device)]
    if not (images.device.type == "cuda" if grouped is None else grouped):
        out = [net.mask_decoder.predict_masks(image_embeddings=emb[i:i + 1], image_pe=pe, sparse_prompt_embeddings=sparse,
                                              dense_prompt_embeddings=dense) for i, (sparse, dense) in enumerate(encoded)]
        return torch.cat([m for m, _ in out]), torch.cat([q for _, q in out])
    groups: dict[int, list[int]] = {}
    for i, (sparse, _) in enumerate(encoded):
        groups.setdefault(sparse.shape[1], []).append(i)
    masks, ious = [None] * len(prompts), [None] * len(prompts)
    for idx in groups.values():
        m, q = decode_group(net.mask_decoder, emb[idx], pe, torch.cat([encoded[i][0] for i in idx]),
                            torch.cat([encoded[i][1] for i in idx]))
        for j, i in enumerate(idx):
            masks[i], ious[i] = m[j:j + 1], q[j:j + 1]
    return torch.cat(masks), torch.cat(ious)


def decode_group(decoder, emb, pe, sparse, dense):
    """SAM's mask decoder (``MaskDecoder.predict_masks``' computation) on B images with one prompt
    each, all with the same number of tokens: emb and dense [B, C, h, w], pe [1, C, h, w], sparse
    [B, T, C] -> low-res logits [B, K, 4h, 4w] and predicted IoU [B, K]. (SAM's own repeats one
    image for B prompts.)"""
    import torch

    b, c, h, w = emb.shape
    out_tokens = torch.cat([decoder.iou_token.weight, decoder.mask_tokens.weight]).expand(b, -1, -1)
    hs, src = decoder.transformer(emb + dense, pe.expand(b, -1, -1, -1), torch.cat([out_tokens, sparse], 1))
    up = decoder.output_upscaling(src.transpose(1, 2).reshape(b, c, h, w))
    hyper = torch.stack([mlp(hs[:, 1 + k]) for k, mlp in enumerate(decoder.output_hypernetworks_mlps)], 1)
    masks = (hyper @ up.flatten(2)).view(b, -1, *up.shape[-2:])
    return masks, decoder.iou_prediction_head(hs[:, 0])


def _mask_loss(logits, target):
    """Per sample and output: BCE + soft Dice. logits [B, K, H, W], target [B, 1, H, W]."""
    import torch.nn.functional as F

    t = target.expand_as(logits)
    bce = F.binary_cross_entropy_with_logits(logits, t, reduction="none").mean((-1, -2))
    p = logits.sigmoid()
    dice = 1 - (2 * (p * t).sum((-1, -2)) + 1) / (p.sum((-1, -2)) + t.sum((-1, -2)) + 1)
    return bce + dice


def loss_fn(logits, ious, target):
    import torch

    with torch.no_grad():
        hard = (logits > 0).float()
        inter = (hard * target).sum((-1, -2))
        union = ((hard + target) > 0).float().sum((-1, -2))
        real_iou = inter / union.clamp(min=1)
    per = _mask_loss(logits, target)  # [B, 4]
    loss = per[:, 0] + per[:, 1:].min(dim=1).values
    return (loss + ((ious - real_iou) ** 2).sum(1)).mean()


# --- validation ------------------------------------------------------------------------------
VAL_KINDS = ("tight_box", "box_0.4", "point_1", "points_3")


@dataclass
class ValPrompt:
    window: int
    slick: int
    kind: str
    prompt: Prompt
    image: np.ndarray | None = None  # the window's image changed for this prompt (a hard negative), else None


def donor_of(windows, rng: np.random.Generator) -> np.ndarray:
    """A slick mask of a random window: the shape add_neighbour gives the neighbour."""
    win = windows[rng.integers(len(windows))]
    return win.parts[rng.integers(len(win.parts))]


def val_prompts(windows, count: int, seed: int, dark_water: bool = False, neighbour: bool = False) -> list[ValPrompt]:
    """Fixed validation prompts for up to ``count`` slicks: the kinds of VAL_KINDS, DARK_KIND with
    ``dark_water`` and NEIGHBOUR_KIND with ``neighbour`` (each drawn after the others from its own
    generator, so the others stay the same prompts)."""
    rng = np.random.default_rng(seed)
    pairs = [(w, s) for w, win in enumerate(windows) for s in range(len(win.parts))]
    rng.shuffle(pairs)
    out = []
    for w, s in pairs[:count]:
        win = windows[w]
        part = win.parts[s]
        others = others_of(win.parts, s)
        valid = win.image > 0
        out.append(ValPrompt(w, s, "tight_box", Prompt("box", tight_box(part), None, None)))
        out.append(ValPrompt(w, s, "box_0.4", Prompt("box", noisy_box(part, 0.4, rng), None, None)))
        pts, lab = sample_points(part, others, valid, 1, rng)
        out.append(ValPrompt(w, s, "point_1", Prompt("points", None, pts, lab)))
        pts, lab = sample_points(part, others, valid, 3, rng)
        out.append(ValPrompt(w, s, "points_3", Prompt("points", None, pts, lab)))
    hard = ((DARK_KIND, dark_water, 1, add_dark_water),
            (NEIGHBOUR_KIND, neighbour, 2, lambda image, part, box, r: add_neighbour(image, part, box, donor_of(windows, r), r)))
    for kind, wanted, stream, add in hard:  # a 0.4 box, the window changed by the hard negative
        if not wanted:
            continue
        hard_rng = np.random.default_rng([seed, stream])
        for w, s in pairs[:count]:
            part = windows[w].parts[s]
            box = noisy_box(part, 0.4, hard_rng)
            out.append(ValPrompt(w, s, kind, Prompt("box", box, None, None), add(windows[w].image, part, box, hard_rng)))
    return out


def predict_mask(net, image: np.ndarray, prompt: Prompt) -> np.ndarray:
    """The engine's answer: full-size boolean mask, cleaned as the engine cleans it (minor parts dropped)."""
    import torch

    x = torch.from_numpy(image.astype(np.float32))[None, None].to(next(net.parameters()).device)
    with torch.inference_mode():
        emb = net.embed(x)
    return net.clean_mask(decode_mask(net, emb, image.shape, prompt) & (image > 0))


def decode_mask(net, emb, shape: tuple[int, int], prompt: Prompt) -> np.ndarray:
    """``prompt`` on an embedding [1, C, h, w] -> the raw boolean mask of ``shape`` (host memory)."""
    return (decode_logits(net, emb, shape, prompt) > 0).cpu().numpy()


def decode_logits(net, emb, shape: tuple[int, int], prompt: Prompt):
    """``prompt`` on an embedding [1, C, h, w] -> the mask's logits [*shape] (a tensor on the
    embedding's device). The engine's choice of output: one for a box or several points, the
    best-scored of three for a single point (SAM's convention for ambiguous prompts)."""
    import torch
    import torch.nn.functional as F

    multimask = prompt.box is None and prompt.points is not None and len(prompt.points) == 1
    with torch.inference_mode():
        (pts, box), = _tensors([prompt], emb.device)
        sparse, dense = encode_prompt(net, pts, box)
        low, iou = net.mask_decoder(image_embeddings=emb, image_pe=net.prompt_encoder.get_dense_pe(),
                                    sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense,
                                    multimask_output=multimask)
        best = int(torch.argmax(iou[0])) if multimask else 0
        return F.interpolate(low[:, best:best + 1], size=shape, mode="bilinear", align_corners=False)[0, 0]


def dice(pred: np.ndarray, truth: np.ndarray) -> float:
    total = pred.sum() + truth.sum()
    return 1.0 if total == 0 else float(2 * (pred & truth).sum() / total)


def validate(net, windows, prompts: list[ValPrompt]) -> dict:
    net.eval()
    scores: dict[str, list[float]] = {k: [] for k in (*VAL_KINDS, DARK_KIND, NEIGHBOUR_KIND)}
    for v in prompts:
        image = windows[v.window].image if v.image is None else v.image
        scores[v.kind].append(dice(predict_mask(net, image, v.prompt), windows[v.window].parts[v.slick]))
    net.train()
    out = {k: round(float(np.mean(v)), 4) for k, v in scores.items() if v}
    out["mean"] = round(float(np.mean(list(out.values()))), 4)
    return out


# --- the loop ---------------------------------------------------------------------------------
@dataclass
class Fit:
    steps: int
    batch_size: int
    lr: float
    weight_decay: float = 1e-4
    box_noise: float = 0.4
    val_every: int = 200
    seed: int = 0
    val_at_start: bool = False  # fine-tuning: the starting weights compete too (never worse than them)
    augment_preset: str = "none"  # or a train/augment.py preset: its photometric part on top of flips and turns
    dark_water: float = 0.0  # share of samples given a hard negative: dark water beside the slick (data.py)
    neighbour: float = 0.0  # share of samples given another slick beside theirs (data.py)
    dark_field: float = 0.0  # share of samples given dark cells around the slick, touching it (data.py)
    device: str = "cpu"  # the samples are drawn on the CPU either way, in the same order


def photometric_augmenter(preset: str, seed: int):
    """``x -> x`` on a float batch [B, 1, H, W] (0..255, 0 = nodata): the contrast, brightness,
    gamma, blur and grain of a train/augment.py preset (not its warp: the prompts come from the
    unwarped slick masks); None for "none". The input standardisation of the net removes a linear
    stretch, not a gamma, blur or grain, which is where simulated and real scenes still differ."""
    if preset == "none":
        return None
    import torch

    from ..train.augment import PRESETS, photometric_changes

    if preset not in PRESETS:
        raise InputError(f"augment_preset must be none or one of {', '.join(PRESETS)}; got {preset!r}")
    cfg, gen = PRESETS[preset], torch.Generator().manual_seed(seed)
    return lambda x: photometric_changes(x, cfg, gen)


def draw_batch(train_windows, fit: Fit, rng: np.random.Generator, photo=None):
    """One training batch drawn on the CPU: (images [B, 1, H, W], targets [B, 1, H, W], prompts).
    A random window, one of its slicks, flips and turns, a noisy prompt and the hard negatives
    the recipe asks for, in an order fixed by ``rng`` (the device never changes the draws)."""
    import torch

    images, targets, prompts = [], [], []
    for _ in range(fit.batch_size):
        win = train_windows[rng.integers(len(train_windows))]
        image, parts = augment(win.image, win.parts, rng)
        k = int(rng.integers(len(parts)))
        prompt = make_prompt(parts[k], others_of(parts, k), image > 0, rng, fit.box_noise)
        if fit.dark_water > 0 and rng.random() < fit.dark_water:  # no draw without it: same runs as before
            image = add_dark_water(image, parts[k], prompt.box, rng)
        if fit.neighbour > 0 and rng.random() < fit.neighbour:
            image = add_neighbour(image, parts[k], prompt.box, donor_of(train_windows, rng), rng)
        if fit.dark_field > 0 and rng.random() < fit.dark_field:
            image = add_dark_field(image, parts[k], prompt.box, rng)
        prompts.append(prompt)
        images.append(image)
        targets.append(parts[k])
    x = torch.from_numpy(np.stack(images).astype(np.float32))[:, None]
    if photo is not None:
        x = photo(x)
    return x, torch.from_numpy(np.stack(targets).astype(np.float32))[:, None], prompts


def train_step(net, opt, x, t, prompts: list[Prompt], grouped: bool | None = None) -> float:
    """SAM's loss on one batch (already on the net's device), one optimiser step; the loss."""
    import torch

    logits, ious = forward_all(net, x, prompts, grouped)
    loss = loss_fn(logits, ious, t)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()
    return float(loss.detach())


def fit_prompt(net, train_windows, val_windows, vals, fit: Fit, progress: Progress, what: str, on_best=None):
    """SAM's loss on noisy prompts of random train windows; scored on ``vals`` every
    ``val_every`` steps. Returns (history, best entry, best state dict)."""
    import torch

    rng = np.random.default_rng(fit.seed)
    net.to(fit.device)
    photo = photometric_augmenter(fit.augment_preset, fit.seed)
    opt = torch.optim.AdamW(net.parameters(), lr=fit.lr, weight_decay=fit.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=fit.lr, total_steps=fit.steps,
                                                pct_start=max(0.05, 2.0 / fit.steps))  # >= 2 warm-up steps
    history, best, best_state, running = [], None, None, []
    started = time.monotonic()

    def score(step: int) -> None:
        nonlocal best, best_state, running
        scores = validate(net, val_windows, vals)
        entry = {"step": step, "train_loss": round(float(np.mean(running)), 4) if running else None,
                 **{f"val_{k}": v for k, v in scores.items()}, "seconds": round(time.monotonic() - started)}
        history.append(entry)
        running = []
        progress.log(f"{what}: " + json.dumps(entry))
        if best is None or scores["mean"] > best["val_mean"]:
            best = entry
            best_state = {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
            if on_best is not None:
                on_best(entry)

    net.train()
    if fit.val_at_start:
        score(0)
    for step in range(1, fit.steps + 1):
        progress.check()
        x, t, prompts = draw_batch(train_windows, fit, rng, photo)
        loss = train_step(net, opt, x.to(fit.device), t.to(fit.device), prompts)
        sched.step()
        running.append(loss)
        if step % fit.val_every == 0 or step == fit.steps:
            score(step)
        left = (time.monotonic() - started) / step * (fit.steps - step)
        progress.update(step / fit.steps, f"step {step}/{fit.steps}, loss {loss:.3f} (about {left / 60:.0f} min left)")
    return history, best, best_state


# --- the use case ------------------------------------------------------------------------------
def _share(train_cfg: dict, key: str, what: str, config: str) -> float:
    """A hard negative's share of the samples, checked before any simulation."""
    value = train_cfg.get(key, 0.0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise InputError(f"{config}: [training] {key} is the share of samples given {what}, "
                         f"a number from 0 to 1; got {value!r}")
    return float(value)


def _windows(source_cfg, work: Path, progress: Progress):
    """(train, val) simulated windows with slicks: from the work dir's pack when it was made from
    these datasets, else from the datasets (pretrain-source's stages, reused when done), packed."""
    from ..pretrain.stages import build_datasets
    from .pack import PACK_NAME, load_pack, pack_key, save_pack

    key, pack = pack_key(source_cfg), work / PACK_NAME
    windows = load_pack(pack, key)
    if windows is not None:
        progress.log(f"pretrain-prompt: windows from {pack} (made from the same datasets)")
    else:
        progress.update(0.0, "simulated scene sets and datasets (pretrain-source's stages, reused when done)")
        union, _ = build_datasets(source_cfg, work, progress.sub(0.0, 0.1))
        windows = {split: load_windows(union, split) for split in ("train", "val")}
        if not windows["train"] or not windows["val"]:
            raise InputError(f"{union}: no simulated windows with slicks in train or val")
        try:
            save_pack(pack, key, windows)
        except OSError as exc:  # a cache: training goes on without it
            progress.log(f"pretrain-prompt: could not pack the windows into {pack} ({exc}); the next run reads the datasets again")
    return windows["train"], windows["val"]


def _device(train_cfg: dict, config: str) -> str:
    """[training] device ("auto" by default: CUDA when there is a GPU) -> the torch device,
    checked before any simulation."""
    from ..devices import is_device_name, resolve_device

    value = train_cfg.get("device", "auto")
    if not is_device_name(value):
        raise InputError(f"{config}: [training] device is \"auto\", \"cpu\" or \"cuda\"; got {value!r}")
    try:
        return resolve_device(value)
    except InputError:
        raise InputError(f"{config}: [training] device = {value!r}, but no CUDA device is available here; "
                         f"use \"auto\" or \"cpu\"") from None


def _device_name(device: str) -> str:
    """"cpu", or the GPU's name (the card says what trained the weights)."""
    if device == "cpu":
        return device
    import torch

    return f"{device} ({torch.cuda.get_device_name(device)})"


def run_pretrain_prompt(params: PretrainPromptParams, progress: Progress) -> dict:
    import torch

    from ..pretrain.config import load_source_config
    from .net import PromptNet
    from .store import save_prompt_model

    cfg = load_config(params.config)
    if Path(params.out_dir).exists() and not params.overwrite:
        raise InputError(f"{params.out_dir}: already exists; choose another --out or give --overwrite")
    model_cfg, data_cfg, train_cfg = cfg["model"], cfg["data"], cfg["training"]
    augment_preset = str(train_cfg.get("augment_preset", "none"))
    photometric_augmenter(augment_preset, 0)  # a wrong name fails before any simulation
    dark_water = _share(train_cfg, "dark_water", "dark water beside the slick", params.config)
    neighbour = _share(train_cfg, "neighbour", "another slick beside theirs", params.config)
    dark_field = _share(train_cfg, "dark_field", "dark cells around the slick", params.config)
    seed = int(train_cfg.get("seed", 0))
    # the validation prompts follow val_seed, not the training seed, so that runs differing only in
    # their seed select and compare on the same prompts (its default keeps earlier recipes' prompts)
    val_seed = train_cfg.get("val_seed", seed + 1)
    if not isinstance(val_seed, int) or isinstance(val_seed, bool):
        raise InputError(f"{params.config}: [training] val_seed is the whole-number seed of the simulated "
                         f"validation prompts; got {val_seed!r}")
    device = _device(train_cfg, params.config)
    work = Path(params.work)
    source_cfg = load_source_config(data_cfg["source_config"])
    train_windows, val_windows = _windows(source_cfg, work, progress)
    n_train = sum(len(w.parts) for w in train_windows)
    progress.log(f"pretrain-prompt: {len(train_windows)} train windows ({n_train} slicks), "
                 f"{len(val_windows)} val windows")

    torch.manual_seed(seed)
    torch.set_num_threads(int(train_cfg.get("threads", torch.get_num_threads())))
    net = PromptNet(int(model_cfg.get("tile", 256)), int(model_cfg.get("width", 96)),
                    bool(model_cfg.get("dense_prompt", False)))
    steps, batch = int(train_cfg["steps"]), int(train_cfg["batch_size"])
    box_noise = float(train_cfg.get("box_noise", 0.4))
    ckpt_dir = work / "prompt-train"
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    fit = Fit(steps=steps, batch_size=batch, lr=float(train_cfg["lr"]), weight_decay=float(train_cfg.get("weight_decay", 1e-4)),
              box_noise=box_noise, val_every=int(train_cfg.get("val_every", 250)), seed=seed,
              augment_preset=augment_preset, dark_water=dark_water, neighbour=neighbour, dark_field=dark_field,
              device=device)
    vals = val_prompts(val_windows, int(train_cfg.get("val_slicks", 150)), val_seed, dark_water=dark_water > 0,
                       neighbour=neighbour > 0)
    history, best, best_state = fit_prompt(
        net, train_windows, val_windows, vals, fit, progress.sub(0.1, 0.98), "pretrain-prompt",
        on_best=lambda entry: save_prompt_model(ckpt_dir / "best", net, {"checkpoint": entry}))
    net.cpu().load_state_dict(best_state)
    card = {
        "name": model_cfg["name"], "title": model_cfg.get("title", model_cfg["name"]),
        "pixel_size": float(source_cfg.data["pixel_size"]),
        "recipe": {"command": params.command, "config": str(params.config), "config_text": Path(params.config).read_text(),
                   "source_config": str(data_cfg["source_config"]), "seed": seed, "val_seed": val_seed, "steps": steps, "batch_size": batch,
                   "lr": float(train_cfg["lr"]), "box_noise": box_noise, "augment_preset": augment_preset,
                   "dark_water": dark_water, "neighbour": neighbour, "dark_field": dark_field,
                   "device": _device_name(device),
                   "train_windows": len(train_windows), "train_slicks": n_train, "val_windows": len(val_windows)},
        "best": best, "history": history,
    }
    saved = save_prompt_model(Path(params.out_dir), net, card, overwrite=params.overwrite)
    progress.update(1.0, f"prompt model written to {params.out_dir}: val {best}")
    return {"model_dir": str(Path(params.out_dir).resolve()), "best": best, "weights_sha256": saved["weights_sha256"]}
