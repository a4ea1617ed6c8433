"""The backend server process: start on first use, health check, restart if it dies, stop.

Local mode runs ``<python> -m slick_backend serve`` with a fresh token (SLICK_TOKEN) on a
free port of 127.0.0.1; the plugin's bundled ``backend_src`` goes on PYTHONPATH when the
interpreter does not have the package installed. Remote mode only talks to URL + token.
Everything here runs on the QGIS main thread; tasks get a plain :class:`BackendClient`.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication, QObject, QTimer, pyqtSignal

from ..i18n import tr
from ..log import log
from ..settings import PLUGIN_DIR, SlickSettings
from .client import BackendClient, BackendError, BackendUnavailable, describe_device

BUNDLED_SRC = PLUGIN_DIR / "backend_src"  # present in the packaged zip only


def _tail(path: Path, lines: int = 1) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    # the last meaningful line, not uvicorn's shutdown chatter
    meaningful = [line for line in text if line.strip() and not line.startswith(("INFO:", "Traceback"))]
    return " | ".join((meaningful or text)[-lines:])


class BackendManager(QObject):
    """Owns the server process (local mode) and the client; emits state for the dock."""

    stateChanged = pyqtSignal(str)  # "stopped", "starting", "ready", "died", "error"
    deviceChanged = pyqtSignal(str)
    died = pyqtSignal(str)  # reason shown to the user

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
        self.log_path: Path | None = None
        self.state_dir: Path | None = None
        self._token = ""
        self.auto_restart = True
        self._restarts: list[float] = []
        self._stopping = False
        self._timer = QTimer(self)
        self._timer.setInterval(self.WATCH_MS)
        self._timer.timeout.connect(self.watch)

    # --- state -------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)

    @property
    def device(self) -> str:
        return describe_device(self.health) if self.health else tr("backend not started")

    def is_running(self) -> bool:
        if self.settings.mode == "remote":
            return self.client is not None
        return self.process is not None and self.process.poll() is None

    # --- start / ensure ----------------------------------------------------------------------
    def ensure(self) -> BackendClient:
        """A client of a healthy backend, starting the local server on first use."""
        if self.client is not None and self.is_running():
            try:
                self._set_health(self.client.health())
                return self.client
            except BackendError:
                if self.settings.mode == "remote":
                    raise
        return self.start()

    def start(self) -> BackendClient:
        if self.settings.mode == "remote":
            return self._connect_remote()
        self.stop()
        python = self.settings.python or sys.executable
        if not Path(python).exists():
            self._set_state("error")
            raise BackendError(
                tr("the backend Python {path} does not exist; set it in Slick settings").format(path=python)
            )
        token = secrets.token_urlsafe(24)
        env = dict(os.environ)
        env["SLICK_TOKEN"] = token
        env.pop("PYTHONHOME", None)  # QGIS's own must not leak into another interpreter
        if BUNDLED_SRC.is_dir():
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BUNDLED_SRC), env.get("PYTHONPATH", "")]))
        work = Path(self.settings.work_dir)
        work.mkdir(parents=True, exist_ok=True)
        for folder in (self.settings.models_dir, self.settings.sam_dir):
            Path(folder).mkdir(parents=True, exist_ok=True)
        self.log_path = work / "backend-server.log"
        self.state_dir = work / "server-state"
        discovery = self.state_dir / "server.json"
        discovery.unlink(missing_ok=True)
        cmd = [python, "-m", "slick_backend", "serve", "--host", "127.0.0.1", "--port", "0",
               "--parent-pid", str(os.getpid())]
        cmd += ["--state-dir", str(self.state_dir), *self.settings.server_args()]
        log(tr("starting the backend: {cmd}").format(cmd=" ".join(cmd)))
        self._set_state("starting")
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(
                cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(work)
            )
        self._token = token
        self.client = None
        self._wait_healthy(discovery)
        self._timer.start()
        return self.client

    def _connect_remote(self) -> BackendClient:
        if not self.settings.url:
            raise BackendError(tr("no backend URL is set; set it in Slick settings or use a local backend"))
        self.client = BackendClient(self.settings.url, self.settings.token)
        self._set_state("starting")
        try:
            self.health = self.client.health(timeout=10.0)
        except BackendError:
            self._set_state("error")
            raise
        self._ready()
        return self.client

    def _discover(self, discovery: Path) -> BackendClient | None:
        """A client once the server wrote its discovery file (port 0: it chose the port)."""
        try:
            info = json.loads(discovery.read_text())
        except (OSError, ValueError):
            return None
        if info.get("pid") != self.process.pid or not info.get("url"):
            return None
        return BackendClient(info["url"], self._token)

    def _wait_healthy(self, discovery: Path) -> None:
        """Poll /health, keeping the QGIS UI alive, until ready, dead or timed out."""
        deadline = time.monotonic() + self.settings.start_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                reason = _tail(self.log_path) or tr("exit code {code}").format(code=self.process.returncode)
                self.process = None
                self._set_state("error")
                raise BackendError(tr("the backend server did not start: {reason}").format(reason=reason))
            self.client = self.client or self._discover(discovery)
            if self.client is not None:
                try:
                    self.health = self.client.health(timeout=5.0)
                    self._ready()
                    return
                except BackendUnavailable:
                    pass
            QCoreApplication.processEvents()
            time.sleep(0.1)
        self.stop()
        self._set_state("error")
        raise BackendError(
            tr("the backend server did not answer within {s:.0f} s; see {log}").format(
                s=self.settings.start_timeout_s, log=self.log_path
            )
        )

    def _ready(self) -> None:
        log(tr("backend ready on {device}").format(device=self.device))
        self._set_state("ready")
        self.deviceChanged.emit(self.device)

    # --- watchdog ----------------------------------------------------------------------------
    def watch(self) -> None:
        """Timer slot: notice a dead local server, say why, restart it (a few times at most)."""
        if self._stopping or self.settings.mode == "remote" or self.process is None:
            return
        code = self.process.poll()
        if code is None:
            if self.health.get("device_probe") == "running":  # the first seconds after start
                self.refresh_health()
            return
        reason = tr("the backend server stopped (exit code {code}). {tail}").format(
            code=code, tail=_tail(self.log_path) if self.log_path else ""
        ).strip()
        self.process = None
        self._set_state("died")
        self.died.emit(reason)
        now = time.monotonic()
        self._restarts = [t for t in self._restarts if now - t < self.RESTART_WINDOW_S] + [now]
        if not self.auto_restart or len(self._restarts) > self.MAX_RESTARTS:
            self._timer.stop()
            return
        try:
            self.start()
        except BackendError as exc:
            self.died.emit(str(exc))

    def refresh_health(self) -> dict:
        """Ask /health again (device probe finished, models added) and tell the dock."""
        if self.client is not None:
            try:
                self._set_health(self.client.health())
            except BackendError:
                pass  # the watchdog deals with a dead server
        return self.health

    def _set_health(self, health: dict) -> None:
        before = self.device
        self.health = health
        if self.device != before:
            self.deviceChanged.emit(self.device)

    def restart(self) -> BackendClient:
        self.stop()
        return self.start()

    # --- stop --------------------------------------------------------------------------------
    def stop(self) -> None:
        self._timer.stop()
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            self._stopping = True
            try:
                proc.terminate()
                try:
                    proc.wait(timeout=8)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            finally:
                self._stopping = False
        if self.settings.mode != "remote":
            self.client = None
        self.health = {}
        if self.state != "stopped":
            self._set_state("stopped")

    def apply_settings(self, settings: SlickSettings) -> None:
        """New settings take effect at the next start; a running server is stopped."""
        self.stop()
        self.client = None
        self.settings = settings
