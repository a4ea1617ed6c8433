"""/jobs and /job-kinds: submit a job (validated into the CLI's params dataclass), follow, cancel."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from ... import jobs as registry
from ..context import ApiError, Ctx
from ..jobs import TERMINAL, Job
from ..params import available_kinds, build_params, params_json, schema, uses_gpu
from .bodies import Body

router = APIRouter()


class JobRequest(Body):
    kind: Literal[tuple(registry.JOBS)]  # type: ignore[valid-type]
    params: dict[str, Any] = Field(default_factory=dict)


@router.get("/job-kinds", summary="Job kinds and the JSON schema of their params")
def job_kinds() -> dict:
    kinds = {}
    for kind in available_kinds():
        kinds[kind] = {"schema": schema(kind), "gpu": uses_gpu(kind, {}, True)}
    return {"kinds": kinds}


@router.post("/jobs", status_code=202, summary="Start a job (validated against the CLI's params dataclass)")
def submit_job(body: JobRequest, ctx: Ctx) -> dict:
    ctx.roots.check_params(body.params)
    try:
        obj = build_params(body.kind, body.params)
    except (ValueError, TypeError) as exc:  # a validate() that raised a plain error
        raise ApiError(400, f"invalid params for {body.kind}: {exc}") from None
    ctx.roots.check_job(body.kind, obj)  # the paths inside its inputs too (manifests, experiment configs)
    params = params_json(body.kind, obj)
    dev = "cuda" if uses_gpu(body.kind, params, ctx.device.cuda_available) else "cpu"
    return ctx.manager.submit(body.kind, params, dev).public()


@router.get("/jobs", summary="All jobs, newest first")
def list_jobs(ctx: Ctx, state: Literal["queued", "running", "succeeded", "failed", "cancelled"] | None = None) -> dict:
    return {"jobs": [j.public() for j in ctx.manager.list(state)]}


def _job(ctx: Ctx, job_id: str) -> Job:
    job = ctx.manager.get(job_id)
    if job is None:
        raise ApiError(404, f"no job {job_id!r}")
    return job


@router.get("/jobs/{job_id}", summary="State, progress, message, result and error of a job")
def get_job(job_id: str, ctx: Ctx) -> dict:
    return _job(ctx, job_id).public()


@router.get("/jobs/{job_id}/log", summary="The job's log from byte offset")
def get_log(job_id: str, ctx: Ctx, offset: Annotated[int, Query(ge=0, le=2**53)] = 0) -> dict:
    _job(ctx, job_id)
    text, new_offset = ctx.manager.read_log(job_id, offset)
    return {"text": text, "offset": new_offset}


@router.delete("/jobs/{job_id}", summary="Cancel a job")
def cancel_job(job_id: str, ctx: Ctx) -> dict:
    job = _job(ctx, job_id)
    if job.state in TERMINAL:
        raise ApiError(409, f"job {job_id} already {job.state}; nothing to cancel")
    return ctx.manager.cancel(job_id).public()
