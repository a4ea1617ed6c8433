"""Data-root checks: a server reachable from the network serves only paths under its roots.

On loopback every path is allowed (the user runs QGIS and the server as themselves). Any
string value in a request that looks like a path (it contains a separator, starts with
``~``, or names something that exists) is checked after resolving ``..`` and symlinks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import SlickError

PATH_WORDS = ("path", "dir", "out", "data", "scene", "label", "model", "source", "config", "raster",
              "file", "pred", "truth", "results", "from", "checkpoint")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class ForbiddenPath(SlickError):
    """A path outside the configured data roots (HTTP 403)."""


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def _looks_like_path(value: str) -> bool:
    return "/" in value or "\\" in value or value.startswith("~") or (len(value) < 4096 and os.path.exists(value))


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


class Roots:
    def __init__(self, roots: Iterable[str | os.PathLike], restricted: bool) -> None:
        self.roots = [Path(r).expanduser().resolve() for r in roots]
        self.restricted = restricted

    def check_path(self, value: str) -> None:
        if not self.restricted:
            return
        path = Path(value).expanduser().resolve()
        if not any(path == root or root in path.parents for root in self.roots):
            allowed = ", ".join(map(str, self.roots)) or "none configured (start with --data-root DIR)"
            raise ForbiddenPath(f"{value}: outside the server's data roots ({allowed}); move the file there")

    def check_values(self, value) -> None:
        """Check every path-like string anywhere in a (nested) JSON value."""
        if not self.restricted:
            return
        for s in _strings(value):
            if _looks_like_path(s):
                self.check_path(s)

    def check_params(self, params: dict) -> None:
        """Job params: path-like strings, and every string of a field named like a path
        (so a bare relative ``out: "ds"`` cannot write into the server's working dir)."""
        if not self.restricted:
            return
        from ..models.catalog import is_shipped_name
        from ..prompt.store import SHIPPED_NAME

        self.check_values(params)
        for key, value in params.items():
            if any(word in key.lower() for word in PATH_WORDS):
                for s in _strings(value):
                    if not is_shipped_name(s) and s != SHIPPED_NAME:  # a shipped model lives in the backend itself
                        self.check_path(s)
