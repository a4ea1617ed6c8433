"""The backend's one-line errors, in the words of the dock rather than of the command line.

The backend speaks to `slick-backend` users ("give --allow-random-init", "pass --overwrite",
"run `slick-backend weights download resnet18`"). The dock has check boxes and fields, not
flags: known sentences are rewritten whole, then any flag left is named by the control
that sets it, so no "--flag" reaches the message bar.
"""

from __future__ import annotations

import re

from ..i18n import tr

# whole sentences first: what to do, in the dock's terms
SENTENCES = [
    (re.compile(r"no pretrained base weights '([^']+)' in (\S+); run `slick-backend weights download [^`]+`, or give "
                r"--allow-random-init to train from random weights"),
     lambda m: tr("no pretrained weights '{name}' are installed for this backbone (looked in {folder}): tick "
                  "'Allow random initialisation' under Train > Advanced, or install the weights on the backend "
                  "machine (see Help)").format(name=m.group(1), folder=m.group(2))),
    (re.compile(r"no pretrained base weights \(none exist for (\S+)\); give --allow-random-init to train from random "
                r"weights"),
     lambda m: tr("no pretrained weights exist for {backbone}: tick 'Allow random initialisation' under "
                  "Train > Advanced").format(backbone=m.group(1))),
    (re.compile(r"(\S+): a dataset already exists there; pass --overwrite to replace it or choose another --out"),
     lambda m: tr("a dataset already exists in {path}: train under another name, or accept replacing it when "
                  "asked").format(path=m.group(1))),
    (re.compile(r"(\S+): already exists; choose another --out or give --overwrite[^;]*"),
     lambda m: tr("{path} already exists: train under another name, or accept replacing it when asked").format(
         path=m.group(1))),
]


def _flag_names() -> dict[str, str]:
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
    }


FLAG = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
COMMAND = re.compile(r"`slick-backend [^`]*`")


def gui_words(message: str) -> str:
    """``message`` with command-line advice replaced by what to do in the dock."""
    text = str(message)
    for pattern, replace in SENTENCES:
        text = pattern.sub(replace, text)
    names = _flag_names()
    text = FLAG.sub(lambda m: names.get(m.group(0), tr("the '{option}' option").format(option=m.group(1).replace("-", " "))),
                    text)
    return COMMAND.sub(tr("a command on the backend machine (see Help)"), text)
