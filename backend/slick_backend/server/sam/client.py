"""Server side of the persistent SAM worker: start it lazily, send requests, match answers.

The worker (``python -m slick_backend.server.sam.worker``) reads JSON lines on stdin and
answers on stdout with the request id. Requests are called from FastAPI's thread pool,
so each waits on its own event. A newer request of the same session answers the older
waiting one with 409 at once (the worker also skips it if it has not started). If the
worker dies, every waiting request gets 503 and the next request starts a fresh worker.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from ...errors import SlickError


class SamError(SlickError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class SamSuperseded(SlickError):
    """Superseded by a newer request of the same session (HTTP 409)."""


class _Pending:
    def __init__(self, session: str | None) -> None:
        self.session = session
        self.proc: subprocess.Popen | None = None
        self.done = threading.Event()
        self.answer: dict | None = None


class SamClient:
    def __init__(self, state_dir: Path, sam_dir: Path, timeout: float = 900.0) -> None:
        self.state_dir, self.sam_dir, self.timeout = Path(state_dir), Path(sam_dir), timeout
        self.cache_dir = self.state_dir / "sam-cache"
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()
        self.pending: dict[int, _Pending] = {}
        self.ids = itertools.count(1)
        self.last_exit: str | None = None

    # --- process -----------------------------------------------------------------------
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def status(self) -> dict:
        return {"running": self.running(), "pid": self.proc.pid if self.running() else None, "last_exit": self.last_exit}

    def _ensure(self) -> subprocess.Popen:
        if self.running():
            return self.proc
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        logf = open(self.state_dir / "sam-worker.log", "ab")  # noqa: SIM115 - handed to the child
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "slick_backend.server.sam.worker", str(self.cache_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=logf,
            env=dict(os.environ, PYTHONUNBUFFERED="1"), start_new_session=True,
        )
        logf.close()
        threading.Thread(target=self._read, args=(self.proc,), daemon=True, name="sam-reader").start()
        return self.proc

    def _read(self, proc: subprocess.Popen) -> None:
        for raw in proc.stdout:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            with self.lock:
                waiter = self.pending.pop(msg.get("id"), None)
            if waiter is not None:
                waiter.answer = msg
                waiter.done.set()
        code = proc.wait()
        self.last_exit = f"exit code {code}" if code >= 0 else f"killed by signal {-code}"
        with self.lock:  # only this worker's requests: a fresh worker may already be serving
            mine = [rid for rid, w in self.pending.items() if w.proc is proc]
            waiters = [self.pending.pop(rid) for rid in mine]
        for waiter in waiters:
            waiter.answer = {"ok": False, "status": 503, "error": f"the SAM worker stopped ({self.last_exit}); "
                             "send the request again to restart it (see sam-worker.log in the state dir)"}
            waiter.done.set()

    def stop(self) -> None:
        if self.running():
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    # --- requests ------------------------------------------------------------------------
    def request(self, op: str, payload: dict, session: str | None = None) -> dict:
        """Send one request and wait for its answer. If the worker dies while it holds the
        request (it was killed, or was dying when we wrote), a fresh worker gets it once more:
        every op is idempotent (embeddings are cached, prompts recomputed)."""
        for attempt in range(2):
            try:
                return self._request_once(op, payload, session)
            except SamError as exc:
                if exc.status != 503 or attempt:
                    raise
        raise AssertionError("unreachable")

    def _request_once(self, op: str, payload: dict, session: str | None) -> dict:
        waiter = _Pending(session)
        with self.lock:
            rid = next(self.ids)
            if session is not None:
                for old_id, old in list(self.pending.items()):
                    if old.session == session:
                        del self.pending[old_id]
                        old.answer = {"ok": False, "status": 409,
                                      "error": "superseded by a newer request of the same session"}
                        old.done.set()
            line = json.dumps({"id": rid, "op": op, "session": session, "payload": payload}) + "\n"
            for attempt in range(2):
                proc = self._ensure()
                waiter.proc = proc
                self.pending[rid] = waiter
                try:
                    proc.stdin.write(line.encode())
                    proc.stdin.flush()
                    break
                except (OSError, ValueError):  # it died and poll() did not know yet: start a fresh one
                    self.pending.pop(rid, None)
                    with contextlib.suppress(Exception):
                        proc.kill()
                        proc.wait(10)
                    if attempt:
                        raise SamError("the SAM worker is not reachable; see sam-worker.log in the state dir", 503) from None
        if not waiter.done.wait(self.timeout):
            with self.lock:
                self.pending.pop(rid, None)
            raise SamError(f"the SAM worker did not answer within {self.timeout:.0f} s", 503)
        answer = waiter.answer or {}
        if answer.get("ok"):
            return answer["result"]
        status = int(answer.get("status", 500))
        if status == 409:
            raise SamSuperseded(answer.get("error", "superseded"))
        raise SamError(answer.get("error", "SAM worker error"), status)
