"""Atomic outputs: write under a temporary name next to the target, rename when complete.

A crash or cancel therefore never leaves a file or directory that looks finished. The
temporary name is ``.NAME.<pid>.<random>.partial[.ext]``: the writer's pid lets the next
writer of the same output sweep what a killed one left (SIGKILL runs no cleanup), while a
partial of a writer still alive is left alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

UNKNOWN_OWNER_STALE_S = 24 * 3600  # partials of older versions (no pid in the name): stale after a day


def partial_path(target: str | os.PathLike, suffix: str | None = None) -> Path:
    """A fresh temporary name for ``target`` in its directory (``suffix``: its extension by default)."""
    target = Path(target)
    ext = target.suffix if suffix is None else suffix
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.partial{ext}")


def partials_of(target: str | os.PathLike, prefix: bool = False) -> list[Path]:
    """Every temporary output of ``target`` next to it, whoever writes it; ``prefix``: also those of
    the files named after it (an output prefix's NAME_mask.tif ... have theirs as ".NAME_...")."""
    target = Path(target)
    if not target.parent.is_dir():
        return []
    pattern = f".{_glob_escape(target.name)}" + ("*" if prefix else ".*")
    return [p for p in target.parent.glob(pattern) if ".partial" in p.name]


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_path(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _stale(path: Path, owner: str) -> bool:
    if owner.isdigit():
        return int(owner) != os.getpid() and not _alive(int(owner))
    try:
        return time.time() - path.lstat().st_mtime > UNKNOWN_OWNER_STALE_S
    except OSError:
        return False


def sweep_partials(target: str | os.PathLike) -> list[Path]:
    """Remove the partials of ``target`` that a dead writer left; returns them."""
    target = Path(target)
    swept = []
    for path in partials_of(target):
        owner = path.name[len(target.name) + 2:].split(".", 1)[0]  # ".NAME.<owner>.…"
        if _stale(path, owner):
            remove_path(path)
            swept.append(path)
    return swept


def _make_parent(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError, PermissionError) as exc:
        from .errors import InputError

        raise InputError(f"{target}: cannot make its folder {target.parent} ({exc.strerror}: a file on the way, "
                         "or a folder that takes no new files); choose another output") from None


@contextlib.contextmanager
def atomic_file(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's directory; rename it onto ``target`` on success."""
    target = Path(target)
    _make_parent(target)
    sweep_partials(target)
    tmp = partial_path(target)  # not created: writers (GDAL, OGR) want to create the file themselves
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
    _make_parent(target)
    sweep_partials(target)
    tmp = partial_path(target, suffix="")
    tmp.mkdir(mode=0o755)
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


def check_writable(prefix: str | os.PathLike) -> None:
    """The output prefix's folder must exist (it is created if needed) and accept new files.

    Tried for real (create and delete a probe file): permission bits say little for root or
    on read-only / special file systems."""
    import tempfile

    from .errors import InputError

    prefix = Path(prefix)
    folder = prefix.parent if str(prefix.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".slick-probe-"):
            pass
    except OSError as exc:
        raise InputError(f"{prefix}: cannot write outputs in {folder} (not a writable folder: {exc.strerror}); "
                         "choose another --out") from None


def check_outputs_free(paths, overwrite: bool) -> None:
    """Refuse to replace existing outputs unless ``overwrite`` (as train and prepare do)."""
    from .errors import InputError

    taken = [Path(p) for p in paths if Path(p).exists()]
    if taken and not overwrite:
        more = f" (and {len(taken) - 1} more output(s) of this prefix)" if len(taken) > 1 else ""
        raise InputError(f"{taken[0]}: already exists{more}; choose another --out prefix or give --overwrite")


def check_output_dir(out: str | os.PathLike, flag: str = "--out") -> None:
    """An output dir (or a prefix's folder) can be made and written: no regular file on its way,
    and its nearest existing folder accepts new files. Checked before any work."""
    import tempfile

    from .errors import InputError

    out = Path(out).absolute()
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing != out and not existing.is_dir():
        raise InputError(f"{out}: {existing} is a file, not a folder; choose another {flag}")
    folder = existing if existing.is_dir() else existing.parent
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".slick-probe-"):
            pass
    except OSError as exc:
        raise InputError(f"{out}: cannot write in {folder} ({exc.strerror}); choose another {flag}") from None


@contextlib.contextmanager
def exclusive(out_dir: Path, what: str = "experiment"):
    """Hold DIR/.lock for the job's lifetime: two experiments (batches) never share a directory."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            from .errors import InputError

            raise InputError(f"{out_dir}: another {what} is running in this directory; wait for it or "
                             "choose another --out") from None
        yield
