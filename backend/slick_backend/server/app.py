"""The FastAPI app: thin endpoints over the job manager, the model dir and the SAM worker.

Every request needs the bearer token (a plain ASGI check before routing, so unknown routes
and /openapi.json are protected too). Every error leaves as ``{"error": "..."}``: bad input
as 4xx, a bug as 500 with a one-line message (the traceback goes to the server log only).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from .. import jobs as registry
from ..data_roots import ENV as ROOTS_ENV
from ..data_roots import ForbiddenPath, Roots
from ..errors import InputError, SlickError
from . import API_VERSION
from .auth import check_header
from .device import DeviceInfo
from .jobs import TERMINAL, JobManager
from .params import ParamsError, available_kinds, build_params, params_json, schema, uses_gpu
from .sam.client import SamClient, SamError, SamSuperseded

log = logging.getLogger("slick.server")


@dataclass
class ServerConfig:
    state_dir: Path
    models_dir: Path
    sam_dir: Path
    token: str
    host: str = "127.0.0.1"
    data_roots: list[str] = field(default_factory=list)
    restricted: bool = False
    gpu_jobs: int = 1
    cpu_jobs: int = 2


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# --- request bodies ------------------------------------------------------------------
class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class JobRequest(_Body):
    kind: Literal[tuple(registry.JOBS)]  # type: ignore[valid-type]
    params: dict[str, Any] = Field(default_factory=dict)


Coord = Annotated[list[float], Field(min_length=2, max_length=2)]
Bounds = Annotated[list[float], Field(min_length=4, max_length=4)]


class EmbedRequest(_Body):
    raster: str = Field(min_length=1)
    point: Coord | None = None
    window: Bounds | None = None
    crs: str | None = None
    model: str = "tiny"
    session: str | None = None


class PromptRequest(_Body):
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


# --- helpers -------------------------------------------------------------------------
MAX_BODY_BYTES = 1 << 20  # requests carry params and prompts, never data: 1 MiB is far above any real one


def _error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _model_cards(models_dir: Path) -> list[dict]:
    out = []
    if not models_dir.is_dir():
        return out
    from ..models.modeldir import read_card
    from ..prompt.store import is_prompt_model

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
    from ..prompt.store import is_prompt_model

    if not models_dir.is_dir():
        return []
    return [str(p.parent) for p in sorted(models_dir.glob("*/model.json")) if is_prompt_model(p.parent)]


def sam_checkpoints(sam_dir: Path) -> list[dict]:
    if not sam_dir.is_dir():
        return []
    return [{"name": p.stem, "path": str(p)} for p in sorted(sam_dir.glob("*.safetensors"))]


def create_app(config: ServerConfig) -> FastAPI:
    roots = Roots(config.data_roots, config.restricted)
    device = DeviceInfo()
    worker_env = {ROOTS_ENV: json.dumps([str(r) for r in roots.roots])} if config.restricted else None
    manager = JobManager(config.state_dir, gpu_slots=config.gpu_jobs, cpu_slots=config.cpu_jobs, worker_env=worker_env)
    sam = SamClient(config.state_dir, config.sam_dir)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        manager.shutdown()  # cancel running jobs: their workers clean up their partial outputs
        sam.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Slick backend",
        version=__version__,
        description="Local server of the Slick QGIS plugin: jobs with progress and cancel, interactive SAM. "
        "Every request needs `Authorization: Bearer <token>`; see docs/server-api.md.",
    )
    app.state.config, app.state.manager, app.state.sam, app.state.device = config, manager, sam, device

    # --- auth: before routing, for every path --------------------------------------
    @app.middleware("http")
    async def require_token(request: Request, call_next):
        if not check_header(request.headers.get("authorization"), config.token):
            return JSONResponse(
                {"error": "missing or wrong bearer token; send 'Authorization: Bearer <token>' "
                 "(the token is SLICK_TOKEN or the server's token file)"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return _error(413, f"request body of {length} bytes is over the server's limit of {MAX_BODY_BYTES} bytes; "
                          "send paths to files, not their contents")
        if length is None and "chunked" in request.headers.get("transfer-encoding", "").lower():
            return _error(411, "send the request body with a Content-Length (chunked bodies are not accepted)")
        return await call_next(request)

    # --- errors as JSON ------------------------------------------------------------
    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        details = [{k: e.get(k) for k in ("loc", "msg", "type")} for e in errors]
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
        return _error(422, f"{where}: {first.get('msg', 'invalid request')}", details=json.loads(json.dumps(details, default=str)))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.method} {request.url.path}"
        return _error(exc.status_code, message)

    @app.exception_handler(ApiError)
    async def on_api(request: Request, exc: ApiError):
        return _error(exc.status, str(exc))

    @app.exception_handler(ParamsError)
    async def on_params(request: Request, exc: ParamsError):
        return _error(422, str(exc), details=json.loads(json.dumps(exc.details, default=str)))

    @app.exception_handler(ForbiddenPath)
    async def on_forbidden(request: Request, exc: ForbiddenPath):
        return _error(403, str(exc))

    @app.exception_handler(SlickError)
    async def on_slick(request: Request, exc: SlickError):
        return _error(400, str(exc))

    @app.exception_handler(SamSuperseded)
    async def on_superseded(request: Request, exc: SamSuperseded):
        return _error(409, str(exc))

    @app.exception_handler(SamError)
    async def on_sam(request: Request, exc: SamError):
        return _error(exc.status, str(exc))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error(500, f"internal error: {type(exc).__name__}: {exc} (see the server log)")

    # --- endpoints -----------------------------------------------------------------
    @app.get("/health", summary="Version, device, SAM checkpoints and models available")
    def health() -> dict:
        info = device.get(timeout=3.0)  # the first call may come while torch is still being probed
        checkpoints = sam_checkpoints(config.sam_dir)
        models = _model_cards(config.models_dir)
        from ..prompt.store import SHIPPED_NAME, shipped_prompt_path

        sam_models = (
            ([SHIPPED_NAME] if (shipped_prompt_path() / "model.json").is_file() else [])  # the default: first
            + prompt_models(config.models_dir)  # the analyst's own, adapted to their labels
            + ["tiny"]
            + [c["path"] for c in checkpoints]
            + [m["path"] for m in models if m.get("card", {}).get("arch") in ("samlora", "samsvd")]
        )
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
            "sam_models": sam_models,
            "sam_worker": sam.status(),
            "models": [
                {"name": m["name"], "path": m["path"], "arch": m.get("card", {}).get("arch")} for m in models
            ],
            "job_kinds": available_kinds(),
            "jobs": manager.counts(),
            "loopback": not config.restricted,
            "data_roots": [str(r) for r in roots.roots],
        }

    @app.get("/job-kinds", summary="Job kinds and the JSON schema of their params")
    def job_kinds() -> dict:
        kinds = {}
        for kind in available_kinds():
            kinds[kind] = {"schema": schema(kind), "gpu": uses_gpu(kind, {}, True)}
        return {"kinds": kinds}

    @app.post("/jobs", status_code=202, summary="Start a job (validated against the CLI's params dataclass)")
    def submit_job(body: JobRequest) -> dict:
        roots.check_params(body.params)
        try:
            obj = build_params(body.kind, body.params)
        except (ValueError, TypeError) as exc:  # a validate() that raised a plain error
            raise ApiError(400, f"invalid params for {body.kind}: {exc}") from None
        roots.check_job(body.kind, obj)  # the paths inside its inputs too (manifests, experiment configs)
        params = params_json(body.kind, obj)
        dev = "cuda" if uses_gpu(body.kind, params, device.cuda_available) else "cpu"
        return manager.submit(body.kind, params, dev).public()

    @app.get("/jobs", summary="All jobs, newest first")
    def list_jobs(state: Literal["queued", "running", "succeeded", "failed", "cancelled"] | None = None) -> dict:
        return {"jobs": [j.public() for j in manager.list(state)]}

    def _job(job_id: str):
        job = manager.get(job_id)
        if job is None:
            raise ApiError(404, f"no job {job_id!r}")
        return job

    @app.get("/jobs/{job_id}", summary="State, progress, message, result and error of a job")
    def get_job(job_id: str) -> dict:
        return _job(job_id).public()

    @app.get("/jobs/{job_id}/log", summary="The job's log from byte offset")
    def get_log(job_id: str, offset: Annotated[int, Query(ge=0, le=2**53)] = 0) -> dict:
        _job(job_id)
        text, new_offset = manager.read_log(job_id, offset)
        return {"text": text, "offset": new_offset}

    @app.delete("/jobs/{job_id}", summary="Cancel a job")
    def cancel_job(job_id: str) -> dict:
        job = _job(job_id)
        if job.state in TERMINAL:
            raise ApiError(409, f"job {job_id} already {job.state}; nothing to cancel")
        return manager.cancel(job_id).public()

    @app.get("/models", summary="Shipped models (shipped: true, title, ready) and the model cards in the models directory")
    def models() -> dict:
        from ..models.catalog import list_shipped

        return {"models": list_shipped(with_cards=True) + _model_cards(config.models_dir)}

    def _resolve_sam_model(model: str) -> str:
        from ..prompt.store import SHIPPED_NAME

        if model == "tiny" or model.startswith("random:") or model == SHIPPED_NAME:  # the worker knows these
            return model
        for c in sam_checkpoints(config.sam_dir):
            if c["name"] == model:
                return c["path"]
        roots.check_path(model)
        path = Path(model).expanduser()
        if not path.exists():
            raise InputError(f"{model}: no such SAM model; give slick-s1-prompt, 'tiny', a .safetensors SAM checkpoint, a prompt model or a SamLoRA model dir")
        return str(path.resolve())

    @app.post("/sam/embed", summary="Embed a window of a raster around a point (cached)")
    def sam_embed(body: EmbedRequest) -> dict:
        if body.point is None and body.window is None:
            raise ApiError(422, "give a point [x, y] or a window [xmin, ymin, xmax, ymax]")
        from ..scenes.safe import is_product, scene_exists

        roots.check_path(body.raster)
        raster = Path(body.raster).expanduser()
        if not scene_exists(raster) and not (is_product(body.raster) and scene_exists(body.raster)):
            raise InputError(f"{body.raster}: no such raster file or Sentinel-1 product; give the path of a GeoTIFF "
                             "or a product on the server's machine")
        payload = body.model_dump()
        # a product's GDAL band name (SENTINEL1_CALIB:...) is passed as it is: it names the band
        payload["raster"] = body.raster if str(body.raster).startswith("SENTINEL1_CALIB:") else str(raster.resolve())
        payload["model"] = _resolve_sam_model(body.model)
        payload["model_name"] = body.model
        return sam.request("embed", payload, session=body.session)

    @app.post("/sam/prompt", summary="Points and/or a box -> GeoJSON polygons with SAM's predicted quality")
    def sam_prompt(body: PromptRequest) -> dict:
        if not body.points and body.box is None:
            raise ApiError(422, "give at least one point or a box")
        if body.labels is not None and len(body.labels) != len(body.points):
            raise ApiError(422, f"labels has {len(body.labels)} entries for {len(body.points)} points")
        return sam.request("prompt", body.model_dump(), session=body.session)

    @app.delete("/sam/cache", summary="Drop the SAM worker's in-memory embeddings")
    def sam_drop() -> dict:
        if not sam.running():
            return {"dropped": 0}
        return sam.request("drop", {})

    _add_security_scheme(app)
    return app


def _add_security_scheme(app: FastAPI) -> None:
    """Document the bearer token in the OpenAPI schema (clients and schemathesis read it)."""
    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = original()
        spec.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
            "type": "http",
            "scheme": "bearer",
        }
        spec["security"] = [{"bearer": []}]
        error = {"description": "error", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}}}}
        for path in spec.get("paths", {}).values():
            for op in path.values():
                responses = op.setdefault("responses", {})
                for code in ("400", "401", "403", "404", "409", "422", "503"):
                    responses.setdefault(code, error)
                if "422" in responses:
                    responses["422"] = error
        app.openapi_schema = spec
        return spec

    app.openapi = openapi
