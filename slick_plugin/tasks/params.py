"""One params dataclass per backend job, built on the QGIS main thread from the panels.

Field names follow the backend's own params dataclasses (slick_backend.jobs: the CLI's
option names with ``_``; ``--out`` is ``out_dir``, ``out_prefix`` or ``out_file``, by what the
output is); ``to_params()`` gives the JSON body the server validates.
``validate()`` catches what the user can fix before anything is sent.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..i18n import tr
from ..layers.sources import scene_name, source_file

# Models that ship with the backend, named rather than given as a folder (mirrors
# slick_backend.models.catalog.SHIPPED; tests/plugin/test_params_contract.py keeps them equal).
SHIPPED_MODELS = ("slick-s1-source",)

# Backbones of each architecture, the default (the backend's when none is given) first.
BACKBONES = {
    "deeplabv3": ["resnet50", "resnet101", "resnet34", "resnet18", "mobilenet_v2"],
    "samlora": ["vit_b", "vit_l", "vit_tiny"],
    "samsvd": ["vit_b", "vit_l", "vit_tiny"],
}


class ParamsInvalid(ValueError):
    pass


def _need_file(path: str, what: str) -> None:
    if not path or not Path(source_file(path)).exists():
        raise ParamsInvalid(tr("{what}: {path} does not exist").format(what=what, path=path or "-"))


def _need_masks(masks: list[str]) -> None:
    for mask in masks:
        _need_file(mask, tr("mask layer"))


def _need_model(model: str) -> None:
    """A model folder, or the name of a model shipped with the backend (it checks that one)."""
    if model not in SHIPPED_MODELS:
        _need_file(model, tr("model"))


@dataclasses.dataclass
class JobRequest:
    KIND = ""
    OUT_FIELDS = ("out_dir", "out_prefix", "out_file")  # where a job writes (the CLI's --out)

    def to_params(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None and v != ""}

    def title(self) -> str:
        return tr("Slick {kind}").format(kind=self.KIND)

    def output(self) -> str | None:
        """Where the job writes: its folder, prefix or file; None for a job that names none."""
        return next((getattr(self, name) for name in self.OUT_FIELDS if hasattr(self, name)), None)

    def validate(self) -> None:
        pass


@dataclasses.dataclass
class PrepareRequest(JobRequest):
    KIND = "prepare"
    scenes: list[str]
    labels: str
    out_dir: str
    pixel_size: float = 25.0
    tile: int = 256
    overwrite: bool = False  # replace a dataset already at ``out_dir``
    calibration: str = "none"  # Sentinel-1 products: none | sigma0 | sigma0-denoised (predict repeats it)

    def validate(self) -> None:
        if not self.scenes:
            raise ParamsInvalid(tr("choose at least one scene layer"))
        for scene in self.scenes:
            _need_file(scene, tr("scene"))
        _need_file(self.labels, tr("label layer"))

    def title(self) -> str:
        return tr("Slick: prepare a dataset")


PROMPT_MODEL_PIXEL_M = 25.0  # the pixel size of the shipped prompt model (slick-s1-prompt) and its adaptations


@dataclasses.dataclass
class TrainRequest(JobRequest):
    KIND = "train"
    data: str
    out_dir: str
    arch: str | None = None  # None: deeplabv3 for base; transfer takes the source's architecture
    backbone: str | None = None
    init: str = "base"
    source: str | None = None  # the transfer source: a model dir or a shipped name; None: slick-s1-source
    epochs: int = 100
    allow_random_init: bool = False  # train from random weights when no pretrained ones are installed
    light: bool = False
    decoder: str | None = None  # DeepLabv3: "aspp" (default) or "plus" (DeepLabv3+, the shipped source's)
    lr: float | None = None  # None: the backend runs a learning-rate range test
    name: str | None = None
    overwrite: bool = False  # replace a model already at ``out_dir`` (once the new one is complete)

    def validate(self) -> None:
        _need_file(self.data, tr("dataset"))
        self.validate_options()

    def validate_options(self) -> None:
        """What does not need the dataset to exist yet (prepare-and-train checks it before the prepare step)."""
        if Path(self.out_dir).exists() and not self.overwrite:
            # the dock asks before replacing (and then sets overwrite); this is Processing's case
            raise ParamsInvalid(tr("{path} already exists: choose a new model folder").format(path=self.out_dir))
        if self.arch is not None and self.decoder is not None and self.arch != "deeplabv3":
            raise ParamsInvalid(tr("the DeepLab decoder only applies to the DeepLabv3 architecture"))

    def to_params(self) -> dict:
        params = super().to_params()
        if self.init != "transfer":
            params.pop("source", None)
        return params

    def title(self) -> str:
        return tr("Slick: train {name}").format(name=Path(self.out_dir).name)


@dataclasses.dataclass
class PrepareTrainRequest(JobRequest):
    """Prepare the dataset and train in one job: the Train button.

    Mirrors the backend's typed PrepareTrainParams: ``prepare`` is the prepare step's request,
    ``train`` the train step's (its ``data`` is the prepared dataset, ``prepare.out_dir``; it is not sent).
    """

    KIND = "prepare-train"
    prepare: PrepareRequest
    train: TrainRequest
    prompt_out_dir: str | None = None  # also adapt the labelling (prompt) model to these labels, into this folder

    @classmethod
    def of(cls, scenes: list[str], labels: str, dataset: str, out_dir: str, pixel_size: float = 25.0, tile: int = 256,
           overwrite: bool = False, prompt_out_dir: str | None = None, calibration: str = "none",
           **train) -> PrepareTrainRequest:
        """From the flat choices of the Train tab; ``train`` holds TrainRequest fields."""
        return cls(PrepareRequest(scenes, labels, dataset, pixel_size, tile, overwrite=overwrite,
                                  calibration=calibration),
                   TrainRequest(data=dataset, out_dir=out_dir, name=Path(out_dir).name, overwrite=overwrite, **train), prompt_out_dir)

    def __post_init__(self) -> None:
        self.train.data = self.prepare.out_dir

    @property
    def out_dir(self) -> str:
        return self.train.out_dir

    def validate(self) -> None:
        self.prepare.validate()
        self.train.validate_options()
        if self.prompt_out_dir and Path(self.prompt_out_dir).exists() and not self.train.overwrite:
            raise ParamsInvalid(tr("{path} already exists: choose a new model name").format(path=self.prompt_out_dir))
        if self.prompt_out_dir and abs(float(self.prepare.pixel_size) - PROMPT_MODEL_PIXEL_M) > 0.01 * PROMPT_MODEL_PIXEL_M:
            raise ParamsInvalid(tr("the labelling model can only be adapted at a pixel size of {px:g} m").format(
                px=PROMPT_MODEL_PIXEL_M))

    def to_params(self) -> dict:
        train = self.train.to_params()
        train.pop("data")
        params = {"prepare": self.prepare.to_params(), "train": train}
        if self.prompt_out_dir:
            params["prompt_out_dir"] = self.prompt_out_dir
        return params

    def title(self) -> str:
        return tr("Slick: train {name}").format(name=Path(self.train.out_dir).name)


@dataclasses.dataclass
class PredictRequest(JobRequest):
    KIND = "predict"
    model: str  # a model dir or a shipped model name
    scene: str
    out_prefix: str  # PREFIX_prob.tif, PREFIX_mask.tif, PREFIX_slicks.gpkg
    threshold: float | None = None  # None: the model card's threshold
    adapt_bn: bool = False  # re-estimate the model's BatchNorm statistics on this scene (no labels)
    overwrite: bool = False  # replace outputs at ``out_prefix`` (Processing: its output folder is the user's choice)
    land_mask: bool = True  # no slick over land (GSHHG coastline + land_buffer_km, the backend's default 1 km)
    masks: list[str] = dataclasses.field(default_factory=list)  # the analyst's mask layers (files)

    def validate(self) -> None:
        _need_model(self.model)
        _need_file(self.scene, tr("scene"))
        _need_masks(self.masks)

    def title(self) -> str:
        return tr("Slick: predict {scene}").format(scene=scene_name(self.scene))


@dataclasses.dataclass
class BatchPredictRequest(JobRequest):
    """Many scenes into one output folder (the backend's BatchPredictParams): DIR/<scene id>/ per
    scene and DIR/slicks.gpkg, the outlines of them all. Sent again with the same folder, it resumes."""

    KIND = "predict-batch"
    model: str  # a model dir or a shipped model name
    scenes: list[str]  # scene files, product folders / zips, or folders of scenes
    out_dir: str  # the output folder
    threshold: float | None = None  # None: the model card's threshold
    adapt_bn: bool = False
    workers: int = 1  # scenes at a time in the backend
    overwrite: bool = False  # predict again the scenes already done in ``out_dir``
    land_mask: bool = True  # no slick over land (GSHHG coastline + land_buffer_km, the backend's default 1 km)
    masks: list[str] = dataclasses.field(default_factory=list)  # the analyst's mask layers (files)

    def validate(self) -> None:
        _need_model(self.model)
        if not self.scenes:
            raise ParamsInvalid(tr("choose a folder of scenes"))
        for scene in self.scenes:
            _need_file(scene, tr("scenes"))
        if Path(self.out_dir).is_file():
            raise ParamsInvalid(tr("{path} is a file: choose an output folder").format(path=self.out_dir))

    def title(self) -> str:
        if len(self.scenes) == 1:
            return tr("Slick: predict the scenes of {folder}").format(folder=Path(self.scenes[0]).name)
        return tr("Slick: predict {n} scenes").format(n=len(self.scenes))


@dataclasses.dataclass
class BaselineRequest(JobRequest):
    KIND = "baseline"
    scene: str
    out_prefix: str  # PREFIX_mask.tif, PREFIX_slicks.gpkg
    overwrite: bool = False  # replace outputs at ``out_prefix`` (Processing: its output folder is the user's choice)
    land_mask: bool = True  # no slick over land (GSHHG coastline + land_buffer_km, the backend's default 1 km)
    masks: list[str] = dataclasses.field(default_factory=list)  # the analyst's mask layers (files)

    def validate(self) -> None:
        _need_file(self.scene, tr("scene"))

    def title(self) -> str:
        return tr("Slick: classic baseline on {scene}").format(scene=scene_name(self.scene))


@dataclasses.dataclass
class EvaluateRequest(JobRequest):
    KIND = "evaluate"
    model: str
    data: str

    def validate(self) -> None:
        _need_model(self.model)
        _need_file(self.data, tr("dataset"))

    def title(self) -> str:
        return tr("Slick: evaluate {name}").format(name=Path(self.model).name)


@dataclasses.dataclass
class ExperimentRequest(JobRequest):
    KIND = "experiment"
    config: str
    out_dir: str

    def validate(self) -> None:
        _need_file(self.config, tr("experiment config"))

    def title(self) -> str:
        return tr("Slick: experiment {name}").format(name=Path(self.config).stem)


@dataclasses.dataclass
class AtlasRequest(JobRequest):
    """Outlines over many dates -> recurrence raster, seep sources, time series (the backend's
    AtlasParams, slick_backend.atlas.api). Paths are files: outline layers are sent as the files
    behind them, coverage as scene files, product folders / zips, folders of scenes or footprints."""

    KIND = "atlas"
    outlines: list[str]  # outline files (GeoPackage, Shapefile, GeoJSON), each polygon with a `scene`
    coverage: list[str]  # the scenes that were looked at (rasters, products, folders) or footprint files
    out_dir: str  # the output folder
    drift: str = ""  # optional CSV: scene, drift_to_deg (the way surface drift carries oil), acq_time
    pixel_size: float = 100.0  # recurrence grid, metres
    cluster_m: float = 1500.0  # candidate origins closer than this chain into one cluster, metres
    source_radius_m: float = 400.0  # a source: the candidate origins this close to a dense place of a cluster
    min_dates: int = 3  # a source needs slicks on at least this many dates
    overwrite: bool = False  # replace an atlas already in ``out_dir`` (the dock asks first)

    def validate(self) -> None:
        if not self.outlines:
            raise ParamsInvalid(tr("choose at least one outline layer or file"))
        if not self.coverage:
            raise ParamsInvalid(tr("choose the scenes that were looked at (scene layers, files or a folder)"))
        for path in self.outlines:
            _need_file(path, tr("outline layer"))
        for path in self.coverage:
            _need_file(path, tr("scenes"))
        if self.drift:
            _need_file(self.drift, tr("drift table"))
        if self.pixel_size <= 0 or self.cluster_m <= 0 or self.source_radius_m <= 0:
            raise ParamsInvalid(tr("the pixel size, the clustering distance and the source radius must be more "
                                   "than 0 m"))
        if self.min_dates < 1:
            raise ParamsInvalid(tr("a source needs at least 1 date"))
        out = Path(self.out_dir)
        if not self.out_dir:
            raise ParamsInvalid(tr("choose an output folder"))
        if out.is_file():
            raise ParamsInvalid(tr("{path} is a file: choose an output folder").format(path=self.out_dir))
        if out.is_dir() and any(out.iterdir()) and not self.overwrite:
            raise ParamsInvalid(tr("{path} is not empty: choose a new output folder").format(path=self.out_dir))

    def title(self) -> str:
        return tr("Slick: seep atlas {name}").format(name=Path(self.out_dir).name)
