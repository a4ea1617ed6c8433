"""Resumable execution of a plan: skip what is recorded, record each finished run atomically.

Layout of an experiment directory::

    DIR/plan.json                 the resolved config and every run spec (rewritten each start)
    DIR/runs/<run id>.json        one record per finished run (atomic; its presence = done)
    DIR/runs/<run id>.error.txt   why a run failed (retried on the next start)
    DIR/results.csv               rebuilt atomically after every finished run
    DIR/sources/<id>/             transfer sources pretrained by the experiment
    DIR/models/<run id>/          a run's model dir (deleted after evaluation unless keep_models)

A record is reused only when its spec hash matches the plan's (same data, scenes, seed,
training options...), so editing the config re-runs exactly the runs it changes.
"""

from __future__ import annotations

import inspect
import json
import logging
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_text_atomic
from ..progress import Progress
from .grid import Plan
from .results import ModelResult, write_results

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    done: int = 0
    reused: int = 0
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_record(runs_dir: Path, spec: dict) -> dict | None:
    path = runs_dir / f"{spec['id']}.json"
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if record.get("hash") == spec["hash"] else None


def record_to_result(record: dict) -> ModelResult:
    s = record["spec"]
    return ModelResult(
        init=s["init"], arch=s["arch"], backbone=s["backbone"], tile=s["tile"], pixel_size=s["pixel_size"],
        n=s["n"], draw=s["draw"], seed=s["seed"],
        name=f"{s['arch']}_{s['tile']}_{s['pixel_size']}_n{s['n']}_{s['backbone']}_d{s['draw']}",
        scene_dice={k: (math.nan if v is None else float(v)) for k, v in record["scene_dice"].items()},
    )


def remove_leftovers(out_dir: Path) -> int:
    """Temporary files of runs that were killed in flight (only safe under ``atomic.exclusive``)."""
    stale = [p for sub in ("models", "sources", "runs", ".") for p in (out_dir / sub).glob(".*")
             if p.name.endswith(".work") or ".partial" in p.name]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    return len(stale)


class Runner:
    def __init__(self, out_dir: Path, plan: Plan, executor, progress: Progress):
        self.out_dir = Path(out_dir)
        self.runs_dir = self.out_dir / "runs"
        self.plan = plan
        self.executor = executor
        self.progress = progress
        self.outcome = Outcome()
        self._total = len(plan.runs) + len(plan.sources)
        self._finished = 0
        self._in_flight: dict[str, float] = {}  # run id -> its own progress, for the overall bar

    # --- recording --------------------------------------------------------------------
    def _run_progress(self, spec: dict, fraction: float, message: str) -> None:
        """A run in flight reports (its epochs): the bar moves within the run, the line says which."""
        self._in_flight[spec["id"]] = min(1.0, max(0.0, float(fraction)))
        overall = (self._finished + sum(self._in_flight.values())) / max(1, self._total)
        kind = "pretraining the source" if spec.get("n") is None else f"N={spec['n']} draw {spec.get('draw')} {spec.get('init')}"
        self.progress.update(overall, f"run {self._finished + 1}/{self._total} ({kind}): {message}")

    def _done(self, spec: dict, record: dict | None, error: str | None) -> None:
        self._in_flight.pop(spec["id"], None)
        self._finished += 1
        error_path = self.runs_dir / f"{spec['id']}.error.txt"
        if record is None:
            self.outcome.failed.append(spec["id"])
            write_text_atomic(error_path, (error or "unknown error") + "\n")
            log.warning("run %s failed: %s", spec["id"], (error or "").strip().splitlines()[-1:])
        else:
            write_text_atomic(self.runs_dir / f"{spec['id']}.json", json.dumps(record, indent=1) + "\n")
            error_path.unlink(missing_ok=True)
            self.outcome.done += 1
            if spec.get("n") is not None:
                self.write_results()
        overall = (self._finished + sum(self._in_flight.values())) / max(1, self._total)
        self.progress.update(overall, f"{self._finished}/{self._total} runs done ({spec['id']}{' FAILED' if error else ''})")

    def write_results(self) -> Path:
        records = [r for r in (read_record(self.runs_dir, s) for s in self.plan.runs) if r is not None]
        path = self.out_dir / "results.csv"
        write_results(path, [record_to_result(r) for r in records])
        return path

    # --- execution --------------------------------------------------------------------
    def _pending(self, specs: list[dict]) -> list[dict]:
        todo = []
        for spec in specs:
            kept = not spec.get("keep_model") or (Path(spec["out"]) / "model.json").is_file()
            if kept and read_record(self.runs_dir, spec) is not None:
                self.outcome.reused += 1
                self._finished += 1
            else:
                todo.append(spec)
        return todo

    def run(self) -> Outcome:
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        sources = self._pending(self.plan.sources)
        runs = self._pending(self.plan.runs)
        self.progress.update(self._finished / max(1, self._total),
                             f"{len(sources) + len(runs)} runs to do, {self.outcome.reused} already recorded")
        if sources:
            self._execute(sources)
        missing = {s["out"] for s in self.plan.sources if read_record(self.runs_dir, s) is None}
        if missing:  # transfer runs cannot start without their pretrained source
            self.outcome.skipped = [r["id"] for r in runs if r.get("source") in missing]
            runs = [r for r in runs if r.get("source") not in missing]
        self._execute(runs)
        return self.outcome

    def _execute(self, specs: list[dict]) -> None:
        if "on_progress" in inspect.signature(self.executor.run).parameters:
            self.executor.run(specs, self._done, self.progress, on_progress=self._run_progress)
        else:  # an executor that reports whole runs only
            self.executor.run(specs, self._done, self.progress)
