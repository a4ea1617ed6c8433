"""Per-model results CSVs: one row per trained model, one Dice column per test scene.

The shape is the paper's (``paper_results/{base,tl}_dice.csv``): columns ``type`` (base or
fine-tuned/transfer), ``model`` (architecture), ``fullnames``, ``n_samples``, ``avg_dice``,
``tile_sizes``, ``pixel_sizes`` and ``dice_<scene>`` per test scene. The paper has no backbone
column (it is the ``fullnames`` suffix) and no draw column (one draw per model); our own
results add ``backbone``, ``draw`` and ``seed`` and the reader fills them in when absent, so
the paper's files and an experiment's ``results.csv`` go through one report.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_file
from ..errors import InputError

TRANSFER_NAMES = {"transfer", "fine-tuned", "finetuned", "fine_tuned", "tl"}
REQUIRED = ("type", "model", "n_samples", "tile_sizes", "pixel_sizes")
# fullnames like "deeplab_256_10_n128_RESNET101": the backbone is what follows _n<N>_
_BACKBONE_RE = re.compile(r"_n\d+_(?P<backbone>.+)$")


@dataclass
class ModelResult:
    init: str  # "base" or "transfer"
    arch: str
    backbone: str
    tile: int
    pixel_size: int
    n: int
    draw: int = 0
    seed: int = 0
    name: str = ""
    scene_dice: dict[str, float] = field(default_factory=dict)
    avg_dice: float = math.nan

    @property
    def fmt(self) -> tuple[int, int]:
        return (self.tile, self.pixel_size)

    @property
    def pair_key(self) -> tuple:
        """What a base model and its transfer twin share (same draw of the same N)."""
        return (self.arch, self.backbone, self.tile, self.pixel_size, self.n, self.draw)

    def mean_dice(self) -> float:
        if not math.isnan(self.avg_dice):
            return self.avg_dice
        values = [v for v in self.scene_dice.values() if not math.isnan(v)]
        return sum(values) / len(values) if values else math.nan


def _float(text: str) -> float:
    text = (text or "").strip()
    if text == "" or text.lower() in {"nan", "na", "none"}:
        return math.nan
    return float(text)


def _init_of(value: str, where: str) -> str:
    value = value.strip().lower()
    if value == "base":
        return "base"
    if value in TRANSFER_NAMES:
        return "transfer"
    raise InputError(f"{where}: column 'type' is {value!r}; expected 'base' or 'fine-tuned'/'transfer'")


def read_results(paths: list[str | Path]) -> list[ModelResult]:
    """All rows of one or more results CSVs (paper's or ours), checked, as ModelResults."""
    results: list[ModelResult] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path}: results file not found; pass a results CSV (e.g. DIR/results.csv)")
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            missing = [c for c in REQUIRED if c not in columns]
            scene_cols = [c for c in columns if c.startswith("dice_")]
            if missing or not scene_cols:
                what = f"columns {missing} are missing" if missing else "no per-scene 'dice_<scene>' columns"
                raise InputError(f"{path}: {what}; expected the shape of paper_results/base_dice.csv")
            for line, row in enumerate(reader, start=2):
                where = f"{path}:{line}"
                try:
                    name = row.get("fullnames") or row.get("name") or ""
                    backbone = (row.get("backbone") or "").strip()
                    if not backbone:
                        match = _BACKBONE_RE.search(name)
                        backbone = match.group("backbone") if match else "default"
                    results.append(
                        ModelResult(
                            init=_init_of(row["type"], where),
                            arch=row["model"].strip(),
                            backbone=backbone,
                            tile=int(float(row["tile_sizes"])),
                            pixel_size=int(float(row["pixel_sizes"])),
                            n=int(float(row["n_samples"])),
                            draw=int(float(row.get("draw") or 0)),
                            seed=int(float(row.get("seed") or 0)),
                            name=name,
                            scene_dice={c[len("dice_") :]: _float(row[c]) for c in scene_cols},
                            avg_dice=_float(row.get("avg_dice", "")),
                        )
                    )
                except (ValueError, TypeError) as exc:
                    raise InputError(f"{where}: unreadable value ({exc}); fix or remove that row") from None
    if not results:
        raise InputError(f"{', '.join(map(str, paths))}: no result rows; run the experiment first")
    return results


def write_results(path: str | Path, results: list[ModelResult]) -> Path:
    """Write results in the paper's shape (plus backbone/draw/seed), atomically."""
    scenes = sorted({s for r in results for s in r.scene_dice})
    header = ["", "type", "fullnames", "model", "backbone", "n_samples", "draw", "seed", "avg_dice",
              "tile_sizes", "pixel_sizes"] + [f"dice_{s}" for s in scenes]
    with atomic_file(path) as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i, r in enumerate(results):
            dice = [r.scene_dice.get(s, math.nan) for s in scenes]
            writer.writerow([i, r.init, r.name, r.arch, r.backbone, r.n, r.draw, r.seed,
                             _fmt(r.mean_dice()), r.tile, r.pixel_size] + [_fmt(d) for d in dice])
    return Path(path)


def _fmt(value: float) -> str:
    return "" if math.isnan(value) else repr(float(value))
