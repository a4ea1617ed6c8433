"""GET /health: version, device, SAM models and checkpoints, models and job counts."""

from __future__ import annotations

import os

from fastapi import APIRouter

from ... import __version__
from .. import API_VERSION
from ..context import Ctx, ServerContext
from ..params import available_kinds
from ..sam.model import sam_checkpoints
from .models import model_cards, prompt_models

router = APIRouter()


def _sam_models(ctx: ServerContext, checkpoints: list[dict], models: list[dict]) -> list[str]:
    """What /sam/embed takes as ``model``, the default first."""
    from ...prompt.store import SHIPPED_NAME, shipped_prompt_path

    return (
        ([SHIPPED_NAME] if (shipped_prompt_path() / "model.json").is_file() else [])
        + prompt_models(ctx.config.models_dir)  # the analyst's own, adapted to their labels
        + ["tiny"]
        + [c["path"] for c in checkpoints]
        + [m["path"] for m in models if m.get("card", {}).get("arch") in ("samlora", "samsvd")]
    )


@router.get("/health", summary="Version, device, SAM checkpoints and models available")
def health(ctx: Ctx) -> dict:
    info = ctx.device.get(timeout=3.0)  # the first call may come while torch is still being probed
    checkpoints = sam_checkpoints(ctx.config.sam_dir)
    models = model_cards(ctx.config.models_dir)
    return {
        "status": "ok",
        "version": __version__,
        "api": API_VERSION,
        "pid": os.getpid(),
        "device": info.get("device"),
        "device_probe": info.get("probe", "done"),
        "torch": info.get("torch"),
        "cuda": info.get("cuda"),
        "sam_checkpoints": checkpoints,
        "sam_models": _sam_models(ctx, checkpoints, models),
        "sam_worker": ctx.sam.status(),
        "models": [
            {"name": m["name"], "path": m["path"], "arch": m.get("card", {}).get("arch")} for m in models
        ],
        "job_kinds": available_kinds(),
        "jobs": ctx.manager.counts(),
        "loopback": not ctx.config.restricted,
        "data_roots": [str(r) for r in ctx.roots.roots],
    }
