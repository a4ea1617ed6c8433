"""`predict`: a model over a whole scene -> probability, mask and slick outlines.

The scene goes through the model's own preprocessing: its UTM grid at the model card's pixel
size (an already-projected input at that pixel size keeps its exact grid), and the per-scene
2-sigma stretch of the scenes package (identity for already-stretched 8-bit input), computed
over the whole scene since there are no labels to centre it on at prediction time (training
used the labels' bounding box plus a buffer). See predict/outputs.py for the files and their
encoding, predict/sliding.py for the windows and blending.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..atomic import check_outputs_free, check_writable
from ..devices import is_device_name
from ..errors import InputError
from ..progress import Progress
from ..vectorize import FORMATS

log = logging.getLogger(__name__)
ENGINES = ("torch", "onnx")


@dataclass
class PredictParams:
    scene: str
    out_prefix: str  # prefix: PREFIX_prob.tif, PREFIX_mask.tif, PREFIX_slicks.gpkg
    model: str = ""  # model dir or shipped model name; may be left empty with engine "onnx" and an ONNX file
    overlap: float = 0.25  # fraction of the tile shared with the neighbour window on each side
    batch_size: int = 8
    tta: bool = False
    threshold: float | None = None  # None: the model card's threshold (0.5 when the card has none)
    engine: str = "torch"
    onnx: str | None = None
    device: str = "auto"
    format: str = "gpkg"
    simplify_m: float | None = None  # None: half the model's pixel size
    min_area_km2: float = 0.01
    value_kind: str = "auto"
    polarisation: str | None = None  # band of a Sentinel-1 product; None: its co-polarised one
    calibration: str | None = None  # None: as the model's training data was read (model card)
    land_mask: bool = True  # no slick over land: GSHHG coastline + land_buffer_km (masks/land.py)
    land_buffer_km: float = 1.0
    masks: list[str] = field(default_factory=list)  # the analyst's mask files (vector or raster): land, ice, platforms
    allow_other_mode: bool = False  # run a model on a mode / polarisation it was not trained on
    adapt_bn: bool = False  # re-estimate BatchNorm statistics on this scene first (AdaBN, models/adapt.py)
    overwrite: bool = False  # replace outputs already at this prefix

    def validate(self, need_model: bool = True) -> None:
        from ..scenes import check_read_options, scene_exists

        if not self.scene:
            raise InputError("--scene is required: give a Sentinel-1 raster or product (.SAFE folder or .zip)")
        if not scene_exists(self.scene):
            raise InputError(f"{self.scene}: scene file or Sentinel-1 product not found; check the --scene path")
        check_read_options(self.value_kind, self.polarisation, self.calibration)
        from ..masks import check_mask_options

        check_mask_options(self.land_buffer_km, self.masks)
        if not self.out_prefix:
            raise InputError("--out is required: give an output prefix, e.g. out/scene1")
        if self.engine not in ENGINES:
            raise InputError(f"--engine {self.engine!r}: use one of {', '.join(ENGINES)}")
        if need_model and not self.model and not (self.engine == "onnx" and self.onnx):
            raise InputError("--model is required (or --engine onnx with --onnx FILE)")
        if self.adapt_bn and not self.model:
            raise InputError("--adapt-bn re-estimates the model's BatchNorm statistics: give --model (a model dir), "
                             "not only an ONNX file")
        if not 0 <= float(self.overlap) < 0.5:
            raise InputError(f"--overlap {self.overlap}: give a fraction of the tile in [0, 0.5), e.g. 0.25")
        if int(self.batch_size) < 1:
            raise InputError(f"--batch-size {self.batch_size}: give a positive number of windows")
        if self.threshold is not None and not 0 < float(self.threshold) < 1:
            raise InputError(f"--threshold {self.threshold}: give a probability strictly between 0 and 1")
        if self.format not in FORMATS:
            raise InputError(f"--format {self.format!r}: use one of {', '.join(FORMATS)}")
        if self.simplify_m is not None and float(self.simplify_m) < 0:
            raise InputError(f"--simplify-m {self.simplify_m}: give a tolerance of 0 metres or more")
        if float(self.min_area_km2) < 0:
            raise InputError(f"--min-area-km2 {self.min_area_km2}: give an area of 0 or more")
        if not is_device_name(self.device):
            raise InputError(f"--device {self.device!r}: use auto, cpu, cuda or cuda:N")
        for name, value in (("--min-area-km2", self.min_area_km2), ("--simplify-m", self.simplify_m),
                            ("--threshold", self.threshold), ("--overlap", self.overlap)):
            if value is not None and not math.isfinite(float(value)):
                raise InputError(f"{name} {value}: give a finite number")
        check_writable(Path(self.out_prefix))
        from .outputs import output_paths

        check_outputs_free(output_paths(self.out_prefix, self.format).values(), self.overwrite)
        if self.model:
            self.model_dir()  # a shipped model that is not installed: one line now, not after the scene is read

    def model_dir(self) -> str:
        """--model as a model dir path (a shipped name resolved); "" when no model dir is given."""
        from ..models.catalog import resolve_model

        return str(resolve_model(self.model)) if self.model else ""


def card_threshold(card: dict) -> float:
    """The decision threshold a model card recommends (0.5 when it has none or a bad one)."""
    try:
        value = float(card.get("threshold"))
    except (TypeError, ValueError):
        return 0.5
    return value if 0 < value < 1 else 0.5


def load_card(params: PredictParams) -> dict:
    from ..models.modeldir import read_card
    from .engines import onnx_card

    return read_card(params.model_dir()) if params.model else onnx_card(params.onnx)


def check_scene_fits(scene, card: dict, allow_other: bool) -> list[str]:
    """Refuse scenes from acquisition modes / polarisations / band counts the model never saw."""
    warnings = []
    _lon, lat = scene.center_lonlat()
    if abs(lat) > 84:
        raise InputError(f"{scene.path}: centred at latitude {lat:.1f}, outside UTM (80S..84N) that the model's "
                         "preprocessing projects to; crop the scene to below 84 degrees")
    if int(card.get("bands") or 1) != 1:
        raise InputError(f"model {card.get('name')}: expects {card.get('bands')} bands; Slick scenes have 1 band")
    for what, value, known in (("mode", scene.mode, card.get("modes")), ("polarisation", scene.polarisation,
                                                                          card.get("polarisations"))):
        if not known:
            continue
        if value is None:
            warnings.append(f"{scene.path.name}: its {what} is unknown; the model was trained on {'/'.join(known)}")
        elif value not in known:
            msg = (f"{scene.path}: {what} {value} is not one the model was trained on ({'/'.join(known)}); "
                   "use a model for this " + what + " or pass --allow-other-mode")
            if not allow_other:
                raise InputError(msg)
            warnings.append(msg)
    return warnings


def build_engine(params: PredictParams, card: dict, tmp_dir: Path | None, adapt=None):
    """(engine callable, description). ONNX without --onnx exports the model dir first.
    ``adapt(module)``, when given, changes the loaded module before use (AdaBN)."""
    from ..devices import resolve_device
    from .engines import OnnxEngine, TorchEngine

    if adapt is not None:
        from ..models.modeldir import load_model_dir
        from .onnx_export import export_module

        module = load_model_dir(params.model_dir(), "cpu").module
        adapt(module)
        if params.engine == "torch":
            device = resolve_device(params.device)
            return TorchEngine(module.to(device), device)
        return OnnxEngine(export_module(module, card, tmp_dir / "model.onnx"), params.device)
    if params.engine == "torch":
        from ..models.modeldir import load_model_dir

        device = resolve_device(params.device)
        return TorchEngine(load_model_dir(params.model_dir(), device).module, device)
    # ONNX Runtime picks its own provider from the device: no torch import on this path.
    onnx_path = params.onnx
    if params.model:
        from ..models.modeldir import verify_weights

        verify_weights(params.model_dir(), card)
    if not onnx_path:
        from ..models.modeldir import load_model_dir
        from .onnx_export import export_module

        onnx_path = export_module(load_model_dir(params.model_dir(), "cpu").module, card, tmp_dir / "model.onnx")
    return OnnxEngine(onnx_path, params.device)


def read_calibration(params, card: dict) -> tuple[str, list[str]]:
    """How to read the scene: as asked, else as the model's training data was read (the
    dataset's calibration on the card), so that predict applies the same chain as training."""
    from ..scenes.safe import is_product

    trained = ((card.get("preprocessing") or {}).get("dataset_params") or {}).get("calibration") or "none"
    asked = getattr(params, "calibration", None)
    if asked is not None:
        note = [] if asked == trained else [f"the model was trained on scenes read with calibration {trained}; "
                                            f"this one is read with {asked}"]
        return asked, note
    if trained != "none" and not is_product(params.scene):
        return "none", [f"{params.scene}: the model was trained on Sentinel-1 products calibrated to {trained}; "
                        "a bare raster is read as it is: give the product (.SAFE folder or .zip) to apply the same "
                        "calibration"]
    return trained, []


def scene_reader(scene, grid, stretch):
    """read_strip(row_off, col_off, height, width) -> (float32 0..255 image, valid)."""
    from rasterio.windows import Window

    from ..scenes import apply_stretch

    def read(row_off, col_off, height, width):
        values, valid = scene.read(grid, Window(col_off, row_off, width, height))
        if stretch is None:
            return np.zeros(values.shape, np.float32), valid
        return apply_stretch(values, valid, stretch).astype(np.float32), valid

    return read


ADAPT_TILES = 64  # windows of the scene AdaBN measures (spread evenly over it)


def scene_adapter(read, grid, tile: int, progress: Progress, warnings: list[str]):
    """adapt(module): AdaBN on up to ADAPT_TILES almost-all-valid windows spread over the scene."""
    from ..models.adapt import MIN_VALID, adapt_batchnorm, evenly_spaced, tile_batches

    def adapt(module) -> None:
        progress.update(0.05, "adapting BatchNorm statistics to the scene")
        offsets = [(r, c) for r in range(0, max(1, grid.height - tile + 1), tile)
                   for c in range(0, max(1, grid.width - tile + 1), tile)]
        picked = [offsets[i] for i in evenly_spaced(len(offsets), 4 * ADAPT_TILES)]
        images = []
        for r, c in picked:
            image, valid = read(r, c, tile, tile)
            if image.shape == (tile, tile) and valid.mean() >= MIN_VALID:
                images.append(image)
            if len(images) >= ADAPT_TILES:
                break
        used = adapt_batchnorm(module, tile_batches(np.stack(images))) if len(images) >= 2 else 0
        if used:
            log.info("AdaBN: BatchNorm statistics re-estimated on %d windows of the scene", used)
        else:
            warnings.append("adapting to the scene: fewer than 2 windows of it are almost all valid (not nodata); "
                            "predicted with the model's own normalisation statistics")

    return adapt


def run_predict(params: PredictParams, progress: Progress, engine=None, card: dict | None = None) -> dict:
    """Predict a whole scene. ``engine``/``card`` replace the model's (tests, benchmarks)."""
    import tempfile

    from ..ice_flag import IceField
    from ..masks import build_masks
    from ..masks.land import CoastDistance
    from ..scenes import acquisition_time, choose_grid, compute_stretch, open_scene_or_empty
    from .outputs import OutputSet
    from .sliding import predict_strips, with_tta

    params.validate(need_model=engine is None)
    t0 = time.perf_counter()
    card = card if card is not None else load_card(params)
    try:
        tile, pixel_size = int(card["tile"]), float(card["pixel_size"])
        assert tile > 0 and pixel_size > 0
    except (KeyError, TypeError, ValueError, AssertionError):
        raise InputError(f"{params.model or params.onnx}: the model card has no valid tile / pixel_size; "
                         "retrain or re-export the model") from None
    threshold = float(params.threshold) if params.threshold is not None else card_threshold(card)
    progress.update(0.01, "opening the scene")
    calibration, warnings = read_calibration(params, card)
    scene, empty = open_scene_or_empty(params.scene, params.value_kind, params.polarisation, calibration)
    with scene, tempfile.TemporaryDirectory(prefix="slick-predict-") as tmp_dir:
        warnings += check_scene_fits(scene, card, params.allow_other_mode)
        grid = choose_grid(scene, pixel_size)
        progress.update(0.01, "masks: land and mask files")
        masks = build_masks(grid, float(params.land_buffer_km) if params.land_mask else None, params.masks)
        warnings += masks.warnings
        stretch = None
        if empty:
            warnings.append(f"{params.scene}: the scene has no valid pixels; the outputs are empty (all nodata)")
        else:
            trained = (card.get("preprocessing") or {}).get("stretch") or {}
            domain = trained.get("domain") if trained.get("domain") in ("db", "amplitude", "intensity") else "db"
            stretch = compute_stretch(scene, grid, None, n_sigma=float(trained.get("n_sigma", 2.0)),
                                      progress=progress.sub(0.01, 0.05), domain=domain)
        for w in warnings:
            log.warning(w)
        progress.update(0.05, "loading the model")
        if engine is None:
            adapt = None
            if params.adapt_bn and not empty:
                adapt = scene_adapter(scene_reader(scene, grid, stretch), grid, tile, progress, warnings)
            engine = build_engine(params, card, Path(tmp_dir), adapt)
        run = with_tta(engine) if params.tta else engine
        simplify = pixel_size / 2 if params.simplify_m is None else float(params.simplify_m)
        tags = {"SLICK_MODEL": card.get("name"), "SLICK_SCENE": str(Path(params.scene).resolve()),
                "SLICK_THRESHOLD": threshold, "SLICK_TTA": params.tta, "SLICK_STRETCH": stretch and stretch.to_dict()}
        outputs = OutputSet(params.out_prefix, grid, params.format, True, simplify, float(params.min_area_km2),
                            scene.id, acquisition_time(scene.path, scene.tags), card.get("name"), tags,
                            coast_km=CoastDistance(grid).km, ice=None if empty else IceField(grid))
        with outputs:
            for strip in predict_strips(run, scene_reader(scene, grid, stretch), grid.height, grid.width, tile,
                                        float(params.overlap), int(params.batch_size), progress.sub(0.05, 0.9)):
                outputs.write(strip.row, strip.prob >= threshold, masks.unmasked(grid, strip.row, strip.valid),
                              strip.prob, strip.image)
            progress.update(0.92, "writing overviews and outlines")
    seconds = time.perf_counter() - t0
    progress.update(1.0, f"{outputs.n_outlines} slick outlines")
    result = {k: str(v) for k, v in outputs.paths.items()}
    result.update(
        n_slicks=outputs.n_outlines, slick_pixels=outputs.slick_pixels, valid_pixels=outputs.valid_pixels,
        slick_area_km2=round(outputs.slick_pixels * pixel_size ** 2 / 1e6, 4), grid=grid.to_dict(),
        engine=getattr(engine, "name", params.engine), seconds=round(seconds, 2), threshold=threshold,
        threshold_from="--threshold" if params.threshold is not None else "model card",
        mpx_per_s=round(grid.width * grid.height / 1e6 / max(seconds, 1e-9), 3), warnings=warnings,
        read={"kind": scene.kind, "polarisation": scene.polarisation, "calibration": calibration},
        masks=masks.describe(),
        params=asdict(params),
    )
    return result
