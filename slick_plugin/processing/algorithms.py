"""Processing algorithms: each builds one job request in prepareAlgorithm (main thread, where
the backend may be started) and follows the server job in processAlgorithm (any thread)."""

from __future__ import annotations

import json
from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputRasterLayer,
    QgsProcessingOutputString,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)
from qgis.PyQt.QtGui import QIcon

from ..backend.client import BackendError
from ..backend.wording import gui_words
from ..i18n import tr, tr_noop
from ..layers.label_layer import layer_path
from ..layers.results import result_paths
from ..settings import PLUGIN_DIR
from ..tasks.eta import Eta, eta_text
from ..tasks.params import (
    BACKBONES,
    BaselineRequest,
    EvaluateRequest,
    ExperimentRequest,
    ParamsInvalid,
    PredictRequest,
    PrepareRequest,
    TrainRequest,
)
from ..tasks.polling import JobFailed, follow_job

ARCHS, INITS, DECODERS = list(BACKBONES), ["base", "transfer"], ["aspp", "plus"]


class SlickAlgorithm(QgsProcessingAlgorithm):
    NAME = TITLE = HELP = ""
    ICON = "icon.svg"

    def __init__(self, manager) -> None:
        super().__init__()
        self.manager = manager
        self.request = None
        self.client = None

    def createInstance(self):  # noqa: N802 - QGIS API
        return type(self)(self.manager)

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802
        return tr(self.TITLE)

    def group(self) -> str:
        return tr("Slick")

    def groupId(self) -> str:  # noqa: N802
        return "slick"

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(self.HELP)

    def icon(self) -> QIcon:
        return QIcon(str(PLUGIN_DIR / "resources" / self.ICON))

    def build(self, parameters, context):  # -> a params dataclass of tasks/params.py
        raise NotImplementedError

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        """The request's own checks, so that the dialog refuses bad values before anything runs
        (its message box names the problem; a failure inside the run only reaches the log)."""
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            self.build(parameters, context).validate()
        except ParamsInvalid as exc:
            return False, str(exc)
        return True, ""

    def prepareAlgorithm(self, parameters, context, feedback) -> bool:  # noqa: N802 - main thread
        self.request = self.build(parameters, context)
        try:
            self.request.validate()
        except ParamsInvalid as exc:
            raise QgsProcessingException(str(exc)) from None
        self.manager.ensure_started()  # returns at once; processAlgorithm waits for it
        return True

    def processAlgorithm(self, parameters, context, feedback) -> dict:  # noqa: N802
        eta = Eta()

        def progress(fraction: float, message: str) -> None:
            feedback.setProgress(fraction * 100.0)
            left = eta_text(eta(fraction))
            feedback.setProgressText(f"{message} ({left})" if left else message)
            if message and message != getattr(progress, "last", None):
                progress.last = message
                feedback.pushInfo(message)

        try:
            if not self.manager.is_active() or self.manager.state != "ready":
                feedback.pushInfo(tr("waiting for the backend to start..."))
            self.client = self.manager.wait_client(cancelled=feedback.isCanceled)
            result = follow_job(self.client, self.request.KIND, self.request.to_params(), progress, feedback.isCanceled)
        except BackendError as exc:
            raise QgsProcessingException(tr("the backend did not start: {reason}").format(reason=str(exc))) from None
        except JobFailed as exc:  # in the words of this dialog: its parameters, not the CLI's flags
            raise QgsProcessingException(gui_words(str(exc), self)) from None
        feedback.pushInfo(json.dumps(result, indent=1, default=str))
        return self.outputs_from(result)

    def outputs_from(self, result: dict) -> dict:
        return {"OUTPUT": self.request.output(), "RESULT": json.dumps(result, default=str)}

    def _add_result_outputs(self) -> None:
        self.addOutput(QgsProcessingOutputString("RESULT", tr("Result (JSON)")))


def _scene_param() -> QgsProcessingParameterRasterLayer:
    return QgsProcessingParameterRasterLayer("SCENE", tr("Sentinel-1 scene"))


class PrepareAlgorithm(SlickAlgorithm):
    NAME, TITLE = "prepare", tr_noop("Prepare a training dataset")
    HELP = tr_noop("Reprojects the scenes to UTM, resamples, stretches, rasterises the labels and writes 50 % overlapping tiles.")

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers("SCENES", tr("Scenes"), QgsProcessing.TypeRaster))
        self.addParameter(
            QgsProcessingParameterVectorLayer("LABELS", tr("Slick labels"), [QgsProcessing.TypeVectorPolygon])
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "PIXEL_SIZE", tr("Pixel size (m): 10 or 25 as in the paper"), QgsProcessingParameterNumber.Double, 25.0, False, 5.0, 100.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber("TILE", tr("Tile size (px): 256 or 512 as in the paper"), defaultValue=256, minValue=64, maxValue=1024)
        )
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Dataset folder")))  # also the output
        self._add_result_outputs()

    def build(self, parameters, context):
        scenes = self.parameterAsLayerList(parameters, "SCENES", context)
        labels = self.parameterAsVectorLayer(parameters, "LABELS", context)
        return PrepareRequest(
            scenes=[layer_path(s) for s in scenes], labels=layer_path(labels) if labels else "",
            out_dir=self.parameterAsString(parameters, "OUTPUT", context),
            pixel_size=self.parameterAsDouble(parameters, "PIXEL_SIZE", context),
            tile=self.parameterAsInt(parameters, "TILE", context),
        )


class TrainAlgorithm(SlickAlgorithm):
    NAME, TITLE, ICON = "train", tr_noop("Train a model"), "train.svg"
    HELP = tr_noop("Trains DeepLabv3 or SamLoRA on a prepared dataset, from generic weights (base) or from another model "
                   "(transfer). Transfer without a source model starts from the shipped Slick Sentinel-1 source and, like "
                   "any transfer, takes the source's architecture, backbone and decoder (leave those unset).")

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("DATA", tr("Dataset folder"), QgsProcessingParameterFile.Folder))
        self.addParameter(QgsProcessingParameterEnum("ARCH", tr("Architecture (unset: deeplabv3, or the source's)"), ARCHS,
                                                     optional=True))
        self.addParameter(QgsProcessingParameterString(
            "BACKBONE", tr("Backbone (empty: resnet50 for deeplabv3, vit_b for samlora / samsvd; transfer: the source's)"),
            optional=True))
        self.addParameter(QgsProcessingParameterEnum("DECODER", tr("DeepLab decoder (unset: aspp, or the source's)"),
                                                     DECODERS, optional=True))
        self.addParameter(QgsProcessingParameterEnum("INIT", tr("Initialisation"), INITS, defaultValue=0))
        self.addParameter(
            QgsProcessingParameterFile("FROM_MODEL", tr("Source model (transfer; empty: the shipped Slick Sentinel-1 source)"),
                                       QgsProcessingParameterFile.Folder, optional=True)
        )
        self.addParameter(QgsProcessingParameterNumber("EPOCHS", tr("Maximum epochs"), defaultValue=100, minValue=1))
        self.addParameter(
            QgsProcessingParameterBoolean("RANDOM_INIT", tr("Allow random initialisation (no pretrained weights)"), False)
        )
        self.addParameter(QgsProcessingParameterBoolean("LIGHT", tr("Light model (faster on CPU)"), False))
        self.addParameter(
            QgsProcessingParameterNumber(
                "LR", tr("Learning rate (empty: range test)"), QgsProcessingParameterNumber.Double, None, True, 1e-7, 0.5
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Model folder")))  # also the output
        self._add_result_outputs()

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        """A backbone that does not belong to the architecture is refused before anything runs."""
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        arch = ARCHS[self.parameterAsEnum(parameters, "ARCH", context)] if parameters.get("ARCH") not in (None, "") \
            else "deeplabv3"
        backbone = self.parameterAsString(parameters, "BACKBONE", context)
        if backbone and backbone not in BACKBONES[arch]:
            return False, tr("backbone {backbone} does not fit {arch}: use one of {choices}").format(
                backbone=backbone, arch=arch, choices=", ".join(BACKBONES[arch]))
        return True, ""

    def build(self, parameters, context):
        def choice(name: str, values: list[str]) -> str | None:
            return values[self.parameterAsEnum(parameters, name, context)] if parameters.get(name) not in (None, "") else None

        return TrainRequest(
            data=self.parameterAsFile(parameters, "DATA", context),
            out_dir=self.parameterAsString(parameters, "OUTPUT", context),
            arch=choice("ARCH", ARCHS),
            backbone=self.parameterAsString(parameters, "BACKBONE", context) or None,
            decoder=choice("DECODER", DECODERS),
            init=INITS[self.parameterAsEnum(parameters, "INIT", context)],
            source=self.parameterAsFile(parameters, "FROM_MODEL", context) or None,
            epochs=self.parameterAsInt(parameters, "EPOCHS", context),
            allow_random_init=self.parameterAsBool(parameters, "RANDOM_INIT", context),
            light=self.parameterAsBool(parameters, "LIGHT", context),
            lr=self.parameterAsDouble(parameters, "LR", context) if parameters.get("LR") not in (None, "") else None,
        )


class _SceneOutputs(SlickAlgorithm):
    def _scene_outputs(self) -> None:
        self.addOutput(QgsProcessingOutputRasterLayer("PROBABILITY", tr("Slick probability")))
        self.addOutput(QgsProcessingOutputRasterLayer("MASK", tr("Slick mask")))
        self.addOutput(QgsProcessingOutputVectorLayer("OUTLINES", tr("Slick outlines"), QgsProcessing.TypeVectorPolygon))
        self._add_result_outputs()

    def outputs_from(self, result: dict) -> dict:
        paths = result_paths(result)
        out = super().outputs_from(result)
        out.update({"PROBABILITY": paths.get("prob"), "MASK": paths.get("mask"), "OUTLINES": paths.get("outlines")})
        return out

    def _prefix(self, parameters, context, scene: str) -> str:
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        Path(folder).mkdir(parents=True, exist_ok=True)
        return str(Path(folder) / Path(scene).stem)


class PredictAlgorithm(_SceneOutputs):
    NAME, TITLE, ICON = "predict", tr_noop("Predict slicks"), "predict.svg"
    HELP = tr_noop("Runs a trained model over a whole scene: probability raster, mask and slick outlines.")

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(
            "MODEL", tr("Model folder (or slick-s1-source: the shipped Slick Sentinel-1 source)"),
            QgsProcessingParameterFile.Folder))
        self.addParameter(_scene_param())
        self.addParameter(
            QgsProcessingParameterNumber("THRESHOLD", tr("Threshold (empty: the model's)"), QgsProcessingParameterNumber.Double,
                                         None, True, 0.01, 0.99)
        )
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", tr("Output folder")))
        self._scene_outputs()

    def build(self, parameters, context):
        scene = layer_path(self.parameterAsRasterLayer(parameters, "SCENE", context))
        return PredictRequest(
            model=self.parameterAsFile(parameters, "MODEL", context), scene=scene,
            out_prefix=self._prefix(parameters, context, scene),
            threshold=self.parameterAsDouble(parameters, "THRESHOLD", context)
            if parameters.get("THRESHOLD") not in (None, "") else None,
            overwrite=True,  # Processing's outputs: the chosen folder is rewritten, as QGIS's own algorithms do
        )


class BaselineAlgorithm(_SceneOutputs):
    NAME, TITLE, ICON = "baseline", tr_noop("Classic baseline (adaptive threshold)"), "baseline.svg"
    HELP = tr_noop("The classic adaptive-threshold dark-spot detector, for comparison with the learned models.")

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(_scene_param())
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", tr("Output folder")))
        self._scene_outputs()

    def build(self, parameters, context):
        scene = layer_path(self.parameterAsRasterLayer(parameters, "SCENE", context))
        return BaselineRequest(scene=scene, out_prefix=self._prefix(parameters, context, scene), overwrite=True)


class EvaluateAlgorithm(SlickAlgorithm):
    NAME, TITLE, ICON = "evaluate", tr_noop("Evaluate a model"), "evaluate.svg"
    HELP = tr_noop("Dice and related metrics of a model on the test split of a dataset.")

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("MODEL", tr("Model folder"), QgsProcessingParameterFile.Folder))
        self.addParameter(QgsProcessingParameterFile("DATA", tr("Dataset folder"), QgsProcessingParameterFile.Folder))
        self._add_result_outputs()

    def build(self, parameters, context):
        return EvaluateRequest(
            model=self.parameterAsFile(parameters, "MODEL", context), data=self.parameterAsFile(parameters, "DATA", context)
        )

    def outputs_from(self, result: dict) -> dict:
        return {"RESULT": json.dumps(result, default=str)}


class ExperimentAlgorithm(SlickAlgorithm):
    NAME, TITLE, ICON = "experiment", tr_noop("Run a transfer-learning experiment"), "evaluate.svg"
    HELP = tr_noop("The bootstrap grid of an experiment config (resumable): results.csv, Fig. 2, tables and report.html.")

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("CONFIG", tr("Experiment config"), extension="toml"))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Output folder")))  # also the output
        self.addOutput(QgsProcessingOutputFile("REPORT", tr("Report (HTML)")))
        self._add_result_outputs()

    def build(self, parameters, context):
        return ExperimentRequest(
            config=self.parameterAsFile(parameters, "CONFIG", context),
            out_dir=self.parameterAsString(parameters, "OUTPUT", context)
        )

    def outputs_from(self, result: dict) -> dict:
        out = super().outputs_from(result)
        reports = sorted(Path(self.request.out_dir).glob("**/report.html"))
        out["REPORT"] = str(reports[0]) if reports else None
        return out


ALGORITHMS = [PrepareAlgorithm, TrainAlgorithm, PredictAlgorithm, BaselineAlgorithm, EvaluateAlgorithm, ExperimentAlgorithm]
