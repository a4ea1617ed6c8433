"""Atomic outputs: write under a temporary name next to the target, rename when complete.

A crash or cancel therefore never leaves a file or directory that looks finished.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_file(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's directory; rename it onto ``target`` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial" + target.suffix, dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # writers (GDAL, OGR) want to create the file themselves
    tmp = Path(tmp)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike, overwrite: bool = False) -> Iterator[Path]:
    """Build a directory under a temporary name, then move it onto ``target``.

    With ``overwrite`` an existing target is replaced only once the new one is complete.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; a finished output should read like any other dir
    try:
        yield tmp
        if target.exists():
            if not overwrite:
                raise FileExistsError(f"{target} appeared while it was being written")
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_text_atomic(target: str | os.PathLike, text: str) -> None:
    with atomic_file(target) as tmp:
        tmp.write_text(text)
