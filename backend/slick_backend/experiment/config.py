"""The experiment's TOML config: schema, defaults, path resolution and strict validation.

Everything is checked before anything runs, and every complaint names the key (and the file).
Paths in the file are relative to the file; paths given with ``--set`` are relative to the
current directory. See configs/experiment-small.toml for a commented example.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from ..errors import InputError
from ..models.names import ARCHS

PIXEL_SIZES = {10, 25}
PROTOCOLS = {"bootstrap", "paper"}
INITS = ("base", "transfer")
# training keys the experiment itself sets for every run; not allowed in [training] / [pretrain]
RESERVED_TRAINING = {"data", "out_dir", "init", "source", "seed", "arch", "backbone", "train_scenes", "name",
                     "overwrite"}


def tile_ok(tile: int) -> bool:
    """256 and 512 are the paper's; like `prepare`, multiples of 32 from 64 to 1024 are accepted."""
    return 64 <= tile <= 1024 and tile % 32 == 0

SCHEMA: dict[str, dict[str, Any]] = {
    "experiment": {"name": str, "protocol": str, "n_values": list, "draws": int, "inits": list, "seed": int,
                   "keep_models": bool, "resamples": int, "workers": int, "gpu_fraction": float},
    "architectures": {"arch": str, "backbone": str, "source": str, "sources": dict},
    "formats": {"tile": int, "pixel_size": int, "data": str, "source_data": str},
}
PATH_KEYS = {("architectures", "source"), ("formats", "data"), ("formats", "source_data")}


@dataclass
class Architecture:
    arch: str
    backbone: str
    source: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # "tile/pixel" -> model dir

    def source_for(self, tile: int, pixel_size: int) -> str | None:
        return self.sources.get(f"{tile}/{pixel_size}", self.source)


@dataclass
class Format:
    tile: int
    pixel_size: int
    data: str
    source_data: str | None = None

    @property
    def key(self) -> str:
        return f"{self.tile}/{self.pixel_size}"


@dataclass
class ExperimentConfig:
    path: str
    name: str = "experiment"
    protocol: str = "bootstrap"
    n_values: list[int] = field(default_factory=lambda: [2, 8, 32, 128])
    draws: int = 8
    inits: list[str] = field(default_factory=lambda: list(INITS))
    seed: int = 0
    keep_models: bool = False
    resamples: int = 2000
    workers: int = 1
    gpu_fraction: float = 0.25
    architectures: list[Architecture] = field(default_factory=list)
    formats: list[Format] = field(default_factory=list)
    training: dict[str, Any] = field(default_factory=dict)
    pretrain: dict[str, Any] = field(default_factory=dict)


def _bad(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}")


def _check_type(where: str, value: Any, kind: type) -> None:
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        raise _bad(where, f"expected {kind.__name__}, got {type(value).__name__} {value!r}")


def _path(base: Path, value: str) -> str:
    """A config path made absolute against ``base``; a shipped model name (slick-s1-source) names its dir."""
    from ..models.catalog import is_shipped_name, resolve_model

    if is_shipped_name(value):
        return str(resolve_model(value, "source"))
    return str((base / value).resolve())


def apply_override(raw: dict, item: str, cwd: Path) -> None:
    """``key.sub=value`` (``formats.0.data=DIR``): the value is read as TOML, else as a string."""
    if "=" not in item:
        raise InputError(f"--set {item!r}: expected KEY=VALUE, e.g. experiment.draws=3")
    key, text = item.split("=", 1)
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text
    parts = key.strip().split(".")
    node: Any = raw
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise InputError(f"--set {key}: {part!r} is not an index of {'.'.join(parts[:i])} (0..{len(node) - 1})")
            part = int(part)
        elif not isinstance(node, dict):
            raise InputError(f"--set {key}: {'.'.join(parts[:i])} is not a table")
        if last:
            if (parts[0], parts[-1]) in PATH_KEYS and isinstance(value, str):
                value = _path(cwd, value)
            if parts[0] == "architectures" and len(parts) == 4 and parts[2] == "sources":
                value = _path(cwd, value)
            node[part] = value
        else:
            if isinstance(node, dict) and part not in node:
                node[part] = {}
            node = node[part]


def load_config(path: str | Path, overrides: list[str] | tuple = (), cwd: str | Path | None = None) -> ExperimentConfig:
    """Parse, resolve and validate an experiment config; raises InputError naming the key."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: experiment config not found; pass a TOML file (see configs/experiment-small.toml)")
    try:
        raw = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    base = path.resolve().parent
    for section, key in PATH_KEYS:
        for entry in raw.get(section, []) if isinstance(raw.get(section), list) else []:
            if isinstance(entry, dict) and isinstance(entry.get(key), str):
                entry[key] = _path(base, entry[key])
    for entry in raw.get("architectures", []) if isinstance(raw.get("architectures"), list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("sources"), dict):
            entry["sources"] = {k: _path(base, v) if isinstance(v, str) else v
                                for k, v in entry["sources"].items()}
    raw = copy.deepcopy(raw)
    for item in overrides:
        apply_override(raw, item, Path(cwd or Path.cwd()))
    return _validate(raw, str(path))


def _validate(raw: dict, where: str) -> ExperimentConfig:
    known = {"experiment", "architectures", "formats", "training", "pretrain"}
    for key in raw:
        if key not in known:
            raise _bad(where, f"unknown section or key {key!r}; expected one of {sorted(known)}")
    cfg = ExperimentConfig(path=where)
    exp = raw.get("experiment", {})
    _check_type(f"{where}: [experiment]", exp, dict)
    for key, value in exp.items():
        if key not in SCHEMA["experiment"]:
            raise _bad(where, f"unknown key experiment.{key}; known: {sorted(SCHEMA['experiment'])}")
        _check_type(f"{where}: experiment.{key}", value, SCHEMA["experiment"][key])
        setattr(cfg, key, float(value) if SCHEMA["experiment"][key] is float else value)
    if cfg.protocol not in PROTOCOLS:
        raise _bad(where, f"experiment.protocol is {cfg.protocol!r}; choose one of {sorted(PROTOCOLS)}")
    if not cfg.n_values or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in cfg.n_values):
        raise _bad(where, f"experiment.n_values {cfg.n_values!r} must be a non-empty list of integers >= 1")
    if len(set(cfg.n_values)) != len(cfg.n_values):
        raise _bad(where, f"experiment.n_values {cfg.n_values!r} has duplicates")
    if cfg.draws < 1:
        raise _bad(where, f"experiment.draws is {cfg.draws}; it must be at least 1")
    if not cfg.inits or any(i not in INITS for i in cfg.inits) or len(set(cfg.inits)) != len(cfg.inits):
        raise _bad(where, f"experiment.inits {cfg.inits!r}: use a subset of {list(INITS)} without repeats")
    if cfg.resamples < 1000:
        raise _bad(where, f"experiment.resamples is {cfg.resamples}; use at least 1000")
    if cfg.workers < 1:
        raise _bad(where, f"experiment.workers is {cfg.workers}; it must be at least 1")
    if not (0 < cfg.gpu_fraction <= 1) or math.isnan(cfg.gpu_fraction):
        raise _bad(where, f"experiment.gpu_fraction is {cfg.gpu_fraction}; it must be in (0, 1]")
    cfg.architectures = [_architecture(where, i, e) for i, e in enumerate(_table_list(raw, "architectures", where))]
    cfg.formats = [_format(where, i, e) for i, e in enumerate(_table_list(raw, "formats", where))]
    keys = [f.key for f in cfg.formats]
    if len(set(keys)) != len(keys):
        raise _bad(where, f"formats: the format {keys} appears twice; one [[formats]] per tile/pixel size")
    for section in ("training", "pretrain"):
        table = raw.get(section, {})
        _check_type(f"{where}: [{section}]", table, dict)
        for key in table:
            if key in RESERVED_TRAINING:
                raise _bad(where, f"{section}.{key} is set by the experiment for each run; remove it")
        setattr(cfg, section, dict(table))
    return cfg


def _table_list(raw: dict, section: str, where: str) -> list:
    entries = raw.get(section)
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise _bad(where, f"[[{section}]] is missing or not a list of tables; give at least one")
    return entries


def _fields(where: str, section: str, i: int, entry: dict, required: tuple) -> None:
    for key, value in entry.items():
        if key not in SCHEMA[section]:
            raise _bad(where, f"unknown key {section}[{i}].{key}; known: {sorted(SCHEMA[section])}")
        _check_type(f"{where}: {section}[{i}].{key}", value, SCHEMA[section][key])
    for key in required:
        if key not in entry:
            raise _bad(where, f"{section}[{i}].{key} is missing")


def _architecture(where: str, i: int, entry: dict) -> Architecture:
    _fields(where, "architectures", i, entry, ("arch", "backbone"))
    if entry["arch"] not in ARCHS:
        raise _bad(where, f"architectures[{i}].arch is {entry['arch']!r}; choose one of {sorted(ARCHS)}")
    sources = entry.get("sources", {})
    for key, value in sources.items():
        if not isinstance(value, str) or _format_key(key) is None:
            raise _bad(where, f"architectures[{i}].sources.{key!r}: use \"TILE/PIXEL\" = \"model dir\"")
    return Architecture(entry["arch"], entry["backbone"], entry.get("source"), dict(sources))


def _format_key(key: str) -> tuple[int, int] | None:
    try:
        tile, pixel = (int(p) for p in key.split("/"))
    except ValueError:
        return None
    return (tile, pixel) if tile_ok(tile) and pixel in PIXEL_SIZES else None


def _format(where: str, i: int, entry: dict) -> Format:
    _fields(where, "formats", i, entry, ("tile", "pixel_size", "data"))
    if not tile_ok(entry["tile"]):
        raise _bad(where, f"formats[{i}].tile is {entry['tile']}; use 256 or 512 (a multiple of 32 from 64 to 1024)")
    if entry["pixel_size"] not in PIXEL_SIZES:
        raise _bad(where, f"formats[{i}].pixel_size is {entry['pixel_size']}; choose one of {sorted(PIXEL_SIZES)}")
    return Format(entry["tile"], entry["pixel_size"], entry["data"], entry.get("source_data"))
