"""One params dataclass per backend job, built on the QGIS main thread from the panels.

Field names follow the backend's own params dataclasses (slick_backend.jobs: the CLI's
option names with ``_``); ``to_params()`` gives the JSON body the server validates.
``validate()`` catches what the user can fix before anything is sent.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..i18n import tr


class ParamsInvalid(ValueError):
    pass


def _need_file(path: str, what: str) -> None:
    if not path or not Path(path).exists():
        raise ParamsInvalid(tr("{what}: {path} does not exist").format(what=what, path=path or "-"))


@dataclasses.dataclass
class JobRequest:
    KIND = ""

    def to_params(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None and v != ""}

    def title(self) -> str:
        return tr("Slick {kind}").format(kind=self.KIND)

    def validate(self) -> None:
        pass


@dataclasses.dataclass
class PrepareRequest(JobRequest):
    KIND = "prepare"
    scenes: list[str]
    labels: str
    out: str
    pixel_size: float = 25.0
    tile: int = 256

    def validate(self) -> None:
        if not self.scenes:
            raise ParamsInvalid(tr("choose at least one scene layer"))
        for scene in self.scenes:
            _need_file(scene, tr("scene"))
        _need_file(self.labels, tr("label layer"))

    def title(self) -> str:
        return tr("Slick: prepare a dataset")


@dataclasses.dataclass
class TrainRequest(JobRequest):
    KIND = "train"
    data: str
    out: str
    arch: str = "deeplabv3"
    backbone: str | None = None
    init: str = "base"
    source: str | None = None  # the transfer source model dir
    epochs: int = 100
    allow_random_init: bool = False  # train from random weights when no pretrained ones are installed
    light: bool = False
    lr: float | None = None  # None: the backend runs a learning-rate range test
    name: str | None = None

    def validate(self) -> None:
        _need_file(self.data, tr("dataset"))
        if self.init == "transfer" and not self.source:
            raise ParamsInvalid(tr("transfer needs a source model: choose one in the list"))
        if Path(self.out).exists():
            raise ParamsInvalid(tr("{path} already exists: choose another model name").format(path=self.out))

    def to_params(self) -> dict:
        params = super().to_params()
        if self.init != "transfer":
            params.pop("source", None)
        return params

    def title(self) -> str:
        return tr("Slick: train {name}").format(name=Path(self.out).name)


@dataclasses.dataclass
class PrepareTrainRequest(JobRequest):
    """Prepare the dataset and train in one job: the Train button."""

    KIND = "prepare-train"
    scenes: list[str]
    labels: str
    dataset: str  # where the prepared tiles go
    out: str  # the model dir
    arch: str = "deeplabv3"
    backbone: str | None = None
    init: str = "base"
    source: str | None = None
    pixel_size: float = 25.0
    tile: int = 256
    epochs: int = 100
    allow_random_init: bool = False
    light: bool = False
    lr: float | None = None

    def _train(self) -> TrainRequest:
        return TrainRequest(
            data=self.dataset, out=self.out, arch=self.arch, backbone=self.backbone, init=self.init, source=self.source,
            epochs=self.epochs, allow_random_init=self.allow_random_init, light=self.light, lr=self.lr,
            name=Path(self.out).name,
        )

    def validate(self) -> None:
        PrepareRequest(self.scenes, self.labels, self.dataset).validate()
        if self.init == "transfer" and not self.source:
            raise ParamsInvalid(tr("transfer needs a source model: choose one in the list"))
        if Path(self.out).exists():
            raise ParamsInvalid(tr("{path} already exists: choose another model name").format(path=self.out))

    def to_params(self) -> dict:
        prepare = PrepareRequest(self.scenes, self.labels, self.dataset, self.pixel_size, self.tile).to_params()
        train = self._train().to_params()
        train.pop("data")
        return {"prepare": prepare, "train": train}

    def title(self) -> str:
        return tr("Slick: train {name}").format(name=Path(self.out).name)


@dataclasses.dataclass
class PredictRequest(JobRequest):
    KIND = "predict"
    model: str
    scene: str
    out: str  # prefix: PREFIX_prob.tif, PREFIX_mask.tif, PREFIX_slicks.gpkg
    threshold: float = 0.5

    def validate(self) -> None:
        _need_file(self.model, tr("model"))
        _need_file(self.scene, tr("scene"))

    def title(self) -> str:
        return tr("Slick: predict {scene}").format(scene=Path(self.scene).name)


@dataclasses.dataclass
class BaselineRequest(JobRequest):
    KIND = "baseline"
    scene: str
    out: str

    def validate(self) -> None:
        _need_file(self.scene, tr("scene"))

    def title(self) -> str:
        return tr("Slick: classic baseline on {scene}").format(scene=Path(self.scene).name)


@dataclasses.dataclass
class EvaluateRequest(JobRequest):
    KIND = "evaluate"
    model: str
    data: str

    def validate(self) -> None:
        _need_file(self.model, tr("model"))
        _need_file(self.data, tr("dataset"))

    def title(self) -> str:
        return tr("Slick: evaluate {name}").format(name=Path(self.model).name)


@dataclasses.dataclass
class ExperimentRequest(JobRequest):
    KIND = "experiment"
    config: str
    out: str

    def validate(self) -> None:
        _need_file(self.config, tr("experiment config"))

    def title(self) -> str:
        return tr("Slick: experiment {name}").format(name=Path(self.config).stem)
