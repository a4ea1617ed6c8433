"""Prompt model dirs: weights.safetensors + model.json (format "slick-prompt-model").

Not a segmentation model dir (models/modeldir.py): it takes prompts, not whole scenes, so
predict and the model lists never see it; the SAM worker loads it (server/sam/model.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..atomic import atomic_dir
from ..errors import InputError
from ..models.names import SHIPPED_PROMPT

FORMAT = "slick-prompt-model"
SHIPPED_NAME = SHIPPED_PROMPT  # the default labelling model (configs/prompt.toml)


def shipped_prompt_path() -> Path:
    """The shipped prompt model: in $SLICK_SHIPPED_DIR when it has one (tests), else the package's."""
    from ..models.catalog import PACKAGE_DIR, shipped_dir

    for folder in (shipped_dir(), PACKAGE_DIR):
        if (folder / SHIPPED_NAME / "model.json").is_file():
            return folder / SHIPPED_NAME
    return PACKAGE_DIR / SHIPPED_NAME


def save_prompt_model(out: Path, net, card: dict, overwrite: bool = True) -> dict:
    """Write ``net``'s weights and the card (tile, width, checksum added) atomically to ``out``."""
    from ..models.modeldir import save_model_dir

    card = {**card, "format": FORMAT, "version": 1, "arch": "slickprompt", "tile": net.tile, "width": net.width,
            "dense_prompt": net.dense_prompt,
            "params": sum(p.numel() for p in net.parameters())}
    with atomic_dir(out, overwrite=overwrite) as tmp:
        saved = save_model_dir(tmp, net, card)
        if "recipe" in saved or "finetune" in saved:  # a finished model (not a checkpoint): the card for people too
            (tmp / "README.md").write_text(render_readme(saved))
        return saved


def _hard_keys() -> tuple[str, str]:
    """The validation keys of the hard-negative kinds (dark water, neighbour). Imported here, not
    at the top: the CLI and the server start without numpy."""
    from .data import DARK_KIND, NEIGHBOUR_KIND

    return f"val_{DARK_KIND}", f"val_{NEIGHBOUR_KIND}"


def _history_table(card: dict) -> str:
    history, hard = card.get("history", []), _hard_keys()
    columns = (("val_tight_box", "tight box"), ("val_box_0.4", "box 0.4"), (hard[0], "box 0.4, dark water"),
               (hard[1], "box 0.4, neighbour"), ("val_point_1", "1 click"), ("val_points_3", "3 clicks"),
               ("val_mean", "mean"))
    cols = [(k, t) for k, t in columns if k not in hard or any(k in h for h in history)]  # only where it was scored
    rows = "\n".join("| " + " | ".join([str(h["step"]), str(h["train_loss"]), *(str(h.get(k)) for k, _ in cols)]) + " |"
                     for h in history)
    return ("| step | train loss | " + " | ".join(t for _, t in cols) + " |\n"
            + "|---" * (len(cols) + 2) + "|\n" + rows)


def render_readme(card: dict) -> str:
    """README.md of a prompt model: what it is, how it was made, the validation figures."""
    if "finetune" in card:
        return _finetune_readme(card)
    recipe, best = card.get("recipe", {}), card.get("best") or {}
    return f"""# {card.get('title', card.get('name'))} ({card.get('name')})

Box and point prompts -> a slick outline: a small convolutional SAR encoder (stride 4, GroupNorm,
per-window standardised input) with segment-anything's prompt encoder and mask decoder (width 128),
{card.get('tile')} px windows at {card.get('pixel_size')} m, {card.get('params')} parameters
(dense prompt map: {card.get('dense_prompt')}). The default labelling model of Slick's plugin.

Trained **only on simulated scenes** (the scene sets of `{recipe.get('source_config')}`):
{recipe.get('train_windows')} windows with {recipe.get('train_slicks')} slicks; Stable-SAM's noisy
prompts (boxes loosened and shifted by up to {recipe.get('box_noise')} of their size, one to five
clicks on and off the slick, several slicks per window); windows flipped and turned{_photometric(recipe)}{_hard_negatives(recipe)}. Selected on fixed simulated validation
prompts ({recipe.get('val_windows')} windows); the real Arctic mosaics never trained or selected it.

Made by (seed {recipe.get('seed')}, {recipe.get('steps')} steps of {recipe.get('batch_size')}, lr {recipe.get('lr')}):

    {recipe.get('command')}

Best at step {best.get('step')}: simulated validation Dice tight box {best.get('val_tight_box')},
box with 0.4 noise {best.get('val_box_0.4')}, one click {best.get('val_point_1')}, three clicks
{best.get('val_points_3')}{_hard_best(best)}. What it measures on the real mosaics: docs/server-api.md,
"The prompt model" (benchmarks/bench_prompt_real.py).

{_history_table(card)}

Weights: `weights.safetensors` (SHA-256 `{card.get('weights_sha256')}`, checked on every load).
"""


def _photometric(recipe: dict) -> str:
    preset = recipe.get("augment_preset", "none")
    return "" if preset == "none" else f", with the photometric changes of train's `{preset}` augmentation (gamma, contrast, blur, grain)"


def _hard_negatives(recipe: dict) -> str:
    dark, near = float(recipe.get("dark_water") or 0), float(recipe.get("neighbour") or 0)
    field = float(recipe.get("dark_field") or 0)
    parts = ([f"in {dark:.0%} of the samples a patch of dark water (a low-wind zone) lies beside the slick "
              "inside its box"] if dark else []) + \
            ([f"in {near:.0%} another slick lies beside it, reaching into its box"] if near else []) + \
            ([f"in {field:.0%} small dark cells lie around it, touching it"] if field else [])
    return "" if not parts else "; " + ", ".join(parts) + (", as hard negatives" if len(parts) > 1 else ", as a hard negative")


def _hard_best(best: dict) -> str:
    dark, near = _hard_keys()
    return ((f", box with 0.4 noise and dark water {best[dark]}" if dark in best else "")
            + (f", box with 0.4 noise and a neighbouring slick {best[near]}" if near in best else ""))


def _finetune_readme(card: dict) -> str:
    f, best = card["finetune"], card.get("best") or {}
    start = (card.get("history") or [{}])[0]
    kept = "its source's weights (no check step beat them)" if best.get("step") == 0 else f"the weights of step {best.get('step')}"
    return f"""# {card.get('title', card.get('name'))}

A prompt model (box and point prompts -> slick outlines) adapted to an analyst's labels:
{f['source']} (weights SHA-256 `{str(f.get('source_sha256'))[:12]}...`) trained further on
{f['slicks']} labelled slicks in {f['windows']} windows of `{f['data']}`
({f['steps']} steps of {f['batch_size']}, lr {f['lr']}, box noise up to {f['box_noise']}, seed {f['seed']},
{f['seconds']} s). Checked on fixed prompts of the dataset's {f['checked_on']} slicks
({'held out' if f['checked_on'] == 'val' else 'the training slicks themselves: no labelled scene was held out'});
it keeps {kept}. Mean Dice of the check prompts: {start.get('val_mean')} at the start, {best.get('val_mean')} kept.

{_history_table(card)}

Weights: `weights.safetensors` (SHA-256 `{card.get('weights_sha256')}`, checked on every load).
"""


def read_prompt_card(path: str | Path) -> dict:
    card_path = Path(path) / "model.json"
    try:
        card = json.loads(card_path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"{card_path}: cannot read the model card ({exc})") from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise InputError(f"{card_path}: not a Slick prompt model card (format must be {FORMAT!r})")
    return card


def is_prompt_model(path: str | Path) -> bool:
    try:
        read_prompt_card(path)
    except InputError:
        return False
    return True


def load_prompt_model(path: str | Path, device: str = "cpu"):
    """(PromptNet in eval mode on ``device``, card); InputError for a bad or tampered dir."""
    from ..models.modeldir import load_state
    from .net import PromptNet

    card, state = load_state(path, read_prompt_card(path))  # the checksum is checked; never unpickles
    net = PromptNet(int(card["tile"]), int(card["width"]), bool(card.get("dense_prompt", False)))
    missing, unexpected = net.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise InputError(f"{path}: weights do not fit the prompt model ({len(missing)} missing, {len(unexpected)} unexpected)")
    return net.eval().to(device), card
