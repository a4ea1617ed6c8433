"""Turning a box or points (in the raster's CRS) into proposed outlines.

``BackendSamHandler`` asks the server (POST /sam/embed once per window, then
/sam/prompt); tests may use any object with the same ``propose`` method. Geometries come
back in the raster's CRS.
"""

from __future__ import annotations

import json

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFields,
    QgsGeometry,
    QgsJsonUtils,
    QgsPointXY,
    QgsRectangle,
)

from ..backend.client import BackendError
from ..layers.label_layer import layer_path


def crs_string(crs: QgsCoordinateReferenceSystem) -> str:
    """What pyproj on the backend reads best: the EPSG code when there is one, else WKT."""
    return crs.authid() if crs.authid().upper().startswith("EPSG:") else crs.toWkt()


def geometries_from_geojson(collection: dict) -> list[QgsGeometry]:
    if not collection.get("features"):
        return []
    features = QgsJsonUtils.stringToFeatureList(json.dumps(collection), QgsFields(), None)
    return [f.geometry() for f in features if f.hasGeometry() and not f.geometry().isEmpty()]


class BackendSamHandler:
    """SAM through the backend server; remembers each raster's embedding window."""

    def __init__(self, manager, model: str = "tiny", session: str = "qgis-canvas") -> None:
        self.manager = manager
        self.model = model
        self.session = session
        self._windows: dict[tuple[str, str], tuple[str, QgsRectangle]] = {}
        self.last_score: float | None = None

    def _embed(self, client, raster: str, crs: str, centre: QgsPointXY) -> tuple[str, QgsRectangle]:
        answer = client.sam_embed(
            {"raster": raster, "point": [centre.x(), centre.y()], "crs": crs, "model": self.model, "session": self.session}
        )
        bounds = answer.get("window", {}).get("bounds") or [centre.x(), centre.y(), centre.x(), centre.y()]
        window = (answer["embedding_id"], QgsRectangle(*bounds))
        self._windows[(raster, self.model)] = window
        return window

    def propose(self, layer, box: QgsRectangle | None, points: list[tuple[QgsPointXY, int]]) -> list[QgsGeometry]:
        client = self.manager.ensure()
        raster, crs = layer_path(layer), crs_string(layer.crs())
        centre = box.center() if box is not None else points[0][0]
        cached = self._windows.get((raster, self.model))
        if cached is None or not cached[1].contains(centre):
            cached = self._embed(client, raster, crs, centre)
        body = {"crs": crs, "out_crs": crs, "session": self.session, "multimask": True}
        if box is not None:
            body["box"] = [box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()]
        if points:
            body["points"] = [[p.x(), p.y()] for p, _ in points]
            body["labels"] = [int(label) for _, label in points]
        try:
            answer = client.sam_prompt({**body, "embedding_id": cached[0]})
        except BackendError as exc:
            if exc.status != 404:  # 404: the server forgot the embedding (restarted): embed again
                raise
            cached = self._embed(client, raster, crs, centre)
            answer = client.sam_prompt({**body, "embedding_id": cached[0]})
        if answer.get("embedding_id") and answer.get("window", {}).get("bounds"):
            self._windows[(raster, self.model)] = (answer["embedding_id"], QgsRectangle(*answer["window"]["bounds"]))
        self.last_score = answer.get("score")
        return geometries_from_geojson(answer)
