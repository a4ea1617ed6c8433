"""The shipped model's decision threshold (chosen on simulated validation scenes) and its
human model card (README.md) written from model.json."""

from __future__ import annotations

import json
from pathlib import Path


def threshold_curve(module, data_dir: Path, thresholds: list[float], device, batch_size: int = 8,
                    progress=None) -> tuple[float, list[dict]]:
    """Pooled Dice / precision / recall over the val scenes of ``data_dir`` at each threshold
    (each scene rebuilt from its overlapping tiles, as `evaluate` scores); returns the threshold
    with the highest pooled Dice (the lower one on a tie) and the whole curve."""
    from ..dataset.reader import load_manifest
    from ..train.evaluate import scene_counts, scores

    manifest = load_manifest(data_dir)
    tile = int(manifest["params"]["tile"])
    counts = scene_counts(module, data_dir, manifest, "val", thresholds, tile, device, batch_size, progress)
    curve = []
    for i, thr in enumerate(thresholds):
        tp, fp, fn = (sum(c[i][k] for c in counts.values()) for k in range(3))
        s = scores(tp, fp, fn)
        curve.append({"threshold": thr, "dice": round(s["dice"], 6),
                      "precision": None if s["precision"] is None else round(s["precision"], 6),
                      "recall": None if s["recall"] is None else round(s["recall"], 6), "tp": tp, "fp": fp, "fn": fn})
    best = max(curve, key=lambda r: (r["dice"], -r["threshold"]))
    return best["threshold"], curve


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def render_readme(card: dict) -> str:
    """README.md of a shipped model: what it is, how it was made, the command, the figures."""
    recipe, sims = card.get("recipe") or {}, card.get("simulation") or []
    model, train = card.get("model") or {}, (recipe.get("config") or {}).get("training", {})
    best = next((r for r in card.get("val_threshold_curve") or [] if r["threshold"] == card.get("threshold")), {})
    at_half = next((r for r in card.get("val_threshold_curve") or [] if abs(r["threshold"] - 0.5) < 1e-9), {})
    realism = card.get("realism") or {}
    loss = card.get("loss")
    loss = loss.get("kind") if isinstance(loss, dict) else loss
    lines = [
        f"# {card.get('title') or card.get('name')} (`{card.get('name')}`)", "",
        "Source model for transfer learning in Slick: fine-tune it on a few labelled scenes of your own area "
        "(`slick-backend train --init transfer`, or *Initialisation: transfer* in the plugin's Train tab, where it is "
        "the default source). It was trained **only on simulated Sentinel-1 scenes** (`slick-backend simulate`); "
        "no real scene was used to train or select it.", "",
        "## What it is", "",
        f"- Architecture: {card.get('arch')} / {card.get('backbone')}, options {json.dumps(model.get('options'))}, "
        f"{card.get('total_params')} parameters",
        f"- Input: one band, {card.get('tile')} px tiles at {card.get('pixel_size')} m, stretched 0..255 (0 = nodata); "
        "output: slick probability",
        f"- Modes / polarisations seen: {', '.join(card.get('modes') or [])} / {', '.join(card.get('polarisations') or [])}",
        f"- Initialisation: {'random weights' if card.get('random_init') else 'ImageNet encoder weights'}",
        f"- Weights: `weights.safetensors`, {card.get('weights_dtype')}, SHA-256 `{card.get('weights_sha256')}`",
        f"- Decision threshold: **{_fmt(card.get('threshold'), 2)}** (maximises pooled Dice on the simulated "
        "validation scenes; `predict` uses it unless `--threshold` is given)", "",
        "## How it was made", "",
        "```", recipe.get("command") or "slick-backend pretrain-source --config CONFIG --out DIR", "```", "",
        f"Config `{recipe.get('config_file')}` (SHA-256 `{recipe.get('config_sha256')}`), slick-backend "
        f"{(card.get('versions') or {}).get('slick_backend')}, torch {(card.get('versions') or {}).get('torch')}. "
        "The whole config is in `model.json` under `recipe`.", "",
        "| scene set | role | mode | product | stretch | scenes | size (px) | seed | simulation manifest SHA-256 |",
        "|---|---|---|---|---|---|---|---|---|",
        *[f"| {s['name']} | {s['split']} | {s['mode']} | {s.get('product', 'default')} | {s.get('stretch_domain', 'db')} | "
          f"{s['scenes']} | {s['size']} | {s['seed']} | `{s['manifest_sha256'][:16]}...` |" for s in sims],
        "",
        f"Training: {card.get('epochs_run')} epochs run of {card.get('epochs')} (best epoch {card.get('best_epoch')}), "
        f"lr {_fmt(card.get('lr'), 4)}, batch {card.get('batch_size')}, {train.get('tiles_per_epoch', 'all')} tiles per "
        f"epoch with slick tile share {train.get('slick_tile_share', 'n/a')}, seed {card.get('seed')}, loss {loss}, "
        f"{card.get('train_seconds')} s on {card.get('device')}, augmentation {card.get('augment_preset', 'standard')}.",
        "",
        "## Measured", "",
        f"- Simulated validation scenes ({len(card.get('val_scenes') or [])}), pooled Dice at the chosen threshold: "
        f"**{_fmt(best.get('dice'))}** (precision {_fmt(best.get('precision'))}, recall {_fmt(best.get('recall'))}); "
        f"at 0.5: {_fmt(at_half.get('dice'))}",
        f"- Validation loss / Dice at the best epoch (tile level): {_fmt((card.get('val_metrics') or {}).get('loss'))} / "
        f"{_fmt((card.get('val_metrics') or {}).get('dice'))}",
        "- Realism of the simulated training scenes against the real Arctic mosaics: "
        + (realism.get("summary") or realism.get("note") or "see `realism` in model.json"),
        "", "Real scenes measure the model and never train or select it: evaluate it on your own labelled scenes "
        "(`slick-backend evaluate --model slick-s1-source --data DATASET`).", "",
        "## Limits", "",
        "A model only knows the modes, polarisations, pixel size and preprocessing above. Trained on simulated "
        "scenes, it is a starting point for fine-tuning, not a detector to trust on real scenes as is; look-alikes "
        "(low wind, biogenic films, ice) remain the main error source.", "",
    ]
    return "\n".join(lines)
