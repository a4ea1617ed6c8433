"""``slick-backend serve``: the local HTTP server the QGIS plugin talks to (docs/server-api.md).

Only the options live here; starting the server is server/startup.py.
"""

from __future__ import annotations

import argparse
import os

from .params import params_from_args

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


def run(args, progress) -> int:
    from ..server.startup import ServeOptions, serve  # uvicorn and fastapi: only when serving

    return serve(params_from_args(ServeOptions, args, renames={"data_roots": "data_root"}))
