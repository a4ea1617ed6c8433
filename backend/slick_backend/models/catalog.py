"""The models that ship with Slick, and how a ``--model`` / ``--from`` argument names one.

Shipped models live in ``slick_backend/models/shipped/<name>/`` (weights.safetensors, model.json,
README.md = the human model card), installed with the package (package data in pyproject.toml).
``$SLICK_SHIPPED_DIR`` replaces that folder (tests point it at a tiny model). A model argument is
a model dir path or a shipped name; a bare shipped name means the shipped model (write
``./slick-s1-source`` for a local folder of that name).

No torch here: the server, the CLI's --help and the roots check import this module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

ENV = "SLICK_SHIPPED_DIR"
PACKAGE_DIR = Path(__file__).resolve().parent / "shipped"
CONFIG_HINT = "configs/source.toml"


@dataclass(frozen=True)
class Shipped:
    name: str
    title: str
    role: str  # what it is for, one line
    config: str  # the pretrain-source config that makes it


SHIPPED: dict[str, Shipped] = {
    "slick-s1-source": Shipped(
        "slick-s1-source", "Slick Sentinel-1 source",
        "source model for transfer learning: DeepLabv3+ ResNet-18 at 25 m, trained only on simulated IW and EW scenes",
        CONFIG_HINT),
}
DEFAULT_SOURCE = "slick-s1-source"  # `train --init transfer` without --from


def shipped_dir() -> Path:
    """The folder holding one subfolder per shipped model ($SLICK_SHIPPED_DIR, else the package's)."""
    override = os.environ.get(ENV)
    return Path(override).expanduser() if override else PACKAGE_DIR


def is_shipped_name(value) -> bool:
    return isinstance(value, str) and value in SHIPPED


def shipped_path(name: str) -> Path:
    return shipped_dir() / name


_VERIFIED: dict[tuple, str | None] = {}  # (path, size, mtime) of the weights -> error or None


def _problem(path: Path) -> str | None:
    """Why the model dir at ``path`` cannot be loaded (None: it can). Checksums are cached by mtime."""
    from .modeldir import WEIGHTS, read_card, verify_weights

    weights = path / WEIGHTS
    if not (path / "model.json").is_file() or not weights.is_file():
        return "not installed"
    try:
        card = read_card(path)
        stat = weights.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns, card.get("weights_sha256"))
        if key not in _VERIFIED:
            try:
                verify_weights(path, card)
                _VERIFIED[key] = None
            except InputError as exc:
                _VERIFIED[key] = str(exc)
        return _VERIFIED[key]
    except (InputError, OSError) as exc:
        return str(exc)


def not_installed_message(name: str) -> str:
    info = SHIPPED[name]
    path = shipped_path(name)
    return (f"the shipped {'source ' if name == DEFAULT_SOURCE else ''}model {name} is not installed in {path}; "
            f"make it with `slick-backend pretrain-source --config {info.config} --out {path}` "
            f"(or set ${ENV}), or give a model dir instead")


def describe(name: str) -> dict:
    """One shipped model: name, title, role, path, present (files there), ready (checksum ok), error."""
    info = SHIPPED[name]
    path = shipped_path(name)
    problem = _problem(path)
    entry = {"name": name, "title": info.title, "role": info.role, "path": str(path), "shipped": True,
             "present": problem != "not installed", "ready": problem is None, "status": "ready"}
    if problem == "not installed":
        entry.update(status="not installed", error=not_installed_message(name))
    elif problem is not None:
        entry.update(status="corrupted", error=f"the shipped model {name} cannot be loaded: {problem}")
    if (path / "weights.safetensors").is_file():
        entry["size_mb"] = round((path / "weights.safetensors").stat().st_size / 1e6, 1)
    return entry


def list_shipped(with_cards: bool = False) -> list[dict]:
    """Every shipped model with its status (``card`` added for ready ones when asked)."""
    from .modeldir import read_card

    out = []
    for name in SHIPPED:
        entry = describe(name)
        if with_cards and entry["ready"]:
            entry["card"] = read_card(entry["path"])
        out.append(entry)
    return out


def resolve_model(value: str | os.PathLike, option: str = "--model") -> Path:
    """The model dir a ``--model`` / ``--from`` value names: a shipped name (checked to be installed
    and intact) or a path (returned as given; the caller's loader reports a bad dir)."""
    if not str(value):
        raise InputError(f"{option} is empty: give a model dir or a shipped model name ({', '.join(SHIPPED)})")
    if is_shipped_name(str(value)):
        entry = describe(str(value))
        if not entry["ready"]:
            raise InputError(entry["error"])
        return Path(entry["path"])
    return Path(value)


def shipped_name_of(path: str | os.PathLike) -> str | None:
    """The shipped name of a model dir path, when it is one (for cards and listings)."""
    try:
        resolved = Path(path).resolve()
        return next((n for n in SHIPPED if shipped_path(n).resolve() == resolved), None)
    except OSError:
        return None
