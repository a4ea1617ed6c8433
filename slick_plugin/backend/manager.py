"""The backend server process: start on first use, health check, restart if it dies, stop.

Local mode runs ``<python> -m slick_backend serve`` with a fresh token (SLICK_TOKEN) on a
free port of 127.0.0.1; the plugin's bundled ``backend_src`` goes on PYTHONPATH when the
interpreter does not have the package installed. Remote mode only talks to URL + token.

Nothing here waits on QGIS's GUI thread. ``start()`` returns at once: a starter thread
reaps the previous server, spawns the new one, waits for its discovery file and its first
``/health`` answer, and hands the outcome back to the main thread (state "starting", then
"ready" or "error"). ``stop()`` sends the signal and lets a reaper thread wait. Code that
needs a client calls ``wait_client()`` from a worker thread (QgsTask, SAM thread,
Processing); the GUI only calls ``ensure_started()`` and reacts to ``stateChanged``.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
import time
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, pyqtSignal

from ..i18n import tr
from ..log import log
from ..settings import SlickSettings, TokenStoreError
from .background import Background, on_main_thread
from .client import BackendClient, BackendError, describe_device
from .launch import BUNDLED_SRC, Superseded, log_tail, reap, spawn, wait_healthy  # noqa: F401 - BUNDLED_SRC re-exported

# Settings the running server depends on; the others (SAM model, threshold) apply at once.
SERVER_FIELDS = ("mode", "python", "url", "token", "token_authcfg", "models_dir", "work_dir", "sam_dir")


class BackendManager(QObject):
    """Owns the server process (local mode) and the client; emits state for the dock."""

    stateChanged = pyqtSignal(str)  # "stopped", "starting", "ready", "died", "error"
    deviceChanged = pyqtSignal(str)
    died = pyqtSignal(str)  # the server stopped by itself: the reason shown to the user
    failed = pyqtSignal(str)  # a start did not succeed: the reason shown to the user
    _startRequested = pyqtSignal()  # from worker threads: start on the main thread
    _attemptDone = pyqtSignal(int, object, object, str)  # attempt, client, health, error

    WATCH_MS = 2000
    MAX_RESTARTS = 3  # within RESTART_WINDOW_S, then give up and say so
    RESTART_WINDOW_S = 120.0

    def __init__(self, settings: SlickSettings | None = None, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings or SlickSettings.load()
        self.process: subprocess.Popen | None = None
        self.client: BackendClient | None = None
        self.health: dict = {}
        self.state = "stopped"
        self.error = ""  # why the last start failed
        self.log_path: Path | None = None
        self.state_dir: Path | None = None
        self.auto_restart = True
        self._restarts: list[float] = []
        self._attempt = 0  # bumped by every start() and stop(): older starters give up
        self._cond = threading.Condition()
        self._health_pending = False
        self.background = Background(self)
        self._startRequested.connect(self.ensure_started)
        self._attemptDone.connect(self._finish_attempt)
        self._timer = QTimer(self)
        self._timer.setInterval(self.WATCH_MS)
        self._timer.timeout.connect(self.watch)

    # --- state -------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        with self._cond:
            self.state = state
            self._cond.notify_all()
        self.stateChanged.emit(state)

    @property
    def device(self) -> str:
        if self.state == "starting":
            return tr("starting the backend...")
        return describe_device(self.health) if self.health else tr("backend not started")

    def is_running(self) -> bool:
        if self.settings.mode == "remote":
            return self.client is not None
        return self.process is not None and self.process.poll() is None

    def is_active(self) -> bool:
        """Starting, or ready with a live server."""
        return self.state == "starting" or (self.state == "ready" and self.is_running())

    # --- start -------------------------------------------------------------------------------
    def ensure_started(self) -> None:
        """Start the backend unless it is starting or ready. Returns at once; any thread."""
        if not on_main_thread():
            self._startRequested.emit()  # queued to the main thread
            return
        if not self.is_active():
            self.start()

    def start(self) -> None:
        """(Re)start the backend without waiting: "starting" now, "ready" or "error" later."""
        if not on_main_thread():
            self._startRequested.emit()
            return
        self._timer.stop()
        old, self.process = self.process, None
        with self._cond:
            self._attempt += 1
            attempt = self._attempt
        self.client, self.health, self.error = None, {}, ""
        settings = dataclasses.replace(self.settings)
        token_error = ""
        if settings.mode == "remote":
            work = self._connect_remote
            log(tr("connecting to the backend at {url}").format(url=settings.url))
            try:
                settings.token = settings.stored_token()  # QGIS's authentication database; may ask for its password
            except TokenStoreError as exc:
                token_error = str(exc)
        else:
            work = self._launch
            self.log_path = Path(settings.work_dir) / "backend-server.log"
            self.state_dir = Path(settings.work_dir) / "server-state"
        self._set_state("starting")
        self.deviceChanged.emit(self.device)
        if token_error:
            self._finish_attempt(attempt, None, None, token_error)
            if old is not None:
                threading.Thread(target=reap, args=(old,), daemon=True).start()
            return

        def run() -> None:
            try:
                client, health = work(attempt, settings, old)
            except Superseded:
                return
            except BackendError as exc:
                self._attemptDone.emit(attempt, None, None, str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - a bug must still end the "starting" state
                self._attemptDone.emit(attempt, None, None, f"{type(exc).__name__}: {exc}")
                return
            self._attemptDone.emit(attempt, client, health, "")

        threading.Thread(target=run, daemon=True, name="slick-backend-start").start()

    def _current(self, attempt: int) -> bool:
        with self._cond:
            return attempt == self._attempt

    def _connect_remote(self, attempt: int, settings: SlickSettings, old) -> tuple[BackendClient, dict]:
        """Starter thread: remote mode is one /health call (a local server of before is stopped)."""
        reap(old)
        if not settings.url:
            raise BackendError(tr("no backend URL is set; set it in Slick settings or use a local backend"))
        client = BackendClient(settings.url, settings.token)
        return client, client.health(timeout=10.0)

    def _launch(self, attempt: int, settings: SlickSettings, old) -> tuple[BackendClient, dict]:
        """Starter thread: reap the old server, spawn the new one, wait for its first /health."""
        reap(old)
        work = Path(settings.work_dir)
        for folder in (settings.models_dir, settings.sam_dir):
            Path(folder).mkdir(parents=True, exist_ok=True)
        log_path, state_dir = work / "backend-server.log", work / "server-state"
        proc, token = spawn(settings.python or sys.executable, work, state_dir, settings.server_args(), log_path)
        with self._cond:
            if attempt != self._attempt:  # stopped or restarted while we were spawning
                threading.Thread(target=reap, args=(proc,), daemon=True).start()
                raise Superseded()
            self.process = proc
        # whoever supersedes this attempt owns (and stops) the process
        return wait_healthy(proc, state_dir, token, settings.start_timeout_s, log_path,
                            wanted=lambda: self._current(attempt))

    def _finish_attempt(self, attempt: int, client, health, error: str) -> None:
        """Main thread: the starter thread's outcome, unless a newer start or a stop came since."""
        if not self._current(attempt):
            return
        if error:
            proc, self.process = self.process, None
            if proc is not None:
                threading.Thread(target=reap, args=(proc,), daemon=True).start()
            self.error = error
            log(tr("the backend did not start: {reason}").format(reason=error))
            self._set_state("error")
            self.deviceChanged.emit(self.device)
            self.failed.emit(error)
            return
        self.client, self.health = client, health or {}
        if self.settings.mode != "remote":
            self._timer.start()
        log(tr("backend ready on {device}").format(device=describe_device(self.health)))
        self._set_state("ready")
        self.deviceChanged.emit(self.device)

    # --- waiting (worker threads) -----------------------------------------------------------
    def wait_client(self, timeout: float | None = None, cancelled=None) -> BackendClient:
        """A client of a ready backend, starting it if needed; BackendError if it cannot start.

        Blocks: call it from worker threads. On the main thread (a synchronous
        ``processing.run``, scripts) it runs a local event loop while it waits.
        """
        with self._cond:
            if self.state == "ready" and self.client is not None and (self.settings.mode == "remote" or self.process):
                if self.settings.mode == "remote" or self.process.poll() is None:
                    return self.client
            target = self._attempt if self.state == "starting" else self._attempt + 1
        self.ensure_started()
        main = on_main_thread()
        deadline = time.monotonic() + (timeout or self.settings.start_timeout_s + 60.0)
        while True:
            with self._cond:
                if self._attempt >= target:
                    if self.state == "ready" and self.client is not None:
                        return self.client
                    if self.state == "error":
                        raise BackendError(self.error)
                    if self.state == "stopped":
                        raise BackendError(tr("the backend was stopped"))
                if not main:
                    self._cond.wait(0.2)
            if main:
                QCoreApplication.processEvents(QEventLoop.AllEvents, 20)
                time.sleep(0.01)
            if cancelled is not None and cancelled():
                raise BackendError(tr("cancelled while waiting for the backend to start"))
            if time.monotonic() > deadline:
                raise BackendError(tr("the backend did not become ready; see {log}").format(log=self.log_path))

    def ensure(self) -> BackendClient:
        """``wait_client()``: blocks; for worker threads, scripts and tests, never GUI slots."""
        return self.wait_client()

    # --- watchdog ----------------------------------------------------------------------------
    def watch(self) -> None:
        """Timer slot: notice a dead local server, say why, restart it (a few times at most)."""
        if self.settings.mode == "remote" or self.process is None or self.state != "ready":
            return
        code = self.process.poll()
        if code is None:
            if self.health.get("device_probe") == "running":  # the first seconds after start
                self.refresh_health()
            return
        reason = tr("the backend server stopped (exit code {code}). {tail}").format(
            code=code, tail=log_tail(self.log_path)
        ).strip()
        self.process = None
        self.client = None
        self._set_state("died")
        self.died.emit(reason)
        now = time.monotonic()
        self._restarts = [t for t in self._restarts if now - t < self.RESTART_WINDOW_S] + [now]
        if not self.auto_restart or len(self._restarts) > self.MAX_RESTARTS:
            self._timer.stop()
            self.error = reason
            self._set_state("error")
            return
        self.start()

    def refresh_health(self) -> dict:
        """Ask /health again in the background (device probe finished, models added); returns
        what is known now and tells the dock when the answer comes."""
        client = self.client
        if client is not None and not self._health_pending:
            self._health_pending = True

            def done(health) -> None:
                self._health_pending = False
                if client is self.client:
                    self._set_health(health)

            def failed(_exc) -> None:
                self._health_pending = False  # the watchdog deals with a dead server

            self.background.run(client.health, done, failed, name="slick-health")
        return self.health

    def _set_health(self, health: dict) -> None:
        before = self.device
        self.health = health
        if self.device != before:
            self.deviceChanged.emit(self.device)

    def restart(self) -> None:
        self.start()  # the starter thread stops the old server first

    # --- stop --------------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the server without waiting for it: SIGTERM now, a reaper thread kills it if needed."""
        self._timer.stop()
        with self._cond:
            self._attempt += 1  # a starter still running gives up and stops its process
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                proc.terminate()
            except OSError:
                pass
            threading.Thread(target=reap, args=(proc,), daemon=True, name="slick-backend-reap").start()
        self.client = None
        self.health = {}
        if self.state != "stopped":
            self._set_state("stopped")
            self.deviceChanged.emit(self.device)

    def apply_settings(self, settings: SlickSettings) -> None:
        """New settings. A running server is restarted only when a setting it depends on changed
        (pressing OK without changes, or changing the SAM model or threshold, leaves it alone)."""
        old, self.settings = self.settings, settings
        if not settings.token and settings.token_authcfg == old.token_authcfg:
            settings.token = old.token  # no new token typed: the one in use stays
        if all(getattr(old, name) == getattr(settings, name) for name in SERVER_FIELDS):
            return
        if self.is_active():
            log(tr("backend settings changed: restarting the backend"))
            self.start()
        else:
            self.stop()
