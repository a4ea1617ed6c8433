"""The plugin object QGIS loads: actions, dock, settings page, Processing provider, backend."""

from __future__ import annotations

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .backend.manager import BackendManager
from .i18n import install_translator, remove_translator, tr
from .settings import PLUGIN_DIR, SlickSettings

MENU = "&Slick"


class SlickPlugin:
    def __init__(self, iface) -> None:
        self.iface = iface
        self.translator = install_translator()
        self.manager: BackendManager | None = None
        self.ctx = None
        self.dock = None
        self.actions: list[QAction] = []
        self.provider = None
        self.options_factory = None

    # --- QGIS life cycle ---------------------------------------------------------------------
    def initProcessing(self) -> None:  # noqa: N802 - QGIS API
        from .processing.provider import SlickProvider

        if self.manager is None:
            self.manager = BackendManager(SlickSettings.load())
        self.provider = SlickProvider(self.manager)
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 - QGIS API
        from .ui.context import SlickContext
        from .ui.settings_page import SlickOptionsFactory

        if self.provider is None:
            self.initProcessing()
        self.ctx = SlickContext(self.iface, self.manager)
        icon = QIcon(str(PLUGIN_DIR / "resources" / "icon.svg"))
        self._action(icon, tr("Slick dock"), self.toggle_dock, checkable=True)
        self._action(QIcon(str(PLUGIN_DIR / "resources" / "sam_box.svg")), tr("SAM box tool"), self.box_tool)
        self._action(QIcon(str(PLUGIN_DIR / "resources" / "sam_points.svg")), tr("SAM points tool"), self.points_tool)
        self._action(QIcon(), tr("Open Sentinel-1 product..."), self.open_product, toolbar=False)
        self._action(QIcon(), tr("Slick settings..."), self.open_settings, toolbar=False)
        self.options_factory = SlickOptionsFactory(self.apply_settings)
        self.iface.registerOptionsWidgetFactory(self.options_factory)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.manager.stop)

    def _action(self, icon, text, slot, checkable=False, toolbar=True) -> QAction:
        action = QAction(icon, text, self.iface.mainWindow())
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.iface.addPluginToMenu(MENU, action)
        if toolbar:
            self.iface.addToolBarIcon(action)
        self.actions.append(action)
        return action

    def unload(self) -> None:
        if self.dock is not None:
            self.dock.unload()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            self.iface.removeToolBarIcon(action)
            action.deleteLater()
        self.actions = []
        if self.options_factory is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.manager is not None:
            app = QCoreApplication.instance()
            if app is not None:
                try:
                    app.aboutToQuit.disconnect(self.manager.stop)
                except TypeError:  # initGui never ran (Processing-only load)
                    pass
            self.manager.stop()
        remove_translator(self.translator)
        self.translator = None

    # --- actions -----------------------------------------------------------------------------
    def show_dock(self):
        from .ui.dock import SlickDock

        if self.dock is None:
            self.dock = SlickDock(self.ctx, self.open_settings, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self.actions[0].setChecked)
        self.dock.show()
        self.dock.raise_()
        return self.dock

    def toggle_dock(self, checked: bool | None = None) -> None:
        if self.dock is not None and self.dock.isVisible() and not checked:
            self.dock.hide()
        else:
            self.show_dock()

    def box_tool(self) -> None:
        dock = self.show_dock()
        dock.show_panel(dock.label_panel)
        dock.label_panel.box_button.setChecked(True)

    def points_tool(self) -> None:
        dock = self.show_dock()
        dock.show_panel(dock.label_panel)
        dock.label_panel.points_button.setChecked(True)

    def open_product(self) -> None:
        from .ui.open_product import open_product

        open_product(self.iface)

    def open_settings(self) -> None:
        from .ui.settings_page import SettingsDialog

        SettingsDialog(self.apply_settings, self.iface.mainWindow()).exec_()

    def apply_settings(self, settings: SlickSettings) -> None:
        self.manager.apply_settings(settings)
        if self.dock is not None:
            self.dock.label_panel.handler.model = settings.sam_model
            self.dock.settings_changed()
