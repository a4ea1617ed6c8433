"""The experiment use case: config -> plan -> resumable runs -> results.csv -> report."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..atomic import exclusive, write_text_atomic
from ..errors import InputError
from ..executors import make_executor, threads_per_run
from ..progress import Progress
from .config import load_config
from .grid import build_plan
from .runner import Runner, remove_leftovers

RUN_TASK = "slick_backend.experiment.trainrun:execute_run"  # one grid run: train + evaluate (executors.py)


@dataclass
class ExperimentParams:
    config: str  # TOML file (see configs/experiment-small.toml)
    out_dir: str  # experiment directory; re-running with the same one resumes
    executor: Literal["local", "ray"] = "local"
    workers: int | None = None  # runs at a time; default: the config's experiment.workers
    ray_address: str | None = None  # join this Ray cluster; None = a local Ray
    overrides: list[str] = field(default_factory=list)  # "key.sub=value", as --set

    def validate(self) -> None:
        if self.executor not in ("local", "ray"):
            raise InputError(f"executor {self.executor!r}: choose local or ray")
        if self.workers is not None and (isinstance(self.workers, bool) or int(self.workers) < 1):
            raise InputError(f"workers {self.workers}: give at least 1")
        if self.ray_address and self.executor != "ray":
            raise InputError("ray_address is only used with executor 'ray'")
        out = Path(self.out_dir)
        if out.exists() and not out.is_dir():
            raise InputError(f"{out}: exists and is not a directory; choose another --out")
        from ..atomic import check_output_dir

        check_output_dir(out)
        load_config(self.config, self.overrides)  # names the bad key, if any

    def check_paths(self, roots) -> None:
        """For a restricted server (data_roots.Roots): the datasets and source models the config
        names, and their tiles, lie inside the roots; no Ray cluster, whose paths cannot be checked."""
        from ..data_roots import ForbiddenPath
        from ..models.catalog import is_shipped_name, shipped_name_of

        if self.executor == "ray" or self.ray_address:
            raise ForbiddenPath("a server reachable from the network runs no Ray experiment (a cluster's paths "
                                "cannot be checked against the data roots); use executor 'local', or run the "
                                "experiment with the CLI")
        cfg = load_config(self.config, self.overrides)
        for fmt in cfg.formats:
            for dataset in filter(None, (fmt.data, fmt.source_data)):
                roots.check_path(dataset, what=self.config)
                roots.check_dataset(dataset)
        for arch in cfg.architectures:
            for source in filter(None, (arch.source, *arch.sources.values())):
                if not is_shipped_name(source) and shipped_name_of(source) is None:  # the backend's own models
                    roots.check_path(source, what=self.config)


def _check_training_options(plan) -> None:
    """Refuse training options that `train` does not know, before anything runs."""
    try:
        from .trainrun import train_params
    except ImportError as exc:
        raise InputError(f"the training code is not available in this install ({exc})") from None
    base = next((r for r in plan.runs if r["init"] == "base"), None)
    if base is not None:
        # a path that never exists: a model left by a killed run is not an error (it is redone)
        train_params(base, base["data"], str(Path(base["out"]).with_name(".options-check")))
    for spec in plan.runs + plan.sources:
        train_params_keys(spec)


def train_params_keys(spec: dict) -> None:
    from ..train.api import TrainParams

    names = {f.name for f in dataclasses.fields(TrainParams)}
    unknown = sorted(k for k in spec.get("training", {}) if k not in names)
    if unknown:
        raise InputError(f"[training]/[pretrain] option(s) {unknown} are unknown to `train`; known: {sorted(names)}")


def run_experiment(params: ExperimentParams, progress: Progress) -> dict:
    from ..data_roots import from_env

    params.validate()
    roots = from_env()
    if roots is not None:  # a restricted server's job: its config, as read now, stays inside the roots
        params.check_paths(roots)
    out = Path(params.out_dir).resolve()
    cfg = load_config(params.config, params.overrides)
    progress.update(0.0, "checking the config, the datasets and the source models")
    plan = build_plan(cfg, out)  # everything is checked before DIR is even created
    _check_training_options(plan)
    with exclusive(out):
        if remove_leftovers(out):
            progress.log("removed temporary files of runs that were interrupted")
        return _plain(_run_locked(params, cfg, plan, out, progress))


def _run_locked(params: ExperimentParams, cfg, plan, out: Path, progress: Progress) -> dict:
    workers = int(params.workers or cfg.workers)
    executor = make_executor(params.executor, RUN_TASK, workers, params.ray_address, cfg.gpu_fraction)
    write_text_atomic(out / "plan.json", json.dumps({
        "config": str(Path(params.config).resolve()), "overrides": list(params.overrides),
        "settings": {k: v for k, v in dataclasses.asdict(cfg).items() if k not in ("architectures", "formats")},
        "architectures": [dataclasses.asdict(a) for a in cfg.architectures],
        "formats": [dataclasses.asdict(f) for f in cfg.formats],
        "executor": params.executor, "workers": workers, "threads_per_run": threads_per_run(workers),
        "notes": plan.notes, "sources": plan.sources, "runs": plan.runs,
    }, indent=1) + "\n")
    for note in plan.notes:
        progress.log(f"note: {note}")
    runner = Runner(out, plan, executor, progress.sub(0.0, 0.95))
    outcome = runner.run()
    results = runner.write_results()
    result = {
        "out": str(out), "results": str(results), "plan": str(out / "plan.json"),
        "runs": len(plan.runs), "pretrained_sources": len(plan.sources), "done_now": outcome.done,
        "reused": outcome.reused, "failed": outcome.failed, "skipped": outcome.skipped, "notes": plan.notes,
    }
    if results.read_text().count("\n") > 1:
        from .report import run_report

        progress.update(0.95, "writing the report")
        report = run_report([results], out / "report", resamples=cfg.resamples, seed=cfg.seed,
                            title=f"{cfg.name}: base vs transfer ({cfg.protocol} protocol)", progress=progress.sub(0.95, 1.0))
        result.update({"report": report["report"], "table2": report["table2"], "fig2_png": report["fig2_png"],
                       "table2_text": report["table2_text"], "by_n_text": report["by_n_text"],
                       "table": report["table"]})
    progress.update(1.0, f"experiment done: {len(plan.runs) - len(outcome.failed) - len(outcome.skipped)}"
                         f"/{len(plan.runs)} runs recorded")
    return result


def _plain(value):
    """Strict JSON for the server: NaN (an undefined Dice or interval) becomes None."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
