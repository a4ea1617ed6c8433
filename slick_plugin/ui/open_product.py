"""Open Sentinel-1 product: a .SAFE folder (its manifest.safe) or the product .zip -> a map layer
of the chosen polarisation, ready for labelling, training and prediction."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QFileDialog, QInputDialog

from ..i18n import tr
from ..layers.products import ProductError, add_product_layer, polarisation_sources


def ask_polarisation(polarisations: list[str], parent=None) -> str | None:
    """The band to open; the co-polarised one (first) is the default, as Slick's models use it."""
    choice, ok = QInputDialog.getItem(
        parent, tr("Open Sentinel-1 product"),
        tr("Polarisation to open (HH or VV is what Slick's models are trained on):"), polarisations, 0, False)
    return choice if ok else None


def open_product(iface, path: str | None = None, choose=ask_polarisation):
    """Ask for a product (unless ``path`` is given) and its polarisation; add the layer. Returns
    the layer, or None when cancelled or unreadable (the message bar says why)."""
    parent = iface.mainWindow()
    if path is None:
        path, _ = QFileDialog.getOpenFileName(
            parent, tr("Open Sentinel-1 product"), "",
            tr("Sentinel-1 products (manifest.safe *.zip *.ZIP);;All files (*)"))
        if not path:
            return None
    try:
        pols = list(polarisation_sources(path))
        pol = pols[0] if len(pols) == 1 else choose(pols, parent)
        if pol is None:
            return None
        layer = add_product_layer(path, pol)
    except ProductError as exc:
        iface.messageBar().pushWarning(tr("Slick"), str(exc))
        return None
    iface.messageBar().pushSuccess(tr("Slick"), tr("{name} added: label it, train on it or predict it").format(
        name=layer.name()))
    return layer
