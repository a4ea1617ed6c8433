"""Start a backend server process and wait for its first /health answer (no Qt: worker threads).

Used by the BackendManager's starter thread and by the setup's final check. The server is
``<python> -m slick_backend serve --port 0`` with a fresh token in SLICK_TOKEN; the plugin's
bundled ``backend_src`` goes on PYTHONPATH (the packaged zip); it writes STATE/server.json
once it listens, which gives its URL.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..i18n import tr
from ..settings import PLUGIN_DIR
from .client import BackendClient, BackendError

BUNDLED_SRC = PLUGIN_DIR / "backend_src"  # present in the packaged zip only


class Superseded(Exception):
    """The caller stopped wanting this server while it was starting."""


def log_tail(path: Path | None, lines: int = 1) -> str:
    if path is None:
        return ""
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    # the last meaningful line, not uvicorn's shutdown chatter
    meaningful = [line for line in text if line.strip() and not line.startswith(("INFO:", "Traceback"))]
    return " | ".join((meaningful or text)[-lines:])


def reap(proc: subprocess.Popen | None, grace_s: float = 8.0) -> None:
    """Terminate ``proc`` and wait for it (kill after ``grace_s``). Blocks: worker threads only."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        pass


def server_env(token: str) -> dict:
    env = dict(os.environ)
    env["SLICK_TOKEN"] = token
    env.pop("PYTHONHOME", None)  # QGIS's own must not leak into another interpreter
    if BUNDLED_SRC.is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BUNDLED_SRC), env.get("PYTHONPATH", "")]))
    return env


def spawn(python: str, work: Path, state_dir: Path, extra_args: list[str], log_path: Path) -> tuple[subprocess.Popen, str]:
    """The server process (not waited for) and its token; BackendError if the Python is missing."""
    if not Path(python).exists():
        raise BackendError(tr("the backend Python {path} does not exist; set it in Slick settings, "
                              "or use Set up the backend").format(path=python))
    token = secrets.token_urlsafe(24)
    work.mkdir(parents=True, exist_ok=True)
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "server.json").unlink(missing_ok=True)
    cmd = [python, "-m", "slick_backend", "serve", "--host", "127.0.0.1", "--port", "0",
           "--parent-pid", str(os.getpid()), "--state-dir", str(state_dir), *extra_args]
    from ..log import log

    log(tr("starting the backend: {cmd}").format(cmd=" ".join(cmd)))
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
    with open(log_path, "ab") as out:
        proc = subprocess.Popen(cmd, env=server_env(token), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=str(work), creationflags=flags)
    return proc, token


def discover(discovery: Path, pid: int, token: str) -> BackendClient | None:
    """A client once the server wrote its discovery file (port 0: it chose the port)."""
    try:
        info = json.loads(discovery.read_text())
    except (OSError, ValueError):
        return None
    if info.get("pid") != pid or not info.get("url"):
        return None
    return BackendClient(info["url"], token)


def wait_healthy(proc: subprocess.Popen, state_dir: Path, token: str, timeout_s: float, log_path: Path,
                 wanted: Callable[[], bool] = lambda: True) -> tuple[BackendClient, dict]:
    """Poll the discovery file and /health until the server answers; BackendError if it dies or
    stays silent; Superseded as soon as ``wanted()`` turns false. Blocks: worker threads only."""
    deadline = time.monotonic() + timeout_s
    client = None
    while time.monotonic() < deadline:
        if not wanted():
            raise Superseded()
        if proc.poll() is not None:
            reason = log_tail(log_path) or tr("exit code {code}").format(code=proc.returncode)
            raise BackendError(tr("the backend server did not start: {reason}").format(reason=reason))
        client = client or discover(state_dir / "server.json", proc.pid, token)
        if client is not None:
            try:
                return client, client.health(timeout=5.0)
            except BackendError:
                pass
        time.sleep(0.1)
    raise BackendError(tr("the backend server did not answer within {s:.0f} s; see {log}").format(
        s=timeout_s, log=log_path))
