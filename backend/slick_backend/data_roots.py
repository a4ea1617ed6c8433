"""Data-root checks: a server reachable from the network serves only paths under its roots.

On loopback every path is allowed (the user runs QGIS and the server as themselves). Any
string value in a request that looks like a path (it contains a separator, starts with
``~``, or names something that exists) is checked after resolving ``..`` and symlinks. So are
the paths a job finds inside its inputs: the tiles a dataset's manifest.json names (train,
evaluate, finetune-prompt), the datasets and source models of an experiment's TOML config and
their tiles. A restricted server runs no Ray experiment: a cluster is another machine, whose
paths it cannot check. The checks run when the job is submitted, and again in the job's worker
(``SLICK_DATA_ROOTS``, see ``guard``) where it opens tiles and reads experiment configs, so a
manifest changed after submission cannot lead a job outside the roots either.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import SlickError

ENV = "SLICK_DATA_ROOTS"  # set by a restricted server for its job workers: the roots, as a JSON list
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

    def check_path(self, value: str, what: str | None = None) -> None:
        """``what``: where the path was written, when not in the request itself."""
        if not self.restricted:
            return
        if value.startswith(("SENTINEL1_CALIB:", "/vsizip/")):
            # a GDAL name (SENTINEL1_CALIB:...:/data/X.SAFE/manifest.safe:EW_HH:...) or a /vsizip/ path
            # names the file it reads (imported here: the server starts without numpy's scenes package)
            from .scenes.safe import parse_subdataset

            value = parse_subdataset(value)[0]
        path = Path(value).expanduser().resolve()
        if not any(path == root or root in path.parents for root in self.roots):
            allowed = ", ".join(map(str, self.roots)) or "none configured (start with --data-root DIR)"
            named = f"{value} (named in {what})" if what else value
            raise ForbiddenPath(f"{named}: outside the server's data roots ({allowed}); move the file there")

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
        from .models.catalog import is_shipped_name
        from .models.names import SHIPPED_PROMPT

        self.check_values(params)
        for key, value in params.items():
            if any(word in key.lower() for word in PATH_WORDS):
                for s in _strings(value):
                    if not is_shipped_name(s) and s != SHIPPED_PROMPT:  # a shipped model lives in the backend itself
                        self.check_path(s)

    # --- paths inside a job's inputs -------------------------------------------------------
    def check_job(self, kind: str, params) -> None:
        """Every path the job will open, wherever it is written (restricted servers only)."""
        if not self.restricted:
            return
        data = getattr(params, "data", None)
        if kind in ("train", "evaluate", "finetune-prompt") and data:
            self.check_dataset(data)
        check_inputs = getattr(params, "check_paths", None)  # params that name paths inside their inputs
        if check_inputs is not None:
            check_inputs(self)

    def check_dataset(self, dataset: str) -> None:
        """The tiles a dataset's manifest names (relative to the dataset dir, or absolute)."""
        import json

        root = Path(dataset)
        try:
            manifest = json.loads((root / "manifest.json").read_text())
        except (OSError, ValueError):
            return  # validate() says what is wrong with it; nothing in it can be opened
        for tile in manifest.get("tiles", []) if isinstance(manifest, dict) else []:
            for key in ("image", "mask"):
                value = tile.get(key) if isinstance(tile, dict) else None
                if isinstance(value, str):
                    self.check_path(str(root / value), what=f"{root / 'manifest.json'}: tile {key}")


def from_env() -> Roots | None:
    """The roots a restricted server gave this job worker, or None (no restriction)."""
    import json

    value = os.environ.get(ENV)
    return Roots(json.loads(value), restricted=True) if value else None


def guard(path, what: str | None = None) -> None:
    """In a restricted server's job worker, refuse a path outside its roots (no-op elsewhere)."""
    roots = from_env()
    if roots is not None:
        roots.check_path(str(path), what=what)
