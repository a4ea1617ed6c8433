"""Plugin settings in QgsSettings under ``slick/``: backend location, models, SAM checkpoints."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings

PREFIX = "slick/"
PLUGIN_DIR = Path(__file__).resolve().parent
HELP_URL = "https://github.com/slick-seeps/slick/blob/main/docs/plugin.md"


def default_python() -> str:
    """The project's .venv when the plugin runs from a checkout (make deploy), else nothing."""
    for candidate in (PLUGIN_DIR.parent / ".venv" / "bin" / "python", PLUGIN_DIR.parent / ".venv" / "Scripts" / "python.exe"):
        if candidate.exists():
            return str(candidate)
    return ""


def default_data_dir() -> str:
    base = QgsApplication.qgisSettingsDirPath() if QgsApplication.instance() else str(Path.home())
    return str(Path(base) / "slick")


@dataclasses.dataclass
class SlickSettings:
    """Everything the settings page edits. ``mode`` is "local" (start a server) or "remote"."""

    mode: str = "local"
    python: str = ""
    url: str = ""
    token: str = ""
    models_dir: str = ""
    work_dir: str = ""
    sam_model: str = "tiny"
    sam_checkpoints: str = ""  # one path per line (ViT-B, ViT-L, ... .pth or .safetensors)
    threshold: float = 0.5
    start_timeout_s: float = 120.0

    @classmethod
    def load(cls) -> SlickSettings:
        store = QgsSettings()
        values = {}
        for field in dataclasses.fields(cls):
            default = field.default
            values[field.name] = store.value(PREFIX + field.name, default, type=type(default))
        loaded = cls(**values)
        loaded.python = loaded.python or default_python()
        loaded.models_dir = loaded.models_dir or str(Path(default_data_dir()) / "models")
        loaded.work_dir = loaded.work_dir or str(Path(default_data_dir()) / "work")
        return loaded

    def save(self) -> None:
        store = QgsSettings()
        for field in dataclasses.fields(self):
            store.setValue(PREFIX + field.name, getattr(self, field.name))

    def checkpoint_list(self) -> list[str]:
        return [line.strip() for line in self.sam_checkpoints.splitlines() if line.strip()]

    def server_env(self) -> dict[str, str]:
        """Environment for a local server: where models and SAM checkpoints live."""
        env = {"SLICK_MODELS_DIR": self.models_dir, "SLICK_WORK_DIR": self.work_dir}
        if self.checkpoint_list():
            env["SLICK_SAM_CHECKPOINTS"] = os.pathsep.join(self.checkpoint_list())
        return env
