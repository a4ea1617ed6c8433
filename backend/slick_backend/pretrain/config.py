"""The pretrain-source config (TOML): model recipe, simulated scene sets, data format, training.

See configs/source.toml for every key with its meaning. Validation raises one-line InputErrors
naming the key; paths (realism.real) are relative to the config file.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from ..errors import InputError

SPLITS = {"train": [1.0, 0.0, 0.0], "val": [0.0, 1.0, 0.0]}  # prepare's scene fractions per set role
INITS = ("imagenet", "random")
SCALAR = (str, int, float, bool)  # [data] / [training] values: any scalar option of prepare / train
# options the pipeline sets itself (the model recipe comes from [model], the rest from the stages)
RESERVED_DATA = {"scenes", "out_dir", "labels", "labels_layer", "split", "overwrite"}
RESERVED_TRAINING = {"data", "out_dir", "init", "source", "arch", "backbone", "decoder", "light", "rank", "name",
                     "checkpoint", "overwrite", "models_dir", "allow_random_init", "train_scenes"}
SCHEMA: dict[str, dict[str, Any]] = {
    "model": {"name": str, "title": str, "arch": str, "backbone": str, "decoder": str, "output_stride": int,
              "decoder_channels": int, "init": str, "fp16": bool},
    "data": {"pixel_size": float, "tile": int, "overlap": float, "min_valid": float},  # + PrepareParams' others
    "simulation": {"name": str, "mode": str, "scenes": int, "seed": int, "size": int, "split": str, "georef": str,
                   "product": str, "stretch_domain": str},
    "training": {"epochs": int, "lr": float, "batch_size": int, "seed": int},  # + TrainParams' others
    "threshold": {"min": float, "max": float, "step": float},
    "realism": {"real": str, "scenes": int},
}


def _open_keys(section: str) -> set[str]:
    """[data] and [training] also take every other scalar option of prepare / train."""
    import dataclasses

    if section == "data":
        from ..dataset.prepare import PrepareParams

        return {f.name for f in dataclasses.fields(PrepareParams)} - RESERVED_DATA
    if section == "training":
        from ..train.api import TrainParams

        return {f.name for f in dataclasses.fields(TrainParams)} - RESERVED_TRAINING
    return set()
REQUIRED = {"model": ("arch", "backbone"), "data": ("pixel_size", "tile"),
            "simulation": ("name", "mode", "scenes", "seed", "size", "split"), "training": ("epochs", "lr")}


@dataclass
class SimSet:
    name: str
    mode: str
    scenes: int
    seed: int
    size: int
    split: str  # "train" | "val"
    georef: str = "cycle"
    product: str = "default"  # simulate --product: GRDM / GRDH
    stretch_domain: str | None = None  # prepare --stretch-domain for this set (default: [data]'s, else dB)


@dataclass
class SourceConfig:
    path: str
    raw: dict  # the config as read (paths as written): recorded in the card's recipe
    sha256: str
    model: dict
    data: dict
    sets: list[SimSet]
    training: dict
    threshold: dict = field(default_factory=lambda: {"min": 0.1, "max": 0.9, "step": 0.05})
    realism: dict | None = None  # {"real": absolute dir, "scenes": n} or None

    def thresholds(self) -> list[float]:
        lo, hi, step = (float(self.threshold[k]) for k in ("min", "max", "step"))
        n = int(round((hi - lo) / step))
        return [round(lo + i * step, 4) for i in range(n + 1)]

    def train_options(self) -> dict:
        """TrainParams fields of the model recipe (decoder, light) after checking TrainParams can express it."""
        m = self.model
        if m["arch"] != "deeplabv3":
            return {"arch": m["arch"], "backbone": m["backbone"]}
        decoder = m.get("decoder", "aspp")
        stride, channels = m.get("output_stride"), m.get("decoder_channels", 256)
        if stride is not None and stride != (16 if decoder == "plus" else 8):
            raise InputError(f"{self.path}: model.output_stride {stride}: `train` gives the {decoder} decoder output stride "
                             f"{16 if decoder == 'plus' else 8}; drop the key or use that value")
        if channels not in (128, 256):
            raise InputError(f"{self.path}: model.decoder_channels {channels}: use 256, or 128 (the light model)")
        return {"arch": "deeplabv3", "backbone": m["backbone"], "decoder": decoder, "light": channels == 128}


def _bad(path: str, message: str) -> InputError:
    return InputError(f"{path}: {message}")


def _check(path: str, section: str, entry: dict, where: str) -> None:
    if not isinstance(entry, dict):
        raise _bad(path, f"{where} must be a table")
    schema, extra = SCHEMA[section], _open_keys(section)
    for key, value in entry.items():
        if key not in schema and key not in extra:
            raise _bad(path, f"{where}.{key}: unknown key; known: {', '.join(sorted(set(schema) | extra))}")
        kind = schema.get(key, SCALAR)
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            name = "a number, text or true/false" if kind is SCALAR else kind.__name__
            raise _bad(path, f"{where}.{key}: expected {name}, got {value!r}")
    missing = [k for k in REQUIRED.get(section, ()) if k not in entry]
    if missing:
        raise _bad(path, f"{where}: missing {', '.join(missing)}")


def load_source_config(path: str | Path) -> SourceConfig:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: config not found; pass a TOML file (see configs/source.toml)")
    text = path.read_bytes()
    try:
        raw = tomllib.loads(text.decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    where = str(path)
    unknown = sorted(set(raw) - set(SCHEMA))
    if unknown:
        raise _bad(where, f"unknown table(s) {', '.join(unknown)}; known: {', '.join(sorted(SCHEMA))}")
    for section in ("model", "data", "training", "threshold", "realism"):
        if section in raw or section in REQUIRED:
            _check(where, section, raw.get(section, {}), section)
    sims = raw.get("simulation")
    if not isinstance(sims, list) or not sims:
        raise _bad(where, "needs [[simulation]] entries (scene sets: name, mode, scenes, seed, size, split)")
    sets = []
    for i, entry in enumerate(sims):
        _check(where, "simulation", entry, f"simulation[{i}]")
        if entry["split"] not in SPLITS:
            raise _bad(where, f"simulation[{i}].split {entry['split']!r}: use train or val")
        if entry["mode"] not in ("IW", "EW"):
            raise _bad(where, f"simulation[{i}].mode {entry['mode']!r}: use IW or EW")
        if not entry["name"].replace("-", "").replace("_", "").isalnum():
            raise _bad(where, f"simulation[{i}].name {entry['name']!r}: letters, digits, - and _ only")
        sets.append(SimSet(**entry))
    names = [s.name for s in sets]
    if len(set(names)) != len(names):
        raise _bad(where, f"simulation names must be unique (got {', '.join(names)})")
    for role in SPLITS:
        if not any(s.split == role for s in sets):
            raise _bad(where, f"no [[simulation]] set with split = \"{role}\": the source model needs both")
    model = {"name": "slick-s1-source", "title": "Slick Sentinel-1 source", "init": "imagenet", "fp16": True,
             **raw["model"]}
    if model["init"] not in INITS:
        raise _bad(where, f"model.init {model['init']!r}: use {' or '.join(INITS)}")
    training = {"seed": 0, "batch_size": 8, "device": "auto", **raw["training"]}
    threshold = {"min": 0.1, "max": 0.9, "step": 0.05, **raw.get("threshold", {})}
    if not 0 < threshold["min"] <= threshold["max"] < 1 or threshold["step"] <= 0:
        raise _bad(where, "threshold: need 0 < min <= max < 1 and step > 0")
    realism = None
    if "realism" in raw:
        real = raw["realism"].get("real")
        realism = {"real": str((path.resolve().parent / real).resolve()) if real else None,
                   "scenes": int(raw["realism"].get("scenes", 4))}
    cfg = SourceConfig(str(path), copy.deepcopy(raw), hashlib.sha256(text).hexdigest(), model,
                       {"overlap": 0.5, "min_valid": 0.5, **raw["data"]}, sets, training, threshold, realism)
    cfg.train_options()  # the recipe must be one `train` can build
    return cfg


def digest(value: Any) -> str:
    """Stable short hash of a JSON-able value (stage stamps of the work dir)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]
