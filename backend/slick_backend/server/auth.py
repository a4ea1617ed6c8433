"""Bearer-token auth and the discovery files a client reads to find the server.

The token comes from ``SLICK_TOKEN`` or is generated and written with mode 0600 (created
with that mode, never chmod-ed afterwards, so it is never readable by others even briefly).
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from pathlib import Path

TOKEN_FILE = "token"
DISCOVERY_FILE = "server.json"


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically to ``path`` with mode 0600."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    # a fresh file only: never through a link planted at the temporary name, never an existing file
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if tmp.exists() or tmp.is_symlink():
            tmp.unlink()


def resolve_token(state_dir: Path) -> tuple[str, Path | None]:
    """The token and the file it was written to (None when it came from SLICK_TOKEN)."""
    env = os.environ.get("SLICK_TOKEN", "").strip()
    if env:
        return env, None
    state_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    path = state_dir / TOKEN_FILE
    _write_private(path, token + "\n")
    return token, path


def write_discovery(state_dir: Path, info: dict) -> Path:
    path = state_dir / DISCOVERY_FILE
    _write_private(path, json.dumps(info, indent=1) + "\n")
    return path


def remove_discovery(state_dir: Path, pid: int) -> None:
    """Remove server.json if it still describes this process (a newer server may own it)."""
    path = state_dir / DISCOVERY_FILE
    try:
        if json.loads(path.read_text()).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError):
        pass


def check_header(header: str | None, token: str) -> bool:
    """True when an ``Authorization`` header carries the right bearer token."""
    if not header:
        return False
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), token.encode())
