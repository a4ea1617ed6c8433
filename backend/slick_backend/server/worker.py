"""The job worker process: ``python -m slick_backend.server.worker JOB_DIR``.

Reads ``JOB_DIR/spec.json`` ({kind, params}), runs the use case, and reports JSON lines
on its original stdout: {"event": "progress"|"log"|"result"|"error", ...}. Everything else
the job prints (library warnings, stderr, a faulthandler dump on a crash) goes to
``JOB_DIR/log.txt``. Cancel: a line "cancel" on stdin, EOF on stdin (the server went away)
or SIGTERM all set the cooperative cancel flag; SIGTERM also raises ``Cancelled`` in the
main thread so the use case's atomic writers clean up their temporary outputs.

Exit codes: 0 success, 2 bad input, 130 cancelled, 1 internal error.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from ..errors import Cancelled, SlickError
from ..progress import Progress


class PipeProgress(Progress):
    """Progress that sends throttled JSON lines to the server and logs every message."""

    def __init__(self, out, log) -> None:
        super().__init__()
        self._out, self._log = out, log
        self._lock = threading.Lock()
        self._last = 0.0
        self._last_message = None

    def send(self, event: dict) -> None:
        with self._lock:
            self._out.write(json.dumps(event) + "\n")
            self._out.flush()

    def publish(self) -> None:
        now = time.monotonic()
        changed = self.message != self._last_message
        if changed:
            self._log.write(f"[{self.fraction * 100:5.1f}%] {self.message}\n")
            self._log.flush()
        if changed or now - self._last > 0.2 or self.fraction >= 1.0:
            self._last, self._last_message = now, self.message
            self.send({"event": "progress", "fraction": self.fraction, "message": self.message})

    def log(self, message: str) -> None:
        self._log.write(message.rstrip("\n") + "\n")
        self._log.flush()
        self.send({"event": "log", "message": message})


def _watch_stdin(progress: Progress) -> None:
    for line in sys.stdin:
        if line.strip() == "cancel":
            progress.cancel()
    progress.cancel()  # EOF: the server is gone, nobody wants the result any more


def main(argv: list[str]) -> int:
    job_dir = Path(argv[0])
    spec = json.loads((job_dir / "spec.json").read_text())
    # Keep the protocol on a private fd; fd 1 and 2 (prints, C libraries) go to the log.
    out = os.fdopen(os.dup(1), "w", buffering=1)
    log = open(job_dir / "log.txt", "a", buffering=1)  # noqa: SIM115 - lives as long as the process
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    faulthandler.enable(log)
    import logging

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=log, force=True)

    progress = PipeProgress(out, log)

    def on_term(signum, frame):
        progress.cancel()
        raise Cancelled("cancelled by the user; the worker was stopped")

    signal.signal(signal.SIGTERM, on_term)
    threading.Thread(target=_watch_stdin, args=(progress,), daemon=True).start()
    log.write(f"worker pid {os.getpid()}: {spec['kind']} {json.dumps(spec['params'])}\n")

    try:
        from .. import jobs as registry
        from .params import build_params

        params = build_params(spec["kind"], spec["params"])
        _, func = registry.resolve(spec["kind"])
        progress.check()
        result = func(params, progress)
        progress.send({"event": "result", "result": json.loads(json.dumps(result or {}, default=str))})
        return 0
    except Cancelled as exc:
        progress.send({"event": "error", "type": "cancelled", "error": str(exc)})
        return 130
    except SlickError as exc:
        progress.send({"event": "error", "type": "input", "error": str(exc)})
        return exc.exit_code
    except MemoryError:
        progress.send({"event": "error", "type": "internal", "error": "out of memory"})
        return 1
    except BaseException as exc:  # a bug in the use case: full traceback in the log only
        traceback.print_exc(file=log)
        progress.send({"event": "error", "type": "internal", "error": f"internal error: {type(exc).__name__}: {exc}"})
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
