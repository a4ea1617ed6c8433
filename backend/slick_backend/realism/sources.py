"""Images to measure: the real Arctic mosaics as published, and simulated scenes put through
``prepare``'s preprocessing (UTM grid at the pixel size, per-scene 2-sigma stretch of dB over
the labels' bounding box + 8 km, labels rasterised on the same grid).

Both yield ``SourceImage(name, image, slick, pixel_m, levels_per_db)``: uint8 levels
(0 = nodata), a boolean slick mask on the same grid, the pixel size in metres, and the stretch's
grey levels per dB where known (254 / (hi - lo) of a simulated scene's stretch; None for the
real mosaics, whose stretch is not recorded). A whole scene is held in memory (one
float32 and a few byte-sized arrays of the grid's size), so scenes above MAX_PIXELS are refused.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..errors import InputError
from ..progress import NullProgress, Progress

log = logging.getLogger(__name__)

REAL_IMAGE = "raw_mosaic.tif"
REAL_LABELS = "labels_mosaic.png"
SIM_FORMAT = "slick-simulation"
MAX_PIXELS = 25_000_000  # 5000 x 5000 px (a 2048 px EW scene rotated into UTM at 25 m is ~4600 px): ~1 GB at most


class SourceImage(NamedTuple):
    name: str
    image: np.ndarray  # uint8, 1..255, 0 = nodata
    slick: np.ndarray  # bool, same shape
    pixel_m: float
    levels_per_db: float | None = None  # the stretch's known scale (simulated scenes); None: unknown


# --- real mosaics -----------------------------------------------------------------------------
def real_samples(path: str | Path) -> list[Path]:
    """Sample folders under ``path``: ``path`` itself when it holds raw_mosaic.tif, else its
    sample_*/ subfolders that do (in natural order: sample_70 before sample_123)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such directory; pass --real the folder of the real mosaics (e.g. shared/data/arctic_ew)")
    if (path / REAL_IMAGE).is_file():
        return [path]
    found = [p.parent for p in path.glob(f"sample_*/{REAL_IMAGE}")]
    if not found:
        raise InputError(
            f"{path}: no real mosaics found (expected sample_*/{REAL_IMAGE} or a folder holding {REAL_IMAGE}); "
            "pass --real the folder of the real Arctic mosaics"
        )
    return sorted(found, key=lambda p: (len(p.name), p.name))


def _read_band(path: Path, what: str) -> tuple[np.ndarray, object, object]:
    import warnings

    import rasterio
    from rasterio.errors import RasterioError

    if not path.is_file():
        raise InputError(f"{path}: missing; each real sample needs {REAL_IMAGE} and {REAL_LABELS} side by side")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a PNG's world file is not a GeoTIFF's georeference
            with rasterio.open(path) as ds:
                return ds.read(1), ds.crs, ds.transform
    except (RasterioError, OSError) as exc:
        msg = " ".join(str(exc).split())[:200]
        raise InputError(f"{path}: cannot read the {what} ({msg}); the file is damaged, restore it") from exc


def read_real(sample: str | Path) -> SourceImage:
    """One real sample folder: its stretched mosaic and label mask (value 1 = slick; the
    labels' declared nodata is ignored, as the fixture README says)."""
    sample = Path(sample)
    image, crs, t = _read_band(sample / REAL_IMAGE, "mosaic")
    if image.dtype != np.uint8:
        raise InputError(f"{sample / REAL_IMAGE}: holds {image.dtype}, expected stretched uint8 levels (0 = nodata)")
    if crs is None or crs.is_geographic or t.b or t.d or not math.isclose(abs(t.a), abs(t.e), rel_tol=1e-6):
        raise InputError(f"{sample / REAL_IMAGE}: not on a projected grid of square pixels; give mosaics in UTM metres")
    labels, _, _ = _read_band(sample / REAL_LABELS, "label mask")
    if labels.shape != image.shape:
        raise InputError(
            f"{sample / REAL_LABELS}: {labels.shape[0]} x {labels.shape[1]} px, the mosaic is "
            f"{image.shape[0]} x {image.shape[1]}; the labels must be on the mosaic's grid"
        )
    return SourceImage(sample.name, image, labels == 1, float(abs(t.a)))


def real_images(path: str | Path, progress: Progress | None = None) -> Iterator[SourceImage]:
    """The real mosaics under ``path`` (see real_samples), one at a time."""
    progress = progress or NullProgress()
    samples = real_samples(path)
    for i, sample in enumerate(samples):
        progress.check()
        progress.update(i / len(samples), f"real {sample.name}")
        yield read_real(sample)


# --- simulated scenes -------------------------------------------------------------------------
def read_sim_manifest(sim_dir: str | Path) -> list[Path]:
    """The scene files listed in a `slick-backend simulate` output directory."""
    sim_dir = Path(sim_dir)
    manifest = sim_dir / "manifest.json"
    if not sim_dir.is_dir():
        raise InputError(f"{sim_dir}: no such directory; pass --sim a directory written by `slick-backend simulate`")
    if not manifest.is_file():
        raise InputError(f"{sim_dir}: no manifest.json; pass --sim a directory written by `slick-backend simulate`")
    try:
        data = json.loads(manifest.read_text())
        scenes = [sim_dir / s["file"] for s in data["scenes"]]
        fmt = data.get("format")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{manifest}: unreadable ({type(exc).__name__}: {exc}); simulate the set again") from exc
    if fmt != SIM_FORMAT:
        raise InputError(f"{manifest}: format {fmt!r}, expected {SIM_FORMAT!r}; pass --sim a `slick-backend simulate` directory")
    if not scenes:
        raise InputError(f"{manifest}: lists no scenes; simulate at least one scene")
    for path in scenes:
        if not path.is_file():
            raise InputError(f"{path}: listed in {manifest.name} but missing; simulate the set again")
    if not (sim_dir / "labels.gpkg").is_file():
        raise InputError(f"{sim_dir / 'labels.gpkg'}: missing; simulate the set again")
    return scenes


def simulated_images(sim_dir: str | Path, pixel_m: float = 25.0, max_scenes: int | None = None,
                     progress: Progress | None = None, stretch_domain: str = "db") -> Iterator[SourceImage]:
    """The scenes of a simulate directory (the first ``max_scenes`` when given), each through
    prepare's planning (open, UTM grid at ``pixel_m``, labels placed on the grid), its stretch
    (in ``stretch_domain``, over the labels' bounding box + prepare's default 8 km buffer) and a
    read of the whole grid; labels rasterised with the same rasteriser as prepare's masks."""
    import rasterio
    from rasterio.windows import Window

    from ..dataset.prepare import GDAL_CACHE_MB, PrepareParams, plan_scenes
    from ..dataset.scene_tiles import stretch_region
    from ..labels import LabelRasterizer, read_labels
    from ..scenes import apply_stretch, compute_stretch, open_scene

    progress = progress or NullProgress()
    sim_dir = Path(sim_dir)
    scenes = read_sim_manifest(sim_dir)[: max_scenes or None]
    labels_path = sim_dir / "labels.gpkg"
    params = PrepareParams(scenes=[str(p) for p in scenes], out_dir=str(sim_dir / ".realism"), labels=str(labels_path),
                           pixel_size=float(pixel_m))
    labels = read_labels(labels_path)
    plans = plan_scenes(params, labels, progress.sub(0.0, 0.05))
    for plan in plans:
        if plan.grid.width * plan.grid.height > MAX_PIXELS:
            raise InputError(
                f"{plan.path}: {plan.grid.width} x {plan.grid.height} px at {pixel_m:g} m is more than the "
                f"{MAX_PIXELS / 1e6:g} Mpx measured in one piece; simulate smaller scenes (--size) or use a larger --pixel-size"
            )
    for i, plan in enumerate(plans):
        progress.check()
        progress.update(0.05 + 0.95 * i / len(plans), f"{sim_dir.name}: {plan.id}")
        grid = plan.grid
        full = Window(0, 0, grid.width, grid.height)
        with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB), open_scene(plan.path, params.value_kind) as scene:
            region = stretch_region(plan.geoms, grid, params.buffer_km)
            stretch = compute_stretch(scene, grid, region, domain=stretch_domain)
            values, valid = scene.read(grid, full)
        image = apply_stretch(values, valid, stretch)
        del values
        slick = (LabelRasterizer(plan.geoms if plan.geoms is not None else [], grid).window(full) == 1) & valid
        in_db = stretch.kind == "2sigma" and stretch.domain == "db" and stretch.hi > stretch.lo
        scale = 254.0 / (stretch.hi - stretch.lo) if in_db else None
        yield SourceImage(plan.id, image, slick, grid.pixel_size, scale)
