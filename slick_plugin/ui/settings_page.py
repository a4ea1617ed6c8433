"""Settings: a page in QGIS's Options dialog (QgsOptionsWidgetFactory) and the same form as a dialog."""

from __future__ import annotations

from qgis.gui import QgsFileWidget, QgsOptionsPageWidget, QgsOptionsWidgetFactory, QgsPasswordLineEdit
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..settings import DEFAULT_SAM_MODEL, HELP_URL, PLUGIN_DIR, SlickSettings, TokenStoreError
from .widgets import threshold_box


class SettingsForm(QWidget):
    """Edits a SlickSettings; ``save()`` stores it in QgsSettings and returns it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        s = SlickSettings.load()
        self.mode = QComboBox()
        self.mode.addItem(tr("Start a local backend"), "local")
        self.mode.addItem(tr("Connect to a running backend (URL + token)"), "remote")
        self.mode.setCurrentIndex(max(0, self.mode.findData(s.mode)))
        self.python = QgsFileWidget()
        self.python.setFilePath(s.python)
        self.python.setToolTip(tr("Python interpreter with the Slick backend's requirements (torch, ...)"))
        self.url = QLineEdit(s.url)
        self.url.setPlaceholderText("http://gpu-workstation:8765")
        self.token_authcfg = s.token_authcfg
        self.token = QgsPasswordLineEdit()  # a new token only: the stored one stays in the authentication database
        self.token.setPlaceholderText(tr("kept in QGIS's authentication database; type a new one to replace it")
                                      if s.token_authcfg else tr("the token of the remote backend"))
        self.models_dir = self._dir(s.models_dir)
        self.work_dir = self._dir(s.work_dir)
        self.sam_dir = self._dir(s.sam_dir)
        self.sam_model = QLineEdit(s.sam_model)
        self.sam_model.setToolTip(tr("slick-s1-prompt (the shipped slick prompt model), a SAM checkpoint name or path, "
                                     "or a fine-tuned SamLoRA model folder"))
        self.threshold = threshold_box(s.threshold)
        help_label = QLabel(f"<a href='{HELP_URL}'>{tr('Slick help')}</a>")
        help_label.setOpenExternalLinks(True)
        form = QFormLayout(self)
        form.addRow(tr("Backend"), self.mode)
        form.addRow(tr("Backend Python"), self.python)
        form.addRow(tr("Backend URL"), self.url)
        form.addRow(tr("Token"), self.token)
        form.addRow(tr("Models folder"), self.models_dir)
        form.addRow(tr("Work folder"), self.work_dir)
        form.addRow(tr("SAM checkpoints folder"), self.sam_dir)
        form.addRow(tr("SAM model for labelling"), self.sam_model)
        form.addRow(tr("Probability threshold"), self.threshold)
        form.addRow(help_label)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self._mode_changed()

    @staticmethod
    def _dir(path: str) -> QgsFileWidget:
        widget = QgsFileWidget()
        widget.setStorageMode(QgsFileWidget.GetDirectory)
        widget.setFilePath(path)
        return widget

    def _mode_changed(self, *_args) -> None:
        local = self.mode.currentData() == "local"
        self.python.setEnabled(local)
        self.url.setEnabled(not local)
        self.token.setEnabled(not local)

    def settings(self) -> SlickSettings:
        return SlickSettings(
            mode=self.mode.currentData(), python=self.python.filePath(), url=self.url.text().strip(),
            token=self.token.text().strip(), token_authcfg=self.token_authcfg, models_dir=self.models_dir.filePath(), work_dir=self.work_dir.filePath(),
            sam_model=self.sam_model.text().strip() or DEFAULT_SAM_MODEL, sam_dir=self.sam_dir.filePath(),
            threshold=self.threshold.value(),
        )

    def save(self) -> SlickSettings:
        """Store the settings (the token in QGIS's authentication database) and return them; a
        token that could not be stored is kept for this session and the user is told why."""
        settings = self.settings()
        try:
            settings.save()
        except TokenStoreError as exc:
            QMessageBox.warning(self, tr("Slick settings"), tr("{reason}. The token is used for this QGIS session "
                                                               "only.").format(reason=str(exc)))
        loaded = SlickSettings.load()
        loaded.token = settings.token  # a new token: the manager sees the change and reconnects
        self.token_authcfg = loaded.token_authcfg
        return loaded


class SettingsDialog(QDialog):
    def __init__(self, on_saved, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Slick settings"))
        self.form = SettingsForm()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.accepted.connect(lambda: on_saved(self.form.save()))


class SlickOptionsPage(QgsOptionsPageWidget):
    def __init__(self, on_saved, parent=None) -> None:
        super().__init__(parent)
        self.on_saved = on_saved
        self.form = SettingsForm()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)

    def apply(self) -> None:
        self.on_saved(self.form.save())

    def helpKey(self) -> str:  # noqa: N802 - Qt API
        return HELP_URL


class SlickOptionsFactory(QgsOptionsWidgetFactory):
    def __init__(self, on_saved) -> None:
        super().__init__()
        self.on_saved = on_saved
        self.setTitle(tr("Slick"))

    def icon(self) -> QIcon:
        return QIcon(str(PLUGIN_DIR / "resources" / "icon.svg"))

    def createWidget(self, parent) -> SlickOptionsPage:  # noqa: N802 - Qt API
        return SlickOptionsPage(self.on_saved, parent)
