"""The job manager: a queue, one worker process per job, progress, cancel, crash handling.

Each job runs ``python -m slick_backend.server.worker JOB_DIR`` (a fresh interpreter: a
CUDA crash, a segfault or the OOM killer takes down only that job). A reader thread per
job turns the worker's JSON lines into state; the exit status explains a crash. GPU jobs
run ``gpu_slots`` at a time so two trainings do not fight for GPU memory; CPU jobs run
``cpu_slots`` at a time. Records live in ``STATE/jobs/<id>/job.json``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..atomic import partials_of, remove_path, write_text_atomic

log = logging.getLogger("slick.server.jobs")

TERMINAL = {"succeeded", "failed", "cancelled"}
OUTPUT_KEYS = ("out", "output", "out_dir", "out_prefix", "out_file", "prefix")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    device: str = "cpu"
    state: str = "queued"
    progress: float = 0.0
    message: str = "queued"
    result: dict[str, Any] | None = None
    error: str | None = None
    cancel_requested: bool = False
    pid: int | None = None
    exit_code: int | None = None
    created: str = field(default_factory=_now)
    started: str | None = None
    finished: str | None = None

    def public(self) -> dict[str, Any]:
        return asdict(self)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = {
            "SIGKILL": ": often the system ran out of memory",
            "SIGSEGV": ": a crash in native code",
            "SIGABRT": ": a crash in native code",
        }.get(name, "")
        return f"worker killed by signal {-code} ({name}{hint})"
    return f"worker exited with code {code} without a result"


def remove_partials(params: dict[str, Any]) -> list[str]:
    """Delete the temporary outputs (atomic.partial_path) next to the params' output paths; a
    prefix's files (predict, baseline: NAME_mask.tif...) have theirs under ".NAME_..." too."""
    removed = []
    for key in OUTPUT_KEYS:
        value = params.get(key)
        if not isinstance(value, str) or not value:
            continue
        for entry in partials_of(Path(value).expanduser(), prefix=True):
            remove_path(entry)
            removed.append(str(entry))
    return removed


class JobManager:
    def __init__(self, state_dir: Path, gpu_slots: int = 1, cpu_slots: int = 2, grace: float = 5.0,
                 worker_env: dict[str, str] | None = None) -> None:
        self.worker_env = dict(worker_env or {})  # e.g. a restricted server's data roots (roots.ENV)
        self.dir = Path(state_dir) / "jobs"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.gpu_slots, self.cpu_slots, self.grace = gpu_slots, cpu_slots, grace
        self.jobs: dict[str, Job] = {}
        self.procs: dict[str, subprocess.Popen] = {}
        self.lock = threading.RLock()
        self.closing = False
        self._load()

    # --- records ---------------------------------------------------------------------
    def _load(self) -> None:
        for path in sorted(self.dir.glob("*/job.json")):
            try:
                job = Job(**json.loads(path.read_text()))
            except (OSError, ValueError, TypeError):
                continue
            if job.state not in TERMINAL:
                job.state, job.error, job.pid = "failed", "the server stopped while this job was queued or running", None
                job.finished = _now()
                self._save(job)
            self.jobs[job.id] = job

    def _save(self, job: Job) -> None:
        with contextlib.suppress(OSError):
            write_text_atomic(self.dir / job.id / "job.json", json.dumps(job.public(), indent=1))

    def job_dir(self, job_id: str) -> Path:
        return self.dir / job_id

    # --- API -------------------------------------------------------------------------
    def submit(self, kind: str, params: dict[str, Any], device: str) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, params=params, device=device)
        d = self.job_dir(job.id)
        d.mkdir(parents=True)
        write_text_atomic(d / "spec.json", json.dumps({"kind": kind, "params": params}))
        (d / "log.txt").touch()
        with self.lock:
            self.jobs[job.id] = job
            self._save(job)
            self._schedule()
        return job

    def list(self, state: str | None = None) -> list[Job]:
        with self.lock:
            jobs = [j for j in self.jobs.values() if state is None or j.state == state]
        return sorted(jobs, key=lambda j: (j.created, j.id), reverse=True)

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def read_log(self, job_id: str, offset: int = 0, limit: int = 1 << 20) -> tuple[str, int]:
        path = self.job_dir(job_id) / "log.txt"
        try:
            with open(path, "rb") as f:
                f.seek(max(0, offset))
                data = f.read(limit)
        except OSError:
            return "", offset
        return data.decode("utf-8", "replace"), max(0, offset) + len(data)

    def cancel(self, job_id: str) -> Job:
        with self.lock:
            job = self.jobs[job_id]
            if job.state in TERMINAL:
                return job
            job.cancel_requested = True
            if job.state == "queued":
                self._finish(job, "cancelled", error="cancelled before it started")
                self._schedule()
                return job
            job.message = "cancelling..."
            proc = self.procs.get(job_id)
        if proc is not None:
            with contextlib.suppress(OSError, ValueError):
                proc.stdin.write(b"cancel\n")
                proc.stdin.flush()
            threading.Thread(target=self._escalate, args=(proc,), daemon=True).start()
        return job

    def shutdown(self) -> None:
        """Cancel everything (used when the server stops)."""
        self.closing = True
        with self.lock:
            ids = [j.id for j in self.jobs.values() if j.state not in TERMINAL]
        for job_id in ids:
            self.cancel(job_id)
        deadline = time.monotonic() + self.grace + 4
        for proc in list(self.procs.values()):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))

    def counts(self) -> dict[str, int]:
        with self.lock:
            states = [j.state for j in self.jobs.values()]
        return {s: states.count(s) for s in ("queued", "running")}

    # --- scheduling ------------------------------------------------------------------
    def _schedule(self) -> None:
        with self.lock:
            if self.closing:
                return
            running = [j for j in self.jobs.values() if j.state == "running"]
            busy = {"cuda": sum(j.device == "cuda" for j in running), "cpu": sum(j.device != "cuda" for j in running)}
            limit = {"cuda": self.gpu_slots, "cpu": self.cpu_slots}
            queued = sorted((j for j in self.jobs.values() if j.state == "queued"), key=lambda j: (j.created, j.id))
            for job in queued:
                dev = "cuda" if job.device == "cuda" else "cpu"
                if busy[dev] < limit[dev]:
                    busy[dev] += 1
                    self._start(job)

    def _start(self, job: Job) -> None:
        d = self.job_dir(job.id)
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.worker_env)
        if job.device != "cuda":
            env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 2) // max(1, self.cpu_slots))))
        try:
            with open(d / "log.txt", "ab") as logf:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "slick_backend.server.worker", str(d)],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=logf, env=env,
                    start_new_session=True,  # Ctrl-C on the server does not hit workers directly
                )
        except OSError as exc:
            self._finish(job, "failed", error=f"could not start a worker: {exc}")
            return
        job.state, job.pid, job.started, job.message = "running", proc.pid, _now(), "starting"
        self.procs[job.id] = proc
        self._save(job)
        threading.Thread(target=self._follow, args=(job, proc), daemon=True, name=f"job-{job.id}").start()

    def _follow(self, job: Job, proc: subprocess.Popen) -> None:
        result, error = None, None
        for raw in proc.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            kind = event.get("event")
            if kind == "progress":
                with self.lock:
                    job.progress = float(event.get("fraction") or 0.0)
                    if not job.cancel_requested:
                        job.message = str(event.get("message") or "")
            elif kind == "result":
                result = event.get("result") or {}
            elif kind == "error":
                error = event
        code = proc.wait()
        if code != 0:  # a killed or crashed worker may leave children in its group: stop them
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        with self.lock:
            self.procs.pop(job.id, None)
            job.exit_code, job.pid = code, None
            if result is not None and code == 0:
                job.progress = 1.0
                self._finish(job, "succeeded", result=result, message="done")
            elif job.cancel_requested:
                self._finish(job, "cancelled", error="cancelled by the user")
            elif error is not None:
                self._finish(job, "failed", error=str(error.get("error")))
            else:
                self._finish(job, "failed", error=describe_exit(code))
            self._schedule()

    def _finish(self, job: Job, state: str, result=None, error=None, message=None) -> None:
        job.state, job.result, job.error, job.finished = state, result, error, _now()
        job.message = message or (error or state)
        if state != "succeeded":
            removed = remove_partials(job.params)
            if removed:
                log.info("job %s: removed partial outputs %s", job.id, removed)
        self._save(job)
        with contextlib.suppress(OSError):
            with open(self.job_dir(job.id) / "log.txt", "a") as f:
                f.write(f"--- job {state}" + (f": {error}" if error else "") + "\n")

    def _escalate(self, proc: subprocess.Popen) -> None:
        """Cooperative cancel first; SIGTERM after the grace period, SIGKILL 3 s later.

        Signals go to the worker's process group (it leads its own session), so processes
        it started (experiment executors, data loaders) stop with it."""
        for sig, wait in ((signal.SIGTERM, self.grace), (signal.SIGKILL, 3.0)):
            try:
                proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
