"""The output set of a prediction or baseline run, fed strip by strip, committed at the end.

PREFIX_prob.tif   float32 slick probability 0..1, nodata -1 (only when a probability exists)
PREFIX_mask.tif   uint8, 1 = slick, 0 = not slick, 255 = nodata
PREFIX_slicks.gpkg (or .shp / .geojson) layer `slicks`: outlines with attributes, layer
                  `centrelines`: their centrelines (Shapefile / GeoJSON: PREFIX_slicks_centrelines.*);
                  see docs/outlines.md

Everything is written under temporary names and renamed only once all files are complete;
on an error or cancel the temporaries are removed and earlier outputs stay untouched.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

from ..atomic import partial_path, sweep_partials
from ..vectorize import (
    FORMATS,
    OutlineCollector,
    StripVectorizer,
    centreline_path,
    outline_files,
    write_outlines,
)
from .writer import open_strip_writer

PROB_NODATA = -1.0
MASK_NODATA = 255


def output_paths(prefix: str | Path, fmt: str = "gpkg", with_prob: bool = True) -> dict[str, Path]:
    prefix = Path(prefix)
    out = {"mask": prefix.with_name(prefix.name + "_mask.tif"),
           "outlines": prefix.with_name(prefix.name + "_slicks" + FORMATS[fmt][1])}
    if centreline_path(out["outlines"]) != out["outlines"]:  # a separate file (not a GeoPackage layer)
        out["centrelines"] = centreline_path(out["outlines"])
    if with_prob:
        out = {"prob": prefix.with_name(prefix.name + "_prob.tif"), **out}
    return out


def _tmp_name(path: Path) -> Path:
    """A fresh temporary name for ``path``, after sweeping what a killed predict of it left."""
    sweep_partials(path)
    return partial_path(path)


class OutputSet:
    """Context manager: ``write(row, mask, valid, prob)`` per strip; files appear only on success."""

    def __init__(self, prefix, grid, fmt: str = "gpkg", with_prob: bool = True, simplify_m: float = 0.0,
                 min_area_km2: float = 0.0, scene: str = "", acq_time: str | None = None,
                 model: str | None = None, tags: dict | None = None, coast_km=None, ice=None):
        self.grid, self.fmt = grid, fmt
        self.ice = ice  # ice_flag.IceField: fed the stretched image strip by strip, scores the outlines at the end
        self.paths = output_paths(prefix, fmt, with_prob)
        self.tags = tags or {}
        px_area_km2 = abs(grid.transform[0] * grid.transform[4]) / 1e6
        self.collector = OutlineCollector(grid.transform, simplify_m, min_area_km2, scene, acq_time, model, coast_km)
        # Pre-filter on pixel count (half the minimum: simplification changes areas a little).
        self.vectorizer = StripVectorizer(min_pixels=0.5 * min_area_km2 / px_area_km2, on_component=self.collector)
        self.slick_pixels = 0
        self.valid_pixels = 0
        self._stack = contextlib.ExitStack()
        self._writers: dict = {}
        self._tmps: list[Path] = []
        self._tmp_of = {key: _tmp_name(path) for key, path in self.paths.items() if key != "centrelines"}

    def __enter__(self) -> OutputSet:
        try:
            if "prob" in self.paths:
                tmp = self._tmp_of["prob"]
                self._tmps.append(tmp)
                self._writers["prob"] = self._stack.enter_context(open_strip_writer(
                    tmp, self.grid, np.float32, PROB_NODATA, "average", self.tags, "slick probability"))
            tmp = self._tmp_of["mask"]
            self._tmps.append(tmp)
            self._writers["mask"] = self._stack.enter_context(open_strip_writer(
                tmp, self.grid, np.uint8, MASK_NODATA, "nearest", self.tags, "slick mask (1 = slick)"))
        except BaseException:
            self._abort()
            raise
        return self

    def write(self, row: int, mask: np.ndarray, valid: np.ndarray, prob: np.ndarray | None = None,
              image: np.ndarray | None = None) -> None:
        """``image``: the stretched scene over these rows (0..255), for the ice flag (needed when ``ice``)."""
        slick = mask & valid
        if self.ice is not None:
            self.ice.add(row, image, valid)  # masked pixels (land, the analyst's masks) are not surroundings
        self.slick_pixels += int(np.count_nonzero(slick))
        self.valid_pixels += int(np.count_nonzero(valid))
        if "prob" in self._writers:
            self._writers["prob"].write(row, np.where(valid, prob, PROB_NODATA).astype(np.float32))
        self._writers["mask"].write(row, np.where(valid, slick.astype(np.uint8), MASK_NODATA).astype(np.uint8))
        self.vectorizer.add(row, slick, prob)

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._abort()
            return
        try:
            self._stack.close()  # closes the rasters and builds their overviews
            self.vectorizer.close()
            if self.ice is not None:  # the ring below an outline is read after the outline is finished
                for geom, row in zip(self.collector.geometries, self.collector.rows, strict=True):
                    row.update(self.ice.attributes(geom))
            outlines_tmp = self._tmp_of["outlines"]
            write_outlines(outlines_tmp, self.collector.geometries, self.collector.rows, self.grid.crs, self.fmt,
                           self.collector.centrelines)
            # (temporary, final) for every file made: sidecars and centrelines first, the outlines last
            pairs = zip(outline_files(outlines_tmp), outline_files(self.paths["outlines"]), strict=True)
            made = [(tmp, final) for tmp, final in pairs if tmp.exists()]
            self._tmps += [tmp for tmp, _ in made]
        except BaseException:
            self._abort()
            raise
        # Commit: rasters first, the outlines (the file the plugin opens last) at the end.
        for key in ("prob", "mask"):
            if key in self.paths:
                os.replace(self._tmp_of[key], self.paths[key])
        for tmp, final in made:
            os.replace(tmp, final)

    def _abort(self) -> None:
        with contextlib.suppress(Exception):  # the writers see an exception: no overviews, just close
            self._stack.__exit__(RuntimeError, RuntimeError("aborted"), None)
        for tmp in self._tmps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            with contextlib.suppress(FileNotFoundError):
                Path(str(tmp) + ".aux.xml").unlink()

    @property
    def n_outlines(self) -> int:
        return len(self.collector.rows)

