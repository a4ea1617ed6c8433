"""Start the server (``slick-backend serve``): check the options, bind the socket, write the
discovery file once it listens, stop on SIGTERM or when the parent process is gone.

Imported only when the server starts: the CLI's parser stays free of uvicorn and fastapi.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import uvicorn

from .. import __version__
from ..data_roots import is_loopback
from ..errors import InputError
from . import API_VERSION
from .app import ServerConfig, create_app
from .auth import remove_discovery, resolve_token, write_discovery


@dataclass
class ServeOptions:
    """What `slick-backend serve` was asked for (its flags' meanings: cli/serve.py)."""

    state_dir: str
    models_dir: str
    sam_dir: str
    host: str = "127.0.0.1"
    port: int = 0
    data_roots: list[str] = field(default_factory=list)
    gpu_jobs: int = 1
    cpu_jobs: int = 2
    log_level: str = "info"
    parent_pid: int | None = None

    def validate(self) -> Path:
        """The state dir, created; InputError for options that cannot work."""
        if self.gpu_jobs < 0 or self.cpu_jobs < 0:
            raise InputError("--gpu-jobs and --cpu-jobs must be 0 or more")
        if not 0 <= self.port <= 65535:
            raise InputError(f"--port {self.port}: give a port between 1 and 65535, or 0 for a free one")
        state_dir = Path(self.state_dir).expanduser().resolve()
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--state-dir {state_dir}: cannot create it ({exc}); give a writable directory") from None
        for root in self.data_roots:
            if not Path(root).expanduser().is_dir():
                raise InputError(f"--data-root {root}: not a directory; give an existing directory")
        return state_dir

    @property
    def restricted(self) -> bool:
        """Reachable from other machines: only paths under the data roots are served."""
        return not is_loopback(self.host)


def bind(host: str, port: int) -> tuple[socket.socket, str]:
    """A socket bound to host:port and the server's URL. Bound here, before uvicorn starts, so that
    port 0 resolves to the free port that goes into server.json."""
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((bare, port))
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port or 0") from None
    url_host = f"[{bare}]" if family == socket.AF_INET6 else host
    return sock, f"http://{url_host}:{sock.getsockname()[1]}"


def discovery_info(url: str, host: str, port: int, token_file: Path | None) -> dict:
    """What server.json says: how to reach this server and which process it is."""
    return {
        "url": url, "host": host, "port": port, "pid": os.getpid(),
        "token_file": str(token_file) if token_file else None, "version": __version__, "api": API_VERSION,
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def announce_when_listening(server: uvicorn.Server, state_dir: Path, info: dict) -> None:
    """Write server.json once the socket listens (uvicorn has no hook there: wrap its startup)."""
    original_startup = server.startup

    async def startup(sockets=None):
        await original_startup(sockets=sockets)
        write_discovery(state_dir, info)
        print(f"slick-backend serve: listening on {info['url']} (discovery: {state_dir / 'server.json'})",
              file=sys.stderr, flush=True)

    server.startup = startup


def watch_parent(server: uvicorn.Server, pid: int, interval: float = 2.0) -> None:
    """Ask uvicorn to exit (its normal shutdown cancels the jobs) once ``pid`` is gone."""
    import threading
    import time

    import psutil

    def watch() -> None:
        while not server.should_exit:
            if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                server.should_exit = True
                return
            time.sleep(interval)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_until_stopped(server: uvicorn.Server, sock: socket.socket, state_dir: Path) -> int:
    """Serve until Ctrl-C, SIGTERM or the parent's exit; remove server.json; 143 after SIGTERM."""
    # uvicorn shuts down on SIGTERM (how the plugin stops it), then re-raises the signal with the
    # handler it found: this one, so the discovery file is removed instead of the process dying
    terminated = []

    def on_sigterm(signum, _frame):
        terminated.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: uvicorn already shut down cleanly (jobs cancelled)
        pass
    finally:
        remove_discovery(state_dir, os.getpid())
    return 143 if terminated else 0


def serve(options: ServeOptions) -> int:
    """Run the server until it is stopped; the exit status of `slick-backend serve`."""
    state_dir = options.validate()
    token, token_file = resolve_token(state_dir)
    config = ServerConfig(
        state_dir=state_dir, models_dir=Path(options.models_dir).expanduser(),
        sam_dir=Path(options.sam_dir).expanduser(), token=token, host=options.host,
        data_roots=list(options.data_roots), restricted=options.restricted,
        gpu_jobs=options.gpu_jobs, cpu_jobs=options.cpu_jobs,
    )
    app = create_app(config)
    sock, url = bind(options.host, options.port)
    if options.restricted:
        logging.getLogger("slick.server").warning(
            "WARNING: listening on %s, reachable from other machines; only paths under %s are served "
            "(anyone with the token can run jobs on this machine)", options.host, options.data_roots or "no data root")
    info = discovery_info(url, options.host, sock.getsockname()[1], token_file)
    server = uvicorn.Server(uvicorn.Config(app, log_level=options.log_level, access_log=options.log_level == "debug"))
    announce_when_listening(server, state_dir, info)
    if options.parent_pid:
        watch_parent(server, options.parent_pid)
    return run_until_stopped(server, sock, state_dir)
