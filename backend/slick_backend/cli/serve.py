"""``slick-backend serve``: the local HTTP server the QGIS plugin talks to (docs/server-api.md)."""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

DEFAULT_STATE = "~/.cache/slick/server"
DEFAULT_MODELS = "~/.cache/slick/models/trained"
DEFAULT_SAM = "~/.cache/slick/models/sam"


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "serve",
        help="run the local server (jobs with progress/cancel, interactive SAM)",
        description="Run the Slick backend server (FastAPI on uvicorn). Every request needs "
        "'Authorization: Bearer <token>': the token is $SLICK_TOKEN, or a generated one written with "
        "mode 0600 to STATE_DIR/token; STATE_DIR/server.json gives the URL, port, pid and token file.",
    )
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1); any other address serves only paths under --data-root")
    p.add_argument("--port", type=int, default=0, help="port (default 0: a free port, written to server.json)")
    p.add_argument("--state-dir", default=os.environ.get("SLICK_STATE_DIR", DEFAULT_STATE),
                   help=f"token, server.json, job records and logs, SAM cache (default {DEFAULT_STATE})")
    p.add_argument("--models-dir", default=os.environ.get("SLICK_MODELS_DIR", DEFAULT_MODELS),
                   help=f"trained model dirs listed by GET /models (default $SLICK_MODELS_DIR or {DEFAULT_MODELS})")
    p.add_argument("--sam-dir", default=os.environ.get("SLICK_SAM_DIR", DEFAULT_SAM),
                   help=f"SAM checkpoints (*.safetensors) offered for prompting (default $SLICK_SAM_DIR or {DEFAULT_SAM})")
    p.add_argument("--data-root", action="append", default=[], metavar="DIR",
                   help="a directory whose files may be used (repeatable); enforced when --host is not loopback")
    p.add_argument("--gpu-jobs", type=int, default=1, help="GPU jobs run at the same time (default 1; 0 holds them queued)")
    p.add_argument("--cpu-jobs", type=int, default=2, help="CPU jobs run at the same time (default 2; 0 holds them queued)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.add_argument("--parent-pid", type=int, default=None,
                   help="shut down (cancelling jobs) when this process exits; the QGIS plugin passes its own pid "
                   "so a server never outlives a QGIS that crashed or was killed")
    return p


def _watch_parent(server, pid: int, interval: float = 2.0) -> None:
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


def run(args, progress) -> int:
    import logging
    import socket
    import sys
    from datetime import datetime, timezone

    import uvicorn

    from .. import __version__
    from ..data_roots import is_loopback
    from ..errors import InputError
    from ..server import API_VERSION
    from ..server.app import ServerConfig, create_app
    from ..server.auth import remove_discovery, resolve_token, write_discovery

    if args.gpu_jobs < 0 or args.cpu_jobs < 0:
        raise InputError("--gpu-jobs and --cpu-jobs must be 0 or more")
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: give a port between 1 and 65535, or 0 for a free one")
    state_dir = Path(args.state_dir).expanduser().resolve()
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--state-dir {state_dir}: cannot create it ({exc}); give a writable directory") from None
    restricted = not is_loopback(args.host)
    for root in args.data_root:
        if not Path(root).expanduser().is_dir():
            raise InputError(f"--data-root {root}: not a directory; give an existing directory")
    token, token_file = resolve_token(state_dir)
    config = ServerConfig(
        state_dir=state_dir, models_dir=Path(args.models_dir).expanduser(), sam_dir=Path(args.sam_dir).expanduser(),
        token=token, host=args.host, data_roots=list(args.data_root), restricted=restricted,
        gpu_jobs=args.gpu_jobs, cpu_jobs=args.cpu_jobs,
    )
    app = create_app(config)

    # Bind the socket ourselves so port 0 resolves before uvicorn starts and goes into server.json.
    family = socket.AF_INET6 if ":" in args.host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host.strip("[]"), args.port))
    except OSError as exc:
        raise InputError(f"cannot listen on {args.host}:{args.port} ({exc.strerror}); choose another --port or 0") from None
    port = sock.getsockname()[1]
    if restricted:
        logging.getLogger("slick.server").warning(
            "WARNING: listening on %s, reachable from other machines; only paths under %s are served "
            "(anyone with the token can run jobs on this machine)", args.host, args.data_root or "no data root")
    url_host = f"[{args.host.strip('[]')}]" if family == socket.AF_INET6 else args.host
    info = {
        "url": f"http://{url_host}:{port}", "host": args.host, "port": port, "pid": os.getpid(),
        "token_file": str(token_file) if token_file else None, "version": __version__, "api": API_VERSION,
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    server = uvicorn.Server(uvicorn.Config(app, log_level=args.log_level, access_log=args.log_level == "debug"))
    original_startup = server.startup

    async def startup(sockets=None):  # write server.json once the socket listens
        await original_startup(sockets=sockets)
        write_discovery(state_dir, info)
        print(f"slick-backend serve: listening on {info['url']} (discovery: {state_dir / 'server.json'})",
              file=sys.stderr, flush=True)

    server.startup = startup
    if args.parent_pid:
        _watch_parent(server, args.parent_pid)
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
