"""The FastAPI app: thin endpoints over the job manager, the model dir and the SAM worker.

Every request needs the bearer token (a plain ASGI check before routing, so unknown routes
and /openapi.json are protected too). Every error leaves as ``{"error": "..."}``: bad input
as 4xx, a bug as 500 with a one-line message (the traceback goes to the server log only).
"""

from __future__ import annotations

import contextlib
import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..data_roots import ForbiddenPath
from ..errors import SlickError
from .auth import check_header
from .context import ApiError, ServerConfig, ServerContext
from .params import ParamsError
from .routes import health, jobs, models, sam
from .sam.client import SamError, SamSuperseded

__all__ = ["ApiError", "ServerConfig", "create_app"]

log = logging.getLogger("slick.server")
MAX_BODY_BYTES = 1 << 20  # requests carry params and prompts, never data: 1 MiB is far above any real one


def _error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def create_app(config: ServerConfig) -> FastAPI:
    ctx = ServerContext.start(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        ctx.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Slick backend",
        version=__version__,
        description="Local server of the Slick QGIS plugin: jobs with progress and cancel, interactive SAM. "
        "Every request needs `Authorization: Bearer <token>`; see docs/server-api.md.",
    )
    app.state.ctx = ctx
    app.middleware("http")(_require_token)
    _add_error_handlers(app)
    for router in (health.router, jobs.router, models.router, sam.router):
        app.include_router(router)
    _add_security_scheme(app)
    return app


async def _require_token(request: Request, call_next):
    """Before routing, for every path (unknown ones and /openapi.json too); then the body size."""
    if not check_header(request.headers.get("authorization"), request.app.state.ctx.config.token):
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


async def _on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    details = [{k: e.get(k) for k in ("loc", "msg", "type")} for e in errors]
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
    return _error(422, f"{where}: {first.get('msg', 'invalid request')}", details=json.loads(json.dumps(details, default=str)))


async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such endpoint: {request.method} {request.url.path}"
    return _error(exc.status_code, message)


async def _on_params(request: Request, exc: ParamsError) -> JSONResponse:
    return _error(422, str(exc), details=json.loads(json.dumps(exc.details, default=str)))


async def _with_own_status(request: Request, exc: ApiError | SamError) -> JSONResponse:
    return _error(exc.status, str(exc))


def _fixed_status(status: int):
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        return _error(status, str(exc))

    return handler


async def _on_bug(request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path)
    return _error(500, f"internal error: {type(exc).__name__}: {exc} (see the server log)")


def _add_error_handlers(app: FastAPI) -> None:
    """Every error leaves as {"error": "..."}; the most specific class of an exception picks its handler."""
    handlers = {
        RequestValidationError: _on_validation,
        StarletteHTTPException: _on_http,
        ApiError: _with_own_status,
        ParamsError: _on_params,
        ForbiddenPath: _fixed_status(403),
        SlickError: _fixed_status(400),  # bad input (InputError) and the other one-line errors
        SamSuperseded: _fixed_status(409),
        SamError: _with_own_status,
        Exception: _on_bug,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)


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
