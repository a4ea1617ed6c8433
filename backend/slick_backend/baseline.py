"""`baseline`: the classic adaptive-threshold dark-spot detector (as in ESA SNAP's oil-spill tools).

A pixel is a dark spot when its backscatter is more than ``k_db`` dB below the mean of the
valid pixels in a square window of ``window_km`` around it; connected dark spots (4-connected)
smaller than ``min_area_km2`` are dropped. It is the comparator the reports show next to the
learned models; it has no notion of look-alikes (low wind, grease ice, ship wakes).

Values: the scene is read on its UTM grid at ``pixel_size`` (an already-projected input at that
size keeps its grid). Linear / amplitude / dB inputs are compared in dB. Already-stretched
8-bit input (the paper's mosaics) carries no record of its stretch, so its DN are treated as
linear in dB, as the paper's 2-sigma stretch of dB makes them: 1..255 spans 4 standard
deviations, and ``stretch_sigma_db`` (default 2.5 dB) says how many dB one standard deviation
was, so 1 DN = 4 * 2.5 / 254 = 0.039 dB and k = 2 dB is about 51 DN.

Memory: the local mean is a box filter computed strip by strip on the strip plus a halo of
half a window, so nothing scales with the scene height. Two passes: the first finds the
dark spots and their global connected components (across strips), the second writes the mask
of the components that are large enough, with the outlines.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError
from .progress import Progress
from .vectorize import FORMATS, StripVectorizer

log = logging.getLogger(__name__)
STRIP_ROWS = 256  # with the halo and float32 temporaries: ~6 kB per grid column


MAX_WINDOW_KM = 50.0  # a background window wider than most scenes measures nothing local


@dataclass
class BaselineParams:
    scene: str
    out_prefix: str  # prefix: PREFIX_mask.tif, PREFIX_slicks.gpkg
    k_db: float = 2.0
    window_km: float = 0.5
    min_area_km2: float = 0.1
    pixel_size: float = 25.0
    stretch_sigma_db: float = 2.5  # only for already-stretched 8-bit input (see the module doc)
    format: str = "gpkg"
    simplify_m: float | None = None  # None: half a pixel
    value_kind: str = "auto"
    polarisation: str | None = None  # band of a Sentinel-1 product; None: its co-polarised one
    calibration: str = "none"  # none | sigma0 | sigma0-denoised (Sentinel-1 products only)
    land_mask: bool = True  # no dark spot over land: GSHHG coastline + land_buffer_km (masks/land.py)
    land_buffer_km: float = 1.0
    masks: list[str] = field(default_factory=list)  # the analyst's mask files (vector or raster)
    overwrite: bool = False  # replace outputs already at this prefix

    def validate(self) -> None:
        from .atomic import check_outputs_free, check_writable
        from .predict.outputs import output_paths
        from .scenes import check_read_options, scene_exists

        if not self.scene or not scene_exists(self.scene):
            raise InputError(f"{self.scene}: scene file or Sentinel-1 product not found; check the --scene path")
        check_read_options(self.value_kind, self.polarisation, self.calibration)
        from .masks import check_mask_options

        check_mask_options(self.land_buffer_km, self.masks)
        if not self.out_prefix:
            raise InputError("--out is required: give an output prefix, e.g. out/scene1")
        for name, value in (("--k-db", self.k_db), ("--window-km", self.window_km), ("--pixel-size", self.pixel_size),
                            ("--stretch-sigma-db", self.stretch_sigma_db)):
            if not float(value) > 0:
                raise InputError(f"{name} {value}: give a positive number")
        for name, value in (("--min-area-km2", self.min_area_km2), ("--simplify-m", self.simplify_m),
                            ("--k-db", self.k_db), ("--window-km", self.window_km)):
            if value is not None and not math.isfinite(float(value)):
                raise InputError(f"{name} {value}: give a finite number")
        if float(self.window_km) > MAX_WINDOW_KM:
            raise InputError(f"--window-km {self.window_km}: at most {MAX_WINDOW_KM:g} km (the local background "
                             "is measured within this window)")
        if float(self.min_area_km2) < 0:
            raise InputError(f"--min-area-km2 {self.min_area_km2}: give an area of 0 or more")
        if float(self.window_km) * 1000 < 3 * float(self.pixel_size):
            raise InputError(f"--window-km {self.window_km}: the window must span at least 3 pixels of "
                             f"{self.pixel_size} m")
        if self.format not in FORMATS:
            raise InputError(f"--format {self.format!r}: use one of {', '.join(FORMATS)}")
        check_writable(Path(self.out_prefix))
        check_outputs_free(output_paths(self.out_prefix, self.format, with_prob=False).values(), self.overwrite)


def local_mean(values: np.ndarray, valid: np.ndarray, size: int) -> np.ndarray:
    """Mean of the valid pixels in a size x size box around each pixel (float32 in and out:
    scipy accumulates each 1-D pass in double, and dB values need no more)."""
    from scipy.ndimage import uniform_filter

    v = np.where(valid, values, 0.0).astype(np.float32)
    w = valid.astype(np.float32)
    num = uniform_filter(v, size, mode="constant", cval=0.0)
    den = uniform_filter(w, size, mode="constant", cval=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def dark_strips(scene, grid, params: BaselineParams, db_per_unit: float, progress: Progress | None = None,
                stretch=None):
    """Yield (row, dark, valid, image) strips of the grid; the box filter sees a halo around each strip.
    ``image``: the strip stretched with ``stretch`` (the ice flag's input), None without one."""
    from rasterio.windows import Window

    from .scenes import apply_stretch

    size = max(3, int(round(params.window_km * 1000 / grid.pixel_size)) | 1)  # odd, centred
    halo = size // 2
    for row in range(0, grid.height, STRIP_ROWS):
        if progress is not None:
            progress.check()
            progress.update(row / grid.height, f"dark spots: rows {row}-{min(grid.height, row + STRIP_ROWS)}")
        h = min(STRIP_ROWS, grid.height - row)
        values, valid = scene.read(grid, Window(-halo, row - halo, grid.width + 2 * halo, h + 2 * halo))
        inner = (slice(halo, halo + h), slice(halo, halo + grid.width))
        image = None if stretch is None else apply_stretch(values[inner], valid[inner], stretch)
        if db_per_unit != 1.0:
            values *= np.float32(db_per_unit)
        mean = local_mean(values, valid, size)
        ok = valid[inner]
        dark = ok & (values[inner] < mean[inner] - params.k_db)
        yield row, dark, ok, image


def masked(strips, masks, grid):
    """Dark-spot strips with the masked pixels neither dark nor valid."""
    for row, dark, ok, image in strips:
        keep = masks.unmasked(grid, row, ok)
        yield row, dark & keep, keep, image


def run_baseline(params: BaselineParams, progress: Progress) -> dict:
    from rasterio.features import rasterize
    from rasterio.transform import Affine
    from shapely import STRtree, box

    from .ice_flag import IceField
    from .masks import build_masks
    from .masks.land import CoastDistance
    from .predict.outputs import OutputSet
    from .scenes import acquisition_time, choose_grid, compute_stretch, open_scene_or_empty

    params.validate()
    t0 = time.perf_counter()
    scene, empty = open_scene_or_empty(params.scene, params.value_kind, params.polarisation, params.calibration)
    warnings = []
    with scene:
        grid = choose_grid(scene, params.pixel_size)
        masks = build_masks(grid, float(params.land_buffer_km) if params.land_mask else None, params.masks)
        warnings += masks.warnings
        db_per_unit = 4 * params.stretch_sigma_db / 254 if scene.kind == "stretched" else 1.0
        if empty:
            warnings.append(f"{params.scene}: the scene has no valid pixels; the outputs are empty (all nodata)")
            log.warning(warnings[-1])
        elif scene.kind == "stretched":
            log.info("8-bit stretched input: 1 DN taken as %.4f dB (--stretch-sigma-db %g)", db_per_unit,
                     params.stretch_sigma_db)
        px_area_km2 = grid.pixel_size ** 2 / 1e6
        min_px = params.min_area_km2 / px_area_km2

        # Pass 1: dark spots and their connected components over the whole grid.
        kept = []
        vec = StripVectorizer(min_pixels=min_px, on_component=lambda c: kept.append(c.geometry))
        for row, dark, _ok, _ in masked(dark_strips(scene, grid, params, db_per_unit, progress.sub(0.0, 0.5)), masks,
                                        grid):
            vec.add(row, dark)
        vec.close()
        tree = STRtree(kept) if kept else None

        # Pass 2: mask of the kept components (pixel-edge polygons rasterise back exactly) + outlines.
        simplify = grid.pixel_size / 2 if params.simplify_m is None else float(params.simplify_m)
        tags = {"SLICK_BASELINE": f"k={params.k_db} dB, window={params.window_km} km, min area={params.min_area_km2} km2",
                "SLICK_SCENE": str(Path(params.scene).resolve())}
        # The ice flag reads the image as predict feeds it to a model: the scene's 2-sigma stretch in dB.
        stretch = compute_stretch(scene, grid) if kept else None
        outputs = OutputSet(params.out_prefix, grid, params.format, False, simplify, float(params.min_area_km2), scene.id,
                            acquisition_time(scene.path, scene.tags), "baseline", tags, coast_km=CoastDistance(grid).km,
                            ice=IceField(grid) if kept else None)
        with outputs:
            for row, dark, ok, image in masked(dark_strips(scene, grid, params, db_per_unit, progress.sub(0.5, 0.95),
                                                           stretch), masks, grid):
                h = dark.shape[0]
                mask = np.zeros(dark.shape, bool)
                if tree is not None:
                    hits = tree.query(box(0, row, grid.width, row + h))
                    if len(hits):
                        mask = rasterize([kept[i] for i in hits], out_shape=dark.shape,
                                         transform=Affine.translation(0, row), dtype=np.uint8).astype(bool)
                outputs.write(row, mask & dark, ok, image=image)
    seconds = time.perf_counter() - t0
    progress.update(1.0, f"{outputs.n_outlines} dark-spot outlines")
    result = {k: str(v) for k, v in outputs.paths.items()}
    result.update(n_slicks=outputs.n_outlines, slick_pixels=outputs.slick_pixels, valid_pixels=outputs.valid_pixels,
                  slick_area_km2=round(outputs.slick_pixels * px_area_km2, 4), grid=grid.to_dict(),
                  db_per_unit=db_per_unit, seconds=round(seconds, 2), warnings=warnings, masks=masks.describe(),
                  params=asdict(params))
    return result
