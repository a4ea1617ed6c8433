"""Build a job's params dataclass from JSON, exactly as the server and the worker both do.

pydantic validates the JSON against the stdlib dataclass the CLI uses (types, Literal
choices, unknown fields), then the dataclass's own ``validate()`` checks the combination.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .. import jobs as registry
from ..errors import InputError

# Kinds that use the GPU when one is present (their params may still say device="cpu").
GPU_KINDS = {"train", "predict", "predict-batch", "evaluate", "experiment", "prepare-train", "finetune-prompt"}


class ParamsError(InputError):
    """The JSON does not match the params dataclass (HTTP 422)."""

    def __init__(self, message: str, details: list | None = None) -> None:
        super().__init__(message)
        self.details = details or []


class UnknownKind(ParamsError):
    pass


def available_kinds() -> list[str]:
    """Kinds whose module is importable (others are still being written or not installed)."""
    out = []
    for kind in registry.job_kinds():
        try:
            registry.resolve(kind)
        except (ImportError, AttributeError, AssertionError):
            continue
        out.append(kind)
    return out


@functools.cache
def adapter(kind: str) -> tuple[type, TypeAdapter]:
    if kind not in registry.JOBS:
        raise UnknownKind(f"unknown job kind {kind!r}; choose one of {', '.join(registry.job_kinds())}")
    try:
        params_cls, _ = registry.resolve(kind)
    except (ImportError, AttributeError) as exc:
        raise UnknownKind(f"job kind {kind!r} is not available in this backend ({exc})") from exc
    return params_cls, TypeAdapter(params_cls)  # unknown fields: checked in build_params


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "params"
    return f"params.{where}: {err.get('msg', 'invalid')}" + (f" ({exc.error_count()} errors)" if exc.error_count() > 1 else "")


def _unknown(cls: type, data: dict[str, Any], where: str = "") -> tuple[list[str], list[str]] | None:
    """Keys of ``data`` that ``cls`` has no field for, searched into nested dataclass fields
    (pydantic would drop them silently): (unknown "a.b" names, the valid names there)."""
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        return [where + name for name in unknown], sorted(names)
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - an annotation we cannot resolve: pydantic reports it
        return None
    for name, value in data.items():
        nested = hints.get(name)
        if isinstance(value, dict) and dataclasses.is_dataclass(nested):
            found = _unknown(nested, value, f"{where}{name}.")
            if found:
                return found
    return None


def build_params(kind: str, params: dict[str, Any]) -> Any:
    """The validated params object; ParamsError (422) or InputError (400) otherwise."""
    params_cls, ta = adapter(kind)
    if not isinstance(params, dict):
        raise ParamsError("params must be a JSON object")
    found = _unknown(params_cls, params)
    if found:
        unknown, names = found
        raise ParamsError(
            f"unknown parameter(s) for {kind}: {', '.join(unknown)}; valid ones: {', '.join(names)}"
        )
    try:
        obj = ta.validate_python(params)
    except ValidationError as exc:
        details = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        raise ParamsError(_first_error(exc), details) from None
    validate = getattr(obj, "validate", None)
    if callable(validate):
        validate()
    return obj


def params_json(kind: str, obj: Any) -> dict[str, Any]:
    """The params as plain JSON (what is stored in the job record and sent to the worker)."""
    return adapter(kind)[1].dump_python(obj, mode="json")


def schema(kind: str) -> dict:
    return adapter(kind)[1].json_schema()


def uses_gpu(kind: str, params: dict[str, Any], cuda_available: bool) -> bool:
    if not cuda_available or kind not in GPU_KINDS:
        return False
    return str(params.get("device", "auto")).lower() not in ("cpu",)
