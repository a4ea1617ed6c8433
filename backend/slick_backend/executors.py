"""Executors: run tasks several at a time, in local processes or on a Ray cluster; the
experiment's grid runs (experiment/api.py) and batch prediction's scenes (predict/batch.py).

Both call a task named "module:function" (a module-level ``task(spec, threads, progress) ->
dict``, imported by name in the spawned process or Ray worker that runs it: the experiment's
``trainrun.execute_run``, batch prediction's scene), and hand each outcome to the
driver's callback as soon as it arrives, so the runner records finished runs one by one and a
killed experiment loses only the runs in flight. The driver polls ``progress.check()`` while it
waits; on cancel, workers are terminated (local) or their tasks force-cancelled (Ray).

Each run sets torch's thread count explicitly (``threads``), which is also what makes results
identical between executors on CPU: the same seed and the same thread count give the same
floating-point reductions whichever process runs them.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .errors import InputError
from .progress import Progress

Done = Callable[[dict, dict | None, str | None], None]  # (spec, record or None, error text or None)
RunProgress = Callable[[dict, float, str], None]  # (spec, fraction of that run, its message)
POLL_S = 0.5
MAX_DEATHS = 2  # a run in flight when its worker died this often is recorded failed
_QUEUE = None  # in a local worker: where its runs report their progress to the driver


class QueueProgress(Progress):
    """A run's progress in a worker process, sent (throttled) to the driver through a queue."""

    def __init__(self, queue, run_id: str, min_interval: float = 0.5) -> None:
        super().__init__()
        self.queue, self.run_id, self.min_interval = queue, run_id, min_interval
        self._last = 0.0

    def publish(self) -> None:
        now = time.monotonic()
        if now - self._last < self.min_interval and self.fraction < 1.0:
            return
        self._last = now
        try:
            self.queue.put_nowait((self.run_id, self.fraction, self.message))
        except Exception:  # noqa: BLE001 - progress is best effort; the run goes on
            pass


def _init_worker(parent: int, queue) -> None:
    global _QUEUE
    _QUEUE = queue
    _exit_with_parent(parent)


def _task(name: str) -> Callable[..., dict]:
    """The task function named "module:function" (imported in the worker that runs it)."""
    module, func = name.split(":")
    return getattr(importlib.import_module(module), func)


def _execute_reporting(spec: dict, threads: int | None, task: str) -> dict:
    """Pool task: the run, reporting its epochs to the driver."""
    progress = None
    if _QUEUE is not None:
        _QUEUE.put((spec["id"], None, "started"))  # the driver charges a dead worker to started runs only
        progress = QueueProgress(_QUEUE, spec["id"])
    return _task(task)(spec, threads, progress)


def _execute_on_ray(spec: dict, threads: int | None, queue, task: str) -> dict:
    """Ray task: the run, reporting its epochs to the driver through a Ray queue (an actor)."""
    return _task(task)(spec, threads, QueueProgress(queue, spec["id"]) if queue is not None else None)


def threads_per_run(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _exit_with_parent(parent: int) -> None:
    """Pool initializer: a worker whose driver was killed (SIGKILL) stops instead of training on."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _error_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).strip()


class LocalExecutor:
    """``workers`` spawned processes (spawn: safe with torch and CUDA), each run one at a time.

    On one GPU several small few-shot trainings share the device this way; choose ``workers``
    so that they fit in its memory (benchmarks/bench_experiment.py measures a run's peak).
    A worker that dies (killed, out of memory) breaks its pool: the runs that were in flight
    are tried again in a fresh pool, and a run in flight at ``MAX_DEATHS`` deaths is recorded
    failed, so one scene that kills its worker never hangs nor stops the others.
    """

    name = "local"

    def __init__(self, task: str, workers: int = 1, threads: int | None = None):
        self.workers = max(1, int(workers))
        self.threads = threads or threads_per_run(self.workers)
        self.task = task

    def run(self, specs: list[dict], done: Done, progress: Progress, on_progress: RunProgress | None = None) -> None:
        """``on_progress(spec, fraction, message)``: a run's own progress (epochs), as it trains."""
        if not specs:
            return
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        state = _PoolState({s["id"]: s for s in specs}, on_progress, queue)
        try:
            todo = list(specs)
            while todo:
                again = self._run_pool(todo, self.workers, ctx, state, done, progress)
                for suspect in [s for s in again if state.deaths.get(s["id"])]:
                    # alone, so that a run which shared the pool with the killer is not charged again
                    while self._run_pool([suspect], 1, ctx, state, done, progress):
                        pass
                todo = [s for s in again if not state.deaths.get(s["id"])]
        finally:
            queue.close()

    def _run_pool(self, specs: list[dict], workers: int, ctx, state: _PoolState, done: Done,
                  progress: Progress) -> list[dict]:
        """Run ``specs`` in one pool; the specs to run again when a worker died."""
        pool = ProcessPoolExecutor(max_workers=min(workers, len(specs)), mp_context=ctx,
                                   initializer=_init_worker, initargs=(os.getpid(), state.queue))
        futures = {pool.submit(_execute_reporting, s, self.threads, self.task): s for s in specs}
        again = []
        try:
            while futures:
                progress.check()
                state.drain()
                ready = [f for f in futures if f.done()]
                for future in ready:
                    spec = futures.pop(future)
                    try:
                        record, error = future.result(), None
                    except BrokenProcessPool:
                        state.drain()  # the start reports of the runs that were in flight
                        error = state.worker_died(spec, alone=len(specs) == 1)
                        if error is None:
                            again.append(spec)
                            continue
                        record = None
                    except Exception as exc:  # the run failed in its worker; record it, go on
                        record, error = None, _error_text(exc)
                    state.started.discard(spec["id"])
                    done(spec, record, error)
                if not ready:
                    time.sleep(POLL_S)
        finally:
            if futures:  # cancelled, or the driver's own error: kill the runs in flight (Python 3.11's
                # executor has no terminate, and shutdown alone would wait for them to finish)
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)  # else workers exit normally: their finalizers run
        return again


class _PoolState:
    """What the driver knows of the runs across pools: which started, how often a worker died under each."""

    def __init__(self, by_id: dict, on_progress: RunProgress | None, queue) -> None:
        self.by_id, self.on_progress, self.queue = by_id, on_progress, queue
        self.started: set[str] = set()
        self.deaths: dict[str, int] = {}

    def drain(self) -> None:
        while True:
            try:
                run_id, fraction, message = self.queue.get_nowait()
            except Exception:  # noqa: BLE001 - queue.Empty, or a closed queue
                return
            if fraction is None:  # the run's start, sent by its worker
                self.started.add(run_id)
            elif self.on_progress is not None and run_id in self.by_id:
                self.on_progress(self.by_id[run_id], fraction, message)

    def worker_died(self, spec: dict, alone: bool) -> str | None:
        """The error to record for ``spec`` after its pool broke, or None to run it again. Only the
        runs that had started are charged (the pool cannot tell which of them killed its worker),
        or the one run of a pool of its own."""
        if spec["id"] not in self.started and not alone:
            return None
        self.started.discard(spec["id"])
        self.deaths[spec["id"]] = self.deaths.get(spec["id"], 0) + 1
        if self.deaths[spec["id"]] < MAX_DEATHS:
            return None
        return (f"its worker process died {MAX_DEATHS} times while running it (killed, or out of memory: "
                "try fewer workers or a smaller scene)")


class RayExecutor:
    """The same runs as Ray tasks: ``ray.init(address)`` when given, a local Ray otherwise.

    Each task asks for ``threads`` CPUs and, when the cluster has GPUs, ``gpu_fraction`` of one
    (so 1 / gpu_fraction few-shot runs share a GPU). Workers must have slick_backend installed
    and see the datasets and the output directory at the same paths (a shared filesystem).
    """

    name = "ray"

    def __init__(self, task: str, workers: int = 1, address: str | None = None, gpu_fraction: float = 0.25,
                 threads: int | None = None):
        self.workers = max(1, int(workers))
        self.address = address
        self.gpu_fraction = gpu_fraction
        self.threads = threads or threads_per_run(self.workers)
        self.task = task

    def run(self, specs: list[dict], done: Done, progress: Progress, on_progress: RunProgress | None = None) -> None:
        """``on_progress(spec, fraction, message)``: a run's epochs, sent through a Ray queue."""
        if not specs:
            return
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no phoning home from a workstation
        try:
            import ray
        except ImportError:
            raise InputError("--executor ray: Ray is not installed in this environment; "
                             "pip install 'ray[default]' or use --executor local") from None
        started = not ray.is_initialized()
        if started:
            try:
                if self.address:
                    ray.init(address=self.address, log_to_driver=False)
                else:
                    ray.init(num_cpus=self.workers * self.threads, include_dashboard=False, log_to_driver=False)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                raise InputError(f"--ray-address {self.address}: cannot join the Ray cluster ({exc}); "
                                 "check the address or leave it out for a local Ray") from None
        try:
            gpus = self.gpu_fraction if ray.cluster_resources().get("GPU", 0) > 0 else 0
            queue = None
            if on_progress is not None:
                from ray.util.queue import Queue

                queue = Queue(maxsize=1000, actor_options={"num_cpus": 0})
            task = ray.remote(_execute_on_ray).options(num_cpus=self.threads, num_gpus=gpus, max_retries=0)
            refs = {task.remote(s, self.threads, queue, self.task): s for s in specs}

            def drain() -> None:
                """Every update sent so far (a task's puts are done when it returns), for runs not
                yet handed to ``done``."""
                if queue is None:
                    return
                running = {s["id"]: s for s in refs.values()}
                for run_id, fraction, message in queue.get_nowait_batch(queue.qsize()):
                    if run_id in running:
                        on_progress(running[run_id], fraction, message)

            try:
                while refs:
                    progress.check()
                    ready, _ = ray.wait(list(refs), num_returns=1, timeout=POLL_S)
                    drain()
                    for ref in ready:
                        spec = refs.pop(ref)
                        try:
                            record, error = ray.get(ref), None
                        except Exception as exc:  # RayTaskError wraps the run's own exception
                            record, error = None, _error_text(exc)
                        done(spec, record, error)
            finally:
                for ref in refs:  # cancelled or crashed: stop what is still running
                    ray.cancel(ref, force=True)
        finally:
            if started:
                ray.shutdown()


def make_executor(kind: str, task: str, workers: int, address: str | None = None, gpu_fraction: float = 0.25):
    if kind == "local":
        if address:
            raise InputError("--ray-address is only used with --executor ray")
        return LocalExecutor(task, workers)
    if kind == "ray":
        return RayExecutor(task, workers, address, gpu_fraction)
    raise InputError(f"--executor {kind}: choose local or ray")
