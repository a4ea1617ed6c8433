"""The backend's one-line errors, in the words of the dock or of the Processing dialog rather
than of the command line.

The backend speaks to `slick-backend` users ("give --allow-random-init", "pass --overwrite",
"run `slick-backend weights download resnet18`"). The dock has check boxes and fields and the
Processing dialog has parameters, not flags: known sentences are rewritten whole, then any flag
left is named by the control that sets it, so no "--flag" reaches the user.
"""

from __future__ import annotations

import re

from ..i18n import tr

WEIGHTS = re.compile(r"no pretrained base weights '([^']+)' in (\S+); run `slick-backend weights download [^`]+`, or "
                     r"give --allow-random-init to train from random weights")
NO_WEIGHTS = re.compile(r"no pretrained base weights \(none exist for (\S+)\); give --allow-random-init to train from "
                        r"random weights")
DATASET_EXISTS = re.compile(r"(\S+): a dataset already exists there; pass --overwrite to replace it or choose another "
                            r"--out")
MODEL_EXISTS = re.compile(r"(\S+): already exists; choose another --out or give --overwrite[^;]*")
FLAG = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
COMMAND = re.compile(r"`slick-backend [^`]*`")

# The flags of the backend's jobs and the Processing parameter that sets each.
FLAG_PARAMETERS = {
    "--allow-random-init": "RANDOM_INIT", "--out": "OUTPUT", "--from": "FROM_MODEL", "--arch": "ARCH",
    "--backbone": "BACKBONE", "--decoder": "DECODER", "--light": "LIGHT", "--init": "INIT", "--epochs": "EPOCHS",
    "--lr": "LR", "--tile": "TILE", "--pixel-size": "PIXEL_SIZE", "--scenes": "SCENES", "--scene": "SCENE",
    "--labels": "LABELS", "--data": "DATA", "--model": "MODEL", "--threshold": "THRESHOLD", "--config": "CONFIG",
}


def dock_names() -> dict[str, str]:
    """Each flag as the dock's control that sets it."""
    return {
        "--allow-random-init": tr("'Allow random initialisation' (Train > Advanced)"),
        "--overwrite": tr("replacing it"),
        "--out": tr("the name"),
        "--from": tr("the source model"),
        "--arch": tr("the architecture"),
        "--backbone": tr("the backbone"),
        "--decoder": tr("the DeepLab decoder (Train > Advanced)"),
        "--light": tr("'Light model' (Train > Advanced)"),
        "--init": tr("the initialisation"),
        "--epochs": tr("the maximum epochs (Train > Advanced)"),
        "--lr": tr("the learning rate (Train > Advanced)"),
        "--tile": tr("the tile size"),
        "--pixel-size": tr("the pixel size"),
        "--scenes": tr("the scenes"),
        "--scene": tr("the scene"),
        "--labels": tr("the label layer"),
        "--data": tr("the dataset"),
        "--model": tr("the model"),
        "--threshold": tr("the threshold"),
        "--outlines": tr("the outlines (Seep atlas)"),
        "--coverage": tr("the scenes looked at (Seep atlas)"),
        "--drift": tr("the drift table (Seep atlas)"),
        "--cluster-m": tr("the clustering distance (Seep atlas)"),
        "--source-radius-m": tr("the source radius (Seep atlas)"),
        "--min-dates": tr("the minimum dates (Seep atlas)"),
    }


def processing_names(algorithm) -> dict[str, str]:
    """Each flag as the Processing parameter of ``algorithm`` that sets it (its label in the dialog)."""
    names = {}
    for flag, name in FLAG_PARAMETERS.items():
        parameter = algorithm.parameterDefinition(name)
        if parameter is not None:
            names[flag] = "'" + parameter.description() + "'"
    return names


def _sentences(names: dict[str, str], replace_advice: str) -> list:
    """Whole sentences first: what to do, naming the controls of ``names`` (dock or dialog)."""
    option = names.get("--allow-random-init", "")
    return [
        (WEIGHTS, lambda m: tr("no pretrained weights '{name}' are installed for this backbone (looked in {folder}): "
                               "tick {option}, or install the weights on the backend machine (see Help)").format(
            name=m.group(1), folder=m.group(2), option=option)),
        (NO_WEIGHTS, lambda m: tr("no pretrained weights exist for {backbone}: tick {option}").format(
            backbone=m.group(1), option=option)),
        (DATASET_EXISTS, lambda m: tr("a dataset already exists in {path}: {advice}").format(
            path=m.group(1), advice=replace_advice)),
        (MODEL_EXISTS, lambda m: tr("{path} already exists: {advice}").format(path=m.group(1), advice=replace_advice)),
    ]


def gui_words(message: str, algorithm=None) -> str:
    """``message`` with command-line advice replaced by what to do in the dock, or, given a
    Processing ``algorithm``, in its dialog."""
    if algorithm is None:  # the dock asks before replacing; Processing cannot
        names, advice = dock_names(), tr("train under another name, or accept replacing it when asked")
    else:
        names, advice = processing_names(algorithm), tr("choose a new output folder")
    text = str(message)
    for pattern, replace in _sentences(names, advice):
        text = pattern.sub(replace, text)
    text = FLAG.sub(lambda m: names.get(m.group(0), tr("the '{option}' option").format(option=m.group(1).replace("-", " "))),
                    text)
    return COMMAND.sub(tr("a command on the backend machine (see Help)"), text)
