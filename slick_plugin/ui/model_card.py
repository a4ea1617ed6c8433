"""A model card (model.json) as short HTML for the dock: what it is, where it came from, how good."""

from __future__ import annotations

import html


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value[:6]) + (" ..." if len(value) > 6 else "")
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in list(value.items())[:8])
    return str(value)


def card_html(entry: dict, tr) -> str:
    """``entry`` is one item of GET /models: {"name", "path", "card"} (or "error")."""
    esc = html.escape
    name = esc(str(entry.get("name", "?")))
    if entry.get("error"):
        return f"<b>{name}</b><br><span style='color:#b00'>{esc(str(entry['error']))}</span>"
    card = entry.get("card") or {}
    rows = [
        (tr("Architecture"), f"{card.get('arch', '?')} / {card.get('backbone', '?')}"),
        (tr("Tile / pixel size"), f"{card.get('tile', '?')} px / {card.get('pixel_size', '?')} m"),
        (tr("Initialisation"), card.get("init", "?")),
    ]
    source = card.get("source_model") or card.get("from_model") or card.get("source")
    if source:
        rows.append((tr("Fine-tuned from"), _fmt(source if not isinstance(source, dict) else source.get("name", source))))
    if card.get("random_init"):
        rows.append((tr("Weights"), tr("random initialisation (no pretrained weights)")))
    scenes = card.get("train_scenes") or card.get("training_scenes")
    if scenes:
        rows.append((tr("Training scenes"), f"{len(scenes)}: {_fmt(scenes)}" if isinstance(scenes, list) else _fmt(scenes)))
    if card.get("epochs_run") is not None:
        rows.append((tr("Epochs"), f"{card.get('epochs_run')} (best {card.get('best_epoch')})"))
    metrics = card.get("val_metrics") or card.get("metrics") or {}
    unmeasured = False
    for key, value in metrics.items() if isinstance(metrics, dict) else []:
        unmeasured |= value is None
        rows.append((tr("validation {metric}").format(metric=key), "—" if value is None else _fmt(value)))
    if unmeasured or (isinstance(card.get("val_scenes"), list) and not card["val_scenes"] and "train_scenes" in card):
        n = len(scenes) if isinstance(scenes, list) else "?"
        rows.append((tr("Validation"), tr(
            "not measured: no scene was left for validation ({n} scene(s) with labels, all used for training). "
            "Label slicks on 3 or more scenes to get a validation Dice; training stopped on the training loss "
            "instead.").format(n=n)))
    if card.get("created"):
        rows.append((tr("Created"), card["created"]))
    body = "".join(f"<tr><td><i>{esc(str(k))}</i></td><td>{esc(_fmt(v))}</td></tr>" for k, v in rows)
    return f"<b>{name}</b><br><small>{esc(str(entry.get('path', '')))}</small><table>{body}</table>"
