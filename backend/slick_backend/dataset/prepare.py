"""`prepare`: scenes (+ label polygons) -> a dataset of georeferenced tiles split by scene.

Two passes: a cheap planning pass opens every scene (georeference, value kind, target grid)
and places the labels on it, so bad input fails before any work; then each scene is
stretched and cut into tiles block by block inside a temporary directory that is renamed
onto ``out_dir`` only when complete.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import InputError
from ..progress import NullProgress, Progress
from .reader import FORMAT, MANIFEST, VERSION, is_dataset
from .splits import assign_splits, parse_fractions

log = logging.getLogger(__name__)

GDAL_CACHE_MB = 256
STRETCH_DOMAINS = ("db", "amplitude", "intensity")


@dataclass
class PrepareParams:
    scenes: list[str]
    out_dir: str
    labels: str | None = None
    labels_layer: str | None = None
    pixel_size: float = 25.0
    tile: int = 256
    overlap: float = 0.5
    buffer_km: float = 8.0
    utm_zone: str | None = None
    seed: int = 0
    split: list[float] = field(default_factory=lambda: [0.6, 0.2, 0.2])
    min_valid: float = 0.5
    value_kind: str = "auto"
    polarisation: str | None = None  # band of a Sentinel-1 product; None: its co-polarised one
    calibration: str = "none"  # none | sigma0 | sigma0-denoised (products only; recorded for predict)
    stretch_domain: str = "db"  # the 2-sigma stretch is linear in dB (default), amplitude or intensity
    overwrite: bool = False

    @property
    def stride(self) -> int:
        return max(1, int(round(self.tile * (1.0 - self.overlap))))

    def validate(self) -> None:
        from ..scenes import check_read_options, parse_utm_zone, scene_exists

        if not self.scenes:
            raise InputError("no scenes given: pass one or more raster files or Sentinel-1 products with --scenes")
        for s in self.scenes:
            if not scene_exists(s):
                raise InputError(f"{s}: no such scene file or Sentinel-1 product; check the --scenes paths")
        seen: dict[Path, str] = {}
        for s in self.scenes:
            same = seen.setdefault(Path(s).resolve(), s)
            if same is not s:
                raise InputError(f"{s}: given twice in --scenes (also as {same}); give each scene once")
        if self.labels is not None and not Path(self.labels).exists():
            raise InputError(f"{self.labels}: no such label file; check the --labels path")
        if not 5 <= float(self.pixel_size) <= 100:
            raise InputError(f"--pixel-size {self.pixel_size} m is out of range: use 10 or 25 (5..100 m accepted)")
        if not (64 <= int(self.tile) <= 1024 and int(self.tile) % 32 == 0) or int(self.tile) != self.tile:
            raise InputError(f"--tile {self.tile} is out of range: use 256 or 512 (multiples of 32 from 64 to 1024 accepted)")
        if not 0.0 <= float(self.overlap) <= 0.9:
            raise InputError(f"--overlap {self.overlap} is out of range: use a fraction from 0 to 0.9 (default 0.5)")
        if not 0.0 <= float(self.buffer_km) <= 1000:
            raise InputError(f"--buffer-km {self.buffer_km} is out of range: use 0..1000 km (default 8)")
        if not 0.0 < float(self.min_valid) <= 1.0:
            raise InputError(f"--min-valid {self.min_valid} is out of range: use a fraction in (0, 1] (default 0.5)")
        check_read_options(self.value_kind, self.polarisation, self.calibration)
        if self.stretch_domain not in STRETCH_DOMAINS:
            raise InputError(f"--stretch-domain {self.stretch_domain!r} is unknown: use one of {', '.join(STRETCH_DOMAINS)}")
        if self.utm_zone:
            parse_utm_zone(self.utm_zone)
        parse_fractions(self.split)
        check_out_dir(Path(self.out_dir), self.overwrite)


def check_out_dir(out: Path, overwrite: bool) -> None:
    from ..atomic import check_output_dir

    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is a file; choose another --out directory")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        if is_dataset(out):
            raise InputError(f"{out}: a dataset already exists there; pass --overwrite to replace it or choose another --out")
        raise InputError(f"{out}: exists and is not a Slick dataset; choose another --out (or --overwrite to replace it)")
    check_output_dir(out)


def scene_ids(paths: list[Path]) -> list[str]:
    """File stems; where stems collide, prefixed with their folder, then numbered."""
    from ..scenes import scene_stem

    ids = [scene_stem(p) for p in paths]
    if len(set(ids)) < len(ids):
        ids = [f"{p.parent.name}_{sid}" if ids.count(sid) > 1 else sid for p, sid in zip(paths, ids, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for sid in ids:
        seen[sid] = seen.get(sid, 0) + 1
        out.append(sid if seen[sid] == 1 else f"{sid}_{seen[sid]}")
    return out


def scene_keys(path: Path, sid: str) -> set[str]:
    """Values of a label's `scene` field that name this scene."""
    keys = {sid, path.stem, path.name, path.parent.name}
    for parent in path.parents:
        if parent.suffix.upper() == ".SAFE":
            keys |= {parent.name, parent.stem}
    return keys


@dataclass
class ScenePlan:
    path: Path
    id: str
    grid: object
    geoms: object  # label polygons in the grid CRS that touch the grid
    summary: dict


def plan_scenes(params: PrepareParams, labels, progress: Progress) -> list[ScenePlan]:
    import shapely

    from ..labels import reproject_geoms
    from ..scenes import choose_grid, open_scene

    paths = [Path(s) for s in params.scenes]
    plans = []
    for i, (path, sid) in enumerate(zip(paths, scene_ids(paths), strict=True)):
        progress.check()
        progress.update(i / len(paths), f"checking {path.name}")
        with open_scene(path, params.value_kind, params.polarisation, params.calibration) as scene:
            grid = choose_grid(scene, params.pixel_size, params.utm_zone)
            summary = {**scene.summary(), "id": sid}
        geoms = None
        if labels is not None:
            geoms = reproject_geoms(labels.for_scene(scene_keys(path, sid)), labels.crs, grid.crs)
            geoms = geoms[shapely.intersects(geoms, shapely.box(*grid.bounds))]
        log.info("%s: %s, %s %s, %s, %s -> %s %dx%d px", sid, summary["georef"], summary["mode"] or "?",
                 summary["polarisation"] or "?", summary["kind"], summary["kind_reason"], grid.crs, grid.width, grid.height)
        plans.append(ScenePlan(path, sid, grid, geoms, summary))
    if labels is not None and not any(len(p.geoms) for p in plans):
        raise InputError(
            f"{labels.path}: none of the {len(labels.geoms)} label polygons overlaps any scene"
            + (" with a matching `scene` field" if labels.scenes is not None else "")
            + "; check the label file, its CRS and the scenes given"
        )
    return plans


def run_prepare(params: PrepareParams, progress: Progress | None = None) -> dict:
    import rasterio

    from ..atomic import atomic_dir, write_text_atomic
    from ..labels import read_labels
    from .scene_tiles import tile_scene

    progress = progress or NullProgress()
    params.validate()
    out = Path(params.out_dir)
    labels = read_labels(params.labels, params.labels_layer) if params.labels else None
    plans = plan_scenes(params, labels, progress.sub(0.0, 0.05))
    splits = assign_splits([p.id for p in plans], params.split, params.seed)
    total = sum(p.grid.width * p.grid.height for p in plans) or 1
    replace = out.exists()  # validate() allowed it: empty, or --overwrite

    scenes, tiles = [], []
    # GDAL's block cache defaults to 5 % of RAM; cap it so memory follows the window size.
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB), atomic_dir(out, overwrite=replace) as tmp:
        (tmp / "images").mkdir()
        (tmp / "masks").mkdir()
        done = 0
        for plan in plans:
            size = plan.grid.width * plan.grid.height
            sub = progress.sub(0.05 + 0.95 * done / total, 0.05 + 0.95 * (done + size) / total)
            record, scene_tiles = tile_scene(plan, splits[plan.id], params, tmp, sub)
            scenes.append(record)
            tiles.extend(scene_tiles)
            done += size
            progress.log(f"{plan.id}: {len(scene_tiles)} tiles ({record['split']}), {record['slick_pixels']} slick px")
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "params": {**asdict(params), "scenes": [str(Path(s).resolve()) for s in params.scenes],
                       "labels": str(Path(params.labels).resolve()) if params.labels else None,
                       "out_dir": str(out.resolve()), "stride": params.stride},
            "labels": labels.summary() if labels is not None else None,
            "scenes": scenes,
            "tiles": tiles,
        }
        write_text_atomic(tmp / MANIFEST, json.dumps(manifest, indent=1, allow_nan=False))
        progress.check()
    progress.update(1.0, f"dataset ready: {out}")
    counts = {s: sum(1 for t in tiles if t["split"] == s) for s in ("train", "val", "test")}
    return {
        "dataset": str(out.resolve()),
        "manifest": str((out / MANIFEST).resolve()),
        "scenes": len(scenes),
        "tiles": len(tiles),
        "tiles_per_split": counts,
        "scenes_per_split": {s: [r["id"] for r in scenes if r["split"] == s] for s in ("train", "val", "test")},
        "slick_pixels": int(sum(r["slick_pixels"] for r in scenes)),
        "slick_fraction": _ratio(sum(r["slick_pixels"] for r in scenes), sum(r["valid_pixels"] for r in scenes)),
    }


def _ratio(a: float, b: float) -> float:
    return round(a / b, 6) if b and math.isfinite(a / b) else 0.0
