"""Entry point of ``slick-backend``: parse, dispatch, and turn errors into one line."""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import threading
import traceback

from .. import __version__
from ..errors import SlickError
from ..progress import ConsoleProgress
from . import COMMANDS


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(
        prog="slick-backend",
        description="Few-shot oil-slick segmentation of Sentinel-1 SAR scenes (the Slick backend).",
    )
    parser.add_argument("--version", action="version", version=f"slick-backend {__version__}")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":
                continue
            raise
        sub = module.add_parser(subparsers)
        modules[sub.prog.split()[-1]] = module
    return parser, modules


class _ProgressLog(logging.Handler):
    def __init__(self, progress: ConsoleProgress) -> None:
        super().__init__()
        self.progress = progress
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.progress.quiet:  # --quiet hides progress, not warnings
                print(self.format(record), file=sys.stderr, flush=True)
            else:
                self.progress.log(self.format(record))
        except Exception:  # noqa: BLE001 - logging must never break the command
            self.handleError(record)


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    progress = ConsoleProgress(quiet=args.quiet)
    # log records go through the progress adapter, so they print above a live progress line
    logging.basicConfig(level=logging.INFO if not args.quiet else logging.WARNING, handlers=[_ProgressLog(progress)])
    terminated = []

    def on_sigterm(signum, _frame):  # as Ctrl-C: the atomic writers' cleanup runs, then exit 143
        terminated.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm) if threading.current_thread() is threading.main_thread() else None
    try:
        code = int(modules[args.command].run(args, progress) or 0)
        progress.close()
        return code
    except SlickError as exc:
        progress.close()
        print(f"slick-backend {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        progress.close()
        how = "terminated" if terminated else "interrupted"
        print(f"slick-backend {args.command}: {how}; no partial output was kept", file=sys.stderr)
        return 143 if terminated else 130
    except (FileExistsError, NotADirectoryError, IsADirectoryError, PermissionError) as exc:
        # a path the user gave that cannot be written where a check before the work did not catch it
        progress.close()
        if args.debug:
            traceback.print_exc()
        print(f"slick-backend {args.command}: error: {exc.filename or exc}: {exc.strerror or exc}; a file where a folder "
              "should be, a folder where a file should be, or no write permission: choose another path",
              file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so in one line, keep the traceback behind --debug
        progress.close()
        if args.debug:
            traceback.print_exc()
        print(
            f"slick-backend {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback and report it)",
            file=sys.stderr,
        )
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
