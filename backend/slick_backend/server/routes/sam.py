"""/sam: embed a raster window around a point, prompt it with points or a box, drop the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from ...errors import InputError
from ..context import ApiError, Ctx
from ..sam.model import find_sam_model
from .bodies import Body

router = APIRouter()

Coord = Annotated[list[float], Field(min_length=2, max_length=2)]
Bounds = Annotated[list[float], Field(min_length=4, max_length=4)]


class EmbedRequest(Body):
    raster: str = Field(min_length=1)
    point: Coord | None = None
    window: Bounds | None = None
    crs: str | None = None
    model: str = "tiny"
    session: str | None = None


class PromptRequest(Body):
    embedding_id: str = Field(min_length=1)
    crs: str | None = None
    points: list[Coord] = Field(default_factory=list, max_length=256)
    labels: list[Literal[0, 1]] | None = None
    box: Bounds | None = None
    mask_id: str | None = None
    out_crs: str | None = None
    session: str | None = None
    multimask: bool = True
    follow: bool = True


@router.post("/sam/embed", summary="Embed a window of a raster around a point (cached)")
def sam_embed(body: EmbedRequest, ctx: Ctx) -> dict:
    if body.point is None and body.window is None:
        raise ApiError(422, "give a point [x, y] or a window [xmin, ymin, xmax, ymax]")
    from ...scenes.safe import is_product, scene_exists

    ctx.roots.check_path(body.raster)
    raster = Path(body.raster).expanduser()
    if not scene_exists(raster) and not (is_product(body.raster) and scene_exists(body.raster)):
        raise InputError(f"{body.raster}: no such raster file or Sentinel-1 product; give the path of a GeoTIFF "
                         "or a product on the server's machine")
    payload = body.model_dump()
    # a product's GDAL band name (SENTINEL1_CALIB:...) is passed as it is: it names the band
    payload["raster"] = body.raster if str(body.raster).startswith("SENTINEL1_CALIB:") else str(raster.resolve())
    payload["model"] = find_sam_model(body.model, ctx.config.sam_dir, ctx.roots.check_path)
    payload["model_name"] = body.model
    return ctx.sam.request("embed", payload, session=body.session)


@router.post("/sam/prompt", summary="Points and/or a box -> GeoJSON polygons with SAM's predicted quality")
def sam_prompt(body: PromptRequest, ctx: Ctx) -> JSONResponse:
    if not body.points and body.box is None:
        raise ApiError(422, "give at least one point or a box")
    if body.labels is not None and len(body.labels) != len(body.points):
        raise ApiError(422, f"labels has {len(body.labels)} entries for {len(body.points)} points")
    # already plain JSON types (the worker's answer): skipping FastAPI's jsonable_encoder saves
    # 0.7 ms of each prompt's round trip on an outline of a few hundred vertices
    return JSONResponse(ctx.sam.request("prompt", body.model_dump(), session=body.session))


@router.delete("/sam/cache", summary="Drop the SAM worker's in-memory embeddings")
def sam_drop(ctx: Ctx) -> dict:
    if not ctx.sam.running():
        return {"dropped": 0}
    return ctx.sam.request("drop", {})
