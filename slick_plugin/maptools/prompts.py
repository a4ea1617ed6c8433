"""Turning a box or points (in the raster's CRS) into proposed outlines.

``BackendSamHandler`` asks the server (POST /sam/embed once per window, then
/sam/prompt); tests may use any object with the same ``propose`` method. Geometries come
back in the raster's CRS.
"""

from __future__ import annotations

import json
import threading

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFields,
    QgsGeometry,
    QgsJsonUtils,
    QgsPointXY,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..backend.client import BackendError
from ..layers.label_layer import layer_path
from ..settings import DEFAULT_SAM_MODEL


def crs_string(crs: QgsCoordinateReferenceSystem) -> str:
    """What pyproj on the backend reads best: the EPSG code when there is one, else WKT."""
    return crs.authid() if crs.authid().upper().startswith("EPSG:") else crs.toWkt()


def geometries_from_geojson(collection: dict) -> list[QgsGeometry]:
    if not collection.get("features"):
        return []
    features = QgsJsonUtils.stringToFeatureList(json.dumps(collection), QgsFields(), None)
    return [f.geometry() for f in features if f.hasGeometry() and not f.geometry().isEmpty()]


class _Signals(QObject):
    answered = pyqtSignal(int, object, str)  # request id, geometries, error ("" when none)


class BackendSamHandler:
    """SAM through the backend server; remembers each raster's embedding window.

    ``propose()`` answers synchronously; ``start()`` runs the HTTP round trip in a worker
    thread and calls back on the main thread, so QGIS stays responsive while the first
    embedding is computed. Every answer reaches its own callback: the asking tool knows
    which of its prompts is the newest (one handler serves both SAM tools).
    """

    def __init__(self, manager, model: str = DEFAULT_SAM_MODEL, session: str = "qgis-canvas") -> None:
        self.manager = manager
        self.model = model
        self.session = session
        self._windows: dict[tuple[str, str], tuple[str, QgsRectangle]] = {}
        self._lock = threading.Lock()
        self._signals = _Signals()  # lives on the main thread: answers are queued there
        self._signals.answered.connect(self._deliver)
        self._callbacks: dict[int, object] = {}
        self._requests = 0
        self.last_score: float | None = None

    # --- main thread ---------------------------------------------------------------------
    def propose(self, layer, box: QgsRectangle | None, points: list[tuple[QgsPointXY, int]]) -> list[QgsGeometry]:
        """Synchronous (scripts, benchmarks): waits for the backend; the tools use ``start()``."""
        return self._ask(self.manager.wait_client(), layer_path(layer), crs_string(layer.crs()), box, points)

    def start(self, layer, box, points, callback) -> int:
        """Ask in the background; ``callback(geometries, error)`` runs on the main thread.

        Nothing waits here: the backend is started if needed, and the worker thread waits
        for it to be ready, then asks.
        """
        self.manager.ensure_started()
        self._requests += 1
        request, self._callbacks[self._requests] = self._requests, callback
        args = (layer_path(layer), crs_string(layer.crs()), QgsRectangle(box) if box else None, list(points))
        threading.Thread(target=self._work, args=(request, *args), daemon=True, name="slick-sam").start()
        return request

    def _deliver(self, request: int, geometries, error: str) -> None:
        callback = self._callbacks.pop(request, None)
        if callback is not None:
            callback(geometries or [], error)

    # --- any thread ----------------------------------------------------------------------
    def _work(self, request: int, raster, crs, box, points) -> None:
        try:
            client = self.manager.wait_client()
            geometries, error = self._ask(client, raster, crs, box, points), ""
        except Exception as exc:  # noqa: BLE001 - reported to the user by the tool
            geometries, error = [], str(exc)
        self._signals.answered.emit(request, geometries, error)

    def _embed(self, client, raster: str, crs: str, centre: QgsPointXY) -> tuple[str, QgsRectangle]:
        answer = client.sam_embed(
            {"raster": raster, "point": [centre.x(), centre.y()], "crs": crs, "model": self.model, "session": self.session}
        )
        bounds = answer.get("window", {}).get("bounds") or [centre.x(), centre.y(), centre.x(), centre.y()]
        window = (answer["embedding_id"], QgsRectangle(*bounds))
        with self._lock:
            self._windows[(raster, self.model)] = window
        return window

    def _ask(self, client, raster: str, crs: str, box, points) -> list[QgsGeometry]:
        centre = box.center() if box is not None else points[0][0]
        with self._lock:
            cached = self._windows.get((raster, self.model))
        if cached is None or not cached[1].contains(centre):
            cached = self._embed(client, raster, crs, centre)
        # SAM's convention: three candidate masks for an ambiguous single click, one for a box or clicks
        body = {"crs": crs, "out_crs": crs, "session": self.session, "multimask": box is None and len(points) == 1}
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
            with self._lock:
                self._windows[(raster, self.model)] = (answer["embedding_id"], QgsRectangle(*answer["window"]["bounds"]))
        self.last_score, self.last_engine_s = answer.get("score"), answer.get("seconds")
        return geometries_from_geojson(answer)
