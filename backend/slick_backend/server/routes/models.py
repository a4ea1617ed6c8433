"""GET /models: the shipped models and the model cards in the models directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter

from ...errors import InputError
from ..context import Ctx

router = APIRouter()


def model_cards(models_dir: Path) -> list[dict]:
    """The models dir's model cards (a card that does not load is listed with its error)."""
    out = []
    if not models_dir.is_dir():
        return out
    from ...models.modeldir import read_card
    from ...prompt.store import is_prompt_model

    for card_path in sorted(models_dir.glob("*/model.json")):
        if is_prompt_model(card_path.parent):  # takes prompts, not scenes: in the SAM model list instead
            continue
        entry: dict[str, Any] = {"name": card_path.parent.name, "path": str(card_path.parent), "shipped": False}
        try:
            entry["card"] = read_card(card_path.parent)
        except InputError as exc:
            entry["error"] = str(exc)
        out.append(entry)
    return out


def prompt_models(models_dir: Path) -> list[str]:
    """The analyst's prompt model dirs (finetune-prompt's outputs) in the models dir."""
    from ...prompt.store import is_prompt_model

    if not models_dir.is_dir():
        return []
    return [str(p.parent) for p in sorted(models_dir.glob("*/model.json")) if is_prompt_model(p.parent)]


@router.get("/models", summary="Shipped models (shipped: true, title, ready) and the model cards in the models directory")
def models(ctx: Ctx) -> dict:
    from ...models.catalog import list_shipped

    return {"models": list_shipped(with_cards=True) + model_cards(ctx.config.models_dir)}
