"""`predict --scenes A B ... --out DIR`: one model over many scenes, resumable, on local worker
processes or a Ray cluster (executors.py, shared with the experiment).

Layout of DIR (docs/batch.md)::

    DIR/<scene id>/<scene id>_prob.tif, _mask.tif, _slicks.gpkg   one scene's outputs, as `predict`
    DIR/<scene id>/result.json    what predict returned, with the settings key the outputs were made with
    DIR/batch.json                per scene: source, state, seconds, n_slicks, error (atomic)
    DIR/slicks.gpkg               the outlines of every scene done, EPSG:4326 (rebuilt at each run's end)
    DIR/errors/<scene id>.txt     the full error of a scene that failed (retried on the next run)

A scene's folder is built under a temporary name and renamed when complete (atomic.atomic_dir):
its presence, with the same settings key, is what "done" means, so a run killed in the middle redoes
only the scenes it had not finished. Each worker process loads the model once and keeps it for all
the scenes it predicts (``_worker_engine``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_dir, write_text_atomic
from ..errors import InputError
from ..progress import NullProgress, Progress

log = logging.getLogger(__name__)
STATUS = "batch.json"
MERGED = "slicks.gpkg"
RESULT = "result.json"
TASK = "slick_backend.predict.batch:predict_scene"  # the executors' task, by name
# A Ray task's share of a GPU. A scene is mostly CPU work (reading, warping, blending, writing,
# outlines: docs/batch.md, "Throughput"), its network a few seconds of GPU: up to 16 scenes share
# one GPU, so that a node's cores, not its GPUs, set how many run at once.
GPU_FRACTION = 1 / 16
# predict options that do not change the outputs: a batch resumed on another device reuses what is done
NOT_IN_KEY = {"device", "batch_size"}


@dataclass
class BatchPredictParams:
    scenes: list[str]  # scene files, product folders / zips, folders of scenes, @LIST files
    out_dir: str  # output folder: DIR/<scene id>/..., DIR/batch.json, DIR/slicks.gpkg
    model: str = ""  # model dir or shipped model name; may be empty with engine "onnx" and an ONNX file
    overlap: float = 0.25
    batch_size: int = 8
    tta: bool = False
    threshold: float | None = None  # None: the model card's threshold
    engine: str = "torch"
    onnx: str | None = None
    device: str = "auto"
    simplify_m: float | None = None
    min_area_km2: float = 0.01
    value_kind: str = "auto"
    polarisation: str | None = None
    calibration: str | None = None
    land_mask: bool = True  # no slick over land (masks/land.py), as predict
    land_buffer_km: float = 1.0
    masks: list[str] = field(default_factory=list)  # mask files applied to every scene (land, ice, platforms)
    allow_other_mode: bool = False
    adapt_bn: bool = False  # AdaBN per scene: the model is then loaded for each scene, not once per worker
    executor: str = "local"  # local: worker processes here; ray: tasks on a Ray cluster
    workers: int = 1  # scenes at a time
    ray_address: str | None = None  # join this Ray cluster; None: start a local Ray
    overwrite: bool = False  # predict again the scenes already done

    def validate(self) -> None:
        from .batch_inputs import expand_scenes

        if not self.out_dir:
            raise InputError("--out is required with --scenes: give an output folder, e.g. out/batch")
        out = Path(self.out_dir)
        if out.exists() and not out.is_dir():
            raise InputError(f"{out}: is a file; with --scenes, --out is a folder: choose another --out")
        from ..atomic import check_output_dir

        check_output_dir(out)
        if self.executor not in ("local", "ray"):
            raise InputError(f"--executor {self.executor!r}: choose local or ray")
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise InputError(f"--workers {self.workers!r}: give a whole number of scenes at a time, 1 or more")
        if self.ray_address and self.executor != "ray":
            raise InputError("--ray-address is only used with --executor ray")
        if self.executor == "ray" and not _ray_installed():
            raise InputError("--executor ray: Ray is not installed in this environment; "
                             "pip install 'ray[default]' or use --executor local")
        scenes, notes = expand_scenes(list(self.scenes or []))
        self.predict_params(scenes[0][1], _probe_prefix()).validate()  # predict's own option checks, once
        if self.model:  # a bad model dir now, in one line, not once per scene in every worker
            from ..models.modeldir import read_card

            read_card(self.predict_params("", "").model_dir())
        self._expanded = (scenes, notes)  # not a field: the server and the CLI send the entries, not this

    def scene_list(self) -> tuple[list[tuple[str, str]], list[str]]:
        """((scene id, path) per scene, notes), as validate() expanded them."""
        if getattr(self, "_expanded", None) is None:
            self.validate()
        return self._expanded

    def predict_fields(self) -> dict:
        """The options every scene's PredictParams gets: the fields both dataclasses have."""
        from .api import PredictParams

        shared = {f.name for f in dataclasses.fields(PredictParams)} - {"scene", "out_prefix", "overwrite"}
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name in shared}

    def predict_params(self, scene: str, out_prefix: str):
        from .api import PredictParams

        return PredictParams(scene=scene, out_prefix=out_prefix, overwrite=True, **self.predict_fields())


def _ray_installed() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("ray") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["ray"] is None (a blocked import)
        return False


def _probe_prefix() -> str:
    """An output prefix in the temp folder, for checking predict's options before any scene is
    read (predict probes its prefix's folder; DIR itself is checked by check_output_dir)."""
    import tempfile

    return str(Path(tempfile.gettempdir()) / "slick-batch-check")


def settings_key(params: BatchPredictParams) -> str:
    """What a scene's outputs depend on besides the scene: the predict options and the model's weights."""
    options = {k: v for k, v in params.predict_fields().items() if k not in NOT_IN_KEY}
    if params.model:
        from ..models.modeldir import read_card

        options["weights_sha256"] = read_card(params.predict_params("", "").model_dir()).get("weights_sha256")
    return hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:16]


# --- the worker side: one scene -------------------------------------------------------------
_ENGINES: dict = {}  # in a worker process: (model, engine, onnx, device, weights) -> (engine, card)


def _worker_engine(params) -> tuple[object, dict, bool]:
    """(engine, card, reused): the model loaded by an earlier scene in this process, else loaded now."""
    import atexit
    import multiprocessing.util
    import shutil
    import tempfile

    from .api import build_engine, load_card

    card = load_card(params)
    key = (params.model_dir(), params.engine, params.onnx, params.device, card.get("weights_sha256"))
    if key in _ENGINES:
        return _ENGINES[key][0], card, True
    tmp = Path(tempfile.mkdtemp(prefix="slick-batch-model-"))  # an ONNX export lives as long as the worker
    # a multiprocessing worker leaves through os._exit, past atexit: its finalizers are what run
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(str(tmp), True), exitpriority=0)
    atexit.register(shutil.rmtree, tmp, True)  # the driver itself, or a Ray worker
    _ENGINES.clear()  # one model per worker at a time
    _ENGINES[key] = (build_engine(params, card, tmp), card)
    return _ENGINES[key][0], card, False


def predict_scene(spec: dict, threads: int | None = None, progress: Progress | None = None) -> dict:
    """Executor task: predict one scene into ``spec["out"]`` (its own folder, atomically); its record."""
    from .api import run_predict

    progress = progress or NullProgress()
    params = BatchPredictParams(scenes=[], out_dir="", **spec["options"]).predict_params(spec["scene"], "")
    if threads and params.engine == "torch":
        import torch

        torch.set_num_threads(int(threads))
    start = time.perf_counter()
    engine, card, reused = (None, None, False) if params.adapt_bn else _worker_engine(params)
    out = Path(spec["out"])
    with atomic_dir(out, overwrite=True) as tmp:
        params.out_prefix = str(tmp / spec["id"])
        result = run_predict(params, progress, engine=engine, card=card)
        outputs = {k: str(out / Path(result[k]).name) for k in ("prob", "mask", "outlines", "centrelines") if k in result}
        record = {
            "id": spec["id"], "scene": spec["scene"], "key": spec["key"], "outputs": outputs,
            "n_slicks": result["n_slicks"], "slick_area_km2": result["slick_area_km2"],
            "seconds": round(time.perf_counter() - start, 2), "predict_seconds": result["seconds"],
            "mpx_per_s": result["mpx_per_s"], "engine": result["engine"], "warnings": result["warnings"],
            "worker": f"{socket.gethostname()}:{os.getpid()}", "model_reused": reused, "finished": _now(),
        }
        (tmp / RESULT).write_text(json.dumps(record, indent=1) + "\n")
    return record


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


# --- the driver side: which scenes, their states, the merged outlines -------------------------
def read_done(folder: Path, key: str) -> dict | None:
    """The record of a scene whose outputs are complete and were made with these settings, else None."""
    try:
        record = json.loads((folder / RESULT).read_text())
    except (OSError, ValueError):
        return None
    complete = all((folder / Path(p).name).is_file() for p in (record.get("outputs") or {}).values())
    return record if complete and record.get("outputs") and record.get("key") == key else None


class BatchRun:
    """The states of a batch's scenes, written to DIR/batch.json at every change."""

    def __init__(self, out: Path, scenes: list[tuple[str, str]], key: str, progress: Progress):
        self.out_dir, self.key, self.progress = out, key, progress
        self.entries = {sid: {"id": sid, "source": path, "state": "pending", "seconds": None, "n_slicks": None,
                              "error": None, "finished": None} for sid, path in scenes}
        self.records: dict[str, dict] = {}
        self.reused = self.done_now = 0
        self._in_flight: dict[str, float] = {}
        self._finished = 0

    def pending(self, redo: bool) -> list[dict]:
        """Specs of the scenes to predict; scenes done with the same settings are kept (unless ``redo``)."""
        specs = []
        for sid, entry in self.entries.items():
            record = None if redo else read_done(self.out_dir / sid, self.key)
            if record is not None:
                self.records[sid] = record
                entry.update(state="done", seconds=record["seconds"], n_slicks=record["n_slicks"],
                             finished=record.get("finished"))
                self.reused += 1
                self._finished += 1
            else:
                specs.append({"id": sid, "scene": entry["source"], "out": str(self.out_dir / sid), "key": self.key})
        self.write()
        return specs

    def running(self, spec: dict, fraction: float, message: str) -> None:
        """A scene in flight reports: the bar moves within it, the line says which scene."""
        entry = self.entries[spec["id"]]
        if entry["state"] != "running":
            entry["state"] = "running"
            self.write()
        self._in_flight[spec["id"]] = min(1.0, max(0.0, float(fraction)))
        self.progress.update(self._overall(), f"{self._finished}/{len(self.entries)} scenes done; {spec['id']}: {message}")

    def done(self, spec: dict, record: dict | None, error: str | None) -> None:
        sid = spec["id"]
        self._in_flight.pop(sid, None)
        self._finished += 1
        entry = self.entries[sid]
        error_file = self.out_dir / "errors" / f"{sid}.txt"
        if record is None:
            entry.update(state="failed", error=one_line(error), seconds=None, n_slicks=None, finished=_now())
            write_text_atomic(error_file, (error or "unknown error") + "\n")
            log.warning("%s failed: %s", sid, entry["error"])
        else:
            self.records[sid] = record
            self.done_now += 1
            entry.update(state="done", error=None, seconds=record["seconds"], n_slicks=record["n_slicks"],
                         finished=record["finished"])
            error_file.unlink(missing_ok=True)
        self.write()
        state = "FAILED" if record is None else f"{record['n_slicks']} slicks"
        self.progress.update(self._overall(), f"{self._finished}/{len(self.entries)} scenes done ({sid}: {state})")

    def _overall(self) -> float:
        return (self._finished + sum(self._in_flight.values())) / max(1, len(self.entries))

    def counts(self) -> dict[str, int]:
        states = [e["state"] for e in self.entries.values()]
        return {s: states.count(s) for s in ("done", "failed", "running", "pending")}

    def write(self) -> None:
        status = {"format": "slick-batch", "version": 1, "updated": _now(), "key": self.key,
                  "counts": self.counts(), "scenes": list(self.entries.values())}
        write_text_atomic(self.out_dir / STATUS, json.dumps(status, indent=1) + "\n")

    def merge(self) -> tuple[Path | None, dict]:
        """DIR/slicks.gpkg from every scene done, in the order of the scene list."""
        from .merge import merge_outlines

        done = [Path(self.records[sid]["outputs"]["outlines"]) for sid in self.entries if sid in self.records]
        counts = merge_outlines(done, self.out_dir / MERGED)
        return (self.out_dir / MERGED if counts else None), counts


def one_line(error: str | None) -> str:
    """The last line of a worker's traceback, without the exception's module path (InputError's own words)."""
    lines = [line.strip() for line in (error or "unknown error").strip().splitlines() if line.strip()]
    last = lines[-1] if lines else "unknown error"
    name, sep, message = last.partition(": ")
    if sep and " " not in name:
        short = name.rsplit(".", 1)[-1]
        return message if short == "InputError" else f"{short}: {message}"
    return last


def run_batch_predict(params: BatchPredictParams, progress: Progress) -> dict:
    """Predict every scene not done yet, record each as it finishes, then merge the outlines."""
    from ..atomic import exclusive
    from ..executors import make_executor, threads_per_run

    params.validate()
    scenes, notes = params.scene_list()
    out = Path(params.out_dir).absolute()  # workers (Ray's too) may run in another folder
    t0 = time.perf_counter()
    with exclusive(out, "batch prediction"):
        batch = BatchRun(out, scenes, settings_key(params), progress)
        specs = batch.pending(params.overwrite)
        options = {f.name: getattr(params, f.name) for f in dataclasses.fields(params)
                   if f.name not in ("scenes", "out_dir", "overwrite")}
        for spec in specs:
            spec["options"] = options
        progress.update(batch.reused / max(1, len(scenes)),
                        f"{len(specs)} scenes to predict, {batch.reused} already done")
        for note in notes:
            log.info(note)
        executor = make_executor(params.executor, TASK, params.workers, params.ray_address, GPU_FRACTION)
        try:
            executor.run(specs, batch.done, progress, on_progress=batch.running)
        finally:  # also on cancel: the merged file then lists exactly the scenes done
            for entry in batch.entries.values():
                if entry["state"] == "running":
                    entry["state"] = "pending"
            batch.write()
            merged, counts = batch.merge()
    seconds = time.perf_counter() - t0
    failed = [{"id": e["id"], "scene": e["source"], "error": e["error"]}
              for e in batch.entries.values() if e["state"] == "failed"]
    progress.update(1.0, f"{batch.counts()['done']}/{len(scenes)} scenes done, {len(failed)} failed")
    return {
        "out": str(out), "status": str(out / STATUS), "outlines": str(merged) if merged else None,
        "scenes": len(scenes), "done": batch.counts()["done"], "done_now": batch.done_now, "reused": batch.reused,
        "failed": failed, "n_slicks": counts.get("slicks", 0), "seconds": round(seconds, 2),
        "scenes_per_hour": round(batch.done_now / seconds * 3600, 1) if batch.done_now else None,
        "executor": params.executor, "workers": params.workers, "threads_per_worker": threads_per_run(params.workers),
        "notes": notes,
    }
