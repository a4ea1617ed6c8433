"""Registry of job kinds: kind -> (parameters dataclass, use-case function).

The CLI and the server both go through here, so a job validated by the server is the very
object the CLI would have built. Imports are lazy: the server process stays light and a
worker only imports what its job needs.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any

# kind: (module, params class, function)
JOBS: dict[str, tuple[str, str, str]] = {
    "simulate": ("slick_backend.simulate.api", "SimulateParams", "run_simulate"),
    "prepare": ("slick_backend.dataset.prepare", "PrepareParams", "run_prepare"),
    "train": ("slick_backend.train.api", "TrainParams", "run_train"),
    "evaluate": ("slick_backend.train.evaluate", "EvaluateParams", "run_evaluate"),
    "predict": ("slick_backend.predict.api", "PredictParams", "run_predict"),
    "predict-batch": ("slick_backend.predict.batch", "BatchPredictParams", "run_batch_predict"),
    "baseline": ("slick_backend.baseline", "BaselineParams", "run_baseline"),
    "atlas": ("slick_backend.atlas.api", "AtlasParams", "run_atlas"),
    "export-onnx": ("slick_backend.predict.onnx_export", "ExportParams", "run_export_onnx"),
    "experiment": ("slick_backend.experiment.api", "ExperimentParams", "run_experiment"),
    "prepare-train": ("slick_backend.prepare_train", "PrepareTrainParams", "run_prepare_train"),
    "finetune-prompt": ("slick_backend.prompt.finetune", "FinetunePromptParams", "run_finetune_prompt"),
}


def job_kinds() -> list[str]:
    return sorted(JOBS)


def resolve(kind: str) -> tuple[type, Callable[..., dict[str, Any]]]:
    """The params dataclass and the function of a job kind."""
    module_name, params_name, func_name = JOBS[kind]
    module = importlib.import_module(module_name)
    params_cls = getattr(module, params_name)
    assert dataclasses.is_dataclass(params_cls), f"{params_name} must be a dataclass"
    return params_cls, getattr(module, func_name)


def run_job(kind: str, progress, **fields) -> dict[str, Any]:
    """Build a job's params from fields, validate them and run it in this process."""
    params_cls, func = resolve(kind)
    params = params_cls(**fields)
    params.validate()
    return func(params, progress)
