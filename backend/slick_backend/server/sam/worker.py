"""The persistent SAM worker: ``python -m slick_backend.server.sam.worker CACHE_DIR``.

Protocol: one JSON object a line on stdin, ``{"id", "op": "embed"|"prompt"|"drop"|"ping",
"session", "payload"}``; one answer a line on stdout, ``{"id", "ok": true, "result"}`` or
``{"id", "ok": false, "status", "error"}``. A reader thread queues requests and marks the
older request of a session superseded when a newer one arrives; the compute loop skips
superseded requests and checks again between stages (before each embedding and decode).
EOF on stdin ends the worker.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import queue
import sys
import threading
import traceback
from pathlib import Path

from ...errors import SlickError

log = logging.getLogger("slick.sam")


class _Inbox:
    def __init__(self) -> None:
        self.q: queue.Queue = queue.Queue()
        self.latest: dict[str, int] = {}
        self.lock = threading.Lock()

    def read(self, stream) -> None:
        for raw in stream:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            with self.lock:
                if msg.get("session") is not None:
                    self.latest[msg["session"]] = msg["id"]
            self.q.put(msg)
        self.q.put(None)

    def superseded(self, msg: dict) -> bool:
        session = msg.get("session")
        with self.lock:
            return session is not None and self.latest.get(session, msg["id"]) != msg["id"]


def main(argv: list[str]) -> int:
    from .engine import NotFound, SamEngine, Superseded

    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # stray prints from libraries go to the log, not into the protocol
    sys.stdout = sys.stderr
    faulthandler.enable()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sam-worker %(levelname)s: %(message)s")
    engine = SamEngine(Path(argv[0]))
    log.info("SAM worker %d ready on %s", os.getpid(), engine.device)
    inbox = _Inbox()
    threading.Thread(target=inbox.read, args=(sys.stdin,), daemon=True).start()

    def reply(msg: dict, **fields) -> None:
        out.write(json.dumps({"id": msg.get("id"), **fields}) + "\n")
        out.flush()

    while (msg := inbox.q.get()) is not None:
        def check(msg=msg) -> None:
            if inbox.superseded(msg):
                raise Superseded()

        try:
            check()
            op, payload = msg.get("op"), msg.get("payload") or {}
            if op == "embed":
                result = engine.embed(payload, check)
            elif op == "prompt":
                result = engine.prompt(payload, check)
            elif op == "drop":
                result = engine.drop()
            elif op == "ping":
                result = {"pid": os.getpid(), "device": engine.device}
            else:
                reply(msg, ok=False, status=400, error=f"unknown op {op!r}")
                continue
            reply(msg, ok=True, result=result)
        except Superseded:
            reply(msg, ok=False, status=409, error="superseded by a newer request of the same session")
        except NotFound as exc:
            reply(msg, ok=False, status=404, error=str(exc))
        except SlickError as exc:
            reply(msg, ok=False, status=400, error=str(exc))
        except MemoryError:
            reply(msg, ok=False, status=503, error="the SAM worker ran out of memory; try a smaller model or window")
        except Exception as exc:  # a bug: one line to the client, the traceback to the log
            traceback.print_exc()
            reply(msg, ok=False, status=500, error=f"internal error in the SAM worker: {type(exc).__name__}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
