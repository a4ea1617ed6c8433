"""Plugin settings in QgsSettings under ``slick/``: backend location, models, SAM checkpoints."""

from __future__ import annotations

import dataclasses
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
    sam_dir: str = ""  # folder of SAM checkpoints (*.safetensors) the server offers
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
        loaded.sam_dir = loaded.sam_dir or str(Path(default_data_dir()) / "sam")
        return loaded

    def save(self) -> None:
        store = QgsSettings()
        for field in dataclasses.fields(self):
            store.setValue(PREFIX + field.name, getattr(self, field.name))

    def server_args(self) -> list[str]:
        """Command-line options of ``slick-backend serve`` that carry these settings."""
        return ["--models-dir", self.models_dir, "--sam-dir", self.sam_dir]
